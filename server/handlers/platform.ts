/** The platform's own endpoints: analytics (token), and credits (development mode, or the admin token). */
import type { IncomingMessage } from 'node:http';
import { Principal } from '@dfinity/principal';
import type { AnalyticsResponse, DevCreditResponse } from '../../src/payments/protocol.js';
import { CONTENT_ID_PATTERN, SESSION_ID_PATTERN, isUint } from '../../src/payments/tick.js';
import { algorandAddressOf } from '../algorand-address.js';
import { ApiError } from '../errors.js';
import { obj } from '../http-io.js';
import { bearerMatches } from '../tokens.js';
import type { AppContext } from './context.js';
import { adsOf } from '../ads/ad-routes.js';
import { adAnalytics } from '../ads/ads-reports.js';
import type { LedgerCheck } from '../ledger/transfer-rules.js';
import { authorize } from './catalog.js';

/** GET: the double-entry check (docs/PROTOCOL.md §14), admin token only. */
export const LEDGER_CHECK_PATH = '/streaming/admin/ledger/check';

const LIVE_WINDOW_MS = 30_000;

export async function analytics(c: AppContext, query: URLSearchParams, req: IncomingMessage): Promise<AnalyticsResponse> {
  const { o, ledger } = c;
  if ((o.analyticsToken !== undefined || o.adminToken !== undefined) && !bearerMatches(req.headers.authorization, [o.analyticsToken, o.adminToken])) {
    throw new ApiError('NOT_SESSION_OWNER', 'analytics needs the platform token');
  }
  const sessionId = query.get('sessionId');
  if (sessionId !== null) {
    if (!SESSION_ID_PATTERN.test(sessionId)) throw new ApiError('BAD_REQUEST', 'bad sessionId');
    const session = await ledger.sessionAnalytics(sessionId);
    if (!session) throw new ApiError('NOT_FOUND', 'unknown session');
    return { session };
  }
  const contentId = query.get('contentId') ?? undefined;
  if (contentId !== undefined && !CONTENT_ID_PATTERN.test(contentId)) throw new ApiError('BAD_REQUEST', 'bad contentId');
  return { totals: await ledger.totals(o.now(), LIVE_WINDOW_MS, contentId), ads: await adAnalytics(adsOf(c), contentId) };
}

/** Development mode: anyone (the demo's "add funds"). Otherwise only with the admin token, when one is set. */
export async function credit(c: AppContext, body: unknown, req: IncomingMessage): Promise<DevCreditResponse> {
  const { o, ledger } = c;
  if (!o.dev) {
    if (o.adminToken === undefined) throw new ApiError('DEV_ONLY', 'dev endpoints exist only in development mode');
    if (!bearerMatches(req.headers.authorization, [o.adminToken])) throw new ApiError('NOT_SESSION_OWNER', 'crediting needs the admin token');
  }
  const b = obj(body);
  if (typeof b.principal !== 'string') throw new ApiError('BAD_REQUEST', 'principal must be text');
  let principal: string;
  try {
    principal = Principal.fromText(b.principal).toText();
  } catch {
    throw new ApiError('BAD_REQUEST', 'principal is not a valid principal');
  }
  if (!isUint(b.microAlgos) || b.microAlgos === 0) throw new ApiError('BAD_REQUEST', 'microAlgos must be a positive integer');
  const algorandAddress = algorandAddressOf(principal);
  const balanceMicroAlgos = await ledger.credit(principal, algorandAddress, b.microAlgos, o.now());
  return { principal, algorandAddress, balanceMicroAlgos };
}

/** Every account's transfers against the balances the ledger caches: `{ok, accounts, total, mismatches}`. */
export async function ledgerCheck(c: AppContext, req: IncomingMessage): Promise<LedgerCheck> {
  authorize(c, req);
  return c.ledger.ledgerCheck();
}
