// Random event sequences through the pure payments machine (payments-machine.ts), in a world that carries
// out its effects like the controller does (payments-machine-world.ts).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { tickAmount } from '../../../src/payments/tick.js';
import { CONFIG, PREVIEW_SECONDS, World, type ApiMode } from './payments-machine-world.js';

type Action =
  | { k: 'watch'; n: number } | { k: 'play' } | { k: 'pause' } | { k: 'pagehide' } | { k: 'retry' } | { k: 'run'; n: number }
  | { k: 'time'; ms: number } | { k: 'api'; mode: ApiMode } | { k: 'steal' } | { k: 'leave' } | { k: 'watch-here' } | { k: 'signout' } | { k: 'signin' }
  | { k: 'budget'; micro: number | null };

// Weighted like a viewing: mostly watching and the effects being carried out, now and then anything else.
const w = <T,>(arbitrary: fc.Arbitrary<T>, weight: number) => ({ arbitrary, weight });
const base = [
  w(fc.record({ k: fc.constant('watch' as const), n: fc.integer({ min: 1, max: 3 }) }), 8),
  w(fc.constant({ k: 'play' as const }), 3),
  w(fc.constant({ k: 'pause' as const }), 1),
  w(fc.constant({ k: 'pagehide' as const }), 1),
  w(fc.constant({ k: 'retry' as const }), 1),
  w(fc.record({ k: fc.constant('run' as const), n: fc.integer({ min: 1, max: 6 }) }), 8),
  w(fc.record({ k: fc.constant('time' as const), ms: fc.integer({ min: 100, max: 40_000 }) }), 1),
];
const apiModes = (modes: ApiMode[]) => w(fc.record({ k: fc.constant('api' as const), mode: fc.constantFrom(...modes) }), 1);
const tabs = [w(fc.constant({ k: 'steal' as const }), 1), w(fc.constant({ k: 'leave' as const }), 1), w(fc.constant({ k: 'watch-here' as const }), 1)];
const identity = [w(fc.constant({ k: 'signout' as const }), 1), w(fc.constant({ k: 'signin' as const }), 1)];
// The page or the budget overlay's Continue moves the budget (a few seconds' worth at 1000 µALGO/s, or none):
// sessions signed under an older one meet the server's BUDGET_EXCEEDED.
const budgets = [w(fc.record({ k: fc.constant('budget' as const), micro: fc.option(fc.integer({ min: 1, max: 40 }).map((n) => n * 1000)) }), 1)];

function apply(world: World, a: Action): void {
  switch (a.k) {
    case 'watch': for (let i = 0; i < a.n; i++) world.watch(); return;
    case 'play': return world.play();
    case 'pause': return world.pause();
    case 'pagehide': return world.dispatch({ type: 'pagehide' });
    case 'retry': return world.dispatch({ type: 'retry' });
    case 'run': for (let i = 0; i < a.n; i++) world.runOne(); return;
    case 'time': return world.advance(a.ms);
    case 'api': world.api = a.mode; return;
    case 'steal': return world.stealLock();
    case 'leave': return world.otherTabLeaves();
    case 'watch-here': return world.dispatch({ type: 'watch-here' });
    case 'signout': return world.dispatch({ type: 'identity', signer: null });
    case 'signin': return world.dispatch({ type: 'identity', signer: 'viewer|key' });
    case 'budget': return world.setBudget(a.micro);
  }
}

function start(): World {
  const w = new World();
  w.dispatch({ type: 'configure', config: CONFIG });
  w.dispatch({ type: 'identity', signer: 'viewer|key' });
  return w;
}

/** Per session, in signing order: seq strictly up, seconds never down, the amount the seconds past the session's free ones × rate. */
function checkMonotone(w: World): void {
  const bySession = new Map<string, { seq: number; seconds: number }>();
  for (const { tick, purpose } of w.signed.filter((x) => x.stored)) {
    const last = bySession.get(tick.sessionId) ?? { seq: 0, seconds: 0 };
    expect(tick.seq).toBeGreaterThan(last.seq);
    expect(tick.microAlgos).toBe(tickAmount(tick.seconds, CONFIG.rateMicroAlgos, w.freeAtStart.get(tick.sessionId) ?? 0));
    if (purpose === 'tick') expect(tick.seconds).toBeGreaterThanOrEqual(last.seconds);
    bySession.set(tick.sessionId, { seq: tick.seq, seconds: purpose === 'tick' ? tick.seconds : last.seconds });
  }
}

/** Counts runs that exercised what a property speaks of, so a property can never pass by never getting there. */
class Coverage {
  runs = 0;
  hits = 0;
  see(hit: boolean) { this.runs++; if (hit) this.hits++; }
  expectAtLeast(share: number) { expect(this.hits / this.runs).toBeGreaterThanOrEqual(share); }
}

const everything = fc.array(fc.oneof(...base, apiModes(['up', 'down', 'funds', 'forget', 'full']), ...tabs, ...identity, ...budgets), { minLength: 20, maxLength: 150, size: 'max' });

