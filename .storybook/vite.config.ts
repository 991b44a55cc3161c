import { defineConfig } from 'vite';

// Storybook's own Vite config: the root vite.config.ts is the library build and must not apply here.
export default defineConfig({});
