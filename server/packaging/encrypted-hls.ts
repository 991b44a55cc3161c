/**
 * Turns a clear fMP4 HLS playlist (what ffmpeg writes) into a gated one: the segments that cover the
 * preview stay clear, every later segment is AES-128 encrypted (RFC 8216 §5.2: whole segment, CBC,
 * PKCS#7), with a new key every `keySegments` segments, each key fetched from the payment API's key route.
 *
 * ffmpeg 5.1 writes AES-128 only for MPEG-TS ("Encrypted fmp4 not yet supported") and rotates keys only if
 * its key-info file is rewritten mid-encode; segmenting clear and encrypting here is exact and repeatable.
 * Pure except `encryptSegment` (node:crypto).
 */
import { createCipheriv } from 'node:crypto';

export interface ClearPlaylist {
  /** Header lines up to (and including) #EXT-X-MAP, as ffmpeg wrote them. */
  header: string[];
  segments: Array<{ uri: string; durationMs: number }>;
  mediaSequence: number;
}

export interface Plan {
  /** Segments before this index are clear. */
  clearSegments: number;
  /** Where the encrypted media starts, ms (the preview rounded up to whole segments). */
  clearMs: number;
  /** Key index per segment (undefined: clear). */
  keyOf: Array<number | undefined>;
  keys: Array<{ index: number; startMs: number; endMs: number }>;
}

/** Reads ffmpeg's VOD playlist: the header, each segment's URI and duration (rounded to ms). */
export function parsePlaylist(text: string): ClearPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines[0] !== '#EXTM3U') throw new Error('not an HLS playlist');
  const header: string[] = [];
  const segments: ClearPlaylist['segments'] = [];
  let duration: number | undefined;
  let mediaSequence = 0;
  for (const line of lines) {
    if (line.startsWith('#EXT-X-KEY')) throw new Error('the playlist is already encrypted');
    if (line.startsWith('#EXT-X-BYTERANGE')) throw new Error('byte-range segments are not supported');
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) mediaSequence = Number(line.slice(22));
    if (line.startsWith('#EXTINF:')) duration = Math.round(parseFloat(line.slice(8)) * 1000);
    else if (!line.startsWith('#')) {
      if (duration === undefined || !Number.isFinite(duration)) throw new Error(`segment ${line} has no #EXTINF`);
      segments.push({ uri: line, durationMs: duration });
      duration = undefined;
    } else if (segments.length === 0 && line !== '#EXT-X-ENDLIST') header.push(line);
  }
  if (!Number.isSafeInteger(mediaSequence)) throw new Error('bad #EXT-X-MEDIA-SEQUENCE');
  if (segments.length === 0) throw new Error('the playlist has no segments');
  return { header, segments, mediaSequence };
}

/** Which segments stay clear and which key encrypts each of the others. */
export function planKeys(segments: ReadonlyArray<{ durationMs: number }>, previewSeconds: number, keySegments: number): Plan {
  if (!Number.isSafeInteger(keySegments) || keySegments < 1) throw new RangeError('keySegments must be a whole number ≥ 1');
  let clearSegments = 0;
  let clearMs = 0;
  while (clearSegments < segments.length && clearMs < previewSeconds * 1000) clearMs += segments[clearSegments++].durationMs;
  const keyOf: Plan['keyOf'] = [];
  const keys: Plan['keys'] = [];
  let t = clearMs;
  segments.forEach((s, i) => {
    if (i < clearSegments) return keyOf.push(undefined);
    const index = Math.floor((i - clearSegments) / keySegments);
    if (!keys[index]) keys[index] = { index, startMs: t, endMs: t };
    keys[index].endMs = t + s.durationMs;
    t += s.durationMs;
    keyOf.push(index);
  });
  return { clearSegments, clearMs, keyOf, keys };
}

/** The IV of a segment without an IV attribute: its media sequence number, 128-bit big-endian (RFC 8216 §5.2). */
export function sequenceIv(sequence: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(sequence), 8);
  return iv;
}

export function encryptSegment(data: Uint8Array, key: Uint8Array, sequence: number): Buffer {
  const c = createCipheriv('aes-128-cbc', key, sequenceIv(sequence));
  return Buffer.concat([c.update(data), c.final()]);
}

/** The gated playlist: one #EXT-X-KEY where a key period starts, METHOD=NONE never needed (clear comes first). */
export function gatedPlaylist(clear: ClearPlaylist, plan: Plan, keyUri: (index: number) => string): string {
  const out = [...clear.header];
  let current: number | undefined;
  clear.segments.forEach((s, i) => {
    const k = plan.keyOf[i];
    if (k !== undefined && k !== current) {
      out.push(`#EXT-X-KEY:METHOD=AES-128,URI="${keyUri(k)}"`);
      current = k;
    }
    out.push(`#EXTINF:${(s.durationMs / 1000).toFixed(3)},`, s.uri);
  });
  out.push('#EXT-X-ENDLIST', '');
  return out.join('\n');
}
