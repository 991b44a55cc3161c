// When a paid player's chunk and identity client load: not with the page, but when the viewer can
// need them (autoplay, reaching for the player, a stored session).
import { whenCommerceNeeded } from '../../src/commerce-timing.js';
import { sendMouse } from '@web/test-runner-commands';
import { check, equal, part, sleep, waitFor } from './helpers.js';

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

// The element itself: a paid player downloads neither its paid chunk nor the identity client until the
// viewer reaches for it, and then "Sign in" opens the identity window inside the click that asked for it.
describe('a paid player', () => {
  const paidRequests = () => performance.getEntriesByType('resource')
    .filter((r) => /\/src\/commerce\.ts|\/src\/identity\/|@dfinity/.test(r.name)).length;
  let open: typeof window.open;
  before(dropStoredSession);
  beforeEach(() => { open = window.open; });
  afterEach(() => {
    window.open = open;
    document.querySelectorAll('sippar-player').forEach((el) => el.remove());
  });

  it('loads no paid code before the viewer reaches for it; a press loads it; "Sign in" opens the window in that click', async () => {
    await import('../../src/index.js');
    const el = document.createElement('sippar-player');
    for (const [k, v] of Object.entries({ src: '/media/basic.mp4', rate: '0.001', muted: '', 'identity-provider': 'http://localhost:9/' })) el.setAttribute(k, v);
    document.body.append(el);
    // Not `updateComplete`: awaiting it is the page asking for the paid chunk.
    await waitFor(() => !!el.media, 'first render');
    await sleep(600);
    equal(paidRequests(), 0, 'paid or identity modules requested before any interaction');
    equal(el.identity, undefined, 'identity before any interaction');

    const rect = el.getBoundingClientRect();
    await sendMouse({ type: 'move', position: [Math.round(rect.x + rect.width / 2), Math.round(rect.y + rect.height / 2)] });
    await waitFor(() => !!part(el, 'login-button'), 'sign-in button once the viewer reached for the player');
    check(paidRequests() > 0, 'paid chunk requested after the pointer entered');
    await waitFor(() => el.identity?.controller.state.get().status === 'signed-out', 'identity client ready');

    const opened: boolean[] = [];
    window.open = () => { opened.push(navigator.userActivation.isActive); return null; };
    const button = part(el, 'login-button')!.getBoundingClientRect();
    await sendMouse({ type: 'click', position: [Math.round(button.x + button.width / 2), Math.round(button.y + button.height / 2)] });
    await waitFor(() => opened.length > 0, 'window.open called');
    equal(opened.join(), 'true', 'window.open called once, with the click\'s user activation');
  });

  it('loads at once, without any interaction, when a stored sign-in is there to restore', async () => {
    await new Promise<void>((resolve, reject) => {
      const db = indexedDB.open('auth-client-db');
      db.onsuccess = () => { db.result.close(); resolve(); };
      db.onerror = () => reject(db.error);
    });
    try {
      const el = document.createElement('sippar-player');
      for (const [k, v] of Object.entries({ src: '/media/basic.mp4', rate: '0.001', muted: '', 'identity-provider': 'http://localhost:9/' })) el.setAttribute(k, v);
      document.body.append(el);
      await waitFor(() => el.identity !== undefined, 'paid chunk loaded for a returning viewer');
    } finally {
      await dropStoredSession();
    }
  });
});
