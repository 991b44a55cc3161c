/**
 * When the element is defined. Imported as a module (npm, `<script type="module">`), at once: whoever imports
 * it may create or query `<sippar-player>` on the next line. Behind the classic loader, which nobody imports,
 * a task after the module's evaluation: defining upgrades every player already on the page (Lit finalises
 * the class, each player is constructed and connected), and with the module's evaluation that was the one
 * task over 50 ms left before the first frame on a 4× slowed CPU (bench: long-tasks.mjs). The loader
 * raises the flag before it imports the module; a registry symbol, so both builds name the same one. A page
 * that also imports the module itself gets the later define too (`customElements.whenDefined` still holds).
 */
import { nextTask } from './playback/next-task.js';

const DEFINE_LATER = Symbol.for('sippar-player.define-after-evaluation');

type Flagged = { [DEFINE_LATER]?: boolean };

/** The loader's side: the module it is about to import may define in a later task. */
export function allowLaterDefine(): void {
  (globalThis as Flagged)[DEFINE_LATER] = true;
}

/** Defines `name` as `element` unless already defined: now, or a task later when the loader allowed it. */
export function defineElement(name: string, element: CustomElementConstructor): void | Promise<void> {
  if (!globalThis.customElements) return; // Node (SSR): nothing to define.
  const define = () => { if (!customElements.get(name)) customElements.define(name, element); };
  if (!(globalThis as Flagged)[DEFINE_LATER]) return define();
  return nextTask().then(define);
}
