/**
 * The payments session as a pure machine: `step(state, event, now) → [state, effects]`.
 *
 * Everything that decides *when* to open a session, sign, settle, wait or give up lives here; the
 * controller (payments-controller.ts) only turns DOM and store changes into events and performs the
 * effects (sign, store, send, lock, timers). No DOM, timers, IndexedDB, network or Lit, so random event
 * sequences can be driven through it (test/unit/payments/payments-machine.property.test.ts).
 *
 * Seq space: every signed tick takes `reserved + 1`. The standby pair signed after each tick (see
 * OutboxRecord.standby) reserves one seq of its own, because pagehide may send it without a chance to
 * record that it did; the next tick then skips it. Gaps are allowed by the server, reuse is not.
 */
import { ZERO, sessionAmount as amount, type Effect, type MachineEvent, type MachineState } from './payments-machine-state.js';
import { pagehide } from './payments-pagehide.js';
import { acknowledge, applyConfig, canSign, closeSession, fail, halt, openSession, pauseUnreachable, sameConfig, setStatus, unreachable, elsewhere } from './payments-outcomes.js';

export * from './payments-machine-state.js';

export function step(prev: MachineState, ev: MachineEvent, now: number): [MachineState, Effect[]] {
  const s: MachineState = { ...prev, head: { ...prev.head }, store: { ...prev.store } };
  const fx: Effect[] = [];
  const stale = 'epoch' in ev && ev.epoch !== s.epoch;
  if (stale) return [prev, []];
  switch (ev.type) {
    case 'configure':
      if (sameConfig(s.config, ev.config)) {
        // Back to the configuration in force while a change waited for the settlement: the change is off,
        // and what its meter session credited meanwhile is this one's.
        if (s.nextConfig !== undefined) {
          delete s.nextConfig;
          s.owed += s.owedNext;
          s.owedNext = 0;
        }
        break;
      }
      // Settle the open session at the old price before moving on: its seconds were watched under it.
      if (canSign(s) && (s.owed > 0 || s.signingKind === 'tick' || (s.head.seq > 0 && !s.lastFinal))) {
        s.nextConfig = ev.config;
        s.owedNext = 0;
        s.wantFinal = true;
      } else applyConfig(s, ev.config, fx);
      break;
    case 'identity':
      if (ev.signer === s.signer) break;
      if (s.phase !== 'closed') closeSession(s, fx, false);
      if (s.lock !== 'none') fx.push({ type: 'drop-lock' });
      s.lock = 'none';
      s.signer = ev.signer;
      s.startRefused = false;
      if (s.store.status === 'elsewhere') setStatus(s, 'idle');
      // A key revoked by signing out (here or in another tab) is the old key's refusal, not the new one's.
      if (s.store.status === 'error' && s.store.error?.code === 'PAYMENT_KEY_REVOKED') {
        setStatus(s, 'idle');
        delete s.store.error;
      }
      break;
    case 'credit': {
      // Cumulative per meter session: a new session (new src, price or preview) counts from zero again.
      const newSession = ev.meterSession !== s.meterSession;
      const seen = newSession ? 0 : s.meterSeen;
      const delta = ev.seconds - seen;
      // While the old session is settled, a new meter session's seconds wait for the new configuration.
      const intoNext = s.nextConfig !== undefined && (newSession || s.owedNext > 0 || s.meterSession === null);
      s.meterSession = ev.meterSession;
      s.meterSeen = Math.max(seen, ev.seconds);
      s.mediaTimeMs = Math.max(0, Math.round(ev.mediaTime * 1000));
      if (delta <= 0 || s.store.status === 'elsewhere') break;
      if (intoNext) s.owedNext += delta;
      else if (s.config) s.owed += delta;
      break;
    }
    case 'play':
      s.playing = true;
      if (s.lock === 'denied') s.lock = 'none'; // ask again: the other tab may have gone
      break;
    case 'pause':
      s.playing = false;
      if (s.store.status !== 'elsewhere' && (s.phase !== 'closed' || s.owed > 0)) s.wantFinal = true;
      break;
    case 'pagehide':
      pagehide(s, fx);
      break;
    case 'flush':
      if (s.owed > 0) s.flushNow = true;
      break;
    case 'retry':
      s.startRefused = false;
      fx.push({ type: 'kick-outbox' });
      if (s.startWaiting) {
        s.startWaiting = false;
        fx.push({ type: 'clear-timer', name: 'start-retry' });
      }
      if (s.store.status === 'insufficient-funds' || s.store.status === 'error') {
        setStatus(s, s.phase === 'open' ? 'active' : 'idle');
        delete s.store.error;
      }
      break;
    case 'want-session':
      s.sessionWanted = true;
      break;
    case 'watch-here':
      if (s.lock !== 'held') {
        s.lock = 'acquiring';
        fx.push({ type: 'acquire-lock', steal: true });
      }
      break;
    case 'lock':
      s.lock = ev.held ? 'held' : 'denied';
      if (ev.held) {
        // Taken over from another tab: reopen from storage, where that tab's newest ticks are.
        if (ev.steal && s.phase !== 'closed') closeSession(s, fx, false);
        if (s.store.status === 'elsewhere') { setStatus(s, 'idle'); delete s.store.error; }
      } else elsewhere(s, fx, 'This video is playing in another tab.');
      break;
    case 'lock-lost':
      s.lock = 'denied';
      s.owed = 0;
      s.wantFinal = false;
      if (s.phase !== 'closed') closeSession(s, fx, false);
      elsewhere(s, fx, 'This video is now playing in another tab.');
      break;
    case 'loaded':
      if (ev.record) openSession(s, ev.record, fx, ev.budgetMicroAlgos === undefined ? (s.config?.budgetMicroAlgos ?? null) : ev.budgetMicroAlgos);
      else {
        s.phase = 'starting';
        if (s.store.status !== 'grace' && s.store.status !== 'paused-unreachable') setStatus(s, 'starting');
        fx.push({ type: 'start-session', epoch: s.epoch });
      }
      break;
    case 'started':
      s.startAttempt = 0;
      s.failingSince = null;
      s.store.balanceMicroAlgos = ev.balanceMicroAlgos;
      // Opened with the budget it was signed with: if the configuration moved on meanwhile, it is reopened.
      openSession(s, {
        sessionId: ev.sessionId, rateMicroAlgos: ev.rateMicroAlgos, freeSeconds: ev.freeSeconds ?? 0, acked: null, signed: { ...ZERO }, pending: null,
        ...(ev.tickIntervalSeconds !== undefined && { tickIntervalSeconds: ev.tickIntervalSeconds }),
      }, fx, ev.budgetMicroAlgos === undefined ? (s.config?.budgetMicroAlgos ?? null) : ev.budgetMicroAlgos);
      break;
    case 'start-failed':
      s.phase = 'closed';
      if (ev.retryable) {
        s.failingSince ??= now;
        s.startAttempt += 1;
        s.startWaiting = true;
        unreachable(s, fx, s.failingSince, ev.error, now);
        fx.push({ type: 'set-timer', name: 'start-retry', ms: 0, attempt: s.startAttempt });
      } else {
        s.startRefused = true;
        halt(s, fx, ev.error, ev.ledger);
      }
      break;
    case 'signed':
      signed(s, ev, fx);
      break;
    case 'ack':
      acknowledge(s, ev.ledger);
      s.failingSince = null;
      fx.push({ type: 'clear-timer', name: 'grace' });
      s.store.status = 'active';
      delete s.store.graceEndsAt;
      delete s.store.error;
      break;
    case 'send-failed':
      unreachable(s, fx, ev.failingSince, ev.error, now);
      break;
    case 'halt':
      halt(s, fx, ev.error, ev.ledger);
      break;
    case 'timer':
      if (ev.name === 'start-retry') s.startWaiting = false;
      else if (s.store.status === 'grace' && s.failingSince !== null) pauseUnreachable(s, fx);
      break;
  }
  advance(s, fx);
  return [s, fx];
}


