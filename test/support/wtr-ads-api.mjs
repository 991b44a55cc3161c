// A test-runner plugin: browser tests reach the reference payment API with ad breaks and bidding agents
// (ads-api-fixture.ts, TypeScript loaded through tsx) by `executeServerCommand('ads-api:start', …)`.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

export function adsApiPlugin() {
  let fixture;
  return {
    name: 'ads-api',
    async executeCommand({ command, payload }) {
      if (!command.startsWith('ads-api:')) return undefined;
      fixture ??= import('tsx/esm/api').then(({ tsImport }) => tsImport(pathToFileURL(resolve('test/support/ads-api-fixture.ts')).href, import.meta.url));
      return (await fixture).command(command.slice('ads-api:'.length), payload);
    },
  };
}
