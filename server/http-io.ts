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

/**
 * The address the per-client limit keys on: the socket's, or behind a trusted proxy (`--trust-proxy`) the
 * last address of X-Forwarded-For — the one that proxy appended; the ones before it are whatever the
 * client wrote. Without the option the header is ignored, so a client cannot pick its own key.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const socket = req.socket.remoteAddress ?? '';
  if (!trustProxy) return socket;
  const header = req.headers['x-forwarded-for'];
  const list = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  const last = list[list.length - 1]!.trim();
  return last === '' ? socket : last;
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
 * The request body; or 'too-large' once it is declared or streamed past `maxBytes`, resolved only after the
 * rest has been read and dropped (up to `maxDrainBytes` in all), so the client — still sending — reads the
 * 413 instead of a reset; or null when the request broke off.
 */
export function readBody(req: IncomingMessage, maxBytes: number, maxDrainBytes = 1024 * 1024): Promise<Buffer | 'too-large' | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number(req.headers['content-length'] ?? 0) > maxBytes;
    let settled = false;
    const settle = (v: Buffer | 'too-large' | null) => {
      if (!settled) resolve(v);
      settled = true;
    };
    // Too much even to drain: answer now; the caller closes the connection after the 413.
    if (Number(req.headers['content-length'] ?? 0) > maxDrainBytes) {
      req.resume();
      return settle('too-large');
    }
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (over || size > maxBytes) {
        over = true;
        chunks.length = 0;
        if (size > maxDrainBytes) settle('too-large');
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => settle(over ? 'too-large' : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', () => settle(null));
    req.on('close', () => settle(over ? 'too-large' : null));
  });
}

/** JSON answer; `headers` on top of the fixed ones (Retry-After, PAYMENT-REQUIRED, CORS set earlier). */
export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/**
 * A request the HTTP parser refused (bad request line, bad headers, headers too large) still gets a JSON
 * error, written straight to the socket since no ServerResponse exists for it.
 */
export function clientErrorAnswer(err: NodeJS.ErrnoException): string {
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const text = JSON.stringify({ error: { code: 'BAD_HTTP', message: tooLarge ? 'request headers too large' : 'malformed HTTP request' } });
  return (
    `HTTP/1.1 400 Bad Request\r\n` +
    `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${text}`
  );
}

/** A body that is not JSON (the audit export's CSV, a media key's bytes). */
export function sendText(res: ServerResponse, a: { status: number; body: string | Uint8Array; contentType: string; headers?: Record<string, string> }): void {
  res.writeHead(a.status, { ...a.headers, 'content-type': a.contentType, 'content-length': Buffer.byteLength(a.body), 'cache-control': 'no-store' });
  res.end(a.body);
}
