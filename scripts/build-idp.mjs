#!/usr/bin/env node
// Builds the local identity provider (demo/idp) into dist-demo/idp/ as static files:
// external module script only, so the page runs under CSP script-src 'self'.
import { build } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../demo/idp/', import.meta.url));
const outDir = fileURLToPath(new URL('../dist-demo/idp/', import.meta.url));

await build({
  root,
  base: './',
  logLevel: 'warn',
  configFile: false,
  build: { outDir, emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } },
});
console.log('built dist-demo/idp/');
