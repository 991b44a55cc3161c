import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { serveStatic } from './static-server';
// @ts-expect-error: plain ESM helper shared with the other runners
import { makeAdCreative } from '../../test/support/ad-fixtures.mjs';

// Builds Storybook once (static, offline, a few seconds) and serves it for the story tests.
// STORYBOOK_STATIC_READY=1 skips the build when storybook-static/ is already fresh.
export default async function setup(project: TestProject) {
  // The ads stories' title, asset lists and creative under media/ (copied into the static build).
  makeAdCreative();
  if (process.env.STORYBOOK_STATIC_READY !== '1') {
    execFileSync('node_modules/.bin/storybook', ['build', '-o', 'storybook-static', '--quiet'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1' },
    });
  }
  const server = await serveStatic('storybook-static');
  project.provide('storybookUrl', server.url);
  return () => server.close();
}

declare module 'vitest' {
  export interface ProvidedContext { storybookUrl: string }
}
