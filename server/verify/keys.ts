/**
 * Public keys as they appear in delegation chains (DER SubjectPublicKeyInfo) and signature checks with
 * node:crypto. The async callback form of crypto.verify runs on the libuv pool, so verification spreads
 * over every core while the event loop keeps serving.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** DER of the canister-signature algorithm identifier OID 1.3.6.1.4.1.56387.1.2. */
const CANISTER_SIG_OID = Buffer.from('060a2b0601040183b8430102', 'hex');

export type KeyKind = 'ed25519' | 'p256' | 'canister';

export interface SigningKey {
  kind: 'ed25519' | 'p256';
  der: Uint8Array;
  key: KeyObject;
}

/** Reads one DER TLV at `pos`: returns [tag, contentStart, contentEnd]. */
export function derTlv(buf: Uint8Array, pos: number): [number, number, number] {
  if (pos + 2 > buf.length) throw new Error('DER: truncated');
  const tag = buf[pos];
  let len = buf[pos + 1];
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || start + n > buf.length) throw new Error('DER: bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | buf[start + i];
    start += n;
  }
  if (start + len > buf.length) throw new Error('DER: truncated');
  return [tag, start, start + len];
}

export function isCanisterSignatureKey(der: Uint8Array): boolean {
  try {
    const [tag, s] = derTlv(der, 0);
    if (tag !== 0x30) return false;
    const [algTag, algStart] = derTlv(der, s);
    if (algTag !== 0x30) return false;
    const oid = der.subarray(algStart, algStart + CANISTER_SIG_OID.length);
    return Buffer.compare(Buffer.from(oid), CANISTER_SIG_OID) === 0;
  } catch {
    return false;
  }
}

/**
 * Recently parsed keys by their DER: building a KeyObject costs ~140 µs, more than the verification it
 * serves, and the same session key comes back with every start and viewer request of its session.
 */
const parsed = new Map<string, SigningKey>();
const PARSED_MAX = 10_000;

/** Parses an Ed25519 or ECDSA P-256 SPKI; throws on anything else. */
export function parseSigningKey(der: Uint8Array): SigningKey {
  const id = Buffer.from(der).toString('base64');
  const hit = parsed.get(id);
  if (hit) return hit;
  const k = parseSigningKeyUncached(der);
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
  parsed.set(id, k);
  return k;
}

function parseSigningKeyUncached(der: Uint8Array): SigningKey {
  const key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType === 'ed25519') return { kind: 'ed25519', der, key };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { kind: 'p256', der, key };
  throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
}

/**
 * Ed25519: pure EdDSA over the message. P-256: ECDSA over SHA-256 of the message with the signature as
 * r‖s (IEEE P1363), which is what WebCrypto (and so ECDSAKeyIdentity) produces.
 */
export function verifySignature(k: SigningKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (err: Error | null, ok: boolean) => resolve(!err && ok);
    try {
      if (k.kind === 'ed25519') {
        if (signature.length !== 64) return resolve(false);
        verify(null, message, k.key, signature, done);
      } else {
        if (signature.length !== 64) return resolve(false);
        // Converted to DER here rather than passing { key, dsaEncoding: 'ieee-p1363' }: Node prepares an
        // options object on the main thread at ~3× the cost of a bare KeyObject (measured, Node 20).
        verify('sha256', message, k.key, p1363ToDer(signature), done);
      }
    } catch {
      resolve(false);
    }
  });
}

/**
 * The same check on the calling thread: with a cached KeyObject a P-256 check costs ~90 µs of CPU here
 * against ~120 µs spread over the libuv pool and its hand-off per check (FACTS.md). Ticks run it on the
 * verify workers in batches (tick-verifier.ts), and here with `--verify-workers 0` or when a worker fails.
 */
export function verifySignatureSync(k: SigningKey, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    return k.kind === 'ed25519' ? verify(null, message, k.key, signature) : verify('sha256', message, k.key, p1363ToDer(signature));
  } catch {
    return false;
  }
}

function derInteger(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  const pad = v[0] & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + v.length);
  out[0] = 0x02;
  out[1] = pad + v.length;
  out.set(v, 2 + pad);
  return out;
}

/** r‖s (2 × 32 bytes) → DER SEQUENCE { INTEGER r, INTEGER s }. */
export function p1363ToDer(sig: Uint8Array): Uint8Array {
  const r = derInteger(sig.subarray(0, 32));
  const s = derInteger(sig.subarray(32, 64));
  const out = new Uint8Array(2 + r.length + s.length);
  out[0] = 0x30;
  out[1] = r.length + s.length;
  out.set(r, 2);
  out.set(s, 2 + r.length);
  return out;
}
