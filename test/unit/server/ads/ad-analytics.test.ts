// The platform's ad figures (GET /streaming/session/analytics, `ads`): per title and in total, auctions,
// fill rate, revenue and its split, seconds charged, clearing prices and live breaks, from a scenario whose
// every figure is known in advance; and the totals' arithmetic on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_PATHS, type AdAnalytics } from '../../../../src/payments/ad-protocol.js';
import { API_PATHS } from '../../../../src/payments/protocol.js';
import { adAnalyticsOf } from '../../../../server/ads/ads-reports.js';
import { ADMIN, startAdsHarness, type Agent, type AdsHarness } from './ads-harness.js';

let h: AdsHarness;
let high: Agent;
let low: Agent;

beforeAll(async () => {
  h = await startAdsHarness();
  high = await h.agent('High', { fund: 1_000_000, price: 500 });
  low = await h.agent('Low', { fund: 1_000_000, price: 300 });
});
afterAll(() => h.close());

async function analytics(query = '', token = ADMIN): Promise<{ status: number; body: { ads?: AdAnalytics; totals?: unknown } }> {
  const res = await fetch(`${h.url}${API_PATHS.analytics}${query}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() };
}

describe('ad analytics', () => {
  it('reports auctions, fill rate, revenue split, seconds, clearing prices and live breaks per title and in total', async () => {
    const t0 = h.clock.now;
    const served: Array<{ viewer: Awaited<ReturnType<AdsHarness['viewerSession']>>['viewer']; sessionId: string; auctionId: string }> = [];
    for (let i = 0; i < 3; i++) {
      const { viewer, sessionId } = await h.viewerSession();
      served.push({ viewer, sessionId, auctionId: (await h.assetList(sessionId)).body.ASSETS[0]['X-SIPPAR-AUCTION'] });
    }
    h.clock.now = t0 + 12_000;
    const [a, b] = served as [(typeof served)[0], (typeof served)[0]];
    // 10 s watched and settled; 5 s watched, still playing; the third break not started.
    expect((await h.adTick(a.viewer, { sessionId: a.sessionId, auctionId: a.auctionId, seq: 1, adSeconds: 10, clientTime: 0, final: true })).status).toBe(200);
    expect((await h.adTick(b.viewer, { sessionId: b.sessionId, auctionId: b.auctionId, seq: 1, adSeconds: 5, clientTime: 0 })).status).toBe(200);
    for (const x of [high, low]) await x.client.request('POST', AD_PATHS.withdrawBid, { bidId: x.bidId });
    const empty = await h.viewerSession();
    expect((await h.assetList(empty.sessionId)).body.ASSETS).toEqual([]);

    const { status, body } = await analytics();
    expect(status).toBe(200);
    const film = {
      contentId: 'film-1', auctions: 4, filled: 3, fillRate: 0.75,
      // 15 s at the second price, 300: 4500, split 70/20/10.
      adRevenueMicroAlgos: 4500, creatorMicroAlgos: 3150, platformMicroAlgos: 900, viewerMicroAlgos: 450, chargedSeconds: 15,
      minClearing: 300, avgClearing: 300, maxClearing: 300,
      liveBreaks: 2,
    };
    expect(body.ads!.titles).toEqual([film]);
    const { contentId: _c, ...total } = film;
    expect(body.ads!.total).toEqual(total);
    expect(body.totals).toBeDefined();

    // Past the breaks' length and the slack, nothing is live; a title without auctions is absent.
    h.clock.now = t0 + (30 + 31) * 1000;
    expect((await analytics()).body.ads!.total.liveBreaks).toBe(0);
    expect((await analytics('?contentId=film-2')).body.ads).toEqual({ titles: [], total: { ...total, auctions: 0, filled: 0, fillRate: 0, adRevenueMicroAlgos: 0, creatorMicroAlgos: 0, platformMicroAlgos: 0, viewerMicroAlgos: 0, chargedSeconds: 0, minClearing: null, avgClearing: null, maxClearing: null, liveBreaks: 0 } });
    expect((await analytics('', 'wrong-token')).status).toBe(403);
  });
});

describe('adAnalyticsOf', () => {
  it('sums the titles, weights the average clearing price by filled breaks, and rates fill', () => {
    const row = (contentId: string, auctions: number, filled: number, avg: number | null, min = avg, max = avg) => ({
      contentId, auctions, filled, adRevenueMicroAlgos: filled * 10, creatorMicroAlgos: filled * 7, platformMicroAlgos: filled * 3, viewerMicroAlgos: 0,
      chargedSeconds: filled, minClearing: min, avgClearing: avg, maxClearing: max, liveBreaks: 1,
    });
    const out = adAnalyticsOf([row('a', 3, 1, 100), row('b', 4, 3, 200, 150, 250), row('c', 2, 0, null)]);
    expect(out.titles.map((t) => t.fillRate)).toEqual([0.3333, 0.75, 0]);
    expect(out.total).toMatchObject({ auctions: 9, filled: 4, fillRate: 0.4444, adRevenueMicroAlgos: 40, minClearing: 100, avgClearing: 175, maxClearing: 250, liveBreaks: 3 });
  });
});
