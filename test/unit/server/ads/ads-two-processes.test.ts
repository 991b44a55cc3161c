// Two API processes on one PostgreSQL database run the ads: a bid placed through one takes part in the
// other's auctions (and a withdrawal through the other stops it in the first), the same break asked of
// both at once is auctioned once, and breaks asked of both at once never hold more of an agent's money
// than it has: the database's lock and guards decide, not either process's memory.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AD_PATHS } from '../../../../src/payments/ad-protocol.js';
import { createApiClient } from '../../../../src/payments/api-client.js';
import { agentClient, makeAgentKey } from '../../../../server/ads/agent-client.js';
import { startApiProcess, type ApiProcess } from '../../../support/api-process.js';
import { postgresUrl } from '../../../support/postgres-store.js';
import { credit, makeViewer, startSession, type Harness } from '../harness.js';

let nodes: ApiProcess[] = [];
const viaNode = (n: ApiProcess) => ({ api: createApiClient({ baseUrl: n.url }), url: n.url, clock: { now: Date.now() } }) as unknown as Harness;
const PRICE = 100;
const MAX_SECONDS = 30;
const HOLD = PRICE * MAX_SECONDS;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sippar-ads-'));
  const catalog = join(dir, 'catalog.json');
  const ads = { every: { seconds: 60, maxSeconds: MAX_SECONDS, count: 50 }, floorMicroAlgosPerSecond: PRICE };
  // The platform's catalog: the title's price and its breaks (the ads read from the catalog store).
  writeFileSync(catalog, JSON.stringify({ titles: [{ contentId: 'film-1', title: 'Film', rateMicroAlgos: 100, ads }] }));
  const db = postgresUrl();
  nodes = [await startApiProcess(['--db', db, '--dev', '--quiet', '--catalog', catalog])];
  nodes.push(await startApiProcess(['--db', db, '--dev', '--quiet', '--catalog', catalog]));
}, 90_000);
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
});

const assetList = (n: ApiProcess, sessionId: string, k: number) =>
  fetch(`${n.url}${AD_PATHS.assetList}?contentId=film-1&break=${k}&sessionId=${sessionId}`).then((r) => r.json() as Promise<{ ASSETS: Array<Record<string, unknown>> }>);

async function sessions(count: number): Promise<string[]> {
  const [a, b] = nodes.map(viaNode);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const v = await makeViewer();
    await credit(a!, v, 1_000_000);
    out.push((await startSession(i % 2 ? b! : a!, v, 100, 'film-1')).sessionId);
  }
  return out;
}

describe('ads on two API processes sharing one PostgreSQL database', () => {
  it('one agent funded for three breaks: breaks asked of both processes at once hold exactly three, never more than the balance', async () => {
    const [a, b] = nodes as [ApiProcess, ApiProcess];
    const agent = agentClient(a.url, makeAgentKey(), () => Date.now());
    expect((await agent.register('Acme')).status).toBe(201);
    await agent.request('POST', AD_PATHS.devCredit, { microAlgos: 3 * HOLD + HOLD / 2 });
    const creative = await agent.request<{ creativeId: string }>('POST', AD_PATHS.creatives, { uri: 'https://cdn.example/acme/index.m3u8', durationSeconds: 15 });
    const bid = await agent.request<{ bidId: string }>('POST', AD_PATHS.bids, { creativeId: creative.body.creativeId, microAlgosPerSecond: PRICE, maxSecondsPerBreak: 30, dailyBudgetMicroAlgos: 1e9 });
    expect(bid.status).toBe(201);

    // Ten sessions, each break asked of both processes at once (the bid was placed through A; B never saw it but in the database).
    const ids = await sessions(10);
    const answers = await Promise.all(ids.map(async (s) => Promise.all([assetList(a, s, 0), assetList(b, s, 0)])));
    for (const [x, y] of answers) expect(x).toEqual(y); // one auction per (session, break), whichever process ran it
    const won = answers.filter(([x]) => x.ASSETS.length === 1);
    expect(won).toHaveLength(3);
    expect(new Set(won.map(([x]) => x.ASSETS[0]!['X-SIPPAR-AUCTION'])).size).toBe(3);

    const report = (await agent.request<{ balanceMicroAlgos: number; heldMicroAlgos: number; titles: Array<{ wins: number }> }>('GET', AD_PATHS.agent)).body;
    expect(report).toMatchObject({ balanceMicroAlgos: HOLD / 2, heldMicroAlgos: 3 * HOLD });
    expect(report.titles[0]!.wins).toBe(3);

    // Withdrawn through B: A's next auction no longer counts the bid (its cache follows the database).
    await agentClient(b.url, agent.key, () => Date.now()).request('POST', AD_PATHS.withdrawBid, { bidId: bid.body.bidId });
    await agent.request('POST', AD_PATHS.devCredit, { microAlgos: 10 * HOLD });
    const [later] = await sessions(1);
    expect((await assetList(a, later!, 0)).ASSETS).toEqual([]);
  }, 60_000);
});
