/**
 * The route table, matched on the raw request target exactly as it arrived: no URL parsing, no
 * normalisation. `//evil/streaming/…`, `/streaming\session\extend`, `/streaming/public/%2e%2e/session/…`
 * or a trailing slash are not our paths, so a rule a proxy writes on a path means what it says here too.
 */
import type { IncomingMessage } from 'node:http';
import { API_PATHS } from '../src/payments/protocol.js';
import type { AppContext } from './handlers/context.js';
import { start, viewer } from './handlers/identity.js';
import { analytics, credit } from './handlers/platform.js';
import { revoke } from './handlers/revoke.js';
import { tick, type Answer } from './handlers/ticks.js';
import { AUDIT_PATHS, auditRoutes, type TextAnswer } from './audit.js';

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** The body is JSON (read, bounded, parsed) — every route but analytics. */
  json: boolean;
  run(c: AppContext, body: unknown, query: URLSearchParams, req: IncomingMessage): Promise<Answer | TextAnswer>;
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
};

/** The route for a raw request target, and its query; undefined for anything but an exact path. */
export function matchRoute(target: string | undefined): { path: string; route: Route; query: URLSearchParams } | undefined {
  if (target === undefined) return undefined;
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (!route) return undefined;
  return { path, route, query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)) };
}
