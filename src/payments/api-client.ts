/**
 * A small fetch client for the six payment API endpoints (docs/PROTOCOL.md). No DOM beyond fetch, so the
 * element, Node tests and benches share it. Errors come back as PaymentApiError with the server's code and,
 * for tick refusals, what the ledger holds.
 */
import {
  API_PATHS,
  type AnalyticsResponse,
  type ApiErrorBody,
  type ApiErrorCode,
  type DelegationChainJson,
  type DevCreditRequest,
  type DevCreditResponse,
  type SessionStartRequest,
  type SessionStartResponse,
  type TickRequest,
  type TickResponse,
  type ViewerRequest,
  type ViewerResponse,
} from './protocol.js';
import { startSigningBytes, tickSigningBytes, toHex, whoamiSigningBytes, type Tick } from './tick.js';

export class PaymentApiError extends Error {
  constructor(
    /** HTTP status, or 0 when the request never got an answer (network, timeout, abort). */
    readonly status: number,
    readonly code: ApiErrorCode | 'NETWORK',
    message: string,
    readonly ledger?: TickResponse,
  ) {
    super(message);
    this.name = 'PaymentApiError';
  }
}

export interface ApiClientOptions {
  /** Base URL of the payment API, e.g. "https://pay.example.com" (no trailing slash needed). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Abort a request after this many ms (default 10 000). */
  timeoutMs?: number;
}

export interface ApiClient {
  viewer(req: ViewerRequest): Promise<ViewerResponse>;
  start(req: SessionStartRequest): Promise<SessionStartResponse>;
  extend(req: TickRequest): Promise<TickResponse>;
  pause(req: TickRequest): Promise<TickResponse>;
  analytics(query: { sessionId?: string; contentId?: string }, token?: string): Promise<AnalyticsResponse>;
  devCredit(req: DevCreditRequest): Promise<DevCreditResponse>;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(base + path, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new PaymentApiError(0, 'NETWORK', (e as Error)?.message ?? 'network error');
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new PaymentApiError(res.status, res.ok ? 'INTERNAL' : 'INTERNAL', `non-JSON answer (HTTP ${res.status})`);
    }
    if (!res.ok) {
      const err = (json as ApiErrorBody | undefined)?.error;
      throw new PaymentApiError(res.status, err?.code ?? 'INTERNAL', err?.message ?? `HTTP ${res.status}`, (json as ApiErrorBody).ledger);
    }
    return json as T;
  }

  return {
    viewer: (req) => call('POST', API_PATHS.viewer, req),
    start: (req) => call('POST', API_PATHS.start, req),
    extend: (req) => call('PUT', API_PATHS.extend, req),
    pause: (req) => call('POST', API_PATHS.pause, req),
    analytics: (q, token) => {
      const p = new URLSearchParams();
      if (q.sessionId) p.set('sessionId', q.sessionId);
      if (q.contentId) p.set('contentId', q.contentId);
      const qs = p.toString();
      return call('GET', API_PATHS.analytics + (qs ? `?${qs}` : ''), undefined, token ? { authorization: `Bearer ${token}` } : {});
    },
    devCredit: (req) => call('POST', API_PATHS.devCredit, req),
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

export async function signedStartRequest(
  s: SessionSigner,
  m: { contentId: string; rateMicroAlgos: number; requestTime: number; nonce: string },
): Promise<SessionStartRequest> {
  return {
    delegationChain: s.delegationChain,
    sessionPublicKey: toHex(s.sessionPublicKey),
    ...m,
    signature: toHex(await s.sign(startSigningBytes(m))),
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
