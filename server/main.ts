/**
 * `npm run api -- --port 8787 --db ./sippar.db --dev --origins http://localhost:5173,https://example.com`
 * `--db postgres://user@host:5432/db` runs on PostgreSQL instead: start as many processes as needed on one database.
 * Flags and their environment variables (a flag wins):
 *   --port PORT · --host HOST · --db SIPPAR_DB · --dev SIPPAR_DEV=1 · --origins SIPPAR_ORIGINS (comma list or *)
 *   --quiet SIPPAR_QUIET=1 · SIPPAR_IC_ROOT_KEY (raw hex) · SIPPAR_II_CANISTERS, SIPPAR_TARGETS (comma lists)
 *   --analytics-token SIPPAR_ANALYTICS_TOKEN · --admin-token SIPPAR_ADMIN_TOKEN
 *   --platform-fee-bps SIPPAR_PLATFORM_FEE_BPS (0…10000, the platform's split of each settlement)
 *   --public-url SIPPAR_PUBLIC_URLS (comma list: the base URLs clients sign their starts for)
 *   --pay-to SIPPAR_PAY_TO (x402 deposit address) · --algorand-network SIPPAR_ALGORAND_NETWORK (CAIP-2)
 *   --client-rate SIPPAR_CLIENT_RATE · --viewer-rate SIPPAR_VIEWER_RATE (requests/s, burst 2×; 0 = off)
 *   --bls-workers SIPPAR_BLS_WORKERS · --bls-queue SIPPAR_BLS_QUEUE
 *   --verify-workers SIPPAR_VERIFY_WORKERS (tick signature checks on worker threads; default 2, 0 = on the event loop)
 *   --verify-queue SIPPAR_VERIFY_QUEUE (tick checks awaiting an answer beyond which 503 BUSY; default 20 000)
 *   --catalog SIPPAR_CATALOG (v3: JSON file of the titles sold, their prices, previews, splits and ad settings)
 *   --ads-catalog SIPPAR_ADS_CATALOG (ad settings from another catalog file, for benches) · --ads-db SIPPAR_ADS_DB
 *   --media-keys SIPPAR_MEDIA_KEYS (a packaged title's keys file; the flag repeats, the variable is a comma list)
 *   --key-lead-seconds SIPPAR_KEY_LEAD_SECONDS (0…600, default 30: keys a viewer may hold past what was billed)
 *   --max-sessions SIPPAR_MAX_SESSIONS (live sessions per viewer, default 3)
 *   --trust-proxy SIPPAR_TRUST_PROXY=1 (per-client limits key on X-Forwarded-For's last address; default off)
 *   --tick-interval SIPPAR_TICK_INTERVAL (1…5 s between a playing viewer's ticks; default 1; 4 at 10 000 viewers a core)
 *   --max-pending-ticks SIPPAR_MAX_PENDING_TICKS (ticks awaiting commit beyond which 503 BUSY)
 *   --group-commit-ms SIPPAR_GROUP_COMMIT_MS (SQLite: ms a transaction collects writes; 0 = one event-loop turn)
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startServer } from './app.js';
import { CatalogError } from './catalog/catalog-rules.js';
import { DEFAULT_RATE_LIMITS, MAX_TICK_INTERVAL_SECONDS, type RateLimit } from './config.js';
import { adCatalogFromCatalogJson } from './ads/ad-settings.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    db: { type: 'string' },
    dev: { type: 'boolean' },
    origins: { type: 'string' },
    quiet: { type: 'boolean' },
    'analytics-token': { type: 'string' },
    'admin-token': { type: 'string' },
    'platform-fee-bps': { type: 'string' },
    'public-url': { type: 'string' },
    'pay-to': { type: 'string' },
    'algorand-network': { type: 'string' },
    'client-rate': { type: 'string' },
    'viewer-rate': { type: 'string' },
    'bls-workers': { type: 'string' },
    'bls-queue': { type: 'string' },
    'verify-workers': { type: 'string' },
    'verify-queue': { type: 'string' },
    'ads-catalog': { type: 'string' },
    'ads-db': { type: 'string' },
    catalog: { type: 'string' },
    'media-keys': { type: 'string', multiple: true },
    'key-lead-seconds': { type: 'string' },
    'max-sessions': { type: 'string' },
    'trust-proxy': { type: 'boolean' },
    'tick-interval': { type: 'string' },
    'max-pending-ticks': { type: 'string' },
    'group-commit-ms': { type: 'string' },
  },
});
const env = process.env;
const list = (s: string | undefined) => (s === undefined ? undefined : s === '*' ? ('*' as const) : s.split(',').map((x) => x.trim()).filter(Boolean));

/** A whole number in [min, max], or exit with a message naming the flag (a typo must not start a server). */
function int(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    process.stderr.write(`--${name} must be an integer ${min}…${max}, got "${text}"\n`);
    process.exit(2);
  }
  return n;
}
const rate = (name: string, text: string | undefined, dflt: RateLimit): RateLimit | false => {
  const n = int(name, text, 0, 1_000_000);
  return n === undefined ? dflt : n === 0 ? false : { perSecond: n, burst: 2 * n };
};

