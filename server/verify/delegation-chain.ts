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
import { parseCanisterKey, verifyCanisterSignature, type CanisterSignatureCheck } from './canister-signature.js';
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

interface Link {
  pubkey: Uint8Array;
  signature: Uint8Array;
  message: Uint8Array;
  expMs: number;
}

/**
 * Everything about a chain that costs no signature: shapes and sizes, expirations, targets, the root's
 * type and (for a canister-signature root) its canister id, and that the chain ends at the session key.
 * A request that fails here never reaches a signature check, let alone a BLS one.
 */
export function checkChainShape(chain: unknown, sessionPublicKeyHex: unknown, nowMs: number, trust: TrustOptions) {
  if (typeof chain !== 'object' || chain === null) throw new ApiError('BAD_DELEGATION', 'delegationChain must be an object');
  const c = chain as DelegationChainJson;
  const rootDer = hex('delegationChain.publicKey', c.publicKey);
  if (!Array.isArray(c.delegations)) throw new ApiError('BAD_DELEGATION', 'delegationChain.delegations must be an array');
  if (c.delegations.length > trust.maxDelegations) throw new ApiError('BAD_DELEGATION', 'too many delegations');
  const sessionDer = hex('sessionPublicKey', sessionPublicKeyHex);

  const rootIsCanister = isCanisterSignatureKey(rootDer);
  let root: SigningKey | null = null;
  if (!rootIsCanister) {
    try {
      root = parseSigningKey(rootDer);
    } catch {
      throw new ApiError('UNTRUSTED_ROOT', 'root key is neither a canister-signature key nor a supported key');
    }
    if (!trust.dev || root.kind !== 'ed25519') {
      throw new ApiError('UNTRUSTED_ROOT', trust.dev ? 'development mode trusts Ed25519 roots only' : 'production mode trusts Internet Identity canister-signature roots only');
    }
  } else {
    if (c.delegations.length === 0) throw new ApiError('BAD_DELEGATION', 'a canister-signature root needs at least one delegation');
    let canister: string;
    try {
      canister = parseCanisterKey(rootDer).canisterId.toText();
    } catch {
      throw new ApiError('BAD_DELEGATION', 'canister-signature root key is malformed');
    }
    if (!trust.iiCanisterIds.includes(canister)) throw new ApiError('UNTRUSTED_ROOT', `canister ${canister} is not a trusted identity provider`);
  }

  const links: Link[] = [];
  for (let i = 0; i < c.delegations.length; i++) {
    const link = c.delegations[i];
    const d = link?.delegation;
    if (!d || typeof d !== 'object') throw new ApiError('BAD_DELEGATION', `delegations[${i}] malformed`);
    const pubkey = hex(`delegations[${i}].pubkey`, d.pubkey);
    if (typeof d.expiration !== 'string' || !/^[0-9a-f]{1,16}$/.test(d.expiration)) {
      throw new ApiError('BAD_DELEGATION', `delegations[${i}].expiration must be hex nanoseconds`);
    }
    const expiration = BigInt('0x' + d.expiration);
    const expMs = Number(expiration / 1_000_000n);
    if (expMs <= nowMs) throw new ApiError('DELEGATION_EXPIRED', `delegations[${i}] expired at ${new Date(expMs).toISOString()}`);
    let targets: Principal[] | undefined;
    if (d.targets !== undefined) {
      if (!Array.isArray(d.targets) || d.targets.length > 1_000) throw new ApiError('BAD_DELEGATION', `delegations[${i}].targets must be an array`);
      targets = d.targets.map((t, j) => {
        try {
          return Principal.fromUint8Array(hex(`delegations[${i}].targets[${j}]`, t));
        } catch (e) {
          throw e instanceof ApiError ? e : new ApiError('BAD_DELEGATION', `delegations[${i}].targets[${j}] is not a principal`);
        }
      });
      const texts = targets.map((t) => t.toText());
      if (!texts.some((t) => trust.acceptedTargets.includes(t))) {
        throw new ApiError('WRONG_TARGET', `delegations[${i}] is scoped to ${texts.join(', ') || 'no targets'}`);
      }
    }
    const signature = hex(`delegations[${i}].signature`, link.signature);
    links.push({ pubkey, signature, message: delegationSigningBytes(pubkey, expiration, targets), expMs });
  }
  const last = links.length > 0 ? links[links.length - 1]!.pubkey : rootDer;
  if (Buffer.compare(Buffer.from(last), Buffer.from(sessionDer)) !== 0) {
    throw new ApiError('SESSION_KEY_MISMATCH', 'sessionPublicKey is not the key the chain delegates to');
  }
  // Every key a link delegates to must be a signing key; the last one is the session key.
  const keys = links.map((l, i) => {
    try {
      return parseSigningKey(l.pubkey);
    } catch {
      if (i === links.length - 1) throw new ApiError('SESSION_KEY_MISMATCH', 'session key must be Ed25519 or ECDSA P-256');
      throw new ApiError('BAD_DELEGATION', `delegations[${i}].pubkey is not a supported signing key`);
    }
  });
  const sessionKey = keys.length > 0 ? keys[keys.length - 1]! : root!;
  const expiresAt = links.length > 0 ? Math.min(...links.map((l) => l.expMs)) : nowMs + 8 * 3600_000; // dev: a bare Ed25519 key
  return { rootDer, rootIsCanister, root, links, keys, sessionKey, expiresAt };
}

export type ChainShape = ReturnType<typeof checkChainShape>;

/**
 * The signatures of a chain that passed `checkChainShape`: plain keys first (tens of µs each), the
 * canister signature (BLS, ~100 ms, on a worker when `verifyCanister` is the pool's) last.
 */
export async function verifyChainSignatures(
  shape: ChainShape,
  trust: TrustOptions,
  verifyCanister: (c: CanisterSignatureCheck) => Promise<boolean> = verifyCanisterSignature,
): Promise<VerifiedChain> {
  const { links, keys, rootDer, rootIsCanister, root } = shape;
  for (let i = links.length - 1; i >= 0; i--) {
    if (i === 0 && rootIsCanister) continue;
    const signer = i === 0 ? root! : keys[i - 1]!;
    if (!(await verifySignature(signer, links[i]!.message, links[i]!.signature))) throw new ApiError('BAD_DELEGATION', `delegations[${i}] signature does not verify`);
  }
  if (rootIsCanister) {
    const ok = await verifyCanister({
      publicKeyDer: rootDer,
      message: links[0]!.message,
      signature: links[0]!.signature,
      icRootKeyRaw: trust.icRootKeyRaw,
      allowedCanisters: trust.iiCanisterIds,
    });
    if (!ok) throw new ApiError('BAD_DELEGATION', 'delegations[0] signature does not verify');
  }
  return { principal: Principal.selfAuthenticating(rootDer).toText(), sessionKey: shape.sessionKey, expiresAt: shape.expiresAt };
}

export async function verifyDelegationChain(
  chain: unknown,
  sessionPublicKeyHex: unknown,
  nowMs: number,
  trust: TrustOptions,
  verifyCanister?: (c: CanisterSignatureCheck) => Promise<boolean>,
): Promise<VerifiedChain> {
  return verifyChainSignatures(checkChainShape(chain, sessionPublicKeyHex, nowMs, trust), trust, verifyCanister);
}
