#!/usr/bin/env node
// npm start: the whole local demo from one command, one URL to open.
//   streams (if missing) → dist (if missing) → local IdP build (if missing)
//   → payment API in development mode on data/demo.sqlite, selling demo/catalog.json's titles
//   → identity provider on its own port (cross-origin, as real II is)
//   → demo page, which also forwards /streaming/* to the API so the player's default `api`
//     (the page's origin) works and the page's CSP can stay connect-src 'self'
//   → two ad agents, Acme and Globex, bidding for the breaks of the "With ads" title (demo-agents.mjs).
// Ctrl-C (SIGINT) or SIGTERM stops everything it started. `--rebuild` rebuilds dist and the IdP.
// Also a module: test/e2e/journey.spec.ts starts the same servers with startDemo({ port: 0, ... }).
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startDemoAgents } from './demo-agents.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (...p) => join(root, ...p);

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.map': 'application/json', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.m3u8': 'application/vnd.apple.mpegurl', '.m4s': 'video/iso.segment', '.mp4': 'video/mp4',
  '.vtt': 'text/vtt; charset=utf-8', '.ico': 'image/x-icon',
};

/** The paid demo title's SECRET keys (scripts/make-streams.mjs packages it): loaded by the API, never served. */
const GATED_KEYS = at('data/gated/keys/demo-paid.keys.json');

/** Makes what the demo needs when it is missing (or always, with rebuild). */
export function prepare({ rebuild = false, log = console.log } = {}) {
  const node = (script, ...args) => execFileSync(process.execPath, [at(script), ...args], { cwd: root, stdio: 'inherit' });
  const streams = ['media/demo/index.m3u8', 'media/demo-paid/index.m3u8', 'media/ads/acme/index.m3u8', 'media/ads/globex/index.m3u8'];
  if (streams.some((f) => !existsSync(at(f))) || !existsSync(GATED_KEYS)) {
    log('making streams…');
    node('scripts/make-streams.mjs');
  }
  if (rebuild || !existsSync(at('dist/sippar-player.iife.js'))) { log('building dist…'); node('scripts/build.mjs'); }
  if (existsSync(at('scripts/build-idp.mjs')) && (rebuild || !existsSync(at('dist-demo/idp/index.html')))) {
    log('building the local identity provider…'); node('scripts/build-idp.mjs');
  }
}

/** A file server over URL-prefix mounts; `transform` may rewrite a text file on the way out. */
function fileServer({ mounts, headers = {}, transform, fallback }) {
  const sorted = Object.entries(mounts).sort((a, b) => b[0].length - a[0].length);
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (fallback && fallback(req, res, path)) return;
    const mount = sorted.find(([prefix]) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix));
    if (!mount || (req.method !== 'GET' && req.method !== 'HEAD')) { res.writeHead(404).end('not found'); return; }
    const [prefix, dir] = mount;
    const base = resolve(dir);
    let file = normalize(join(base, path.slice(prefix.length)));
    if (file !== base && !file.startsWith(base + sep)) { res.writeHead(403).end(); return; }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const common = { 'content-type': type, 'cache-control': 'no-store', ...headers };
      const text = transform?.(file);
      if (text !== undefined) {
        const body = Buffer.from(text);
        res.writeHead(200, { ...common, 'content-length': body.length });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      res.writeHead(200, { ...common, 'content-length': statSync(file).size });
      if (req.method === 'HEAD') res.end(); else createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
}

function listen(server, port, host) {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(`http://${host}:${server.address().port}`));
  });
}
function close(server) {
  return new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); });
}

/** Forwards a request to the payment API, body and status as they are. */
function proxy(req, res, apiUrl) {
  const target = new URL(req.url ?? '/', apiUrl);
  const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'payment API unreachable' } }));
  });
  req.pipe(upstream);
}

