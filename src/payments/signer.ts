/**
 * Signs ticks with the viewer's session key. The key never leaves the identity (a DelegationIdentity's
 * non-extractable ECDSA key); only `sign` and the public delegation chain are used.
 */
import type { DelegationChainJson } from './protocol.js';
import type { SessionSigner } from './api-client.js';
import { tickSigningBytes, toHex, type Tick } from './tick.js';
import type { SignedTick } from './outbox.js';

/**
 * The part of @dfinity/identity's DelegationIdentity this module needs, so tests and Storybook can pass
 * any identity of that shape (e.g. one built with DelegationChain.create and DelegationIdentity.fromDelegation).
 */
export interface SessionIdentity {
  sign(bytes: Uint8Array): Promise<ArrayBuffer | Uint8Array>;
  getPrincipal(): { toText(): string };
  getDelegation(): {
    delegations: ReadonlyArray<{ delegation: { pubkey: ArrayBuffer | Uint8Array } }>;
    toJSON(): unknown;
  };
}

/** The signed session start carries the chain; ticks carry only the signature (the server keeps the key). */
export function sessionSignerOf(identity: SessionIdentity): SessionSigner {
  const chain = identity.getDelegation();
  const last = chain.delegations[chain.delegations.length - 1];
  if (!last) throw new TypeError('the identity has no delegation');
  return {
    sign: (bytes) => identity.sign(bytes),
    sessionPublicKey: new Uint8Array(last.delegation.pubkey),
    delegationChain: chain.toJSON() as DelegationChainJson,
  };
}

/** identity.sign over the domain-separated canonical bytes of the tick (tick.ts). */
export async function signTick(identity: Pick<SessionIdentity, 'sign'>, tick: Tick): Promise<SignedTick> {
  const signature = await identity.sign(tickSigningBytes(tick));
  return { tick, signature: toHex(signature) };
}
