#!/usr/bin/env node
// Makes the test and demo streams with ffmpeg at set-up time, so no media is committed.
// Idempotent: a stream whose playlist already exists is left alone (pass --force to remake).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'media');
const force = process.argv.includes('--force');

function ffmpeg(args) {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: 'inherit' });
}

// The tests' picture: a test pattern with a tone, cheap to make and to decode.
const testCard = (size, fps) => [
  '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${fps}`,
  '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
];

// The demo's, stories' and screenshot's picture: something that looks like a film rather than a
// test card, from ffmpeg's own sources (no fonts, no downloads): a slow zoom into the Mandelbrot set,
// rendered at half size and scaled up (soft, and cheap to encode), graded down and vignetted, over a
// quiet drone. One frame is at docs/screenshot.png.
const film = (size, fps, seconds) => {
  const [w, h] = size.split('x').map(Number);
  const picture = `mandelbrot=size=${w / 2}x${h / 2}:rate=${fps}:start_scale=2.5:end_scale=0.02:` +
    `end_pts=${seconds * fps}:maxiter=192:inner=black,scale=${size}:flags=bicubic,` +
    'hue=s=0.55,eq=contrast=1.08:brightness=-0.02,vignette=PI/4';
  const sound = 'aevalsrc=0.09*sin(2*PI*110*t)*(0.6+0.4*sin(2*PI*0.1*t))+0.05*sin(2*PI*164.81*t)' +
    '+0.04*sin(2*PI*220*t+sin(2*PI*0.25*t)):s=48000,lowpass=f=1200';
  return ['-f', 'lavfi', '-i', picture, '-f', 'lavfi', '-i', sound];
};

// An ad creative's picture: a colour card with the advertiser's name (drawtext needs a font through
// fontconfig; without one the card stays a plain colour, still unlike the other advertiser's) and a tone.
const adCard = (size, fps, { colour, name, tone }, withText) => {
  const text = withText ? `,drawtext=text='${name}':fontsize=72:fontcolor=white:x=(w-text_w)/2:y=(h-text_h)/2-20,` +
    "drawtext=text='Advertisement':fontsize=24:fontcolor=white@0.8:x=(w-text_w)/2:y=h/2+50" : '';
  return ['-f', 'lavfi', '-i', `color=c=${colour}:size=${size}:rate=${fps}${text}`, '-f', 'lavfi', '-i', `sine=frequency=${tone}:sample_rate=48000`];
};

// H.264 baseline + AAC, keyframe every 2 s so every segment starts on one.
function hls(dir, { seconds, size, fps = 30, segment = 2, look = 'test-card', ad }) {
  mkdirSync(dir, { recursive: true });
  ffmpeg([
    ...(look === 'film' ? film(size, fps, seconds) : look === 'ad' ? adCard(size, fps, ad, ad.withText) : testCard(size, fps)),
    '-t', String(seconds),
    '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    // The film's detail would take ~20 MB a minute at ultrafast's quality; a capped bitrate keeps it ~4 MB.
    ...(look === 'film' ? ['-preset', 'veryfast', '-b:v', '500k', '-maxrate', '700k', '-bufsize', '1000k'] : ['-preset', 'ultrafast']),
    '-g', String(fps * segment), '-keyint_min', String(fps * segment), '-sc_threshold', '0',
    '-c:a', 'aac', '-b:a', '64k', '-ac', '2',
    '-f', 'hls', '-hls_time', String(segment), '-hls_playlist_type', 'vod',
    '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', join(dir, 'seg%d.m4s'),
    join(dir, 'index.m3u8'),
  ]);
}

function mp4(file, { seconds, size }) {
  ffmpeg([
    '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=30`,
    '-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=48000',
    '-t', String(seconds),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', file,
  ]);
}

function vttCues(seconds) {
  let vtt = 'WEBVTT\n\n';
  for (let s = 0; s < seconds; s += 2) {
    const t = (x) => `00:00:${String(x).padStart(2, '0')}.000`;
    vtt += `${t(s)} --> ${t(Math.min(s + 2, seconds))}\nCaption at ${s} seconds\n\n`;
  }
  return vtt;
}

// A master playlist with a WebVTT subtitle rendition, so captions can be tested.
function withCaptions(dir, seconds) {
  mkdirSync(join(dir, 'subs'), { recursive: true });
  writeFileSync(join(dir, 'subs', 'en.vtt'), vttCues(seconds));
  writeFileSync(join(dir, 'subs', 'en.m3u8'), [
    '#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${seconds}`, '#EXT-X-PLAYLIST-TYPE:VOD',
    `#EXTINF:${seconds}.0,`, 'en.vtt', '#EXT-X-ENDLIST', '',
  ].join('\n'));
  writeFileSync(join(dir, 'captions.m3u8'), [
    '#EXTM3U',
    '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,URI="subs/en.m3u8"',
    '#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x180,SUBTITLES="subs"',
    'index.m3u8', '',
  ].join('\n'));
}

