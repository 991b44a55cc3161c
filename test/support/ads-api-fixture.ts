/**
 * The reference payment API with a title that has ad breaks and two funded agents bidding for them, for
 * Chromium component tests (test/browser/ad-ticks.test.ts), reached through the test runner's commands
 * (wtr-ads-api.mjs): `start` it for the page's origin, read a break's `hold` and charges, `stop` it.
 */
import type Database from 'better-sqlite3';
import { startServer } from '../../server/app.js';
import { agentClient, type AgentClient } from '../../server/ads/agent-client.js';
import { AD_PATHS } from '../../src/payments/ad-protocol.js';

export const ADS_TITLE = 'film-ads';
/** What test/browser/ad-ticks.test.ts expects: Acme (800) wins at Globex's 500, above the 200 floor. */
export const AGENTS = { Acme: 800, Globex: 500 } as const;
export const FUNDS = 1_000_000;
export const CREATIVE_SECONDS = 6;

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server | undefined;
let agents: Record<string, { client: AgentClient; agentId: string }> = {};

async function agent(url: string, origin: string, name: keyof typeof AGENTS): Promise<{ client: AgentClient; agentId: string }> {
  const client = agentClient(url);
  const reg = await client.register(name);
  if (reg.status !== 201) throw new Error(`register ${name}: ${JSON.stringify(reg.body)}`);
  await client.request('POST', AD_PATHS.devCredit, { microAlgos: FUNDS });
  const c = await client.request<{ creativeId: string }>('POST', AD_PATHS.creatives, { uri: `${origin}/media/basic/index.m3u8`, durationSeconds: CREATIVE_SECONDS, name });
  const b = await client.request('POST', AD_PATHS.bids, {
    creativeId: c.body.creativeId, microAlgosPerSecond: AGENTS[name], maxSecondsPerBreak: 30, dailyBudgetMicroAlgos: FUNDS, targeting: { categories: ['demo'] },
  });
  if (b.status !== 201) throw new Error(`bid ${name}: ${JSON.stringify(b.body)}`);
  return { client, agentId: (reg.body as { agentId: string }).agentId };
}

async function start(origin: string): Promise<{ url: string; contentId: string }> {
  await stop();
  server = await startServer({
    port: 0, dev: true, quiet: true, db: ':memory:', origins: [origin],
    catalog: {
      titles: [{
        contentId: ADS_TITLE, title: 'A film with breaks', rateMicroAlgos: 1000, previewSeconds: 0,
        ads: {
          breaks: [{ atSeconds: 0, maxSeconds: 8 }, { atSeconds: 20, maxSeconds: 8 }, { atSeconds: 40, maxSeconds: 8 }], floorMicroAlgosPerSecond: 200,
          targeting: { categories: ['demo'] }, split: { creatorBps: 7000, platformBps: 2000, viewerBps: 1000 },
        },
      }],
    },
  });
  await server.catalogReady;
  agents = { Acme: await agent(server.url, origin, 'Acme'), Globex: await agent(server.url, origin, 'Globex') };
  return { url: server.url, contentId: ADS_TITLE };
}

/** A break as the server holds it, its charges, and each agent's balance. */
function hold(auctionId: string) {
  const db = (server!.ledger as unknown as { db: Database.Database }).db;
  return {
    hold: db.prepare('SELECT * FROM holds WHERE auction_id = ?').get(auctionId) as Record<string, number | string> | undefined,
    charges: db.prepare('SELECT seq, ad_seconds, charged_seconds, micro_algos, creator, platform, viewer_share, final FROM ad_charges WHERE auction_id = ? ORDER BY seq').all(auctionId),
    balances: Object.fromEntries(Object.entries(agents).map(([name, a]) => [name, (db.prepare('SELECT balance FROM agents WHERE id = ?').get(a.agentId) as { balance: number }).balance])),
  };
}

async function stop(): Promise<void> {
  await server?.close();
  server = undefined;
}

export async function command(name: string, payload: { origin?: string; auctionId?: string } = {}): Promise<unknown> {
  if (name === 'start') return start(payload.origin!);
  if (name === 'hold') return hold(payload.auctionId!);
  // A command answering undefined is "not mine" to the test runner.
  if (name === 'stop') return stop().then(() => true);
  throw new Error(`ads-api: no command ${name}`);
}
