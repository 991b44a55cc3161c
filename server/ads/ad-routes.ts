/**
 * The ads routes (docs/ADS.md), merged into the route table by routes.ts. Agent routes read their body
 * raw (json: false): the signature covers the body's bytes, not a re-serialisation of its JSON.
 * `attachAds` ties the ads context to the app's context once (app.ts), so handlers/context.ts needs no
 * field for it.
 */
import type { IncomingMessage } from 'node:http';
import { AD_PATHS } from '../../src/payments/ad-protocol.js';
import type { AppContext } from '../handlers/context.js';
import { ApiError } from '../errors.js';
import { readBody } from '../http-io.js';
import type { Answer } from '../handlers/ticks.js';
import type { Route } from '../routes.js';
import { adTick } from './ad-ticks.js';
import type { AdsContext } from './ads-context.js';
import { adTitle, adminAuctions, adminCredit, agentReport } from './ads-reports.js';
import { addCreative, devCredit, placeBid, registerAgent, withdrawBid } from './agent-ops.js';
import type { AgentRequest } from './agent-requests.js';
import { assetList } from './break-auction.js';
import { adPlaylist } from './ad-playlist.js';

const ads = new WeakMap<AppContext, AdsContext>();

export function attachAds(c: AppContext, a: AdsContext): void {
  ads.set(c, a);
}

export function adsOf(c: AppContext): AdsContext {
  const a = ads.get(c);
  if (!a) throw new Error('ads context not attached');
  return a;
}

async function agentRequest(c: AppContext, req: IncomingMessage, path: string): Promise<AgentRequest & { raw: IncomingMessage }> {
  const body = await readBody(req, c.o.maxBodyBytes, c.o.maxDrainBytes);
  if (body === 'too-large') throw new ApiError('BODY_TOO_LARGE', `body exceeds ${c.o.maxBodyBytes} bytes`);
  if (body === null) throw new ApiError('BAD_REQUEST', 'the request broke off');
  return { method: req.method ?? '', path, headers: req.headers, body, raw: req };
}

/** A signed agent route: the exact path is what the signature covers; a query string is refused. */
const signed = (method: 'GET' | 'POST', path: string, run: (a: AdsContext, r: AgentRequest) => Promise<Answer>): Route => ({
  method,
  json: false,
  run: async (c, _b, q, req) => {
    if ([...q.keys()].length > 0) throw new ApiError('BAD_REQUEST', 'agent requests carry no query string');
    return run(adsOf(c), await agentRequest(c, req, path));
  },
});

/**
 * `/streaming/ads/playlist/<contentId>.m3u8`: the playlist by path (routes.ts's ID_ROUTES hands over the id as
 * sent), so a player's `src` ends in .m3u8 like any HLS URL. The same answer as `?contentId=`; a `variant`
 * query is passed on.
 */
export const AD_ID_ROUTES: Readonly<Record<string, readonly Route[]>> = {
  [AD_PATHS.playlistByTitle]: [{
    method: 'GET',
    json: false,
    run: (c, _b, q, _r, id) => {
      if (!id.endsWith('.m3u8')) throw new ApiError('NOT_FOUND', 'an ads playlist path ends in <contentId>.m3u8');
      const query = new URLSearchParams(q);
      query.set('contentId', id.slice(0, -'.m3u8'.length));
      return adPlaylist(adsOf(c), query, c.baseUrl());
    },
  }],
};

export const AD_ROUTES: Readonly<Record<string, Route>> = {
  [AD_PATHS.agents]: signed('POST', AD_PATHS.agents, registerAgent),
  [AD_PATHS.agent]: signed('GET', AD_PATHS.agent, agentReport),
  [AD_PATHS.devCredit]: signed('POST', AD_PATHS.devCredit, devCredit),
  [AD_PATHS.creatives]: signed('POST', AD_PATHS.creatives, addCreative),
  [AD_PATHS.bids]: signed('POST', AD_PATHS.bids, placeBid),
  [AD_PATHS.withdrawBid]: signed('POST', AD_PATHS.withdrawBid, withdrawBid),
  [AD_PATHS.adminCredit]: {
    method: 'POST',
    json: false,
    run: async (c, _b, _q, req) => adminCredit(adsOf(c), await agentRequest(c, req, AD_PATHS.adminCredit)),
  },
  [AD_PATHS.adminAuctions]: { method: 'GET', json: false, run: async (c, _b, q, req) => adminAuctions(adsOf(c), q, req) },
  [AD_PATHS.title]: { method: 'GET', json: false, run: (c, _b, q) => adTitle(adsOf(c), q) },
  [AD_PATHS.playlist]: { method: 'GET', json: false, run: (c, _b, q) => adPlaylist(adsOf(c), q, c.baseUrl()) },
  [AD_PATHS.assetList]: { method: 'GET', json: false, run: (c, _b, q) => assetList(adsOf(c), q) },
  [AD_PATHS.adTick]: {
    method: 'POST',
    json: true,
    run: (c, b) => {
      // One viewer's stream of requests, limited like its billing ticks.
      const sid = (b as { tick?: { sessionId?: unknown } } | null)?.tick?.sessionId;
      if (typeof sid === 'string') c.perViewer.take(`session:${sid}`);
      return adTick(adsOf(c), b);
    },
  },
};
