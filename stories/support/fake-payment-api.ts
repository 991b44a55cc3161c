// The payment API in the page, for stories: the element's own API client (createPaymentApi) over a
// fetch that answers with the server's own ledger rules (server/ledger: tick-rules over the in-memory
// store), so payment states need no server. Modes:
//   'ok'          — every second is billed while the balance lasts, then 402 as the server would
//   'unreachable' — the session starts, then every tick fails at the network level (status 0)
import type { NetworkRule } from '../../.storybook/network';
import { ApiError } from '../../server/errors';
import { freeSecondsAtStart } from '../../server/catalog/catalog-rules';
import { applyTick, openSession, tickAnswer } from '../../server/ledger/ledger-service';
import { MemoryLedgerStorage } from '../../server/ledger/memory-storage';
import { createPaymentApi } from '../../src/payments/transport';
import type { PaymentServices } from '../../src/payments/payments-controller';
import { memoryStore } from '../../src/payments/outbox-store';
import { canonicalTickJson, validateTick } from '../../src/payments/tick';

export const FAKE_API = 'https://payments.example';
// A valid Algorand address (32 zero bytes and their checksum): the element checks it with algosdk.
const ADDRESS = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAY5HFKQ';
const PRINCIPAL = 'story';
// The limits the reference server has by default (server/config.ts), announced at start and applied.
const LIMITS = { maxPlaybackRate: 2, slackSeconds: 5, platformFeeBps: 1_000 };

export interface FakeApiOptions {
  balanceMicroAlgos: number;
  mode?: 'ok' | 'unreachable';
  /** The title's free preview, held as the server holds it (protocol v3): per viewer, across sessions. Default 0. */
  previewSeconds?: number;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

export function fakePaymentApi({ balanceMicroAlgos, mode = 'ok', previewSeconds = 0 }: FakeApiOptions) {
  let store = new MemoryLedgerStorage();
  let sessions = 0;
  const reset = () => {
    store = new MemoryLedgerStorage();
    store.creditNow(PRINCIPAL, ADDRESS, balanceMicroAlgos);
  };
  reset();
  const encoder = new TextEncoder();

  async function route(path: string, body: Record<string, unknown>): Promise<Response> {
    if (path === '/streaming/viewer') {
      return json(200, { principal: PRINCIPAL, algorandAddress: ADDRESS, balanceMicroAlgos: await store.ensureViewer(PRINCIPAL, ADDRESS) });
    }
    if (path === '/streaming/session/start') {
      const now = Date.now();
      const sessionId = `story-session-${++sessions}`;
      const rateMicroAlgos = body.rateMicroAlgos as number;
      // The server's rule: what is left of the preview after this viewer's earlier sessions of the title.
      const freeSeconds = freeSecondsAtStart(previewSeconds, await store.previewUse(PRINCIPAL, String(body.contentId)));
      const balance = await openSession(
        store,
        { id: sessionId, principal: PRINCIPAL, contentId: String(body.contentId), rate: rateMicroAlgos, budget: (body.budgetMicroAlgos as number | null | undefined) ?? null, sessionKey: new Uint8Array(1), startHash: encoder.encode(sessionId), startedAt: now, expiresAt: now + 8 * 3600_000, freeSeconds, splits: null },
        ADDRESS,
      );
      return json(200, {
        sessionId, principal: PRINCIPAL, algorandAddress: ADDRESS, contentId: body.contentId, rateMicroAlgos, balanceMicroAlgos: balance, startedAt: now, previewSeconds, freeSeconds,
        limits: { maxPlaybackRate: LIMITS.maxPlaybackRate, slackSeconds: LIMITS.slackSeconds, maxBodyBytes: 16384, maxClockSkewMs: 300_000, maxRateMicroAlgos: 1_000_000, expiresAt: now + 8 * 3600_000 },
      });
    }
    if (mode === 'unreachable') throw new TypeError('Failed to fetch');
    // Sign-out (protocol v3): the story's viewer signs out; nothing here checks a session key.
    if (path === '/streaming/session/revoke') return json(200, { revoked: true, principal: PRINCIPAL, revokedAt: Date.now() });
    const tick = validateTick(body.tick);
    // No signature check in the page: the story's ticks are the element's own, signed by its session key.
    const input = { tick, tickHash: encoder.encode(canonicalTickJson(tick)), signature: encoder.encode(String(body.signature)) };
    const out = await applyTick(store, input, { ...LIMITS, now: Date.now(), settle: path === '/streaming/session/pause' });
    const answer = tickAnswer(out, tick.seconds);
    return json(answer.status, answer.body);
  }

  async function handle(url: string, init?: RequestInit): Promise<Response> {
    try {
      return await route(new URL(url).pathname, init?.body ? JSON.parse(String(init.body)) : {});
    } catch (e) {
      if (e instanceof ApiError) return json(e.status, e.body());
      throw e;
    }
  }

  const fakeFetch = (input: RequestInfo | URL, init?: RequestInit) =>
    handle(input instanceof Request ? input.url : String(input), init);

  return {
    /** Back to the starting balance and an empty ledger (each time the story renders). */
    reset,
    /** A top-up: the viewer's balance grows by `microAlgos`. */
    credit: (microAlgos: number) => void store.creditNow(PRINCIPAL, ADDRESS, microAlgos),
    /** `player.services`: payments through the element's own client, session kept in memory, no tab lock. */
    services: (): PaymentServices => {
      const api = createPaymentApi(FAKE_API, { fetch: fakeFetch });
      return { api, keepaliveApi: api, store: memoryStore(), locks: null };
    },
    /** The identity code's whoami goes through the page's fetch: the preview routes it here. */
    network: [{ match: FAKE_API, action: 'respond', respond: handle }] satisfies NetworkRule[],
  };
}
