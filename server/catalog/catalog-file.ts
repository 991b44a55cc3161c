/**
 * The catalog file of `--catalog catalog.json` (SIPPAR_CATALOG): read and checked before the server listens,
 * so a typo stops the process instead of selling a title at a wrong price. A title's `keys` path is relative
 * to the file; it is stored resolved, so whoever reads it later does not need to know where the file was.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import algosdk from 'algosdk';
import { CatalogError, validateCatalog, type CatalogTitle, type TitleRules } from './catalog-rules.js';

/** The rules a server applies to titles, from its options. */
export function titleRules(o: { maxRateMicroAlgos: number; platformFeeBps: number }): TitleRules {
  return { maxRateMicroAlgos: o.maxRateMicroAlgos, platformFeeBps: o.platformFeeBps, isAddress: (a) => algosdk.isValidAddress(a) };
}

/** A catalog given inline (tests, the demo) or as a file path; every title checked. Throws CatalogError. */
export function loadCatalog(source: string | { titles: unknown[] }, rules: TitleRules): CatalogTitle[] {
  if (typeof source !== 'string') return validateCatalog(source, rules);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(source, 'utf8'));
  } catch (e) {
    throw new CatalogError(`catalog ${source}: ${(e as Error).message}`);
  }
  const base = dirname(resolve(source));
  try {
    return validateCatalog(raw, rules).map((t) => (t.keys === undefined ? t : { ...t, keys: resolve(base, t.keys) }));
  } catch (e) {
    throw new CatalogError(`catalog ${source}: ${(e as Error).message}`);
  }
}
