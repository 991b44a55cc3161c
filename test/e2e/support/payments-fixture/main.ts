// The money path of <sippar-player> (commerce.ts: meter → payments machine → outbox, the play policy and the
// overlays) on a plain <video>, with an identity made in the page instead of the Internet Identity popup: an Ed25519 root (the
// reference server trusts Ed25519 roots in dev mode) delegating to an ECDSA session key, like II does.
// The session key is kept in IndexedDB, as auth-client keeps its own, so a reload signs with the same key.
import { LitElement, html } from 'lit';
import { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { Commerce } from '../../../../src/commerce.js';
import type { PaymentServices } from '../../../../src/payments/payments-controller.js';

const q = new URLSearchParams(location.search);

async function sessionKey(): Promise<ECDSAKeyIdentity> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open('payments-fixture', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('keys');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const get = <T,>(k: string) => new Promise<T | undefined>((resolve) => {
    const r = db.transaction('keys').objectStore('keys').get(k);
    r.onsuccess = () => resolve(r.result as T | undefined);
  });
  const stored = await get<CryptoKeyPair>('session');
  if (stored) return ECDSAKeyIdentity.fromKeyPair(stored);
  const fresh = await ECDSAKeyIdentity.generate();
  await new Promise<void>((resolve) => {
    const tx = db.transaction('keys', 'readwrite');
    tx.objectStore('keys').put(fresh.getKeyPair(), 'session');
    tx.oncomplete = () => resolve();
  });
  return fresh;
}

async function makeIdentity(seedText: string): Promise<DelegationIdentity> {
  const seed = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(seedText)));
  const root = Ed25519KeyIdentity.generate(seed);
  const session = await sessionKey();
  const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 60 * 60_000));
  return DelegationIdentity.fromDelegation(session, chain);
}

class PaymentsHost extends LitElement {
  static override properties = { rate: {}, src: {} };
  rate: string | null = q.get('rate') ?? '0.001';
  budget: string | null = null;
  previewSeconds: string | null = null;
  src = q.get('src') ?? '/media/basic.mp4';
  services: PaymentServices = {};
  readonly locale = 'en';
  #video: HTMLVideoElement | null = null;
  #commerce?: Commerce;
  get media() { return this.#video; }
  get commerce() { return (this.#commerce ??= new Commerce(this)); }
  get payments() { return this.commerce.payments; }
  get meter() { return this.commerce.meter; }
  pause() { this.commerce.requestPause(); }
  play() { return this.commerce.requestPlay(); }
  override connectedCallback() {
    super.connectedCallback();
    void this.commerce;
  }
  protected override firstUpdated() {
    this.#video = this.renderRoot.querySelector('video');
    this.requestUpdate();
  }
  override render() {
    return html`<video .src=${this.src} muted loop playsinline style="width:320px"></video>${this.#commerce?.render()}`;
  }
}
customElements.define('payments-host', PaymentsHost);

declare global {
  interface Window { fixture: { identity: DelegationIdentity; principal: string; host: PaymentsHost; ticks: number[] } }
}

const identity = await makeIdentity(q.get('seed') ?? 'viewer-1');
const host = document.createElement('payments-host') as PaymentsHost;
host.setAttribute('api', q.get('api') ?? location.origin);
host.setAttribute('content-id', q.get('content') ?? 'film-1');
host.setAttribute('grace-seconds', q.get('grace') ?? '30');
host.services = { auth: { identity } };
const ticks: number[] = [];
host.addEventListener('sippar-tick', (e) => ticks.push((e as CustomEvent<{ seconds: number }>).detail.seconds));
document.body.append(host);
window.fixture = { identity, principal: identity.getPrincipal().toText(), host, ticks };
document.body.dataset.ready = 'true';
