/**
 * v3 catalog endpoints: the public price of a title (`GET /streaming/content/:id`) and the platform's admin
 * API over titles (`PUT`/`DELETE /streaming/admin/content/:id`, `GET /streaming/admin/content`), behind the
 * admin token compared in constant time. The rules are catalog-rules.ts; this file only wires them.
 */
import type { IncomingMessage } from 'node:http';
import type { ContentPrice } from '../../src/payments/protocol.js';
import { adPlaylistPath } from '../../src/payments/ad-protocol.js';
import { adsOf } from '../ads/ad-routes.js';
import type { AdSettings } from '../ads/ad-settings.js';
import { CatalogError, publicPrice, validateTitle, type CatalogTitle } from '../catalog/catalog-rules.js';
import { titleRules } from '../catalog/catalog-file.js';
import { ApiError } from '../errors.js';
import { bearerMatches } from '../tokens.js';
import type { AppContext } from './context.js';

export async function contentPrice(c: AppContext, contentId: string): Promise<ContentPrice> {
  await c.catalogReady;
  const t = await c.ledger.title(contentId);
  if (!t) throw new ApiError('UNKNOWN_CONTENT', `no title ${contentId} in the catalog`);
  const breaks = declaredBreaks(await adsOf(c).catalog.adSettings(contentId));
  return { ...publicPrice(t), ...(breaks > 0 && { ads: { breaks, playlist: adPlaylistPath(contentId) } }) };
}

/** The breaks a title declares (some may fall past its end: the playlist leaves those out). */
const declaredBreaks = (s: AdSettings | undefined): number => (s ? (s.breaks?.length ?? s.every?.count ?? 0) : 0);

/** Only the platform changes its catalog (or reads its ledger's check): without an admin token configured, nobody does. */
export function authorize(c: AppContext, req: IncomingMessage): void {
  if (c.o.adminToken === undefined) throw new ApiError('NOT_SESSION_OWNER', 'the admin API needs an admin token configured on the server (--admin-token)');
  if (!bearerMatches(req.headers.authorization, [c.o.adminToken])) throw new ApiError('NOT_SESSION_OWNER', 'the admin API needs the admin token');
}

export async function putTitle(c: AppContext, contentId: string, body: unknown, req: IncomingMessage): Promise<{ title: CatalogTitle }> {
  authorize(c, req);
  let t: CatalogTitle;
  try {
    t = validateTitle(body, titleRules(c.o), contentId);
  } catch (e) {
    if (e instanceof CatalogError) throw new ApiError('BAD_REQUEST', e.message);
    throw e;
  }
  await c.catalogReady;
  await c.ledger.putTitle(t, c.o.now());
  return { title: t };
}

export async function deleteTitle(c: AppContext, contentId: string, req: IncomingMessage): Promise<{ deleted: string }> {
  authorize(c, req);
  await c.catalogReady;
  if (!(await c.ledger.deleteTitle(contentId))) throw new ApiError('UNKNOWN_CONTENT', `no title ${contentId} in the catalog`);
  return { deleted: contentId };
}

export async function listTitles(c: AppContext, req: IncomingMessage): Promise<{ titles: CatalogTitle[] }> {
  authorize(c, req);
  await c.catalogReady;
  return { titles: await c.ledger.titles() };
}
