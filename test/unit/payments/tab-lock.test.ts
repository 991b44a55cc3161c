import { describe, it, expect } from 'vitest';
import { TabLock, lockName } from '../../../src/payments/tab-lock.js';
import { FakeLocks } from './fake-locks.js';

const settle = () => new Promise((r) => setImmediate(r));

describe('TabLock', () => {
  const name = lockName('https://api', 'principal-a', 'film-1');

  it('gives the lock to the first tab only', async () => {
    const locks = new FakeLocks();
    const a = new TabLock(name, locks, () => undefined);
    const b = new TabLock(name, locks, () => undefined);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await a.acquire()).toBe(true); // re-entrant for the holder
  });

  it('lets a tab steal; the other is told it lost', async () => {
    const locks = new FakeLocks();
    let lost = 0;
    const a = new TabLock(name, locks, () => lost++);
    const b = new TabLock(name, locks, () => undefined);
    await a.acquire();
    expect(await b.steal()).toBe(true);
    await settle();
    expect(lost).toBe(1);
    expect(a.isHeld).toBe(false);
    expect(b.isHeld).toBe(true);
    expect(await a.acquire()).toBe(false);
  });

  it('frees the lock on drop', async () => {
    const locks = new FakeLocks();
    const a = new TabLock(name, locks, () => undefined);
    const b = new TabLock(name, locks, () => undefined);
    await a.acquire();
    a.drop();
    await settle();
    expect(await b.acquire()).toBe(true);
  });

  it('meters everywhere when the browser has no Web Locks', async () => {
    expect(await new TabLock(name, undefined, () => undefined).acquire()).toBe(true);
  });

  it('names the lock per api, principal and content', () => {
    expect(lockName('a', 'p', 'c')).not.toBe(lockName('a', 'p', 'd'));
    expect(lockName('a', 'p', 'c')).not.toBe(lockName('a', 'q', 'c'));
  });
});
