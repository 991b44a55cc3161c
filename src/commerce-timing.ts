/**
 * When a paid player loads its paid-video chunk (commerce.ts: identity, meter, payments) and, through
 * it, the Internet Identity client: when the viewer can need them, not with the page.
 * - at once for `autoplay` (playback starts by itself: the meter must count from the first second);
 * - on the first sign of the viewer reaching for the player (hover, press, focus, key, play): the
 *   chunk is then in place before a click gets far, and the "Sign in" button, which only exists once
 *   it is loaded, still opens the identity window synchronously in its own click;
 * - when a stored Internet Identity session exists (@dfinity/auth-client keeps it in IndexedDB), so a
 *   returning viewer is restored and shown signed in without doing anything.
 * Wired by player-parts.ts; a play request and awaiting `updateComplete` load the chunk too.
 */
const REACHING = ['pointerenter', 'pointerdown', 'focusin', 'keydown', 'play'] as const;
/** The IndexedDB database @dfinity/auth-client stores its session key and delegation in. */
export const AUTH_CLIENT_DB = 'auth-client-db';

export interface CommerceTiming {
  /** Resolves once; never rejects. */
  readonly needed: Promise<void>;
  /** Stops listening (element removed before any of it happened). */
  cancel(): void;
}

export function whenCommerceNeeded(host: HTMLElement & { readonly autoplay: boolean }): CommerceTiming {
  let resolve!: () => void;
  const needed = new Promise<void>((r) => { resolve = r; });
  const controller = new AbortController();
  const fire = () => { controller.abort(); resolve(); };
  if (host.autoplay) fire();
  else {
    for (const type of REACHING) host.addEventListener(type, fire, { once: true, signal: controller.signal });
    void hasStoredSession().then((stored) => { if (stored && !controller.signal.aborted) fire(); });
  }
  return { needed, cancel: () => controller.abort() };
}

/** Whether @dfinity/auth-client left a database on this origin; listing names opens nothing. */
export async function hasStoredSession(): Promise<boolean> {
  try {
    const list = await globalThis.indexedDB?.databases?.();
    return !!list?.some((db) => db.name === AUTH_CLIENT_DB);
  } catch {
    return false;
  }
}
