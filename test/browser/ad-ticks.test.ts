// Ad ticks in the real element (Chromium) against the reference payment API (a real auction between two
// funded agents, test/support/ads-api-fixture.ts): the <video>'s `sipparAdBreak` store is written by hand as
// playback writes it, and the agent that won is charged exactly the whole seconds watched, at the second
// price; the break closes with the final tick, also when the page goes away mid-ad.
// Assertions compare strings and numbers only (the runner hangs on failures that carry DOM nodes).
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import type { SipparPlayer } from '../../src/sippar-player.js';
import { createAdBreakStore, type MediaWithAds, type WritableAdBreakStore } from '../../src/ads/ad-break.js';
import type { AdTicksController } from '../../src/ads/ad-ticks-controller.js';
import { createApiClient } from '../../src/payments/api-client.js';
import { memoryStore } from '../../src/payments/outbox-store.js';
import { check, equal, sleep, waitFor } from './helpers.js';

interface Hold { hold?: { closed: number; charged_seconds: number; charged: number; ad_seconds: number; price: number; seq: number }; charges: Array<{ seq: number; micro_algos: number; creator: number; platform: number; viewer_share: number; final: number }>; balances: Record<string, number> }
const api = (name: string, payload: Record<string, unknown> = {}) => executeServerCommand(`ads-api:${name}`, payload);
const hold = (auctionId: string) => api('hold', { auctionId }) as Promise<Hold>;

async function identity() {
  const { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } = await import('@dfinity/identity');
  const session = await ECDSAKeyIdentity.generate();
  const chain = await DelegationChain.create(Ed25519KeyIdentity.generate(), session.getPublicKey(), new Date(Date.now() + 3_600_000));
  return DelegationIdentity.fromDelegation(session, chain);
}

const adTicksOf = (el: SipparPlayer) => (el as unknown as { parts: { commerce?: { adTicks: AdTicksController } } }).parts.commerce!.adTicks;

/** What hls.js's asset-list request gets for a break of this session: the auction's id and winner. */
async function serveBreak(url: string, contentId: string, sessionId: string, index: number) {
  const res = await fetch(`${url}/streaming/ads/asset-list?contentId=${contentId}&break=${index}&sessionId=${sessionId}&_HLS_primary_id=p&_HLS_start_offset=0`);
  const body = (await res.json()) as { ASSETS: Array<{ DURATION: number; 'X-SIPPAR-AUCTION': string; 'X-SIPPAR-ADVERTISER': string }> };
  const a = body.ASSETS[0];
  check(!!a, `no ad in break ${index}: ${JSON.stringify(body)}`);
  return { auctionId: a!['X-SIPPAR-AUCTION'], advertiser: a!['X-SIPPAR-ADVERTISER'], duration: a!.DURATION };
}

/** Playback's writes while an ad plays: watchedSeconds a few times a second, for `seconds` of real time. */
async function playAd(store: WritableAdBreakStore, ad: { auctionId: string; advertiser: string; duration: number }, breakId: string, seconds: number): Promise<number> {
  const started = performance.now();
  let watched = 0;
  while (watched < seconds) {
    await sleep(200);
    watched = Math.min(seconds, (performance.now() - started) / 1000);
    store.state.set({ status: 'playing', breakId, auctionId: ad.auctionId, advertiser: ad.advertiser, durationSeconds: ad.duration, watchedSeconds: watched });
  }
  return watched;
}

