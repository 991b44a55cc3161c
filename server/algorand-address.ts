import { createHash } from 'node:crypto';
import algosdk from 'algosdk';
import { Principal } from '@dfinity/principal';

const DOMAIN = Buffer.from('sippar/algorand-address/v1', 'utf8');

/**
 * The viewer's Algorand address, derived deterministically from the principal:
 * encodeAddress(SHA-512/256("sippar/algorand-address/v1" ‖ principal bytes)). It names the ledger
 * account; nobody holds its private key (deposits are credited by the platform, not signed from it).
 */
export function algorandAddressOf(principalText: string): string {
  const bytes = Principal.fromText(principalText).toUint8Array();
  const digest = createHash('sha512-256').update(DOMAIN).update(bytes).digest();
  return algosdk.encodeAddress(new Uint8Array(digest));
}
