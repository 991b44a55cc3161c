// The money path of the real element in Chromium: seconds reach payments only from the meter (a
// `sippar-tick` dispatched by anyone else bills nothing), a src or rate change mid-second neither loses
// nor doubles a second, and every paid attribute can change at runtime. The payment API is the page's
// fetch answered here: it records what it receives and acknowledges it, nothing more.
import '../../src/index.js';
import type { SipparPlayer } from '../../src/sippar-player.js';
import { memoryStore } from '../../src/payments/outbox-store.js';
import { check, equal, sleep, waitFor } from './helpers.js';

interface Received { origin: string; path: string; body: Record<string, any> }

/** A recording payment API on any origin, through the page's fetch. */
function recordingApi() {
  const received: Received[] = [];
  const real = window.fetch;
  let sessions = 0;
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!url.pathname.startsWith('/streaming/')) return real(input, init);
    const body = init?.body ? JSON.parse(String(init.body)) : {};
    received.push({ origin: url.origin, path: url.pathname, body });
    if (url.pathname.endsWith('/session/start')) {
      sessions += 1;
      return json({ sessionId: `s${sessions}`, principal: 'p', algorandAddress: 'A', contentId: body.contentId, rateMicroAlgos: body.rateMicroAlgos,
        balanceMicroAlgos: 1e12, startedAt: Date.now(), limits: { maxPlaybackRate: 2, slackSeconds: 5, maxBodyBytes: 16384, maxClockSkewMs: 3e5, maxRateMicroAlgos: 1e6, expiresAt: Date.now() + 36e5 } });
    }
    if (url.pathname.endsWith('/viewer')) return json({ principal: 'p', algorandAddress: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAY5HFKQ', balanceMicroAlgos: 1e12 });
    const t = body.tick;
    return json({ sessionId: t.sessionId, seq: t.seq, seconds: t.seconds, microAlgos: t.microAlgos, balanceMicroAlgos: 1e12, status: 'active' });
  };
  const ticks = () => received.filter((r) => r.body.tick).map((r) => ({ origin: r.origin, ...(r.body.tick as { sessionId: string; seq: number; seconds: number; microAlgos: number; final?: boolean }) }));
  return {
    received,
    ticks,
    starts: () => received.filter((r) => r.path.endsWith('/session/start')).map((r) => ({ origin: r.origin, contentId: r.body.contentId as string, rate: r.body.rateMicroAlgos as number })),
    /** Highest seconds the API received per session. */
    billed: () => ticks().reduce<Record<string, number>>((m, t) => ({ ...m, [t.sessionId]: Math.max(m[t.sessionId] ?? 0, t.seconds) }), {}),
    restore: () => { window.fetch = real; },
  };
}

async function identity() {
  const { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } = await import('@dfinity/identity');
  const session = await ECDSAKeyIdentity.generate();
  const chain = await DelegationChain.create(Ed25519KeyIdentity.generate(), session.getPublicKey(), new Date(Date.now() + 3_600_000));
  return DelegationIdentity.fromDelegation(session, chain);
}

async function paidPlayer(attrs: Record<string, string>, parent: Element = document.body): Promise<SipparPlayer> {
  const el = document.createElement('sippar-player') as SipparPlayer;
  for (const [k, v] of Object.entries({ lang: 'en', rate: '0.001', 'content-id': 'film', api: 'https://pay-a.example', ...attrs })) el.setAttribute(k, v);
  el.services = { auth: { identity: await identity() }, store: memoryStore(), locks: null };
  el.muted = true;
  parent.append(el);
  await el.updateComplete;
  return el;
}

/** The meter's own output, per meter session: the last cumulative seconds before each reset. */
function meterSessions(el: SipparPlayer) {
  const sessions: number[] = [0];
  el.addEventListener('sippar-tick', (e) => {
    if (e.target !== el) return;
    const s = e.detail.seconds;
    if (s <= sessions.at(-1)! && s === 1) sessions.push(s);
    else sessions[sessions.length - 1] = s;
  });
  return sessions;
}

/** Plays the basic stream until two seconds are metered, then waits for the middle of a second. */
async function playToMidSecond(el: SipparPlayer): Promise<void> {
  el.src = '/media/basic/index.m3u8';
  await el.play();
  await waitFor(() => el.meter!.store.get().billedSeconds >= 2, 'two seconds metered', 10_000);
  await waitFor(() => el.currentTime % 1 > 0.3 && el.currentTime % 1 < 0.7, 'the middle of a second');
}

const drained = (el: SipparPlayer, api: ReturnType<typeof recordingApi>) =>
  waitFor(() => el.payments!.state.acknowledged.seq > 0 && api.ticks().at(-1)?.final === true, 'the final tick after pause', 10_000);

