import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Principal } from '@dfinity/principal';
import { algorandAddressOf } from '../../../server/algorand-address.js';
import { makeViewer, refused, signedStartRequest, signedViewerRequest, startHarness, type Harness } from './harness.js';
import { randomNonce } from '../../../src/payments/api-client.js';
import type { ViewerRequest } from '../../../src/payments/protocol.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

function flipHex(hex: string, at = -4): string {
  const i = at < 0 ? hex.length + at : at;
  return hex.slice(0, i) + (hex[i] === '0' ? '1' : '0') + hex.slice(i + 1);
}

describe('POST /streaming/viewer', () => {
  it('answers the principal of the chain root, its derived Algorand address and balance', async () => {
    const v = await makeViewer();
    const r = await h.api.viewer(await signedViewerRequest(v, h.clock.now));
    expect(r).toEqual({ principal: v.principal, algorandAddress: algorandAddressOf(v.principal), balanceMicroAlgos: 0 });
  });

  it('derives the address as encodeAddress(sha512_256("sippar/algorand-address/v1" ‖ principal)) — stable vector', () => {
    expect(algorandAddressOf('2vxsx-fae')).toBe('QKGP2LKWHZMPNXX2X3LPVKJZ3E3JMUM7V77RPO5ITKIP5LUZUCUM2FL6CY');
  });

  it('accepts an Ed25519 session key too', async () => {
    const v = await makeViewer({ sessionKey: 'ed25519' });
    expect((await h.api.viewer(await signedViewerRequest(v, h.clock.now))).principal).toBe(v.principal);
  });

  it('refuses a chain link whose signature was tampered with (BAD_DELEGATION)', async () => {
    const v = await makeViewer();
    const req = await signedViewerRequest(v, h.clock.now);
    req.delegationChain.delegations[0].signature = flipHex(req.delegationChain.delegations[0].signature);
    await refused(h.api.viewer(req), 'BAD_DELEGATION', 401);
  });

  it('refuses a chain whose delegation was changed after signing (longer expiration)', async () => {
    const v = await makeViewer();
    const req = await signedViewerRequest(v, h.clock.now);
    req.delegationChain.delegations[0].delegation.expiration = (BigInt('0x' + req.delegationChain.delegations[0].delegation.expiration) + 1n).toString(16);
    await refused(h.api.viewer(req), 'BAD_DELEGATION');
  });

  it('refuses a chain presented with another root key (principal cannot be borrowed)', async () => {
    const v = await makeViewer();
    const other = await makeViewer();
    const req = await signedViewerRequest(v, h.clock.now);
    req.delegationChain.publicKey = other.delegationChain.publicKey;
    await refused(h.api.viewer(req), 'BAD_DELEGATION');
  });

  it('refuses an expired delegation (DELEGATION_EXPIRED)', async () => {
    const v = await makeViewer({ expiration: new Date(h.clock.now + 60_000) });
    h.clock.now += 61_000;
    await refused(h.api.viewer(await signedViewerRequest(v, h.clock.now)), 'DELEGATION_EXPIRED', 401);
  });

  it('refuses a delegation scoped to other targets (WRONG_TARGET), accepts one naming this server', async () => {
    const target = Principal.fromText('rdmx6-jaaaa-aaaaa-aaadq-cai');
    const v = await makeViewer({ targets: [target] });
    await refused(h.api.viewer(await signedViewerRequest(v, h.clock.now)), 'WRONG_TARGET', 401);
    await h.close();
    h = await startHarness({ acceptedTargets: [target.toText()] });
    expect((await h.api.viewer(await signedViewerRequest(v, h.clock.now))).principal).toBe(v.principal);
  });

  it('refuses a session key the chain does not delegate to (SESSION_KEY_MISMATCH)', async () => {
    const v = await makeViewer();
    const other = await makeViewer();
    const req = await signedViewerRequest({ ...v, sign: other.sign, sessionPublicKey: other.sessionPublicKey }, h.clock.now);
    await refused(h.api.viewer(req), 'SESSION_KEY_MISMATCH', 401);
  });

  it('refuses a whoami signed for another time, or by another key (BAD_SIGNATURE)', async () => {
    const v = await makeViewer();
    const req: ViewerRequest = await signedViewerRequest(v, h.clock.now);
    await refused(h.api.viewer({ ...req, requestTime: req.requestTime + 1 }), 'BAD_SIGNATURE', 401);
    const other = await makeViewer();
    const forged = await signedViewerRequest({ ...v, sign: other.sign }, h.clock.now);
    await refused(h.api.viewer(forged), 'BAD_SIGNATURE', 401);
  });

  it('refuses a stale requestTime (STALE_REQUEST)', async () => {
    const v = await makeViewer();
    await refused(h.api.viewer(await signedViewerRequest(v, h.clock.now - 6 * 60_000)), 'STALE_REQUEST', 401);
  });

  it('production mode refuses an Ed25519 root (UNTRUSTED_ROOT) and has no dev credit endpoint', async () => {
    await h.close();
    h = await startHarness({ dev: false });
    const v = await makeViewer();
    await refused(h.api.viewer(await signedViewerRequest(v, h.clock.now)), 'UNTRUSTED_ROOT', 401);
    await refused(h.api.start(await signedStartRequest(v, { api: h.url, contentId: 'c', rateMicroAlgos: 0, requestTime: h.clock.now, nonce: randomNonce() })), 'UNTRUSTED_ROOT');
    await refused(h.api.devCredit({ principal: v.principal, microAlgos: 5 }), 'DEV_ONLY', 404);
  });

  it('refuses malformed chains with a specific code', async () => {
    const v = await makeViewer();
    const req = await signedViewerRequest(v, h.clock.now);
    await refused(h.api.viewer({ ...req, delegationChain: 'nope' as never }), 'BAD_DELEGATION');
    await refused(h.api.viewer({ ...req, delegationChain: { ...req.delegationChain, publicKey: 'zz' } }), 'BAD_DELEGATION');
    await refused(h.api.viewer({ ...req, delegationChain: { ...req.delegationChain, delegations: Array(9).fill(req.delegationChain.delegations[0]) } }), 'BAD_DELEGATION');
    await refused(h.api.viewer({ ...req, requestTime: 'now' as never }), 'BAD_REQUEST', 400);
  });
});
