import { describe, it, expect } from 'vitest';
import { Outbox, newRecord, recordHead, type OutboxEvent, type SendOutcome, type SignedTick } from '../../../src/payments/outbox.js';
import { FakeClock, FakeLedger, MemoryStorage, settle } from './fake-api.js';

const RATE = 1000;
const tick = (seq: number, seconds: number, final = false): SignedTick => ({
  tick: { sessionId: 's1', seq, seconds, microAlgos: seconds * RATE, mediaTime: seconds * 1000, clientTime: 0, ...(final ? { final } : {}) },
  signature: 'ab',
});

function setup(send?: (st: SignedTick) => Promise<SendOutcome>) {
  const clock = new FakeClock();
  const storage = new MemoryStorage();
  const ledger = new FakeLedger(RATE);
  const events: OutboxEvent[] = [];
  const sent: number[] = [];
  const ob = new Outbox({
    record: newRecord('s1', RATE), storage, clock, random: () => 0.5,
    send: send ?? (async (st) => { sent.push(st.tick.seq); return ledger.receive(st); }),
    onEvent: (e) => events.push(e),
  });
  return { clock, storage, ledger, events, sent, ob };
}

describe('Outbox', () => {
  it('stores a tick before it sends it, then clears it on the answer', async () => {
    let storedWhenSent: unknown;
    const h = setup(async (st) => { storedWhenSent = h.storage.saved?.pending?.tick.seq; return h.ledger.receive(st); });
    await h.ob.enqueue(tick(1, 1));
    await h.ob.idle();
    expect(storedWhenSent).toBe(1);
    expect(h.storage.saved).toMatchObject({ pending: null, acked: { seq: 1, seconds: 1, microAlgos: 1000 } });
  });

  it('refuses a seq that does not move forward', async () => {
    const h = setup();
    await h.ob.enqueue(tick(2, 2));
    await expect(h.ob.enqueue(tick(2, 3))).rejects.toThrow(/does not follow/);
    await expect(h.ob.enqueue(tick(3, 1))).rejects.toThrow(/decreased/);
  });

  it('sends only the newest tick after an outage (cumulative totals settle the older ones)', async () => {
    let down = true;
    const h = setup();
    const ob = new Outbox({
      record: newRecord('s1', RATE), storage: h.storage, clock: h.clock, random: () => 0.5,
      send: async (st) => { h.sent.push(st.tick.seq); if (down) throw new TypeError('Failed to fetch'); return h.ledger.receive(st); },
      onEvent: (e) => h.events.push(e),
    });
    await ob.enqueue(tick(1, 1));
    await settle();
    for (let s = 2; s <= 10; s++) await ob.enqueue(tick(s, s));
    expect(h.events.filter((e) => e.type === 'retry').length).toBe(1);
    expect(ob.failingSince).toBe(0);
    down = false;
    await h.clock.advance(60_000);
    expect(h.sent).toEqual([1, 10]);
    expect(h.ledger.applied).toEqual([10]);
    expect(ob.failingSince).toBeNull();
    expect(recordHead(ob.record)).toEqual({ seq: 10, seconds: 10, microAlgos: 10_000 });
  });

  it('backs off with growing waits and retries the same signed tick', async () => {
    const bodies: string[] = [];
    const h = setup(async (st) => { bodies.push(JSON.stringify(st)); throw new Error('down'); });
    await h.ob.enqueue(tick(1, 1));
    await h.clock.advance(120_000);
    const delays = h.events.flatMap((e) => (e.type === 'retry' ? [e.delayMs] : []));
    // random() = 0.5: half of each ceiling, which doubles from 500 ms up to the 5 s cap.
    expect(delays.slice(0, 6)).toEqual([250, 500, 1000, 2000, 2500, 2500]);
    expect(new Set(bodies).size).toBe(1);
  });

  it('treats a 409 whose ledger already holds the seq as an acknowledgement', async () => {
    const h = setup(async () => ({ ok: false, retryable: false, error: { code: 'PAYMENT_REJECTED', apiCode: 'SEQ_OUT_OF_ORDER', message: '' }, ledger: { seq: 5, seconds: 5, microAlgos: 5000 } }));
    await h.ob.enqueue(tick(3, 3));
    await h.ob.idle();
    expect(h.ob.haltedBy).toBeNull();
    expect(h.ob.drained).toBe(true);
    expect(h.ob.record.acked).toEqual({ seq: 5, seconds: 5, microAlgos: 5000 });
  });

  it('halts on 402 (the server charged what it could), and the next tick after a top-up bills the rest', async () => {
    const h = setup();
    h.ledger.balance = 2500;
    await h.ob.enqueue(tick(1, 2));
    await h.ob.idle();
    await h.ob.enqueue(tick(2, 4));
    await h.ob.idle();
    const halt = h.events.find((e) => e.type === 'halt');
    expect(halt).toMatchObject({ error: { code: 'INSUFFICIENT_FUNDS' }, ledger: { seq: 2, seconds: 2, balanceMicroAlgos: 500 } });
    expect(h.ob.drained).toBe(true);
    // The base of the next tick is what was signed (4 s), not what was billed (2 s): no TOTALS_DECREASED.
    expect(h.ob.head()).toEqual({ seq: 2, seconds: 4, microAlgos: 4000 });
    h.ledger.balance += 10_000;
    h.ob.kick();
    await h.ob.enqueue(tick(3, 5));
    await h.ob.idle();
    expect(h.ledger.microAlgos).toBe(5000);
    expect(h.ob.haltedBy).toBeNull();
  });

  it('a standby final tick reserves its seq (also after a reload) and is dropped by the next tick', async () => {
    const h = setup();
    await h.ob.enqueue(tick(1, 1));
    await h.ob.setStandby(tick(2, 1, true));
    expect(h.ob.head()).toEqual({ seq: 2, seconds: 1, microAlgos: 1000 });
    await h.ob.flushStorage();
    expect(recordHead(h.storage.saved!).seq).toBe(2);
    await expect(h.ob.setStandby(tick(4, 1, true))).rejects.toThrow(/standby/);
    await h.ob.enqueue(tick(3, 2));
    expect(h.ob.record.standby).toBeNull();
    await h.ob.idle();
    expect(h.ledger.applied).toEqual([1, 3]); // the outbox itself never sends the standby
  });
});
