import type { StorybookConfig } from '@storybook/web-components-vite';

// No phoning home: the static build must work offline and in CI.
process.env.STORYBOOK_DISABLE_TELEMETRY = '1';

const config: StorybookConfig = {
  framework: { name: '@storybook/web-components-vite', options: {} },
  stories: ['../stories/**/*.stories.ts'],
  // Docs pages (autodocs, tags in preview.ts) with the argument tables read from custom-elements.json.
  addons: ['@storybook/addon-docs'],
  // /media holds the generated test streams (scripts/make-streams.mjs); stories play them from there.
  staticDirs: [{ from: '../media', to: '/media' }],
  core: {
    disableTelemetry: true,
    disableWhatsNewNotifications: true,
    // The repository's vite.config.ts is a library build (build.lib) that would turn the Storybook
    // build into a library; Storybook gets its own, empty one.
    builder: { name: '@storybook/builder-vite', options: { viteConfigPath: '.storybook/vite.config.ts' } },
  },
};
export default config;
