// Random viewings of ad breaks through the pure ad-tick machine (src/ads/ad-tick-machine.ts), in a world that
// carries out its effects like the controller and answers with the server's own charge rules (ad-tick-world.ts).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { TICK_SPACING_MS } from '../../../src/ads/ad-tick-machine.js';
import { SESSION, World, type ApiMode } from './ad-tick-world.js';

type Action =
  | { k: 'break'; creative: number } | { k: 'watch'; n: number; fraction: number; ms: number; work: boolean } | { k: 'end' } | { k: 'run'; n: number; pick: number }
  | { k: 'time'; ms: number } | { k: 'api'; mode: ApiMode } | { k: 'signout' } | { k: 'signin' } | { k: 'reload'; replay: boolean } | { k: 'pagehide' } | { k: 'kick' };

const w = <T,>(arbitrary: fc.Arbitrary<T>, weight: number) => ({ arbitrary, weight });
// `ms`: the wall time a second of the ad took as the page saw it; `work`: the signer and storage keep up.
const watching = (ms: fc.Arbitrary<number>) =>
  w(fc.record({ k: fc.constant('watch' as const), n: fc.integer({ min: 1, max: 3 }), fraction: fc.constantFrom(0, 0.25, 0.5, 0.99), ms, work: fc.boolean() }), 8);
const viewingAt = (ms: fc.Arbitrary<number>) => [
  w(fc.record({ k: fc.constant('break' as const), creative: fc.integer({ min: 2, max: 12 }) }), 3),
  watching(ms),
  w(fc.constant({ k: 'end' as const }), 1),
  w(fc.record({ k: fc.constant('run' as const), n: fc.integer({ min: 1, max: 6 }), pick: fc.nat(50) }), 10),
  w(fc.record({ k: fc.constant('time' as const), ms: fc.integer({ min: 100, max: 8_000 }) }), 1),
];
// A main thread that stalls reports a second late, then the next early: ticks must still be a second apart.
const viewing = viewingAt(fc.constantFrom(1000, 1000, 250, 1700));
// Wall time never behind the ad's: the server's cap (seconds since the asset list) charges every second.
const viewingRealTime = viewingAt(fc.constantFrom(1000, 1000, 1700));
const trouble = [
  w(fc.record({ k: fc.constant('api' as const), mode: fc.constantFrom<ApiMode>('up', 'down', 'lost', 'busy', 'limited') }), 2),
  w(fc.constant({ k: 'signout' as const }), 1),
  w(fc.constant({ k: 'signin' as const }), 1),
  w(fc.constant({ k: 'kick' as const }), 1),
];
const leaving = [w(fc.record({ k: fc.constant('reload' as const), replay: fc.boolean() }), 1), w(fc.constant({ k: 'pagehide' as const }), 1)];

async function apply(world: World, a: Action): Promise<void> {
  switch (a.k) {
    case 'break': return world.startBreak(a.creative);
    case 'watch':
      for (let i = 0; i < a.n; i++) {
        world.watchOne(a.fraction, a.ms);
        for (let j = 0; a.work && j < 20; j++) await world.runOne(0);
      }
      return;
    case 'end': return world.endBreak();
    case 'run': for (let i = 0; i < a.n; i++) await world.runOne(a.pick + i); return;
    case 'time': return world.advance(a.ms);
    case 'api': world.api = a.mode; return;
    case 'signout': return world.setSession(null);
    case 'signin': return world.setSession(SESSION);
    case 'reload': return world.reload(a.replay);
    case 'pagehide': return world.pagehide();
    case 'kick': return world.dispatch({ type: 'kick' });
  }
}

async function play(actions: Action[]): Promise<World> {
  const world = new World();
  await world.boot();
  for (const a of actions) await apply(world, a);
  world.endBreak(); // the viewer finishes the break being watched, if any
  await world.settle();
  return world;
}

/**
 * Per auction: within a page load, in signing order, seq strictly up and adSeconds never down; a later page
 * load signs above every tick that reached storage or the network before it began (no seq reused, no
 * adSeconds signed lower after a reload).
 */
function checkMonotone(world: World): void {
  const last = new Map<string, { seq: number; adSeconds: number }>();
  for (const { tick, page, sessionAtSign } of world.signs) {
    expect(sessionAtSign, 'signed for the open session only').toBe(tick.sessionId);
    const key = `${page}|${tick.auctionId}`;
    const l = last.get(key);
    if (l) {
      expect(tick.seq, `seq of ${key}`).toBeGreaterThan(l.seq);
      expect(tick.adSeconds, `adSeconds of ${key}`).toBeGreaterThanOrEqual(l.adSeconds);
    }
    last.set(key, { seq: tick.seq, adSeconds: tick.adSeconds });
    for (const o of world.outgoing.slice(0, world.pageStarts[page])) {
      if (o.tick.auctionId !== tick.auctionId) continue;
      expect(tick.seq, `seq of ${key} above the last page's`).toBeGreaterThan(o.tick.seq);
      expect(tick.adSeconds, `adSeconds of ${key} from the last page's`).toBeGreaterThanOrEqual(o.tick.adSeconds);
    }
  }
}

