import type { Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
import { html } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
// Produced by `npm run build` (custom-elements-manifest analyze); feeds the controls and docs tables.
import manifestJson from '../custom-elements.json';
import { argTypesFromDeclaration, customPropertyArgs, elementDeclaration, type Manifest } from './manifest-arg-types';
import { setNetworkRules, type NetworkRule } from './network';

const manifest = manifestJson as Manifest;
setCustomElementsManifest(manifest);

const preview: Preview = {
  // A Docs page for each component's stories, generated from custom-elements.json.
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true },
    layout: 'padded',
    docs: {
      extractArgTypes: (tagName: string) => {
        const declaration = elementDeclaration(manifest, tagName);
        return declaration ? argTypesFromDeclaration(declaration) : null;
      },
      extractComponentDescription: (tagName: string) => elementDeclaration(manifest, tagName)?.description,
    },
  },
  decorators: [
    (story, context) => {
      setNetworkRules(context.parameters.network as NetworkRule[] | undefined);
      // Custom properties inherit through the shadow root: a colour picked in Controls themes the player.
      const style = customPropertyArgs(context.args);
      return Object.keys(style).length ? html`<div style=${styleMap(style)}>${story()}</div>` : story();
    },
  ],
};
export default preview;
