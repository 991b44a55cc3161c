/**
 * GET /streaming/keys/:contentId/:index — a gated title's AES-128 key, for the viewer whose sessions of
 * that title paid for it (key-release-rules.ts). Authenticated by the session key: a signature over the
 * key request (src/payments/key-request.ts) in the query string, short-lived and single-use.
 *
 * Cheapest checks first: shapes, request time, API, nonce, session, content, expiry — then the signature
 * (tens of µs, on the libuv pool), then the ledger's numbers and the rule. A refusal releases nothing.
 */
import type { IncomingMessage } from 'node:http';
import { KEY_QUERY, keyRequestSigningBytes, parseKeyPath } from '../../src/payments/key-request.js';
import type { KeyRefusal } from '../../src/payments/protocol.js';
import { API_IDENTITY_PATTERN, NONCE_PATTERN, SESSION_ID_PATTERN, apiIdentity, isUint } from '../../src/payments/tick.js';
import type { TextAnswer } from '../audit.js';
import { ApiError } from '../errors.js';
import { signatureBytes } from '../http-io.js';
import { releaseKey } from '../ledger/key-release-service.js';
import { verifySignature } from '../verify/keys.js';
import type { AppContext, CachedSession } from './context.js';
import { assertNotRevoked } from './revoke.js';
import { cachedSession, type Answer } from './ticks.js';

function param(q: URLSearchParams, name: string, pattern: RegExp): string {
  const v = q.get(name);
  if (v === null || !pattern.test(v)) throw new ApiError('BAD_REQUEST', `query parameter ${name} is missing or malformed`);
  return v;
}

async function ownerOf(c: AppContext, id: string, s: CachedSession): Promise<{ principal: string; contentId: string }> {
  if (s.owner) return s.owner;
  const ctx = await c.ledger.loadTick(id, 0);
  if (!ctx) throw new ApiError('NOT_FOUND', 'unknown session');
  return (s.owner = { principal: ctx.session.principal, contentId: ctx.session.contentId });
}

export async function mediaKey(c: AppContext, q: URLSearchParams, req: IncomingMessage): Promise<Answer | TextAnswer> {
  const { o } = c;
  const target = req.url ?? '';
  const qi = target.indexOf('?');
  const where = parseKeyPath(qi < 0 ? target : target.slice(0, qi));
  if (!where) throw new ApiError('NOT_FOUND', 'no such key path: /streaming/keys/<contentId>/<index>');
  const { contentId, index } = where;
  const api = param(q, KEY_QUERY.api, API_IDENTITY_PATTERN);
  const sessionId = param(q, KEY_QUERY.sessionId, SESSION_ID_PATTERN);
  const nonce = param(q, KEY_QUERY.nonce, NONCE_PATTERN);
  const requestTime = Number(param(q, KEY_QUERY.requestTime, /^[0-9]{1,16}$/));
  const signature = signatureBytes(param(q, KEY_QUERY.signature, /^[0-9a-f]{128}$/));
  if (!isUint(requestTime)) throw new ApiError('BAD_REQUEST', 'requestTime must be Unix milliseconds');
  const now = o.now();
  if (Math.abs(now - requestTime) > o.keyRequestSkewMs) throw new ApiError('STALE_REQUEST', `requestTime is more than ${o.keyRequestSkewMs} ms from server time`);
  let named: string;
  try {
    named = apiIdentity(api);
  } catch {
    throw new ApiError('BAD_REQUEST', 'api must be the http(s) base URL the request was signed for');
  }
  if (!c.acceptsApi(named)) throw new ApiError('WRONG_API', `this key request was signed for ${api}, not for this payment API`);
  const nonceKey = `${sessionId} ${nonce}`;
  if (c.keyNonces.has(nonceKey, now)) throw new ApiError('REPLAYED', 'this key request was already used');
  const s = await cachedSession(c, sessionId);
  // Its own bucket: the session id travels in a URL, and junk requests naming it must not starve its ticks.
  c.perViewer.take(`keys:${sessionId}`);
  const owner = await ownerOf(c, sessionId, s);
  if (owner.contentId !== contentId) throw new ApiError('WRONG_CONTENT', `this session is for ${owner.contentId}, not ${contentId}`);
  if (s.expiresAt <= now) throw new ApiError('SESSION_EXPIRED', 'the delegation behind this session has expired; start a new session');
  // Signed out: the key is revoked on the server (safety), and its key requests end with its ticks.
  await assertNotRevoked(c, s.keyHex);
  const message = keyRequestSigningBytes({ api, sessionId, contentId, index, requestTime, nonce });
  if (!(await verifySignature(s.key, message, signature))) throw new ApiError('BAD_SIGNATURE', 'key request signature does not verify with the session key');
  // Remembered until it could no longer pass the time check; a twin that raced this one loses here.
  let fresh: boolean;
  try {
    fresh = c.keyNonces.add(nonceKey, requestTime + o.keyRequestSkewMs, o.now());
  } catch {
    throw new ApiError('BUSY', 'too many key requests in flight; retry shortly', undefined, { 'retry-after': '1' });
  }
  if (!fresh) throw new ApiError('REPLAYED', 'this key request was already used');
  return release(c, owner.principal, contentId, index, sessionId);
}

async function release(c: AppContext, principal: string, contentId: string, index: number, sessionId: string): Promise<Answer | TextAnswer> {
  const d = await releaseKey(c.ledger, { principal, contentId, index, sessionId, now: c.o.now(), leadSeconds: c.o.keyLeadSeconds });
  if (!d) throw new ApiError('UNKNOWN_KEY', `no key ${index} for ${contentId}`);
  if (!d.release) {
    const key: KeyRefusal = { contentId, index, allowanceMs: d.allowanceMs, neededMs: d.neededMs };
    const error = { code: 'KEY_NOT_PAID', message: 'this key lies past what was paid for this title, plus the lead' };
    return { status: 402, body: { error, key } };
  }
  // private: the key is this viewer's; no shared cache may keep it.
  return { status: 200, body: d.key!.key, contentType: 'application/octet-stream', headers: { 'cache-control': 'private, no-store' } };
}
