import { playwrightLauncher } from '@web/test-runner-playwright';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromiumLaunchOptions } from './scripts/browser.mjs';
import { summaryReporter } from './test/support/wtr-summary-reporter.mjs';
import { adsApiPlugin } from './test/support/wtr-ads-api.mjs';
import { defaultReporter } from '@web/test-runner';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { adFixtures, makeAdCreative } from './test/support/ad-fixtures.mjs';

// test/browser/dist.test.ts loads the built files (script tag, strict CSP): build once if absent.
if (!existsSync('dist/sippar-player.iife.js')) execFileSync('node', ['scripts/build.mjs'], { stdio: 'inherit' });
// test/browser/ad-playback.test.ts plays a creative of its own between media/basic's seconds.
makeAdCreative();

export default {
  rootDir: '.',
  // Ads: a title with breaks and its asset lists, as the payment API serves them (test/support/ad-fixtures.mjs).
  middleware: [adFixtures],
  files: ['test/browser/**/*.test.ts'],
  // Production conditions, as shipped: nanostores' `development` build reads `process.env`,
  // which a browser does not have.
  nodeResolve: { exportConditions: ['browser', 'production'] },
  // nanostores reads process.env.NODE_ENV and expects a bundler to replace it; the build does
  // (vite.config.ts define), the unbundled test page gets the same answer here.
  testRunnerHtml: (testFramework) => `<!doctype html><html><head>
    <script>window.process = { env: { NODE_ENV: 'production' } };</script></head>
    <body><script type="module" src="${testFramework}"></script></body></html>`,
  // Two cores: one browser page at a time keeps media timing honest.
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 20_000 } },
  browsers: [playwrightLauncher({ product: 'chromium', launchOptions: chromiumLaunchOptions() })],
  // Lit decorators need the project's tsconfig (experimentalDecorators, no define semantics).
  // adsApiPlugin: the reference payment API with ad breaks and agents, for test/browser/ad-ticks.test.ts.
  plugins: [esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }), adsApiPlugin()],
  reporters: [defaultReporter(), summaryReporter('test-results/wtr-summary.json')],
};
