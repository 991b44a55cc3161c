/**
 * Forged Internet Identity starts, as an attacker would send them to stall the API: the root key names
 * the trusted II canister, the delegation's "signature" is a real II certificate lifted from another
 * delegation (so it parses and costs a full BLS check before the tree lookup fails), and the request is
 * properly signed by a session key of the attacker's own. Each call changes the expiration, so no two are
 * alike and a cache of recent failures does not catch them. Used by the server tests and the bench.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import type { DelegationChainJson, SessionStartRequest } from '../../src/payments/protocol.js';
import { apiIdentity, startSigningBytes, toHex } from '../../src/payments/tick.js';

/** The shape of test/unit/server/fixtures/ii-canister-signature.json (see /work/shared/FACTS.md). */
export interface CanisterFixture {
  icRootPublicKeyRawHex: string;
  iiCanisterId: string;
  delegationChain: DelegationChainJson;
}

export function forgedCanisterStarts(fx: CanisterFixture, api: string, now: () => number = Date.now): () => SessionStartRequest {
  const session = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const sessionDer = toHex(new Uint8Array(session.publicKey.export({ format: 'der', type: 'spki' })));
  const lifted = fx.delegationChain.delegations[0]!.signature;
  let n = 0;
  return () => {
    const expiration = BigInt(now() + 3600_000 + n++) * 1_000_000n;
    const delegationChain: DelegationChainJson = {
      publicKey: fx.delegationChain.publicKey,
      delegations: [{ delegation: { pubkey: sessionDer, expiration: expiration.toString(16) }, signature: lifted }],
    };
    const m = { api: apiIdentity(api), contentId: 'forged', rateMicroAlgos: 1, budgetMicroAlgos: null, requestTime: now(), nonce: (n.toString(16) + '0'.repeat(32)).slice(0, 32) };
    const signature = toHex(new Uint8Array(sign('sha256', startSigningBytes(m), { key: session.privateKey, dsaEncoding: 'ieee-p1363' })));
    return { delegationChain, sessionPublicKey: sessionDer, ...m, signature };
  };
}
