import { defineConfig } from 'vitest/config';

// Unit tests: pure TypeScript (money, meter, tick encoding) and the reference server, in Node.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
