/**
 * `npm run api -- --port 8787 --db ./sippar.db --dev --origins http://localhost:5173,https://example.com`
 * `--db postgres://user@host:5432/db` runs on PostgreSQL instead: start as many processes as needed on one database.
 * Env: PORT, HOST, SIPPAR_DB, SIPPAR_DEV=1, SIPPAR_ORIGINS (comma list or *), SIPPAR_QUIET=1,
 * SIPPAR_IC_ROOT_KEY (raw hex), SIPPAR_II_CANISTERS (comma list), SIPPAR_TARGETS (comma list).
 */
import { parseArgs } from 'node:util';
import { startServer } from './app.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    db: { type: 'string' },
    dev: { type: 'boolean' },
    origins: { type: 'string' },
    quiet: { type: 'boolean' },
  },
});
const env = process.env;
const list = (s: string | undefined) => (s === undefined ? undefined : s === '*' ? ('*' as const) : s.split(',').map((x) => x.trim()).filter(Boolean));

const server = await startServer({
  port: Number(values.port ?? env.PORT ?? 8787),
  host: values.host ?? env.HOST ?? '127.0.0.1',
  db: values.db ?? env.SIPPAR_DB ?? 'sippar.db',
  dev: values.dev ?? (env.SIPPAR_DEV === '1' || env.SIPPAR_DEV === 'true'),
  origins: list(values.origins ?? env.SIPPAR_ORIGINS),
  quiet: values.quiet ?? env.SIPPAR_QUIET === '1',
  icRootKeyRawHex: env.SIPPAR_IC_ROOT_KEY,
  iiCanisterIds: list(env.SIPPAR_II_CANISTERS) as string[] | undefined,
  acceptedTargets: list(env.SIPPAR_TARGETS) as string[] | undefined,
});
// A PostgreSQL ledger migrates as it opens: an unreachable or broken database stops the process here, not at the first request.
await (server.ledger as { ready?: Promise<void> }).ready;
process.stdout.write(JSON.stringify({ level: 'info', msg: 'listening', url: server.url, dev: server.options.dev, db: server.options.db }) + '\n');
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => void server.close().then(() => process.exit(0)));
