// When a paid player's chunk and identity client load: not with the page, but when the viewer can
// need them (autoplay, reaching for the player, a stored session).
import { whenCommerceNeeded } from '../../src/commerce-timing.js';
import { equal, sleep } from './helpers.js';

type Host = HTMLElement & { autoplay: boolean };
function host(autoplay = false): Host {
  const el = document.createElement('div') as unknown as Host;
  el.autoplay = autoplay;
  el.tabIndex = 0;
  document.body.append(el);
  return el;
}
const dropStoredSession = () => new Promise<void>((r) => { const del = indexedDB.deleteDatabase('auth-client-db'); del.onsuccess = del.onerror = del.onblocked = () => r(); });
const settled = async (p: Promise<void>) => { let done = false; void p.then(() => { done = true; }); await sleep(200); return done; };

describe('commerce timing', () => {
  // Test files share one origin: a session another file stored would count here.
  before(dropStoredSession);
  afterEach(() => { document.querySelectorAll('div').forEach((el) => el.remove()); });

  it('waits while nobody reaches for the player, then loads on a press', async () => {
    const el = host();
    const { needed } = whenCommerceNeeded(el);
    equal(await settled(needed), false, 'loaded before any interaction');
    el.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
    equal(await settled(needed), true, 'loaded after a press');
  });

  it('loads on focus and on play, at once with autoplay, and never after cancel', async () => {
    const focused = host();
    const a = whenCommerceNeeded(focused);
    focused.focus();
    equal(await settled(a.needed), true, 'loaded on focus');
    const played = host();
    const b = whenCommerceNeeded(played);
    played.dispatchEvent(new Event('play'));
    equal(await settled(b.needed), true, 'loaded on play');
    equal(await settled(whenCommerceNeeded(host(true)).needed), true, 'loaded with autoplay');
    const cancelled = host();
    const c = whenCommerceNeeded(cancelled);
    c.cancel();
    cancelled.dispatchEvent(new PointerEvent('pointerdown'));
    equal(await settled(c.needed), false, 'loaded after cancel');
  });

  it('loads when a stored Internet Identity session exists', async () => {
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('auth-client-db');
      open.onsuccess = () => { open.result.close(); resolve(); };
      open.onerror = () => reject(open.error);
    });
    try {
      equal(await settled(whenCommerceNeeded(host()).needed), true, 'loaded with a stored session');
    } finally {
      await dropStoredSession();
    }
  });
});
