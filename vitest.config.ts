import { defineConfig } from 'vitest/config';

// Unit tests: pure TypeScript (money, meter, tick encoding) and the reference server, in Node.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // One throwaway PostgreSQL cluster per run: the ledger and server suites run against it too.
    globalSetup: ['test/support/postgres-global-setup.ts'],
    testTimeout: 20_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
