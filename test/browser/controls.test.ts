import type { SipparPlayer } from '../../src/index.js';
import { advancesPast, check, equal, mount, part, waitFor } from './helpers.js';

const key = (el: SipparPlayer, k: string) => el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, cancelable: true }));

describe('controls', () => {
  let el: SipparPlayer;
  beforeEach(async () => {
    el = await mount({ src: '/media/basic.mp4', muted: true, preload: 'auto' });
    await waitFor(() => el.duration > 0, 'metadata');
    // The control bar is a lazy chunk (ui/chrome.ts): the picture comes first.
    await waitFor(() => !!part(el, 'controls'), 'controls chunk');
  });
  afterEach(() => el.remove());

  it('renders labelled controls in the shadow DOM', async () => {
    for (const name of ['video', 'controls', 'play-button', 'seek', 'time', 'mute-button', 'volume', 'rate', 'fullscreen-button']) {
      check(!!part(el, name), `missing part ${name}`);
    }
    const unlabeled = [...el.shadowRoot!.querySelectorAll('button, input, select')].filter((b) => !b.getAttribute('aria-label'));
    equal(unlabeled.length, 0, 'controls without aria-label');
    equal(el.getAttribute('tabindex'), '0', 'host focusable');
    equal(part(el, 'captions-button'), null, 'no captions toggle without tracks');
    check(/0:00 \/ 0:06/.test(part(el, 'time')!.textContent ?? ''), `time text ${part(el, 'time')!.textContent}`);
  });

  it('play button and rate menu drive the video', async () => {
    part(el, 'play-button')!.click();
    await advancesPast(el, 0.2);
    await el.updateComplete;
    equal(part(el, 'play-button')!.getAttribute('aria-label'), 'Pause', 'label follows state');
    const rate = part(el, 'rate') as HTMLSelectElement;
    rate.value = '2';
    rate.dispatchEvent(new Event('change'));
    equal(el.playbackRate, 2, 'rate');
    part(el, 'play-button')!.click();
    equal(el.paused, true, 'paused by button');
  });

  it('keyboard: k/space play-pause, arrows seek and volume, m mutes', async () => {
    el.focus();
    key(el, 'k');
    await waitFor(() => !el.paused, 'k plays');
    key(el, ' ');
    equal(el.paused, true, 'space pauses');
    el.currentTime = 0;
    await waitFor(() => el.currentTime === 0, 'rewound');
    key(el, 'ArrowRight');
    equal(el.currentTime, 5, 'ArrowRight seeks +5');
    key(el, 'ArrowLeft');
    equal(el.currentTime, 0, 'ArrowLeft seeks -5');
    el.volume = 0.5;
    await waitFor(() => el.volume === 0.5, 'volume set');
    key(el, 'ArrowDown');
    equal(el.volume, 0.4, 'ArrowDown volume');
    key(el, 'm');
    equal(el.media!.muted, false, 'm unmutes');
    await waitFor(() => el.muted === false, 'host muted follows');
    key(el, 'm');
    equal(el.media!.muted, true, 'm mutes');
  });

  it('shows buffered ranges on the seek bar', async () => {
    await waitFor(() => el.media!.buffered.length > 0, 'buffered');
    el.requestUpdate();
    await el.updateComplete;
    check(el.shadowRoot!.querySelectorAll('.buffered').length > 0, 'buffered span rendered');
  });
});
