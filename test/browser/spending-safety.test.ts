// Protocol v3 spending safety in the real element (Chromium): the payment API's refusals reach the viewer
// as clear, localised states. The API is the page's fetch answered here: a budget refusal after the first
// second (as for a resumed session that had spent its signed budget), a limit of live sessions.
// Assertions compare strings and numbers only (the runner hangs on failures that carry DOM nodes).
import '../../src/index.js';
import type { SipparPlayer } from '../../src/sippar-player.js';
import { memoryStore } from '../../src/payments/outbox-store.js';
import { check, equal, part, waitFor } from './helpers.js';

interface Start { budgetMicroAlgos: number | null }

/** A payment API: `refuseStart` answers every start 429 TOO_MANY_SESSIONS; otherwise session 1 bills one second, then BUDGET_EXCEEDED. */
function fakeApi(opts: { refuseStart?: boolean } = {}) {
  const starts: Start[] = [];
  const real = window.fetch;
  const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const held = new Map<string, { seq: number; seconds: number }>();
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!url.pathname.startsWith('/streaming/')) return real(input, init);
    const body = init?.body ? JSON.parse(String(init.body)) : {};
    if (url.pathname.endsWith('/session/start')) {
      if (opts.refuseStart) return answer(429, { error: { code: 'TOO_MANY_SESSIONS', message: 'this viewer already has 3 live sessions' } });
      starts.push({ budgetMicroAlgos: body.budgetMicroAlgos });
      const sessionId = `s${starts.length}`;
      held.set(sessionId, { seq: 0, seconds: 0 });
      return answer(200, { sessionId, principal: 'p', algorandAddress: 'A', contentId: body.contentId, rateMicroAlgos: body.rateMicroAlgos, budgetMicroAlgos: body.budgetMicroAlgos,
        balanceMicroAlgos: 1e12, startedAt: Date.now(), limits: { maxPlaybackRate: 2, slackSeconds: 90, maxBodyBytes: 16384, maxClockSkewMs: 3e5, maxRateMicroAlgos: 1e6, expiresAt: Date.now() + 36e5, maxSessions: 3 } });
    }
    if (url.pathname.endsWith('/viewer')) return answer(200, { principal: 'p', algorandAddress: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAY5HFKQ', balanceMicroAlgos: 1e12 });
    const t = body.tick;
    const h = held.get(t.sessionId)!;
    const ledger = () => ({ sessionId: t.sessionId, seq: h.seq, seconds: h.seconds, microAlgos: h.seconds * 1000, balanceMicroAlgos: 1e12, status: 'active' });
    if (t.sessionId === 's1' && t.seconds > 1) return answer(409, { error: { code: 'BUDGET_EXCEEDED', message: 'past the budget' }, ledger: ledger() });
    h.seq = t.seq;
    h.seconds = t.seconds;
    return answer(200, ledger());
  };
  return { starts, restore: () => { window.fetch = real; } };
}

async function paidPlayer(attrs: Record<string, string>): Promise<SipparPlayer> {
  const { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } = await import('@dfinity/identity');
  const session = await ECDSAKeyIdentity.generate();
  const chain = await DelegationChain.create(Ed25519KeyIdentity.generate(), session.getPublicKey(), new Date(Date.now() + 3_600_000));
  const el = document.createElement('sippar-player') as SipparPlayer;
  for (const [k, v] of Object.entries({ rate: '0.001', 'content-id': 'film', api: 'https://pay.example', src: '/media/basic/index.m3u8', ...attrs })) el.setAttribute(k, v);
  el.services = { auth: { identity: DelegationIdentity.fromDelegation(session, chain) }, store: memoryStore(), locks: null };
  el.muted = true;
  document.body.append(el);
  await el.updateComplete;
  return el;
}

const text = (el: SipparPlayer, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

describe('spending safety (v3)', () => {
  let api: ReturnType<typeof fakeApi> | undefined;
  afterEach(() => {
    api?.restore();
    document.querySelectorAll('sippar-player').forEach((p) => p.remove());
  });

  it('a budget refusal pauses behind the budget overlay; Continue starts a session signed with the larger budget', async () => {
    api = fakeApi();
    const el = await paidPlayer({ lang: 'en', budget: '0.01' });
    await el.play();
    await waitFor(() => el.payments!.state.status === 'budget', 'the budget refusal', 15_000);
    await waitFor(() => el.paused, 'paused at the server budget');
    equal(el.blockers[0], 'budget', 'top blocker');
    check(text(el, 'budget').startsWith('Budget of 0.010 ALGO reached'), `overlay: "${text(el, 'budget')}"`);
    equal(api.starts.map((s) => s.budgetMicroAlgos).join(), '10000', 'budget signed into the first start');
    (part(el, 'budget-button') as HTMLButtonElement).click();
    await waitFor(() => api!.starts.length === 2, 'a new session after Continue', 10_000);
    equal(api.starts[1]!.budgetMicroAlgos, 20_000, 'budget signed into the second start');
    await waitFor(() => el.payments!.state.status === 'active' && !el.paused, 'playing again', 10_000);
  });

  it('too many live sessions: a clear message in the page language, with Try again', async () => {
    api = fakeApi({ refuseStart: true });
    const el = await paidPlayer({ lang: 'fr' });
    await el.play();
    await waitFor(() => el.payments!.state.status === 'error', 'the start refused', 15_000).catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(el.payments!.state)} ${el.blockers.join()} ${el.paused}`);
    });
    await waitFor(() => el.paused, 'paused');
    equal(part(el, 'payment')?.getAttribute('data-code'), 'PAYMENT_TOO_MANY_SESSIONS', 'overlay code');
    check(text(el, 'payment').includes('Vous regardez déjà sur trop d’écrans'), `overlay: "${text(el, 'payment')}"`);
    check(text(el, 'payment-button') === 'Réessayer', `button: "${text(el, 'payment-button')}"`);
  });
});
