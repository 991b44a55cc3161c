#!/usr/bin/env node
// npm run agent -- --api http://127.0.0.1:8787 --name Acme --titles demo-paid,demo-free --value 800 \
//   --daily-budget 5000000 --creative https://cdn.example/acme/index.m3u8 --creative-seconds 15 \
//   [--categories science,math] [--tags fractals] [--languages en] [--ratings G,PG] \
//   [--key acme.pem] [--fund 10000000] [--interval 10] [--rounds 0]
// An autonomous bidder (docs/ADS.md §Agent): registers its key (kept in --key), reads each title's ad
// metadata (GET /streaming/ads/title), targets the titles that match its interests and whose floor is under
// its value, registers its creative, bids its value (the best bid in a second-price auction), then every
// interval reads its report and paces the bid with server/ads/pacing.ts. --fund credits it (dev mode).
// One JSON line per interval on stdout. --rounds 0 runs until interrupted.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tsImport } from 'tsx/esm/api';

const { values: v } = parseArgs({
  options: {
    api: { type: 'string', default: 'http://127.0.0.1:8787' },
    name: { type: 'string', default: 'Reference Agent' },
    titles: { type: 'string' },
    value: { type: 'string' },
    'daily-budget': { type: 'string' },
    creative: { type: 'string' },
    'creative-seconds': { type: 'string', default: '15' },
    categories: { type: 'string' },
    tags: { type: 'string' },
    languages: { type: 'string' },
    ratings: { type: 'string' },
    key: { type: 'string' },
    fund: { type: 'string' },
    interval: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '0' },
  },
});
const need = (k) => v[k] ?? (console.error(`--${k} is required (see the head of scripts/agent.mjs)`), process.exit(2));
const list = (s) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
const int = (k) => {
  const n = Number(need(k));
  if (!Number.isSafeInteger(n) || n < 0) (console.error(`--${k} must be a whole number`), process.exit(2));
  return n;
};

const { agentClient } = await tsImport('../server/ads/agent-client.ts', import.meta.url);
const { targetingMatches } = await tsImport('../server/ads/auction.ts', import.meta.url);
const { parseAdSettings } = await tsImport('../server/ads/ad-settings.ts', import.meta.url);
const { paceBid } = await tsImport('../server/ads/pacing.ts', import.meta.url);

const log = (o) => process.stdout.write(JSON.stringify({ t: new Date().toISOString(), agent: v.name, ...o }) + '\n');

