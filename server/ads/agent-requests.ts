/**
 * The gate every agent request passes (docs/ADS.md §Signing), cheapest check first: the headers' shape,
 * the body's digest, the time, the key, the signature, and last the nonce (recorded only for a request
 * whose signature verified, so a forger cannot burn an agent's nonces). Then `idempotent` runs the change
 * once per Idempotency-Key: a retry (new signature, same key, same request) gets the stored answer, a
 * different request under a used key is refused; refusals decided after the gate are stored too.
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../errors.js';
import type { Answer } from '../handlers/ticks.js';
import { parseSigningKey, verifySignature } from '../verify/keys.js';
import type { AdsContext } from './ads-context.js';
import type { AdsTx, Step } from './ads-store.js';
import { contentDigest, keyIdOf, parseSignatureHeaders, signatureBase } from './agent-signature.js';

export interface AgentRequest {
  method: string;
  /** The request target's path; agent requests carry no query. */
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface AuthenticatedAgent {
  agentId: string;
  keyId: string;
  idempotencyKey: string;
  /** What a retry must repeat: method, path and body digest. */
  requestHash: string;
}

/** Agent ids follow from the first key: the same key always names the same agent. */
export const agentIdOf = (keyId: string) => `agt_${keyId.slice(0, 22)}`;

/**
 * Checks the signature; `registering`: the DER SPKI named in a registration body, which must be the
 * signing key (proof of possession) and need not be known yet.
 */
export async function authenticateAgent(c: AdsContext, req: AgentRequest, registering?: Uint8Array): Promise<AuthenticatedAgent> {
  const h = parseSignatureHeaders(req.headers);
  if (!h) throw new ApiError('AD_SIGNATURE_MISSING', 'a signed agent request carries Content-Digest, Idempotency-Key, Signature-Input and Signature (docs/ADS.md)');
  if (contentDigest(req.body) !== h.contentDigest) throw new ApiError('AD_BAD_DIGEST', 'Content-Digest is not the SHA-256 of the body');
  const now = c.o.now();
  if (Math.abs(now - h.created * 1000) > c.o.maxClockSkewMs) throw new ApiError('STALE_REQUEST', `created is more than ${c.o.maxClockSkewMs} ms from server time`);
  let der: Uint8Array;
  let agentId: string;
  if (registering) {
    if (keyIdOf(registering) !== h.keyId) throw new ApiError('AD_UNKNOWN_KEY', 'a registration is signed by the key it registers (keyid = its thumbprint)');
    der = registering;
    agentId = agentIdOf(h.keyId);
  } else {
    const owner = await c.store.keyOwner(h.keyId);
    if (!owner) throw new ApiError('AD_UNKNOWN_KEY', 'no agent has this keyid');
    der = owner.publicKey;
    agentId = owner.agentId;
  }
  let key;
  try {
    key = parseSigningKey(der);
  } catch {
    throw new ApiError('BAD_REQUEST', 'publicKey must be a DER SPKI of an Ed25519 or P-256 key');
  }
  const base = Buffer.from(signatureBase(req.method, req.path, h.contentDigest, h.idempotencyKey, h.params), 'utf8');
  if (!(await verifySignature(key, base, h.signature))) throw new ApiError('BAD_SIGNATURE', 'the signature does not verify with the agent key');
  // Kept a little longer than `created` is accepted, so a nonce cannot come back once forgotten.
  if (!(await c.store.useNonce(h.keyId, h.nonce, h.created * 1000 + 2 * c.o.maxClockSkewMs, now))) throw new ApiError('REPLAYED', 'this nonce was already used; sign each request anew');
  const requestHash = createHash('sha256').update(`${req.method} ${req.path} ${h.contentDigest}`).digest('base64url');
  return { agentId, keyId: h.keyId, idempotencyKey: h.idempotencyKey, requestHash };
}

const answerOf = (e: ApiError): Answer => ({ status: e.status, body: e.body() });

/**
 * Runs `change` once per (scope, idempotency key), in one transaction with storing its answer. `change`
 * writes only after deciding; an ApiError it throws rolls its writes back (savepoint) and is stored as the
 * answer.
 */
export function idempotent(c: AdsContext, scope: string, idempotencyKey: string, requestHash: string, change: (s: AdsTx) => Step<Answer>): Promise<Answer> {
  return c.store.tx(function* (s): Step<Answer> {
    const stored = yield* s.storedAnswer(scope, idempotencyKey);
    if (stored) {
      if (stored.requestHash !== requestHash) throw new ApiError('AD_IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was used for another request');
      return { status: stored.status, body: JSON.parse(stored.body) as unknown, headers: { 'idempotent-replayed': 'true' } };
    }
    let answer: Answer;
    try {
      answer = yield* s.savepoint(change);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      answer = answerOf(e);
    }
    yield* s.storeAnswer(scope, idempotencyKey, { requestHash, status: answer.status, body: JSON.stringify(answer.body) }, c.o.now());
    return answer;
  });
}

/** The JSON object of an agent request's body (an empty body is `{}`). */
export function jsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError('BAD_JSON', 'body is not JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ApiError('BAD_JSON', 'body must be a JSON object');
  return v as Record<string, unknown>;
}
