/**
 * Verifies a DelegationChain.toJSON() chain end to end: every link's signature by the key before it, every
 * link's expiry and targets, and that it ends at the session key. The viewer's principal is the
 * self-authenticating principal of the root key — never taken from a request body.
 */
import { hashOfMap, IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import type { DelegationChainJson } from '../../src/payments/protocol.js';
import { fromHex } from '../../src/payments/tick.js';
import { ApiError } from '../errors.js';
import { verifyCanisterSignature } from './canister-signature.js';
import { isCanisterSignatureKey, parseSigningKey, verifySignature, type SigningKey } from './keys.js';

export interface TrustOptions {
  /** Development mode: also trust Ed25519 root keys (the local identity provider's). */
  dev: boolean;
  icRootKeyRaw: Uint8Array;
  /** Canister ids allowed to issue canister-signature root keys (Internet Identity). */
  iiCanisterIds: readonly string[];
  /** Canister principals (text) this server answers for; a link scoped to other targets is refused. */
  acceptedTargets: readonly string[];
  maxDelegations: number;
}

export interface VerifiedChain {
  principal: string;
  sessionKey: SigningKey;
  /** Earliest expiration of any link, Unix ms. */
  expiresAt: number;
}

function hex(field: string, v: unknown): Uint8Array {
  if (typeof v !== 'string' || v.length === 0) throw new ApiError('BAD_DELEGATION', `${field} must be hex`);
  try {
    return fromHex(v);
  } catch {
    throw new ApiError('BAD_DELEGATION', `${field} must be hex`);
  }
}

function delegationSigningBytes(pubkey: Uint8Array, expiration: bigint, targets?: Principal[]): Uint8Array {
  const h = hashOfMap({ pubkey, expiration, ...(targets && { targets }) });
  const out = new Uint8Array(IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR.length + h.length);
  out.set(IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR, 0);
  out.set(h, IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR.length);
  return out;
}

export async function verifyDelegationChain(
  chain: unknown,
  sessionPublicKeyHex: unknown,
  nowMs: number,
  trust: TrustOptions,
): Promise<VerifiedChain> {
  if (typeof chain !== 'object' || chain === null) throw new ApiError('BAD_DELEGATION', 'delegationChain must be an object');
  const c = chain as DelegationChainJson;
  const rootDer = hex('delegationChain.publicKey', c.publicKey);
  if (!Array.isArray(c.delegations)) throw new ApiError('BAD_DELEGATION', 'delegationChain.delegations must be an array');
  if (c.delegations.length > trust.maxDelegations) throw new ApiError('BAD_DELEGATION', 'too many delegations');
  const sessionDer = hex('sessionPublicKey', sessionPublicKeyHex);

  const rootIsCanister = isCanisterSignatureKey(rootDer);
  let prev: SigningKey | null = null;
  if (!rootIsCanister) {
    try {
      prev = parseSigningKey(rootDer);
    } catch {
      throw new ApiError('UNTRUSTED_ROOT', 'root key is neither a canister-signature key nor a supported key');
    }
    if (!trust.dev || prev.kind !== 'ed25519') {
      throw new ApiError('UNTRUSTED_ROOT', trust.dev ? 'development mode trusts Ed25519 roots only' : 'production mode trusts Internet Identity canister-signature roots only');
    }
  } else if (c.delegations.length === 0) {
    throw new ApiError('BAD_DELEGATION', 'a canister-signature root needs at least one delegation');
  }

  let expiresAt = Number.POSITIVE_INFINITY;
  let prevDer = rootDer;
  for (let i = 0; i < c.delegations.length; i++) {
    const link = c.delegations[i];
    const d = link?.delegation;
    if (!d || typeof d !== 'object') throw new ApiError('BAD_DELEGATION', `delegations[${i}] malformed`);
    const pubkey = hex(`delegations[${i}].pubkey`, d.pubkey);
    if (typeof d.expiration !== 'string' || !/^[0-9a-f]{1,16}$/.test(d.expiration)) {
      throw new ApiError('BAD_DELEGATION', `delegations[${i}].expiration must be hex nanoseconds`);
    }
    const expiration = BigInt('0x' + d.expiration);
    let targets: Principal[] | undefined;
    if (d.targets !== undefined) {
      if (!Array.isArray(d.targets)) throw new ApiError('BAD_DELEGATION', `delegations[${i}].targets must be an array`);
      targets = d.targets.map((t, j) => Principal.fromUint8Array(hex(`delegations[${i}].targets[${j}]`, t)));
    }
    const signature = hex(`delegations[${i}].signature`, link.signature);
    const message = delegationSigningBytes(pubkey, expiration, targets);

    const ok =
      i === 0 && rootIsCanister
        ? await verifyCanisterSignature({
            publicKeyDer: rootDer,
            message,
            signature,
            icRootKeyRaw: trust.icRootKeyRaw,
            allowedCanisters: trust.iiCanisterIds,
          })
        : await verifySignature(prev!, message, signature);
    if (!ok) throw new ApiError('BAD_DELEGATION', `delegations[${i}] signature does not verify`);

    const expMs = Number(expiration / 1_000_000n);
    if (expMs <= nowMs) throw new ApiError('DELEGATION_EXPIRED', `delegations[${i}] expired at ${new Date(expMs).toISOString()}`);
    expiresAt = Math.min(expiresAt, expMs);
    if (targets) {
      const texts = targets.map((t) => t.toText());
      if (!texts.some((t) => trust.acceptedTargets.includes(t))) {
        throw new ApiError('WRONG_TARGET', `delegations[${i}] is scoped to ${texts.join(', ') || 'no targets'}`);
      }
    }
    // The last link delegates to the session key; intermediate links to further signing keys.
    try {
      prev = parseSigningKey(pubkey);
    } catch {
      if (i === c.delegations.length - 1) throw new ApiError('SESSION_KEY_MISMATCH', 'session key must be Ed25519 or ECDSA P-256');
      throw new ApiError('BAD_DELEGATION', `delegations[${i}].pubkey is not a supported signing key`);
    }
    prevDer = pubkey;
  }
  if (Buffer.compare(Buffer.from(prevDer), Buffer.from(sessionDer)) !== 0) {
    throw new ApiError('SESSION_KEY_MISMATCH', 'sessionPublicKey is not the key the chain delegates to');
  }
  if (!Number.isFinite(expiresAt)) expiresAt = nowMs + 8 * 3600_000; // dev: a bare Ed25519 key, no delegation
  return {
    principal: Principal.selfAuthenticating(rootDer).toText(),
    sessionKey: prev!,
    expiresAt,
  };
}
