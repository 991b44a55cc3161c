// The benches' page server: generated pages by path, everything else as files under the working directory
// (dist, media, node_modules), never cached; and the pages both benches load. Shared by first-frame.mjs and long-tasks.mjs.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.m3u8': 'application/vnd.apple.mpegurl', '.m4s': 'video/iso.segment', '.mp4': 'video/mp4', '.vtt': 'text/vtt', '.html': 'text/html' };

/** Listens on a free port of 127.0.0.1; answers `{ origin, server }`. */
export async function startPageServer(pages) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (pages[path]) return res.writeHead(200, { 'content-type': 'text/html' }).end(pages[path]);
    const file = join(process.cwd(), normalize(path));
    if (!file.startsWith(process.cwd()) || !existsSync(file) || !statSync(file).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

/** The stream both benches play, and the console message their pages print at the first `playing`. */
export const STREAM = '/media/demo/index.m3u8';
export const PLAYING = 'sippar-bench-playing';
/** BASELINE=<dir under this one>: that build of dist/ as a third page, interleaved with the others. */
export const BASELINE = process.env.BASELINE?.replace(/^(\.\/)?\/*|\/+$/g, '');
export const KINDS = ['element', ...(BASELINE ? ['baseline'] : []), 'bare'];

/**
 * The pages by path, one per kind: <sippar-player> behind its classic loader (this dist/, and BASELINE's),
 * and a bare <video> + hls.js light. `head` goes first in each page (a bench's own stamp of `playing`).
 */
export function benchPages(head = '') {
  const elementPage = (dist) => `<!doctype html><meta charset="utf-8">${head}
    <script src="/${dist}/sippar-player.iife.js"></script>
    <body><sippar-player src="${STREAM}" muted autoplay></sippar-player>`;
  return {
    '/bench/element.html': elementPage('dist'),
    ...(BASELINE ? { '/bench/baseline.html': elementPage(BASELINE) } : {}),
    '/bench/bare.html': `<!doctype html><meta charset="utf-8">${head}
    <body><video muted autoplay playsinline></video>
    <script type="module">
      import Hls from '/node_modules/hls.js/dist/hls.light.min.mjs';
      const hls = new Hls({ enableWorker: false });
      hls.loadSource('${STREAM}'); hls.attachMedia(document.querySelector('video'));
    </script>`,
  };
}
