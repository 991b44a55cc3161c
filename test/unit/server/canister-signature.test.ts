import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hashOfMap, IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR } from '@dfinity/agent';
import { verifyCanisterSignature, parseCanisterKey } from '../../../server/verify/canister-signature.js';
import { verifyChainSignatures, verifyDelegationChain, type ChainShape, type TrustOptions } from '../../../server/verify/delegation-chain.js';
import { parseSigningKey } from '../../../server/verify/keys.js';
import { ECDSAKeyIdentity } from '@dfinity/identity';
import { fromHex } from '../../../src/payments/tick.js';
import type { DelegationChainJson } from '../../../src/payments/protocol.js';

// A real II delegation whose root is a canister signature (see /work/shared/FACTS.md).
const FIXTURE = new URL('./fixtures/ii-canister-signature.json', import.meta.url);
const fx = JSON.parse(readFileSync(FIXTURE, 'utf8'));
const chain = fx.delegationChain as DelegationChainJson;
const link = chain.delegations[0];
const message = new Uint8Array([
  ...IC_REQUEST_AUTH_DELEGATION_DOMAIN_SEPARATOR,
  ...hashOfMap({ pubkey: fromHex(link.delegation.pubkey), expiration: BigInt('0x' + link.delegation.expiration) }),
]);
const beforeExpiry = Number(BigInt(fx.expirationNs) / 1_000_000n) - 60_000;
const check = (over: Partial<Parameters<typeof verifyCanisterSignature>[0]> = {}) =>
  verifyCanisterSignature({
    publicKeyDer: fromHex(chain.publicKey),
    message,
    signature: fromHex(link.signature),
    icRootKeyRaw: fromHex(fx.icRootPublicKeyRawHex),
    allowedCanisters: [fx.iiCanisterId],
    ...over,
  });
const flip = (b: Uint8Array, i: number) => {
  const c = new Uint8Array(b);
  c[i < 0 ? c.length + i : i] ^= 1;
  return c;
};
const trust: TrustOptions = {
  dev: false,
  icRootKeyRaw: fromHex(fx.icRootPublicKeyRawHex),
  iiCanisterIds: [fx.iiCanisterId],
  acceptedTargets: [],
  maxDelegations: 8,
};

describe('II canister signatures', () => {
  it('parses the root key: canister id and seed', () => {
    expect(parseCanisterKey(fromHex(chain.publicKey)).canisterId.toText()).toBe(fx.iiCanisterId);
  });

  it('accepts the real fixture', async () => {
    expect(await check()).toBe(true);
  });

  it('refuses a tampered signature, message, root key, seed or an unlisted canister', async () => {
    const sig = fromHex(link.signature);
    expect(await check({ signature: flip(sig, 100) })).toBe(false); // inside the certificate's tree
    expect(await check({ signature: flip(sig, -10) })).toBe(false); // inside the signature tree
    expect(await check({ message: flip(message, -1) })).toBe(false);
    expect(await check({ icRootKeyRaw: flip(fromHex(fx.icRootPublicKeyRawHex), 20) })).toBe(false);
    expect(await check({ publicKeyDer: flip(fromHex(chain.publicKey), -1) })).toBe(false);
    expect(await check({ allowedCanisters: ['rdmx6-jaaaa-aaaaa-aaadq-cai'] })).toBe(false);
  });

  it('verifies the fixture chain in production mode and derives the user principal from its root', async () => {
    // The fixture's delegated "pubkey" is a 96-byte challenge, not a session key: the cheap checks stop the
    // chain there (SESSION_KEY_MISMATCH) before any signature. Its canister-signature step is checked on
    // the shape itself, with a stand-in session key.
    await expect(verifyDelegationChain(chain, link.delegation.pubkey, beforeExpiry, trust)).rejects.toMatchObject({ code: 'SESSION_KEY_MISMATCH' });
    const verified = await verifyChainSignatures(await fixtureShape(), trust);
    expect(verified.principal).toBe(fx.userPrincipal);
  });

  it('refuses the tampered fixture link (BAD_DELEGATION), the expired chain (DELEGATION_EXPIRED) and an unlisted canister (UNTRUSTED_ROOT) before any signature', async () => {
    const shape = await fixtureShape();
    const later = { ...shape, links: [{ ...shape.links[0]!, message: flip(shape.links[0]!.message, -1) }] };
    await expect(verifyChainSignatures(later, trust)).rejects.toMatchObject({ code: 'BAD_DELEGATION' });
    const badSig = { ...shape, links: [{ ...shape.links[0]!, signature: flip(shape.links[0]!.signature, 100) }] };
    await expect(verifyChainSignatures(badSig, trust)).rejects.toMatchObject({ code: 'BAD_DELEGATION' });
    await expect(verifyDelegationChain(chain, link.delegation.pubkey, Date.now(), trust)).rejects.toMatchObject({ code: 'DELEGATION_EXPIRED' });
    await expect(verifyDelegationChain(chain, link.delegation.pubkey, beforeExpiry, { ...trust, iiCanisterIds: ['rdmx6-jaaaa-aaaaa-aaadq-cai'] })).rejects.toMatchObject({
      code: 'UNTRUSTED_ROOT',
    });
  });
});

/** The fixture chain as checkChainShape would give it, were its delegated key a signing key. */
async function fixtureShape(): Promise<ChainShape> {
  const session = await ECDSAKeyIdentity.generate();
  const sessionKey = parseSigningKey(new Uint8Array(session.getPublicKey().toDer()));
  return {
    rootDer: fromHex(chain.publicKey),
    rootIsCanister: true,
    root: null,
    links: [{ pubkey: fromHex(link.delegation.pubkey), signature: fromHex(link.signature), message, expMs: beforeExpiry + 60_000 }],
    keys: [sessionKey],
    sessionKey,
    expiresAt: beforeExpiry + 60_000,
  };
}
