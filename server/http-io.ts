/** The small node:http pieces of the payment API: bounded caches, body reading and JSON answers. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fromHex } from '../src/payments/tick.js';
import { ApiError } from './errors.js';

/** Bounded map: drops the oldest entry past `max` (insertion order). */
export class Bounded<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(k: K, v: V): this {
    if (!this.has(k) && this.size >= this.max) this.delete(this.keys().next().value as K);
    return super.set(k, v);
  }
}

export function obj(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('BAD_JSON', 'body must be a JSON object');
  return body as Record<string, unknown>;
}

export function signatureBytes(v: unknown): Uint8Array {
  if (typeof v !== 'string') throw new ApiError('BAD_REQUEST', 'signature must be hex');
  try {
    return fromHex(v);
  } catch {
    throw new ApiError('BAD_REQUEST', 'signature must be hex');
  }
}

/**
 * The request body, or 'too-large' as soon as it is declared or streamed past `maxBytes` (the rest is
 * drained, not buffered), or null when the request broke off.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large' | null> {
  return new Promise((resolve) => {
    const tooLarge = () => {
      req.resume();
      resolve('too-large');
    };
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > maxBytes) {
        done = true;
        return tooLarge();
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    });
    req.on('error', () => {
      if (!done) resolve(null);
      done = true;
    });
  });
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** A body that is not JSON (the audit export's CSV). */
export function sendText(res: ServerResponse, a: { status: number; body: string; contentType: string; headers?: Record<string, string> }): void {
  res.writeHead(a.status, { ...a.headers, 'content-type': a.contentType, 'content-length': Buffer.byteLength(a.body), 'cache-control': 'no-store' });
  res.end(a.body);
}
