/**
 * The price catalog's rules (docs/PROTOCOL.md §v3 Catalog), once: what a valid title is, how a settlement
 * splits between recipients in whole microAlgos, whether a signed start names the catalog's price, and how
 * much of a title's free preview a viewer has left. Pure: no I/O, no Node imports; the stores only load and
 * store titles, the handlers only wire these rules to HTTP.
 */
import { parseAdSettings } from '../ads/ad-settings.js';
import type { ApiErrorCode, ContentPrice } from '../../src/payments/protocol.js';
import { CONTENT_ID_PATTERN, isUint } from '../../src/payments/tick.js';
import { MAX_PREVIEW_SECONDS } from '../../src/metering/money.js';

/** Basis points in a whole: a title's splits add up to exactly this. */
export const TOTAL_BPS = 10_000;
/** More recipients than this is a mistake, not a revenue model, and every settlement row carries them all. */
export const MAX_SPLITS = 16;
const RECIPIENT_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export interface Split {
  /** Who receives this share: a name the platform chose ("creator", "platform", "studio:42"). */
  recipient: string;
  /** Where it is paid on chain, when the platform knows it (an Algorand address). */
  address?: string;
  /** Share of each settlement in basis points (1/100 of a percent). */
  bps: number;
}

/** One share of one settlement, booked in whole microAlgos. */
export interface SplitAmount {
  recipient: string;
  address?: string;
  microAlgos: number;
}

export interface CatalogTitle {
  contentId: string;
  title: string;
  /** Integer µALGO per second, 0…maxRate. */
  rateMicroAlgos: number;
  /** Free seconds per viewer per title, counted by the server across all the viewer's sessions. */
  previewSeconds: number;
  /** Sum TOTAL_BPS; the first entry receives the remainder of every division (see splitAmounts). */
  splits: Split[];
  /** Public media, shown to anyone (optional). */
  media?: { src: string };
  /** SECRET: path of the media keys file (owned by the gated-media rules); never answered publicly. */
  keys?: string;
  /** Ad breaks and their settings (#14, server/ads/ad-settings.ts): checked, then kept as given. */
  ads?: unknown;
}

export interface TitleRules {
  maxRateMicroAlgos: number;
  /** The platform's share for a title that names no splits: creator gets the rest. */
  platformFeeBps: number;
  /** Validates an Algorand address (the server passes algosdk's; tests may pass a pattern). */
  isAddress: (a: string) => boolean;
}

export class CatalogError extends Error {
  override name = 'CatalogError';
}

/** creator / platform by `platformFeeBps`; the creator first, so it receives any remainder. */
export function defaultSplits(platformFeeBps: number): Split[] {
  const out: Split[] = [];
  if (platformFeeBps < TOTAL_BPS) out.push({ recipient: 'creator', bps: TOTAL_BPS - platformFeeBps });
  if (platformFeeBps > 0) out.push({ recipient: 'platform', bps: platformFeeBps });
  return out;
}

function validSplits(raw: unknown, r: TitleRules, where: string): Split[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_SPLITS) throw new CatalogError(`${where}: splits must be a list of 1–${MAX_SPLITS} shares`);
  const seen = new Set<string>();
  let sum = 0;
  const out = raw.map((s, i): Split => {
    const at = `${where}: splits[${i}]`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new CatalogError(`${at} must be an object`);
    const { recipient, address, bps } = s as Record<string, unknown>;
    if (typeof recipient !== 'string' || !RECIPIENT_PATTERN.test(recipient)) throw new CatalogError(`${at}.recipient must match [A-Za-z0-9._:-]{1,64}`);
    if (seen.has(recipient)) throw new CatalogError(`${at}.recipient "${recipient}" appears twice`);
    seen.add(recipient);
    if (!isUint(bps) || bps === 0 || bps > TOTAL_BPS) throw new CatalogError(`${at}.bps must be an integer 1…${TOTAL_BPS}`);
    if (address !== undefined && (typeof address !== 'string' || !r.isAddress(address))) throw new CatalogError(`${at}.address is not an Algorand address`);
    sum += bps;
    return { recipient, ...(address !== undefined && { address: address as string }), bps };
  });
  if (sum !== TOTAL_BPS) throw new CatalogError(`${where}: splits add up to ${sum} bps, not ${TOTAL_BPS}`);
  return out;
}

