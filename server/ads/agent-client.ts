/**
 * A minimal client of the agent protocol (Node): a key, and signed requests with a fresh nonce each and
 * an Idempotency-Key that the caller keeps across retries of one change. Used by `npm run agent`, the
 * auction bench and the tests; an agent in another language follows docs/ADS.md §Signing.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { AD_PATHS } from '../../src/payments/ad-protocol.js';
import { toHex } from '../../src/payments/tick.js';
import { keyIdOf, signAgentRequest, type AgentKey } from './agent-signature.js';

export function makeAgentKey(kind: 'ed25519' | 'p256' = 'ed25519'): AgentKey {
  const pair = kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey: pair.privateKey, publicKeyDer: new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' })) };
}

export interface AgentResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface SignOptions {
  idempotencyKey?: string;
  nonce?: string;
  /** Unix seconds (default: now by `clock`). */
  created?: number;
}

export interface AgentClient {
  key: AgentKey;
  keyId: string;
  /** The headers and body text of a signed request (to send, tamper with or replay). */
  sign(method: 'GET' | 'POST', path: string, body?: unknown, opts?: SignOptions): { headers: Record<string, string>; body: string };
  send(method: 'GET' | 'POST', path: string, signed: { headers: Record<string, string>; body: string }): Promise<AgentResponse>;
  request<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown, opts?: SignOptions): Promise<AgentResponse<T>>;
  register(name: string, opts?: SignOptions): Promise<AgentResponse<{ agentId: string; keyId: string }>>;
}

export function agentClient(baseUrl: string, key: AgentKey = makeAgentKey(), clock: () => number = Date.now): AgentClient {
  const c: AgentClient = {
    key,
    keyId: keyIdOf(key.publicKeyDer),
    sign(method, path, body, opts = {}) {
      const text = method === 'GET' || body === undefined ? '' : JSON.stringify(body);
      const headers = signAgentRequest(key, {
        method,
        path,
        body: text,
        idempotencyKey: opts.idempotencyKey ?? randomUUID(),
        nonce: opts.nonce ?? randomBytes(16).toString('hex'),
        createdSeconds: opts.created ?? Math.floor(clock() / 1000),
      });
      return { headers: text ? { ...headers, 'content-type': 'application/json' } : headers, body: text };
    },
    async send(method, path, signed) {
      const res = await fetch(baseUrl + path, { method, headers: signed.headers, body: method === 'GET' ? undefined : signed.body });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
    },
    async request(method, path, body, opts) {
      return (await c.send(method, path, c.sign(method, path, body, opts))) as AgentResponse<never>;
    },
    register: (name, opts) => c.request('POST', AD_PATHS.agents, { name, publicKey: toHex(key.publicKeyDer) }, opts),
  };
  return c;
}
