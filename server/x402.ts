/**
 * x402 v2 on our 402s: a `PAYMENT-REQUIRED` header (base64 JSON `PaymentRequired`) saying how to top up,
 * beside the JSON error body clients already read. Agents that speak x402 learn where to send ALGO and
 * how much; the payment itself is an on-chain deposit the platform credits (PROTOCOL.md §5, §6).
 * Spec: github.com/x402-foundation/x402 specs/transports-v2/http.md; Algorand as @x402/avm names it.
 */
import type { ResolvedOptions } from './config.js';

export const X402_HEADER = 'payment-required';

export interface TopUpNeed {
  /** The URL of the request that was refused. */
  resourceUrl: string;
  principal: string;
  /** The viewer's ledger address (where the reference server books the deposit). */
  algorandAddress: string;
  /** The session's rate, microAlgos per second. */
  rateMicroAlgos: number;
  /** What the viewer holds now, and owes already (signed seconds the balance could not pay). */
  balanceMicroAlgos: number;
  owedMicroAlgos: number;
}

/**
 * What to pay: what is owed, plus `topUpSeconds` of playback at this rate, less what the balance holds;
 * never less than one second of playback (a smaller deposit would not let a single tick through).
 */
export function topUpAmount(n: Pick<TopUpNeed, 'rateMicroAlgos' | 'balanceMicroAlgos' | 'owedMicroAlgos'>, topUpSeconds: number): number {
  const wanted = n.owedMicroAlgos + n.rateMicroAlgos * topUpSeconds - n.balanceMicroAlgos;
  return Math.max(n.rateMicroAlgos, wanted, 1);
}

export function paymentRequired(o: Pick<ResolvedOptions, 'payTo' | 'algorandNetwork' | 'topUpSeconds'>, n: TopUpNeed) {
  return {
    x402Version: 2,
    error: 'balance too low: top up to keep watching',
    resource: {
      url: n.resourceUrl,
      description: `Top up the sippar balance of ${n.principal} (${n.rateMicroAlgos} µALGO per second of video)`,
      mimeType: 'application/json',
    },
    accepts: [
      {
        scheme: 'exact',
        network: o.algorandNetwork,
        amount: String(topUpAmount(n, o.topUpSeconds)),
        // Algorand's native asset has id 0 (ALGO, 6 decimals: amounts are microAlgos).
        asset: '0',
        payTo: o.payTo ?? n.algorandAddress,
        maxTimeoutSeconds: 600,
        extra: { name: 'ALGO', decimals: 6, principal: n.principal, account: n.algorandAddress, note: `sippar:${n.principal}` },
      },
    ],
  };
}

export function paymentRequiredHeader(o: Pick<ResolvedOptions, 'payTo' | 'algorandNetwork' | 'topUpSeconds'>, n: TopUpNeed): Record<string, string> {
  return { [X402_HEADER]: Buffer.from(JSON.stringify(paymentRequired(o, n)), 'utf8').toString('base64') };
}
