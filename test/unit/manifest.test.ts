// custom-elements.json (written by `npm run build`) is what Storybook, IDEs and framework wrappers
// read: it must list everything the element really has, read here from the source itself.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { MEDIA_EVENTS } from '../../src/events.js';

interface Named { name: string; type?: { text: string }; privacy?: string; attribute?: string }
const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8'));
const element = manifest.modules.flatMap((m: { declarations: unknown[] }) => m.declarations)
  .find((d: { tagName?: string }) => d.tagName === 'sippar-player');
const names = (list: Named[] | undefined) => new Set((list ?? []).map((x) => x.name));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}
const code = sources('src').map((f) => readFileSync(f, 'utf8')).join('\n');

describe('custom-elements.json', () => {
  it('lists every CSS part the templates render', () => {
    const parts = new Set([...code.matchAll(/\bpart="([^"$]+)"/g)].flatMap((m) => m[1]!.split(/\s+/)));
    expect(parts.size).toBeGreaterThan(20);
    expect([...parts].filter((p) => !names(element.cssParts).has(p))).toEqual([]);
  });

  it('lists every custom property the styles read', () => {
    const props = new Set([...code.matchAll(/var\((--sippar-[a-z-]+)/g)].map((m) => m[1]!));
    expect([...props].filter((p) => !names(element.cssProperties).has(p))).toEqual([]);
  });

  it('lists each media event on its own and every sippar-* event with its detail type', () => {
    const events = new Map<string, string>(element.events.map((e: Named) => [e.name, e.type?.text ?? '']));
    for (const name of MEDIA_EVENTS) expect(events.get(name), name).toBe('Event');
    // Event names as the source writes them (dispatched by the element or the paid-video chunk).
    const dispatched = new Set([...code.matchAll(/'(sippar-[a-z-]+)'/g)].map((m) => m[1]!));
    const map = readFileSync('src/events.ts', 'utf8').match(/interface SipparPlayerEventMap \{([^}]+)\}/)![1]!;
    for (const [, name, detail] of map.matchAll(/'(sippar-[a-z-]+)': CustomEvent<(\w+)>/g)) {
      expect(events.get(name!), name).toBe(`CustomEvent<${detail}>`);
      expect(dispatched.has(name!), `${name} in the source`).toBe(true);
    }
    expect([...events.keys()].filter((n) => n.startsWith('sippar-')).sort()).toEqual(
      [...map.matchAll(/'(sippar-[a-z-]+)'/g)].map((m) => m[1]).sort());
  });

  it('lists the attributes platforms use, with types, and the slot', () => {
    const attrs = names(element.attributes);
    for (const a of ['src', 'rate', 'budget', 'preview-seconds', 'content-id', 'api', 'grace-seconds',
      'identity-provider', 'derivation-origin', 'max-time-to-live', 'pause-when-hidden', 'title']) expect(attrs.has(a), a).toBe(true);
    expect(element.attributes.every((a: Named) => a.type?.text)).toBe(true);
    expect(names(element.slots).has('')).toBe(true);
  });
});
