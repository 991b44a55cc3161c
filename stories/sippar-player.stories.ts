import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/index';

// The element's public states, each reachable from attributes alone (and, for network states,
// from the per-story network rules in .storybook/network.ts). Streams come from media/, made by
// `npm run streams` and served by Storybook at /media.
interface PlayerArgs {
  src: string;
  poster?: string;
  muted: boolean;
  autoplay: boolean;
  lang?: string;
  title?: string;
  /** Set in Controls to see a free story turn paid (sign-in overlay first). */
  rate?: string;
  budget?: string;
  previewSeconds?: number;
}

const DEMO = '/media/demo/index.m3u8';
const BASIC = '/media/basic/index.m3u8';

const meta: Meta<PlayerArgs> = {
  title: 'Player/States',
  component: 'sippar-player',
  args: { src: DEMO, muted: true, autoplay: false },
  render: (a) => html`<sippar-player
    style="max-width: 640px"
    src=${a.src}
    lang=${ifDefined(a.lang)}
    poster=${ifDefined(a.poster)}
    ?muted=${a.muted}
    ?autoplay=${a.autoplay}
    title=${ifDefined(a.title)}
    rate=${ifDefined(a.rate)}
    budget=${ifDefined(a.budget)}
    preview-seconds=${ifDefined(a.previewSeconds)}
  ></sippar-player>`,
};
export default meta;
type Story = StoryObj<PlayerArgs>;

/** A play function that waits until every player in the story shows `part` (an overlay of that state). */
const showsPart = (part: string) => async ({ canvasElement }: { canvasElement: HTMLElement }) => {
  const end = Date.now() + 20_000;
  const players = () => [...canvasElement.querySelectorAll('sippar-player')];
  while (!players().every((p) => p.shadowRoot?.querySelector(`[part~="${part}"]`))) {
    if (Date.now() > end) throw new Error(`no [part~="${part}"] after 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** A free video: no rate, so no sign-in and no meter; the 60 s demo stream. */
export const FreeVideo: Story = {};

/** The 10 s test stream, autoplaying muted (the browser policy allows muted autoplay). */
export const FreeVideoAutoplay: Story = {
  args: { src: BASIC, autoplay: true },
  play: async ({ canvasElement }) => {
    const p = canvasElement.querySelector('sippar-player')!;
    const end = Date.now() + 20_000;
    while (p.currentTime < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  },
};

/** The playlist request never answers: the player stays in its loading state. */
export const Loading: Story = {
  args: { src: '/media/demo/index.m3u8?story=loading', autoplay: true },
  parameters: { network: [{ match: 'story=loading', action: 'hang' }] },
  play: showsPart('loading'),
};

/** The playlist answers 404: a fatal playback error the viewer can read. */
export const ErrorNotFound: Story = { args: { src: '/media/does-not-exist/index.m3u8', autoplay: true }, play: showsPart('error') };

/** Segment 1 of this stream is garbage: a media (decode) error after the first segment plays. */
export const ErrorBrokenSegment: Story = {
  args: { src: '/media/broken/index.m3u8', autoplay: true },
  // Past the broken segment (2–4 s), where the player has said what it skipped.
  play: async ({ canvasElement }) => {
    const p = canvasElement.querySelector('sippar-player')!;
    const end = Date.now() + 20_000;
    while (p.currentTime < 4.5 && !p.shadowRoot?.querySelector('[part~="error"]') && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  },
};

/** The stream declares HEVC, which Chromium cannot play through MSE. */
export const ErrorUnsupportedCodec: Story = { args: { src: '/media/unsupported/index.m3u8', autoplay: true }, play: showsPart('error') };

/**
 * The connection drops: every request for the stream fails at the network level (status 0). Once
 * hls.js's own retries are spent (a second or two for the playlist), the player shows that it is
 * reconnecting and retries with backoff instead of giving up.
 */
export const Reconnecting: Story = {
  args: { src: '/media/demo/index.m3u8?story=offline', autoplay: true },
  parameters: { network: [{ match: 'story=offline', action: 'offline' }] },
  play: showsPart('reconnecting'),
};

/** English and French: the element follows the lang attribute (its own or its nearest ancestor's). */
export const LocaleEnglish: Story = { args: { lang: 'en' } };
export const LocaleFrench: Story = {
  args: { lang: 'fr' },
  render: (a) => html`<div lang="fr">
    <sippar-player style="max-width: 640px" src=${a.src} lang="fr" ?muted=${a.muted}></sippar-player>
  </div>`,
};
export const LocaleFrenchError: Story = {
  args: { lang: 'fr', src: '/media/does-not-exist/index.m3u8', autoplay: true },
  play: showsPart('error'),
};

