// The player is a region landmark named after what the page gives it (aria-label, aria-labelledby,
// title), so two players on a page are two distinct landmarks (axe `landmark-unique`).
import type { SipparPlayer } from '../../src/index.js';
import { check, equal, mount, waitFor } from './helpers.js';

type Axe = { run: (context: unknown, options: unknown) => Promise<{ violations: { id: string }[] }> };

async function axe(): Promise<Axe> {
  const w = window as unknown as { axe?: Axe };
  if (!w.axe) {
    const script = document.createElement('script');
    script.src = '/node_modules/axe-core/axe.min.js';
    const loaded = new Promise((r, j) => { script.onload = r; script.onerror = j; });
    document.head.append(script);
    await loaded;
  }
  return w.axe!;
}

async function landmarkViolations(root: Element): Promise<string> {
  const result = await (await axe()).run(root, { runOnly: ['landmark-unique'], resultTypes: ['violations'] });
  return result.violations.map((v) => v.id).join(',');
}

describe('landmark', () => {
  let box: HTMLElement;
  beforeEach(() => { box = document.createElement('main'); document.body.append(box); });
  afterEach(() => box.remove());

  it('two players named by title are two distinct landmarks', async () => {
    const a = await mount({ src: '/media/basic.mp4', title: 'Trailer' }, box);
    const b = await mount({ src: '/media/basic.mp4', title: 'Feature' }, box);
    equal(a.getAttribute('role'), 'region', 'role');
    equal(a.hasAttribute('aria-label') || b.hasAttribute('aria-label'), false, 'no own aria-label over a title');
    equal(await landmarkViolations(box), '', 'axe landmark-unique');
  });

  it('without names from the page, two players are the same landmark (the page must name them)', async () => {
    await mount({ src: '/media/basic.mp4' }, box);
    await mount({ src: '/media/basic.mp4' }, box);
    equal(await landmarkViolations(box), 'landmark-unique', 'axe landmark-unique');
  });

  it('follows aria-label and title set, changed and removed later', async () => {
    const el: SipparPlayer = await mount({ src: '/media/basic.mp4' }, box);
    equal(el.getAttribute('aria-label'), 'Video player', 'own default name');
    el.setAttribute('aria-label', 'Director’s cut');
    equal(el.getAttribute('aria-label'), 'Director’s cut', 'page aria-label kept');
    el.removeAttribute('aria-label');
    equal(el.getAttribute('aria-label'), 'Video player', 'default back when the page takes its name away');
    el.title = 'Episode 2';
    equal(el.hasAttribute('aria-label'), false, 'own aria-label steps back for a title');
    el.removeAttribute('title');
    await waitFor(() => el.getAttribute('aria-label') === 'Video player', 'default after title removed');
    check(el.isConnected, 'still connected');
  });
});
