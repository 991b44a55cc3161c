// The classic-script entry (`<script src=".../sippar-player.iife.js">`): imports the ES module that
// sits beside it. A classic bundle cannot split chunks, so this keeps hls.js and the auth client lazy.
const script = document.currentScript as HTMLScriptElement | null;
const url = new URL('./sippar-player.js', script?.src || document.baseURI).href;
import(/* @vite-ignore */ url).catch((error: unknown) => {
  // Without the module the element is never defined and the page shows an empty box. A stand-in
  // says why in each player's box (in place of its children: the player is not coming), including
  // players added later. The usual cause is dist/ on another origin without CORS: a classic script
  // loads cross-origin freely, a module import does not. English only (the strings live in the
  // module that failed); CSSOM styles, which a strict CSP allows. Kept to a few bytes: this file is
  // part of every page's first script (bench budget 12 KB gz with the module).
  customElements.define('sippar-player', class extends HTMLElement {
    connectedCallback(): void {
      this.textContent = `Player could not load ${url} (CORS?)`;
      this.role = 'alert';
      this.style.cssText += ';display:block;padding:2em';
    }
  });
  // Rethrown: the console shows it as an uncaught rejection, with the browser's own CORS or 404 line.
  throw error;
});
