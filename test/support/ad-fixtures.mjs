// The ads fixtures of the Chromium component tests (test/browser/ad-playback.test.ts), served by the test
// runner (web-test-runner.config.mjs): a title with a pre-roll and a mid-roll as HLS Interstitials, the
// shape docs/ADS.md §10 serves (media/basic's segments), an asset list per break as the API's auction
// answers it (docs/ADS.md §4), and a short creative made by ffmpeg at set-up, like make-streams.mjs's.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const AD_TITLE = '/test-ads/film-ads.m3u8';
export const AD_SECONDS = 4;
const CREATIVE_DIR = 'media/test-ad';
const ADVERTISERS = ['Acme', 'Globex'];

/**
 * The same, as static files for the Storybook stories (stories/ads.stories.ts; a static build has no server
 * to answer by query): media/test-ad/{preroll,midroll,nofill}.m3u8, and an asset list at a path ending in
 * the API's (`…/streaming/ads/asset-list`, what the player's loader recognises), filled or empty.
 */
function writeStoryFixtures() {
  const list = (dir, body) => {
    mkdirSync(join(CREATIVE_DIR, dir, 'streaming/ads'), { recursive: true });
    writeFileSync(join(CREATIVE_DIR, dir, 'streaming/ads/asset-list'), JSON.stringify(body));
  };
  list('fill', { ASSETS: [{ URI: `/${CREATIVE_DIR}/index.m3u8`, DURATION: AD_SECONDS, 'X-SIPPAR-AUCTION': 'auc_story_1', 'X-SIPPAR-ADVERTISER': 'Acme' }] });
  list('nofill', { ASSETS: [] });
  const at = (k, seconds, dir) => range(k, seconds).replace(/X-ASSET-LIST="[^"]*"/, `X-ASSET-LIST="/${CREATIVE_DIR}/${dir}/streaming/ads/asset-list?contentId=story-film&break=${k}"`);
  writeFileSync(join(CREATIVE_DIR, 'preroll.m3u8'), playlist([at(0, 0, 'fill')]));
  writeFileSync(join(CREATIVE_DIR, 'midroll.m3u8'), playlist([at(0, 4, 'fill')]));
  writeFileSync(join(CREATIVE_DIR, 'nofill.m3u8'), playlist([at(0, 0, 'nofill')]));
}

/** 4 s, the codecs and size of media/basic (320x180 H.264 baseline, AAC), a flat colour card. */
export function makeAdCreative() {
  writeStoryFixtures();
  if (existsSync(join(CREATIVE_DIR, 'index.m3u8'))) return;
  mkdirSync(CREATIVE_DIR, { recursive: true });
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'color=c=0x1d4f91:size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=880:sample_rate=48000',
    '-t', String(AD_SECONDS), '-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
    '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', join(CREATIVE_DIR, 'seg%d.m4s'), join(CREATIVE_DIR, 'index.m3u8'),
  ], { stdio: 'inherit' });
}

const date = (s) => new Date(Date.UTC(2000, 0, 1) + s * 1000).toISOString();
const range = (k, at) => [
  `#EXT-X-DATERANGE:ID="sippar-break-${k}"`, 'CLASS="com.apple.hls.interstitial"', `START-DATE="${date(at)}"`,
  `X-ASSET-LIST="/streaming/ads/asset-list?contentId=film-ads&break=${k}"`, 'X-RESUME-OFFSET=0', 'X-PLAYOUT-LIMIT=8',
  at === 0 ? 'CUE="PRE,ONCE"' : 'CUE="ONCE",X-SNAP="OUT,IN"', 'X-RESTRICT="SKIP,JUMP"',
].join(',');

/** media/basic (10 s) with these interstitials. */
const playlist = (ranges) => [
  '#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-PLAYLIST-TYPE:VOD',
  `#EXT-X-PROGRAM-DATE-TIME:${date(0)}`, ...ranges,
  '#EXT-X-MAP:URI="/media/basic/init.mp4"',
  ...[0, 1, 2, 3, 4].flatMap((i) => ['#EXTINF:2.000000,', `/media/basic/seg${i}.m4s`]),
  '#EXT-X-ENDLIST', '',
].join('\n');

/** A pre-roll and a mid-roll at 4 s. */
const PLAYLIST = playlist([range(0, 0), range(1, 4)]);

/** Asset-list requests as they arrived (the test reads and clears them through /test-ads/requests). */
let requests = [];

/** Koa middleware for the test runner. */
export async function adFixtures(ctx, next) {
  if (ctx.path === AD_TITLE) {
    ctx.type = 'application/vnd.apple.mpegurl';
    ctx.body = PLAYLIST;
    return;
  }
  if (ctx.path === '/streaming/ads/asset-list') {
    requests.push(ctx.url);
    const k = Number(ctx.query.break);
    ctx.set('cache-control', 'no-store');
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ ASSETS: [{ URI: `/${CREATIVE_DIR}/index.m3u8`, DURATION: AD_SECONDS, 'X-SIPPAR-AUCTION': `auc_test_${k}`, 'X-SIPPAR-ADVERTISER': ADVERTISERS[k] ?? 'Initech' }] });
    return;
  }
  if (ctx.path === '/test-ads/requests') {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(requests);
    if (ctx.query.clear !== undefined) requests = [];
    return;
  }
  return next();
}
