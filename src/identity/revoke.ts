// Sign-out at the payment API: the session key signs its own revocation (POST /streaming/session/revoke),
// so a copy of it (a stolen IndexedDB, another tab) bills nothing more. Best effort and bounded: signing out
// must never wait on, or fail because of, an API that does not answer. One retry, only for failures that a
// retry can cure (no answer, a timeout, 5xx, 429); a refusal (an expired delegation, a wrong API) is final.
// A lazy chunk, like viewer.ts: the tick codec stays out of the initial script.
import { createApiClient, PaymentApiError, randomNonce, signedRevokeRequest } from '../payments/api-client.js';
import { sessionSignerOf, type SessionIdentity } from '../payments/signer.js';

export type RevokeOutcome = 'revoked' | 'refused' | 'unreachable';

export interface RevokeOptions {
  /** Per attempt (default 4 s): two attempts and the pause between stay under 10 s. */
  timeoutMs?: number;
  /** Before the one retry (default 500 ms). */
  retryDelayMs?: number;
  fetch?: typeof fetch;
}

export async function revokeSessionKey(api: string, identity: SessionIdentity, o: RevokeOptions = {}): Promise<RevokeOutcome> {
  let client;
  let signer;
  try {
    client = createApiClient({ baseUrl: api, timeoutMs: o.timeoutMs ?? 4_000, fetch: o.fetch });
    signer = sessionSignerOf(identity);
  } catch {
    return 'refused'; // no API to tell, or no key to sign with: nothing to revoke
  }
  for (let attempt = 1; ; attempt++) {
    try {
      // Signed afresh each time: a new requestTime and nonce.
      await client.revoke(await signedRevokeRequest(signer, { api, requestTime: Date.now(), nonce: randomNonce() }));
      return 'revoked';
    } catch (e) {
      const retryable = !(e instanceof PaymentApiError) || e.kind !== 'http' || e.status >= 500 || e.status === 429;
      if (!retryable) return e instanceof PaymentApiError && e.code === 'KEY_REVOKED' ? 'revoked' : 'refused';
      if (attempt >= 2) return 'unreachable';
      await new Promise((r) => setTimeout(r, o.retryDelayMs ?? 500));
    }
  }
}
