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

/** A database URL for a server started from options or a command line: the run's cluster, a fresh schema. */
export function postgresUrl(schema = freshSchema()): string {
  return `${inject('pgUrl')}?schema=${schema}`;
}
