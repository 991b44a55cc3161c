// A local stand-in for Internet Identity that speaks II's legacy postMessage protocol, so the real
// @dfinity/auth-client can sign in against it in tests and the demo. NOT an identity provider:
// its root keys come from public seeds. Query: ?user=alice|bob|carol, ?ttl=<seconds> caps the delegation.
import { DelegationChain, Ed25519KeyIdentity } from '@dfinity/identity';
import type { PublicKey } from '@dfinity/agent';

interface AuthorizeClient {
  kind: 'authorize-client';
  sessionPublicKey: Uint8Array;
  maxTimeToLive?: bigint;
  derivationOrigin?: string;
}

const params = new URLSearchParams(location.search);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const status = $('status');
const form = $<HTMLFormElement>('request');
const userSelect = $<HTMLSelectElement>('user');
if (params.get('user')) userSelect.value = params.get('user')!;

// A stable 32-byte seed per test user (and per derivation origin, as II gives one principal per site).
async function rootIdentity(user: string, origin: string): Promise<Ed25519KeyIdentity> {
  const bytes = new TextEncoder().encode(`sippar-test-idp:${user}:${origin}`);
  return Ed25519KeyIdentity.generate(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

const opener = window.opener as Window | null;
if (!opener) status.textContent = 'Open this page from an application (window.opener is missing).';

let clientOrigin = '';
window.addEventListener('message', (event: MessageEvent) => {
  const data = event.data as AuthorizeClient | undefined;
  if (event.source !== opener || data?.kind !== 'authorize-client') return;
  clientOrigin = event.origin;
  const derivation = data.derivationOrigin ?? clientOrigin;
  $('origin').textContent = derivation === clientOrigin ? clientOrigin : `${clientOrigin} (as ${derivation})`;
  status.textContent = 'Sign-in request';
  form.hidden = false;
  form.onsubmit = (e) => { e.preventDefault(); void approve(data, derivation); };
  $('deny').onclick = () => reply({ kind: 'authorize-client-failure', text: 'The user denied the sign-in request.' });
  $('approve').focus();
});

async function approve(request: AuthorizeClient, derivation: string): Promise<void> {
  const nowMs = Date.now();
  const askedMs = request.maxTimeToLive !== undefined ? Number(request.maxTimeToLive / 1_000_000n) : 8 * 3600_000;
  const ttlParam = Number(params.get('ttl'));
  const ttlMs = ttlParam > 0 ? Math.min(askedMs, ttlParam * 1000) : askedMs;
  const root = await rootIdentity(userSelect.value, derivation);
  const session: PublicKey = { toDer: () => request.sessionPublicKey } as PublicKey;
  const chain = await DelegationChain.create(root, session, new Date(nowMs + ttlMs));
  reply({
    kind: 'authorize-client-success',
    delegations: chain.delegations.map(({ delegation, signature }) => ({
      delegation: { pubkey: new Uint8Array(delegation.pubkey), expiration: delegation.expiration, targets: delegation.targets },
      signature: new Uint8Array(signature),
    })),
    userPublicKey: new Uint8Array(chain.publicKey),
    authnMethod: 'passkey',
  });
}

function reply(message: object): void {
  form.hidden = true;
  status.textContent = 'Done. You can close this window.';
  opener?.postMessage(message, clientOrigin);
}

opener?.postMessage({ kind: 'authorize-ready' }, '*');
