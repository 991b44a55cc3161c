// Ads on the demo page, as `npm start` runs it (scripts/start.mjs): two reference agents, Acme (800 µALGO/s)
// and Globex (500), bid for the breaks of "With ads" (demo-ads: a pre-roll and a break at 20 s). In the real
// player the winner's creative plays at each break; the viewer is billed nothing for it; the viewer's session
// signs the ad seconds watched (ad ticks) and the agent is charged them at the second price, split between
// creator, platform and the viewer's credit — also when the viewer closes the tab in the middle of an ad.
import { test, expect, type Page } from '@playwright/test';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentClient } from '../../server/ads/agent-client.js';
import { AD_PATHS, type AdAnalytics } from '../../src/payments/ad-protocol.js';
import { agentKeysDir, credit, ledgerRows, signIn, useDemo } from './support/demo-journey.js';

const demo = useDemo();
const ADS = '#ads';
const CLEARING = 500; // Globex's value: the second price Acme pays

interface AdsView {
  ad: { status: string; auctionId?: string; advertiser?: string; watchedSeconds?: number };
  ended?: { auctionId: string; watchedSeconds: number; reason: string };
  ticks?: { acknowledged?: { auctionId: string; adSeconds: number; chargedSeconds: number; closed: boolean }; unsent: number };
  sessionId?: string;
  /** Content seconds the payment API acknowledged for the session (every second watched, free ones included). */
  billedSeconds: number;
  /** Content seconds the meter credited on this page load. */
  metered: number;
  currentTime: number;
}

/** What the "With ads" player shows and has signed: its ad store, its ad ticks, its content payments. */
const view = (page: Page): Promise<AdsView> =>
  page.evaluate(() => {
    const el = document.querySelector('#ads') as unknown as HTMLElement & {
      payments?: { state: { sessionId?: string; acknowledged: { seconds: number } } };
      meter?: { store: { get(): { billedSeconds: number } } };
      parts: { commerce?: { adTicks: { status: { get(): unknown } } } };
      shadowRoot: ShadowRoot;
    };
    const v = el.shadowRoot.querySelector('video') as (HTMLVideoElement & { sipparAdBreak?: { state: { get(): unknown }; ended: { get(): unknown } } }) | null;
    return {
      ad: (v?.sipparAdBreak?.state.get() ?? { status: 'none' }) as AdsView['ad'],
      ended: v?.sipparAdBreak?.ended.get() as AdsView['ended'],
      ticks: el.parts.commerce?.adTicks.status.get() as AdsView['ticks'],
      sessionId: el.payments?.state.sessionId,
      billedSeconds: el.payments?.state.acknowledged.seconds ?? 0,
      metered: el.meter?.store.get().billedSeconds ?? 0,
      currentTime: v?.currentTime ?? 0,
    };
  });

const playAds = (page: Page) =>
  expect.poll(() => page.evaluate(() => {
    const p = document.querySelector('#ads') as HTMLElement & { muted: boolean; play(): Promise<void> };
    p.muted = true;
    return p.play().then(() => true, () => false);
  }), { timeout: 15_000 }).toBe(true);

interface HoldRow { auction_id: string; agent_id: string; price: number; charged_seconds: number; charged: number; ad_seconds: number; closed: number; session_id: string }
const holdsOf = (sessionId: string) => ledgerRows('SELECT * FROM holds WHERE session_id = ? ORDER BY served_at', sessionId) as unknown as HoldRow[];
const agentName = (agentId: string) => String(ledgerRows('SELECT name FROM agents WHERE id = ?', agentId)[0]!.name);

