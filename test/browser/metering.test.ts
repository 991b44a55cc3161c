// The meter in real Chromium against the element's own record of what it played (video.played).
// Assertions compare strings and numbers only: the runner hangs on failures that carry DOM nodes.
import '../../src/index.js';
import type { SipparPlayer } from '../../src/sippar-player.js';
import type { MeterTick } from '../../src/metering/meter-store.js';

const fail = (m: string) => { throw new Error(m); };
const check = (ok: boolean, m: string) => { if (!ok) fail(m); };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function waitFor(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const poll = () => cond() ? resolve() : performance.now() - t0 > ms ? reject(new Error(`timed out: ${what}`)) : setTimeout(poll, 20);
    poll();
  });
}
async function mount(attrs: Record<string, string>): Promise<SipparPlayer> {
  const el = document.createElement('sippar-player');
  el.setAttribute('lang', 'en');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.muted = true;
  document.body.append(el);
  await el.updateComplete;
  // These tests are about the meter: stand in for a signed-in viewer so the identity gate lets paid video play.
  if (el.identity) Object.defineProperty(el.identity.controller, 'canCharge', { get: () => true });
  await waitFor(() => !!el.media, 'media element');
  return el;
}
const played = (v: HTMLMediaElement) => {
  let sum = 0;
  for (let i = 0; i < v.played.length; i++) sum += v.played.end(i) - v.played.start(i);
  return sum;
};
const text = (el: SipparPlayer, part: string) => el.shadowRoot!.querySelector(`[part~="${part}"]`)?.textContent?.trim() ?? '';

describe('metering in Chromium', () => {
  afterEach(() => document.querySelectorAll('sippar-player').forEach((el) => el.remove()));

  it('bills what was played (pause, seek, 2×) within one second of video.played', async () => {
    const el = await mount({ src: '/media/basic/index.m3u8', rate: '0.001' });
    const ticks: MeterTick[] = [];
    const states: string[] = [];
    el.addEventListener('sippar-tick', (e) => ticks.push(e.detail));
    el.addEventListener('sippar-meter-state', (e) => states.push(e.detail.state));
    check(text(el, 'counter') === '0.001 ALGO / second', `counter before play: "${text(el, 'counter')}"`);
    const v = el.media!;
    await el.play();
    await waitFor(() => v.currentTime > 2.5, 'currentTime > 2.5');
    el.pause();
    await waitFor(() => el.meter!.store.get().status === 'paused', 'paused state');
    check(/^Total 0\.00[12] ALGO$/.test(text(el, 'counter')), `counter on pause: "${text(el, 'counter')}"`);
    await sleep(1500); // paused: nothing counted
    const atPause = el.meter!.store.get().billedSeconds;
    check(atPause === 2, `billed at pause: ${atPause}`);
    v.currentTime = 6;
    await new Promise((r) => v.addEventListener('seeked', r, { once: true }));
    v.playbackRate = 2;
    await el.play();
    await waitFor(() => v.ended, 'ended', 12_000);
    await sleep(100);
    const s = el.meter!.store.get();
    const truth = played(v);
    console.log(`metering: billed ${s.billedSeconds} s, video.played ${truth.toFixed(3)} s, ticks ${ticks.length}`);
    check(s.status === 'ended', `status ${s.status}`);
    check(s.billedSeconds <= truth + 0.05, `billed ${s.billedSeconds} > played ${truth.toFixed(3)}`);
    check(s.billedSeconds > truth - 1, `billed ${s.billedSeconds} more than 1 s behind played ${truth.toFixed(3)}`);
    check(ticks.map((t) => t.seq).join() === Array.from({ length: s.billedSeconds }, (_, i) => i + 1).join(), `seq ${ticks.map((t) => t.seq).join()}`);
    check(ticks.every((t) => t.totalMicroAlgos === t.seconds * 1000 && t.microAlgos === 1000), 'tick totals');
    check(s.totalMicroAlgos === s.billedSeconds * 1000, `total ${s.totalMicroAlgos}`);
    check(states.includes('playing') && states.includes('paused') && states.includes('seeking'), `states ${states.join()}`);
  });

  it('refuses an invalid rate with RATE_INVALID before anything plays', async () => {
    const errors: string[] = [];
    const el = document.createElement('sippar-player');
    el.addEventListener('sippar-error', (e) => errors.push(e.detail.code));
    el.setAttribute('rate', '0.0000001');
    el.setAttribute('src', '/media/basic.mp4');
    el.setAttribute('autoplay', '');
    el.muted = true;
    document.body.append(el);
    await el.updateComplete;
    await sleep(1500);
    check(errors.includes('RATE_INVALID'), `errors: ${errors.join()}`);
    check(el.paused && el.currentTime < 0.3, `played anyway: paused=${el.paused} t=${el.currentTime}`);
    check(el.meter!.store.get().totalMicroAlgos === 0, 'billed');
  });

  it('pauses at the budget with an overlay, and continues when the viewer adds more', async () => {
    const el = await mount({ src: '/media/basic/index.m3u8', rate: '0.001', budget: '0.002' });
    await el.play();
    await waitFor(() => el.meter!.store.get().budgetState === 'reached', 'budget reached');
    await waitFor(() => el.paused, 'paused at budget');
    await el.updateComplete;
    check(el.meter!.store.get().totalMicroAlgos === 2000, `total ${el.meter!.store.get().totalMicroAlgos}`);
    check(text(el, 'budget').startsWith('Budget of 0.002 ALGO reached'), `overlay: "${text(el, 'budget')}"`);
    (el.shadowRoot!.querySelector('[part~="budget-button"]') as HTMLButtonElement).click();
    await waitFor(() => !el.paused && el.meter!.store.get().totalMicroAlgos >= 3000, 'billing again');
    check(el.meter!.store.get().budgetMicroAlgos === 4000, `budget ${el.meter!.store.get().budgetMicroAlgos}`);
  });

  it('starts a new session when src changes', async () => {
    const el = await mount({ src: '/media/basic.mp4', rate: '0.001' });
    const seqs: number[] = [];
    el.addEventListener('sippar-tick', (e) => seqs.push(e.detail.seq));
    await el.play();
    await waitFor(() => el.meter!.store.get().billedSeconds >= 2, 'two billed seconds');
    el.src = '/media/basic/index.m3u8';
    await el.updateComplete;
    check(el.meter!.store.get().billedSeconds === 0, `billed after src change ${el.meter!.store.get().billedSeconds}`);
    await el.play(); // a new src loads paused (no autoplay), as on <video>
    await waitFor(() => el.meter!.store.get().billedSeconds >= 1, 'billing the new video', 12_000);
    check(/^1,2,(3,)?1/.test(seqs.join()), `seqs ${seqs.join()}`);
  });

  it('counts nothing for a free video but shows no counter', async () => {
    const el = await mount({ src: '/media/basic.mp4' });
    await el.play();
    await waitFor(() => el.currentTime > 1.2, 'playing');
    check(text(el, 'counter') === '', 'counter on a free video');
    // A free video never loads the paid-video chunk: no meter, no identity, no payments.
    check(el.meter === undefined && el.identity === undefined && el.payments === undefined, 'paid-video code on a free video');
  });
});
