// After sign-in: ask the payment API who this viewer is (signed whoami) and check the Algorand address
// it answers. An invalid address stops charging (ADDRESS_INVALID): money must never go to a typo.
// The request goes through the payment API's one client (api-client.ts), as ticks do.
import type { DelegationIdentity } from '@dfinity/identity';
import { createApiClient, PaymentApiError, signedViewerRequest } from '../payments/api-client.js';
import { API_PATHS, type DelegationChainJson, type ViewerRequest, type ViewerResponse } from '../payments/protocol.js';

export class ViewerError extends Error {
  constructor(readonly code: 'ADDRESS_INVALID' | 'VIEWER_UNAVAILABLE', message: string) { super(message); }
}

export function signedWhoami(identity: DelegationIdentity, now = Date.now()): Promise<ViewerRequest> {
  const chain = identity.getDelegation();
  const last = chain.delegations[chain.delegations.length - 1]!;
  const signer = {
    sign: (bytes: Uint8Array) => identity.sign(bytes),
    sessionPublicKey: new Uint8Array(last.delegation.pubkey),
    delegationChain: chain.toJSON() as DelegationChainJson,
  };
  return signedViewerRequest(signer, Math.floor(now));
}

/** Lazily loads only algosdk's address check (tree-shaken dynamic import). */
export async function isAlgorandAddress(address: string): Promise<boolean> {
  const { isValidAddress } = await import('algosdk');
  return isValidAddress(address);
}

export async function fetchViewer(api: string, identity: DelegationIdentity, signal?: AbortSignal): Promise<ViewerResponse> {
  let viewer: ViewerResponse;
  try {
    viewer = await createApiClient({ baseUrl: api }).viewer(await signedWhoami(identity), { signal });
  } catch (error) {
    if (!(error instanceof PaymentApiError)) throw error;
    const why =
      error.kind === 'http' ? `answered ${error.status} to ${API_PATHS.viewer}.`
      : error.kind === 'bad-json' ? `answered ${error.status} to ${API_PATHS.viewer} with a body that is not JSON.`
      : `is unreachable: ${error.message}`;
    throw new ViewerError('VIEWER_UNAVAILABLE', `The payment API ${why}`);
  }
  if (typeof viewer?.algorandAddress !== 'string' || !(await isAlgorandAddress(viewer.algorandAddress))) {
    throw new ViewerError('ADDRESS_INVALID', `The payment API gave an invalid Algorand address for this viewer.`);
  }
  return viewer;
}