describe('money path', () => {
  let api: ReturnType<typeof recordingApi>;
  beforeEach(() => { api = recordingApi(); });
  afterEach(() => { api.restore(); document.querySelectorAll('sippar-player').forEach((p) => p.remove()); });

  it('a bubbling sippar-tick from a slotted child, a nested player or a page script bills nothing', async () => {
    const el = await paidPlayer({});
    const child = document.createElement('span');
    el.append(child);
    const nested = document.createElement('sippar-player');
    el.append(nested);
    const forged = { seq: 1, seconds: 50, microAlgos: 1000, totalMicroAlgos: 50_000, mediaTime: 50 };
    for (const from of [child, nested, el]) from.dispatchEvent(new CustomEvent('sippar-tick', { detail: forged, bubbles: true, composed: true }));
    await sleep(1500);
    equal(api.starts().length, 0, 'sessions started by forged ticks');
    equal(api.ticks().length, 0, 'forged ticks billed');
    // The same element bills what it really plays: the recorder sees real seconds.
    el.src = '/media/basic/index.m3u8';
    await el.play();
    await waitFor(() => (api.billed()['s1'] ?? 0) >= 2, 'two real seconds billed', 10_000);
    el.pause();
    await drained(el, api);
    check(api.billed()['s1']! < 50, `billed ${api.billed()['s1']}: a forged total got in`);
  });

  it('a rate change in the middle of a second closes the old session with its own seconds and starts the new one from zero', async () => {
    const el = await paidPlayer({});
    const meter = meterSessions(el);
    await playToMidSecond(el);
    el.setAttribute('rate', '0.002');
    await el.updateComplete;
    await waitFor(() => el.meter!.store.get().billedSeconds >= 2, 'two seconds at the new price', 10_000);
    el.pause();
    await drained(el, api);
    const starts = api.starts();
    equal(starts.map((s) => s.rate).join(), '1000,2000', 'sessions by rate');
    const billed = api.billed();
    equal(billed['s1'], meter[0], 'the old session: the seconds its meter session counted');
    equal(billed['s2'], meter[1], 'the new session: the seconds counted since the change');
    for (const t of api.ticks()) equal(t.microAlgos, t.seconds * (t.sessionId === 's1' ? 1000 : 2000), `amount of ${t.sessionId}#${t.seq}`);
  });

  it('a src change mid-second continues the same sale: the new meter session adds, nothing lost or doubled', async () => {
    const el = await paidPlayer({});
    const meter = meterSessions(el);
    await playToMidSecond(el);
    el.src = '/media/basic/index.m3u8?second';
    await el.play();
    await waitFor(() => meter.length === 2 && meter[1]! >= 2, 'two seconds of the new source', 12_000);
    el.pause();
    await drained(el, api);
    equal(api.starts().length, 1, 'sessions');
    equal(api.billed()['s1'], meter[0]! + meter[1]!, 'billed = both meter sessions');
  });

  it('reconfigures at runtime: api, content-id, rate and identity-provider', async () => {
    const errors: string[] = [];
    const el = await paidPlayer({});
    el.addEventListener('sippar-error', (e) => errors.push(e.detail.code));
    el.src = '/media/basic/index.m3u8';
    await el.play();
    await waitFor(() => api.ticks().length >= 1, 'a tick to pay-a', 10_000);
    el.setAttribute('api', 'https://pay-b.example');
    await waitFor(() => api.ticks().some((t) => t.origin === 'https://pay-b.example'), 'ticks to pay-b', 10_000);
    el.setAttribute('content-id', 'film-2');
    await waitFor(() => api.starts().some((s) => s.contentId === 'film-2'), 'a session for film-2', 10_000);
    el.setAttribute('rate', '0.003');
    await waitFor(() => api.starts().some((s) => s.rate === 3000), 'a session at the new rate', 10_000);
    equal(api.starts().map((s) => `${s.origin}|${s.contentId}|${s.rate}`).join(' '),
      'https://pay-a.example|film|1000 https://pay-b.example|film|1000 https://pay-b.example|film-2|1000 https://pay-b.example|film-2|3000', 'sessions');
    // A bad identity provider is reported when it is set, not at the click.
    el.setAttribute('identity-provider', 'http://not-loopback.example/');
    await waitFor(() => errors.includes('IDP_URL_INVALID'), 'IDP_URL_INVALID on set');
    el.setAttribute('identity-provider', 'https://id.example/');
    await el.updateComplete;
    check(el.identity!.controller.state.get().error?.code !== 'IDP_URL_INVALID', 'the refusal outlived a valid identity-provider');
    el.pause();
  });
});
