/**
 * A small fetch client for the six payment API endpoints (docs/PROTOCOL.md). No DOM beyond fetch, so the
 * element (payments and the viewer lookup), the server tests and benches share it. Every failure is a
 * PaymentApiError whose `kind` says where it failed, with the server's code and, for tick refusals, what
 * the ledger holds.
 */
import {
  API_PATHS,
  type AnalyticsResponse,
  type ContentPrice,
  type ApiErrorBody,
  type ApiErrorCode,
  type DelegationChainJson,
  type DevCreditRequest,
  type DevCreditResponse,
  type RevokeRequest,
  type RevokeResponse,
  type SessionStartRequest,
  type SessionStartResponse,
  type TickRequest,
  type TickResponse,
  type ViewerRequest,
  type ViewerResponse,
} from './protocol.js';
import { AD_PATHS, type AdTickRequest, type AdTickResponse } from './ad-protocol.js';
import { apiIdentity, revokeSigningBytes, startSigningBytes, tickSigningBytes, toHex, whoamiSigningBytes, type Tick } from './tick.js';

/**
 * Where a call failed, decided where it happened:
 * - `timeout`: no complete answer within `timeoutMs` (headers or body);
 * - `network`: no answer at all (refused, reset, DNS, offline, or aborted by the caller's signal);
 * - `bad-json`: an answer whose body is not JSON (a proxy's HTML error page, a truncated body);
 * - `http`: a JSON answer with a non-2xx status; `code` is the server's (INTERNAL if it named none).
 */
export type PaymentApiErrorKind = 'timeout' | 'network' | 'bad-json' | 'http';

export class PaymentApiError extends Error {
  override name = 'PaymentApiError';
  readonly kind: PaymentApiErrorKind;
  constructor(
    /** HTTP status, or 0 when the request never got an answer (network, timeout, abort). */
    readonly status: number,
    /** The server's code on `http`; 'NETWORK' when the server said nothing (timeout, network, bad-json). */
    readonly code: ApiErrorCode | 'NETWORK',
    message: string,
    readonly ledger?: TickResponse,
    kind?: PaymentApiErrorKind,
  ) {
    super(message);
    this.kind = kind ?? (status === 0 ? 'network' : 'http');
  }
  /** On ad-tick refusals (409 SEQ_OUT_OF_ORDER, AD_BREAK_CLOSED…): where the break stands (docs/ADS.md §5). */
  adLedger?: AdTickResponse;
}

export interface ApiClientOptions {
  /** Base URL of the payment API, e.g. "https://pay.example.com" (no trailing slash needed). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Abort a request after this many ms, body included (default 10 000). */
  timeoutMs?: number;
  /** Send with `keepalive`, so a request made while the page goes away (pagehide) still leaves. */
  keepalive?: boolean;
}

