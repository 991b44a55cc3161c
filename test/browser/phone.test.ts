// The control bar follows the player's own width, not the viewport's: a 375 px player on this 800 px page
// gets the compact bar and its settings menu, and the wide bar comes back when the player widens. The
// touch journey at 375x740 is test/e2e/phone.spec.ts; here the mouse and the keyboard.
import type { SipparPlayer } from '../../src/index.js';
import { check, equal, mount, part, sleep, waitFor } from './helpers.js';

describe('controls by the player\'s width', () => {
  let box: HTMLDivElement;
  let el: SipparPlayer;
  beforeEach(async () => {
    box = document.createElement('div');
    box.style.width = '375px';
    document.body.append(box);
    el = await mount({ src: '/media/basic.mp4', muted: true, loop: true }, box);
    await waitFor(() => el.duration > 0 && !!part(el, 'controls'), 'metadata and controls');
  });
  afterEach(() => box.remove());

  it('a narrow player on a wide page: settings menu instead of speed, volume and PiP; wide again when it grows', async () => {
    check(window.innerWidth > 480, `viewport ${window.innerWidth} is wide`);
    await waitFor(() => !!part(el, 'settings-button'), 'settings button');
    equal(part(el, 'rate'), null, 'no rate select in the compact bar');
    equal(part(el, 'volume'), null, 'no volume slider in the compact bar');
    const settings = part(el, 'settings-button')!;
    equal(settings.getAttribute('aria-expanded'), 'false', 'closed');
    settings.click();
    await el.updateComplete;
    equal(settings.getAttribute('aria-expanded'), 'true', 'open');
    const menu = part(el, 'menu')!;
    equal(menu.getAttribute('role'), 'menu', 'role');
    equal(menu.querySelectorAll('[role="menuitemradio"]').length, 11, 'six speeds and five volume steps');
    (menu.querySelector('[role="menuitemradio"]') as HTMLElement).click(); // 0.5×
    equal(el.playbackRate, 0.5, 'speed from the menu');
    box.style.width = '640px';
    await waitFor(() => !!part(el, 'rate'), 'wide bar back');
    equal(part(el, 'settings-button'), null, 'no settings button when wide');
    equal(part(el, 'menu'), null, 'the menu closes with the compact bar');
    equal((part(el, 'rate') as HTMLSelectElement).value, '0.5', 'the select shows the speed chosen in the menu');
  });

  it('mouse: hidden while playing with the mouse away, shown on a move, hidden again after idle time, kept while paused', async function () {
    this.timeout(15_000);
    el.play();
    await waitFor(() => !el.paused, 'playing');
    await waitFor(() => el.hasAttribute('data-controls-hidden'), 'hidden with the mouse elsewhere');
    el.dispatchEvent(new PointerEvent('pointermove', { pointerType: 'mouse', bubbles: true, composed: true }));
    equal(el.hasAttribute('data-controls-hidden'), false, 'shown on a mouse move');
    await sleep(1000);
    equal(el.hasAttribute('data-controls-hidden'), false, 'still shown within the idle time');
    await waitFor(() => el.hasAttribute('data-controls-hidden'), 'hidden after idle time', 5000);
    el.pause();
    await waitFor(() => el.paused, 'paused');
    await sleep(3000);
    equal(el.hasAttribute('data-controls-hidden'), false, 'kept while paused');
    check(!!part(el, 'center-play'), 'centre play button while paused');
  });

  it('a keyboard focus ring inside keeps the controls; Escape closes the menu and focus returns', async function () {
    this.timeout(15_000);
    const settings = part(el, 'settings-button')!;
    settings.focus();
    settings.click();
    await el.updateComplete;
    await waitFor(() => el.shadowRoot!.activeElement?.getAttribute('role') === 'menuitemradio', 'focus in the menu');
    el.shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true, cancelable: true }));
    await el.updateComplete;
    equal(part(el, 'menu'), null, 'Escape closed the menu');
    equal(el.shadowRoot!.activeElement === settings, true, 'focus back on the settings button');
  });
});
