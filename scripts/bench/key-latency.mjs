// Media-key round trip from the browser, as the player makes it: Chromium signs a key request with a
// WebCrypto P-256 session key and GETs /streaming/keys/<content>/<index>?…&sig=… from a page on ANOTHER origin
// (production: the API is cross-origin to the page), against the API in a child process. Also counts
// preflights (a signed query keeps the GET simple: there should be none). Interleaved with each key request,
// the same GET without its query (refused 400 before any signature or ledger read): the HTTP round trip as
// a yardstick measured under the same load, since this machine's load varies between runs.
// Usage: node scripts/bench/key-latency.mjs [--requests 1000]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { percentile, round, startApiProcess } from './api-server-process.mjs';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000' } } });
const N = Math.min(20_000, Number(values.requests));
const { apiIdentity, toHex, startSigningBytes } = await tsImport('../../src/payments/tick.ts', import.meta.url);
const { keyRequestSigningBytes } = await tsImport('../../src/payments/key-request.ts', import.meta.url);

// The page: a blank document on its own origin.
const pageServer = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>key bench</title>'));
await new Promise((r) => pageServer.listen(0, '127.0.0.1', r));
const pageOrigin = `http://127.0.0.1:${pageServer.address().port}`;

// A title of 9 keys, 6 s each after 6 s clear; key 0 is within the lead, so every request is answered 200.
const dir = mkdtempSync(join(tmpdir(), 'sippar-key-bench-'));
const keysFile = join(dir, 'bench.keys.json');
writeFileSync(keysFile, JSON.stringify({ v: 1, contentId: 'bench', clearSeconds: 6, keys: Array.from({ length: 9 }, (_, i) => ({ index: i, key: toHex(new Uint8Array(16).fill(i + 1)), startMs: 6000 + 6000 * i, endMs: 12000 + 6000 * i })) }));
const server = await startApiProcess({ extraArgs: ['--media-keys', keysFile, '--origins', pageOrigin] });
const post = async (path, body) => (await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();

const { chromium } = await import('playwright');
const { chromiumLaunchOptions } = await import('../browser.mjs');
const browser = await chromium.launch(chromiumLaunchOptions());
const results = { date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, loadavg_before: (await import('node:os')).loadavg(), requests: N };
try {
  const page = await browser.newPage();
  let preflights = 0;
  page.on('request', (r) => { if (r.method() === 'OPTIONS') preflights++; });
  await page.goto(pageOrigin);
  const spki = await page.evaluate(async () => {
    const kp = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    globalThis.__kp = kp;
    return Array.from(new Uint8Array(await crypto.subtle.exportKey('spki', kp.publicKey)));
  });
  // The delegation from an Ed25519 root is made in Node; the browser holds only the session key, as with II.
  const { generateKeyPairSync, sign } = await import('node:crypto');
  const { hashOfMap, IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR } = await import('@dfinity/agent');
  const { Principal } = await import('@dfinity/principal');
  const root = generateKeyPairSync('ed25519');
  const rootDer = new Uint8Array(root.publicKey.export({ format: 'der', type: 'spki' }));
  const sessionDer = new Uint8Array(spki);
  const expiration = BigInt(Date.now() + 3600_000) * 1_000_000n;
  const dsig = sign(null, Buffer.concat([IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR, hashOfMap({ pubkey: sessionDer, expiration })]), root.privateKey);
  const chain = { publicKey: toHex(rootDer), delegations: [{ delegation: { pubkey: toHex(sessionDer), expiration: expiration.toString(16) }, signature: toHex(dsig) }] };
  const principal = Principal.selfAuthenticating(rootDer).toText();
  await post('/streaming/dev/credit', { principal, microAlgos: 1e9 });
  const api = apiIdentity(server.url);
  const m = { api, contentId: 'bench', rateMicroAlgos: 1, requestTime: Date.now(), nonce: 'ab'.repeat(16) };
  const startSig = await page.evaluate(async (b) => Array.from(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, globalThis.__kp.privateKey, new Uint8Array(b)))), Array.from(startSigningBytes(m)));
  const { sessionId } = await post('/streaming/session/start', { delegationChain: chain, sessionPublicKey: toHex(sessionDer), ...m, signature: toHex(new Uint8Array(startSig)) });
  if (!sessionId) throw new Error('no session');
  // The page builds the canonical bytes itself (checked against key-request.ts once), as the player does.
  const check = Array.from(keyRequestSigningBytes({ api, sessionId, contentId: 'bench', index: 0, requestTime: 1, nonce: '00'.repeat(16) }));
  const out = await page.evaluate(async ({ api, sessionId, n, check }) => {
    const enc = new TextEncoder();
    const sep = enc.encode('\x14sippar-player/key/v1');
    const bytesOf = (t, nonce) => {
      const body = enc.encode(`{"v":1,"api":"${api}","sessionId":"${sessionId}","contentId":"bench","index":0,"requestTime":${t},"nonce":"${nonce}"}`);
      const b = new Uint8Array(sep.length + body.length);
      b.set(sep);
      b.set(body, sep.length);
      return b;
    };
    if (bytesOf(1, '00'.repeat(16)).join() !== check.join()) throw new Error('canonical bytes differ from key-request.ts');
    const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
    const fetchMs = [];
    const totalMs = [];
    const bareMs = [];
    let errors = 0;
    for (let k = 0; k < n; k++) {
      const a = performance.now();
      const t = Date.now();
      const nonce = hex(crypto.getRandomValues(new Uint8Array(16)));
      const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, globalThis.__kp.privateKey, bytesOf(t, nonce));
      const q = new URLSearchParams({ api, session: sessionId, t: String(t), n: nonce, sig: hex(sig) });
      const b = performance.now();
      const res = await fetch(`${api}/streaming/keys/bench/0?${q}`);
      const body = await res.arrayBuffer();
      const c = performance.now();
      if (res.status !== 200 || body.byteLength !== 16) errors++;
      fetchMs.push(c - b);
      totalMs.push(c - a);
      const d = performance.now();
      const bare = await fetch(`${api}/streaming/keys/bench/0`);
      await bare.arrayBuffer();
      bareMs.push(performance.now() - d);
      if (bare.status !== 400) errors++;
    }
    return { fetchMs, totalMs, bareMs, errors };
  }, { api, sessionId, n: N, check });
  out.fetchMs.sort((a, b) => a - b);
  out.totalMs.sort((a, b) => a - b);
  out.bareMs.sort((a, b) => a - b);
  results.browser = {
    bare_get_p50_ms: round(percentile(out.bareMs, 50), 3),
    bare_get_p99_ms: round(percentile(out.bareMs, 99), 3),
    fetch_p50_ms: round(percentile(out.fetchMs, 50), 3),
    fetch_p99_ms: round(percentile(out.fetchMs, 99), 3),
    sign_and_fetch_p50_ms: round(percentile(out.totalMs, 50), 3),
    sign_and_fetch_p99_ms: round(percentile(out.totalMs, 99), 3),
    max_ms: round(out.totalMs[out.totalMs.length - 1], 3),
    errors: out.errors,
    preflights,
  };
  const r = results.browser;
  console.log(`key requests from a cross-origin page (Chromium, WebCrypto P-256 + fetch): ${N}  fetch p50 ${r.fetch_p50_ms} ms  p99 ${r.fetch_p99_ms} ms  sign+fetch p50 ${r.sign_and_fetch_p50_ms} ms  p99 ${r.sign_and_fetch_p99_ms} ms  max ${r.max_ms} ms  errors ${r.errors}  preflights ${preflights}; the same GET refused before any check: p50 ${r.bare_get_p50_ms} ms  p99 ${r.bare_get_p99_ms} ms`);
} finally {
  await browser.close();
  await server.stop();
  pageServer.close();
  rmSync(dir, { recursive: true, force: true });
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/key-latency.json', JSON.stringify(results, null, 2) + '\n');
console.log('wrote bench-results/key-latency.json');
