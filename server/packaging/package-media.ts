/**
 * `npm run package-media -- film.mp4 --content-id ID --rate µALGO/s [--preview S] [--out DIR] [--catalog FILE]`
 *   [--title TEXT] [--api URL] [--media-url URL] [--keys FILE] [--segment S] [--key-segments N] [--copy]
 *
 * Packages a platform's MP4 into a gated title:
 *  - DIR (default ./media/<id>): public HLS, fMP4, for any CDN. The segments covering the first
 *    `--preview` seconds (rounded up to whole segments) are clear; the rest is AES-128, a new key every
 *    `--key-segments` segments (default 3), key URIs on the payment API's key route (`--api` base URL; without
 *    it root-relative, i.e. the origin the playlist is served from must forward /streaming/ to the API).
 *  - FILE --keys (default keys/<id>.keys.json beside the catalog): the SECRET keys, never inside DIR.
 *  - the title's entry in the catalog (default ./catalog.json; created if missing, other titles and other
 *    fields of this one kept), `keys` relative to the catalog file (docs/PROTOCOL.md §Encrypted media).
 * The MP4 is re-encoded (H.264/AAC, a keyframe at every segment boundary); `--copy` keeps its streams as
 * they are, for an MP4 whose keyframes already fall every `--segment` seconds.
 * The API loads the keys with `--media-keys FILE` (or the catalog's `keys`).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { CONTENT_ID_PATTERN, toHex } from '../../src/payments/tick.js';
import type { KeysFile } from '../media-keys.js';
import { encryptSegment, gatedPlaylist, parsePlaylist, planKeys } from './encrypted-hls.js';

const fail = (message: string): never => {
  process.stderr.write(`package-media: ${message}\n`);
  process.exit(2);
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'content-id': { type: 'string' },
    rate: { type: 'string' },
    preview: { type: 'string', default: '0' },
    out: { type: 'string' },
    catalog: { type: 'string', default: 'catalog.json' },
    keys: { type: 'string' },
    title: { type: 'string' },
    api: { type: 'string' },
    'media-url': { type: 'string' },
    segment: { type: 'string', default: '2' },
    'key-segments': { type: 'string', default: '3' },
    copy: { type: 'boolean', default: false },
  },
});

const input = positionals[0] ?? fail('which MP4? npm run package-media -- film.mp4 --content-id ID --rate µALGO/s');
if (!existsSync(input)) fail(`${input} does not exist`);
const contentId = values['content-id'] ?? fail('--content-id is required');
if (!CONTENT_ID_PATTERN.test(contentId)) fail('--content-id must match [A-Za-z0-9._:/-]{1,128}');
const whole = (name: string, text: string | undefined, min: number, max: number): number => {
  const n = Number(text);
  if (text === undefined || !Number.isSafeInteger(n) || n < min || n > max) return fail(`--${name} must be a whole number ${min}…${max}`);
  return n;
};
const rate = whole('rate', values.rate, 0, 1_000_000);
const preview = whole('preview', values.preview, 0, 86_400);
const segment = whole('segment', values.segment, 1, 60);
const keySegments = whole('key-segments', values['key-segments'], 1, 1000);
const out = resolve(values.out ?? join('media', contentId));
const catalog = resolve(values.catalog!);
const keysFile = resolve(values.keys ?? join(dirname(catalog), 'keys', `${contentId.replaceAll(/[/:]/g, '_')}.keys.json`));
if (keysFile === out || keysFile.startsWith(out + sep)) fail('the keys file must not be inside the public HLS directory');
const api = values.api?.replace(/\/+$/, '');
if (api !== undefined && !/^https?:\/\/[^\s"]+$/.test(api)) fail('--api must be an http(s) URL');
const keyUri = (index: number) => `${api ?? ''}/streaming/keys/${contentId}/${index}`;

// Clear fMP4 HLS first, keyframes exactly on segment boundaries whatever the source's GOP.
const work = mkdtempSync(join(tmpdir(), 'sippar-package-'));
try {
  const encode = values.copy
    ? ['-c', 'copy']
    : [
        '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
        '-force_key_frames', `expr:gte(t,n_forced*${segment})`, '-sc_threshold', '0',
        '-c:a', 'aac', '-b:a', '128k', '-ac', '2',
      ];
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y', '-i', input, ...encode,
    '-f', 'hls', '-hls_time', String(segment), '-hls_playlist_type', 'vod',
    '-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4',
    '-hls_segment_filename', join(work, 'seg%d.m4s'), join(work, 'index.m3u8'),
  ], { stdio: 'inherit' });

  const clear = parsePlaylist(readFileSync(join(work, 'index.m3u8'), 'utf8'));
  const plan = planKeys(clear.segments, preview, keySegments);
  const keyBytes = plan.keys.map(() => randomBytes(16));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'init.mp4'), readFileSync(join(work, 'init.mp4')));
  clear.segments.forEach((s, i) => {
    const data = readFileSync(join(work, s.uri));
    const k = plan.keyOf[i];
    writeFileSync(join(out, s.uri), k === undefined ? data : encryptSegment(data, keyBytes[k], clear.mediaSequence + i));
  });
  writeFileSync(join(out, 'index.m3u8'), gatedPlaylist(clear, plan, keyUri));

  const clearSeconds = Math.ceil(plan.clearMs / 1000);
  const keys: KeysFile = {
    v: 1,
    contentId,
    clearSeconds: Math.min(clearSeconds, Math.floor((plan.keys[0]?.startMs ?? plan.clearMs) / 1000)),
    keys: plan.keys.map((k) => ({ index: k.index, key: toHex(keyBytes[k.index]), startMs: k.startMs, endMs: k.endMs })),
  };
  mkdirSync(dirname(keysFile), { recursive: true });
  writeFileSync(keysFile, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });

  const doc = existsSync(catalog) ? (JSON.parse(readFileSync(catalog, 'utf8')) as { titles?: Array<Record<string, unknown>> }) : {};
  const titles = Array.isArray(doc.titles) ? doc.titles : [];
  const old = titles.find((t) => t.contentId === contentId);
  const entry = {
    ...old,
    contentId,
    title: values.title ?? (old?.title as string | undefined) ?? contentId,
    rateMicroAlgos: rate,
    previewSeconds: preview,
    ...(values['media-url'] && { media: { ...(old?.media as object | undefined), src: values['media-url'] } }),
    keys: relative(dirname(catalog), keysFile).split(sep).join('/'),
  };
  const next = { ...doc, titles: old ? titles.map((t) => (t === old ? entry : t)) : [...titles, entry] };
  mkdirSync(dirname(catalog), { recursive: true });
  writeFileSync(catalog, JSON.stringify(next, null, 2) + '\n');
  const total = clear.segments.reduce((a, s) => a + s.durationMs, 0);
  process.stdout.write(
    `${contentId}: ${clear.segments.length} segments (${(total / 1000).toFixed(1)} s), ${plan.clearSegments} clear (${plan.clearMs / 1000} s), ` +
      `${plan.keys.length} keys → ${out}; keys ${keysFile}; catalog ${catalog}\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