/** What reached the server: one body per (auction, seq), no refusal the machine should have avoided. */
function checkServer(world: World): void {
  expect(world.sentUnstored, 'sent before stored').toEqual([]);
  for (const [key, bodies] of world.bodies) expect(bodies.size, `bodies sent under ${key}`).toBe(1);
  expect(world.wrongRefusals).toEqual([]);
  for (const [auctionId, n] of world.acceptedFinals) expect(n, `finals accepted for ${auctionId}`).toBeLessThanOrEqual(1);
  for (const [auctionId, h] of world.holds) {
    const watched = world.watched.get(auctionId)!;
    expect(h.chargedSeconds, `charged for ${auctionId}`).toBeLessThanOrEqual(Math.min(watched, h.creativeSeconds));
    expect(h.adSeconds, `signed for ${auctionId}`).toBeLessThanOrEqual(watched);
  }
}

/** While an ad plays, ticks (not finals) of one break in one page load are at least a second apart. */
function checkSpacing(world: World): void {
  const last = new Map<string, number>();
  for (const { tick, purpose, page, at } of world.signs) {
    if (purpose !== 'tick' || tick.final) continue;
    const key = `${page}|${tick.auctionId}`;
    const before = last.get(key);
    if (before !== undefined) expect(at - before, `spacing of ${key}`).toBeGreaterThanOrEqual(TICK_SPACING_MS);
    last.set(key, at);
  }
}

const RUNS = 300;
const anyViewing = fc.array(fc.oneof(...viewing, ...trouble, ...leaving), { minLength: 5, maxLength: 70 });

describe('ad-tick machine (properties)', () => {
  it('per break: seq strictly up, adSeconds never down, one body per seq, only for the open session', async () => {
    let signed = 0;
    let stale = 0;
    await fc.assert(fc.asyncProperty(anyViewing, async (actions) => {
      const world = await play(actions);
      checkMonotone(world);
      checkServer(world);
      checkSpacing(world);
      signed += world.signs.length > 0 ? 1 : 0;
      stale += world.staleSigns > 0 ? 1 : 0;
    }), { numRuns: RUNS });
    expect(signed, 'runs that signed').toBeGreaterThan(RUNS / 3);
    expect(stale, 'runs where a signature was asked under a session closed meanwhile').toBeGreaterThan(0);
  });

  it('once the API answers: every break that ended on this page is settled by exactly one final, every watched whole second signed and charged', async () => {
    let settled = 0;
    await fc.assert(fc.asyncProperty(fc.array(fc.oneof(...viewingRealTime, ...trouble), { minLength: 5, maxLength: 70 }), async (actions) => {
      const world = await play(actions);
      checkServer(world);
      expect(world.idle, 'nothing left to do').toBe(true);
      for (const auctionId of world.endedHere) {
        const h = world.holds.get(auctionId)!;
        const watched = world.watched.get(auctionId)!;
        expect(world.acceptedFinals.get(auctionId), `finals of ${auctionId}`).toBe(1);
        expect(h.closed, `${auctionId} closed`).toBe(true);
        expect(h.adSeconds, `${auctionId}: every watched second signed`).toBe(watched);
        expect(h.chargedSeconds, `${auctionId}: charged what was watched`).toBe(Math.min(watched, h.creativeSeconds));
        settled += 1;
      }
      for (const b of Object.values(world.s.breaks)) expect(b.halted, `${b.auctionId} halted`).toBeNull();
    }), { numRuns: RUNS });
    expect(settled, 'breaks settled').toBeGreaterThan(RUNS / 3);
  });

  it('with reloads and pagehide: a final signed (or sent as the page left) is accepted exactly once, never more than was watched', async () => {
    let withFinal = 0;
    await fc.assert(fc.asyncProperty(anyViewing, async (actions) => {
      const world = await play(actions);
      checkServer(world);
      checkMonotone(world);
      for (const auctionId of world.owedFinals) {
        expect(world.acceptedFinals.get(auctionId), `finals of ${auctionId}`).toBe(1);
        withFinal += 1;
      }
      for (const auctionId of world.endedHere) expect(world.holds.get(auctionId)!.closed, `${auctionId} ended here, settled`).toBe(true);
    }), { numRuns: RUNS });
    expect(withFinal, 'finals owed').toBeGreaterThan(RUNS / 3);
  });
});
