import { describe, expect, it } from 'vitest';
import { DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { isAlgorandAddress, signedWhoami } from '../../../src/identity/viewer.js';
import { whoamiSigningBytes } from '../../../src/payments/tick.js';

const seed = (n: number) => new Uint8Array(32).fill(n);

describe('signedWhoami', () => {
  it('carries the chain, the session key and a session-key signature over the whoami bytes', async () => {
    const root = Ed25519KeyIdentity.generate(seed(1));
    const session = Ed25519KeyIdentity.generate(seed(2));
    const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 60_000));
    const identity = DelegationIdentity.fromDelegation(session, chain);
    const request = await signedWhoami(identity, 1_700_000_000_123.7);

    expect(request.requestTime).toBe(1_700_000_000_123);
    expect(request.delegationChain.publicKey).toBe(Buffer.from(root.getPublicKey().toDer()).toString('hex'));
    expect(request.sessionPublicKey).toBe(Buffer.from(session.getPublicKey().toDer()).toString('hex'));
    const expected = await session.sign(whoamiSigningBytes({ requestTime: 1_700_000_000_123 }));
    expect(request.signature).toBe(Buffer.from(expected).toString('hex')); // Ed25519 is deterministic
    expect(JSON.stringify(request)).not.toMatch(/secret|private/i);
  });
});

describe('isAlgorandAddress', () => {
  it('accepts a checksummed address and refuses a typo', async () => {
    const { encodeAddress } = await import('algosdk');
    const valid = encodeAddress(new Uint8Array(32).fill(7));
    expect(await isAlgorandAddress(valid)).toBe(true);
    // Flip one character inside the public-key part: the checksum no longer matches.
    const typo = valid.slice(0, 10) + (valid[10] === 'A' ? 'B' : 'A') + valid.slice(11);
    expect(await isAlgorandAddress(typo)).toBe(false);
    expect(await isAlgorandAddress('')).toBe(false);
  });
});
