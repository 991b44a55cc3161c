/**
 * Checks of the signed identity requests (/viewer, /session/start), cheapest first: the request time, the
 * chain's shape (sizes, expirations, targets, trusted canister, the session key it ends at), the
 * session-key signature over the message, and only then the chain's own signatures — a canister
 * signature's BLS check on a worker (bls-pool.ts). Verified chains are cached until they expire, refused
 * ones for a minute, both by the hash of the chain and session key.
 */
import { createHash } from 'node:crypto';
import { fromHex, isUint } from '../src/payments/tick.js';
import type { ResolvedOptions } from './config.js';
import { ApiError } from './errors.js';
import { Bounded, signatureBytes } from './http-io.js';
import type { BlsPool } from './verify/bls-pool.js';
import { checkChainShape, verifyChainSignatures, type TrustOptions, type VerifiedChain } from './verify/delegation-chain.js';
import { isCanisterSignatureKey, verifySignature } from './verify/keys.js';

const FAILURE_TTL_MS = 60_000;

/** The root key's algorithm OID, read from its hex without decoding the chain. */
function isCanisterRoot(chain: unknown): boolean {
  const hex = (chain as { publicKey?: unknown } | null)?.publicKey;
  return typeof hex === 'string' && hex.length < 512 && isCanisterSignatureKey(fromHexOrEmpty(hex));
}
const fromHexOrEmpty = (hex: string) => {
  try {
    return fromHex(hex);
  } catch {
    return new Uint8Array(0);
  }
};

export function signedRequestChecks(o: ResolvedOptions, bls?: BlsPool) {
  const trust: TrustOptions = {
    dev: o.dev,
    icRootKeyRaw: fromHex(o.icRootKeyRawHex),
    iiCanisterIds: o.iiCanisterIds,
    acceptedTargets: o.acceptedTargets,
    maxDelegations: 8,
  };
  const chains = new Bounded<string, VerifiedChain>(10_000);
  const failures = new Bounded<string, { error: ApiError; at: number }>(10_000);

  async function verifyIdentity(b: Record<string, unknown>, message: Uint8Array): Promise<VerifiedChain> {
    const now = o.now();
    const cacheKey = createHash('sha256').update(JSON.stringify(b.delegationChain ?? null)).update(String(b.sessionPublicKey)).digest('base64');
    const failed = failures.get(cacheKey);
    if (failed && now - failed.at < FAILURE_TTL_MS) throw failed.error;
    let chain = chains.get(cacheKey);
    if (!chain || chain.expiresAt <= now) {
      // A new canister-signature chain while the BLS workers are saturated: refuse before doing anything
      // else for it (a flood of forgeries then costs the event loop a hash and a map look-up each).
      if (bls?.full() && isCanisterRoot(b.delegationChain)) throw new ApiError('BUSY', 'too many identity checks in progress; retry shortly', undefined, { 'retry-after': '1' });
      const shape = checkChainShape(b.delegationChain, b.sessionPublicKey, now, trust);
      // The message signature by the session key first: tens of µs, before any chain link's signature.
      if (!(await verifySignature(shape.sessionKey, message, signatureBytes(b.signature)))) {
        throw new ApiError('BAD_SIGNATURE', 'signature does not verify with the session key');
      }
      try {
        chain = await verifyChainSignatures(shape, trust, bls?.verify);
      } catch (e) {
        if (e instanceof ApiError && e.code !== 'BUSY') failures.set(cacheKey, { error: e, at: now });
        throw e;
      }
      chains.set(cacheKey, chain);
      return chain;
    }
    if (!(await verifySignature(chain.sessionKey, message, signatureBytes(b.signature)))) {
      throw new ApiError('BAD_SIGNATURE', 'signature does not verify with the session key');
    }
    return chain;
  }

  function checkRequestTime(t: unknown): number {
    if (!isUint(t)) throw new ApiError('BAD_REQUEST', 'requestTime must be Unix milliseconds');
    if (Math.abs(o.now() - t) > o.maxClockSkewMs) throw new ApiError('STALE_REQUEST', `requestTime is more than ${o.maxClockSkewMs} ms from server time`);
    return t;
  }

  return { verifyIdentity, checkRequestTime };
}
