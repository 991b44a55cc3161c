/**
 * Stable error codes: platforms branch on `code`, people read `message`.
 * Append only; every concern (playback, metering, identity, payments) adds its own codes here.
 */
export type SipparErrorCode =
  // playback
  | 'SRC_MISSING'
  | 'SRC_INVALID'
  | 'MANIFEST_NOT_FOUND'
  | 'MANIFEST_INVALID'
  | 'SEGMENT_DECODE'
  | 'CODEC_UNSUPPORTED'
  | 'NETWORK_OFFLINE'
  | 'NETWORK_ERROR'
  | 'MEDIA_DECODE'
  | 'MEDIA_UNSUPPORTED'
  | 'ENGINE_LOAD'
  // metering: an attribute that cannot be read exactly as integer microAlgos / whole seconds
  | 'RATE_INVALID'
  | 'BUDGET_INVALID'
  | 'PREVIEW_INVALID'
  // payments: the payment API and the outbox (src/payments/transport.ts classifies them)
  | 'PAYMENT_API_UNREACHABLE'
  | 'PAYMENT_API_TIMEOUT'
  | 'PAYMENT_API_INVALID_RESPONSE'
  | 'INSUFFICIENT_FUNDS'
  | 'PAYMENT_SESSION_EXPIRED'
  | 'PAYMENT_SESSION_UNKNOWN'
  | 'PAYMENT_REJECTED'
  | 'WATCHING_ELSEWHERE'
  // identity: Internet Identity sign-in (src/identity) and the viewer's Algorand address
  | 'IDP_URL_INVALID'
  | 'AUTH_UNAVAILABLE'
  | 'POPUP_BLOCKED'
  | 'IDP_UNREACHABLE'
  | 'LOGIN_FAILED'
  | 'SESSION_EXPIRED'
  | 'VIEWER_UNAVAILABLE'
  | 'ADDRESS_INVALID'
  // playback, appended: a plain file (not a manifest) answered 4xx
  | 'MEDIA_NOT_FOUND'
  // configuration, appended: what is sold and where it is paid
  | 'CONTENT_ID_INVALID'
  | 'API_URL_INVALID'
  // the platform's top-up page and a fiat hint: reported, never blocking
  | 'TOPUP_URL_INVALID'
  | 'FIAT_INVALID'
  // the platform's price catalog (protocol v3): the page's price is not the catalog's, or the title is not sold
  | 'PRICE_MISMATCH'
  | 'UNKNOWN_CONTENT'
  | 'PRICE_UNAVAILABLE'

  // payments, appended (protocol v3): the server's spending safety
  | 'PAYMENT_BUDGET_EXCEEDED'
  | 'PAYMENT_TOO_MANY_SESSIONS'
  | 'PAYMENT_KEY_REVOKED';

export class SipparError extends Error {
  override name = 'SipparError';
  constructor(
    readonly code: SipparErrorCode,
    message: string,
    readonly fatal = true,
  ) {
    super(message);
  }
}
