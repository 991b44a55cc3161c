/**
 * The seam between playback and payments for gated media (types only: nothing here reaches a bundle).
 * hls.js asks for an AES-128 key; the key loader (key-loader.ts) asks the <video>'s authoriser, which the
 * paid chunk sets (commerce.ts → payments/key-authoriser.ts) — so the free path loads nothing for it, and
 * a free player on a gated stream fetches keys as they are (and is refused by the API).
 */
export interface KeyAuthoriser {
  /**
   * The URL to fetch the key from: signed by the viewer's session key, or undefined to fetch `url` as it
   * is (not this API's key). Waits while nothing can sign yet (no session); rejects when `signal` aborts.
   */
  authorise(url: string, signal: AbortSignal): Promise<string | undefined>;
  /**
   * The key request came back `status` (the `attempt`-th time): milliseconds to wait before asking again
   * with a fresh signature, or undefined to hand the error to hls.js. A key not yet paid (402) waits here,
   * at the paid point, while the play policy decides what the viewer sees — never hls.js's fatal error.
   */
  retryAfter(status: number, attempt: number): number | undefined;
}

/** The <video> of a paid player carries its authoriser. */
export type MediaWithKeys = HTMLMediaElement & { sipparKeyAuthoriser?: KeyAuthoriser };
