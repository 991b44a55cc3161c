import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { chromium, type Browser } from 'playwright';
// @ts-expect-error: plain ESM helper shared with the other runners
import { chromiumLaunchOptions } from '../../scripts/browser.mjs';

// The Docs pages (autodocs) and their argument tables, read from custom-elements.json through
// .storybook/manifest-arg-types.ts: attributes with the control their type calls for, CSS parts that
// no longer hide attributes of the same name, colour pickers, and none of the element's internals.

interface IndexEntry { id: string; type: 'story' | 'docs'; title: string }
const base = inject('storybookUrl');
const index = (await (await fetch(`${base}/index.json`)).json()) as { entries: Record<string, IndexEntry> };
const docs = Object.values(index.entries).filter((e) => e.type === 'docs');

let browser: Browser;
beforeAll(async () => { browser = await chromium.launch(chromiumLaunchOptions()); });
afterAll(async () => { await browser?.close(); });

interface Row { name: string; control: string }

async function argsTable(id: string): Promise<Row[]> {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/iframe.html?id=${encodeURIComponent(id)}&viewMode=docs`);
    await page.waitForSelector('#storybook-docs table tbody tr', { timeout: 30_000 });
    // Colour pickers render after the table's rows (lazily, later on a busy machine): wait for one.
    await page.waitForSelector('#storybook-docs input[placeholder^="Choose color"]', { timeout: 30_000 });
    return await page.evaluate(() => [...document.querySelectorAll('#storybook-docs table tbody tr')].flatMap((tr) => {
      const cells = tr.querySelectorAll('td');
      if (cells.length < 4) return [];
      const name = cells[0]!.textContent!.trim().split(/\s+/)[0]!;
      // What the Control column offers: "Set string"/"Set number" until a value is set, then the input.
      const cell = cells[cells.length - 1]!;
      const set = cell.querySelector('button[id^="set-"]')?.textContent?.trim();
      const input = cell.querySelector('input, textarea, select');
      const control = set ? set.toLowerCase().replace(' ', ':')
        : input?.getAttribute('placeholder')?.startsWith('Choose color') ? 'color'
          : input ? `${input.tagName.toLowerCase()}${input.getAttribute('type') ? `:${input.getAttribute('type')}` : ''}`
            : cell.querySelector('svg') ? 'select' : 'none';
      return [{ name, control }];
    }));
  } finally {
    await page.close();
  }
}

describe('docs', () => {
  test('the element has a Docs page', () => {
    expect(docs.map((d) => d.id)).toContain('player-states--docs');
  });

  test('the Docs page table: typed attributes, parts apart, colour pickers, no internals', async () => {
    const rows = await argsTable('player-states--docs');
    const byName = new Map(rows.map((r) => [r.name, r.control]));
    // rate and budget are attributes (text), not the CSS parts of the same name, which have their own rows.
    expect(byName.get('rate')).toBe('set:string');
    expect(byName.get('budget')).toBe('set:string');
    expect(byName.get('::part(rate)')).toBe('none');
    expect(byName.get('::part(budget)')).toBe('none');
    expect(byName.get('preview-seconds')).toBe('set:number');
    expect(byName.get('src')).toBe('textarea');
    expect(byName.get('muted')).toBe('input:checkbox');
    expect(byName.get('preload')).toBe('select');
    expect(byName.get('--sippar-accent')).toBe('color');
    expect(byName.get('--sippar-font')).toBe('set:string');
    // Internals of the element (private and protected members) are not listed.
    for (const internal of ['playback', 'chrome', 'commerce', 'video', 'landmark', 'onKeydown']) {
      expect(byName.has(internal), internal).toBe(false);
    }
    // Public objects are documented without a control ("Set object").
    expect(byName.get('services')).toBe('none');
    expect(byName.get('onsippar-tick') ?? byName.get('sippar-tick')).toBe('none');
  });
});
