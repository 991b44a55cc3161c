/** Bearer tokens of the platform (analytics, admin), compared without leaking where they differ. */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * True when `authorization` is exactly `Bearer <one of tokens>`. Both sides are hashed first, so the
 * comparison takes the same time whatever the lengths, and every token is compared (no early exit).
 */
export function bearerMatches(authorization: string | undefined, tokens: readonly (string | undefined)[]): boolean {
  const given = digest(authorization ?? '');
  let ok = false;
  for (const t of tokens) if (t !== undefined && timingSafeEqual(given, digest(`Bearer ${t}`))) ok = true;
  return ok;
}
