/**
 * POST /streaming/session/revoke: sign-out. The session key signs a revocation naming this API (with its
 * delegation chain, so only a key some principal delegated to can be revoked, and the row says whose);
 * from then on that key's ticks, starts and key requests are refused KEY_REVOKED. The revocation is a row
 * in the ledger's database, so it holds after a restart and in every API process on that database.
 * Replaying the request changes nothing: a key is revoked once, and a repeat answers the first time.
 */
import { API_IDENTITY_PATTERN, NONCE_PATTERN, fromHex, revokeSigningBytes } from '../../src/payments/tick.js';
import type { RevokeResponse } from '../../src/payments/protocol.js';
import { ApiError } from '../errors.js';
import { obj } from '../http-io.js';
import type { AppContext } from './context.js';
import { identityOf } from './identity.js';

export async function revoke(c: AppContext, body: unknown): Promise<RevokeResponse> {
  const b = obj(body);
  const { api, nonce } = b;
  if (typeof api !== 'string' || !API_IDENTITY_PATTERN.test(api)) throw new ApiError('BAD_REQUEST', 'api must be the http(s) base URL the revocation was signed for');
  if (typeof nonce !== 'string' || !NONCE_PATTERN.test(nonce)) throw new ApiError('BAD_REQUEST', 'nonce must be 16–64 lowercase hex');
  const requestTime = c.checks.checkRequestTime(b.requestTime);
  if (!c.acceptsApi(identityOf(api))) throw new ApiError('WRONG_API', `this revocation was signed for ${api}, not for this payment API`);
  const chain = await c.checks.verifyIdentity(b, revokeSigningBytes({ api, requestTime, nonce }));
  c.perViewer.take(chain.principal);
  const now = c.o.now();
  const revokedAt = await c.ledger.revokeKey({ sessionKey: chain.sessionKey.der, principal: chain.principal, revokedAt: now, expiresAt: chain.expiresAt });
  return { revoked: true, principal: chain.principal, revokedAt };
}

/**
 * The one revocation check, for every request a session key authenticates (starts here, key requests of
 * gated media); ticks read the same row with their session (TickContext.revoked). `key`: DER SPKI, bytes or hex.
 */
export async function isKeyRevoked(c: Pick<AppContext, 'ledger'>, key: Uint8Array | string): Promise<boolean> {
  return c.ledger.isRevoked(typeof key === 'string' ? fromHex(key) : key);
}

/** Throws 401 KEY_REVOKED for a revoked session key. */
export async function assertNotRevoked(c: Pick<AppContext, 'ledger'>, key: Uint8Array | string): Promise<void> {
  if (await isKeyRevoked(c, key)) throw new ApiError('KEY_REVOKED', 'this session key was revoked (signed out); sign in again');
}
