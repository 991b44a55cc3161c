// hls.js light, built from the TypeScript sources hls.js publishes in its npm package (`src/`), with
// the switches and module substitutions of its own light build (its build-config.js: every optional
// feature off, the optional controllers replaced by an empty module). The code is hls.js's, unedited;
// only the compilation differs. Its dist files are compiled by Babel for old browsers (optional chaining
// and class fields lowered, helpers inlined, enums as objects); compiled here for ES2022 like the rest of
// this bundle, with enum members inlined across modules, the same code is 111.7 -> 106.8 KB gzip, which
// the first-frame budget needs (bench: size.mjs).
//
// Class fields keep the semantics of the dist files: Babel's output assigns every declared field,
// `undefined` when it has no initialiser, after super(); native ES2022 fields (TypeScript's
// useDefineForClassFields, the default without a tsconfig) do the same, and `tsc` finds no field in
// hls.js that would shadow an accessor (TS2610/2611), the one case where define and assign differ.
// This project's tsconfig (useDefineForClassFields: false, for Lit) is therefore not applied to them.
//
// Only the production build uses it (vite.config.ts); tests, Storybook and the dev server import the
// dist file through `hls.js/light` as before. The full build (subtitles) stays hls.js's dist file.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { rolldown, type Plugin as RolldownPlugin } from 'rolldown';
import { parseSync } from 'rolldown/utils';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('hls.js/package.json'));
const SRC = join(pkgDir, 'src');
const VERSION = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version as string;

/** Off in hls.js's light build; the same names as its define-plugin.d.ts. */
const FEATURES = ['ALT_AUDIO', 'EME_DRM', 'SUBTITLES', 'CMCD', 'CONTENT_STEERING', 'VARIABLE_SUBSTITUTION',
  'M2TS_ADVANCED_CODECS', 'MEDIA_CAPABILITIES', 'INTERSTITIALS', 'IFRAMES'];
const DEFINE: Record<string, string> = {
  __VERSION__: JSON.stringify(VERSION),
  ...Object.fromEntries(FEATURES.map((f) => [`__USE_${f}__`, 'false'])),
};
/** Modules the light build replaces by src/empty.js (relative to src/, without extension). */
const EMPTY = new Set([
  'controller/eme-controller', 'utils/mediakeys-helper', 'controller/cmcd-controller',
  'utils/cues', 'controller/timeline-controller', 'controller/subtitle-track-controller',
  'controller/subtitle-stream-controller', 'controller/audio-track-controller',
  'controller/audio-stream-controller', 'utils/variable-substitution', 'demux/audio/ac3-demuxer',
  'utils/mediacapabilities-helper', 'demux/video/hevc-video-parser', 'controller/interstitials-controller',
  'controller/iframe-controller',
  // As in its ES builds: the worker is a separate file there; here `enableWorker: false` (hls-session.ts).
  'demux/transmuxer-worker',
]);

const inSrc = (id: string) => id.startsWith(SRC + '/');
/** The chunk's name in dist/chunks (scripts/preload-list.mjs looks for it). */
const ENTRY = join(SRC, 'hls.light.js'); // virtual: the name gives the chunk its name
const EMPTY_PREFIX = '\0hls-empty:';

/**
 * What the light build's empty module stands for: every value the replaced module exports, undefined,
 * as an ES module (src/empty.js is CommonJS, which would bring a CommonJS interop helper along).
 */
function emptyModule(file: string): string {
  const names = new Set<string>();
  const { program } = parseSync(file, readFileSync(file, 'utf8'), { lang: 'ts' });
  for (const node of program.body as any[]) {
    if (node.type === 'ExportDefaultDeclaration') names.add('default');
    if (node.type !== 'ExportNamedDeclaration' || node.exportKind === 'type') continue;
    const d = node.declaration;
    if (d?.type === 'VariableDeclaration') for (const v of d.declarations) names.add(v.id.name);
    else if (d && /^(Function|Class)Declaration$|^TSEnumDeclaration$/.test(d.type) && !d.declare) names.add(d.id.name);
    for (const s of node.specifiers ?? []) if (s.exportKind !== 'type') names.add(s.exported.name);
  }
  const out = [...names].filter((n) => n !== 'default').map((n) => `export const ${n} = undefined;`);
  return [...out, 'export default undefined;'].join('\n');
}

/** hls.js's sources, substituted as its light build does (the bundler compiles them: `transform` below). */
const lightSources: RolldownPlugin = {
  name: 'sippar:hls-light-sources',
  resolveId(id, importer) {
    if (!importer || !inSrc(importer) || !id.startsWith('.')) return null;
    const target = resolve(dirname(importer), id).replace(/\.(ts|js)$/, '');
    return EMPTY.has(target.slice(SRC.length + 1)) ? EMPTY_PREFIX + target + '.ts' : null;
  },
  load(id) {
    return id.startsWith(EMPTY_PREFIX) ? { code: emptyModule(id.slice(EMPTY_PREFIX.length)), moduleType: 'js' } : null;
  },
};

/**
 * `hls.js/light` becomes one ES module, bundled on its own first: its CommonJS dependencies
 * (eventemitter3, url-toolkit) then carry their interop helpers inside it, instead of sharing a runtime
 * chunk with the paid chunk's libraries that the first frame would have to fetch as well.
 */
export function hlsLightFromSource(): Plugin {
  return {
    name: 'sippar:hls-light-from-source',
    enforce: 'pre',
    // Filters keep the bundler from calling into JavaScript for every other module.
    resolveId: {
      filter: { id: /^hls\.js\/light$/ },
      handler: () => ENTRY,
    },
    load: {
      filter: { id: new RegExp(`^${ENTRY.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) },
      async handler() {
        // The element reads only the default export (the Hls class, with its statics: DefaultConfig, Events…).
        const bundle = await rolldown({ input: join(SRC, 'exports-default.ts'), plugins: [lightSources], tsconfig: false, platform: 'browser', logLevel: 'warn',
          transform: { target: 'es2022', define: DEFINE } });
        try {
          const { output } = await bundle.generate({ format: 'es', sourcemap: true });
          return { code: output[0].code, map: output[0].map };
        } finally {
          await bundle.close();
        }
      },
    },
  };
}