describe('ad ticks against the reference API', () => {
  let el: SipparPlayer | undefined;
  afterEach(async () => {
    el?.remove();
    await api('stop');
  });

  it('the winner is charged the whole seconds watched at the second price; the final tick closes each break, also on pagehide', async function () {
    this.timeout(90_000); // three ads watched in real time (the server charges no more seconds than have passed)
    const { url, contentId } = (await api('start', { origin: location.origin })) as { url: string; contentId: string };
    const viewer = await identity();
    await createApiClient({ baseUrl: url }).devCredit({ principal: viewer.getPrincipal().toText(), microAlgos: 1_000_000 });
    el = document.createElement('sippar-player') as SipparPlayer;
    for (const [k, v] of Object.entries({ lang: 'en', rate: '0.001', 'content-id': contentId, api: url, src: '/media/basic/index.m3u8' })) el.setAttribute(k, v);
    el.services = { auth: { identity: viewer }, store: memoryStore(), locks: null };
    el.muted = true;
    document.body.append(el);
    await el.updateComplete;
    await el.play();
    await waitFor(() => !!el!.payments?.state.sessionId, 'a payment session', 15_000);
    const sessionId = el.payments!.state.sessionId!;

    // Playback sets its store on the <video> (branch ads-player); the ad ticks follow it from the next update.
    const store = createAdBreakStore();
    (el.media as MediaWithAds).sipparAdBreak = store;
    el.requestUpdate();
    await el.updateComplete;
    const ticks = adTicksOf(el);

    // Pre-roll: Acme (800) wins at Globex's 500; 4.5 s watched, then the ad fails to play on: 4 whole seconds.
    const pre = await serveBreak(url, contentId, sessionId, 0);
    equal(pre.advertiser, 'Acme', 'winner');
    const watched = await playAd(store, pre, 'sippar-break-0', 4.5);
    store.state.set({ status: 'none' });
    store.ended.set({ auctionId: pre.auctionId, watchedSeconds: watched, reason: 'error' });
    await waitFor(() => ticks.status.get().acknowledged?.closed === true && ticks.status.get().acknowledged?.auctionId === pre.auctionId, 'the final tick acknowledged', 10_000);
    const a = await hold(pre.auctionId);
    equal(a.hold?.closed, 1, 'pre-roll hold closed');
    equal(a.hold?.price, 500, 'second price');
    equal(a.hold?.charged_seconds, 4, 'charged seconds');
    equal(a.hold?.charged, 2_000, 'charged µALGO');
    equal(a.charges.filter((c) => c.final === 1).length, 1, 'one final charge');
    check(a.charges.every((c) => c.creator + c.platform + c.viewer_share === c.micro_algos), 'each charge split in full');
    equal(a.charges.reduce((n, c) => n + c.creator, 0), 1_400, 'creator share (70 %)');
    equal(a.balances.Acme, 1_000_000 - 2_000, 'Acme pays what was watched; the rest of its hold went back');
    equal(a.balances.Globex, 1_000_000, 'Globex lost and pays nothing');
    equal(ticks.status.get().unsent, 0, 'nothing unsent');

    // Mid-roll, and the tab closes 3.4 s into the ad: the pre-signed final leaves with keepalive, at once.
    const mid = await serveBreak(url, contentId, sessionId, 1);
    const midWatched = await playAd(store, mid, 'sippar-break-1', 3.4);
    await waitFor(() => (ticks.status.get().acknowledged?.adSeconds ?? 0) >= 2 && ticks.status.get().acknowledged?.auctionId === mid.auctionId, 'mid-roll ticks acknowledged', 10_000);
    await sleep(300); // the standby pair is signed and stored right after each acknowledged tick
    const sent: Array<{ final?: boolean; adSeconds: number; keepalive: boolean }> = [];
    const realFetch = window.fetch;
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      if (path === '/streaming/ads/tick') sent.push({ ...(JSON.parse(String(init!.body)).tick as { final?: boolean; adSeconds: number }), keepalive: init?.keepalive === true });
      return realFetch(input, init);
    };
    try {
      window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
    } finally {
      window.fetch = realFetch;
    }
    const final = sent.find((t) => t.final);
    check(!!final && final.keepalive, `a final ad tick sent with keepalive during pagehide: ${JSON.stringify(sent)}`);
    for (let i = 0; i < 50 && (await hold(mid.auctionId)).hold?.closed !== 1; i++) await sleep(100);
    const m = await hold(mid.auctionId);
    equal(m.hold?.closed, 1, 'mid-roll hold closed by the keepalive final');
    const charged = m.hold!.charged_seconds;
    check(charged <= Math.floor(midWatched) && charged >= Math.floor(midWatched) - 1, `charged ${charged} s for ${midWatched.toFixed(1)} s watched`);
    equal(m.hold?.charged, charged * 500, 'at the clearing price');

    // A third break, and the player is removed from the page 2.4 s into the ad (an app navigating away):
    // payments closes its session at once, so the pre-signed final goes out as on pagehide.
    const third = await serveBreak(url, contentId, sessionId, 2);
    const thirdWatched = await playAd(store, third, 'sippar-break-2', 2.4);
    await waitFor(() => ticks.status.get().acknowledged?.auctionId === third.auctionId && ticks.status.get().acknowledged!.adSeconds >= 1, 'third break ticks acknowledged', 10_000);
    await sleep(300);
    el.remove();
    for (let i = 0; i < 50 && (await hold(third.auctionId)).hold?.closed !== 1; i++) await sleep(100);
    const r = await hold(third.auctionId);
    equal(r.hold?.closed, 1, 'third hold closed when the player left');
    check(r.hold!.charged_seconds <= Math.floor(thirdWatched) && r.hold!.charged_seconds >= Math.floor(thirdWatched) - 1, `charged ${r.hold!.charged_seconds} s for ${thirdWatched.toFixed(1)} s watched`);
    console.log(`ad ticks: pre-roll ${watched.toFixed(1)} s watched, ${a.hold!.charged_seconds} s charged (${a.hold!.charged} µALGO); mid-roll left at ${midWatched.toFixed(1)} s, ${charged} s charged, final sent at pagehide with adSeconds ${final!.adSeconds}; third left at ${thirdWatched.toFixed(1)} s, ${r.hold!.charged_seconds} s charged`);
  });
});
