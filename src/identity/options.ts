// Pure parsing of the element's identity attributes: no DOM, no auth client, unit-tested in Node.
export const DEFAULT_IDENTITY_PROVIDER = 'https://identity.ic0.app';

export interface IdentityAttributes {
  identityProvider?: string | null;
  derivationOrigin?: string | null;
  maxTimeToLive?: string | number | null;
}

export interface LoginConfig {
  identityProvider: string;
  derivationOrigin?: string;
  /** nanoseconds, as the auth client wants it */
  maxTimeToLive?: bigint;
}

export class IdentityConfigError extends Error {
  constructor(readonly code: 'IDP_URL_INVALID', message: string) { super(message); }
}

/** Only http(s) URLs; plain http only on loopback hosts (a local IdP), never for a real one. */
function parseIdpUrl(raw: string): URL {
  let url: URL;
  try { url = new URL(raw); } catch { throw new IdentityConfigError('IDP_URL_INVALID', `identity-provider is not a URL: "${raw}"`); }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.endsWith('.localhost');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new IdentityConfigError('IDP_URL_INVALID', `identity-provider must be https (http only on localhost): "${raw}"`);
  }
  return url;
}

export function loginConfig(attrs: IdentityAttributes): LoginConfig {
  const idp = parseIdpUrl(attrs.identityProvider?.trim() || DEFAULT_IDENTITY_PROVIDER);
  const config: LoginConfig = { identityProvider: idp.href };
  if (attrs.derivationOrigin) {
    try { config.derivationOrigin = new URL(attrs.derivationOrigin).origin; } catch {
      throw new IdentityConfigError('IDP_URL_INVALID', `derivation-origin is not a URL: "${attrs.derivationOrigin}"`);
    }
  }
  const ttl = ttlNanoseconds(attrs.maxTimeToLive);
  if (ttl !== undefined) config.maxTimeToLive = ttl;
  return config;
}

/** Seconds (attribute) → nanoseconds (bigint); absent, non-numeric or ≤ 0 → the auth client's default (8 h). */
export function ttlNanoseconds(seconds: string | number | null | undefined): bigint | undefined {
  if (seconds === null || seconds === undefined || seconds === '') return undefined;
  const s = Number(seconds);
  if (!Number.isFinite(s) || s <= 0) return undefined;
  return BigInt(Math.round(s * 1000)) * 1_000_000n;
}

/** Earliest expiration of a delegation chain, in epoch milliseconds (expirations are ns bigints). */
export function chainExpiryMs(expirations: readonly bigint[]): number | undefined {
  if (expirations.length === 0) return undefined;
  const min = expirations.reduce((a, b) => (b < a ? b : a));
  return Number(min / 1_000_000n);
}
