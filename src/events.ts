import type { SipparErrorCode } from './errors.js';

/** Detail of `sippar-error`: `code` is stable, `message` is localised for people. */
export interface SipparErrorDetail {
  code: SipparErrorCode;
  message: string;
  fatal: boolean;
}

/**
 * Media events the host re-dispatches from its inner <video>, so a page can treat
 * <sippar-player> like a video element. Like the <video>'s own, they do not bubble
 * (`sippar-*` events do, and are composed).
 */
export const MEDIA_EVENTS = [
  'play', 'playing', 'pause', 'waiting', 'seeking', 'seeked', 'timeupdate', 'ended', 'ratechange',
  'volumechange', 'loadedmetadata', 'loadeddata', 'canplay', 'durationchange', 'error', 'progress',
] as const;
export type SipparMediaEvent = (typeof MEDIA_EVENTS)[number];

/** Detail of `sippar-tick`: one billed second; `seconds` and `totalMicroAlgos` are cumulative. */
export type SipparTickDetail = import('./metering/meter-store.js').MeterTick;

/** Detail of `sippar-meter-state`, sent on every change of playing status or budget state: the meter's snapshot. */
export type SipparMeterStateDetail = import('./metering/meter-store.js').MeterSnapshot & {
  /** = status */
  state: import('./metering/meter-store.js').PlayStatus;
  /** = budgetState */
  budget: import('./metering/meter-store.js').BudgetState;
};

/** Detail of `sippar-auth-state`, sent when the sign-in status changes. */
export interface SipparAuthStateDetail {
  status: import('./identity/identity-controller.js').AuthStatus;
  principal?: string;
}

/** Detail of `sippar-payment-state`, sent when the payment status changes: the payments store's state. */
export type SipparPaymentStateDetail = import('./payments/payments-store.js').PaymentState;

/** The element's own events and their details (framework typings, e.g. the React JSX props, map over it). */
/** Detail of `sippar-topup-request`: the viewer pressed "Top up". Cancelable; call `done()` when topped up. */
export interface SipparTopupRequestDetail {
  reason: 'low-balance' | 'insufficient-funds';
  balanceMicroAlgos: number | undefined;
  rateMicroAlgos: number;
  contentId: string;
  /** The `topup-url` attribute, if any (opened unless the event is cancelled). */
  topupUrl: string | null;
  /** The balance is looked up again and a payment stopped at 402 tries again. */
  done(): void;
}

export interface SipparPlayerEventMap {
  'sippar-topup-request': CustomEvent<SipparTopupRequestDetail>;
  'sippar-auth-state': CustomEvent<SipparAuthStateDetail>;
  'sippar-error': CustomEvent<SipparErrorDetail>;
  'sippar-tick': CustomEvent<SipparTickDetail>;
  'sippar-meter-state': CustomEvent<SipparMeterStateDetail>;
  'sippar-payment-state': CustomEvent<SipparPaymentStateDetail>;
}

declare global {
  interface HTMLElementEventMap extends SipparPlayerEventMap {}
}
