// Ad breaks in the real element with hls.js's full build, in Chromium: a paid title with a pre-roll and a
// mid-roll at 4 s (test/support/ad-fixtures.mjs serves it, its asset lists and a 4 s creative). The
// element's ad-break store goes none → playing(advertiser, auction) → none with `ended`; the asset lists
// carry the session id; the meter credits no second of an ad; the counter says the viewer is not charged;
// a seek past the unwatched mid-roll plays it first. Assertions compare strings and numbers only.
import type { SipparPlayer } from '../../src/sippar-player.js';
import type { AdBreakEnded, AdBreakState, MediaWithAds } from '../../src/ads/ad-break.js';
import type { AdSessionProvider } from '../../src/ads/ad-break.js';
import { check, equal, mount, part, waitFor } from './helpers.js';

const TITLE = '/test-ads/film-ads.m3u8';

interface Seen {
  states: string[];
  ended: AdBreakEnded[];
  /** Meter seconds credited when each ad started and ended. */
  creditedAtAd: Array<{ at: 'start' | 'end'; breakId: string; watched: number }>;
  counters: string[];
  /** The <video>'s clock during an ad: what the progress bar shows then. */
  adClock: Array<{ t: number; d: number }>;
  /** The meter's status changes, with whether an ad was on screen. */
  meterStates: string[];
}

async function paidAdPlayer(): Promise<{ el: SipparPlayer; video: MediaWithAds & HTMLVideoElement; seen: Seen }> {
  await fetch('/test-ads/requests?clear');
  // preload="none": nothing (hls.js included) starts before the stand-ins below are in place.
  const el = await mount({ src: TITLE, rate: '0.001', lang: 'en', preload: 'none' });
  el.muted = true;
  // A signed-in viewer with an open session: the identity gate lets the paid video play, the asset-list
  // loader gets this session id (the payment API is not part of this test).
  Object.defineProperty(el.identity!.controller, 'canCharge', { get: () => true });
  const session: AdSessionProvider = { sessionId: async () => 'sess_test' };
  Object.defineProperty(el.payments!, 'adSession', { value: session });
  el.requestUpdate();
  await el.updateComplete;
  await waitFor(() => !!el.media, 'media');
  const video = el.media as MediaWithAds & HTMLVideoElement;
  const seen: Seen = { states: [], ended: [], creditedAtAd: [], counters: [], adClock: [], meterStates: [] };
  el.addEventListener('sippar-meter-state', (e) => seen.meterStates.push(`${(e as CustomEvent<{ state: string }>).detail.state}${video.sipparAdBreak?.state.get().status === 'playing' ? '(ad)' : ''}@${video.currentTime.toFixed(1)}`));
  const watched = () => el.meter!.store.get().watchedSeconds;
  void waitFor(() => !!video.sipparAdBreak, 'ad-break store', 15_000).then(() => {
    const store = video.sipparAdBreak!;
    store.state.subscribe((s: AdBreakState) => {
      seen.states.push(s.status === 'playing' ? `playing:${s.breakId}:${s.advertiser}:${s.auctionId}` : 'none');
      const last = seen.creditedAtAd.at(-1);
      if (s.status === 'playing' && (!last || last.at === 'end')) seen.creditedAtAd.push({ at: 'start', breakId: s.breakId, watched: watched() });
      if (s.status === 'none' && last?.at === 'start') seen.creditedAtAd.push({ at: 'end', breakId: last.breakId, watched: watched() });
    });
    store.ended.listen((e) => { if (e) seen.ended.push(e); });
  });
  video.addEventListener('timeupdate', () => {
    if (video.sipparAdBreak?.state.get().status !== 'playing') return;
    seen.adClock.push({ t: video.currentTime, d: video.duration });
    const text = part(el, 'counter')?.textContent?.trim() ?? '';
    if (text && seen.counters.at(-1) !== text) seen.counters.push(text);
  });
  return { el, video, seen };
}

const report = (video: HTMLVideoElement, seen: Seen) => JSON.stringify({
  t: video.currentTime, paused: video.paused, ...seen, adClock: seen.adClock.length,
  loaded: performance.getEntriesByType('resource').map((e) => e.name.replace(location.origin, '')).filter((n) => /hls|asset-list|test-ad/.test(n)),
});
const dedupe = (xs: string[]) => xs.filter((x, i) => x !== xs[i - 1]);

