/**
 * The single writer's memory of the money state as last committed (sqlite-storage.ts): each session's
 * totals with its tick count (and viewers' balances, for a writer that owns them all). A tick's load then
 * reads no session row. Bounded: entries
 * dropped for room are simply loaded again. Updated only after a commit, from the very writes that were
 * committed (`applied`), so memory never runs ahead of the database.
 */
import { Bounded } from '../http-io.js';
import type { SessionState, TickWrites } from './tick-rules.js';

const MAX_ENTRIES = 200_000;

export interface LiveSession {
  state: SessionState;
  ticks: number;
  /** DER SPKI of the session key: the revocation a tick's load checks (safety). */
  sessionKey: Uint8Array;
}

export class LiveState {
  private readonly sessions = new Bounded<string, LiveSession>(MAX_ENTRIES);
  private readonly balances = new Bounded<string, number>(MAX_ENTRIES);

  session(id: string): LiveSession | undefined {
    return this.sessions.get(id);
  }

  setSession(state: SessionState, ticks: number, sessionKey: Uint8Array): LiveSession {
    const live = { state, ticks, sessionKey };
    this.sessions.set(state.id, live);
    return live;
  }

  balance(principal: string): number | undefined {
    return this.balances.get(principal);
  }

  setBalance(principal: string, balance: number): number {
    this.balances.set(principal, balance);
    return balance;
  }

  /** The writes of one committed tick (tick-rules.ts): the session's new totals, one more tick, the debit. */
  applied(w: TickWrites): void {
    const live = this.sessions.get(w.sessionId);
    if (live) {
      // lastActivity and the rate bucket included: the sliding ceiling refills from them. In place: a new
      // object per tick outlived two scavenges (the session's next tick comes seconds later), so each one was
      // promoted to the old generation and left there for a major GC (loadTick hands out copies).
      Object.assign(live.state, w.session);
      live.ticks += 1;
    }
    if (w.debit) {
      const b = this.balances.get(w.debit.principal);
      if (b !== undefined) this.balances.set(w.debit.principal, b - w.debit.microAlgos);
    }
  }

  forget(sessionId?: string, principal?: string): void {
    if (sessionId !== undefined) this.sessions.delete(sessionId);
    if (principal !== undefined) this.balances.delete(principal);
  }

  clear(): void {
    this.sessions.clear();
    this.balances.clear();
  }
}
