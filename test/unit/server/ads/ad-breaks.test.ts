// A break end to end over HTTP: two agents bid, the asset list runs the auction once per session and
// break, the winner's funds are held, the viewer's session signs ad ticks, the agent pays the clearing
// price for what was watched (bounded by the creative and the time since the asset list), the split is
// booked and the rest of the hold goes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_PATHS } from '../../../../src/payments/ad-protocol.js';
import { ADMIN, moneyPerAgent, startAdsHarness, type Agent, type AdsHarness } from './ads-harness.js';
import { makeViewer } from '../harness.js';

let h: AdsHarness;
let high: Agent;
let low: Agent;

beforeAll(async () => {
  h = await startAdsHarness();
  high = await h.agent('High Bidder', { fund: 1_000_000, price: 500 });
  low = await h.agent('Low Bidder', { fund: 1_000_000, price: 300, bid: { targeting: { categories: ['science'], languages: ['en'] } } });
  await h.agent('Wrong Audience', { fund: 1_000_000, price: 900, bid: { targeting: { ratings: ['R'] } } });
});
afterAll(() => h.close());

const balanceOf = async (a: Agent) => (await a.client.request<{ balanceMicroAlgos: number; heldMicroAlgos: number }>('GET', AD_PATHS.agent)).body;

describe('ad breaks', () => {
  it('runs the auction at the asset list: the higher eligible bid wins at the second price, held for the break maximum', async () => {
    const { viewer, sessionId } = await h.viewerSession();
    const list = await h.assetList(sessionId);
    expect(list.status).toBe(200);
    expect(list.body.ASSETS).toHaveLength(1);
    const asset = list.body.ASSETS[0];
    expect(asset).toMatchObject({ URI: 'https://cdn.example/High%20Bidder/index.m3u8', DURATION: 15, 'X-SIPPAR-ADVERTISER': 'High Bidder' });
    // Clearing 300 (the low bid) × 30 s (the break's maximum) held.
    expect(await balanceOf(high)).toMatchObject({ balanceMicroAlgos: 1_000_000 - 9000, heldMicroAlgos: 9000 });
    expect(await balanceOf(low)).toMatchObject({ balanceMicroAlgos: 1_000_000, heldMicroAlgos: 0 });

    // hls.js fetches the list again on a seek: same answer, no second auction or hold.
    const before = await h.snapshot();
    expect((await h.assetList(sessionId)).body).toEqual(list.body);
    expect(await h.snapshot()).toBe(before);

    const audit = await fetch(`${h.url}${AD_PATHS.adminAuctions}?contentId=film-1`, { headers: { authorization: `Bearer ${ADMIN}` } }).then((r) => r.json());
    const rec = audit.auctions.find((x: { auctionId: string }) => x.auctionId === asset['X-SIPPAR-AUCTION']);
    expect(rec).toMatchObject({ winnerAgentId: high.agentId, clearingMicroAlgosPerSecond: 300, holdSeconds: 30, floorMicroAlgosPerSecond: 100 });
    expect(rec.entries).toEqual({ took: [[high.bidId, 500], [low.bidId, 300]], out: { targeting: 1 } });

    // Ad ticks: 5 s signed after 5 s; 20 s signed after 8 s (time-bounded to 8); final 40 s after 20 s (creative: 15).
    const auctionId = asset['X-SIPPAR-AUCTION'];
    const t0 = h.clock.now;
    const tick = (seq: number, adSeconds: number, final = false) => ({ sessionId, auctionId, seq, adSeconds, clientTime: h.clock.now, ...(final && { final }) });
    h.clock.now = t0 + 5000;
    expect((await h.adTick(viewer, tick(1, 5))).body).toEqual({ auctionId, seq: 1, adSeconds: 5, chargedSeconds: 5, chargedMicroAlgos: 1500, closed: false });
    h.clock.now = t0 + 8000;
    const second = await h.adTick(viewer, tick(2, 20));
    expect(second.body).toMatchObject({ chargedSeconds: 8, chargedMicroAlgos: 2400 });
    expect((await h.adTick(viewer, tick(2, 20))).body).toEqual(second.body);
    const conflicting = await h.adTick(viewer, tick(2, 21));
    expect(conflicting.body.error.code).toBe('SEQ_OUT_OF_ORDER');
    const decreased = await h.adTick(viewer, tick(3, 19));
    expect(decreased.body).toMatchObject({ error: { code: 'TOTALS_DECREASED' }, adLedger: { chargedSeconds: 8 } });
    h.clock.now = t0 + 20_000;
    expect((await h.adTick(viewer, tick(3, 40, true))).body).toMatchObject({ chargedSeconds: 15, chargedMicroAlgos: 4500, closed: true });
    expect(await balanceOf(high)).toMatchObject({ balanceMicroAlgos: 1_000_000 - 4500, heldMicroAlgos: 0 });
    const closed = await h.adTick(viewer, tick(4, 41));
    expect(closed.status).toBe(409);
    expect(closed.body.error.code).toBe('AD_BREAK_CLOSED');

    const [split] = await h.rows('SELECT SUM(creator) c, SUM(platform) p, SUM(viewer_share) v, SUM(micro_algos) m FROM ad_charges WHERE auction_id = ?', auctionId);
    expect(split).toEqual({ c: 3150, p: 900, v: 450, m: 4500 });
    // The split names the viewer (1000 bps): its 450 µALGO went to the viewer's balance with each charge (10 % of 1500, 900, 2100), once.
    expect(await h.rows('SELECT balance FROM viewers WHERE principal = ?', viewer.principal)).toEqual([{ balance: 1_000_000 + 450 }]);
    expect(await h.rows('SELECT micro_algos FROM credits WHERE principal = ? ORDER BY id', viewer.principal)).toEqual([1_000_000, 150, 90, 210].map((micro_algos) => ({ micro_algos })));
    expect(await h.rows('SELECT COUNT(*) n FROM ad_charges WHERE auction_id = ? AND viewer_share > 0 AND NOT viewer_credited', auctionId)).toEqual([{ n: 0 }]);
    const report = (await high.client.request<{ titles: unknown[] }>('GET', AD_PATHS.agent)).body;
    expect(report.titles).toEqual([{ contentId: 'film-1', wins: 1, chargedSeconds: 15, spentMicroAlgos: 4500, heldMicroAlgos: 0, losses: 0 }]);
    expect((await low.client.request<{ titles: unknown[] }>('GET', AD_PATHS.agent)).body.titles).toEqual([{ contentId: 'film-1', wins: 0, losses: 1, chargedSeconds: 0, spentMicroAlgos: 0, heldMicroAlgos: 0 }]);
  });

  it('refuses ad ticks not signed by the session the break was served to', async () => {
    const a = await h.viewerSession();
    const b = await h.viewerSession();
    const auctionId = (await h.assetList(a.sessionId)).body.ASSETS[0]['X-SIPPAR-AUCTION'];
    const before = await h.snapshot();
    const forged = await h.adTick(await makeViewer(), { sessionId: a.sessionId, auctionId, seq: 1, adSeconds: 1, clientTime: 0 });
    expect(forged.body.error.code).toBe('BAD_SIGNATURE');
    const foreign = await h.adTick(b.viewer, { sessionId: b.sessionId, auctionId, seq: 1, adSeconds: 1, clientTime: 0 });
    expect(foreign.body.error.code).toBe('NOT_SESSION_OWNER');
    expect(await h.snapshot()).toBe(before);
  });

  it('gives an unsettled hold back after the break could have ended, and charges nothing after that', async () => {
    const { viewer, sessionId } = await h.viewerSession();
    const auctionId = (await h.assetList(sessionId)).body.ASSETS[0]['X-SIPPAR-AUCTION'];
    const held = (await balanceOf(high)).heldMicroAlgos;
    expect(held).toBeGreaterThan(0);
    h.clock.now += (30 + 600) * 1000;
    await h.assetList((await h.viewerSession()).sessionId); // any auction sweeps expired holds
    const late = await h.adTick(viewer, { sessionId, auctionId, seq: 1, adSeconds: 10, clientTime: 0 });
    expect(late.body.error.code).toBe('AD_BREAK_CLOSED');
    for (const m of await moneyPerAgent(h)) expect(m.credited).toBe(m.balance + m.held + m.charged);
  });

  it('holds at most three unsettled breaks per session; a settled one makes room again', async () => {
    h.catalog.set('film-many', { every: { seconds: 60, maxSeconds: 30, count: 10 }, floorMicroAlgosPerSecond: 10 });
    const { viewer, sessionId } = await h.viewerSession('film-many');
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) ids.push((await h.assetList(sessionId, k, 'film-many')).body.ASSETS[0]['X-SIPPAR-AUCTION']);
    const before = await h.snapshot();
    expect((await h.assetList(sessionId, 3, 'film-many')).body).toEqual({ ASSETS: [] });
    expect(await h.snapshot()).toBe(before);
    const settled = await h.adTick(viewer, { sessionId, auctionId: ids[0]!, seq: 1, adSeconds: 0, clientTime: 0, final: true });
    expect(settled.body.closed).toBe(true);
    expect((await h.assetList(sessionId, 3, 'film-many')).body.ASSETS).toHaveLength(1);
  });

  it('refuses ad ticks of a session whose delegation expired', async () => {
    const { viewer, sessionId } = await h.viewerSession();
    const auctionId = (await h.assetList(sessionId)).body.ASSETS[0]['X-SIPPAR-AUCTION'];
    const now = h.clock.now;
    h.clock.now = now + 2 * 3600_000;
    try {
      const late = await h.adTick(viewer, { sessionId, auctionId, seq: 1, adSeconds: 5, clientTime: 0 });
      expect(late.body.error.code).toBe('SESSION_EXPIRED');
    } finally {
      h.clock.now = now;
    }
  });

  it('answers an empty break when no bid is eligible, and refuses unknown breaks and other titles’ sessions', async () => {
    for (const a of [high, low]) await a.client.request('POST', AD_PATHS.withdrawBid, { bidId: a.bidId });
    const { sessionId } = await h.viewerSession();
    expect((await h.assetList(sessionId, 1)).body).toEqual({ ASSETS: [] });
    expect((await h.assetList(sessionId, 2)).status).toBe(404);
    const res = await fetch(`${h.url}${AD_PATHS.assetList}?contentId=film-2&break=0&sessionId=${sessionId}`);
    expect(res.status).toBe(404);
    h.catalog.set('film-2', { every: { seconds: 300, maxSeconds: 15 } });
    const other = await fetch(`${h.url}${AD_PATHS.assetList}?contentId=film-2&break=0&sessionId=${sessionId}`).then((r) => r.json());
    expect(other.error.code).toBe('NOT_SESSION_OWNER');
  });

  it('keeps every agent’s money whole: credited = balance + held + charged', async () => {
    const rows = await moneyPerAgent(h);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const m of rows) expect(m.credited).toBe(m.balance + m.held + m.charged);
  });
});
