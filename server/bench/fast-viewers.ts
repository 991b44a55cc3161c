/**
 * Viewers for benches, made with node:crypto (native signing, thousands per second): an Ed25519 root like
 * the dev identity provider's, a delegation in DelegationChain.toJSON() form, an ECDSA P-256 session key
 * signing r‖s like WebCrypto. The server verifies them exactly as it verifies @dfinity/identity's.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { hashOfMap, IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import type { DelegationChainJson, SessionStartRequest, TickRequest } from '../../src/payments/protocol.js';
import { apiIdentity, startSigningBytes, tickSigningBytes, toHex, type Tick } from '../../src/payments/tick.js';

export interface FastViewer {
  principal: string;
  sessionPublicKey: Uint8Array;
  delegationChain: DelegationChainJson;
  signSync(bytes: Uint8Array): Uint8Array;
}

export function makeFastViewer(ttlMs = 3600_000): FastViewer {
  const root = generateKeyPairSync('ed25519');
  const session = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rootDer = new Uint8Array(root.publicKey.export({ format: 'der', type: 'spki' }));
  const sessionDer = new Uint8Array(session.publicKey.export({ format: 'der', type: 'spki' }));
  const expiration = BigInt(Date.now() + ttlMs) * 1_000_000n;
  const msg = Buffer.concat([IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR, hashOfMap({ pubkey: sessionDer, expiration })]);
  const delegationSig = sign(null, msg, root.privateKey);
  const key: KeyObject = session.privateKey;
  return {
    principal: Principal.selfAuthenticating(rootDer).toText(),
    sessionPublicKey: sessionDer,
    delegationChain: {
      publicKey: toHex(rootDer),
      delegations: [{ delegation: { pubkey: toHex(sessionDer), expiration: expiration.toString(16) }, signature: toHex(delegationSig) }],
    },
    signSync: (bytes) => new Uint8Array(sign('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' })),
  };
}

/** `api`: the base URL the request goes to (the start message names it). */
export function fastStartRequest(v: FastViewer, api: string, contentId: string, rateMicroAlgos: number, nonce: string): SessionStartRequest {
  const m = { api: apiIdentity(api), contentId, rateMicroAlgos, budgetMicroAlgos: null, requestTime: Date.now(), nonce };
  return { delegationChain: v.delegationChain, sessionPublicKey: toHex(v.sessionPublicKey), ...m, signature: toHex(v.signSync(startSigningBytes(m))) };
}

export function fastTickRequest(v: FastViewer, tick: Tick): TickRequest {
  return { tick, signature: toHex(v.signSync(tickSigningBytes(tick))) };
}
