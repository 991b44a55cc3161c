// A plain TypeScript page: the element from the package entry, every event typed by its detail.
import { SipparError, type SipparAuthStateDetail, type SipparErrorDetail, type SipparMeterStateDetail,
  type SipparPaymentStateDetail, type SipparPlayer, type SipparTickDetail } from 'sippar-player';
import manifest from 'sippar-player/custom-elements.json';
import pkg from 'sippar-player/package.json';

const player: SipparPlayer = document.createElement('sippar-player');
player.addEventListener('sippar-tick', (e) => { const d: SipparTickDetail = e.detail; log(`tick ${d.totalMicroAlgos}`); });
player.addEventListener('sippar-meter-state', (e) => { const d: SipparMeterStateDetail = e.detail; log(`meter ${d.state}`); });
player.addEventListener('sippar-auth-state', (e) => { const d: SipparAuthStateDetail = e.detail; log(`auth ${d.status}`); });
player.addEventListener('sippar-payment-state', (e) => { const d: SipparPaymentStateDetail = e.detail; log(`payment ${d.status}`); });
player.addEventListener('sippar-error', (e) => {
  const d: SipparErrorDetail = e.detail;
  // @ts-expect-error: a detail typed `any` would let this through
  const wrong: number = d.code;
  log(`error ${d.code} ${String(wrong)} ${SipparError.name}`);
});
player.src = new URLSearchParams(location.search).get('src') ?? '/media/basic/index.m3u8';
player.muted = true;
player.autoplay = true;
player.title = `${pkg.name} from ${manifest.schemaVersion ? 'its manifest' : '?'}`;
document.body.append(player);

function log(line: string): void {
  (window as unknown as { consumerLog: string[] }).consumerLog.push(line);
}
(window as unknown as { consumerLog: string[] }).consumerLog = [];