/** The reference payment API (server/, TypeScript), loaded through tsx. */
async function startApi({ port, host, dbPath, origins, quiet, keyLeadSeconds, publicUrls }) {
  const { tsImport } = await import('tsx/esm/api');
  const { startServer } = await tsImport(pathToFileURL(at('server/app.ts')).href, import.meta.url);
  // dev: trusts the local IdP's Ed25519 root keys and opens POST /streaming/dev/credit.
  // catalog: what the demo sells, at what price and preview (demo/catalog.json, protocol v3); mediaKeys: the
  // keys of its packaged, encrypted title (made by make-streams.mjs, kept out of the public media folder).
  // publicUrls: the page's origin, which forwards /streaming/* here, is the API's public URL. The catalog's
  // path-absolute media.src resolve against it (the ads playlist reads /media/demo/ from the page's server),
  // and the ads playlist's asset-list URLs point at it, so the player fetches them under connect-src 'self'.
  const server = await startServer({
    port, host, db: dbPath, dev: true, origins, quiet, catalog: at('demo', 'catalog.json'), publicUrls,
    keyLeadSeconds, mediaKeys: existsSync(GATED_KEYS) ? [GATED_KEYS] : [],
  });
  await server.catalogReady;
  return server;
}

/**
 * Starts the API, the identity provider, the demo page and (unless `agents: false`) the two ad agents,
 * whose keys live in `agentKeysDir` (default: `agents/` beside the database). Ports 0 pick free ones.
 * Returns { url, idpUrl, apiUrl, api: { stop, start, ledger }, agents: [{ name, pid }], close }.
 */
export async function startDemo({
  port = 8080, idpPort = 8081, apiPort = 0, host = '127.0.0.1', dbPath = at('data/demo.sqlite'), distDir = at('dist'), quiet = true,
  keyLeadSeconds, agents = true, agentKeysDir = join(dirname(resolve(dbPath)), 'agents'), log = () => undefined,
} = {}) {
  mkdirSync(resolve(dbPath, '..'), { recursive: true });
  const stops = [];
  const stopAll = async () => { for (const stop of stops.reverse()) await stop().catch(() => undefined); };
  try {
    const idp = fileServer({ mounts: { '/': at('dist-demo/idp') } });
    const idpUrl = `${await listen(idp, idpPort, host)}/`;
    stops.push(() => close(idp));

    // The page's origin must be known before the API starts: the API only serves allowed origins.
    let apiUrl = '';
    const demo = fileServer({
      mounts: { '/': at('demo'), '/demo/': at('demo'), '/dist/': distDir, '/media/': at('media') },
      transform: (file) => (file === at('demo', 'index.html') ? readFileSync(file, 'utf8').replaceAll('{{IDP_URL}}', idpUrl) : undefined),
      fallback: (req, res, path) => {
        if (!path.startsWith('/streaming/')) return false;
        proxy(req, res, apiUrl);
        return true;
      },
    });
    const url = `${await listen(demo, port, host)}/`;
    stops.push(() => close(demo));

    const origin = new URL(url).origin;
    const apiOptions = { port: apiPort, host, dbPath, origins: [origin], publicUrls: [origin], quiet, keyLeadSeconds };
    let running = await startApi(apiOptions);
    stops.push(() => running?.close() ?? Promise.resolve());
    apiUrl = running.url;
    apiOptions.port = running.port; // a restart comes back on the same port, with the same SQLite file
    /** The payment API alone, for tests: stop it, start it again (same port, same file), read its ledger. */
    const api = {
      get ledger() { return running?.ledger; },
      async stop() { const r = running; running = undefined; await r?.close(); },
      async start() { if (!running) running = await startApi(apiOptions); },
    };
    // After the API (they register, get credit and bid through it); stopped before it (stops run in reverse).
    const ads = agents ? await startDemoAgents({ apiUrl, mediaOrigin: origin, keysDir: agentKeysDir, log }) : undefined;
    if (ads) stops.push(ads.stop);
    return { url, idpUrl, apiUrl, api, agents: ads?.agents ?? [], close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function main() {
  const args = process.argv.slice(2);
  prepare({ rebuild: args.includes('--rebuild') });
  const port = Number(process.env.PORT ?? 8080);
  const demo = await startDemo({ port, idpPort: Number(process.env.IDP_PORT ?? port + 1), log: console.log });
  console.log(`\n  sippar-player demo: ${demo.url}\n\n  (Ctrl-C to stop)`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => { console.error(error); process.exit(1); });
}
