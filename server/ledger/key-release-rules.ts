/**
 * Which media keys a viewer may have: the one rule between billing and decryption (docs/PROTOCOL.md
 * §Encrypted media). Pure: no I/O, no clock. The stores load the numbers, this decides, the key route
 * writes the release.
 *
 * Per (viewer, title), the media seconds covered by the keys released so far may not pass
 *     allowance = max(0, Σ billedSeconds − clearSeconds) + leadSeconds
 * where Σ billedSeconds sums the accepted seconds of every session of that viewer for that title and
 * clearSeconds is the unencrypted opening (no key needed). A key already released is given again for
 * free; a key whose seconds still fit the allowance is released. Watching straight through, that is every
 * key that ends before the paid point plus the lead; a viewer who seeks spends the same allowance on
 * whichever keys they ask for, so the bound holds however they jump around.
 */

/** Seconds of keys a viewer may hold ahead of what was billed (the `--key-lead-seconds` default). */
export const DEFAULT_KEY_LEAD_SECONDS = 30;

export interface KeyReleaseState {
  /** The key asked for: the media it decrypts, [startMs, endMs). */
  key: { startMs: number; endMs: number };
  /** Where the title's encrypted media starts (its first key's start), ms. */
  clearMs: number;
  /** Σ billedSeconds over the viewer's sessions of this title. */
  billedSeconds: number;
  /** This key was released to this viewer before. */
  released: boolean;
  /** Media ms covered by the keys of this title already released to this viewer. */
  releasedMs: number;
}

export type KeyReleaseDecision =
  | { release: true; fresh: boolean; allowanceMs: number }
  | { release: false; allowanceMs: number; neededMs: number };

/** Media ms of keys a viewer may hold: max(0, billed − clear) + lead. Integers in, integer out. */
export function keyAllowanceMs(billedSeconds: number, clearMs: number, leadSeconds: number): number {
  return Math.max(0, billedSeconds * 1000 - clearMs) + leadSeconds * 1000;
}

export function decideKeyRelease(s: KeyReleaseState, leadSeconds: number): KeyReleaseDecision {
  const allowanceMs = keyAllowanceMs(s.billedSeconds, s.clearMs, leadSeconds);
  if (s.released) return { release: true, fresh: false, allowanceMs };
  const neededMs = s.releasedMs + Math.max(0, s.key.endMs - s.key.startMs);
  if (neededMs <= allowanceMs) return { release: true, fresh: true, allowanceMs };
  return { release: false, allowanceMs, neededMs };
}
