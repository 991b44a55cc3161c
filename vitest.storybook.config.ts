import { defineConfig } from 'vitest/config';

// Story tests (`npm test` runs them when .storybook/ exists): builds the static Storybook, serves
// it, and visits every story in Chromium (render without errors + axe-core scan). Results in
// vitest's json format at test-results/storybook.json, which scripts/test.mjs adds to its total.
export default defineConfig({
  test: {
    include: ['stories/test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['stories/test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Most of a paid story is waiting for real seconds to be billed: five pages at a time on two cores.
    maxConcurrency: 5,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/storybook.json' },
  },
});
