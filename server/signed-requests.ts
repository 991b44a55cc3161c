/**
 * Checks of the signed identity requests (/viewer, /session/start): the delegation chain, verified once per
 * chain and session key and cached until it expires, the session-key signature over the message, and the
 * request time against the server's clock.
 */
import { createHash } from 'node:crypto';
import { fromHex, isUint } from '../src/payments/tick.js';
import type { ResolvedOptions } from './config.js';
import { ApiError } from './errors.js';
import { Bounded, signatureBytes } from './http-io.js';
import { verifyDelegationChain, type TrustOptions, type VerifiedChain } from './verify/delegation-chain.js';
import { verifySignature } from './verify/keys.js';

export function signedRequestChecks(o: ResolvedOptions) {
  const trust: TrustOptions = {
    dev: o.dev,
    icRootKeyRaw: fromHex(o.icRootKeyRawHex),
    iiCanisterIds: o.iiCanisterIds,
    acceptedTargets: o.acceptedTargets,
    maxDelegations: 8,
  };
  // A chain is verified once (a canister signature costs a BLS check, ~ms); later requests carrying the
  // same chain and session key reuse the result until the chain expires.
  const chains = new Bounded<string, VerifiedChain>(10_000);

  async function verifyIdentity(b: Record<string, unknown>, message: Uint8Array): Promise<VerifiedChain> {
    const now = o.now();
    const cacheKey = createHash('sha256').update(JSON.stringify(b.delegationChain ?? null)).update(String(b.sessionPublicKey)).digest('base64');
    let chain = chains.get(cacheKey);
    if (!chain || chain.expiresAt <= now) {
      chain = await verifyDelegationChain(b.delegationChain, b.sessionPublicKey, now, trust);
      chains.set(cacheKey, chain);
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
