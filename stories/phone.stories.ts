import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/index';
import type { SipparPlayer } from '../src/sippar-player';
import { FAKE_API, fakePaymentApi } from './support/fake-payment-api';
import { freshPageFor, signInReturningViewer } from './support/viewer-session';

// The player 375 px wide, as on a phone held upright. The bar follows the player's own width (not the
// viewport's), so a fixed-width wrapper is all it takes: below 480 px speed, volume and picture-in-picture
// move into the settings menu, every target is 44 px, and a large play button sits over the paused picture.

interface PhoneArgs { width: number }
type Player = SipparPlayer & HTMLElement;

const DEMO = '/media/demo/index.m3u8';
const player = (canvas: HTMLElement) => canvas.querySelector('sippar-player') as Player;
const shadowPart = (p: Player, name: string) => p.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;

async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const openMenu = async ({ canvasElement }: { canvasElement: HTMLElement }) => {
  const p = player(canvasElement);
  await until('settings button', () => !!shadowPart(p, 'settings-button'));
  shadowPart(p, 'settings-button')!.click();
  await until('settings menu', () => !!shadowPart(p, 'menu'));
};

const meta: Meta<PhoneArgs> = {
  title: 'Player/Phone',
  component: 'sippar-player',
  args: { width: 375 },
  // No Docs page: the paid story reloads its frame (freshPageFor), which a page of all stories cannot do.
  tags: ['!autodocs'],
  render: (a) => html`<div style="width: ${a.width}px"><sippar-player src=${DEMO} muted title="Phone player"></sippar-player></div>`,
};
export default meta;
type Story = StoryObj<PhoneArgs>;

/** Paused, 375 px wide: the compact bar (play, mute, time, settings, full screen) and the centre play button. */
export const Paused: Story = {
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('compact bar', () => !!shadowPart(p, 'settings-button') && !!shadowPart(p, 'center-play'));
  },
};

/** The settings menu open: playback speed, volume steps and picture-in-picture, inside the player. */
export const SettingsMenu: Story = { play: openMenu };

const api = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
/**
 * A paid video, signed in: the badge (principal, address) gives way to the counter at this width; both
 * hide and show with the controls while playing. Here with the settings menu open, over them.
 */
export const PaidSignedIn: Story = {
  render: (a) => html`<div style="width: ${a.width}px"><sippar-player src=${DEMO} muted title="Phone player" rate="0.001"
    preview-seconds="0" content-id="story-film" api=${FAKE_API} identity-provider="https://identity.invalid/"
    .services=${api.services()}></sippar-player></div>`,
  parameters: { network: api.network },
  beforeEach: async ({ id }) => {
    await freshPageFor(id);
    api.reset();
    await signInReturningViewer();
  },
  play: async (ctx) => {
    const p = player(ctx.canvasElement);
    await until('signed in with address', () => !!p.identity?.controller.state.get().algorandAddress && !!shadowPart(p, 'counter'));
    await openMenu(ctx);
  },
};
