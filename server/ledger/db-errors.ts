/**
 * Which failures mean "the database cannot be reached right now" rather than "this request is wrong": the
 * API answers those 503 DATABASE_UNAVAILABLE with Retry-After (the client resends; ticks are idempotent)
 * instead of 500 INTERNAL. node-postgres: socket errors, its pool and query timeouts, and the SQLSTATEs of
 * a server that is going away or not yet back (class 08 connection exceptions, 57P01–57P03 shutdown and
 * start-up, 53300 too many connections). SQLite: a file that is locked, busy or failing underneath.
 */
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const PG_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const PG_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended unexpectedly)/;
const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL)/;

export function isDatabaseUnavailable(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NODE_CODES.has(code) || PG_STATES.has(code) || code.startsWith('08') || SQLITE_CODES.test(code)) return true;
  }
  return typeof message === 'string' && PG_MESSAGES.test(message);
}