/** A break until its end: the ad plays, its `ended` comes, its final ad tick is acknowledged. */
async function watchBreak(page: Page, previous?: string): Promise<NonNullable<AdsView['ended']>> {
  await expect.poll(async () => { const v = await view(page); return v.ad.status === 'playing' && !!v.ad.auctionId && v.ad.auctionId !== previous; }, { timeout: 40_000 }).toBe(true);
  const { ad, billedSeconds } = await view(page);
  expect(ad.advertiser).toBe('Acme');
  // While the ad plays the content session bills nothing: its acknowledged seconds stand still.
  await page.waitForTimeout(3_000);
  const during = await view(page);
  expect(during.ad.status).toBe('playing');
  expect(during.billedSeconds).toBe(billedSeconds);
  await expect.poll(async () => (await view(page)).ended?.auctionId, { timeout: 15_000 }).toBe(ad.auctionId);
  await expect.poll(async () => { const t = (await view(page)).ticks?.acknowledged; return t?.auctionId === ad.auctionId && t?.closed === true; }, { timeout: 15_000 }).toBe(true);
  return (await view(page)).ended!;
}

test('two agents bid, the higher wins at the second price; the viewer pays nothing for the ads; the winner pays the seconds watched, split and shown', async ({ page }) => {
  test.setTimeout(150_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  const principal = await signIn(page, 'carol');
  await credit(principal, 1_000_000);
  await page.locator('#paid').evaluate((p: HTMLElement & { pause(): void }) => p.pause());

  await playAds(page);
  // The pre-roll: Acme's 6 s creative, before any content second.
  const pre = await watchBreak(page);
  const afterPre = await view(page);
  // Billed so far: at most the title's seconds played since the pre-roll ended, none of its 6 s.
  expect(afterPre.billedSeconds, 'content seconds billed by the end of the pre-roll').toBeLessThanOrEqual(Math.ceil(afterPre.currentTime));
  // The content, then the break at 20 s.
  const mid = await watchBreak(page, pre.auctionId);
  await page.locator(ADS).evaluate((p: HTMLElement & { pause(): void }) => p.pause());
  // After the breaks the <video> is the title's again: its position is the content watched (no seek).
  const { sessionId, currentTime } = await view(page);

  // The server's view: two breaks of this session, each won by Acme at Globex's price, charged the whole
  // seconds watched (within one), and closed by the final tick.
  const holds = holdsOf(sessionId!);
  expect(holds.map((h) => h.auction_id)).toEqual([pre.auctionId, mid.auctionId]);
  for (const [h, ended] of [[holds[0]!, pre], [holds[1]!, mid]] as const) {
    expect(agentName(h.agent_id)).toBe('Acme');
    expect(h.price).toBe(CLEARING);
    expect(h.closed).toBe(1);
    expect(Math.abs(h.charged_seconds - ended.watchedSeconds)).toBeLessThanOrEqual(1);
    expect(h.charged).toBe(h.charged_seconds * CLEARING);
  }
  // The viewer was billed the content only: the session's seconds (free ones included) are the title's seconds
  // played, within the one a pause may leave unbilled; none of the ads' 12 s.
  await expect.poll(() => ledgerRows('SELECT billed_seconds AS s FROM sessions WHERE id = ?', sessionId!)[0]!.s as number, { timeout: 10_000 }).toBeGreaterThanOrEqual(Math.floor(currentTime) - 1);
  const content = ledgerRows('SELECT billed_seconds AS s FROM sessions WHERE id = ?', sessionId!)[0]!.s as number;
  expect(content).toBeLessThanOrEqual(Math.ceil(currentTime));

  // The splits, booked with each charge: 70 % creator, 20 % platform, 10 % the viewer's credit.
  const charges = ledgerRows('SELECT micro_algos AS m, creator AS c, platform AS p, viewer_share AS v FROM ad_charges WHERE auction_id IN (?, ?)', pre.auctionId, mid.auctionId) as Array<{ m: number; c: number; p: number; v: number }>;
  const sum = (k: 'm' | 'c' | 'p' | 'v') => charges.reduce((n, x) => n + x[k], 0);
  const spent = holds[0]!.charged + holds[1]!.charged;
  expect(sum('m')).toBe(spent);
  expect(sum('c')).toBe(Math.floor(spent * 0.7));
  expect(sum('v')).toBe(Math.floor(spent * 0.1));
  expect(sum('c') + sum('p') + sum('v')).toBe(spent);

  // The agents' own reports: Acme spent it, Globex lost those auctions and spent nothing on them.
  const report = async (name: string) => {
    const privateKey = createPrivateKey(readFileSync(join(agentKeysDir(), `${name}.pem`)));
    const publicKeyDer = new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }));
    const r = await agentClient(demo.current().apiUrl, { privateKey, publicKeyDer }).request<{ titles: Array<{ contentId: string; wins: number; losses: number; chargedSeconds: number; spentMicroAlgos: number }> }>('GET', AD_PATHS.agent);
    expect(r.status).toBe(200);
    return r.body.titles.find((t) => t.contentId === 'demo-ads')!;
  };
  const acme = await report('acme');
  expect(acme.spentMicroAlgos).toBeGreaterThanOrEqual(spent);
  expect(acme.wins).toBeGreaterThanOrEqual(2);
  const globex = await report('globex');
  expect(globex.losses).toBeGreaterThanOrEqual(2);

  // The platform's analytics and the demo panel: the same revenue and shares.
  const analytics = async () => ((await (await fetch(`${demo.current().apiUrl}/streaming/session/analytics`)).json()) as { ads: AdAnalytics }).ads.total;
  const total = await analytics();
  expect(total.adRevenueMicroAlgos).toBe(total.creatorMicroAlgos + total.platformMicroAlgos + total.viewerMicroAlgos);
  expect(total.adRevenueMicroAlgos).toBeGreaterThanOrEqual(spent);
  expect(total.minClearing).toBe(CLEARING);
  await expect(page.getByTestId('ad-revenue')).toHaveText((total.adRevenueMicroAlgos / 1e6).toFixed(6), { timeout: 15_000 });
  await expect(page.getByTestId('ad-platform')).toHaveText((total.platformMicroAlgos / 1e6).toFixed(6));
  await expect(page.getByTestId('ad-titles').locator('tbody tr')).toHaveCount(1);
  console.log(`ads journey: pre-roll ${pre.watchedSeconds.toFixed(1)} s watched, ${holds[0]!.charged_seconds} s charged; mid-roll ${mid.watchedSeconds.toFixed(1)} s, ${holds[1]!.charged_seconds} s; ` +
    `Acme paid ${spent} µALGO at ${CLEARING}/s: creator ${sum('c')}, platform ${sum('p')}, viewer ${sum('v')}; content billed ${content} s for ${currentTime.toFixed(1)} s of the title`);
  expect(problems).toEqual([]);
});

