/** A PostgreSQL ledger on the run's throwaway cluster (postgres-global-setup.ts), in a fresh schema: no test sees another's rows. */
import { inject } from 'vitest';
import { PostgresLedgerStorage } from '../../server/ledger/postgres-storage.js';

let made = 0;

export function freshSchema(): string {
  return `t${process.pid}_${++made}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function postgresStore(max = 4): Promise<PostgresLedgerStorage> {
  const l = new PostgresLedgerStorage(inject('pgUrl'), { schema: freshSchema(), max });
  await l.ready;
  return l;
}

/** The cluster's URL with a search_path for `schema`, for servers started from a URL (child processes). */
export function urlWithSchema(schema: string): string {
  const u = new URL(inject('pgUrl'));
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
