/**
 * Loads a packaged title's SECRET keys file (written by `npm run package-media`) into the ledger's
 * media_keys table. The file never sits in the public HLS directory; the catalog names it (`keys`, a
 * path relative to the catalog file), `--media-keys <file>` loads one directly.
 *
 * Format: { "v": 1, "contentId": "…", "clearSeconds": 6, "keys": [ { "index": 0, "key": "<32 hex>",
 *   "startMs": 6000, "endMs": 12000 }, … ] }
 */
import { readFileSync } from 'node:fs';
import { CONTENT_ID_PATTERN, fromHex, isUint } from '../src/payments/tick.js';
import type { MediaKey, MediaKeyStorage } from './ledger/storage.js';

export interface KeysFile {
  v: 1;
  contentId: string;
  clearSeconds: number;
  keys: Array<{ index: number; key: string; startMs: number; endMs: number }>;
}

/** Throws an Error naming the file and what is wrong with it. */
export function parseKeysFile(text: string, file = 'keys file'): { contentId: string; clearSeconds: number; keys: MediaKey[] } {
  let f: KeysFile;
  try {
    f = JSON.parse(text) as KeysFile;
  } catch {
    throw new Error(`${file}: not JSON`);
  }
  if (f?.v !== 1) throw new Error(`${file}: v must be 1`);
  if (typeof f.contentId !== 'string' || !CONTENT_ID_PATTERN.test(f.contentId)) throw new Error(`${file}: bad contentId`);
  if (!isUint(f.clearSeconds)) throw new Error(`${file}: clearSeconds must be a whole number`);
  if (!Array.isArray(f.keys)) throw new Error(`${file}: keys must be an array`);
  const seen = new Set<number>();
  const keys = f.keys.map((k, i): MediaKey => {
    const bad = (what: string) => new Error(`${file}: keys[${i}]: ${what}`);
    if (!isUint(k?.index) || seen.has(k.index)) throw bad('index must be a whole number, each once');
    seen.add(k.index);
    if (typeof k.key !== 'string' || !/^[0-9a-f]{32}$/.test(k.key)) throw bad('key must be 32 lowercase hex digits');
    if (!isUint(k.startMs) || !isUint(k.endMs) || k.endMs <= k.startMs) throw bad('startMs < endMs, whole milliseconds');
    if (k.startMs < f.clearSeconds * 1000) throw bad('a key starts before clearSeconds');
    return { index: k.index, key: fromHex(k.key), startMs: k.startMs, endMs: k.endMs };
  });
  return { contentId: f.contentId, clearSeconds: f.clearSeconds, keys };
}

/**
 * Reads `keysFile` and stores its keys for `contentId` (which the file must name). Loading the same file
 * again changes nothing; a title packaged again replaces its keys (releases of changed keys are dropped).
 * Answers the number of keys.
 */
export async function loadMediaKeys(storage: MediaKeyStorage, contentId: string, keysFile: string): Promise<number> {
  const parsed = parseKeysFile(readFileSync(keysFile, 'utf8'), keysFile);
  if (parsed.contentId !== contentId) throw new Error(`${keysFile} holds the keys of ${parsed.contentId}, not ${contentId}`);
  await storage.putMediaKeys(contentId, parsed.keys);
  return parsed.keys.length;
}

/** `--media-keys <file>`: the content id is the one the file names. */
export async function loadMediaKeysFile(storage: MediaKeyStorage, keysFile: string): Promise<{ contentId: string; keys: number }> {
  const { contentId } = parseKeysFile(readFileSync(keysFile, 'utf8'), keysFile);
  return { contentId, keys: await loadMediaKeys(storage, contentId, keysFile) };
}
