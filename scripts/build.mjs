#!/usr/bin/env node
// npm run build: ES module + classic-script loader + type declarations + custom-elements manifest.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const bin = (name) => `node_modules/.bin/${name}`;

rmSync('dist', { recursive: true, force: true });
run(bin('vite'), ['build', '--logLevel', 'warn']);
run(bin('vite'), ['build', '--mode', 'loader', '--logLevel', 'warn']);
run(bin('tsc'), ['-p', 'tsconfig.build.json']);
// Hand-written: the React JSX typings need @types/react, which only React projects have.
copyFileSync('types/react.d.ts', 'dist/types/react.d.ts');
run(bin('custom-elements-manifest'), ['analyze', '--litelement', '--globs', 'src/sippar-player.ts', '--outdir', '.', '--quiet']);
console.log('built dist/ and custom-elements.json');
