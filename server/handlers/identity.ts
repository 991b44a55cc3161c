/** POST /streaming/viewer and POST /streaming/session/start: the signed identity requests. */
import { createHash, randomBytes } from 'node:crypto';
import { API_PATHS, type SessionStartResponse, type ViewerResponse } from '../../src/payments/protocol.js';
import { API_IDENTITY_PATTERN, CONTENT_ID_PATTERN, apiIdentity, NONCE_PATTERN, isUint, startSigningBytes, toHex, whoamiSigningBytes } from '../../src/payments/tick.js';
import { algorandAddressOf } from '../algorand-address.js';
import { checkStartPrice, freeSecondsAtStart } from '../catalog/catalog-rules.js';
import { ApiError } from '../errors.js';
import { obj } from '../http-io.js';
import { openSession } from '../ledger/ledger-service.js';
import { paymentRequiredHeader } from '../x402.js';
import type { AppContext } from './context.js';
import { assertNotRevoked } from './revoke.js';

export function identityOf(api: string): string {
  try {
    return apiIdentity(api);
  } catch {
    throw new ApiError('BAD_REQUEST', 'api must be the http(s) base URL the start was signed for');
  }
}

export async function viewer(c: AppContext, body: unknown): Promise<ViewerResponse> {
  const b = obj(body);
  const requestTime = c.checks.checkRequestTime(b.requestTime);
  const chain = await c.checks.verifyIdentity(b, whoamiSigningBytes({ requestTime }));
  c.perViewer.take(chain.principal);
  const algorandAddress = algorandAddressOf(chain.principal);
  const balanceMicroAlgos = await c.ledger.ensureViewer(chain.principal, algorandAddress, c.o.now());
  return { principal: chain.principal, algorandAddress, balanceMicroAlgos };
}

export async function start(c: AppContext, body: unknown): Promise<SessionStartResponse> {
  const { o, ledger } = c;
  const b = obj(body);
  const { api, contentId, rateMicroAlgos, nonce, budgetMicroAlgos } = b;
  if (typeof api !== 'string' || !API_IDENTITY_PATTERN.test(api)) throw new ApiError('BAD_REQUEST', 'api must be the http(s) base URL the start was signed for');
  if (typeof contentId !== 'string' || !CONTENT_ID_PATTERN.test(contentId)) throw new ApiError('BAD_REQUEST', 'contentId must match [A-Za-z0-9._:/-]{1,128}');
  if (!isUint(rateMicroAlgos) || rateMicroAlgos > o.maxRateMicroAlgos) throw new ApiError('BAD_REQUEST', `rateMicroAlgos must be an integer 0…${o.maxRateMicroAlgos}`);
  if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce)) throw new ApiError('BAD_REQUEST', 'nonce must be 16–64 lowercase hex');
  // Required, so that a client that forgot it is told so rather than getting a session without a budget.
  if (budgetMicroAlgos !== null && !isUint(budgetMicroAlgos)) throw new ApiError('BAD_REQUEST', 'budgetMicroAlgos must be null (no budget) or an integer ≥ 0');
  const requestTime = c.checks.checkRequestTime(b.requestTime);
  // Before any signature: a start signed for another deployment is refused here, for nothing. The signature
  // covers `api` as sent; any spelling of this API's identity is accepted (apiIdentity normalises it).
  if (!c.acceptsApi(identityOf(api))) throw new ApiError('WRONG_API', `this start was signed for ${api}, not for this payment API`);
  // The catalog's price, also before any signature: a start for an unknown title or another rate costs nothing.
  await c.catalogReady;
  const priced = checkStartPrice(await ledger.title(contentId), contentId, rateMicroAlgos);
  if (!priced.ok) {
    const e = new ApiError(priced.code, priced.message);
    if (priced.price) e.price = priced.price;
    throw e;
  }
  const { title } = priced;
  const budget = budgetMicroAlgos as number | null;
  const message = startSigningBytes({ api, contentId, rateMicroAlgos, budgetMicroAlgos: budget, requestTime, nonce });
  const chain = await c.checks.verifyIdentity(b, message);
  c.perViewer.take(chain.principal);
  const now = o.now();
  if (chain.expiresAt <= now) throw new ApiError('DELEGATION_EXPIRED', 'delegation expired');
  await assertNotRevoked(c, chain.sessionKey.der);
  const algorandAddress = algorandAddressOf(chain.principal);
  const sessionId = randomBytes(16).toString('base64url');
  const startHash = createHash('sha256').update(chain.sessionKey.der).update(message).digest();
  // What is left of this title's preview for this viewer, from their earlier sessions of it (catalog-rules.ts).
  const freeSeconds = freeSecondsAtStart(title.previewSeconds, await ledger.previewUse(chain.principal, contentId));
  let balanceMicroAlgos: number;
  try {
    balanceMicroAlgos = await openSession(
      ledger,
      {
        id: sessionId, principal: chain.principal, contentId, rate: rateMicroAlgos, budget, sessionKey: chain.sessionKey.der, startHash, startedAt: now,
        expiresAt: chain.expiresAt, freeSeconds, splits: title.splits,
      },
      algorandAddress,
      { maxSessions: o.maxSessions, now, liveWindowMs: o.liveWindowMs },
    );
  } catch (e) {
    if (e instanceof ApiError && e.code === 'TOO_MANY_SESSIONS') throw new ApiError(e.code, e.message, undefined, { 'retry-after': String(Math.ceil(o.liveWindowMs / 1000)) });
    if (!(e instanceof ApiError) || e.code !== 'INSUFFICIENT_FUNDS') throw e;
    const balance = await ledger.ensureViewer(chain.principal, algorandAddress, now);
    const need = { resourceUrl: c.baseUrl() + API_PATHS.start, principal: chain.principal, algorandAddress, rateMicroAlgos, balanceMicroAlgos: balance, owedMicroAlgos: 0 };
    throw new ApiError(e.code, e.message, undefined, paymentRequiredHeader(o, need));
  }
  c.sessions.set(sessionId, { key: chain.sessionKey, keyHex: toHex(chain.sessionKey.der), expiresAt: chain.expiresAt });
  return {
    sessionId,
    principal: chain.principal,
    algorandAddress,
    contentId,
    rateMicroAlgos,
    budgetMicroAlgos: budget,
    balanceMicroAlgos,
    startedAt: now,
    previewSeconds: title.previewSeconds,
    freeSeconds,
    limits: {
      maxPlaybackRate: o.maxPlaybackRate,
      slackSeconds: o.slackSeconds,
      maxBodyBytes: o.maxBodyBytes,
      maxClockSkewMs: o.maxClockSkewMs,
      maxRateMicroAlgos: o.maxRateMicroAlgos,
      expiresAt: chain.expiresAt,
      maxSessions: o.maxSessions,
    },
  };
}
