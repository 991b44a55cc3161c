import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/index';

// Theming from the outside, the two ways a platform has: CSS custom properties (inherited through
// the shadow root) and ::part() for the parts the element exposes. The custom properties and parts
// the element documents are listed in custom-elements.json (and in this story's Docs tab).
const meta: Meta = {
  title: 'Player/Themes',
  component: 'sippar-player',
};
export default meta;
type Story = StoryObj;

const SRC = '/media/demo/index.m3u8';

export const Default: Story = {
  render: () => html`<sippar-player style="max-width: 640px" src=${SRC} muted></sippar-player>`,
};

export const DarkRounded: Story = {
  render: () => html`
    <style>
      .theme-dark {
        --sippar-accent: #f5b700;
        --sippar-controls-fg: #fafafa;
        --sippar-controls-bg: rgb(17 19 24 / 85%);
        --sippar-radius: 16px;
        --sippar-font: Georgia, serif;
        background: #111318;
        color: #fafafa;
        padding: 16px;
      }
      .theme-dark sippar-player::part(video) { border-radius: 16px; }
      .theme-dark sippar-player::part(play-button) { border-radius: 50%; }
    </style>
    <div class="theme-dark">
      <sippar-player style="max-width: 640px" src=${SRC} muted></sippar-player>
    </div>`,
};

/** A theme that also reaches the error overlay through ::part(error) and ::part(error-message). */
export const ThemedError: Story = {
  render: () => html`
    <style>
      .theme-error { --sippar-accent: #ff8fb8; --sippar-radius: 12px; }
      .theme-error sippar-player::part(error) { background: #2b0b17; }
      .theme-error sippar-player::part(error-message) { font-weight: 600; color: #ffffff; }
    </style>
    <div class="theme-error">
      <sippar-player style="max-width: 640px" src="/media/does-not-exist/index.m3u8" muted autoplay></sippar-player>
    </div>`,
  play: async ({ canvasElement }) => {
    const end = Date.now() + 20_000;
    while (!canvasElement.querySelector('sippar-player')?.shadowRoot?.querySelector('[part~="error"]') && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
    }
  },
};

export const BrandLight: Story = {
  render: () => html`
    <style>
      .theme-brand {
        --sippar-accent: #3d8bff;
        --sippar-controls-fg: #10162f;
        --sippar-controls-bg: rgb(255 255 255 / 92%);
        --sippar-radius: 4px;
        --sippar-font: system-ui, sans-serif;
      }
      .theme-brand sippar-player::part(video) { outline: 3px solid #3d8bff; }
      .theme-brand sippar-player::part(controls) { border-top: 1px solid #3d8bff; }
    </style>
    <div class="theme-brand">
      <sippar-player style="max-width: 640px" src=${SRC} muted></sippar-player>
    </div>`,
};
