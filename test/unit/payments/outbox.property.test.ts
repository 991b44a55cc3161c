/**
 * Property: whatever the network does (lost requests, lost answers, delays, a dead page's request that
 * still lands) and however often the page reloads, once the network is good again the server's ledger
 * equals the meter's last durable total and no seq was applied twice.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Outbox, newRecord, recordHead, type SignedTick, type SendOutcome } from '../../../src/payments/outbox.js';
import { FakeClock, FakeLedger, MemoryStorage, settle } from './fake-api.js';

const RATE = 1234;

type Step =
  | { kind: 'tick'; seconds: number; final: boolean }
  | { kind: 'wait'; ms: number }
  | { kind: 'reload' }
  /** pagehide: the stored pending and standby ticks are fired at the network, then the page reloads. */
  | { kind: 'leave' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('tick' as const), seconds: fc.integer({ min: 0, max: 3 }), final: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 20_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reload' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'leave' as const }) },
);

/** Per request: where it fails (if at all) and how long each leg takes. */
const netArb = fc.record({
  fate: fc.constantFrom('ok', 'ok', 'lost-request', 'lost-answer', 'server-500'),
  delayMs: fc.integer({ min: 0, max: 8_000 }),
});

describe('Outbox property', () => {
  it('server total equals meter total; no seq applied twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 40 }), fc.infiniteStream(netArb), fc.double({ min: 0, max: 0.999, noNaN: true }), async (steps, net, jitter) => {
        const clock = new FakeClock();
        const storage = new MemoryStorage();
        const ledger = new FakeLedger(RATE);
        let healthy = false;
        const send = (st: SignedTick): Promise<SendOutcome> => {
          const n = healthy ? { fate: 'ok', delayMs: 50 } : net.next().value;
          return new Promise((resolve, reject) => {
            clock.setTimeout(() => {
              if (n.fate === 'lost-request') return reject(new TypeError('Failed to fetch'));
              if (n.fate === 'server-500') return resolve({ ok: false, retryable: true, error: { code: 'PAYMENT_API_UNREACHABLE', message: '500', status: 500 } });
              const answer = ledger.receive(st); // the request reached the server even if the answer is lost
              clock.setTimeout(() => (n.fate === 'lost-answer' ? reject(new TypeError('Failed to fetch')) : resolve(answer)), n.delayMs);
            }, n.delayMs);
          });
        };
        const open = () => new Outbox({ record: storage.saved ?? newRecord('s1', RATE), storage, clock, send, random: () => jitter });
        let ob = open();
        await storage.save(ob.record);
        let meterSeconds = 0;
        for (const step of steps) {
          if (step.kind === 'wait') await clock.advance(step.ms);
          else if (step.kind === 'leave') {
            const { pending, standby } = ob.record;
            if (pending) send(pending).catch(() => undefined);
            if (standby) send(standby).catch(() => undefined);
            ob.dispose();
            ob = open();
          } else if (step.kind === 'reload') {
            ob.dispose(); // its in-flight request may still land: the fake network keeps it alive
            ob = open();
          } else {
            const head = ob.head();
            const seconds = head.seconds + step.seconds;
            await ob.enqueue({ tick: { sessionId: 's1', seq: head.seq + 1, seconds, microAlgos: seconds * RATE, mediaTime: 0, clientTime: clock.now(), ...(step.final ? { final: true } : {}) }, signature: 'aa' });
            meterSeconds = seconds;
            // Like PaymentsController: a final tick signed ahead, for pagehide.
            if (!step.final) {
              const h = ob.head();
              await ob.setStandby({ tick: { sessionId: 's1', seq: h.seq + 1, seconds: h.seconds, microAlgos: h.microAlgos, mediaTime: 0, clientTime: clock.now(), final: true }, signature: 'aa' });
            }
          }
          expect(ledger.seconds).toBeLessThanOrEqual(meterSeconds);
        }
        healthy = true;
        ob.kick();
        for (let i = 0; i < 100 && !(ob.drained && clock.pending() === 0); i++) await clock.advance(10_000);
        await settle();
        expect(ob.haltedBy).toBeNull();
        expect(ledger.seconds).toBe(meterSeconds);
        expect(ledger.claimed).toBe(meterSeconds);
        expect(ledger.microAlgos).toBe(meterSeconds * RATE);
        expect(new Set(ledger.applied).size).toBe(ledger.applied.length);
        expect([...ledger.applied].sort((a, b) => a - b)).toEqual(ledger.applied);
        expect(recordHead(storage.saved!).seconds).toBe(meterSeconds);
      }),
      { numRuns: 300 },
    );
  });
});
