import { defineConfig } from 'vite';
import { ssrSafeLit } from './scripts/build/ssr-safe-lit.js';
import { preloadList } from './scripts/preload-list.mjs';
import { hlsLightFromSource } from './scripts/build/hls-light-from-source.js';
import { compileHint } from './scripts/build/compile-hints.js';

// Two library builds for platforms:
//  - `es` (default): dist/sippar-player.js, the element as an ES module; hls.js, the auth client
//    and algosdk stay in dist/chunks/ and load by dynamic import only when needed, from the same place.
//  - `loader`: dist/sippar-player.iife.js, a classic script of a few hundred bytes that imports the
//    ES module beside it, because a classic (IIFE) bundle cannot split chunks and would carry hls.js.
export default defineConfig(({ mode }) => {
  const loader = mode === 'loader';
  return {
    // Library mode leaves process.env alone; nanostores reads NODE_ENV, and a browser has no process.
    define: {
      'process.env.NODE_ENV': JSON.stringify('production'),
      // The loader's modulepreload list, from the ES build that precedes it (scripts/preload-list.mjs).
      ...(loader ? { __SIPPAR_PRELOAD__: JSON.stringify(preloadList()) } : {}),
    },
    // Importing the built package in Node (SSR) must not throw: see scripts/build/ssr-safe-lit.ts.
    // hls.js light compiled from its published sources for ES2022: see scripts/build/hls-light-from-source.ts.
    plugins: [ssrSafeLit(), hlsLightFromSource()],
    build: {
      target: 'es2022',
      outDir: 'dist',
      emptyOutDir: false,
      // Maps stay in dist/ for debugging a build, without a sourceMappingURL comment, and out of
      // the npm package (package.json "files"): they were 80 % of its unpacked size.
      sourcemap: 'hidden',
      // The bundled libraries' licences (Lit, hls.js, @dfinity, algosdk, …) in one file, shipped.
      license: loader ? false : { fileName: 'THIRD-PARTY-NOTICES.md' },
      minify: true,
      lib: loader
        ? { entry: 'src/loader.ts', formats: ['iife'], name: 'SipparPlayerLoader', fileName: () => 'sippar-player.iife.js' }
        : { entry: 'src/index.ts', formats: ['es'], fileName: () => 'sippar-player.js' },
      rollupOptions: {
        preserveEntrySignatures: 'allow-extension',
        // Vite leaves ES library output unminified (whitespace, names); rolldown's own minifier
        // halves the gzip size of the bundle and of the hls.js chunks.
        // The first frame's files are compiled off the main thread: scripts/build/compile-hints.ts.
        output: { chunkFileNames: 'chunks/[name]-[hash].js', minify: true, ...(loader ? {} : { postBanner: compileHint }) },
      },
    },
  };
});
