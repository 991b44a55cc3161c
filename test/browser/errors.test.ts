import type { SipparErrorDetail } from '../../src/index.js';
import { playbackDebug } from '../../src/index.js';
import { equal, check, mount, nextEvent, part, waitFor, watchUncaught } from './helpers.js';

const uncaught = watchUncaught();

/** Mounts with `src`, waits for sippar-error, checks the code and that the overlay says it. */
async function expectError(src: string | undefined, code: string, timeoutMs = 10_000) {
  const el = document.createElement('sippar-player');
  if (src !== undefined) el.setAttribute('src', src);
  el.muted = true;
  el.autoplay = true;
  const error = nextEvent<CustomEvent<SipparErrorDetail>>(el, 'sippar-error', timeoutMs);
  document.body.append(el);
  const { detail } = await error;
  equal(detail.code, code, 'error code');
  equal(detail.fatal, true, 'fatal');
  await el.updateComplete;
  const overlay = part(el, 'error');
  equal(overlay?.dataset['code'], code, 'overlay code');
  equal(part(el, 'error-message')?.textContent, detail.message, 'overlay message');
  check(detail.message.length > 10, 'message is a sentence');
  check(!!part(el, 'retry-button'), 'retry button shown');
  return el;
}

describe('bad input', () => {
  afterEach(() => {
    document.querySelectorAll('sippar-player').forEach((el) => el.remove());
    equal(uncaught.join('; '), '', 'uncaught errors');
  });

  it('missing src', async () => { await expectError(undefined, 'SRC_MISSING'); });
  it('malformed src', async () => { await expectError('http://[bad', 'SRC_INVALID'); });
  it('404 manifest', async () => { await expectError('/media/nowhere/index.m3u8', 'MANIFEST_NOT_FOUND'); });
  it('unsupported codec', async () => { await expectError('/media/unsupported/index.m3u8', 'CODEC_UNSUPPORTED'); });
  it('broken segment: a notice and a non-fatal event, then playback skips past it', async () => {
    const el = document.createElement('sippar-player');
    el.setAttribute('src', '/media/broken/index.m3u8');
    el.muted = true;
    el.autoplay = true;
    const error = nextEvent<CustomEvent<SipparErrorDetail>>(el, 'sippar-error', 10_000);
    document.body.append(el);
    const { detail } = await error;
    equal(`${detail.code} ${detail.fatal}`, 'SEGMENT_DECODE false', 'non-fatal segment error');
    await el.updateComplete;
    equal(part(el, 'notice')?.textContent?.trim(), detail.message, 'notice text');
    await waitFor(() => el.currentTime > 4.5, 'playing past the broken segment', 10_000);
    equal(playbackDebug.liveEngines, 1, 'still one engine');
  });

  it('a fatal error releases the engine', async () => {
    await expectError('/media/unsupported/index.m3u8', 'CODEC_UNSUPPORTED');
    await waitFor(() => playbackDebug.liveEngines === 0, 'engine released after a fatal error');
  });

  it('retry starts over and recovers when the source is fixed', async () => {
    const el = await expectError('/media/nowhere/index.m3u8', 'MANIFEST_NOT_FOUND');
    el.setAttribute('src', '/media/basic.mp4');
    await waitFor(() => el.currentTime > 0.2, 'playing the new src');
    equal(part(el, 'error'), null, 'error overlay cleared');
  });

  it('speaks French when the page does', async () => {
    const box = document.createElement('div');
    box.lang = 'fr';
    document.body.append(box);
    const el = await mount({}, box);
    // French strings load on demand (loadLocale), so the overlay may speak English for a moment.
    await waitFor(() => part(el, 'error-message')?.textContent === 'Aucune source vidéo n’a été indiquée.', 'French error overlay');
    equal(part(el, 'error-message')!.textContent, 'Aucune source vidéo n’a été indiquée.', 'French message');
    equal(part(el, 'retry-button')!.textContent, 'Réessayer', 'French retry');
    box.remove();
  });
});

describe('network trouble', () => {
  it('shows "Reconnecting…" after hls.js gives up on an unreachable host, retries at once on online, and leaves nothing behind', async function () {
    this.timeout(20_000);
    const { playbackDebug: debug } = await import('../../src/index.js');
    const fatal: string[] = [];
    // Port 9 (discard) refuses: status 0, the retryable kind.
    const el = await mount({ src: 'http://127.0.0.1:9/live/index.m3u8', muted: true, autoplay: true });
    el.addEventListener('sippar-error', (e) => { if (e.detail.fatal) fatal.push(e.detail.code); });
    await waitFor(() => !!part(el, 'reconnecting'), 'reconnecting overlay', 15_000);
    equal(part(el, 'reconnecting')!.textContent?.trim(), 'Reconnecting…', 'overlay text');
    const timersBefore = debug.liveTimers;
    check(timersBefore >= 1, 'a retry is scheduled');
    dispatchEvent(new Event('online'));
    await waitFor(() => debug.liveTimers < timersBefore || !part(el, 'reconnecting'), 'retry ran at once on online', 2000);
    equal(fatal.join(','), '', 'no fatal error while within the retry budget');
    el.remove();
    await waitFor(() => debug.liveEngines === 0 && debug.liveTimers === 0, 'nothing left after removal', 3000);
  });
});

describe('bad file', () => {
  it('a missing MP4 says not found, not "format not supported"', async () => {
    const el = await mount({ src: '/media/missing.mp4', muted: true, autoplay: true });
    await waitFor(() => !!part(el, 'error'), 'error overlay');
    equal(part(el, 'error')!.dataset['code'], 'MEDIA_NOT_FOUND', 'code');
    el.remove();
  });
  it('a file that is not media says not supported', async () => {
    const el = await mount({ src: '/media/basic/subs/en.vtt', muted: true, autoplay: true });
    await waitFor(() => !!part(el, 'error'), 'error overlay');
    equal(part(el, 'error')!.dataset['code'], 'MEDIA_UNSUPPORTED', 'code');
    el.remove();
  });
});
