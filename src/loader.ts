// The classic-script entry (`<script src=".../sippar-player.iife.js">`): imports the ES module that
// sits beside it. A classic bundle cannot split chunks, so this keeps hls.js and the auth client lazy.
const script = document.currentScript as HTMLScriptElement | null;
const base = script?.src || document.baseURI;
import(/* @vite-ignore */ new URL('./sippar-player.js', base).href).catch((error: unknown) => {
  console.error('sippar-player: could not load the element module', error);
});
