/**
 * Signs the key requests of gated media for the playback side (playback/key-authoriser.ts): each key URL
 * of this player's payment API gets the session id, the time, a fresh nonce and the session key's
 * signature over them (key-request.ts). URLs outside the API's key route are never signed, so a playlist
 * cannot make the player sign for another host.
 */
import type { ReadableAtom } from 'nanostores';
import type { KeyAuthoriser } from '../playback/key-authoriser.js';
import { randomNonce } from './api-client.js';
import { KEY_PATH_PREFIX, KEY_QUERY, keyRequestSigningBytes, parseKeyPath } from './key-request.js';
import type { PaymentState } from './payments-store.js';
import type { SessionIdentity } from './signer.js';
import { apiIdentity, toHex } from './tick.js';

/** Retry of a refused key: 1 s, 2 s, 4 s, then every 5 s — billing moves on about once a second. */
const retryDelay = (attempt: number) => Math.min(5_000, 1_000 * 2 ** Math.min(attempt - 1, 3));

/** The signed URL of one key request, or undefined when `url` is not a key of the API at `api`. */
export async function signKeyUrl(
  url: string,
  api: string,
  sessionId: string,
  identity: Pick<SessionIdentity, 'sign'>,
  requestTime = Date.now(),
  nonce = randomNonce(),
): Promise<string | undefined> {
  const base = apiIdentity(api);
  const href = new URL(url).href;
  if (!href.startsWith(base + KEY_PATH_PREFIX) || href.includes('?') || href.includes('#')) return undefined;
  const where = parseKeyPath(href.slice(base.length));
  if (!where) return undefined;
  const m = { api: base, sessionId, contentId: where.contentId, index: where.index, requestTime, nonce };
  const sig = toHex(await identity.sign(keyRequestSigningBytes(m)));
  const q = new URLSearchParams([[KEY_QUERY.api, base], [KEY_QUERY.sessionId, sessionId], [KEY_QUERY.requestTime, String(requestTime)], [KEY_QUERY.nonce, nonce], [KEY_QUERY.signature, sig]]);
  return `${href}?${q}`;
}

export interface KeySigning {
  store: ReadableAtom<PaymentState>;
  /** The API and identity of the open session, or undefined while there is none. */
  signer(): { api: string; identity: SessionIdentity } | undefined;
  /** A key waits for a session: open one as soon as someone who can pay is signed in. */
  wantSession(): void;
}

/** Waits for a session (sign-in, start) before signing: a key past the preview needs one. */
export function createKeyAuthoriser(p: KeySigning): KeyAuthoriser {
  const ready = () => {
    const s = p.signer();
    const sessionId = p.store.get().sessionId;
    return s && sessionId ? { ...s, sessionId } : undefined;
  };
  return {
    async authorise(url, signal) {
      let now = ready();
      while (!now) {
        if (signal.aborted) throw new DOMException('aborted', 'AbortError');
        p.wantSession();
        await new Promise<void>((resolve, reject) => {
          const off = p.store.listen(() => { off(); signal.removeEventListener('abort', stop); resolve(); });
          const stop = () => { off(); reject(new DOMException('aborted', 'AbortError')); };
          signal.addEventListener('abort', stop, { once: true });
        });
        now = ready();
      }
      return signKeyUrl(url, now.api, now.sessionId, now.identity);
    },
    // 401/402/403: not paid yet, or this session cannot have it (expired, revoked); a new signature after a
    // wait, while the play policy shows why. Anything else (404, 5xx, network) is hls.js's to report.
    retryAfter: (status, attempt) => (status === 401 || status === 402 || status === 403 ? retryDelay(attempt) : undefined),
  };
}
