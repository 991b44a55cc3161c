// The meter controller composed as commerce.ts composes it: it only counts; the play policy and its
// governor (fed by the meter's store and the parsed configuration) pause and resume the media.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest';
import { atom, computed } from 'nanostores';
import { MeterController, type MeterHost } from '../../../src/metering/meter-controller.js';
import type { MeterTick } from '../../../src/metering/meter-store.js';
import { BLOCKING_CONFIG_CODES, parsePlayerConfig, type PlayerAttributes } from '../../../src/config/player-config.js';
import { createPlayPolicy } from '../../../src/policy/play-policy.js';
import { PlayGovernor } from '../../../src/policy/play-governor.js';
import { createAdBreakStore, type MediaWithAds } from '../../../src/ads/ad-break.js';

/** A media element as far as the controller looks at it: properties plus events, driven by the test. */
class FakeVideo extends EventTarget {
  currentTime = 0; playbackRate = 1; paused = true; ended = false; seeking = false; readyState = 4;
  error: unknown = null;
  play() { this.paused = false; this.fire('play'); this.fire('playing'); return Promise.resolve(); }
  pause() { if (!this.paused) { this.paused = true; this.fire('pause'); } }
  fire(type: string) { this.dispatchEvent(new Event(type)); }
}

const doc = Object.assign(new EventTarget(), { hidden: false });

type Attrs = { src: string; rate: string | null; budget: string | null; previewSeconds: string | null; pauseWhenHidden: boolean };

function setup(attrs: Partial<Attrs> = {}) {
  let wall = 0;
  const video = new FakeVideo();
  const events: { type: string; detail: unknown }[] = [];
  const host = Object.assign(new EventTarget(), {
    media: video as unknown as HTMLMediaElement,
    src: '/v.m3u8', rate: '0.001', budget: null, previewSeconds: null, pauseWhenHidden: false, ...attrs,
    updates: 0,
    addController() {}, removeController() {}, requestUpdate() { host.updates++; },
    updateComplete: Promise.resolve(true),
  });
  host.addEventListener('sippar-tick', (e) => events.push({ type: 'tick', detail: (e as CustomEvent).detail }));
  host.addEventListener('sippar-meter-state', (e) => events.push({ type: 'state', detail: (e as CustomEvent).detail }));
  const config = () => parsePlayerConfig({
    src: host.src, rate: host.rate, budget: host.budget, previewSeconds: host.previewSeconds, contentId: 'film', api: null, graceSeconds: null,
    identityProvider: null, derivationOrigin: null, maxTimeToLive: null, pauseWhenHidden: host.pauseWhenHidden,
  } satisfies PlayerAttributes, 'https://example.com');
  const invalid = () => config().errors.some((e) => BLOCKING_CONFIG_CODES.has(e.code));
  const server = { freeLeft: null as number | null };
  const c = new MeterController(host as unknown as MeterHost, () => {
    const k = config();
    return { src: host.src, rateMicroAlgos: k.rateMicroAlgos, budgetMicroAlgos: k.budgetMicroAlgos, previewSeconds: k.previewSeconds, invalid: invalid(), freeLeft: server.freeLeft };
  }, () => wall);
  const hidden = atom(false);
  doc.addEventListener('visibilitychange', () => hidden.set(doc.hidden));
  const inputs = computed([c.store, hidden], (m, h) => ({
    configInvalid: invalid(), paid: true, previewSpent: true, canCharge: true, payment: 'active' as const,
    budgetReached: m.budgetState === 'reached', hidden: h, pauseWhenHidden: host.pauseWhenHidden,
  }));
  const governor = new PlayGovernor(host as never, createPlayPolicy(inputs));
  c.hostConnected(); c.hostUpdate(); c.hostUpdated();
  governor.hostConnected();
  /** Wall time passes; a playing video advances and fires timeupdate every 250 ms unless `quiet`. */
  const pass = (seconds: number, { quiet = false } = {}) => {
    for (let t = 0; t < seconds - 1e-9; t += 0.25) {
      wall += 250;
      const playing = !video.paused && !video.seeking && video.readyState >= 3;
      if (playing) video.currentTime += 0.25 * video.playbackRate;
      vi.advanceTimersByTime(250);
      if (playing && !quiet) video.fire('timeupdate');
    }
  };
  const ticks = () => events.filter((e) => e.type === 'tick').map((e) => e.detail as MeterTick);
  const states = () => events.filter((e) => e.type === 'state').map((e) => (e.detail as { state: string }).state);
  return { c, video, host, pass, server, ticks, states, events, errors: () => config().errors.map((e) => e.code), tick: (ms: number) => { wall += ms; vi.advanceTimersByTime(ms); } };
}

