import { ERROR_STATUS, type ApiErrorBody, type ApiErrorCode, type ContentPrice, type TickResponse } from '../src/payments/protocol.js';

/** A refusal with a stable code; the HTTP layer turns it into `{error:{code,message}}` plus `headers`. */
export class ApiError extends Error {
  readonly status: number;
  /** On PRICE_MISMATCH: the current public price, sent with the refusal. */
  price?: ContentPrice;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly ledger?: TickResponse,
    /** Extra response headers (Retry-After on 429/503, PAYMENT-REQUIRED on 402). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  /** The JSON body of this refusal (docs/PROTOCOL.md §Errors). */
  body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message }, ...(this.ledger && { ledger: this.ledger }), ...(this.price && { price: this.price }) };
  }
}
