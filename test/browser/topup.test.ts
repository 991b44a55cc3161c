// From a low balance to watching again without leaving the player: the balance in the badge and a strip
// before it runs out, "Top up" asking the platform (sippar-topup-request, topup-url), and playback that
// continues by itself once the platform says the top-up is done. The counter keeps the free preview apart
// from billed time and money.
import '../../src/index.js';
import type { SipparPlayer } from '../../src/sippar-player.js';
import type { SipparTopupRequestDetail } from '../../src/events.js';
import { fakePaymentApi } from '../../stories/support/fake-payment-api.js';
import { check, equal, part, waitFor } from './helpers.js';

async function identity() {
  const { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } = await import('@dfinity/identity');
  const session = await ECDSAKeyIdentity.generate();
  const chain = await DelegationChain.create(Ed25519KeyIdentity.generate(), session.getPublicKey(), new Date(Date.now() + 3_600_000));
  return DelegationIdentity.fromDelegation(session, chain);
}

const text = (el: SipparPlayer, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('top-up and the counter', () => {
  afterEach(() => document.querySelectorAll('sippar-player').forEach((p) => p.remove()));

  it('a low balance shows before it runs out; Top up asks the platform; once done, playback continues by itself', async () => {
    const api = fakePaymentApi({ balanceMicroAlgos: 3000 });
    const el = document.createElement('sippar-player') as SipparPlayer;
    for (const [k, v] of Object.entries({ lang: 'en', rate: '0.001', 'content-id': 'topup-film', 'topup-url': 'https://platform.example/top-up', fiat: 'USD 0.20' })) el.setAttribute(k, v);
    el.services = { ...api.services(), auth: { identity: await identity() } };
    el.muted = true;
    el.src = '/media/basic/index.m3u8';
    document.body.append(el);
    await el.updateComplete;
    const requests: SipparTopupRequestDetail[] = [];
    el.addEventListener('sippar-topup-request', (e) => {
      requests.push(e.detail);
      e.preventDefault(); // the platform runs its own top-up: no window opens
    });
    await el.play();
    // The balance (3 s of this video) is known from the session start: below ten seconds' worth, the strip says so.
    await waitFor(() => !!part(el, 'topup'), 'the low-balance strip', 10_000);
    check(/Your balance of 0\.00[0-3] ALGO pays for about [0-3] s/.test(text(el, 'topup')), `strip: ${text(el, 'topup')}`);
    // The counter: billed time and money, three decimals, the fiat hint.
    await waitFor(() => /billed/.test(text(el, 'counter')), 'billed seconds in the counter', 10_000);
    check(/^0:0\d billed · 0\.00\d ALGO ≈ \$0\.000\d+$/.test(text(el, 'counter')), `counter: ${text(el, 'counter')}`);
    // The 402: playback stops with a Top up button beside "I topped up, continue".
    await waitFor(() => el.payments!.state.status === 'insufficient-funds', 'the 402', 12_000);
    await el.updateComplete;
    check(el.paused, 'playing past the 402');
    (part(el, 'topup-button') as HTMLButtonElement).click();
    equal(requests.length, 1, 'sippar-topup-request events');
    equal(requests[0]!.reason, 'insufficient-funds', 'reason');
    equal(requests[0]!.topupUrl, 'https://platform.example/top-up', 'topupUrl');
    equal(requests[0]!.rateMicroAlgos, 1000, 'rate');
    // The platform credits the viewer and says so: no other click, playback resumes and billing goes on.
    const billed = el.payments!.state.acknowledged.seconds;
    api.credit(1_000_000);
    requests[0]!.done();
    await waitFor(() => !el.paused, 'playback resumed by itself', 8_000);
    await waitFor(() => el.payments!.state.acknowledged.seconds > billed, 'billing after the top-up', 10_000);
    equal(el.payments!.state.status, 'active', 'payment status');
    check(!part(el, 'topup'), 'the low-balance strip outlived the top-up');
  });

  it('the counter keeps the free preview apart: preview progress, then billed time from zero', async () => {
    // v3: the server holds the preview (the fake as the reference server would, with a 2 s preview).
    const api = fakePaymentApi({ balanceMicroAlgos: 1_000_000, previewSeconds: 2 });
    const el = document.createElement('sippar-player') as SipparPlayer;
    for (const [k, v] of Object.entries({ lang: 'en', rate: '0.001', 'preview-seconds': '2', 'content-id': 'preview-film' })) el.setAttribute(k, v);
    el.services = { ...api.services(), auth: { identity: await identity() } };
    el.muted = true;
    el.src = '/media/basic/index.m3u8';
    document.body.append(el);
    await el.updateComplete;
    equal(text(el, 'counter'), '0.001 ALGO / second · 2 s free', 'before play');
    await el.play();
    await waitFor(() => /^Free preview · 0:0[01] of 0:02$/.test(text(el, 'counter')), `preview progress (${text(el, 'counter')})`, 8_000);
    await waitFor(() => /^0:0[12] billed · 0\.00[12] ALGO$/.test(text(el, 'counter')), `billed time apart from the preview (${text(el, 'counter')})`, 10_000);
    el.pause();
  });
});
