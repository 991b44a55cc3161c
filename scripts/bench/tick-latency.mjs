// Tick round trip on loopback: sequential signed ticks (PUT /streaming/session/extend) from a Node client,
// one at a time over a keep-alive connection, against the API in a child process. Optional --browser: the
// same from headless Chromium (signing with WebCrypto ECDSA P-256, like the element).
// Every tick bills a new second, as an honest viewer's does: ticks go round sessions, five to each (the
// rate ceiling's slack lets a new session bill five seconds at once), since the API stores only a bounded
// number of ticks that change nothing (IDLE_TICKS_EXCEEDED).
// Usage: node scripts/bench/tick-latency.mjs [--ticks 2000] [--browser]
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';
import { percentile, round, startApiProcess } from './api-server-process.mjs';

const { values } = parseArgs({ options: { ticks: { type: 'string', default: '2000' }, browser: { type: 'boolean', default: false } } });
const TICKS = Math.min(100_000, Number(values.ticks));
const PER_SESSION = 5;
const { makeFastViewer, fastStartRequest, fastTickRequest } = await tsImport('../../server/bench/fast-viewers.ts', import.meta.url);

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function request(base, method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(base + path, { method, agent, headers: data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

const server = await startApiProcess();
const results = { date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, loadavg_before: (await import('node:os')).loadavg(), ticks: TICKS };
try {
  const v = makeFastViewer();
  await request(server.url, 'POST', '/streaming/dev/credit', { principal: v.principal, microAlgos: 1e12 });
  const sessions = [];
  for (let i = 0; i < Math.ceil(TICKS / PER_SESSION); i++) {
    sessions.push((await request(server.url, 'POST', '/streaming/session/start', fastStartRequest(v, server.url, 'bench', 1, i.toString(16).padStart(32, '0')))).json.sessionId);
  }
  const lat = [];
  let errors = 0;
  const signMs = [];
  for (let k = 0; k < TICKS; k++) {
    const seq = (k % PER_SESSION) + 1;
    const seconds = seq;
    const s0 = performance.now();
    const body = fastTickRequest(v, { sessionId: sessions[Math.floor(k / PER_SESSION)], seq, seconds, microAlgos: seconds, mediaTime: seconds * 1000, clientTime: Date.now() });
    const s1 = performance.now();
    const r = await request(server.url, 'PUT', '/streaming/session/extend', body);
    lat.push(performance.now() - s1);
    signMs.push(s1 - s0);
    if (r.status !== 200) errors++;
  }
  lat.sort((a, b) => a - b);
  signMs.sort((a, b) => a - b);
  results.node_client = {
    p50_ms: round(percentile(lat, 50), 3),
    p90_ms: round(percentile(lat, 90), 3),
    p99_ms: round(percentile(lat, 99), 3),
    max_ms: round(lat[lat.length - 1], 3),
    sign_p50_ms: round(percentile(signMs, 50), 3),
    errors,
  };
  console.log(`node client: ${TICKS} sequential ticks  p50 ${results.node_client.p50_ms} ms  p90 ${results.node_client.p90_ms} ms  p99 ${results.node_client.p99_ms} ms  max ${results.node_client.max_ms} ms  errors ${errors}`);

  if (values.browser) results.browser = await browserRun(server.url, Math.min(TICKS, 1000));
} finally {
  agent.destroy();
  await server.stop();
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/tick-latency.json', JSON.stringify(results, null, 2) + '\n');
console.log('wrote bench-results/tick-latency.json');

async function browserRun(apiUrl, n) {
  const { chromium } = await import('playwright');
  const { chromiumLaunchOptions } = await import('../browser.mjs');
  const { apiIdentity, fromHex, toHex, tickSigningBytes, startSigningBytes } = await tsImport('../../src/payments/tick.ts', import.meta.url);
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    // The page's origin is the API itself (no CORS needed): a blank page served from it.
    await page.goto(apiUrl + '/streaming/session/analytics');
    // Signing in the page with a WebCrypto P-256 key; the delegation from an Ed25519 root is made in Node
    // (the browser only holds the session key, as with II).
    const spki = await page.evaluate(async () => {
      const kp = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
      globalThis.__kp = kp;
      return Array.from(new Uint8Array(await crypto.subtle.exportKey('spki', kp.publicKey)));
    });
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const { hashOfMap, IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR } = await import('@dfinity/agent');
    const { Principal } = await import('@dfinity/principal');
    const rootKp = generateKeyPairSync('ed25519');
    const rootDer = new Uint8Array(rootKp.publicKey.export({ format: 'der', type: 'spki' }));
    const sessionDer = new Uint8Array(spki);
    const expiration = BigInt(Date.now() + 3600_000) * 1_000_000n;
    const dsig = sign(null, Buffer.concat([IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR, hashOfMap({ pubkey: sessionDer, expiration })]), rootKp.privateKey);
    const chain = { publicKey: toHex(rootDer), delegations: [{ delegation: { pubkey: toHex(sessionDer), expiration: expiration.toString(16) }, signature: toHex(dsig) }] };
    const principal = Principal.selfAuthenticating(rootDer).toText();
    await request(apiUrl, 'POST', '/streaming/dev/credit', { principal, microAlgos: 1e12 });
    const sessionIds = [];
    for (let i = 0; i < Math.ceil(n / PER_SESSION); i++) {
      const m = { api: apiIdentity(apiUrl), contentId: 'bench-browser', rateMicroAlgos: 1, budgetMicroAlgos: null, requestTime: Date.now(), nonce: i.toString(16).padStart(32, 'c') };
      const startBytes = Array.from(startSigningBytes(m));
      const startSig = await page.evaluate(async (b) => Array.from(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, globalThis.__kp.privateKey, new Uint8Array(b)))), startBytes);
      sessionIds.push((await request(apiUrl, 'POST', '/streaming/session/start', { delegationChain: chain, sessionPublicKey: toHex(sessionDer), ...m, signature: toHex(new Uint8Array(startSig)) })).json.sessionId);
    }
    const start = { sessionId: sessionIds[0] };
    // Pre-compute the canonical bytes in Node would hide the browser's cost; the page builds them itself
    // from the same canonical rule (checked against tickSigningBytes for the first tick).
    const check = Array.from(tickSigningBytes({ sessionId: start.sessionId, seq: 1, seconds: 0, microAlgos: 0, mediaTime: 0, clientTime: 1 }));
    const out = await page.evaluate(
      async ({ sessionId, sessionIds, perSession, n, check }) => {
        const enc = new TextEncoder();
        const sep = enc.encode('\x15sippar-player/tick/v1');
        const bytesOf = (t) => {
          const body = enc.encode(`{"v":1,"sessionId":"${t.sessionId}","seq":${t.seq},"seconds":${t.seconds},"microAlgos":${t.microAlgos},"mediaTime":${t.mediaTime},"clientTime":${t.clientTime},"final":false}`);
          const b = new Uint8Array(sep.length + body.length);
          b.set(sep);
          b.set(body, sep.length);
          return b;
        };
        const first = bytesOf({ sessionId, seq: 1, seconds: 0, microAlgos: 0, mediaTime: 0, clientTime: 1 });
        if (first.join() !== check.join()) throw new Error('canonical bytes differ from tick.ts');
        const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
        const rtt = [];
        const total = [];
        let errors = 0;
        for (let k = 0; k < n; k++) {
          const seq = (k % perSession) + 1;
          const seconds = seq;
          const tick = { sessionId: sessionIds[Math.floor(k / perSession)], seq, seconds, microAlgos: seconds, mediaTime: seconds * 1000, clientTime: Date.now() };
          const a = performance.now();
          const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, globalThis.__kp.privateKey, bytesOf(tick));
          const b = performance.now();
          const res = await fetch('/streaming/session/extend', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tick, signature: hex(sig) }) });
          await res.json();
          const c = performance.now();
          if (res.status !== 200) errors++;
          rtt.push(c - b);
          total.push(c - a);
        }
        return { rtt, total, errors };
      },
      { sessionId: start.sessionId, sessionIds, perSession: PER_SESSION, n, check },
    );
    out.rtt.sort((a, b) => a - b);
    out.total.sort((a, b) => a - b);
    const r = {
      ticks: n,
      fetch_p50_ms: round(percentile(out.rtt, 50), 3),
      fetch_p99_ms: round(percentile(out.rtt, 99), 3),
      sign_and_fetch_p50_ms: round(percentile(out.total, 50), 3),
      sign_and_fetch_p99_ms: round(percentile(out.total, 99), 3),
      errors: out.errors,
    };
    console.log(`browser (Chromium, WebCrypto + fetch): ${n} ticks  fetch p50 ${r.fetch_p50_ms} ms  p99 ${r.fetch_p99_ms} ms  sign+fetch p99 ${r.sign_and_fetch_p99_ms} ms  errors ${r.errors}`);
    return r;
  } finally {
    await browser.close();
  }
}
