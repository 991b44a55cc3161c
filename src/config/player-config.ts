/**
 * A paid player's attributes, parsed once into one typed configuration. One parser per attribute, each
 * the same function the server uses where it checks the same thing (rate ceiling: money.ts; content id:
 * tick.ts). Pure: no DOM. The composition (commerce.ts) re-parses on every attribute change, so a page
 * can change any of them at runtime.
 */
import { SipparError, type SipparErrorCode } from '../errors.js';
import { loginConfig, IdentityConfigError, type LoginConfig } from '../identity/options.js';
import { parseBudget, parsePreviewSeconds, parseRate } from '../metering/money.js';
import { CONTENT_ID_PATTERN } from '../payments/tick.js';

/** The attributes as the page wrote them (null: absent). */
export interface PlayerAttributes {
  src: string | null;
  rate: string | null;
  budget: string | null;
  previewSeconds: string | null;
  contentId: string | null;
  api: string | null;
  graceSeconds: string | null;
  identityProvider: string | null;
  derivationOrigin: string | null;
  maxTimeToLive: string | null;
  pauseWhenHidden: boolean;
  topupUrl?: string | null;
  fiat?: string | null;
}

export const PAID_ATTRIBUTES = [
  'src', 'rate', 'budget', 'preview-seconds', 'content-id', 'api', 'grace-seconds', 'identity-provider', 'derivation-origin',
  'max-time-to-live', 'pause-when-hidden', 'topup-url', 'fiat',
] as const;

/** A hint the page gives: what one ALGO is worth in a currency ("USD 0.18"). Display only, never billed. */
export interface FiatHint {
  currency: string;
  perAlgo: number;
}

export interface PlayerConfig {
  /** µALGO per second; 0 when free or when `rate` is invalid (see errors). */
  rateMicroAlgos: number;
  budgetMicroAlgos: number | null;
  previewSeconds: number;
  contentId: string;
  /** Payment API base URL, without a trailing slash. */
  api: string;
  graceSeconds: number;
  /** Null when `identity-provider` or `derivation-origin` is invalid (see errors). */
  login: LoginConfig | null;
  pauseWhenHidden: boolean;
  /** Where the platform tops up a balance (opened by the player's "Top up" button), if it gave one. */
  topupUrl: string | null;
  fiat: FiatHint | null;
  /** Every attribute refused, each with its code; nothing is billed while one of them is a price attribute. */
  errors: SipparError[];
  /** The page wrote a `rate`: the price it expects (a catalog price that differs stops playback). */
  rateGiven: boolean;
  /**
   * The page names what it sells (`content-id`): the element asks the payment API's catalog for the price
   * (protocol v3, GET /streaming/content/:id) and shows that price; see config/catalog-price.ts.
   */
  catalogLookup: boolean;
}

export const DEFAULT_GRACE_SECONDS = 30;

/** Codes of attributes without which nothing may play: the price, the budget, the preview, what is sold, where it is paid. */
export const BLOCKING_CONFIG_CODES: ReadonlySet<SipparErrorCode> = new Set(['RATE_INVALID', 'BUDGET_INVALID', 'PREVIEW_INVALID', 'CONTENT_ID_INVALID', 'API_URL_INVALID']);

/** The first refused attribute that stops playback (the price, budget, preview, content id or API), if any. */
export function blockingError(c: Pick<PlayerConfig, 'errors'>): SipparError | undefined {
  return c.errors.find((e) => BLOCKING_CONFIG_CODES.has(e.code));
}

/** The catalog's answer that stops playback (the play policy's `price` blocker), see config/catalog-price.ts. */
export const PRICE_CODES: ReadonlySet<SipparErrorCode> = new Set(['PRICE_MISMATCH', 'UNKNOWN_CONTENT', 'PRICE_UNAVAILABLE']);

export function priceError(c: Pick<PlayerConfig, 'errors'>): SipparError | undefined {
  return c.errors.find((e) => PRICE_CODES.has(e.code));
}

