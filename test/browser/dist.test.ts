// The built files, as a platform uses them: only dist/, no source, no dev server transforms.
import { equal, check, waitFor } from './helpers.js';

type FrameWindow = Window & { cspViolations?: string[]; customElements: CustomElementRegistry };

async function openFrame(path: string): Promise<{ frame: HTMLIFrameElement; win: FrameWindow }> {
  const frame = document.createElement('iframe');
  frame.src = path;
  frame.width = '480';
  frame.height = '270';
  const loaded = new Promise((r) => frame.addEventListener('load', r, { once: true }));
  document.body.append(frame);
  await loaded;
  const win = frame.contentWindow as FrameWindow;
  await waitFor(() => !!win.customElements.get('sippar-player'), 'element defined in the frame', 10_000);
  return { frame, win };
}

async function playIn(win: FrameWindow, src: string) {
  const el = win.document.createElement('sippar-player') as HTMLElement & { currentTime: number };
  el.setAttribute('src', src);
  el.setAttribute('muted', '');
  el.setAttribute('autoplay', '');
  win.document.body.append(el);
  await waitFor(() => el.currentTime > 0.5, `${src} playing in the frame`, 10_000);
  return el;
}

describe('dist', () => {
  it('plays HLS with only dist/sippar-player.iife.js on the page', async () => {
    const { frame, win } = await openFrame('/test/browser/fixtures/iife.html');
    // The test server adds its own web-socket script; everything else is the page's.
    const scripts = [...win.document.scripts].map((s) => s.getAttribute('src')).filter((s) => !s?.includes('__web-dev-server')).join(',');
    equal(scripts, '/dist/sippar-player.iife.js', 'scripts on the page');
    await playIn(win, '/media/basic/index.m3u8');
    const chunk = win.performance.getEntriesByType('resource').some((r) => /\/dist\/chunks\/hls\.light-/.test(r.name));
    check(chunk, 'hls.js light chunk loaded from dist/chunks');
    frame.remove();
  });

  it('runs under a strict CSP (script-src/style-src self) without a violation', async () => {
    const { frame, win } = await openFrame('/test/browser/fixtures/csp.html');
    const el = await playIn(win, '/media/basic/captions.m3u8');
    // Exercise the styled UI: controls, buffered spans (styleMap), captions.
    await waitFor(() => !!el.shadowRoot?.querySelector('[part~="captions-button"]'), 'captions button');
    (el.shadowRoot!.querySelector('[part~="captions-button"]') as HTMLElement).click();
    await new Promise((r) => setTimeout(r, 500));
    const style = win.getComputedStyle(el.shadowRoot!.querySelector('[part~="controls"]')!);
    equal(style.position, 'absolute', 'shadow styles applied');
    equal((win.cspViolations ?? ['no watcher']).join('; '), '', 'CSP violations');
    frame.remove();
  });
});
