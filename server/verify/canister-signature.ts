/**
 * IC canister signatures (the root key type of Internet Identity): the public key names a canister and a
 * seed; a signature is a CBOR {certificate, tree} where the certificate (BLS-signed by the subnet, chained
 * to the IC root key) certifies `reconstruct(tree)` as the canister's certified data, and the tree holds
 * the path sig / sha256(seed) / sha256(message).
 * Spec: https://internetcomputer.org/docs/references/ic-interface-spec#canister-signatures
 */
import { createHash } from 'node:crypto';
import { Certificate, Cbor, lookup_path, reconstruct, LookupPathStatus, type HashTree } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { derTlv, isCanisterSignatureKey } from './keys.js';

/** DER prefix that turns a raw 96-byte BLS12-381 IC root key into the form @dfinity/agent expects. */
export const IC_ROOT_KEY_DER_PREFIX = Buffer.from('308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100', 'hex');
/** IC mainnet root key (raw), https://internetcomputer.org/docs/references/ic-interface-spec#root-of-trust */
export const IC_MAINNET_ROOT_KEY_RAW_HEX =
  '814c0e6ec71fab583b08bd81373c255c3c371b2e84863c98a4f1e08b74235d14fb5d9c0cd546d9685f913a0c0b2cc5341583bf4b4392e467db96d65b9bb4cb717112f8472e0d5a4d14505ffd7484b01291091c5f87b98883463f98091a0baaae';
/** Internet Identity's canister on mainnet. */
export const II_MAINNET_CANISTER_ID = 'rdmx6-jaaaa-aaaaa-aaadq-cai';

export interface CanisterKey {
  canisterId: Principal;
  seed: Uint8Array;
}

/** SPKI { AlgorithmIdentifier{OID 1.3.6.1.4.1.56387.1.2}, BIT STRING { 0x00, len(canisterId), canisterId, seed } }. */
export function parseCanisterKey(der: Uint8Array): CanisterKey {
  if (!isCanisterSignatureKey(der)) throw new Error('not a canister signature key');
  const [, seqStart, seqEnd] = derTlv(der, 0);
  const [, , algEnd] = derTlv(der, seqStart);
  const [bitTag, bitStart, bitEnd] = derTlv(der, algEnd);
  if (bitTag !== 0x03 || bitEnd !== seqEnd || der[bitStart] !== 0) throw new Error('canister key: bad BIT STRING');
  const raw = der.subarray(bitStart + 1, bitEnd);
  const idLen = raw[0];
  if (idLen === undefined || idLen < 1 || idLen > 29 || 1 + idLen > raw.length) throw new Error('canister key: bad canister id');
  return { canisterId: Principal.fromUint8Array(raw.slice(1, 1 + idLen)), seed: raw.slice(1 + idLen) };
}

const sha256 = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());

export interface CanisterSignatureCheck {
  publicKeyDer: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
  /** Raw 96-byte IC root key. */
  icRootKeyRaw: Uint8Array;
  /** Canister ids (text) allowed to issue root keys, e.g. Internet Identity's. */
  allowedCanisters: readonly string[];
}

/** Resolves true only when every step holds; never throws. */
export async function verifyCanisterSignature(c: CanisterSignatureCheck): Promise<boolean> {
  try {
    const { canisterId, seed } = parseCanisterKey(c.publicKeyDer);
    if (!c.allowedCanisters.includes(canisterId.toText())) return false;
    // A plain Uint8Array copy: decoding a Node Buffer yields Buffer slices, which the agent's nested
    // certificate decoding misreads ("CBOR data is empty" in check_canister_ranges).
    const sig = Cbor.decode<{ certificate: Uint8Array; tree: HashTree }>(new Uint8Array(c.signature));
    if (!sig || !(sig.certificate instanceof Uint8Array) || !Array.isArray(sig.tree)) return false;
    // The delegation's expiration bounds validity; certificate age is not checked (II certificates are
    // minutes old when the session starts and the session lives for hours).
    const cert = await Certificate.create({
      certificate: new Uint8Array(sig.certificate),
      rootKey: new Uint8Array(Buffer.concat([IC_ROOT_KEY_DER_PREFIX, Buffer.from(c.icRootKeyRaw)])),
      canisterId,
      disableTimeVerification: true,
    });
    const certified = cert.lookup_path(['canister', canisterId.toUint8Array(), 'certified_data']);
    if (certified.status !== LookupPathStatus.Found) return false;
    const root = await reconstruct(sig.tree);
    if (Buffer.compare(Buffer.from(certified.value), Buffer.from(root)) !== 0) return false;
    const leaf = lookup_path(['sig', sha256(seed), sha256(c.message)], sig.tree);
    return leaf.status === LookupPathStatus.Found;
  } catch {
    return false;
  }
}
