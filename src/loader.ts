// The classic-script entry (`<script src=".../sippar-player.iife.js">`): imports the ES module that
// sits beside it. A classic bundle cannot split chunks, so this keeps hls.js and the auth client lazy.
const script = document.currentScript as HTMLScriptElement | null;
const base = script?.src || document.baseURI;
const moduleUrl = new URL('./sippar-player.js', base).href;
import(/* @vite-ignore */ moduleUrl).catch((error: unknown) => {
  console.error('sippar-player: could not load the element module', error);
  showLoadFailure(moduleUrl);
});

// Without the module the element is never defined and the page shows an empty box; say why in
// each player's box instead. The usual cause is hosting dist/ on another origin without CORS: a
// classic script loads cross-origin freely, a module import does not. English only: the strings
// live in the module that failed. CSSOM styles, not a style attribute, so strict CSP allows them.
function showLoadFailure(url: string): void {
  const mark = (): void => {
    for (const el of document.querySelectorAll('sippar-player')) {
      if (el.shadowRoot || customElements.get('sippar-player')) continue;
      const box = document.createElement('div');
      box.setAttribute('role', 'alert');
      box.textContent = `The video player could not load ${url}. If it is served from another origin, ` +
        'that server must send Access-Control-Allow-Origin.';
      Object.assign(box.style, {
        display: 'flex', alignItems: 'center', justifyContent: 'center', boxSizing: 'border-box',
        width: '100%', height: '100%', minHeight: '8em', padding: '1em', textAlign: 'center',
        background: '#111', color: '#eee', font: '14px/1.4 system-ui, sans-serif',
      });
      const root = el.attachShadow({ mode: 'open' });
      root.append(box);
      // An undefined element is inline: give the message a box unless the page already did.
      if (getComputedStyle(el).display === 'inline') (el as HTMLElement).style.display = 'block';
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mark, { once: true });
  else mark();
}
