// `npm run api`: the platform's tokens and its fee come from flags or the environment.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signKeyUrl } from '../../../src/payments/key-authoriser.js';
import { describe, expect, it } from 'vitest';
import { createApiClient, randomNonce, signedStartRequest, signedTickRequest } from '../../../src/payments/api-client.js';
import { makeViewer, refused } from './harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function catalogFile(catalog: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sippar-cli-')), 'catalog.json');
  writeFileSync(file, JSON.stringify(catalog));
  return file;
}

/** A packaged title's keys file (as package-media writes it): `count` keys of 6 s after `clearSeconds` 6. */
function keysFile(path: string, contentId: string, count: number): void {
  const keys = Array.from({ length: count }, (_, index) => ({ index, key: String(index + 1).repeat(32), startMs: 6000 + 6000 * index, endMs: 12000 + 6000 * index }));
  writeFileSync(path, JSON.stringify({ v: 1, contentId, clearSeconds: 6, keys }));
}

function runApi(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', '--port', '0', '--db', ':memory:', '--dev', '--quiet', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const ready = new Promise<{ url: string } | { exit: number; err: string }>((resolve) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.includes('"listening"'));
      if (line) resolve({ url: JSON.parse(line).url });
    });
    child.once('exit', (code) => resolve({ exit: code ?? -1, err }));
  });
  return { ready, stop: () => new Promise((r) => (child.exitCode !== null ? r(null) : (child.once('exit', r), child.kill('SIGTERM')))) };
}

