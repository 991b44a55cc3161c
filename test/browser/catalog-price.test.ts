// The element and the platform's catalog (protocol v3): the catalog's price is what the viewer sees and
// what is billed; a page price that differs stops playback with a visible, localised message and an event
// rather than charging another price; a page with api + content-id and no rate is priced by the catalog;
// a title the catalog does not sell does not play.
import '../../src/index.js';
import type { SipparPlayer } from '../../src/sippar-player.js';
import type { CatalogService } from '../../src/config/price-source.js';
import { PaymentApiError } from '../../src/payments/api-client.js';
import { check, equal, part, waitFor } from './helpers.js';

const PRICE = { contentId: 'catalog-film', title: 'Catalog film', rateMicroAlgos: 2_000, previewSeconds: 7 };

/** A catalog in the page; `asked` counts the lookups. */
function catalog(answer: 'ok' | 'unknown' = 'ok') {
  const c = {
    asked: 0,
    content: async (id: string) => {
      c.asked++;
      if (answer === 'unknown' || id !== PRICE.contentId) throw new PaymentApiError(404, 'UNKNOWN_CONTENT', `no title ${id}`);
      return PRICE;
    },
  } satisfies CatalogService & { asked: number };
  return c;
}

async function player(attrs: Record<string, string>, service = catalog()): Promise<{ el: SipparPlayer; errors: Array<{ code: string; message: string }> }> {
  const el = document.createElement('sippar-player') as SipparPlayer;
  for (const [k, v] of Object.entries({ lang: 'en', ...attrs })) el.setAttribute(k, v);
  el.services = { catalog: service, locks: null };
  el.muted = true;
  el.src = '/media/basic/index.m3u8';
  const errors: Array<{ code: string; message: string }> = [];
  el.addEventListener('sippar-error', (e) => errors.push((e as CustomEvent).detail));
  document.body.append(el);
  await el.updateComplete;
  return { el, errors };
}

const text = (el: SipparPlayer, name: string) => part(el, name)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const overlayCode = (el: SipparPlayer) => el.shadowRoot?.querySelector('[part~="error"][data-code]')?.getAttribute('data-code') ?? '';

describe('the catalog price', () => {
  afterEach(() => document.querySelectorAll('sippar-player').forEach((p) => p.remove()));

  it('shows the catalog’s price and preview when the page expects the same price', async () => {
    const { el } = await player({ rate: '0.002', 'preview-seconds': '3', 'content-id': 'catalog-film', api: 'https://pay.example' });
    await waitFor(() => text(el, 'counter') === '0.002 ALGO / second · 7 s free', `counter (${text(el, 'counter')})`);
    equal(el.blockers.join(','), '', 'nothing blocks');
  });

  it('no rate, but api + content-id: priced by the catalog', async () => {
    const service = catalog();
    const { el } = await player({ 'content-id': 'catalog-film', api: 'https://pay.example' }, service);
    await waitFor(() => text(el, 'counter') === '0.002 ALGO / second · 7 s free', `counter (${text(el, 'counter')})`);
    equal(service.asked, 1, 'one lookup');
    equal(el.meter?.store.get().rateMicroAlgos, 2_000, 'the meter counts at the catalog rate');
  });

  it('a page price that differs: a visible error (PRICE_MISMATCH), an event, nothing plays', async () => {
    const { el, errors } = await player({ rate: '0.001', 'content-id': 'catalog-film', api: 'https://pay.example' });
    await waitFor(() => overlayCode(el) === 'PRICE_MISMATCH', `overlay (${overlayCode(el)})`);
    equal(el.blockers[0], 'price', 'the price blocker');
    check(errors.some((e) => e.code === 'PRICE_MISMATCH' && /another price/.test(e.message)), `event (${JSON.stringify(errors)})`);
    await el.play().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    check(el.paused, 'it stays paused');
    equal(el.payments?.state.status, 'idle', 'nothing was started or charged');
  });

  it('in French, and for a title the catalog does not sell (UNKNOWN_CONTENT)', async () => {
    const { el } = await player({ lang: 'fr', rate: '0.001', 'content-id': 'catalog-film', api: 'https://pay.example' });
    await waitFor(() => overlayCode(el) === 'PRICE_MISMATCH', 'overlay');
    const message = el.shadowRoot!.querySelector('[part~="error-message"]')!.textContent!;
    check(/autre prix/.test(message), `French message (${message})`);
    el.remove();
    const { el: other, errors } = await player({ rate: '0.002', 'content-id': 'not-sold', api: 'https://pay.example' }, catalog('unknown'));
    await waitFor(() => overlayCode(other) === 'UNKNOWN_CONTENT', 'unknown overlay');
    check(errors.some((e) => e.code === 'UNKNOWN_CONTENT'), 'event');
  });
});
