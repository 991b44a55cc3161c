// One <sippar-player> across a phone's width. With ?paid=in (or ?paid=out) it sells the video: a returning
// viewer's stored auth-client session (or none), which the element restores as after a reload, and the
// stories' fake payment API (the server's own ledger rules in the page): the counter, the signed-in badge
// and the sign-in dialog are the real ones.
import '../../../../src/index.js';
import type { SipparPlayer } from '../../../../src/sippar-player.js';
import { FAKE_API, fakePaymentApi } from '../../../../stories/support/fake-payment-api.js';
import { signInReturningViewer, signOutViewer } from '../../../../stories/support/viewer-session.js';

const q = new URLSearchParams(location.search);
const el = document.createElement('sippar-player') as SipparPlayer;
el.setAttribute('src', q.get('src') ?? '/media/demo/index.m3u8');
el.setAttribute('title', 'Phone player');
// Buffers like a page whose video is the point of the visit: the duration and first frame are known before
// play (the default, `preload="metadata"`, fetches only the manifest until play).
el.setAttribute('preload', 'auto');
el.muted = true;

const paid = q.get('paid');
if (paid) {
  const api = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
  // The identity's whoami (/viewer) goes through the page's fetch.
  const real = window.fetch.bind(window);
  window.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return url.startsWith(FAKE_API) ? api.network[0]!.respond(url, init) : real(input, init);
  };
  await (paid === 'in' ? signInReturningViewer('phone') : signOutViewer());
  for (const [k, v] of Object.entries({ rate: '0.001', 'content-id': 'phone-film', api: FAKE_API, 'identity-provider': 'https://identity.invalid/', 'preview-seconds': q.get('preview') ?? '0' })) el.setAttribute(k, v);
  el.services = api.services();
}

document.body.append(el);
await el.updateComplete;
declare global { interface Window { player: SipparPlayer } }
window.player = el;
document.body.dataset.ready = 'true';