// Ad settings come from the catalog store; --ads-catalog reads them from another file instead (the auction bench).
const adsCatalogPath = values['ads-catalog'] ?? env.SIPPAR_ADS_CATALOG;
const adCatalog = adsCatalogPath === undefined ? undefined : adCatalogFromCatalogJson(JSON.parse(readFileSync(adsCatalogPath, 'utf8')));

const catalog = values.catalog ?? env.SIPPAR_CATALOG;
let server: Awaited<ReturnType<typeof startServer>>;
try {
  server = await startServer({
    port: Number(values.port ?? env.PORT ?? 8787),
    host: values.host ?? env.HOST ?? '127.0.0.1',
    db: values.db ?? env.SIPPAR_DB ?? 'sippar.db',
    dev: values.dev ?? (env.SIPPAR_DEV === '1' || env.SIPPAR_DEV === 'true'),
    origins: list(values.origins ?? env.SIPPAR_ORIGINS),
    quiet: values.quiet ?? env.SIPPAR_QUIET === '1',
    icRootKeyRawHex: env.SIPPAR_IC_ROOT_KEY,
    iiCanisterIds: list(env.SIPPAR_II_CANISTERS) as string[] | undefined,
    acceptedTargets: list(env.SIPPAR_TARGETS) as string[] | undefined,
    analyticsToken: values['analytics-token'] ?? env.SIPPAR_ANALYTICS_TOKEN,
    adminToken: values['admin-token'] ?? env.SIPPAR_ADMIN_TOKEN,
    platformFeeBps: int('platform-fee-bps', values['platform-fee-bps'] ?? env.SIPPAR_PLATFORM_FEE_BPS, 0, 10_000),
    publicUrls: list(values['public-url'] ?? env.SIPPAR_PUBLIC_URLS) as string[] | undefined,
    payTo: values['pay-to'] ?? env.SIPPAR_PAY_TO,
    algorandNetwork: values['algorand-network'] ?? env.SIPPAR_ALGORAND_NETWORK,
    rateLimits: {
      perClient: rate('client-rate', values['client-rate'] ?? env.SIPPAR_CLIENT_RATE, DEFAULT_RATE_LIMITS.perClient),
      perViewer: rate('viewer-rate', values['viewer-rate'] ?? env.SIPPAR_VIEWER_RATE, DEFAULT_RATE_LIMITS.perViewer),
    },
    tickIntervalSeconds: int('tick-interval', values['tick-interval'] ?? env.SIPPAR_TICK_INTERVAL, 1, MAX_TICK_INTERVAL_SECONDS),
    maxPendingTicks: int('max-pending-ticks', values['max-pending-ticks'] ?? env.SIPPAR_MAX_PENDING_TICKS, 1, 10_000_000),
    groupCommitMs: int('group-commit-ms', values['group-commit-ms'] ?? env.SIPPAR_GROUP_COMMIT_MS, 0, 100),
    maxSessions: int('max-sessions', values['max-sessions'] ?? env.SIPPAR_MAX_SESSIONS, 1, 1_000_000),
    trustProxy: values['trust-proxy'] ?? (env.SIPPAR_TRUST_PROXY === '1' || env.SIPPAR_TRUST_PROXY === 'true'),
    mediaKeys: values['media-keys'] ?? (list(env.SIPPAR_MEDIA_KEYS) as string[] | undefined),
    keyLeadSeconds: int('key-lead-seconds', values['key-lead-seconds'] ?? env.SIPPAR_KEY_LEAD_SECONDS, 0, 600),
    ads: { catalog: adCatalog, db: values['ads-db'] ?? env.SIPPAR_ADS_DB },
    bls: { workers: int('bls-workers', values['bls-workers'] ?? env.SIPPAR_BLS_WORKERS, 0, 64), maxQueue: int('bls-queue', values['bls-queue'] ?? env.SIPPAR_BLS_QUEUE, 0, 100_000) },
    tickVerify: {
      workers: int('verify-workers', values['verify-workers'] ?? env.SIPPAR_VERIFY_WORKERS, 0, 64),
      maxQueue: int('verify-queue', values['verify-queue'] ?? env.SIPPAR_VERIFY_QUEUE, 1, 10_000_000),
    },
    ...(catalog !== undefined && { catalog }),
  });
} catch (e) {
  // A catalog that does not check, or a keys file that cannot be read, stops the server before it sells
  // anything at a wrong price or a title nobody could watch.
  const unreadable = (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'EACCES';
  if (!(e instanceof CatalogError) && !unreadable) throw e;
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
// A PostgreSQL ledger migrates as it opens: an unreachable or broken database stops the process here, not at the first request.
await (server.ledger as { ready?: Promise<void> }).ready;
await server.catalogReady;
process.stdout.write(JSON.stringify({ level: 'info', msg: 'listening', url: server.url, dev: server.options.dev, db: server.options.db }) + '\n');
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void server.close().then(() => process.exit(0)));