function loadKey() {
  if (v.key && existsSync(v.key)) {
    const privateKey = createPrivateKey(readFileSync(v.key));
    return { privateKey, publicKeyDer: new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' })) };
  }
  const pair = generateKeyPairSync('ed25519');
  if (v.key) writeFileSync(v.key, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  return { privateKey: pair.privateKey, publicKeyDer: new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' })) };
}

const value = int('value');
const dailyBudget = int('daily-budget');
const creativeSeconds = int('creative-seconds');
const interval = int('interval');
const rounds = Number(v.rounds);
const interests = { categories: list(v.categories), tags: list(v.tags), languages: list(v.languages), ratings: list(v.ratings) };
const agent = agentClient(v.api.replace(/\/+$/, ''), loadKey());
const must = (r, what) => {
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

const reg = await agent.register(v.name);
if (reg.status !== 201 && reg.body?.error?.code !== 'AD_KEY_EXISTS') must(reg, 'register');
if (v.fund) must(await agent.request('POST', '/streaming/ads/dev/credit', { microAlgos: int('fund') }), 'fund');
// A restart replaces the last run's bids: two standing bids would each spend a daily budget.
for (const old of must(await agent.request('GET', '/streaming/ads/agent'), 'report').bids) {
  must(await agent.request('POST', '/streaming/ads/bids/withdraw', { bidId: old.bidId }), 'withdraw');
}

// Targets: titles whose metadata matches the interests and whose floor the value clears.
const targets = [];
for (const contentId of list(need('titles'))) {
  const res = await fetch(`${v.api.replace(/\/+$/, '')}/streaming/ads/title?contentId=${encodeURIComponent(contentId)}`);
  if (!res.ok) continue;
  const meta = await res.json();
  const settings = parseAdSettings({ ...(meta.breaks ? { breaks: meta.breaks } : { every: meta.every }), floorMicroAlgosPerSecond: meta.floorMicroAlgosPerSecond, targeting: meta.targeting });
  if (meta.floorMicroAlgosPerSecond <= value && targetingMatches(interests, contentId, settings)) targets.push(meta);
}
if (targets.length === 0) {
  log({ msg: 'no title matches the interests under this value; nothing to bid on' });
  process.exit(0);
}
const floor = Math.min(...targets.map((t) => t.floorMicroAlgosPerSecond));
const creative = must(await agent.request('POST', '/streaming/ads/creatives', { uri: need('creative'), durationSeconds: creativeSeconds, name: v.name }), 'creative');
const bidBody = (price) => ({
  creativeId: creative.creativeId,
  microAlgosPerSecond: price,
  maxSecondsPerBreak: Math.max(creativeSeconds, 30),
  dailyBudgetMicroAlgos: dailyBudget,
  targeting: { contentIds: targets.map((t) => t.contentId) },
});
let price = value;
let bid = must(await agent.request('POST', '/streaming/ads/bids', bidBody(price)), 'bid');
log({ msg: 'bidding', targets: targets.map((t) => t.contentId), bidId: bid.bidId, microAlgosPerSecond: price });

const totals = (r) => {
  let committed = r.heldMicroAlgos;
  let wins = 0;
  let auctions = 0;
  for (const t of r.titles) {
    committed += t.spentMicroAlgos ?? 0;
    wins += t.wins;
    auctions += t.wins + t.losses;
  }
  return { committed, wins, auctions };
};
let day = Math.floor(Date.now() / 86_400_000);
let last = totals(must(await agent.request('GET', '/streaming/ads/agent'), 'report'));
let dayStart = last.committed;
for (let round = 1; rounds === 0 || round <= rounds; round++) {
  await new Promise((r) => setTimeout(r, interval * 1000));
  const now = Date.now();
  const report = must(await agent.request('GET', '/streaming/ads/agent'), 'report');
  const t = totals(report);
  if (Math.floor(now / 86_400_000) !== day) [day, dayStart] = [Math.floor(now / 86_400_000), last.committed];
  const decision = paceBid({
    valueMicroAlgosPerSecond: value,
    floorMicroAlgosPerSecond: floor,
    currentBidMicroAlgosPerSecond: price,
    budgetLeftMicroAlgos: Math.max(0, dailyBudget - (t.committed - dayStart)),
    leastBreakMicroAlgos: floor * creativeSeconds,
    secondsLeftInDay: 86_400 - Math.floor((now % 86_400_000) / 1000),
    spentLastIntervalMicroAlgos: Math.max(0, t.committed - last.committed),
    intervalSeconds: interval,
    auctionsLastInterval: t.auctions - last.auctions,
    winsLastInterval: t.wins - last.wins,
  });
  if (decision.bidMicroAlgosPerSecond === 0 && bid) {
    must(await agent.request('POST', '/streaming/ads/bids/withdraw', { bidId: bid.bidId }), 'withdraw');
    bid = undefined;
  } else if (decision.bidMicroAlgosPerSecond > 0 && (decision.bidMicroAlgosPerSecond !== price || !bid)) {
    const r = await agent.request('POST', '/streaming/ads/bids', { ...(bid && { bidId: bid.bidId }), ...bidBody(decision.bidMicroAlgosPerSecond) });
    if (r.status < 300) bid = r.body;
  }
  if (decision.bidMicroAlgosPerSecond > 0) price = decision.bidMicroAlgosPerSecond;
  log({ round, balance: report.balanceMicroAlgos, held: report.heldMicroAlgos, wins: t.wins, auctions: t.auctions, ...decision });
  last = t;
}
