import type { Preview } from '@storybook/web-components-vite';
import { setCustomElementsManifest } from '@storybook/web-components-vite';
// Produced by `npm run build` (custom-elements-manifest analyze); feeds the controls and docs tables.
import manifest from '../custom-elements.json';
import { setNetworkRules, type NetworkRule } from './network';

setCustomElementsManifest(manifest);

const preview: Preview = {
  parameters: {
    controls: { expanded: true },
    layout: 'padded',
  },
  decorators: [
    (story, context) => {
      setNetworkRules(context.parameters.network as NetworkRule[] | undefined);
      return story();
    },
  ],
};
export default preview;
