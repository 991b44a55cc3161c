// Everything a paid video needs, in one chunk that the element imports only when `rate` is above
// zero: identity (Internet Identity sign-in), the meter, payments (signed ticks, outbox) and their
// overlays. A free video never downloads it, which keeps the first script and the first frame small.
import type { ReactiveElement } from 'lit';
import './i18n/paid-messages.js';
import { IdentityGate } from './identity/identity-gate.js';
import { MeterController, type MeterHost } from './metering/meter-controller.js';
import { parseRate } from './metering/money.js';
import { PaymentsController, paymentsConfigOf, type PaymentServices, type PaymentsHost } from './payments/payments-controller.js';
import { adoptStyles } from './ui/adopt-styles.js';
import { budgetOverlay } from './ui/budget-overlay.js';
import { costCounter, costCounterStyles } from './ui/cost-counter.js';
import { paymentOverlay, paymentOverlayStyles } from './ui/payment-overlay.js';

export type CommerceHost = ReactiveElement & MeterHost & PaymentsHost & {
  readonly media: HTMLVideoElement | null;
  readonly locale: string;
  services: PaymentServices;
};

export class Commerce {
  readonly identity: IdentityGate;
  readonly meter: MeterController;
  readonly payments: PaymentsController;

  constructor(private readonly host: CommerceHost) {
    adoptStyles(host, [costCounterStyles, paymentOverlayStyles]);
    // The preview ends when the meter has counted its seconds as watched, not at a playback position:
    // seeking back into the first seconds must not make them free again, nor the gate and the bill disagree.
    this.identity = new IdentityGate(host, {
      previewSpent: () => {
        const s = this.meter.store.get();
        return s.previewUsed >= s.previewSeconds;
      },
      injectedAuth: () => host.services.auth,
    });
    this.meter = new MeterController(host);
    this.payments = new PaymentsController(host, () => paymentsConfigOf(host, parseRate),
      () => ({ auth: this.identity.controller, ...host.services }));
  }

  /** In this order, later ones on top: cost counter, login overlay, budget overlay, payment overlay. */
  render(): unknown[] {
    const s = this.meter.store.get();
    const locale = this.host.locale;
    return [
      costCounter(s, locale),
      this.identity.render(),
      budgetOverlay(s, this.meter.budgetStep, locale, () => this.meter.continueWithMoreBudget()),
      paymentOverlay({ state: this.payments.state, onRetry: () => this.payments.retry(), onWatchHere: () => void this.payments.watchHere() }),
    ];
  }
}