export function parseContentId(text: string | null, src: string | null): string {
  if (text != null && text !== '') {
    if (!CONTENT_ID_PATTERN.test(text)) throw new SipparError('CONTENT_ID_INVALID', `content-id "${text}": use [A-Za-z0-9._:/-], 1–128 characters`);
    return text;
  }
  // A page should set content-id; the src path is only a fallback, tidied to the same alphabet.
  return (src ?? '').split(/[?#]/)[0]!.replace(/[^A-Za-z0-9._:/-]/g, '_').slice(-128);
}

export function parseApiUrl(text: string | null, pageOrigin: string): string {
  const raw = text?.trim() || pageOrigin;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SipparError('API_URL_INVALID', `api "${raw}": not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SipparError('API_URL_INVALID', `api "${raw}": must be http(s)`);
  return url.href.replace(/\/+$/, '');
}

export function parseTopupUrl(text: string | null | undefined, pageOrigin: string): string | null {
  if (text == null || text.trim() === '') return null;
  try {
    const url = new URL(text, pageOrigin || undefined);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
  } catch {
    // reported below
  }
  throw new SipparError('TOPUP_URL_INVALID', `topup-url "${text}": not an http(s) URL`, false);
}

/** "USD 0.18": an ISO 4217 code and the price of one ALGO in it. */
export function parseFiat(text: string | null | undefined): FiatHint | null {
  if (text == null || text.trim() === '') return null;
  const m = /^\s*([A-Za-z]{3})\s+(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!m || !(Number(m[2]) > 0)) throw new SipparError('FIAT_INVALID', `fiat "${text}": write a currency code and the price of one ALGO, e.g. "USD 0.18"`, false);
  return { currency: m[1]!.toUpperCase(), perAlgo: Number(m[2]) };
}

/** Whole or decimal seconds ≥ 0; anything else falls back to the default (a page typo must not stop playback). */
export function parseGraceSeconds(text: string | null): number {
  if (text == null || text.trim() === '') return DEFAULT_GRACE_SECONDS;
  const n = Number(text);
  return Number.isFinite(n) && n >= 0 && n <= 86_400 ? n : DEFAULT_GRACE_SECONDS;
}

export function parsePlayerConfig(a: PlayerAttributes, pageOrigin: string): PlayerConfig {
  const errors: SipparError[] = [];
  const attempt = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (e) {
      if (e instanceof SipparError) errors.push(e);
      else if (e instanceof IdentityConfigError) errors.push(new SipparError(e.code, e.message));
      else throw e;
      return fallback;
    }
  };
  return {
    rateMicroAlgos: attempt(() => parseRate(a.rate), 0),
    budgetMicroAlgos: attempt(() => parseBudget(a.budget), null),
    previewSeconds: attempt(() => parsePreviewSeconds(a.previewSeconds), 0),
    contentId: attempt(() => parseContentId(a.contentId, a.src), ''),
    api: attempt(() => parseApiUrl(a.api, pageOrigin), ''),
    graceSeconds: parseGraceSeconds(a.graceSeconds),
    login: attempt<LoginConfig | null>(() => loginConfig(a), null),
    pauseWhenHidden: a.pauseWhenHidden,
    topupUrl: attempt(() => parseTopupUrl(a.topupUrl, pageOrigin), null),
    fiat: attempt(() => parseFiat(a.fiat), null),
    errors,
    rateGiven: a.rate != null && a.rate.trim() !== '',
    catalogLookup: a.contentId != null && a.contentId !== '',
  };
}

export interface ConfigHost {
  src?: string;
  rate?: string | null;
  budget?: string | null;
  previewSeconds?: string | null;
}

/** Reads a host's attributes (the only DOM-facing line; everything else above is pure). */
export function attributesOf(host: Element & ConfigHost): PlayerAttributes {
  const get = (name: string) => host.getAttribute(name);
  // Properties first where the element has them: a page may set `player.budget` without an attribute.
  return {
    src: host.src ?? get('src'), rate: host.rate ?? get('rate'), budget: host.budget ?? get('budget'),
    previewSeconds: host.previewSeconds ?? get('preview-seconds'),
    contentId: get('content-id'), api: get('api'), graceSeconds: get('grace-seconds'), identityProvider: get('identity-provider'),
    derivationOrigin: get('derivation-origin'), maxTimeToLive: get('max-time-to-live'), pauseWhenHidden: host.hasAttribute('pause-when-hidden'),
    topupUrl: get('topup-url'), fiat: get('fiat'),
  };
}
