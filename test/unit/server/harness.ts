/** Real keys and signatures for server tests: Ed25519 root (the dev IdP's), ECDSA P-256 session key (II's). */
import { DelegationChain, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { startServer, type RunningServer, type ServerOptions } from '../../../server/app.js';
import {
  createApiClient,
  randomNonce,
  signedStartRequest,
  signedTickRequest,
  signedViewerRequest,
  type ApiClient,
  type SessionSigner,
} from '../../../src/payments/api-client.js';
import type { DelegationChainJson, SessionStartResponse, TickRequest } from '../../../src/payments/protocol.js';
import type { Tick } from '../../../src/payments/tick.js';
import { postgresUrl } from '../../support/postgres-store.js';
import { defaultSplits } from '../../../server/catalog/catalog-rules.js';

export interface Viewer extends SessionSigner {
  principal: string;
  root: Ed25519KeyIdentity;
  session: ECDSAKeyIdentity | Ed25519KeyIdentity;
}

export async function makeViewer(
  opts: { expiration?: Date; targets?: Principal[]; sessionKey?: 'p256' | 'ed25519' } = {},
): Promise<Viewer> {
  const root = Ed25519KeyIdentity.generate();
  const session = opts.sessionKey === 'ed25519' ? Ed25519KeyIdentity.generate() : await ECDSAKeyIdentity.generate();
  const chain = await DelegationChain.create(root, session.getPublicKey(), opts.expiration ?? new Date(Date.now() + 3600_000), {
    targets: opts.targets,
  });
  return {
    principal: Principal.selfAuthenticating(root.getPublicKey().toDer()).toText(),
    root,
    session,
    sessionPublicKey: new Uint8Array(session.getPublicKey().toDer()),
    delegationChain: chain.toJSON() as DelegationChainJson,
    sign: async (bytes) => new Uint8Array(await session.sign(bytes)),
  };
}

export interface Harness {
  server: RunningServer;
  api: ApiClient;
  url: string;
  /** Test clock, Unix ms; advance with `clock.now += …`. */
  clock: { now: number };
  close(): Promise<void>;
}

/** Which ledger the server suites run on: the vitest project `server-postgres` sets SIPPAR_TEST_DB=postgres. */
const defaultDb = () => (process.env.SIPPAR_TEST_DB === 'postgres' ? postgresUrl() : ':memory:');

/** v3: what the server suites sell unless a test gives its own catalog (`forged`: the canister-flood bench's starts). */
export const TEST_CATALOG = {
  titles: [
    { contentId: 'film-1', title: 'Film one', rateMicroAlgos: 100 },
    { contentId: 'film-2', title: 'Film two', rateMicroAlgos: 50 },
    { contentId: 'other', title: 'Another film', rateMicroAlgos: 100 },
    { contentId: 'c', title: 'Free film', rateMicroAlgos: 0 },
    { contentId: 'forged', title: 'Forged starts', rateMicroAlgos: 1 },
  ],
};

export async function startHarness(options: ServerOptions = {}): Promise<Harness> {
  const clock = { now: Date.now() };
  const server = await startServer({ dev: true, quiet: true, db: defaultDb(), now: () => clock.now, catalog: TEST_CATALOG, ...options });
  await server.catalogReady;
  return { server, url: server.url, api: createApiClient({ baseUrl: server.url }), clock, close: () => server.close() };
}

export async function credit(h: Harness, v: Viewer, microAlgos: number) {
  return h.api.devCredit({ principal: v.principal, microAlgos });
}

/**
 * v3: the catalog sells `contentId` at `rateMicroAlgos` with `previewSeconds` free (0 unless given), split
 * by the server's platform fee — stored directly, as the catalog file or the admin API would.
 */
export async function sell(h: Harness, contentId: string, rateMicroAlgos: number, previewSeconds = 0): Promise<void> {
  const now = h.clock.now;
  await h.server.ledger.putTitle({ contentId, title: contentId, rateMicroAlgos, previewSeconds, splits: defaultSplits(h.server.options.platformFeeBps) }, now);
}

/** Starts a session; the title is put in the catalog at this rate first when the catalog has it at another. */
export async function startSession(h: Harness, v: Viewer, rateMicroAlgos = 100, contentId = 'film-1'): Promise<SessionStartResponse> {
  // A harness-shaped view of a separate process has no `server`: its titles come from its --catalog.
  const listed = h.server && (await h.server.ledger.title(contentId));
  if (h.server && listed?.rateMicroAlgos !== rateMicroAlgos) await sell(h, contentId, rateMicroAlgos, listed?.previewSeconds ?? 0);
  return h.api.start(await signedStartRequest(v, { api: h.url, contentId, rateMicroAlgos, requestTime: h.clock.now, nonce: randomNonce() }));
}

export function makeTick(s: { sessionId: string; rateMicroAlgos: number }, seq: number, seconds: number, extra: Partial<Tick> = {}): Tick {
  return { sessionId: s.sessionId, seq, seconds, microAlgos: seconds * s.rateMicroAlgos, mediaTime: seconds * 1000, clientTime: Date.now(), ...extra };
}

export function signTick(v: Viewer, tick: Tick, withKey = true): Promise<TickRequest> {
  return signedTickRequest(v.sign, tick, withKey ? v.sessionPublicKey : undefined);
}

export { signedViewerRequest, signedStartRequest };

/** Raw request for cases the client would never send (garbage JSON, huge bodies, foreign origins). */
export async function raw(h: Harness, method: string, path: string, body?: string, headers: Record<string, string> = {}) {
  const res = await fetch(h.url + path, { method, body, headers: { 'content-type': 'application/json', ...headers } });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers };
}

/** Expects the promise to reject with a PaymentApiError of this code; returns the error. */
export async function refused(p: Promise<unknown>, code: string, status?: number): Promise<any> {
  try {
    await p;
  } catch (e: any) {
    if (e?.code !== code || (status !== undefined && e.status !== status)) {
      throw new Error(`expected ${code}${status ? ` (${status})` : ''}, got ${e?.code} (${e?.status}): ${e?.message}`);
    }
    return e;
  }
  throw new Error(`expected ${code}, but the request succeeded`);
}
