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
        --sippar-foreground: #fafafa;
        --sippar-background: #111318;
        --sippar-radius: 16px;
        --sippar-font-family: Georgia, serif;
        background: #111318;
        color: #fafafa;
        padding: 16px;
      }
      .theme-dark sippar-player::part(video) { border-radius: 16px; }
      .theme-dark sippar-player::part(controls) { background: rgb(17 19 24 / 85%); }
    </style>
    <div class="theme-dark">
      <sippar-player style="max-width: 640px" src=${SRC} muted></sippar-player>
    </div>`,
};

export const BrandLight: Story = {
  render: () => html`
    <style>
      .theme-brand {
        --sippar-accent: #0b5fff;
        --sippar-foreground: #10162f;
        --sippar-background: #ffffff;
        --sippar-radius: 4px;
      }
      .theme-brand sippar-player::part(video) { outline: 3px solid #0b5fff; }
    </style>
    <div class="theme-brand">
      <sippar-player style="max-width: 640px" src=${SRC} muted></sippar-player>
    </div>`,
};
