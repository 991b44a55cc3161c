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
  | 'PREVIEW_INVALID';

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
