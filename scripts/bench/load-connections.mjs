// The load generator's transport: one keep-alive TCP connection per simulated viewer speaking raw HTTP/1.1.
// Requests are strings built once (pre-signed ticks); answers are parsed just enough to read the status, a
// Retry-After and the body. A node:http client costs more CPU per request than the server's own HTTP
// (FACTS.md: ~150 µs vs 90–120 µs); this costs a small fraction of that, so what the bench measures is
// the server, not its client.
import net from 'node:net';

/** The bytes of one request (ASCII JSON bodies: length in characters = length in bytes). */
export function httpRequest(method, path, host, body) {
  return `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
}

/**
 * A keep-alive connection with at most one request in flight (a viewer's outbox sends one tick at a time).
 * `onAnswer(status, body: Buffer, retryAfterSeconds | undefined)` is called once per answer.
 */
export class Connection {
  constructor(host, port, onAnswer) {
    this.onAnswer = onAnswer;
    this.buf = null;
    this.closed = false;
    this.socket = net.connect({ host, port, noDelay: true });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk) => this.read(chunk));
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
      // An answer that never came: the viewer sees a network error (status 0), as a browser would.
      if (this.waiting) {
        this.waiting = false;
        this.onAnswer(0, Buffer.alloc(0), 1);
      }
    });
    this.waiting = false;
  }

  send(text) {
    this.waiting = true;
    this.socket.write(text, 'latin1');
  }

  read(chunk) {
    this.buf = this.buf === null ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf !== null) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.toString('latin1', 0, end);
      const status = Number(head.slice(9, 12));
      const len = headerNumber(head, 'content-length') ?? 0;
      const total = end + 4 + len;
      if (this.buf.length < total) return;
      const body = this.buf.subarray(end + 4, total);
      this.buf = this.buf.length === total ? null : this.buf.subarray(total);
      this.waiting = false;
      this.onAnswer(status, body, headerNumber(head, 'retry-after'));
    }
  }

  close() {
    this.closed = true;
    this.socket.destroy();
  }
}

function headerNumber(head, name) {
  const i = head.toLowerCase().indexOf(`\r\n${name}:`);
  if (i < 0) return undefined;
  const start = i + name.length + 3;
  const stop = head.indexOf('\r\n', start);
  return Number(head.slice(start, stop < 0 ? undefined : stop).trim());
}

/**
 * One request on `conn` outside the measured loop (credit, start): resolves with status and JSON body, or
 * status 0 after `timeoutMs` (the caller reconnects and retries).
 */
export function requestOnce(conn, text, timeoutMs = 15_000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ status: 0, json: null }), timeoutMs);
    conn.onAnswer = (status, body) => {
      clearTimeout(timer);
      resolve({ status, json: body.length ? JSON.parse(body.toString('utf8')) : null });
    };
    conn.send(text);
  });
}

/** Runs `fn` over `items` with at most `width` in flight. */
export async function inParallel(items, width, fn) {
  let i = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (i < items.length) await fn(items[i++]);
    }),
  );
}
