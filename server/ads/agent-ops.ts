/**
 * What a signed agent may do: register its key, be credited (development mode), register creatives,
 * place, replace and withdraw standing bids. Each change is a transaction step run by `idempotent`
 * (agent-requests.ts): it validates everything first and writes last, so a refusal writes nothing.
 */
import { randomBytes } from 'node:crypto';
import type { Targeting } from '../../src/payments/ad-protocol.js';
import { CONTENT_ID_PATTERN, fromHex, isUint } from '../../src/payments/tick.js';
import { ApiError } from '../errors.js';
import type { Answer } from '../handlers/ticks.js';
import type { AdsContext } from './ads-context.js';
import type { AdsTx, Step } from './ads-store.js';
import { authenticateAgent, idempotent, jsonBody, type AgentRequest } from './agent-requests.js';
import { keyIdOf } from './agent-signature.js';
import type { StandingBid } from './auction.js';

const NAME = /^[\p{L}\p{N} ._:/&'-]{1,64}$/u;
const TEXT = /^[\p{L}\p{N} ._:/-]{1,64}$/u;
export const MAX_PRICE = 1_000_000_000;
export const MAX_AD_SECONDS = 600;
export const MAX_BUDGET = 1e15;

export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url')}`;
const ok = (body: unknown, status = 200): Answer => ({ status, body });

function int(v: unknown, name: string, min: number, max: number): number {
  if (!isUint(v) || v < min || v > max) throw new ApiError('BAD_REQUEST', `${name} must be an integer ${min}…${max}`);
  return v;
}

/** POST /streaming/ads/agents `{name, publicKey}` (hex DER SPKI), signed by that key. */
export async function registerAgent(c: AdsContext, req: AgentRequest): Promise<Answer> {
  const b = jsonBody(req.body);
  if (typeof b.name !== 'string' || !NAME.test(b.name)) throw new ApiError('BAD_REQUEST', 'name must be 1–64 letters, digits or . _ : / & \' -');
  let der: Uint8Array;
  try {
    der = fromHex(String(b.publicKey));
  } catch {
    throw new ApiError('BAD_REQUEST', 'publicKey must be hex DER SPKI');
  }
  if (der.length === 0 || der.length > 200) throw new ApiError('BAD_REQUEST', 'publicKey must be hex DER SPKI');
  const a = await authenticateAgent(c, req, der);
  const name = b.name;
  return idempotent(c, a.agentId, a.idempotencyKey, a.requestHash, function* (s: AdsTx): Step<Answer> {
    if ((yield* s.keyRegistered(a.keyId)) || (yield* s.agent(a.agentId))) throw new ApiError('AD_KEY_EXISTS', 'this key is already registered');
    yield* s.insertAgent(a.agentId, name, a.keyId, der, c.o.now());
    return ok({ agentId: a.agentId, keyId: keyIdOf(der), name, balanceMicroAlgos: 0 }, 201);
  });
}

/** POST /streaming/ads/dev/credit `{microAlgos}`: development mode only, to the signing agent. */
export async function devCredit(c: AdsContext, req: AgentRequest): Promise<Answer> {
  if (!c.o.dev) throw new ApiError('DEV_ONLY', 'dev endpoints exist only in development mode');
  const a = await authenticateAgent(c, req);
  return idempotent(c, a.agentId, a.idempotencyKey, a.requestHash, function* (s: AdsTx): Step<Answer> {
    const micro = int(jsonBody(req.body).microAlgos, 'microAlgos', 1, MAX_BUDGET);
    return ok({ agentId: a.agentId, balanceMicroAlgos: yield* s.credit(a.agentId, micro, 'dev', c.o.now()) });
  });
}

function httpUri(v: unknown): string {
  if (typeof v !== 'string' || v.length > 2048) throw new ApiError('BAD_REQUEST', 'uri must be an http(s) URL of at most 2048 characters');
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new ApiError('BAD_REQUEST', 'uri must be an absolute URL');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ApiError('BAD_REQUEST', 'uri must be http(s)');
  return u.href;
}

/** POST /streaming/ads/creatives `{uri, durationSeconds, name?}`: an HLS creative (packaged elsewhere). */
export async function addCreative(c: AdsContext, req: AgentRequest): Promise<Answer> {
  const a = await authenticateAgent(c, req);
  return idempotent(c, a.agentId, a.idempotencyKey, a.requestHash, function* (s: AdsTx): Step<Answer> {
    const b = jsonBody(req.body);
    const uri = httpUri(b.uri);
    const durationSeconds = int(b.durationSeconds, 'durationSeconds', 1, MAX_AD_SECONDS);
    const name = b.name === undefined ? '' : String(b.name);
    if (name !== '' && !NAME.test(name)) throw new ApiError('BAD_REQUEST', 'name must be 1–64 letters, digits or punctuation');
    const creative = { id: newId('crt'), agentId: a.agentId, uri, durationSeconds, name };
    yield* s.insertCreative(creative, c.o.now());
    return ok({ creativeId: creative.id, uri, durationSeconds, name }, 201);
  });
}

function textList(v: unknown, name: string, pattern = TEXT): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length > 64 || !v.every((x) => typeof x === 'string' && pattern.test(x))) throw new ApiError('BAD_REQUEST', `targeting.${name} must be a list of short texts`);
  return [...(v as string[])];
}

