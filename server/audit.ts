/**
 * The audit trail: every accepted tick and settlement, exportable per session, per content and per period
 * as JSON or CSV — what an on-chain settlement later needs and what answers a viewer's dispute (each tick
 * row carries its signature, the hash of its signed bytes and the session key that verifies it).
 *
 * `GET /streaming/audit/ticks` and `GET /streaming/audit/settlements`, query: `sessionId`, `contentId`,
 * `from`, `to` (Unix ms, [from, to) on receivedAt / createdAt), `limit` (≤ 10 000, oldest first),
 * `format=csv|json` (or `Accept: text/csv`). A full page says so (`truncated`, or the `x-audit-truncated`
 * header in CSV): ask again from the last row's time and drop rows already seen (key: session, seq / id).
 * It needs the analytics token; a server without one serves it only in development mode, since the export
 * names every viewer.
 */
import type { IncomingMessage } from 'node:http';
import { CONTENT_ID_PATTERN, SESSION_ID_PATTERN } from '../src/payments/tick.js';
import type { ResolvedOptions } from './config.js';
import { ApiError } from './errors.js';
import type { AuditQuery, LedgerStorage } from './ledger/storage.js';
import { bearerMatches } from './tokens.js';

export const AUDIT_PATHS = { ticks: '/streaming/audit/ticks', settlements: '/streaming/audit/settlements' } as const;
export const AUDIT_MAX_ROWS = 10_000;

/** An answer that is not JSON: app.ts sends `body` as is with this content type and these headers. */
export interface TextAnswer {
  status: number;
  /** Text (the audit export's CSV) or bytes (a media key). */
  body: string | Uint8Array;
  contentType: string;
  headers?: Record<string, string>;
}

function uintParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,16}$/.test(v) || !Number.isSafeInteger(Number(v))) throw new ApiError('BAD_REQUEST', `${name} must be a non-negative integer`);
  return Number(v);
}

export function parseAuditQuery(url: URL): AuditQuery {
  const sessionId = url.searchParams.get('sessionId') ?? undefined;
  if (sessionId !== undefined && !SESSION_ID_PATTERN.test(sessionId)) throw new ApiError('BAD_REQUEST', 'bad sessionId');
  const contentId = url.searchParams.get('contentId') ?? undefined;
  if (contentId !== undefined && !CONTENT_ID_PATTERN.test(contentId)) throw new ApiError('BAD_REQUEST', 'bad contentId');
  const from = uintParam(url, 'from');
  const to = uintParam(url, 'to');
  const limit = uintParam(url, 'limit') ?? AUDIT_MAX_ROWS;
  if (limit < 1 || limit > AUDIT_MAX_ROWS) throw new ApiError('BAD_REQUEST', `limit must be 1…${AUDIT_MAX_ROWS}`);
  return { sessionId, contentId, from, to, limit };
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
function field(v: unknown): string {
  // A settlement's splits (v3) go in one field as JSON.
  const s = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => field(r[c])).join(','))].join('\r\n') + '\r\n';
}

const TICK_COLUMNS = [
  'sessionId', 'contentId', 'principal', 'seq', 'seconds', 'microAlgos', 'charged', 'mediaTime', 'clientTime', 'final', 'httpStatus',
  'receivedAt', 'tickHash', 'signature', 'sessionKey',
] as const;
const SETTLEMENT_COLUMNS = [
  'id', 'sessionId', 'contentId', 'principal', 'seq', 'seconds', 'microAlgos', 'totalSeconds', 'totalMicroAlgos', 'platformFee', 'createdAt', 'splits',
] as const;

type AuditRoute = { method: 'GET'; json: false; run: (body: unknown, url: URL, req: IncomingMessage) => Promise<{ status: number; body: unknown } | TextAnswer> };

export function auditRoutes(ledger: LedgerStorage, o: ResolvedOptions): Record<string, AuditRoute> {
  function authorize(req: IncomingMessage): void {
    if (o.analyticsToken === undefined) {
      if (!o.dev) throw new ApiError('NOT_SESSION_OWNER', 'the audit export needs an analytics token configured on the server');
    } else if (!bearerMatches(req.headers.authorization, [o.analyticsToken, o.adminToken])) {
      // In constant time, like analytics: the platform's analytics token, or its admin token.
      throw new ApiError('NOT_SESSION_OWNER', 'the audit export needs the platform token');
    }
  }

  function answer(kind: 'ticks' | 'settlements', columns: readonly string[], rows: Array<Record<string, unknown>>, q: AuditQuery, url: URL, req: IncomingMessage) {
    const truncated = rows.length > q.limit;
    const page = truncated ? rows.slice(0, q.limit) : rows;
    const csv = url.searchParams.get('format') === 'csv' || (url.searchParams.get('format') === null && /\btext\/csv\b/.test(req.headers.accept ?? ''));
    if (!csv) return { status: 200, body: { [kind]: page, truncated } };
    return {
      status: 200,
      body: toCsv(columns, page),
      contentType: 'text/csv; charset=utf-8',
      headers: { 'content-disposition': `attachment; filename="sippar-${kind}.csv"`, 'x-audit-truncated': String(truncated) },
    } satisfies TextAnswer;
  }

  const route = (kind: 'ticks' | 'settlements'): AuditRoute => ({
    method: 'GET',
    json: false,
    run: async (_b, url, req) => {
      authorize(req);
      const q = parseAuditQuery(url);
      // One row more than asked tells whether the page is full.
      const more = { ...q, limit: q.limit + 1 };
      const rows = kind === 'ticks' ? await ledger.auditTicks(more) : await ledger.auditSettlements(more);
      return answer(kind, kind === 'ticks' ? TICK_COLUMNS : SETTLEMENT_COLUMNS, rows as unknown as Array<Record<string, unknown>>, q, url, req);
    },
  });
  return { [AUDIT_PATHS.ticks]: route('ticks'), [AUDIT_PATHS.settlements]: route('settlements') };
}

export function isTextAnswer(out: { status: number; body: unknown }): out is TextAnswer {
  return typeof (out as TextAnswer).contentType === 'string' && (typeof out.body === 'string' || out.body instanceof Uint8Array);
}
