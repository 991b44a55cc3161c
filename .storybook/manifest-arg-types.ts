import type { ArgTypes } from '@storybook/web-components-vite';

// Storybook's own reading of custom-elements.json keys every entry by its bare name, so the CSS
// parts `rate` and `budget` replace the attributes of the same name, private fields fill the
// panel, and colours get "Set object" inputs. This reads the same manifest with keys that cannot
// collide: attributes by their property name (shown as the attribute), parts as `::part(name)`,
// events as `on<name>` (the React 19 prop), custom properties by name with a colour picker.

interface Typed { name: string; description?: string; type?: { text: string }; default?: string }
interface Attribute extends Typed { fieldName?: string }
interface Member extends Typed { kind: string; privacy?: string; static?: boolean; attribute?: string; readonly?: boolean }
export interface Declaration {
  description?: string;
  tagName?: string;
  attributes?: Attribute[];
  members?: Member[];
  events?: Typed[];
  slots?: Typed[];
  cssParts?: Typed[];
  cssProperties?: Typed[];
}
export interface Manifest { modules: { declarations?: Declaration[] }[] }

/** Whole numbers of seconds: a number input. */
const SECONDS = new Set(['preview-seconds', 'grace-seconds', 'max-time-to-live']);
/** Attributes whose property is typed `string` but take a few keywords (as on <video>). */
const KEYWORDS: Record<string, string[]> = { preload: ['none', 'metadata', 'auto'] };

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const row = (name: string, category: string, item: Typed, control: ArgTypes[string]['control'] | null) => ({
  name,
  description: item.description,
  // Documented, not editable: no control at all rather than a "Set object" button.
  control: control ?? { disable: true },
  table: {
    category,
    type: item.type ? { summary: item.type.text } : undefined,
    defaultValue: item.default ? { summary: item.default } : undefined,
  },
});

function attributeControl(a: Attribute): ArgTypes[string]['control'] {
  const type = a.type?.text ?? 'string';
  if (type === 'boolean') return { type: 'boolean' };
  if (SECONDS.has(a.name)) return { type: 'number', min: 0, step: 1 };
  if (keywords(a).length > 1) return { type: 'select' };
  return { type: 'text' };
}

function keywords(a: Attribute): string[] {
  return KEYWORDS[a.name] ?? [...(a.type?.text ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

export function elementDeclaration(manifest: Manifest, tagName: string): Declaration | undefined {
  return manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName === tagName);
}

export function argTypesFromDeclaration(d: Declaration): ArgTypes {
  const types: ArgTypes = {};
  const attributeFields = new Set<string>();
  for (const a of d.attributes ?? []) {
    const key = a.fieldName ?? camel(a.name);
    attributeFields.add(key);
    types[key] = row(a.name, 'attributes', a, attributeControl(a));
    // Storybook reads a select's choices from the argType, not from its control.
    if (keywords(a).length > 1) types[key].options = keywords(a);
  }
  // Public API without an attribute (services, meter, payments, media, currentTime, …): documented,
  // not editable. Private and protected members are the element's internals and stay out.
  for (const m of d.members ?? []) {
    if (m.kind !== 'field' || m.static || (m.privacy && m.privacy !== 'public') || attributeFields.has(m.name)) continue;
    types[m.name] = row(m.name, 'properties', m, null);
  }
  for (const e of d.events ?? []) types[`on${e.name}`] = row(e.name, 'events', e, null);
  for (const s of d.slots ?? []) types[`slot:${s.name}`] = row(s.name || '(default)', 'slots', s, null);
  for (const p of d.cssParts ?? []) types[`::part(${p.name})`] = row(`::part(${p.name})`, 'css shadow parts', p, null);
  for (const p of d.cssProperties ?? []) {
    const colour = /colou?r/i.test(p.description ?? '');
    types[p.name] = row(p.name, 'css custom properties', p, colour ? { type: 'color' } : { type: 'text' });
  }
  return types;
}

/** Custom-property args (`--sippar-accent: #f5b700`) as a style object for the story's wrapper. */
export function customPropertyArgs(args: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(args)
    .filter(([k, v]) => k.startsWith('--') && typeof v === 'string' && v !== '') as [string, string][]);
}