export function parseTargeting(v: unknown): Targeting {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ApiError('BAD_REQUEST', 'targeting must be an object');
  const t = v as Record<string, unknown>;
  const out: Targeting = {};
  const lists = { contentIds: textList(t.contentIds, 'contentIds', CONTENT_ID_PATTERN), categories: textList(t.categories, 'categories'), tags: textList(t.tags, 'tags'), languages: textList(t.languages, 'languages'), ratings: textList(t.ratings, 'ratings') };
  for (const [k, list] of Object.entries(lists)) if (list?.length) out[k as keyof Targeting] = list;
  return out;
}

/** POST /streaming/ads/bids: a new standing bid, or (with `bidId`) a replacement of one of the agent's. */
export async function placeBid(c: AdsContext, req: AgentRequest): Promise<Answer> {
  const a = await authenticateAgent(c, req);
  return idempotent(c, a.agentId, a.idempotencyKey, a.requestHash, function* (s: AdsTx): Step<Answer> {
    const b = jsonBody(req.body);
    const now = c.o.now();
    let createdAt = now;
    if (b.bidId !== undefined) {
      const prev = typeof b.bidId === 'string' ? yield* s.bidOwner(b.bidId) : undefined;
      if (!prev || prev.agentId !== a.agentId) throw new ApiError('NOT_FOUND', 'no such bid of this agent');
      createdAt = prev.createdAt;
    }
    const creative = typeof b.creativeId === 'string' ? yield* s.creative(b.creativeId) : undefined;
    if (!creative || creative.agentId !== a.agentId) throw new ApiError('NOT_FOUND', 'no such creative of this agent');
    const bid: StandingBid = {
      bidId: (b.bidId as string | undefined) ?? newId('bid'),
      agentId: a.agentId,
      creativeId: creative.id,
      creativeSeconds: creative.durationSeconds,
      microAlgosPerSecond: int(b.microAlgosPerSecond, 'microAlgosPerSecond', 1, MAX_PRICE),
      maxSecondsPerBreak: int(b.maxSecondsPerBreak, 'maxSecondsPerBreak', 1, MAX_AD_SECONDS),
      dailyBudgetMicroAlgos: int(b.dailyBudgetMicroAlgos, 'dailyBudgetMicroAlgos', 1, MAX_BUDGET),
      targeting: parseTargeting(b.targeting),
      frequencyCapPerViewerPerDay: int(b.frequencyCapPerViewerPerDay ?? 0, 'frequencyCapPerViewerPerDay', 0, 1000),
      createdAt,
    };
    if (bid.creativeSeconds > bid.maxSecondsPerBreak) throw new ApiError('BAD_REQUEST', 'the creative is longer than maxSecondsPerBreak');
    // The least a win can hold is the creative's seconds at the bid's price: a bid that cannot pay that can never win.
    const least = bid.microAlgosPerSecond * bid.creativeSeconds;
    const balance = (yield* s.agent(a.agentId))!.balance;
    if (balance < least) throw new ApiError('AD_BUDGET_EXCEEDED', `one break at this price needs ${least} µALGO; the balance is ${balance}`);
    if (bid.dailyBudgetMicroAlgos < least) throw new ApiError('AD_BUDGET_EXCEEDED', `one break at this price needs ${least} µALGO, above the daily budget`);
    yield* s.upsertBid(bid, now);
    const { agentId: _agent, ...shown } = bid;
    return ok(shown, b.bidId === undefined ? 201 : 200);
  });
}

/** POST /streaming/ads/bids/withdraw `{bidId}`: the bid takes part in no further auction (open holds stay). */
export async function withdrawBid(c: AdsContext, req: AgentRequest): Promise<Answer> {
  const a = await authenticateAgent(c, req);
  return idempotent(c, a.agentId, a.idempotencyKey, a.requestHash, function* (s: AdsTx): Step<Answer> {
    const b = jsonBody(req.body);
    const prev = typeof b.bidId === 'string' ? yield* s.bidOwner(b.bidId) : undefined;
    if (!prev || prev.agentId !== a.agentId) throw new ApiError('NOT_FOUND', 'no such bid of this agent');
    yield* s.withdrawBid(b.bidId as string, c.o.now());
    return ok({ bidId: b.bidId, active: false });
  });
}
