// Gated media: a key waiting for a session asks the payments machine to open one at once. Without it the
// session would open at the first billed second, which the media cannot reach without the key.
import { describe, expect, it } from 'vitest';
import { initialState, step, type MachineEvent, type MachineState } from '../../../src/payments/payments-machine.js';

const CONFIG = { api: 'https://pay.example', contentId: 'film', rateMicroAlgos: 1000, graceSeconds: 30, budgetMicroAlgos: null };
const run = (s: MachineState, ...events: MachineEvent[]) => {
  const types: string[] = [];
  for (const ev of events) {
    const [next, fx] = step(s, ev, 0);
    s = next;
    types.push(...fx.map((f) => f.type));
  }
  return { s, types };
};

describe('want-session', () => {
  it('opens a session with nothing billed yet, once someone can sign; the open session clears the wish', () => {
    const base = run(initialState(), { type: 'configure', config: CONFIG }).s;
    // Signed out: nothing happens, the wish waits for a signer.
    const waiting = run(base, { type: 'want-session' });
    expect(waiting.types).toEqual([]);
    const signedIn = run(waiting.s, { type: 'identity', signer: 'p|k' }, { type: 'lock', held: true, steal: false });
    expect(signedIn.types).toEqual(['acquire-lock', 'load-session']);
    const opened = run(signedIn.s, { type: 'loaded', epoch: signedIn.s.epoch, record: null }, { type: 'started', epoch: signedIn.s.epoch, sessionId: 's1', rateMicroAlgos: 1000, balanceMicroAlgos: 5000 });
    expect(opened.types).toContain('start-session');
    expect(opened.s.store.sessionId).toBe('s1');
    expect(opened.s.sessionWanted).toBe(false);
  });

  it('without it, a signed-in viewer whose media is stalled before the first billed second opens nothing', () => {
    const s = run(initialState(), { type: 'configure', config: CONFIG }, { type: 'identity', signer: 'p|k' }, { type: 'lock', held: true, steal: false });
    expect(s.types).not.toContain('load-session');
  });

  it('a new title forgets the wish of the old one', () => {
    const s = run(initialState(), { type: 'configure', config: CONFIG }, { type: 'want-session' }, { type: 'configure', config: { ...CONFIG, contentId: 'other' } });
    expect(s.s.sessionWanted).toBe(false);
  });
});
