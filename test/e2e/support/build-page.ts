// Builds a test page (an index.html and its module entry) with Vite into static files, so e2e specs
// serve real production output (split chunks, no dev server) from a static server.
import { build } from 'vite';
import { resolve } from 'node:path';

export async function buildPage(root: string, outDir: string): Promise<void> {
  await build({
    root: resolve(root),
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir: resolve(outDir), emptyOutDir: true, target: 'es2022', minify: true,
      modulePreload: { polyfill: false }, chunkSizeWarningLimit: 4096,
    },
  });
}