describe('server/main.ts', () => {
  it('takes the analytics token by flag, the admin token and the platform fee from the environment', async () => {
    // The title names no splits: creator and platform by the fee of the environment.
    const catalog = catalogFile({ titles: [{ contentId: 'film-1', title: 'Film', rateMicroAlgos: 100 }] });
    const api = runApi(['--analytics-token', 'ana'], { SIPPAR_ADMIN_TOKEN: 'adm', SIPPAR_PLATFORM_FEE_BPS: '2500', SIPPAR_CATALOG: catalog });
    try {
      const r = await api.ready;
      if (!('url' in r)) throw new Error(`API exited: ${r.err}`);
      const c = createApiClient({ baseUrl: r.url });
      await refused(c.analytics({}), 'NOT_SESSION_OWNER', 403);
      const v = await makeViewer();
      await c.devCredit({ principal: v.principal, microAlgos: 10_000 });
      const s = await c.start(await signedStartRequest(v, { api: r.url, contentId: 'film-1', rateMicroAlgos: 100, requestTime: Date.now(), nonce: randomNonce() }));
      await c.pause(await signedTickRequest(v.sign, { sessionId: s.sessionId, seq: 1, seconds: 4, microAlgos: 400, mediaTime: 4000, clientTime: Date.now(), final: true }));
      expect(((await c.analytics({}, 'adm')) as any).totals).toMatchObject({ settledMicroAlgos: 400, earningsMicroAlgos: 100 });
      expect(((await c.analytics({}, 'ana')) as any).totals.earningsMicroAlgos).toBe(100);
    } finally {
      await api.stop();
    }
  });

  it('--catalog: sells its titles at their price (GET /streaming/content/:id), and a catalog that does not check stops the server', async () => {
    const good = catalogFile({ titles: [{ contentId: 'demo/paid', title: 'Paid', rateMicroAlgos: 1000, previewSeconds: 10, media: { src: '/media/x.m3u8' }, keys: 'k.json' }] });
    // `keys` is relative to the catalog file, and loaded with it.
    keysFile(join(dirname(good), 'k.json'), 'demo/paid', 1);
    const api = runApi(['--catalog', good]);
    try {
      const r = await api.ready;
      if (!('url' in r)) throw new Error(`API exited: ${r.err}`);
      const res = await fetch(`${r.url}/streaming/content/demo/paid`);
      expect(await res.json()).toEqual({ contentId: 'demo/paid', title: 'Paid', rateMicroAlgos: 1000, previewSeconds: 10, media: { src: '/media/x.m3u8' } });
    } finally {
      await api.stop();
    }
    // A catalog naming a keys file that is not there stops the server: its title could not be watched.
    const noKeys = catalogFile({ titles: [{ contentId: 'y', title: 'Y', rateMicroAlgos: 1, keys: 'missing.json' }] });
    const missing = runApi(['--catalog', noKeys]);
    const gone = await missing.ready;
    await missing.stop();
    expect(gone).toMatchObject({ exit: 2 });
    expect('err' in gone && gone.err).toContain('missing.json');
    const splitsOff = catalogFile({ titles: [{ contentId: 'x', title: 'X', rateMicroAlgos: 1, splits: [{ recipient: 'creator', bps: 9000 }] }] });
    const bad = runApi(['--catalog', splitsOff]);
    const out = await bad.ready;
    await bad.stop();
    expect(out).toMatchObject({ exit: 2 });
    expect('err' in out && out.err).toContain('splits add up to 9000 bps');
  });

  it('takes the live-session limit from SIPPAR_MAX_SESSIONS and --trust-proxy as a flag', async () => {
    const catalog = catalogFile({ titles: [{ contentId: 'film-1', title: 'Film', rateMicroAlgos: 0 }] });
    const api = runApi(['--trust-proxy', '--client-rate', '1', '--catalog', catalog], { SIPPAR_MAX_SESSIONS: '1' });
    try {
      const r = await api.ready;
      if (!('url' in r)) throw new Error(`API exited: ${r.err}`);
      const v = await makeViewer();
      // The per-client limit (1/s, burst 2) keys on the proxy's X-Forwarded-For entry: each "client" has its own.
      const viaProxy = (client: string, body: unknown) =>
        fetch(`${r.url}/streaming/session/start`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-forwarded-for': client } });
      const start = () => signedStartRequest(v, { api: r.url, contentId: 'film-1', rateMicroAlgos: 0, requestTime: Date.now(), nonce: randomNonce() });
      const first = await viaProxy('203.0.113.1', await start());
      expect(((await first.json()) as any).limits.maxSessions).toBe(1);
      const second = await viaProxy('203.0.113.1', await start());
      expect([second.status, ((await second.json()) as any).error.code]).toEqual([429, 'TOO_MANY_SESSIONS']);
      expect((await viaProxy('203.0.113.1', await start())).status).toBe(429);
      expect(((await (await viaProxy('203.0.113.1', await start())).json()) as any).error.code).toBe('RATE_LIMITED');
      expect(((await (await viaProxy('203.0.113.2', await start())).json()) as any).error.code).toBe('TOO_MANY_SESSIONS');
    } finally {
      await api.stop();
    }
  });

  it('refuses to start on a fee that is not a whole number of basis points', async () => {
    const api = runApi(['--platform-fee-bps', '12.5']);
    const r = await api.ready;
    await api.stop();
    expect(r).toMatchObject({ exit: 2 });
    expect('err' in r && r.err).toContain('--platform-fee-bps');
  });

  it('loads a packaged title’s keys with --media-keys and releases them with the lead of --key-lead-seconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sippar-cli-keys-'));
    const file = join(dir, 'film.keys.json');
    keysFile(file, 'film-1', 2);
    const catalog = catalogFile({ titles: [{ contentId: 'film-1', title: 'Film', rateMicroAlgos: 100 }] });
    const api = runApi(['--media-keys', file, '--key-lead-seconds', '6', '--catalog', catalog]);
    try {
      const r = await api.ready;
      if (!('url' in r)) throw new Error(`API exited: ${r.err}`);
      const c = createApiClient({ baseUrl: r.url });
      const v = await makeViewer();
      await c.devCredit({ principal: v.principal, microAlgos: 10_000 });
      const s = await c.start(await signedStartRequest(v, { api: r.url, contentId: 'film-1', rateMicroAlgos: 100, requestTime: Date.now(), nonce: randomNonce() }));
      const get = async (i: number) => fetch((await signKeyUrl(`${r.url}/streaming/keys/film-1/${i}`, r.url, s.sessionId, v))!);
      const first = await get(0);
      expect(Buffer.from(await first.arrayBuffer()).toString('hex')).toBe('1'.repeat(32));
      expect((await get(1)).status).toBe(402);
    } finally {
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a keys file it cannot read, naming it', async () => {
    const api = runApi(['--media-keys', '/nonexistent/film.keys.json']);
    const r = await api.ready;
    await api.stop();
    expect(r).toMatchObject({ exit: expect.any(Number) });
    expect('exit' in r && r.exit).not.toBe(0);
    expect('err' in r && r.err).toContain('/nonexistent/film.keys.json');
  });
});
