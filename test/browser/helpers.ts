// Shared by the playback browser tests. Assertions compare strings/booleans only: the runner
// hangs when a failing assertion carries a DOM node.
import '../../src/index.js';
import type { SipparPlayer } from '../../src/sippar-player.js';

export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

export function equal(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

export async function mount(attrs: Record<string, string | boolean>, parent: Element = document.body): Promise<SipparPlayer> {
  const el = document.createElement('sippar-player');
  for (const [k, v] of Object.entries(attrs)) {
    if (v === true) el.setAttribute(k, '');
    else if (v !== false) el.setAttribute(k, v);
  }
  parent.append(el);
  await el.updateComplete;
  return el;
}

export function waitFor(cond: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const tick = () => {
      if (cond()) return resolve();
      if (performance.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

export function nextEvent<T extends Event = Event>(target: EventTarget, type: string, timeoutMs = 8000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms`)), timeoutMs);
    target.addEventListener(type, (e) => { clearTimeout(timer); resolve(e as T); }, { once: true });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function part(el: SipparPlayer, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

/** Resolves once currentTime passes `seconds` (the picture is really moving). */
export function advancesPast(el: SipparPlayer, seconds: number, timeoutMs = 8000): Promise<void> {
  return waitFor(() => el.currentTime > seconds, `currentTime > ${seconds}`, timeoutMs);
}

/** Uncaught errors and rejections during a test: must stay empty. */
export function watchUncaught(): string[] {
  const seen: string[] = [];
  addEventListener('error', (e) => seen.push(`error: ${e.message}`));
  addEventListener('unhandledrejection', (e) => seen.push(`rejection: ${String(e.reason)}`));
  return seen;
}
