import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { chromium, type Browser } from 'playwright';
// @ts-expect-error: plain ESM helper shared with the other runners
import { chromiumLaunchOptions } from '../../scripts/browser.mjs';

// Every story, in Chromium, from the static Storybook build: it renders without an uncaught error
// or a Storybook render error, and axe-core finds no serious or critical accessibility violation.
// One test per story, named by its id, so a failure names the story.

interface IndexEntry { id: string; type: 'story' | 'docs'; title: string; name: string }
const base = inject('storybookUrl');
const index = (await (await fetch(`${base}/index.json`)).json()) as { entries: Record<string, IndexEntry> };
const stories = Object.values(index.entries).filter((e) => e.type === 'story');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Time a story gets after its play function (which waits for its state) before the scan; stories
// without one get this long to show their first frame.
const SETTLE_MS = 800;

let browser: Browser;
beforeAll(async () => { browser = await chromium.launch(chromiumLaunchOptions()); });
afterAll(async () => { await browser?.close(); });

interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }

describe.concurrent('stories', () => {
  test('the Storybook index lists stories', () => { expect(stories.length).toBeGreaterThan(0); });

  for (const story of stories) {
    test(`${story.title} / ${story.name} (${story.id})`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
      try {
        await page.goto(`${base}/iframe.html?id=${encodeURIComponent(story.id)}&viewMode=story`, { waitUntil: 'domcontentloaded' });
        await page.waitForFunction(
          () => document.body.classList.contains('sb-show-main') || document.body.classList.contains('sb-show-errordisplay'),
          undefined, { timeout: 15_000 },
        );
        const renderError = await page.evaluate(() =>
          document.body.classList.contains('sb-show-errordisplay') ? document.querySelector('#error-message')?.textContent ?? 'render error' : '');
        expect(renderError, 'Storybook render error').toBe('');
        // Every sippar-player in the story is upgraded and rendered its shadow root.
        const players = await page.evaluate(() => [...document.querySelectorAll('sippar-player')].map((p) => !!p.shadowRoot && customElements.get('sippar-player') !== undefined));
        expect(players.every(Boolean), 'sippar-player upgraded').toBe(true);
        // Stories with a play function drive the element to their state: wait until it has finished.
        const phase = await page.waitForFunction(() => {
          const render = (window as unknown as { __STORYBOOK_PREVIEW__?: { currentRender?: { phase?: string } } }).__STORYBOOK_PREVIEW__?.currentRender;
          const p = render?.phase;
          return p === undefined || ['completed', 'finished', 'afterEach', 'errored', 'aborted'].includes(p) ? p ?? 'unknown' : false;
        }, undefined, { timeout: 40_000 }).then((h) => h.jsonValue());
        expect(phase, 'story render phase').not.toBe('errored');
        await page.waitForTimeout(SETTLE_MS);
        await page.addScriptTag({ content: axeSource });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
          const root = document.querySelector('#storybook-root') ?? document.body;
          const r = await axe.run(root, { resultTypes: ['violations'] });
          return r.violations;
        });
        const serious = violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
        expect(serious, 'axe serious/critical violations').toEqual([]);
        expect(pageErrors, 'uncaught errors in the page').toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
