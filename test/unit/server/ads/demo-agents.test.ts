/**
 * `npm start`'s ads, as a viewer's page meets them: the demo (scripts/start.mjs) with its two agents, a real
 * viewer session for `demo-ads`, and the first break's asset list fetched through the page's own origin.
 * Acme (value 800) and Globex (500) both bid their value; Acme wins at Globex's price (second price).
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentClient } from '../../../../server/ads/agent-client.js';
import { AD_PATHS } from '../../../../src/payments/ad-protocol.js';
import { createApiClient, randomNonce, signedStartRequest } from '../../../../src/payments/api-client.js';
import { makeViewer } from '../harness.js';
// @ts-expect-error: plain ESM script, no declarations
import { startDemo } from '../../../../scripts/start.mjs';

interface Demo { url: string; apiUrl: string; agents: Array<{ name: string; pid: number }>; close(): Promise<void> }
let demo: Demo;
let dir: string;
let origin: string;

/** An agent's own report, signed with the key the demo keeps for it. */
async function report(name: string) {
  const privateKey = createPrivateKey(readFileSync(join(dir, 'agents', `${name}.pem`)));
  const key = { privateKey, publicKeyDer: new Uint8Array(createPublicKey(privateKey).export({ format: 'der', type: 'spki' })) };
  const r = await agentClient(demo.apiUrl, key).request<any>('GET', AD_PATHS.agent);
  expect(r.status).toBe(200);
  return r.body;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  // The creatives and the film (idempotent: seconds the first time, nothing after).
  execFileSync(process.execPath, ['scripts/make-streams.mjs'], { stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'sippar-demo-ads-'));
  demo = await startDemo({ port: 0, idpPort: 0, dbPath: join(dir, 'demo.sqlite') });
  origin = new URL(demo.url).origin;
}, 90_000);

afterAll(async () => {
  await demo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the demo\'s ad agents', () => {
  it('registered, funded, and bid their values with their own creative for demo-ads', async () => {
    expect(demo.agents.map((a) => a.name)).toEqual(['Acme', 'Globex']);
    for (const [name, value] of [['acme', 800], ['globex', 500]] as const) {
      const r = await report(name);
      expect(r.name.toLowerCase()).toBe(name);
      expect(r.balanceMicroAlgos).toBeGreaterThan(0);
      expect(r.creatives).toEqual([expect.objectContaining({ uri: `${origin}/media/ads/${name}/index.m3u8`, durationSeconds: 6 })]);
      expect(r.bids).toHaveLength(1);
      expect(r.bids[0]).toMatchObject({ microAlgosPerSecond: value, creativeId: r.creatives[0].creativeId });
    }
  });

  it('a viewer\'s first break of demo-ads is won by Acme at Globex\'s price, with a creative the demo serves', async () => {
    // A real session, through the page's proxy, signed for the page's origin (the demo API's public URL).
    const api = createApiClient({ baseUrl: origin });
    const viewer = await makeViewer();
    await api.devCredit({ principal: viewer.principal, microAlgos: 1_000_000 });
    const session = await api.start(await signedStartRequest(viewer, { api: origin, contentId: 'demo-ads', rateMicroAlgos: 1000, requestTime: Date.now(), nonce: randomNonce() }));

    // The playlist the page's player loads names this asset list on the page's origin.
    const playlist = await (await fetch(`${origin}${AD_PATHS.playlist}?contentId=demo-ads`)).text();
    const assetList = `${origin}${AD_PATHS.assetList}?contentId=demo-ads&break=0`;
    expect(playlist).toContain(`X-ASSET-LIST="${assetList}"`);

    const res = await fetch(`${assetList}&sessionId=${session.sessionId}&_HLS_primary_id=x&_HLS_start_offset=0`);
    expect(res.status).toBe(200);
    const { ASSETS } = await res.json();
    expect(ASSETS).toEqual([expect.objectContaining({ URI: `${origin}/media/ads/acme/index.m3u8`, DURATION: 6, 'X-SIPPAR-ADVERTISER': 'Acme' })]);

    const creative = await fetch(ASSETS[0].URI);
    expect(creative.status).toBe(200);
    expect(creative.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    const text = await creative.text();
    expect(text).toMatch(/^#EXTM3U/);
    expect(text).toContain('#EXT-X-ENDLIST');

    // Second price: the break's 8 s are held at 500 µALGO/s, not Acme's 800; Globex took part and lost.
    const analytics = await (await fetch(`${origin}/streaming/session/analytics?contentId=demo-ads`)).json();
    expect(analytics.ads.titles).toEqual([expect.objectContaining({ contentId: 'demo-ads', auctions: 1, filled: 1, minClearing: 500, maxClearing: 500 })]);
    const [acme, globex] = [await report('acme'), await report('globex')];
    expect(acme.heldMicroAlgos).toBe(500 * 8);
    expect(acme.titles).toEqual([expect.objectContaining({ contentId: 'demo-ads', wins: 1, losses: 0 })]);
    expect(globex.titles).toEqual([expect.objectContaining({ contentId: 'demo-ads', wins: 0, losses: 1 })]);
  });

  it('stop with the demo', async () => {
    const pids = demo.agents.map((a) => a.pid);
    expect(pids.every(alive)).toBe(true);
    await demo.close();
    expect(pids.filter(alive)).toEqual([]);
  });
});