/** A title from a catalog file or an admin request, checked field by field; throws CatalogError naming the field. */
export function validateTitle(raw: unknown, r: TitleRules, idFromPath?: string): CatalogTitle {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CatalogError('a title must be a JSON object');
  const t = raw as Record<string, unknown>;
  const contentId = t.contentId ?? idFromPath;
  if (typeof contentId !== 'string' || !CONTENT_ID_PATTERN.test(contentId)) throw new CatalogError('contentId must match [A-Za-z0-9._:/-]{1,128}');
  if (idFromPath !== undefined && contentId !== idFromPath) throw new CatalogError(`contentId "${contentId}" differs from the path's "${idFromPath}"`);
  const where = `title ${contentId}`;
  if (typeof t.title !== 'string' || t.title.length === 0 || t.title.length > 200) throw new CatalogError(`${where}: title must be text of 1–200 characters`);
  if (!isUint(t.rateMicroAlgos) || t.rateMicroAlgos > r.maxRateMicroAlgos) throw new CatalogError(`${where}: rateMicroAlgos must be an integer 0…${r.maxRateMicroAlgos}`);
  const preview = t.previewSeconds ?? 0;
  if (!isUint(preview) || preview > MAX_PREVIEW_SECONDS) throw new CatalogError(`${where}: previewSeconds must be an integer 0…${MAX_PREVIEW_SECONDS}`);
  const splits = t.splits === undefined ? defaultSplits(r.platformFeeBps) : validSplits(t.splits, r, where);
  let media: CatalogTitle['media'];
  if (t.media !== undefined) {
    const src = (t.media as { src?: unknown } | null)?.src;
    if (typeof src !== 'string' || src.length > 2048 || !/^(https?:\/\/|\/)[^\s]*$/.test(src)) throw new CatalogError(`${where}: media.src must be an http(s) URL or an absolute path`);
    media = { src };
  }
  if (t.ads !== undefined) {
    // Checked here so that a title whose breaks cannot be sold is refused when stored, not at its first break.
    try {
      parseAdSettings(t.ads);
    } catch (e) {
      throw new CatalogError(`${where}: ${(e as Error).message}`);
    }
  }
  if (t.keys !== undefined && (typeof t.keys !== 'string' || t.keys.length === 0 || t.keys.length > 1024)) throw new CatalogError(`${where}: keys must be a path`);
  return {
    contentId,
    title: t.title,
    rateMicroAlgos: t.rateMicroAlgos,
    previewSeconds: preview,
    splits,
    ...(media && { media }),
    ...(t.keys !== undefined && { keys: t.keys as string }),
    ...(t.ads !== undefined && { ads: t.ads }),
  };
}

/** A catalog file `{ "titles": [...] }`: every title valid, no content id twice. */
export function validateCatalog(raw: unknown, r: TitleRules): CatalogTitle[] {
  const titles = (raw as { titles?: unknown } | null)?.titles;
  if (!Array.isArray(titles)) throw new CatalogError('a catalog is {"titles": [...]}');
  const out = titles.map((t) => validateTitle(t, r));
  const ids = new Set<string>();
  for (const t of out) {
    if (ids.has(t.contentId)) throw new CatalogError(`title ${t.contentId} appears twice`);
    ids.add(t.contentId);
  }
  return out;
}

/** What anyone may read about a title: the price and the public media, never keys or splits. */
export function publicPrice(t: CatalogTitle): ContentPrice {
  return { contentId: t.contentId, title: t.title, rateMicroAlgos: t.rateMicroAlgos, previewSeconds: t.previewSeconds, ...(t.media && { media: t.media }) };
}

/**
 * `microAlgos` shared by basis points in whole microAlgos: each share is floor(micro × bps / 10000), and
 * what the floors leave (fewer microAlgos than there are shares) goes to the first recipient. The shares
 * always add up to `microAlgos` exactly.
 */
export function splitAmounts(microAlgos: number, splits: readonly Split[]): SplitAmount[] {
  if (splits.length === 0) return [];
  // micro ≤ 2^53 / 10^4 keeps micro × bps exact; beyond it, divide first (whole ALGO amounts, still exact sums).
  const share = (bps: number) =>
    microAlgos <= Number.MAX_SAFE_INTEGER / TOTAL_BPS ? Math.floor((microAlgos * bps) / TOTAL_BPS) : Math.floor(microAlgos / TOTAL_BPS) * bps + Math.floor(((microAlgos % TOTAL_BPS) * bps) / TOTAL_BPS);
  const out = splits.map((s) => ({ recipient: s.recipient, ...(s.address !== undefined && { address: s.address }), microAlgos: share(s.bps) }));
  const rest = microAlgos - out.reduce((a, s) => a + s.microAlgos, 0);
  out[0]!.microAlgos += rest;
  return out;
}

/** The platform's own share of a settlement (its earnings): the split named "platform", or nothing. */
export function platformShare(amounts: readonly SplitAmount[]): number {
  return amounts.find((a) => a.recipient === 'platform')?.microAlgos ?? 0;
}

export type PriceRefusal = { ok: false; code: Extract<ApiErrorCode, 'UNKNOWN_CONTENT' | 'PRICE_MISMATCH'>; message: string; price?: ContentPrice };

/** A start may open only a title the catalog sells, at the catalog's rate. */
export function checkStartPrice(title: CatalogTitle | undefined, contentId: string, signedRate: number): { ok: true; title: CatalogTitle } | PriceRefusal {
  if (!title) return { ok: false, code: 'UNKNOWN_CONTENT', message: `no title ${contentId} in the catalog` };
  if (signedRate !== title.rateMicroAlgos) {
    return { ok: false, code: 'PRICE_MISMATCH', message: `${contentId} costs ${title.rateMicroAlgos} µALGO/s, not ${signedRate}`, price: publicPrice(title) };
  }
  return { ok: true, title };
}

/** What a store reads of a viewer's earlier sessions of one title. */
export interface PreviewUse {
  freeSeconds: number;
  billedSeconds: number;
}

/**
 * Free seconds a new session of this title gets: the catalog's preview minus what the viewer already used
 * of it, Σ min(billedSeconds, freeSeconds) over their earlier sessions of the title (billedSeconds counts
 * free seconds too, so a session that stopped inside its preview leaves the rest for the next one).
 */
export function freeSecondsAtStart(previewSeconds: number, earlier: readonly PreviewUse[]): number {
  const used = earlier.reduce((a, s) => a + Math.min(s.billedSeconds, s.freeSeconds), 0);
  return Math.max(0, previewSeconds - used);
}