test('the viewer closes the tab in the middle of an ad: the agent is charged only what was watched', async ({ page }) => {
  test.setTimeout(90_000);
  const principal = await signIn(page, 'bob');
  await credit(principal, 1_000_000);
  await page.locator('#paid').evaluate((p: HTMLElement & { pause(): void }) => p.pause());
  await playAds(page);
  await expect.poll(async () => { const v = await view(page); return v.ad.status === 'playing' && (v.ad.watchedSeconds ?? 0) >= 3.2; }, { timeout: 40_000 }).toBe(true);
  const { ad, sessionId } = await view(page);
  await page.close(); // pagehide: the pre-signed final ad tick leaves with keepalive
  await expect.poll(() => holdsOf(sessionId!)[0]?.closed, { timeout: 10_000 }).toBe(1);
  const h = holdsOf(sessionId!)[0]!;
  expect(h.auction_id).toBe(ad.auctionId);
  expect(Math.abs(h.charged_seconds - ad.watchedSeconds!)).toBeLessThanOrEqual(1);
  expect(h.charged_seconds).toBeLessThan(6); // not the whole creative
  expect(h.charged).toBe(h.charged_seconds * CLEARING);
  console.log(`ads journey, tab closed: ${ad.watchedSeconds!.toFixed(1)} s of the ad watched, ${h.charged_seconds} s charged (${h.charged} µALGO)`);
});
