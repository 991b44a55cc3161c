// After sign-in: ask the payment API who this viewer is (signed whoami) and check the Algorand address
// it answers. An invalid address stops charging (ADDRESS_INVALID): money must never go to a typo.
import type { DelegationIdentity } from '@dfinity/identity';
import type { ViewerRequest, ViewerResponse } from '../payments/protocol.js';
import { API_PATHS } from '../payments/protocol.js';
import { whoamiSigningBytes } from '../payments/tick.js';

export class ViewerError extends Error {
  constructor(readonly code: 'ADDRESS_INVALID' | 'VIEWER_UNAVAILABLE', message: string) { super(message); }
}

const hex = (bytes: ArrayBuffer | Uint8Array) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

export async function signedWhoami(identity: DelegationIdentity, now = Date.now()): Promise<ViewerRequest> {
  const chain = identity.getDelegation();
  const requestTime = Math.floor(now);
  const signature = await identity.sign(whoamiSigningBytes({ requestTime }));
  const last = chain.delegations[chain.delegations.length - 1]!;
  return {
    delegationChain: chain.toJSON() as ViewerRequest['delegationChain'],
    sessionPublicKey: hex(last.delegation.pubkey),
    signature: hex(signature),
    requestTime,
  };
}

/** Lazily loads only algosdk's address check (tree-shaken dynamic import). */
export async function isAlgorandAddress(address: string): Promise<boolean> {
  const { isValidAddress } = await import('algosdk');
  return isValidAddress(address);
}

export async function fetchViewer(api: string, identity: DelegationIdentity, signal?: AbortSignal): Promise<ViewerResponse> {
  let response: Response;
  try {
    response = await fetch(new URL(API_PATHS.viewer, api), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(await signedWhoami(identity)),
      signal,
    });
  } catch (error) {
    throw new ViewerError('VIEWER_UNAVAILABLE', `The payment API is unreachable: ${(error as Error).message}`);
  }
  if (!response.ok) throw new ViewerError('VIEWER_UNAVAILABLE', `The payment API answered ${response.status} to ${API_PATHS.viewer}.`);
  const viewer = (await response.json()) as ViewerResponse;
  if (typeof viewer.algorandAddress !== 'string' || !(await isAlgorandAddress(viewer.algorandAddress))) {
    throw new ViewerError('ADDRESS_INVALID', `The payment API gave an invalid Algorand address for this viewer.`);
  }
  return viewer;
}
