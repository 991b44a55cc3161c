import { defineConfig } from 'vitest/config';

// Unit tests: pure TypeScript (money, meter, tick encoding) and the reference server, in Node. The server
// suites run twice: on SQLite (in memory) and on PostgreSQL (the run's throwaway cluster).
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 20_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
    // One throwaway PostgreSQL cluster per run: the ledger property suite and the server suites use it.
    globalSetup: ['test/support/postgres-global-setup.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'server-postgres',
          // The ads suites over HTTP too: the ads tables then live in the ledger's PostgreSQL database.
          include: ['test/unit/server/*.test.ts', 'test/unit/server/ads/{ad-breaks,agent-requests,ad-playlist,ad-analytics}.test.ts'],
          env: { SIPPAR_TEST_DB: 'postgres' },
        },
      },
    ],
  },
});