// Same segments, but the second media segment is garbage: a "broken segment".
function broken(from, dir) {
  rmSync(dir, { recursive: true, force: true });
  cpSync(from, dir, { recursive: true });
  writeFileSync(join(dir, 'seg1.m4s'), Buffer.alloc(4096, 0x5a));
}

// Declares HEVC, which Chromium's MSE refuses: an "unsupported codec".
function unsupported(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.m3u8'), [
    '#EXTM3U',
    '#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x180,CODECS="hvc1.1.6.L93.B0,mp4a.40.2"',
    '../basic/index.m3u8', '',
  ].join('\n'));
}

const basic = join(out, 'basic');
if (force || !existsSync(join(basic, 'index.m3u8'))) {
  hls(basic, { seconds: 10, size: '320x180' });
  withCaptions(basic, 10);
}
if (force || !existsSync(join(out, 'basic.mp4'))) mp4(join(out, 'basic.mp4'), { seconds: 6, size: '320x180' });
if (force || !existsSync(join(out, 'broken', 'index.m3u8'))) broken(basic, join(out, 'broken'));
if (force || !existsSync(join(out, 'unsupported', 'index.m3u8'))) unsupported(join(out, 'unsupported'));
const demo = join(out, 'demo');
// The marker remakes a demo stream made before it looked like a film.
if (force || !existsSync(join(demo, 'film'))) {
  rmSync(demo, { recursive: true, force: true });
  hls(demo, { seconds: 60, size: '640x360', look: 'film' });
  writeFileSync(join(demo, 'film'), 'made by scripts/make-streams.mjs\n');
}

// The demo's ad creatives (docs/ADS.md): two advertisers' 6 s breaks, clear fMP4 HLS with the demo film's
// codecs, size and frame rate, so hls.js appends them in place of the film. Not `npm run package-media`: that
// packages a gated title (keys, a catalog entry); a creative is a plain stream on the advertiser's CDN.
const ADS = [
  { name: 'Acme', colour: '0xc0392b', tone: 523.25 },
  { name: 'Globex', colour: '0x1f6fb2', tone: 659.25 },
];
for (const ad of ADS) {
  const dir = join(out, 'ads', ad.name.toLowerCase());
  if (!force && existsSync(join(dir, 'index.m3u8'))) continue;
  rmSync(dir, { recursive: true, force: true });
  try {
    hls(dir, { seconds: 6, size: '640x360', look: 'ad', ad: { ...ad, withText: true } });
  } catch {
    console.warn(`make-streams: drawtext failed (no font?), the ${ad.name} card is a plain colour`);
    rmSync(dir, { recursive: true, force: true });
    hls(dir, { seconds: 6, size: '640x360', look: 'ad', ad: { ...ad, withText: false } });
  }
}

// The demo's paid title, gated (docs/PROTOCOL.md §Encrypted media): the same film as an MP4, packaged by
// `npm run package-media` into media/demo-paid/ (public) and data/gated/ (its SECRET keys and catalog entry,
// outside anything the demo serves). The demo's API loads the keys at start (scripts/start.mjs).
const GATED = { dir: join(out, 'demo-paid'), keys: join(root, 'data', 'gated', 'keys', 'demo-paid.keys.json'), catalog: join(root, 'data', 'gated', 'catalog.json') };
if (force || !existsSync(join(GATED.dir, 'index.m3u8')) || !existsSync(GATED.keys)) {
  const film60 = join(out, 'demo-film.mp4');
  // Keyframes every 2 s, as the clear demo stream: packaged with --copy, no second encode.
  ffmpeg([
    ...film('640x360', 30, 60), '-t', '60',
    '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-preset', 'veryfast', '-b:v', '500k', '-maxrate', '700k', '-bufsize', '1000k',
    '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-c:a', 'aac', '-b:a', '64k', '-ac', '2', '-movflags', '+faststart', film60,
  ]);
  execFileSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'server', 'packaging', 'package-media.ts'), film60,
    '--content-id', 'demo-paid', '--rate', '1000', '--preview', '5', '--title', 'Mandelbrot, slowly', '--copy',
    '--out', GATED.dir, '--catalog', GATED.catalog, '--keys', GATED.keys, '--media-url', '/media/demo-paid/index.m3u8'], { cwd: root, stdio: 'inherit' });
  rmSync(film60, { force: true });
}

const size = (f) => readFileSync(f).length;
console.log(`streams ready in ${out} (basic playlist ${size(join(basic, 'index.m3u8'))} B)`);
