// Payments pieces that need a real browser: the IndexedDB session store, real Web Locks, and the
// payment overlay inside <sippar-player>. Assertions compare strings and numbers only.
import '../../src/index.js';
import type { SipparPlayer } from '../../src/sippar-player.js';
import { indexedDbStore, sessionKey, type StoredSession } from '../../src/payments/outbox-store.js';
import { TabLock, lockName } from '../../src/payments/tab-lock.js';
import { fakePaymentApi } from '../../stories/support/fake-payment-api.js';

const check = (ok: boolean, m: string) => { if (!ok) throw new Error(m); };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const row = (seq: number, sessionId = 's1'): StoredSession => ({
  key: sessionKey('http://api', 'p', 'film'), api: 'http://api', principal: 'p', contentId: 'film', updatedAt: 0,
  sessionId, rateMicroAlgos: 1000, acked: null, signed: { seq, seconds: seq, microAlgos: seq * 1000 },
  pending: { tick: { sessionId, seq, seconds: seq, microAlgos: seq * 1000, mediaTime: 0, clientTime: 0 }, signature: 'ab' },
});

describe('payments in the browser', () => {
  it('IndexedDB store: a row survives a new store (reload) and a write never moves the head back', async () => {
    const name = `sippar-payments-test-${Math.random()}`;
    const a = indexedDbStore(name);
    await a.save(row(5));
    const b = indexedDbStore(name); // a fresh connection, as after a reload
    check((await b.load(row(5).key))?.signed.seq === 5, 'row not found after reopen');
    await a.save(row(3)); // a late write from a tab that lost the lock
    check((await b.load(row(5).key))?.signed.seq === 5, 'an older head overwrote a newer one');
    await a.save(row(2, 's2')); // a new session may replace the old one
    check((await b.load(row(5).key))?.sessionId === 's2', 'a new session was not stored');
    await b.remove(row(5).key);
    check((await a.load(row(5).key)) === undefined, 'row not removed');
  });

  it('Web Locks: the second tab is refused, "watch here" steals and the first is told', async () => {
    const name = lockName('http://api', `p-${Math.random()}`, 'film');
    let lost = 0;
    const one = new TabLock(name, navigator.locks, () => lost++);
    const two = new TabLock(name, navigator.locks, () => undefined);
    check(await one.acquire(), 'first tab did not get the lock');
    check(!(await two.acquire()), 'second tab got the lock too');
    check(await two.steal(), 'steal failed');
    await sleep(50);
    check(lost === 1 && !one.isHeld, `first tab not told (${lost})`);
    two.drop();
    await sleep(50);
    check(await one.acquire(), 'lock not freed by drop');
    one.drop();
  });

  it('<sippar-player> renders the payment overlay from its payments store and takes injected services', async () => {
    // A balance of 3 s: the fake API (the shared ledger rules) charges 3 s, then answers 402 with a zero balance.
    const { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } = await import('@dfinity/identity');
    const session = await ECDSAKeyIdentity.generate();
    const chain = await DelegationChain.create(Ed25519KeyIdentity.generate(), session.getPublicKey(), new Date(Date.now() + 3_600_000));
    const api = fakePaymentApi({ balanceMicroAlgos: 3000 });
    const el = document.createElement('sippar-player') as SipparPlayer;
    el.setAttribute('lang', 'en');
    el.setAttribute('rate', '0.001');
    el.setAttribute('content-id', 'film-1');
    let retried = 0;
    el.services = { ...api.services(), auth: { identity: DelegationIdentity.fromDelegation(session, chain) } };
    el.muted = true;
    el.src = '/media/basic/index.m3u8';
    document.body.append(el);
    await el.updateComplete;
    const payments = el.payments!;
    const original = payments.retry.bind(payments);
    payments.retry = () => { retried++; original(); };
    await el.play();
    const t0 = performance.now();
    while (payments.state.status !== 'insufficient-funds') {
      check(performance.now() - t0 < 15_000, `status ${JSON.stringify(payments.state)}`);
      await sleep(50);
    }
    await el.updateComplete;
    const overlay = el.shadowRoot!.querySelector('[part~="payment"]');
    check(!!overlay, 'no payment overlay');
    check(overlay!.getAttribute('data-code') === 'INSUFFICIENT_FUNDS', `code ${overlay!.getAttribute('data-code')}`);
    check((overlay!.textContent ?? '').includes('Balance: 0.000 ALGO'), `text ${overlay!.textContent}`);
    check(el.paused, 'playing past the 402');
    (overlay!.querySelector('button') as HTMLButtonElement).click();
    check(retried === 1, 'retry not wired');
    await el.updateComplete;
    check((payments.state.status as string) === 'active', `status after retry ${payments.state.status}`);
    check(!el.shadowRoot!.querySelector('[part~="payment"]'), 'overlay still shown when active');
    el.remove();
  });

  it('an identity injected through player.services.auth lets the real element play past the preview and sign ticks', async () => {
    const { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } = await import('@dfinity/identity');
    const root = Ed25519KeyIdentity.generate();
    const session = await ECDSAKeyIdentity.generate();
    const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 3_600_000));
    const identity = DelegationIdentity.fromDelegation(session, chain);
    const api = fakePaymentApi({ balanceMicroAlgos: 1_000_000 });
    const el = document.createElement('sippar-player');
    el.setAttribute('lang', 'en');
    el.setAttribute('rate', '0.001');
    el.setAttribute('content-id', 'injected-identity');
    el.services = { ...api.services(), auth: { identity } };
    el.muted = true;
    el.src = '/media/basic/index.m3u8';
    document.body.append(el);
    await el.updateComplete;
    await el.play();
    const t0 = performance.now();
    while ((el.payments!.state.acknowledged?.seconds ?? 0) < 2) {
      check(performance.now() - t0 < 12_000, `acknowledged ${JSON.stringify(el.payments!.state)}`);
      await sleep(50);
    }
    check(!el.paused, 'the sign-in gate held playback despite the injected identity');
    check(!el.shadowRoot!.querySelector('[part~="login"][role="dialog"]'), 'sign-in dialog over an injected identity');
    check(el.payments!.state.status === 'active', `status ${el.payments!.state.status}`);
    el.remove();
  });
});
