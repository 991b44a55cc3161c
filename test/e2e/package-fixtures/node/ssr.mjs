// Importing the published package on a server (SSR) must not throw, and must not define a DOM.
import { createRequire } from 'node:module';

const mod = await import('sippar-player');
if (typeof mod.SipparPlayer !== 'function') throw new Error('SipparPlayer is not exported');
if (!Array.isArray(mod.MEDIA_EVENTS)) throw new Error('MEDIA_EVENTS is not exported');
if ('document' in globalThis || 'HTMLElement' in globalThis) throw new Error('the import left DOM globals behind');
const require = createRequire(import.meta.url);
const manifest = require('sippar-player/custom-elements.json');
const pkg = require('sippar-player/package.json');
console.log(JSON.stringify({ exports: Object.keys(mod).sort(), manifest: manifest.schemaVersion, version: pkg.version }));
