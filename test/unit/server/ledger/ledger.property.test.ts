// The ledger's invariants, as properties run against EVERY store of stores.ts (memory, SQLite, PostgreSQL):
// conservation, idempotence, no (session, seq) applied twice, monotone totals, 402 charging only affordable
// whole seconds, and the same under concurrent ticks. v3: sessions start with free seconds (the server-held
// preview: ticks sign every second, the first `free` cost nothing) and settle by a title's splits.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ApiError } from '../../../../server/errors.js';
import { applyTick, decideAndApply, openSession } from '../../../../server/ledger/ledger-service.js';
import type { LedgerStorage } from '../../../../server/ledger/storage.js';
import type { TickResponse } from '../../../../src/payments/protocol.js';
import { canonicalTickJson, tickAmount, type Tick } from '../../../../src/payments/tick.js';
import type { Split } from '../../../../server/catalog/catalog-rules.js';
import { STORES } from './stores.js';

const P = '2vxsx-fae';
const enc = new TextEncoder();
const LIMITS = { maxPlaybackRate: 2, slackSeconds: 5, platformFeeBps: 1000 };

type Result = { status: number; body: TickResponse } | { refused: string };

/** Three recipients whose shares rarely divide evenly: the remainder rule is exercised on every settlement. */
const SPLITS: Split[] = [{ recipient: 'creator', bps: 6_667 }, { recipient: 'studio', bps: 2_333 }, { recipient: 'platform', bps: 1_000 }];

async function open(l: LedgerStorage, rate: number, credited: number, ids: string[], free = 0, splits: Split[] | null = null) {
  await l.credit(P, 'ADDR', credited, 0);
  for (const id of ids) {
    await openSession(l, { id, principal: P, contentId: 'c', rate, budget: null, sessionKey: new Uint8Array([1]), startHash: enc.encode(id), startedAt: 0, expiresAt: 1e15, freeSeconds: free, splits }, 'ADDR');
  }
}

async function send(l: LedgerStorage, tick: Tick, now: number, apply = applyTick): Promise<Result> {
  try {
    return await apply(l, { tick, tickHash: enc.encode(canonicalTickJson(tick)), signature: new Uint8Array([2]) }, { ...LIMITS, now, settle: tick.final === true });
  } catch (e) {
    if (e instanceof ApiError) return { refused: e.code };
    throw e;
  }
}

const balanceOf = (l: LedgerStorage) => l.ensureViewer(P, 'ADDR', 0); // an existing viewer: reads the balance
const sessionOf = async (l: LedgerStorage, id: string) => (await l.loadTick(id, 0))!.session;

const stepArb = fc.record({
  session: fc.integer({ min: 0, max: 1 }),
  seq: fc.integer({ min: 1, max: 30 }),
  seconds: fc.integer({ min: 0, max: 60 }),
  badAmount: fc.nat(9), // 0: microAlgos off by one (AMOUNT_MISMATCH)
  settle: fc.boolean(),
  at: fc.integer({ min: 0, max: 40_000 }),
  replay: fc.nat(4), // 0: send an earlier tick again, byte for byte
});

const IDS = ['s1', 's2'];
/** Hundreds of runs against a networked store (PostgreSQL) on 2 shared cores take longer than the default. */
const PROPERTY_TIMEOUT_MS = 120_000;

