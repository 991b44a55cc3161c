import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/index';
import type { SipparPlayer } from '../src/sippar-player';
import { FAKE_API, fakePaymentApi } from './support/fake-payment-api';
import { freshPageFor, signInReturningViewer, signOutViewer } from './support/viewer-session';

// A paid video (rate="0.001": 0.001 ALGO per second) in each state of selling it, with no server:
// the viewer's session is the one @dfinity/auth-client stores after a sign-in (made in the page,
// stories/support/viewer-session.ts), and the payment API is a fake behind the element's own client
// (`player.services`, stories/support/fake-payment-api.ts). Play functions drive the real element to
// its state and wait there; nothing is drawn by hand.

interface PaidArgs {
  rate: string;
  previewSeconds: string;
  budget?: string;
  graceSeconds?: string;
  autoplay: boolean;
}

type Player = SipparPlayer & HTMLElement;
type FakeApi = ReturnType<typeof fakePaymentApi>;

const DEMO = '/media/demo/index.m3u8';

function paid(api: FakeApi) {
  return (a: PaidArgs) => html`<sippar-player
    style="max-width: 640px"
    src=${DEMO}
    muted
    ?autoplay=${a.autoplay}
    rate=${a.rate}
    preview-seconds=${a.previewSeconds}
    budget=${ifDefined(a.budget)}
    grace-seconds=${ifDefined(a.graceSeconds)}
    content-id="story-film"
    api=${FAKE_API}
    identity-provider="https://identity.invalid/"
    .services=${api.services()}
  ></sippar-player>`;
}

const player = (canvas: HTMLElement) => canvas.querySelector('sippar-player') as Player;

/** Resolves when `check` is true, polling; fails the play function after `ms`. */
async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const authStatus = (p: Player) => p.identity?.controller.state.get().status;
const signInButton = (p: Player) => p.shadowRoot?.querySelector<HTMLButtonElement>('[part~="login-button"]') ?? null;

// Stands in for the browser's answer to window.open during one story: `null` is a blocked window;
// a window-like object that never answers is an identity provider still showing its page.
function stubWindowOpen(result: () => Window | null) {
  return () => {
    const real = window.open;
    window.open = () => result();
    return () => { window.open = real; };
  };
}
const idpStillOpen = () => ({ closed: false, close() {}, focus() {}, postMessage() {} }) as unknown as Window;

/** Before each render: a fresh page in the Storybook UI, the fake API reset, the viewer's session, stubs. */
function setUp(api: FakeApi, session: () => Promise<unknown>, stub?: () => () => void) {
  return async ({ id }: { id: string }) => {
    await freshPageFor(id);
    api.reset();
    await session();
    return stub?.();
  };
}

const meta: Meta<PaidArgs> = {
  title: 'Player/Paid',
  component: 'sippar-player',
  args: { rate: '0.001', previewSeconds: '0', autoplay: false },
  // No Docs page of its own: each paid story reloads its frame (freshPageFor), which a page showing
  // them all at once cannot do. The element's Docs page is under Player/States; Controls work here.
  tags: ['!autodocs'],
};
export default meta;
type Story = StoryObj<PaidArgs>;

const signedOutApi = fakePaymentApi({ balanceMicroAlgos: 1_000_000 });
/** The free preview is used up (here: none): the sign-in dialog over the paused picture. */
export const SignedOut: Story = {
  render: paid(signedOutApi),
  parameters: { network: signedOutApi.network },
  beforeEach: setUp(signedOutApi, signOutViewer),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('signed-out', () => authStatus(p) === 'signed-out');
  },
};

const signingInApi = fakePaymentApi({ balanceMicroAlgos: 1_000_000 });
/** The viewer pressed "Sign in": the Internet Identity window is open and the dialog waits for it. */
export const SigningIn: Story = {
  render: paid(signingInApi),
  parameters: { network: signingInApi.network },
  beforeEach: setUp(signingInApi, signOutViewer, stubWindowOpen(idpStillOpen)),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('sign-in button', () => authStatus(p) === 'signed-out' && !!signInButton(p));
    signInButton(p)!.click();
    await until('signing-in', () => authStatus(p) === 'signing-in');
  },
};

const blockedApi = fakePaymentApi({ balanceMicroAlgos: 1_000_000 });
/** The browser blocked the sign-in window: the dialog says so and offers to try again. */
export const WindowBlocked: Story = {
  render: paid(blockedApi),
  parameters: { network: blockedApi.network },
  beforeEach: setUp(blockedApi, signOutViewer, stubWindowOpen(() => null)),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('sign-in button', () => authStatus(p) === 'signed-out' && !!signInButton(p));
    signInButton(p)!.click();
    await until('blocked', () => authStatus(p) === 'blocked');
  },
};

const readyApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
/** A returning viewer, signed in, with 5 ALGO: the badge and the price, ready to play. */
export const SignedInReady: Story = {
  render: paid(readyApi),
  parameters: { network: readyApi.network },
  beforeEach: setUp(readyApi, signInReturningViewer),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('signed in with address', () => !!p.identity?.controller.state.get().algorandAddress);
  },
};

const playingApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
/** Playing: the counter shows the time watched and what it has cost so far. */
export const PlayingWithCounter: Story = {
  args: { autoplay: true },
  render: paid(playingApi),
  parameters: { network: playingApi.network },
  beforeEach: setUp(playingApi, signInReturningViewer),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('2 billed seconds', () => (p.meter?.store.get().billedSeconds ?? 0) >= 2);
  },
};

const pausedApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
/** Paused after a few seconds: the counter shows the total. */
export const PausedWithTotal: Story = {
  args: { autoplay: true },
  render: paid(pausedApi),
  parameters: { network: pausedApi.network },
  beforeEach: setUp(pausedApi, signInReturningViewer),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('3 billed seconds', () => (p.meter?.store.get().billedSeconds ?? 0) >= 3);
    p.pause();
    await until('paused', () => p.meter?.store.get().status === 'paused');
  },
};

const nearBudgetApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
/**
 * Budget of 0.01 ALGO (10 seconds): at 90 % the counter turns to its warning look. The meter warns
 * only when a whole second still fits, so reaching it takes 9 billed seconds.
 */
export const NearBudget: Story = {
  args: { autoplay: true, budget: '0.01' },
  render: paid(nearBudgetApi),
  parameters: { network: nearBudgetApi.network },
  beforeEach: setUp(nearBudgetApi, signInReturningViewer),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('budget warning', () => p.meter?.store.get().budgetState === 'warning', 25_000);
    p.pause();
  },
};

const budgetApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
/** Budget of 0.002 ALGO spent: playback paused, and an offer to continue with the same again. */
export const BudgetReached: Story = {
  args: { autoplay: true, budget: '0.002' },
  render: paid(budgetApi),
  parameters: { network: budgetApi.network },
  beforeEach: setUp(budgetApi, signInReturningViewer),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('budget reached', () => p.meter?.store.get().budgetState === 'reached');
  },
};

const brokeApi = fakePaymentApi({ balanceMicroAlgos: 2_000 });
/** The balance covers two seconds: the API answers 402 and the player pauses, asking for a top-up. */
export const PaymentRequired: Story = {
  args: { autoplay: true },
  render: paid(brokeApi),
  parameters: { network: brokeApi.network },
  beforeEach: setUp(brokeApi, signInReturningViewer),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('402', () => p.payments?.state.status === 'insufficient-funds');
  },
};

const graceApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000, mode: 'unreachable' });
/** The payment API stopped answering: playback goes on for the grace period (here 60 s). */
export const ApiUnreachableGrace: Story = {
  args: { autoplay: true, graceSeconds: '60' },
  render: paid(graceApi),
  parameters: { network: graceApi.network },
  beforeEach: setUp(graceApi, signInReturningViewer),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('grace', () => p.payments?.state.status === 'grace');
  },
};

const unreachableApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000, mode: 'unreachable' });
/** Grace spent (here 2 s) with the API still silent: playback paused until it answers again. */
export const ApiUnreachablePaused: Story = {
  args: { autoplay: true, graceSeconds: '2' },
  render: paid(unreachableApi),
  parameters: { network: unreachableApi.network },
  beforeEach: setUp(unreachableApi, signInReturningViewer),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('paused, unreachable', () => p.payments?.state.status === 'paused-unreachable', 25_000);
  },
};

const lowApi = fakePaymentApi({ balanceMicroAlgos: 8_000 });
/** Signed in with a balance that pays for 8 s: a strip says so before it runs out, with a Top up button. */
export const LowBalance: Story = {
  render: paid(lowApi),
  parameters: { network: lowApi.network },
  beforeEach: setUp(lowApi, signInReturningViewer),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('low-balance strip', () => !!p.shadowRoot?.querySelector('[part~="topup"]'));
  },
};

const refusedApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
/** A price the player cannot read exactly ("1000" meant "0.001"): nothing plays, and the viewer reads why. */
export const PriceRefused: Story = {
  args: { rate: '1000' },
  render: paid(refusedApi),
  parameters: { network: refusedApi.network },
  beforeEach: setUp(refusedApi, async () => undefined),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('the refusal overlay', () => p.shadowRoot?.querySelector('[part~="error"]')?.getAttribute('data-code') === 'RATE_INVALID');
  },
};
