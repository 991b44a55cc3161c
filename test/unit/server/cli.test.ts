// `npm run api`: the platform's tokens and its fee come from flags or the environment.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createApiClient, randomNonce, signedStartRequest, signedTickRequest } from '../../../src/payments/api-client.js';
import { makeViewer, refused } from './harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

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
    const api = runApi(['--analytics-token', 'ana'], { SIPPAR_ADMIN_TOKEN: 'adm', SIPPAR_PLATFORM_FEE_BPS: '2500' });
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

  it('takes the live-session limit from SIPPAR_MAX_SESSIONS and --trust-proxy as a flag', async () => {
    const api = runApi(['--trust-proxy', '--client-rate', '1'], { SIPPAR_MAX_SESSIONS: '1' });
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
});