/** Per call: the caller's own abort signal (e.g. a component that disconnects). */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface ApiClient {
  viewer(req: ViewerRequest, call?: CallOptions): Promise<ViewerResponse>;
  start(req: SessionStartRequest, call?: CallOptions): Promise<SessionStartResponse>;
  extend(req: TickRequest, call?: CallOptions): Promise<TickResponse>;
  pause(req: TickRequest, call?: CallOptions): Promise<TickResponse>;
  /** Sign-out: revokes the signing session key at this API. */
  revoke(req: RevokeRequest, call?: CallOptions): Promise<RevokeResponse>;
  analytics(query: { sessionId?: string; contentId?: string }, token?: string): Promise<AnalyticsResponse>;
  devCredit(req: DevCreditRequest): Promise<DevCreditResponse>;
  /** v3: the catalog's public price of a title (404 UNKNOWN_CONTENT when it is not sold). */
  content(contentId: string, call?: CallOptions): Promise<ContentPrice>;
  /** Cumulative ad seconds of one break, signed by the session key (docs/ADS.md §5). */
  adTick(req: AdTickRequest, call?: CallOptions): Promise<AdTickResponse>;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  // Looked up at each call, not bound once: a page (or Storybook) may replace fetch after this client exists.
  const doFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, own?: AbortSignal): Promise<T> {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = own ? AbortSignal.any([own, deadline]) : deadline;
    // Whatever failed before a whole body arrived: the deadline's, the caller's, or the network's.
    const lost = (e: unknown, during: string) =>
      deadline.aborted
        ? new PaymentApiError(0, 'NETWORK', `no answer within ${timeoutMs} ms ${during}`, undefined, 'timeout')
        : new PaymentApiError(0, 'NETWORK', own?.aborted ? 'aborted by the caller' : String((e as Error)?.message ?? e), undefined, 'network');
    let res: Response;
    let text: string;
    try {
      res = await doFetch(base + path, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        // The API authenticates by signatures, never by cookies.
        credentials: 'omit',
        ...(options.keepalive && { keepalive: true }),
      });
    } catch (e) {
      throw lost(e, 'to the request');
    }
    try {
      text = await res.text();
    } catch (e) {
      throw lost(e, 'for the body');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PaymentApiError(res.status, 'NETWORK', `HTTP ${res.status} with a body that is not JSON`, undefined, 'bad-json');
    }
    if (!res.ok) {
      const b = json as (Partial<ApiErrorBody> & { adLedger?: AdTickResponse }) | null;
      const err = b?.error;
      const e = new PaymentApiError(res.status, err?.code ?? 'INTERNAL', err?.message ?? `HTTP ${res.status}`, b?.ledger, 'http');
      if (b?.adLedger) e.adLedger = b.adLedger;
      throw e;
    }
    return json as T;
  }

  return {
    viewer: (req, c) => call('POST', API_PATHS.viewer, req, {}, c?.signal),
    start: (req, c) => call('POST', API_PATHS.start, req, {}, c?.signal),
    extend: (req, c) => call('PUT', API_PATHS.extend, req, {}, c?.signal),
    pause: (req, c) => call('POST', API_PATHS.pause, req, {}, c?.signal),
    revoke: (req, c) => call('POST', API_PATHS.revoke, req, {}, c?.signal),
    analytics: (q, token) => {
      const p = new URLSearchParams();
      if (q.sessionId) p.set('sessionId', q.sessionId);
      if (q.contentId) p.set('contentId', q.contentId);
      const qs = p.toString();
      return call('GET', API_PATHS.analytics + (qs ? `?${qs}` : ''), undefined, token ? { authorization: `Bearer ${token}` } : {});
    },
    devCredit: (req) => call('POST', API_PATHS.devCredit, req),
    // The id goes as it is: the server routes on the raw path, and CONTENT_ID_PATTERN has nothing to encode.
    content: (contentId, c) => call('GET', API_PATHS.content + contentId, undefined, {}, c?.signal),
    adTick: (req, c) => call('POST', AD_PATHS.adTick, req, {}, c?.signal),
  };
}

/** What signing needs: the session key (e.g. a DelegationIdentity's `sign`) and its delegation chain. */
export interface SessionSigner {
  sign(bytes: Uint8Array): Promise<ArrayBuffer | Uint8Array>;
  /** DER SPKI of the session key. */
  sessionPublicKey: Uint8Array;
  delegationChain: DelegationChainJson;
}

export async function signedViewerRequest(s: SessionSigner, requestTime: number): Promise<ViewerRequest> {
  return {
    delegationChain: s.delegationChain,
    sessionPublicKey: toHex(s.sessionPublicKey),
    requestTime,
    signature: toHex(await s.sign(whoamiSigningBytes({ requestTime }))),
  };
}

/**
 * `m.api`: the base URL of the API the request goes to (normalised with `apiIdentity`, then signed).
 * `m.budgetMicroAlgos`: the session's budget, signed; absent or null = no budget.
 */
export async function signedStartRequest(
  s: SessionSigner,
  m: { api: string; contentId: string; rateMicroAlgos: number; budgetMicroAlgos?: number | null; requestTime: number; nonce: string },
): Promise<SessionStartRequest> {
  const message = { ...m, api: apiIdentity(m.api), budgetMicroAlgos: m.budgetMicroAlgos ?? null };
  return {
    delegationChain: s.delegationChain,
    sessionPublicKey: toHex(s.sessionPublicKey),
    ...message,
    signature: toHex(await s.sign(startSigningBytes(message))),
  };
}

/** Sign-out: the session key signs its own revocation at the API `m.api` names. */
export async function signedRevokeRequest(s: SessionSigner, m: { api: string; requestTime: number; nonce: string }): Promise<RevokeRequest> {
  const message = { ...m, api: apiIdentity(m.api) };
  return {
    delegationChain: s.delegationChain,
    sessionPublicKey: toHex(s.sessionPublicKey),
    ...message,
    signature: toHex(await s.sign(revokeSigningBytes(message))),
  };
}

export async function signedTickRequest(sign: SessionSigner['sign'], tick: Tick, sessionPublicKey?: Uint8Array): Promise<TickRequest> {
  return {
    tick,
    signature: toHex(await sign(tickSigningBytes(tick))),
    ...(sessionPublicKey && { sessionPublicKey: toHex(sessionPublicKey) }),
  };
}

/** 128 random bits as the start message's nonce. */
export function randomNonce(): string {
  return toHex(globalThis.crypto.getRandomValues(new Uint8Array(16)));
}