describe('ad breaks in the element (full hls.js)', () => {
  afterEach(() => document.querySelectorAll('sippar-player').forEach((el) => el.remove()));

  it('plays the pre-roll and the mid-roll: store, ended, session id, counter, and no ad second credited', async function () {
    this.timeout(60_000);
    const { el, video, seen } = await paidAdPlayer();
    // hls.js moves the <video> to the pre-roll's player at once: a first play() may be cut short by that load.
    await el.play().catch(() => undefined);
    await waitFor(() => seen.ended.length >= 2 && video.currentTime > 6, 'both breaks and the title past 6 s', 40_000).catch((e) => { throw new Error(`${e.message}: ${report(video, seen)}`); });
    equal(dedupe(seen.states).join(' '), 'none playing:sippar-break-0:Acme:auc_test_0 none playing:sippar-break-1:Globex:auc_test_1 none', 'store states');
    equal(seen.ended.map((e) => `${e.auctionId}:${e.reason}:${Math.round(e.watchedSeconds)}`).join(' '), 'auc_test_0:completed:4 auc_test_1:completed:4', 'ended');
    const lists: string[] = await (await fetch('/test-ads/requests')).json();
    check(lists.length >= 2 && lists.every((u) => new URL(u, location.href).searchParams.get('sessionId') === 'sess_test'), `asset lists with the session id: ${lists.join(' ')}`);
    // Not one second credited while an ad was on screen.
    const [s0, e0, s1, e1] = seen.creditedAtAd;
    equal(`${s0?.watched}→${e0?.watched}`, '0→0', 'meter across the pre-roll');
    check(!!s1 && !!e1 && e1.watched === s1.watched, `meter across the mid-roll: ${s1?.watched}→${e1?.watched}`);
    check(s1!.watched >= 3 && s1!.watched <= 4, `content credited before the mid-roll: ${s1!.watched}`);
    check(seen.counters.some((c) => /^Ad · you are not charged · Acme · [1-4] s$/.test(c)), `counter during the pre-roll: ${seen.counters.join(' | ')}`);
    check(seen.counters.some((c) => c.startsWith('Ad · you are not charged · Globex')), `counter during the mid-roll: ${seen.counters.join(' | ')}`);
    // During an ad the <video> (and so the progress bar) shows the ad's own timeline.
    // (The store says "ad" from the asset's start event, a timeupdate or so before the asset's source is on the
    // <video>: the first sample may still read the title's duration.)
    const adOwn = seen.adClock.filter((c) => Math.abs(c.d - 4) < 0.3);
    check(seen.adClock.every((c) => c.t <= 4.2) && adOwn.length >= seen.adClock.length - 2 && adOwn.length >= 8, `the ad's clock: ${JSON.stringify(seen.adClock.slice(0, 3))} (${adOwn.length}/${seen.adClock.length})`);
    // The meter says "playing" through the breaks once the first ad runs: payments is never told playback
    // stopped because of an ad (which would send a pause tick and close the billing interval).
    check(seen.meterStates.every((m) => !/^(ended|paused|idle)/.test(m)), `meter states: ${seen.meterStates.join(' ')}`);
  });

  it('a seek across the unwatched mid-roll plays it first, then the title resumes', async function () {
    this.timeout(60_000);
    const { el, video, seen } = await paidAdPlayer();
    await el.play().catch(() => undefined);
    await waitFor(() => seen.ended.length === 1 && video.currentTime > 0.5, 'pre-roll over', 30_000);
    const seek = part(el, 'seek') as HTMLInputElement;
    video.currentTime = 8;
    await waitFor(() => seen.states.some((s) => s.startsWith('playing:sippar-break-1')), 'the mid-roll after the seek', 15_000);
    equal(seek.disabled || (part(el, 'seek') as HTMLInputElement).disabled, true, 'seek bar disabled during the ad');
    await waitFor(() => seen.ended.length === 2 && video.sipparAdBreak!.state.get().status === 'none', 'mid-roll over', 20_000);
    await waitFor(() => video.currentTime > 4, 'title resumed', 10_000);
    equal(seen.ended[1]!.auctionId, 'auc_test_1', 'the mid-roll was played');
  });

  it('leaving mid-ad (a new src) ends the break as left, with the seconds watched', async function () {
    this.timeout(40_000);
    const { el, video, seen } = await paidAdPlayer();
    await el.play().catch(() => undefined);
    await waitFor(() => (video.sipparAdBreak?.state.get().status === 'playing') && video.currentTime > 1, 'the pre-roll playing past 1 s', 20_000);
    el.setAttribute('src', '/media/basic/index.m3u8');
    await waitFor(() => seen.ended.length === 1, 'ended', 5_000);
    const e = seen.ended[0]!;
    check(e.auctionId === 'auc_test_0' && e.reason === 'left' && e.watchedSeconds >= 1 && e.watchedSeconds < 4, `ended: ${JSON.stringify(e)}`);
    equal(video.sipparAdBreak!.state.get().status, 'none', 'state after leaving');
  });
});
