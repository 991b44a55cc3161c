// The classic-script entry (`<script src=".../sippar-player.iife.js">`): imports the ES module that
// sits beside it. A classic bundle cannot split chunks, so this keeps hls.js and the auth client lazy.
// Placed in <head>, it also gets the first frame going before the module runs: it starts the
// module's download at once, reserves the players' boxes, and, as the parser meets each player, requests what
// the element would request first (its manifest, and for a free player that buffers the init and first
// segments, prefetch.ts) and preloads hls.js, so they download in parallel with the module instead of
// after it. The element finds those responses in prefetch.ts's page-wide store: nothing is fetched twice.
import { isLazy } from './lazy-load.js';
import { isHlsUrl, parseSrc } from './playback/engine.js';
import { loadDepth, prefetchSegments } from './playback/preload-policy.js';
import { nextTask } from './playback/next-task.js';
import { prefetchStream } from './playback/prefetch.js';
import { reserveBoxes } from './ui/reserve-box.js';
import { allowLaterDefine } from './define-timing.js';

/** Paths relative to the loader, filled in at build time (vite.config.ts): the module with its static imports, and hls.js light with the session chunk. */
declare const __SIPPAR_PRELOAD__: { module: string[]; hls: string[] };

const script = document.currentScript as HTMLScriptElement | null;
const base = script?.src || document.baseURI;

function modulePreload(path: string): void {
  const link = document.createElement('link');
  link.rel = 'modulepreload';
  link.href = new URL(path, base).href;
  document.head.append(link);
}

const moduleUrl = new URL('./sippar-player.js', base).href;
// First of all: the module's request. Its static imports (if the bundler split any) get a hint; the
// module itself needs none (each <link> costs a few ms of the parser's task on a slow phone).
allowLaterDefine(); // nothing imports the module from here: it may define a task after its evaluation (define-timing.ts)
const loading = import(/* @vite-ignore */ moduleUrl);
const preload = __SIPPAR_PRELOAD__;
preload.module.filter((path) => new URL(path, base).href !== moduleUrl).forEach(modulePreload);
reserveBoxes();

let hlsHinted = false;
const seen = new WeakSet<Element>();

/** What the element would fetch first on connect, started now. */
function start(el: Element): void {
  const url = parseSrc(el.getAttribute('src') ?? '', document.baseURI);
  if (seen.has(el) || !url || isLazy(el) || !isHlsUrl(url)) return;
  seen.add(el);
  const depth = loadDepth(el.getAttribute('preload'), el.hasAttribute('autoplay'));
  if (depth === 'none') return;
  // As the element will (playback-controller.ts): segments only for a free player that buffers.
  void prefetchStream(url.href, prefetchSegments(depth, el.getAttribute('rate')) ? 'segments' : 'manifest');
  if (depth !== 'buffer' || hlsHinted) return;
  hlsHinted = true;
  // hls.js is needed only once the module has run, a task or more later; the manifest request above
  // is what must leave now. Each hint in a task of its own keeps the parser's task short (a phone at
  // 4× slower: under 50 ms; starting a request costs a few ms of main thread).
  void (async () => {
    for (const path of preload.hls) {
      await nextTask();
      modulePreload(path);
    }
  })();
}

const scan = () => { for (const el of document.getElementsByTagName('sippar-player')) start(el); };
if (document.readyState === 'loading') {
  const watch = new MutationObserver(scan);
  watch.observe(document, { childList: true, subtree: true });
  document.addEventListener('DOMContentLoaded', () => { watch.disconnect(); scan(); }, { once: true });
} else {
  scan();
}

loading.catch((error: unknown) => {
  // Without the module the element is never defined and the page shows an empty box. A stand-in
  // says why in each player's box (in place of its children: the player is not coming), including
  // players added later. The usual cause is dist/ on another origin without CORS: a classic script
  // loads cross-origin freely, a module import does not. English only (the strings live in the
  // module that failed); CSSOM styles, which a strict CSP allows.
  customElements.define('sippar-player', class extends HTMLElement {
    connectedCallback(): void {
      this.textContent = `Player could not load ${moduleUrl} (CORS?)`;
      this.role = 'alert';
      this.style.cssText += ';display:block;padding:2em';
    }
  });
  // Rethrown: the console shows it as an uncaught rejection, with the browser's own CORS or 404 line.
  throw error;
});
