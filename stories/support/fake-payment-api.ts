// The payment API in the page, for stories: the element's own API client (createPaymentApi) over a
// fetch that answers like server/ does, so payment states need no server. Modes:
//   'ok'          — every second is billed while the balance lasts, then 402 as the server would
//   'unreachable' — the session starts, then every tick fails at the network level (status 0)
import type { NetworkRule } from '../../.storybook/network';
import { createPaymentApi } from '../../src/payments/transport';
import type { PaymentServices } from '../../src/payments/payments-controller';
import { memoryStore } from '../../src/payments/outbox-store';

export const FAKE_API = 'https://payments.example';
// A valid Algorand address (32 zero bytes and their checksum): the element checks it with algosdk.
const ADDRESS = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAY5HFKQ';

export interface FakeApiOptions {
  balanceMicroAlgos: number;
  mode?: 'ok' | 'unreachable';
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export function fakePaymentApi({ balanceMicroAlgos, mode = 'ok' }: FakeApiOptions) {
  let balance = balanceMicroAlgos;
  let rate = 0;
  let ledger = { sessionId: 'story-session', seq: 0, seconds: 0, microAlgos: 0, balanceMicroAlgos: balance, status: 'active' };
  const reset = () => {
    balance = balanceMicroAlgos;
    rate = 0;
    ledger = { sessionId: 'story-session', seq: 0, seconds: 0, microAlgos: 0, balanceMicroAlgos: balance, status: 'active' };
  };

  async function handle(url: string, init?: RequestInit): Promise<Response> {
    const path = new URL(url).pathname;
    const body = init?.body ? JSON.parse(String(init.body)) : {};
    if (path === '/streaming/viewer') return json(200, { principal: 'story', algorandAddress: ADDRESS, balanceMicroAlgos: balance });
    if (path === '/streaming/session/start') {
      rate = body.rateMicroAlgos;
      const now = Date.now();
      return json(200, {
        sessionId: ledger.sessionId, principal: 'story', algorandAddress: ADDRESS, contentId: body.contentId,
        rateMicroAlgos: rate, balanceMicroAlgos: balance, startedAt: now,
        limits: { maxPlaybackRate: 2, slackSeconds: 5, maxBodyBytes: 16384, maxClockSkewMs: 300_000, maxRateMicroAlgos: 1_000_000, expiresAt: now + 8 * 3600_000 },
      });
    }
    if (mode === 'unreachable') throw new TypeError('Failed to fetch');
    const tick = body.tick as { seq: number; seconds: number; microAlgos: number };
    const owed = tick.microAlgos - ledger.microAlgos;
    if (owed > balance) {
      // Charge the whole seconds the balance covers, then refuse, as the reference server does.
      const affordable = rate > 0 ? Math.floor(balance / rate) : 0;
      balance -= affordable * rate;
      ledger = { ...ledger, seconds: ledger.seconds + affordable, microAlgos: ledger.microAlgos + affordable * rate, balanceMicroAlgos: balance, status: 'exhausted' };
      return json(402, { error: { code: 'INSUFFICIENT_FUNDS', message: 'The balance does not cover this second.' }, ledger });
    }
    balance -= owed;
    ledger = { ...ledger, seq: tick.seq, seconds: tick.seconds, microAlgos: tick.microAlgos, balanceMicroAlgos: balance };
    return json(200, ledger);
  }

  const fakeFetch = (input: RequestInfo | URL, init?: RequestInit) =>
    handle(input instanceof Request ? input.url : String(input), init);

  return {
    /** Back to the starting balance and an empty ledger (each time the story renders). */
    reset,
    /** `player.services`: payments through the element's own client, session kept in memory, no tab lock. */
    services: (): PaymentServices => {
      const api = createPaymentApi(FAKE_API, { fetch: fakeFetch });
      return { api, keepaliveApi: api, store: memoryStore(), locks: null };
    },
    /** The identity code's whoami goes through the page's fetch: the preview routes it here. */
    network: [{ match: FAKE_API, action: 'respond', respond: handle }] satisfies NetworkRule[],
  };
}
