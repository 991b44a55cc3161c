// Two gaps of the hardened API (#10 item 5, #11): the client address behind a trusted proxy
// (--trust-proxy), and a database that cannot be reached answered 503 JSON with Retry-After, not 500.
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/app.js';
import { isDatabaseUnavailable } from '../../../server/ledger/db-errors.js';
import { MemoryLedgerStorage } from '../../../server/ledger/memory-storage.js';
import { raw, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
let s: RunningServer | undefined;
afterEach(async () => {
  await h?.close();
  await s?.close();
  h = s = undefined;
});

const analytics = (hh: Harness, forwardedFor?: string) => raw(hh, 'GET', '/streaming/session/analytics', undefined, forwardedFor ? { 'x-forwarded-for': forwardedFor } : {});

describe('--trust-proxy', () => {
  const oneRequest = { perClient: { perSecond: 0.001, burst: 1 }, perViewer: false } as const;

  it('off (default): X-Forwarded-For is ignored, so a client cannot pick its own limit key', async () => {
    h = await startHarness({ rateLimits: oneRequest });
    expect(h.server.options.trustProxy).toBe(false);
    expect((await analytics(h, '203.0.113.1')).status).toBe(200);
    const second = await analytics(h, '203.0.113.2');
    expect(second.status).toBe(429);
    expect(second.json.error.code).toBe('RATE_LIMITED');
  });

  it('on: the per-client limit keys on the last X-Forwarded-For address (the one the proxy appended)', async () => {
    h = await startHarness({ rateLimits: oneRequest, trustProxy: true });
    expect((await analytics(h, '203.0.113.1')).status).toBe(200);
    expect((await analytics(h, '198.51.100.7, 203.0.113.2')).status).toBe(200);
    // What a client writes before the proxy's own entry does not change its key.
    expect((await analytics(h, '10.9.9.9, 203.0.113.2')).status).toBe(429);
    expect((await analytics(h, '203.0.113.1')).status).toBe(429);
    // No header: the socket's address.
    expect((await analytics(h)).status).toBe(200);
    expect((await analytics(h)).status).toBe(429);
  });
});

describe('database unavailable', () => {
  /** A store whose database went away: every call fails the way node-postgres fails then. */
  class DownStorage extends MemoryLedgerStorage {
    failure: Error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    override async totals(): Promise<never> {
      throw this.failure;
    }
  }

  it('answers 503 DATABASE_UNAVAILABLE as JSON with Retry-After, and 500 INTERNAL only for anything else', async () => {
    const store = new DownStorage();
    s = await startServer({ dev: true, quiet: true }, store);
    const res = await fetch(`${s.url}/streaming/session/analytics`);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toEqual({ error: { code: 'DATABASE_UNAVAILABLE', message: 'the ledger database is unavailable; retry shortly' } });
    store.failure = new TypeError('a bug');
    const bug = await fetch(`${s.url}/streaming/session/analytics`);
    expect([bug.status, ((await bug.json()) as any).error.code]).toEqual([500, 'INTERNAL']);
  });

  it('knows the failures of a database going away, and nothing else', () => {
    const e = (code: string | undefined, message = 'x') => Object.assign(new Error(message), code === undefined ? {} : { code });
    for (const down of [e('ECONNREFUSED'), e('ECONNRESET'), e('57P01'), e('57P03'), e('08006'), e('53300'), e('SQLITE_BUSY'), e('SQLITE_IOERR_WRITE'),
      e(undefined, 'Connection terminated unexpectedly'), e(undefined, 'timeout exceeded when trying to connect'), e(undefined, 'Query read timeout')]) {
      expect(isDatabaseUnavailable(down)).toBe(true);
    }
    for (const other of [e('23505'), e('SQ001'), e('SQLITE_CONSTRAINT'), e(undefined, 'Cannot read properties of undefined'), null, 'ECONNREFUSED']) {
      expect(isDatabaseUnavailable(other)).toBe(false);
    }
  });
});
