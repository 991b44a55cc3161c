/**
 * The payment session's id for the playback side's asset-list loader (ads/ad-break.ts AdSessionProvider):
 * the auction of a break is per session, and its ad ticks are signed by the session's key. Built like the
 * key authoriser (key-authoriser.ts): waits for a session, asking payments to open one.
 *
 * It waits only while a session can come: a viewer is signed in (the session is opening), or the play policy
 * asks the viewer to sign in now (a pre-roll of a title without preview waits for the sign-in, then plays).
 * A signed-out viewer watching a free preview is not made to wait: the break goes unsold (the loader answers
 * an empty asset list) and the title plays on.
 */
import type { ReadableAtom } from 'nanostores';
import type { AdSessionProvider } from '../ads/ad-break.js';
import type { PaymentState } from './payments-store.js';

export interface AdSessionSource {
  store: ReadableAtom<PaymentState>;
  /** A session can still come without the viewer doing anything but signing in when asked. */
  canWait(): boolean;
  /** Open a session as soon as someone who can pay is signed in. */
  wantSession(): void;
}

/** How often `canWait` is read again while waiting (sign-in and sign-out are not payments events). */
const RECHECK_MS = 500;

export class NoAdSession extends Error {
  constructor() {
    super('no payment session for an ad break');
    this.name = 'NoAdSession';
  }
}

export function createAdSessionProvider(p: AdSessionSource): AdSessionProvider {
  return {
    async sessionId(signal) {
      for (;;) {
        if (signal.aborted) throw new DOMException('aborted', 'AbortError');
        const id = p.store.get().sessionId;
        if (id) return id;
        if (!p.canWait()) throw new NoAdSession();
        p.wantSession();
        await new Promise<void>((resolve, reject) => {
          const done = () => { off(); clearTimeout(timer); signal.removeEventListener('abort', stop); };
          const off = p.store.listen(() => { done(); resolve(); });
          const timer = setTimeout(() => { done(); resolve(); }, RECHECK_MS);
          const stop = () => { done(); reject(new DOMException('aborted', 'AbortError')); };
          signal.addEventListener('abort', stop, { once: true });
        });
      }
    },
  };
}
