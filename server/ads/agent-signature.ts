/**
 * Signed agent requests: a fixed profile of RFC 9421 HTTP Message Signatures (docs/ADS.md §Signing).
 * One label (`sig1`), always the same four components in the same order, and three parameters:
 *
 *   Content-Digest:  sha-256=:<base64 of SHA-256(body)>:                      (RFC 9530; empty body too)
 *   Idempotency-Key: <8–64 of A-Z a-z 0-9 _ ->
 *   Signature-Input: sig1=("@method" "@path" "content-digest" "idempotency-key");created=<unix s>;keyid="<id>";nonce="<hex>";tag="sippar-ads/v1"
 *   Signature:       sig1=:<base64 signature over the signature base>:
 *
 * The base is RFC 9421 §2.5's: one `"<component>": <value>` line per component, then
 * `"@signature-params": <the Signature-Input value after "sig1=">`, joined by "\n". Ed25519 signs it as
 * is; ECDSA P-256 signs its SHA-256 with r‖s (ecdsa-p256-sha256). A fixed profile is parsed by one regular
 * expression, so the server never guesses at what was covered. Both sides use this file.
 */
import { createHash, sign, type KeyObject } from 'node:crypto';

export const SIGNATURE_TAG = 'sippar-ads/v1';
export const COMPONENTS = '("@method" "@path" "content-digest" "idempotency-key")';
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const INPUT = /^sig1=(\("@method" "@path" "content-digest" "idempotency-key"\);created=(\d{1,12});keyid="([A-Za-z0-9_-]{1,64})";nonce="([0-9a-f]{32,64})";tag="sippar-ads\/v1")$/;
const SIGNATURE = /^sig1=:([A-Za-z0-9+/]{1,200}={0,2}):$/;
const DIGEST = /^sha-256=:([A-Za-z0-9+/]{43}=):$/;

export interface SignedRequestHeaders {
  /** Unix seconds. */
  created: number;
  keyId: string;
  nonce: string;
  idempotencyKey: string;
  /** The Content-Digest header as sent. */
  contentDigest: string;
  /** The Signature-Input value after `sig1=`. */
  params: string;
  signature: Uint8Array;
}

export const contentDigest = (body: Uint8Array | string) => `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;

/** The key id of a public key: base64url(SHA-256(DER SPKI)), like a JWK thumbprint. */
export const keyIdOf = (der: Uint8Array) => createHash('sha256').update(der).digest('base64url');

export function signatureBase(method: string, path: string, digest: string, idempotencyKey: string, params: string): string {
  return `"@method": ${method}\n"@path": ${path}\n"content-digest": ${digest}\n"idempotency-key": ${idempotencyKey}\n"@signature-params": ${params}`;
}

const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

/** The signature headers, or undefined when any is missing or not in the profile. */
export function parseSignatureHeaders(h: Record<string, string | string[] | undefined>): SignedRequestHeaders | undefined {
  const input = INPUT.exec(one(h['signature-input']) ?? '');
  const sig = SIGNATURE.exec(one(h['signature']) ?? '');
  const digest = one(h['content-digest']);
  const idem = one(h['idempotency-key']);
  if (!input || !sig || !digest || !DIGEST.test(digest) || !idem || !IDEMPOTENCY_KEY_PATTERN.test(idem)) return undefined;
  return {
    params: input[1]!,
    created: Number(input[2]),
    keyId: input[3]!,
    nonce: input[4]!,
    idempotencyKey: idem,
    contentDigest: digest,
    signature: new Uint8Array(Buffer.from(sig[1]!, 'base64')),
  };
}

export interface AgentKey {
  privateKey: KeyObject;
  /** DER SPKI. */
  publicKeyDer: Uint8Array;
}

/**
 * The headers of a signed agent request (for agents, tests and benches). `nonce`: 32–64 lowercase hex,
 * new for every request; `idempotencyKey`: the same for every retry of one intended change.
 */
export function signAgentRequest(
  key: AgentKey,
  req: { method: string; path: string; body: string; idempotencyKey: string; nonce: string; createdSeconds: number },
): Record<string, string> {
  const digest = contentDigest(req.body);
  const params = `${COMPONENTS};created=${req.createdSeconds};keyid="${keyIdOf(key.publicKeyDer)}";nonce="${req.nonce}";tag="${SIGNATURE_TAG}"`;
  const base = Buffer.from(signatureBase(req.method, req.path, digest, req.idempotencyKey, params), 'utf8');
  const ed = key.privateKey.asymmetricKeyType === 'ed25519';
  const signature = ed ? sign(null, base, key.privateKey) : sign('sha256', base, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return {
    'content-digest': digest,
    'idempotency-key': req.idempotencyKey,
    'signature-input': `sig1=${params}`,
    signature: `sig1=:${signature.toString('base64')}:`,
  };
}