/** What the next effect should be, given everything known: the one place that starts work. */
function advance(s: MachineState, fx: Effect[]): void {
  // A new configuration waits only for a settlement that can still happen.
  if (s.nextConfig !== undefined && !canSign(s)) applyConfig(s, s.nextConfig, fx);
  if (!s.config || !s.signer || s.signingKind !== 'none' || s.lock === 'denied') return;
  // Past the session's signed budget nothing is signed or started, not even a fresh session (that would
  // be a new budget the viewer never gave): only a changed budget lifts it (applyConfig).
  if (s.store.status === 'budget') return;
  const work = s.owed > 0 || s.wantFinal || s.unsent || s.sessionWanted;
  if (s.lock === 'none') {
    if (!work && !s.playing) return;
    s.lock = 'acquiring';
    fx.push({ type: 'acquire-lock', steal: false });
    return;
  }
  if (s.lock !== 'held') return;
  if (s.phase === 'open' && s.reopen) {
    // Signed under the old budget: wait until the API has acknowledged all of it, then open anew.
    if (s.head.seq > s.store.acknowledged.seq) return;
    closeSession(s, fx, false);
  }
  if (s.phase === 'closed') {
    if (!work || s.startWaiting || s.startRefused) return;
    s.phase = 'loading';
    fx.push({ type: 'load-session', epoch: s.epoch });
    return;
  }
  if (s.phase !== 'open') return;
  const tick = (seconds: number, final: boolean) => ({
    sessionId: s.sessionId!, seq: s.reserved + 1, seconds, microAlgos: amount(s, seconds), mediaTime: s.mediaTimeMs, ...(final ? { final: true } : {}),
  });
  // Seconds wait for the announced interval while playing; the first tick of a session, a pause (final),
  // a seek (flush) and pagehide (leaving) send what is owed at once.
  const due = s.owed > 0 && (s.owed >= s.tickInterval || s.head.seq === 0 || s.wantFinal || s.flushNow || s.leaving);
  if (due || (s.wantFinal && s.head.seq > 0 && !s.lastFinal)) {
    const final = s.wantFinal;
    s.flushNow = false;
    const t = tick(s.head.seconds + s.owed, final);
    s.signing = s.owed;
    s.signingKind = 'tick';
    s.signingFinal = final;
    s.owed = 0;
    s.wantFinal = false;
    s.reserved = t.seq;
    fx.push({ type: 'sign-tick', epoch: s.epoch, tick: t });
    return;
  }
  s.wantFinal = false;
  if (s.owed === 0) s.flushNow = false;
  if (s.nextConfig !== undefined) {
    applyConfig(s, s.nextConfig, fx);
    return advance(s, fx);
  }
  if (s.head.seq > 0 && !s.lastFinal && s.standbyFor !== s.head.seq) {
    s.signingKind = 'standby';
    const final = tick(s.head.seconds, true);
    s.reserved = final.seq;
    fx.push({ type: 'sign-standby', epoch: s.epoch, final, next: { ...final, seconds: s.head.seconds + 1, microAlgos: amount(s, s.head.seconds + 1) } });
  }
}

function signed(s: MachineState, ev: { ok: boolean; purpose: 'tick' | 'standby' }, fx: Effect[]): void {
  const wasTick = ev.purpose === 'tick';
  const final = s.signingFinal;
  s.signingKind = 'none';
  if (!ev.ok) {
    s.owed += s.signing;
    s.signing = 0;
    s.leaving = false;
    fail(s, fx, 'error', 'PAYMENT_REJECTED', 'This payment could not be signed.');
    return;
  }
  if (!wasTick) {
    s.standbyFor = s.head.seq;
    return;
  }
  const seconds = s.head.seconds + s.signing;
  s.head = { seq: s.reserved, seconds, microAlgos: amount(s, seconds) };
  s.signing = 0;
  s.lastFinal = final;
  s.standbyFor = null;
  if (s.leaving) {
    s.leaving = false;
    fx.push({ type: 'send-keepalive', which: 'pending' });
  }
}