describe('payments machine (properties)', () => {
  it('never signs while another tab holds the session, and never signs without the lock', () => {
    const cov = new Coverage();
    fc.assert(fc.property(everything, (actions) => {
      const w = start();
      let stolen = false;
      for (const a of actions) {
        apply(w, a);
        stolen ||= w.s.store.status === 'elsewhere';
      }
      cov.see(stolen && w.signed.length > 0);
      for (const s of w.signed) {
        expect(s.otherTabHolds).toBe(false);
        expect(s.lockHeld).toBe(true);
      }
    }), { numRuns: 300 });
    cov.expectAtLeast(0.1);
  });

  it('never resumes playback while a blocker stands, and resumes when the blockers go', () => {
    const cov = new Coverage();
    fc.assert(fc.property(everything, (actions) => {
      const w = start();
      let blocked = false;
      for (const a of actions) {
        apply(w, a);
        blocked ||= w.wantPlay && w.mediaPaused;
      }
      expect(w.playedWhileBlocked).toBe(0);
      expect(w.startedOverBudget).toBe(0);
      expect(w.maxRefusedStartsInARow).toBeLessThanOrEqual(1); // a refused start is not retried on its own
      // Once the API answers, the other tab is gone and the viewer is back, a wanted playback resumes.
      w.api = 'up';
      w.otherTabLeaves();
      w.dispatch({ type: 'identity', signer: 'viewer|key' });
      w.dispatch({ type: 'watch-here' });
      w.setBudget(null); // the viewer's Continue, as often as needed
      w.dispatch({ type: 'retry' });
      w.drain();
      w.dispatch({ type: 'retry' });
      cov.see(blocked && w.wantPlay);
      if (w.wantPlay) expect(w.mediaPaused).toBe(false);
    }), { numRuns: 300 });
    cov.expectAtLeast(0.1);
  });

  it('keeps seq strictly monotone and totals cumulative in every session', () => {
    const cov = new Coverage();
    fc.assert(fc.property(everything, (actions) => {
      const w = start();
      for (const a of actions) apply(w, a);
      w.api = 'up';
      w.drain();
      checkMonotone(w);
      cov.see(w.signed.filter((s) => s.purpose === 'tick').length >= 3);
    }), { numRuns: 300 });
    cov.expectAtLeast(0.2);
  });

  it('signs exactly one final tick per pause: none twice for the same totals, and one after the last pause', () => {
    const actions = fc.array(fc.oneof(...base, apiModes(['up', 'down'])), { minLength: 20, maxLength: 150, size: 'max' });
    const cov = new Coverage();
    fc.assert(fc.property(actions, (acts) => {
      const w = start();
      for (const a of acts) apply(w, a);
      w.pause();
      w.api = 'up';
      w.drain();
      // No final repeats the one just before it in the same session: a second pause with nothing new signs nothing.
      const last = new Map<string, { seconds: number; final: boolean }>();
      for (const t of w.outgoing) {
        const before = last.get(t.sessionId);
        if (before?.final && t.final) expect(t.seconds).toBeGreaterThan(before.seconds);
        last.set(t.sessionId, t);
      }
      // After the last pause, the newest tick the server holds for each session is final: it is settled.
      for (const [, l] of w.ledger) expect(l.final).toBe(true);
      cov.see(w.outgoing.filter((t) => t.final).length >= 2);
    }), { numRuns: 300 });
    cov.expectAtLeast(0.2);
  });

  it('signs every second owed once the API answers: nothing lost, nothing doubled', () => {
    const actions = fc.array(fc.oneof(...base, apiModes(['up', 'down', 'funds', 'forget', 'full']), ...identity, ...budgets), { minLength: 20, maxLength: 150, size: 'max' });
    const cov = new Coverage();
    const overBudget = new Coverage();
    fc.assert(fc.property(actions, (acts) => {
      const w = start();
      for (const a of acts) apply(w, a);
      w.dispatch({ type: 'identity', signer: 'viewer|key' });
      w.setBudget(null); // a budget the server refused is raised (Continue): what it held back is owed to the next session
      w.api = 'up';
      w.dispatch({ type: 'retry' });
      w.pause();
      w.drain();
      // What the server billed, over every session, is every credited second, exactly (a session the server
      // forgot, or refused past its budget, bills nothing more, and its seconds go to the next one).
      const billed = [...w.ledger.values()].reduce((a, l) => a + l.seconds, 0);
      expect(billed).toBe(w.credited);
      // And each session the server knows ends at the totals it last signed for it.
      const heads = new Map<string, number>();
      for (const t of w.outgoing) heads.set(t.sessionId, Math.max(heads.get(t.sessionId) ?? 0, t.seconds));
      for (const [id, l] of w.ledger) if (!w.forgotten.has(id) && !w.overBudget.has(id)) expect(l.seconds).toBe(heads.get(id));
      // v3: the preview is the server's. Over every session (reloads, restarts, forgotten sessions), the free
      // seconds used add up to the title's preview at most, and every other second is paid at the rate.
      const freeUsed = [...w.ledger].reduce((a, [id, l]) => a + Math.min(l.seconds, w.freeAtStart.get(id) ?? 0), 0);
      expect(freeUsed).toBeLessThanOrEqual(PREVIEW_SECONDS);
      expect(freeUsed).toBe(Math.min(PREVIEW_SECONDS, billed));
      expect([...w.ledger.values()].reduce((a, l) => a + l.microAlgos, 0)).toBe((billed - freeUsed) * CONFIG.rateMicroAlgos);
      cov.see(w.credited >= 3 && heads.size >= 1);
      overBudget.see(w.overBudget.size > 0);
    }), { numRuns: 300 });
    cov.expectAtLeast(0.3);
    overBudget.expectAtLeast(0.05);
  });
});
