// `npm run agent`: the reference bidder registers, keeps its key, targets the titles its interests match
// under its value, bids its value and paces it; run twice with one key file it stays one agent with one bid.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdsHarness, type AdsHarness } from './ads-harness.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
let h: AdsHarness;

beforeAll(async () => {
  h = await startAdsHarness();
  h.catalog.set('film-sports', { every: { seconds: 300, maxSeconds: 30 }, floorMicroAlgosPerSecond: 100, targeting: { categories: ['sports'] } });
  h.catalog.set('film-pricey', { every: { seconds: 300, maxSeconds: 30 }, floorMicroAlgosPerSecond: 5000, targeting: { categories: ['science'] } });
});
afterAll(() => h.close());

const runAgent = (key: string) =>
  promisify(execFile)(
    process.execPath,
    ['scripts/agent.mjs', '--api', h.url, '--name', 'CLI Agent', '--titles', 'film-1,film-sports,film-pricey,film-unknown', '--value', '800', '--daily-budget', '1000000',
      '--creative', 'https://cdn.example/cli/index.m3u8', '--creative-seconds', '15', '--categories', 'science', '--key', key, '--fund', '500000', '--interval', '0', '--rounds', '2'],
    { cwd: root, timeout: 60_000 },
  );

describe('npm run agent', () => {
  it('targets the matching titles under its value, bids its value, and stays one agent across runs', async () => {
    const key = join(mkdtempSync(join(tmpdir(), 'sippar-agent-')), 'agent.pem');
    const first = await runAgent(key);
    const lines = first.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ msg: 'bidding', targets: ['film-1'], microAlgosPerSecond: 800 });
    expect(lines.slice(1).map((l) => l.round)).toEqual([1, 2]);
    await runAgent(key);
    const agents = h.db.prepare(`SELECT id, balance FROM agents WHERE name = 'CLI Agent'`).all() as Array<{ id: string; balance: number }>;
    expect(agents).toHaveLength(1);
    expect(agents[0]!.balance).toBe(1_000_000);
    const bids = h.db.prepare('SELECT price, targeting FROM bids WHERE agent_id = ? AND active = 1').all(agents[0]!.id) as Array<{ price: number; targeting: string }>;
    // The second run withdrew the first run's bid: one standing bid, not two daily budgets.
    expect(bids).toHaveLength(1);
    expect(bids[0]!.price).toBe(800);
    expect(JSON.parse(bids[0]!.targeting)).toEqual({ contentIds: ['film-1'] });
  });
});
