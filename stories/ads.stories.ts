import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/index';
import type { SipparPlayer } from '../src/sippar-player';
import type { MediaWithAds } from '../src/ads/ad-break';
import { FAKE_API, fakePaymentApi } from './support/fake-payment-api';
import { freshPageFor, signInReturningViewer } from './support/viewer-session';

// A paid title with an ad break (docs/ADS.md), in the real element with hls.js's full build: a signed-in
// viewer, the fake payment API of the paid stories, and a title whose break's asset list is a static file
// answered as the API's auction would (media/test-ad/, made by test/support/ad-fixtures.mjs with the test
// streams). Play functions drive the element to its state; nothing is drawn by hand.

interface AdArgs {
  src: string;
  previewSeconds: string;
}

type Player = SipparPlayer & HTMLElement;
type FakeApi = ReturnType<typeof fakePaymentApi>;

function adTitle(api: FakeApi) {
  return (a: AdArgs) => html`<sippar-player
    style="max-width: 640px"
    src=${a.src}
    muted
    autoplay
    rate="0.001"
    preview-seconds=${a.previewSeconds}
    content-id="story-film"
    api=${FAKE_API}
    identity-provider="https://identity.invalid/"
    .services=${api.services()}
  ></sippar-player>`;
}

const player = (canvas: HTMLElement) => canvas.querySelector('sippar-player') as Player;
const adState = (p: Player) => (p.media as MediaWithAds | null)?.sipparAdBreak?.state.get();

async function until(what: string, check: () => boolean, ms = 25_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function setUp(api: FakeApi) {
  return async ({ id }: { id: string }) => {
    await freshPageFor(id);
    api.reset();
    await signInReturningViewer();
  };
}

const meta: Meta<AdArgs> = {
  title: 'Player/Ads',
  component: 'sippar-player',
  args: { src: '/media/test-ad/preroll.m3u8', previewSeconds: '0' },
  // Each story reloads its frame (freshPageFor), as the paid stories do.
  tags: ['!autodocs'],
};
export default meta;
type Story = StoryObj<AdArgs>;

const prerollApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
/** The pre-roll an advertiser's agent won: the counter says the viewer is not charged, and by whom. */
export const AdPlaying: Story = {
  render: adTitle(prerollApi),
  parameters: { network: prerollApi.network },
  beforeEach: setUp(prerollApi),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('the ad on screen', () => adState(p)?.status === 'playing' && (p.media?.currentTime ?? 0) > 0.3);
  },
};

const afterPreviewApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
/** A mid-roll at 4 s, after a 3 s free preview: the ad plays, nothing is billed for it. */
export const AdAfterPreview: Story = {
  args: { src: '/media/test-ad/midroll.m3u8', previewSeconds: '3' },
  render: adTitle(afterPreviewApi),
  parameters: { network: afterPreviewApi.network },
  beforeEach: setUp(afterPreviewApi),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('the mid-roll on screen', () => adState(p)?.status === 'playing' && (p.meter?.store.get().previewUsed ?? 0) >= 3);
  },
};

const noFillApi = fakePaymentApi({ balanceMicroAlgos: 5_000_000 });
/** No agent's bid was eligible (an empty asset list): the title plays from its start, billed as usual. */
export const NoFill: Story = {
  args: { src: '/media/test-ad/nofill.m3u8' },
  render: adTitle(noFillApi),
  parameters: { network: noFillApi.network },
  beforeEach: setUp(noFillApi),
  play: async ({ canvasElement }) => {
    const p = player(canvasElement);
    await until('the title billed past the unfilled break', () => (p.meter?.store.get().billedSeconds ?? 0) >= 1);
    if (adState(p)?.status !== 'none') throw new Error('an unfilled break shows no ad');
  },
};
