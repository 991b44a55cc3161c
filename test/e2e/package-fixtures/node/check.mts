// Node's own resolution (NodeNext) finds the declarations through the exports map.
import type { SipparAuthStateDetail, SipparErrorDetail, SipparMeterStateDetail, SipparPaymentStateDetail,
  SipparPlayer, SipparTickDetail } from 'sippar-player';

export type Details = [SipparTickDetail, SipparMeterStateDetail, SipparAuthStateDetail, SipparPaymentStateDetail, SipparErrorDetail];
export const tag = (p: SipparPlayer): string => p.tagName;
