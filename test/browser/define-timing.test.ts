// When the element is defined (src/define-timing.ts): imported as a module, at once; behind the classic
// loader, which raises the flag, a task after the module's evaluation.
import { allowLaterDefine, defineElement } from '../../src/define-timing.js';
import { equal } from './helpers.js';

const FLAG = Symbol.for('sippar-player.define-after-evaluation');
const flags = globalThis as { [FLAG]?: boolean };

describe('define timing', () => {
  afterEach(() => { delete flags[FLAG]; });

  it('without the loader, the element is defined before defineElement returns', () => {
    const name = `timing-now-${Math.random().toString(36).slice(2)}`;
    const el = document.body.appendChild(document.createElement(name));
    const result = defineElement(name, class extends HTMLElement {});
    equal(result, undefined, 'nothing to wait for');
    equal(Boolean(customElements.get(name)), true, 'defined at once');
    equal(el.constructor !== HTMLElement, true, 'the element on the page upgraded at once');
    el.remove();
  });

  it('behind the loader, the element is defined (and upgraded) in a later task, not in the evaluating one', async () => {
    allowLaterDefine();
    const name = `timing-later-${Math.random().toString(36).slice(2)}`;
    const el = document.body.appendChild(document.createElement(name));
    let connected = false;
    const defined = defineElement(name, class extends HTMLElement { connectedCallback() { connected = true; } });
    await Promise.resolve();
    await Promise.resolve();
    equal(customElements.get(name), undefined, 'not defined in the same task, after its microtasks');
    equal(connected, false, 'not upgraded yet');
    await defined;
    equal(Boolean(customElements.get(name)), true, 'defined a task later');
    equal(connected, true, 'the element on the page upgraded then');
    el.remove();
  });

  it('never defines a name twice (a page that loaded another copy first keeps it)', async () => {
    allowLaterDefine();
    const name = `timing-twice-${Math.random().toString(36).slice(2)}`;
    class First extends HTMLElement {}
    const later = defineElement(name, class Second extends HTMLElement {});
    customElements.define(name, First);
    await later;
    equal(customElements.get(name), First, 'the first definition stays');
  });
});