describe('MeterController', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.stubGlobal('document', doc); doc.hidden = false; });
  afterEach(() => { vi.useRealTimers(); vi.unstubAllGlobals(); });

  it('v3: hands every watched second to payments, the preview’s too, and follows the server’s preview without a new session', () => {
    const s = setup({ previewSeconds: '5' });
    const credited: Array<[string, number]> = [];
    s.c.listener = { credited: (session, seconds) => credited.push([session, seconds]), playing: () => undefined };
    void s.video.play();
    s.pass(3);
    // Three free seconds watched: credited (the server counts the preview), none billed by the meter.
    expect(credited.map(([, n]) => n)).toEqual([1, 2, 3]);
    expect(s.c.store.get()).toMatchObject({ previewSeconds: 5, previewUsed: 3, billedSeconds: 0 });
    // The session opened: the server left this viewer 1 free second (earlier page loads used the rest).
    s.server.freeLeft = 1;
    s.c.hostUpdate();
    expect(s.c.store.get()).toMatchObject({ previewSeconds: 1, previewUsed: 1, billedSeconds: 2 });
    s.pass(2);
    expect(s.c.store.get()).toMatchObject({ watchedSeconds: 5, previewUsed: 1, billedSeconds: 4, totalMicroAlgos: 4_000 });
    // One meter session throughout, its credits cumulative and never repeated.
    expect(new Set(credited.map(([id]) => id)).size).toBe(1);
    expect(credited.map(([, n]) => n)).toEqual([1, 2, 3, 4, 5]);
  });

  it('an ad (the <video>\'s ad-break store playing): no second billed, and its end is not the title\'s', () => {
    const s = setup();
    const playing: boolean[] = [];
    s.c.listener = { credited: () => undefined, playing: (p) => playing.push(p) };
    const ad = createAdBreakStore();
    (s.video as unknown as MediaWithAds).sipparAdBreak = ad;
    void s.video.play();
    s.pass(2);
    // hls.js's asset player takes the <video>: its clock is the ad's, from 0.
    ad.state.set({ status: 'playing', breakId: 'sippar-break-1', auctionId: 'auc_1', advertiser: 'Acme', durationSeconds: 3, watchedSeconds: 0 });
    s.video.currentTime = 0;
    s.pass(3);
    s.video.ended = true;
    s.video.fire('ended');
    ad.state.set({ status: 'none' });
    s.video.ended = false;
    s.video.currentTime = 2;
    s.video.fire('playing');
    s.pass(2);
    expect(s.ticks().map((t) => t.seq)).toEqual([1, 2, 3, 4]);
    expect(s.c.store.get()).toMatchObject({ watchedSeconds: 4, status: 'playing' });
    expect(s.states()).not.toContain('ended');
    expect(playing).toEqual([true]);
  });

  it('bills while playing, stops at pause, emits ticks and state changes', () => {
    const s = setup();
    void s.video.play();
    s.pass(3);
    s.video.pause();
    s.pass(5);
    expect(s.ticks().map((t) => t.seq)).toEqual([1, 2, 3]);
    expect(s.states()).toEqual(['playing', 'paused']);
    expect(s.c.store.get()).toMatchObject({ status: 'paused', totalMicroAlgos: 3000 });
  });

  it('keeps no timer while paused and at most one while playing', () => {
    const s = setup();
    expect(vi.getTimerCount()).toBe(0);
    void s.video.play();
    s.pass(2);
    expect(vi.getTimerCount()).toBe(1);
    s.video.pause();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('counts a hidden tab whose only wake-up is a timer a minute late', () => {
    const s = setup();
    void s.video.play();
    doc.hidden = true; doc.dispatchEvent(new Event('visibilitychange'));
    s.pass(60, { quiet: true }); // no timeupdate at all; the 1 s timer is what samples
    expect(s.ticks().length).toBe(60);
    doc.hidden = false; doc.dispatchEvent(new Event('visibilitychange'));
    expect(s.ticks().length).toBe(60);
  });

  it('pause-when-hidden pauses in the background and resumes on return', () => {
    const s = setup({ pauseWhenHidden: true });
    void s.video.play();
    s.pass(2);
    doc.hidden = true; doc.dispatchEvent(new Event('visibilitychange'));
    expect(s.video.paused).toBe(true);
    s.pass(30);
    doc.hidden = false; doc.dispatchEvent(new Event('visibilitychange'));
    expect(s.video.paused).toBe(false);
    s.pass(1);
    expect(s.ticks().length).toBe(3);
  });

  it('does not count waiting, nor the jump of a seek', () => {
    const s = setup();
    void s.video.play();
    s.pass(2);
    s.video.readyState = 2; s.video.fire('waiting');
    s.pass(10);
    s.video.readyState = 4; s.video.fire('playing');
    s.video.seeking = true; s.video.currentTime = 100; s.video.fire('seeking');
    s.tick(300);
    s.video.seeking = false; s.video.fire('seeked');
    s.pass(1);
    expect(s.ticks().map((t) => t.seq)).toEqual([1, 2, 3]);
    expect(s.states()).toContain('waiting');
    expect(s.states()).toContain('seeking');
  });

  it('starts a new session on a src change, not on emptied alone, and stops counting when removed', () => {
    const s = setup({ src: '/a.m3u8' });
    void s.video.play();
    s.pass(2);
    // hls.js re-attaching media to recover: emptied, position back to 0, then a seek to where it was.
    s.video.currentTime = 0; s.video.fire('emptied');
    s.video.seeking = true; s.video.currentTime = 2; s.video.fire('seeking'); s.video.seeking = false; s.video.fire('seeked');
    expect(s.c.store.get()).toMatchObject({ billedSeconds: 2, totalMicroAlgos: 2000 });
    s.host.src = '/b.m3u8'; s.c.hostUpdate();
    s.video.currentTime = 0; s.video.fire('emptied');
    expect(s.c.store.get()).toMatchObject({ billedSeconds: 0, totalMicroAlgos: 0 });
    s.pass(1);
    expect(s.ticks().map((t) => t.seq)).toEqual([1, 2, 1]);
    s.c.hostDisconnected();
    s.pass(5);
    expect(s.ticks().length).toBe(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('survives removal before its first update, and listens again after a DOM move', () => {
    const host = Object.assign(new EventTarget(), { media: null, addController() {}, requestUpdate() {} });
    const early = new MeterController(host as unknown as MeterHost, () => ({ src: '', rateMicroAlgos: 0, budgetMicroAlgos: null, previewSeconds: 0, invalid: false }), () => 0);
    early.hostConnected();
    early.hostDisconnected();
    const s = setup();
    void s.video.play();
    s.pass(1);
    s.c.hostDisconnected();
    s.pass(2);
    s.c.hostConnected(); // moved: no render needed to count again
    s.pass(2);
    expect(s.ticks().map((t) => t.seq)).toEqual([1, 2, 3]);
  });

  it('refuses an invalid rate before anything plays', () => {
    const s = setup({ rate: '-1' });
    expect(s.errors()).toEqual(['RATE_INVALID']);
    void s.video.play();
    expect(s.video.paused).toBe(true);
    s.pass(3);
    expect(s.ticks()).toEqual([]);
  });

  it.each([['budget', '0', 'BUDGET_INVALID'], ['previewSeconds', '1.5', 'PREVIEW_INVALID']])('refuses %s "%s"', (k, v, code) => {
    const s = setup({ [k]: v });
    expect(s.errors()).toEqual([code]);
    void s.video.play();
    expect(s.video.paused).toBe(true);
  });

  it('pauses at the budget, refuses to play past it, and continues when raised', () => {
    const s = setup({ budget: '0.01' });
    void s.video.play();
    s.pass(9);
    expect(s.c.store.get().budgetState).toBe('warning');
    s.pass(1);
    expect(s.video.paused).toBe(true);
    expect(s.c.store.get()).toMatchObject({ budgetState: 'reached', totalMicroAlgos: 10_000 });
    void s.video.play();
    expect(s.video.paused).toBe(true);
    s.c.continueWithMoreBudget();
    expect(s.video.paused).toBe(false);
    expect(s.c.store.get()).toMatchObject({ budgetState: 'ok', budgetMicroAlgos: 20_000 });
    s.pass(2);
    expect(s.c.store.get().totalMicroAlgos).toBe(12_000);
  });

  it('keeps the session when the page changes only the budget, and emits held-back seconds as ticks', () => {
    const s = setup({ budget: '0.003' });
    void s.video.play();
    s.pass(3);
    expect(s.video.paused).toBe(true);
    s.host.budget = '0.01';
    s.c.hostUpdate();
    expect(s.c.store.get()).toMatchObject({ budgetState: 'ok', budgetMicroAlgos: 10_000, billedSeconds: 3 });
    void s.video.play();
    s.pass(2);
    expect(s.ticks().map((t) => t.seq)).toEqual([1, 2, 3, 4, 5]);
    s.host.rate = '0.002'; // a new price is a new session
    s.c.hostUpdate();
    expect(s.c.store.get()).toMatchObject({ billedSeconds: 0, rateMicroAlgos: 2000 });
  });

  it('bills the seconds watched while the budget pause landed as gapless ticks on continue', () => {
    const s = setup({ budget: '0.002' });
    void s.video.play();
    // The pause lands late: the media keeps playing 1.5 s past the budget before pause() takes effect.
    const pause = s.video.pause.bind(s.video);
    let late = 0;
    s.video.pause = () => { late++; };
    s.pass(3.5);
    s.video.pause = pause;
    s.video.pause();
    expect(late).toBeGreaterThan(0);
    expect(s.c.store.get()).toMatchObject({ totalMicroAlgos: 2000, watchedSeconds: 3 });
    s.c.continueWithMoreBudget();
    expect(s.ticks().map((t) => t.seq)).toEqual([1, 2, 3]);
    expect(s.ticks().at(-1)!.totalMicroAlgos).toBe(3000);
  });

  it('re-renders the host about once per second, not per timeupdate', () => {
    const s = setup();
    void s.video.play();
    const before = s.host.updates;
    s.pass(10);
    expect(s.host.updates - before).toBeLessThanOrEqual(11);
  });
});
