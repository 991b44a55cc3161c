/**
 * The route table, matched on the raw request target exactly as it arrived: no URL parsing, no
 * normalisation. `//evil/streaming/…`, `/streaming\session\extend`, `/streaming/public/%2e%2e/session/…`
 * or a trailing slash are not our paths, so a rule a proxy writes on a path means what it says here too.
 * The v3 catalog paths end in a content id, taken as sent: it must match CONTENT_ID_PATTERN (no `%`, so no
 * encoded byte) with no empty, `.` or `..` segment, so no proxy can read it as another path either.
 */
import type { IncomingMessage } from 'node:http';
import { API_PATHS } from '../src/payments/protocol.js';
import type { AppContext } from './handlers/context.js';
import { contentPrice, deleteTitle, listTitles, putTitle } from './handlers/catalog.js';
import { start, viewer } from './handlers/identity.js';
import { LEDGER_CHECK_PATH, analytics, credit, ledgerCheck } from './handlers/platform.js';
import { mediaKey } from './handlers/keys.js';
import { revoke } from './handlers/revoke.js';
import { tick, type Answer } from './handlers/ticks.js';
import { KEY_PATH_PREFIX, parseKeyPath } from '../src/payments/key-request.js';
import { AUDIT_PATHS, auditRoutes, type TextAnswer } from './audit.js';
import { AD_ID_ROUTES, AD_ROUTES } from './ads/ad-routes.js';
import { CONTENT_ID_PATTERN } from '../src/payments/tick.js';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The body is JSON (read, bounded, parsed) — every route but analytics. */
  json: boolean;
  /** `id`: the content id ending a catalog path (v3), as sent. */
  run(c: AppContext, body: unknown, query: URLSearchParams, req: IncomingMessage, id: string): Promise<Answer | TextAnswer>;
}

/** The audit export (audit.ts): JSON or CSV, behind the analytics token. */
const audit = (path: string): Route => ({
  method: 'GET',
  json: false,
  run: (c, _b, q, req) => auditRoutes(c.ledger, c.o)[path]!.run(undefined, new URL(`http://api${path}?${q}`), req),
});

const ok = (body: unknown): Answer => ({ status: 200, body });

export const ROUTES: Readonly<Record<string, Route>> = {
  [API_PATHS.viewer]: { method: 'POST', json: true, run: async (c, b) => ok(await viewer(c, b)) },
  [API_PATHS.start]: { method: 'POST', json: true, run: async (c, b) => ok(await start(c, b)) },
  [API_PATHS.extend]: { method: 'PUT', json: true, run: (c, b) => tick(c, b, false) },
  [API_PATHS.pause]: { method: 'POST', json: true, run: (c, b) => tick(c, b, true) },
  [API_PATHS.revoke]: { method: 'POST', json: true, run: async (c, b) => ok(await revoke(c, b)) },
  [API_PATHS.analytics]: { method: 'GET', json: false, run: async (c, _b, q, req) => ok(await analytics(c, q, req)) },
  [API_PATHS.devCredit]: { method: 'POST', json: true, run: async (c, b, _q, req) => ok(await credit(c, b, req)) },
  [AUDIT_PATHS.ticks]: audit(AUDIT_PATHS.ticks),
  [AUDIT_PATHS.settlements]: audit(AUDIT_PATHS.settlements),
  ...AD_ROUTES,
  [API_PATHS.adminContentList]: { method: 'GET', json: false, run: async (c, _b, _q, req) => ok(await listTitles(c, req)) },
  [LEDGER_CHECK_PATH]: { method: 'GET', json: false, run: async (c, _b, _q, req) => ok(await ledgerCheck(c, req)) },
};

/** `/streaming/keys/<contentId>/<index>`: the one route with parameters, parsed from the raw path (key-request.ts). */
const KEY_ROUTE: Route = { method: 'GET', json: false, run: (c, _b, q, req) => mediaKey(c, q, req) };

/** Paths that end in a content id (v3 catalog), by prefix; each prefix takes the methods listed. */
export const ID_ROUTES: Readonly<Record<string, readonly Route[]>> = {
  [API_PATHS.content]: [{ method: 'GET', json: false, run: async (c, _b, _q, _r, id) => ok(await contentPrice(c, id)) }],
  [API_PATHS.adminContent]: [
    { method: 'PUT', json: true, run: async (c, b, _q, req, id) => ok(await putTitle(c, id, b, req)) },
    { method: 'DELETE', json: false, run: async (c, _b, _q, req, id) => ok(await deleteTitle(c, id, req)) },
  ],
  ...AD_ID_ROUTES,
};

/** A content id as a path's last part: the id alphabet, and nothing a path normaliser would rewrite. */
export function isRoutableContentId(id: string): boolean {
  return CONTENT_ID_PATTERN.test(id) && id.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

export interface RouteMatch {
  path: string;
  /** The route for `method` when the path takes it, else the path's first (its 405 names what it takes). */
  route: Route;
  /** Every method the path takes (for CORS preflight and 405). */
  methods: string[];
  query: URLSearchParams;
  /** The content id of a catalog path; '' elsewhere. */
  id: string;
}

/** The route for a raw request target, and its query; undefined for anything but an exact path. */
export function matchRoute(target: string | undefined, method?: string): RouteMatch | undefined {
  if (target === undefined) return undefined;
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
  const exact = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (exact) return { path, route: exact, methods: [exact.method], query, id: '' };
  if (path.startsWith(KEY_PATH_PREFIX)) return parseKeyPath(path) ? { path, route: KEY_ROUTE, methods: [KEY_ROUTE.method], query, id: '' } : undefined;
  for (const prefix of Object.keys(ID_ROUTES)) {
    if (!path.startsWith(prefix)) continue;
    const id = path.slice(prefix.length);
    if (!isRoutableContentId(id)) return undefined;
    const routes = ID_ROUTES[prefix]!;
    return { path, route: routes.find((r) => r.method === method) ?? routes[0]!, methods: routes.map((r) => r.method), query, id };
  }
  return undefined;
}
