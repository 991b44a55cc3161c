import { describe, expect, it } from 'vitest';
import { DelegationChain, DelegationIdentity, Ed25519KeyIdentity } from '@dfinity/identity';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchViewer, isAlgorandAddress, signedWhoami, ViewerError } from '../../../src/identity/viewer.js';
import { whoamiSigningBytes } from '../../../src/payments/tick.js';
import { startHarness } from '../server/harness.js';

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

describe('fetchViewer (through the one API client)', () => {
  const identity = async () => {
    const root = Ed25519KeyIdentity.generate(seed(3));
    const session = Ed25519KeyIdentity.generate(seed(4));
    return DelegationIdentity.fromDelegation(session, await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 60_000)));
  };
  const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as ViewerError);

  it('asks the real server with a signed whoami and answers its viewer', async () => {
    const h = await startHarness({ now: Date.now });
    try {
      const id = await identity();
      const v = await fetchViewer(h.url, id);
      expect(v).toMatchObject({ principal: id.getPrincipal().toText(), balanceMicroAlgos: 0 });
    } finally {
      await h.close();
    }
  });

  it('ADDRESS_INVALID for an address with a typo; VIEWER_UNAVAILABLE for an HTTP error, garbage, or no server', async () => {
    let answer = { status: 200, body: JSON.stringify({ principal: 'p', algorandAddress: 'NOT-AN-ADDRESS', balanceMicroAlgos: 1 }) };
    const server = createServer((req, res) => req.resume().on('end', () => res.writeHead(answer.status).end(answer.body)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const id = await identity();
      expect(await refusal(fetchViewer(url, id))).toMatchObject({ code: 'ADDRESS_INVALID' });
      answer = { status: 503, body: JSON.stringify({ error: { code: 'INTERNAL', message: 'x' } }) };
      expect(await refusal(fetchViewer(url, id))).toMatchObject({ code: 'VIEWER_UNAVAILABLE', message: 'The payment API answered 503 to /streaming/viewer.' });
      answer = { status: 200, body: '<html>' };
      expect(await refusal(fetchViewer(url, id))).toMatchObject({ code: 'VIEWER_UNAVAILABLE' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    expect(await refusal(fetchViewer(url, await identity()))).toMatchObject({ code: 'VIEWER_UNAVAILABLE' });
  });
});
