import { defineConfig } from '@playwright/test';
// @ts-expect-error: plain ESM helper shared with the other runners
import { chromiumLaunchOptions } from './scripts/browser.mjs';

// Journeys across windows and servers (identity popup, payments, the demo), in real Chromium.
export default defineConfig({
  testDir: 'test/e2e',
  // Its own folder: Playwright empties outputDir at start, and test-results/ holds the other suites' counts.
  outputDir: 'test-results/playwright-artifacts',
  testMatch: '**/*.spec.ts',
  workers: 1,
  timeout: 60_000,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: { launchOptions: chromiumLaunchOptions(), trace: 'off' },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
