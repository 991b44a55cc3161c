/** The payments machine's step for `pagehide` (payments-machine.ts): what may still leave a page that goes away. */
import { sessionAmount as amount, type Effect, type KeepaliveWhich, type MachineState } from './payments-machine-state.js';

/**
 * The page goes away: nothing async is sure to finish. Send the stored unsent tick, and the pre-signed
 * standby that matches what the meter has credited: the same totals, or one second more.
 */
export function pagehide(s: MachineState, fx: Effect[]): void {
  if (s.phase !== 'open' || s.store.status === 'elsewhere') return;
  fx.push({ type: 'send-keepalive', which: 'pending' });
  const fresh = s.standbyFor === s.head.seq && s.head.seq > 0 && !s.lastFinal;
  // A tick being signed takes a seq above the standby's and goes out when signed, if the page lives that
  // long. Meanwhile its first second goes out now as the standby twin, which it will supersede (cumulative).
  // Not when it is itself the final tick of exactly that second: one final per pause.
  if (s.signingKind === 'tick') {
    if (fresh && s.signing >= 1 && !(s.signingFinal && s.signing === 1)) {
      fx.push({ type: 'send-keepalive', which: 'standby-next' });
      // The twin is now the head; the tick in flight carries the rest on top of it (cumulative).
      const seconds = s.head.seconds + 1;
      s.head = { seq: s.head.seq + 1, seconds, microAlgos: amount(s, seconds) };
      s.signing -= 1;
      s.standbyFor = null;
    }
    s.leaving = true;
    return;
  }
  // A standby sent is signed evidence like any tick: it becomes the head (if the page lives on, bfcache).
  const sent = (which: KeepaliveWhich, extra: number) => {
    fx.push({ type: 'send-keepalive', which });
    const seconds = s.head.seconds + extra;
    s.head = { seq: s.reserved, seconds, microAlgos: amount(s, seconds) };
    s.owed -= extra;
    s.lastFinal = true;
    s.standbyFor = null;
  };
  if (fresh && s.owed === 0) sent('standby', 0);
  else if (fresh && s.owed >= 1) sent('standby-next', 1);
  if (s.owed > 0) {
    s.wantFinal = true;
    s.leaving = true;
  }
}