describe.each(STORES)('ledger invariants on the $name store (fast-check)', (store) => {
  it('sequential ticks: conservation, idempotent repeats, one row per (session, seq), monotone totals, 402 = affordable whole seconds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 3_000 }), fc.array(stepArb, { maxLength: 40 }), fc.integer({ min: 0, max: 20 }), fc.boolean(), async (rate, extra, steps, free, split) => {
        const l = await store.make();
        try {
          const credited = rate + extra;
          await open(l, rate, credited, IDS, free, split ? SPLITS : null);
          const sent: Array<{ tick: Tick; at: number }> = [];
          /** First answer per (session, seq), with the hash it answered. */
          const accepted = new Map<string, { text: string; result: Result }>();
          for (const st of steps) {
            const sessionId = IDS[st.session];
            const again = st.replay === 0 && sent.length > 0 ? sent[st.seq % sent.length] : undefined;
            const tick: Tick = again?.tick ?? {
              sessionId, seq: st.seq, seconds: st.seconds, microAlgos: tickAmount(st.seconds, rate, free) + (st.badAmount === 0 ? 1 : 0), mediaTime: 0, clientTime: 0, final: st.settle,
            };
            const at = again?.at ?? st.at;
            sent.push({ tick, at });
            const before = { session: await sessionOf(l, tick.sessionId), balance: await balanceOf(l) };
            const r = await send(l, tick, at);
            const after = { session: await sessionOf(l, tick.sessionId), balance: await balanceOf(l) };
            const key = `${tick.sessionId} ${tick.seq}`;
            const first = accepted.get(key);
            if ('refused' in r) {
              expect(after).toEqual(before); // a refusal writes nothing
              if (first) expect(r.refused).toBe('SEQ_OUT_OF_ORDER');
            } else if (first) {
              expect(first.text).toBe(canonicalTickJson(tick)); // only the very same tick is answered again…
              expect(r).toEqual(first.result); // …with the very same answer…
              expect(after).toEqual(before); // …and nothing written
            } else {
              accepted.set(key, { text: canonicalTickJson(tick), result: r });
              const charged = before.balance - after.balance;
              expect(charged).toBe(after.session.billedMicro - before.session.billedMicro);
              // Free seconds are never charged; every paid one is charged at the rate.
              expect(charged).toBe(tickAmount(after.session.billedSeconds, rate, free) - tickAmount(before.session.billedSeconds, rate, free));
              if (r.status === 402) {
                expect(rate).toBeGreaterThan(0);
                expect(after.balance).toBeLessThan(rate); // it charged every second the balance could pay…
                expect(r.body.seconds).toBeGreaterThanOrEqual(Math.min(tick.seconds, free)); // …after every free one…
                expect(r.body.seconds).toBeLessThan(tick.seconds); // …and not all of them
                expect(r.body.status).toBe('exhausted');
              } else {
                expect(r.status).toBe(200);
                expect(r.body.seconds).toBeLessThanOrEqual(tick.seconds);
                // Less than signed only when the sliding ceiling held it back: at most its capacity billed.
                if (r.body.seconds < tick.seconds) expect(after.session.billedSeconds - before.session.billedSeconds).toBeLessThanOrEqual(LIMITS.slackSeconds);
              }
              expect(after.session.seq).toBe(tick.seq);
              expect(after.session.claimedSeconds).toBeGreaterThanOrEqual(before.session.claimedSeconds);
              expect(after.session.billedSeconds).toBeGreaterThanOrEqual(before.session.billedSeconds);
            }
            // Conservation over both sessions of the viewer, and every session's own bounds.
            let billed = 0;
            for (const id of IDS) {
              const s = await sessionOf(l, id);
              const a = (await l.sessionAnalytics(id))!;
              billed += s.billedMicro;
              expect(s.billedMicro).toBe(tickAmount(s.billedSeconds, rate, free));
              expect(s.billedSeconds).toBeLessThanOrEqual(s.claimedSeconds);
              expect(s.settledMicro).toBeLessThanOrEqual(s.billedMicro);
              expect(a.ticks).toBe([...accepted.keys()].filter((k) => k.startsWith(`${id} `)).length);
            }
            expect(after.balance).toBeGreaterThanOrEqual(0);
            expect(after.balance + billed).toBe(credited);
          }
          // Every settlement is booked by the splits in whole µALGO adding up exactly; the platform's share is its fee.
          for (const st of await l.auditSettlements({ limit: 1_000 })) {
            expect(st.splits.map((x) => x.recipient)).toEqual(split ? ['creator', 'studio', 'platform'] : ['creator', 'platform']);
            expect(st.splits.reduce((a, x) => a + x.microAlgos, 0)).toBe(st.microAlgos);
            for (const x of st.splits) expect(Number.isInteger(x.microAlgos) && x.microAlgos >= 0).toBe(true);
            expect(st.platformFee).toBe(st.splits.find((x) => x.recipient === 'platform')!.microAlgos);
          }
        } finally {
          await l.close();
        }
      }),
      { numRuns: 150 },
    );
  }, PROPERTY_TIMEOUT_MS);

  // Through applyTick a session's ticks queue in one lane; decideAndApply lets them race on the store's
  // guards, as ticks arriving at several server processes sharing one database would.
  it.each([
    ['in per-session lanes', applyTick],
    ['racing on the guards', decideAndApply],
  ] as const)('concurrent ticks of two sessions of one viewer, %s: conservation, one row per (session, seq), equal answers to equal ticks', async (_how, apply) => {
    const tickArb = fc.record({ session: fc.integer({ min: 0, max: 1 }), seq: fc.integer({ min: 1, max: 12 }), seconds: fc.integer({ min: 0, max: 40 }) });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 2_000 }), fc.array(fc.array(tickArb, { maxLength: 12 }), { maxLength: 4 }), async (rate, extra, waves) => {
        const l = await store.make();
        try {
          const credited = rate + extra;
          await open(l, rate, credited, IDS);
          const answers = new Map<string, Result[]>();
          for (const wave of waves) {
            const ticks = wave.map((w): Tick => ({ sessionId: IDS[w.session], seq: w.seq, seconds: w.seconds, microAlgos: w.seconds * rate, mediaTime: 0, clientTime: 0 }));
            // Every tick twice, all at once: each pair races itself as well as the others.
            const results = await Promise.all([...ticks, ...ticks].map((t) => send(l, t, 1_000_000, apply)));
            [...ticks, ...ticks].forEach((t, i) => {
              const key = `${t.sessionId} ${t.seq} ${canonicalTickJson(t)}`;
              answers.set(key, [...(answers.get(key) ?? []), results[i]]);
            });
          }
          const applied = new Map<string, number>(); // session → accepted (session, seq) count
          for (const [key, rs] of answers) {
            const ok = rs.filter((r) => !('refused' in r));
            for (const r of ok) expect(r).toEqual(ok[0]); // the same tick always gets the same answer
            if (ok.length) applied.set(key.split(' ')[0], (applied.get(key.split(' ')[0]) ?? 0) + 1);
          }
          let billed = 0;
          for (const id of IDS) {
            const s = await sessionOf(l, id);
            billed += s.billedMicro;
            expect(s.billedMicro).toBe(s.billedSeconds * rate);
            expect(s.billedSeconds).toBeLessThanOrEqual(s.claimedSeconds);
            expect((await l.sessionAnalytics(id))!.ticks).toBe(applied.get(id) ?? 0);
          }
          const balance = await balanceOf(l);
          expect(balance).toBeGreaterThanOrEqual(0);
          expect(balance + billed).toBe(credited);
        } finally {
          await l.close();
        }
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('a burst of one session’s ticks is applied in arrival order, as one SQLite batch applied it', async () => {
    const l = await store.make();
    try {
      await open(l, 10, 1_000_000, ['s1']);
      const ticks = Array.from({ length: 100 }, (_, i): Tick => ({ sessionId: 's1', seq: i + 1, seconds: i + 1, microAlgos: (i + 1) * 10, mediaTime: 0, clientTime: 0 }));
      const results = await Promise.all(ticks.map((t) => send(l, t, 1_000_000)));
      expect(results.map((r) => ('refused' in r ? r.refused : r.body.seq))).toEqual(ticks.map((t) => t.seq));
      expect((await l.sessionAnalytics('s1'))!.ticks).toBe(100);
    } finally {
      await l.close();
    }
  });
});
