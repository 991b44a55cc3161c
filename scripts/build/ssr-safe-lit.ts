// Lit's browser builds touch `HTMLElement` and `document` while their modules evaluate, so a bundle
// that inlines them throws on import in Node (SSR, tests, scripts). Lit ships server-safe builds
// under its `node` export condition, but they bundle a DOM shim and set a global `customElements`.
// This plugin keeps the browser builds and changes only the two module-level lines that need a DOM:
//  - lit-html: the guard its own node build has (`document` absent → a stub tree walker);
//  - reactive-element: extend `globalThis.HTMLElement` when there is one, else an empty class.
// Each rewrite must match exactly once, so a Lit upgrade that moves the code fails the build loudly
// instead of shipping a bundle that throws in Node again.
import type { Plugin } from 'vite';

const rewrites = [
  {
    file: /\/lit-html\/lit-html\.js$/,
    from: 'l=document,',
    to: 'l=t.document??{createTreeWalker:()=>({})},',
  },
  {
    file: /\/@lit\/reactive-element\/reactive-element\.js$/,
    from: 'extends HTMLElement{',
    to: 'extends(globalThis.HTMLElement??class{}){',
  },
];

export function ssrSafeLit(): Plugin {
  return {
    name: 'sippar:ssr-safe-lit',
    enforce: 'pre',
    transform(code: string, id: string) {
      const rule = rewrites.find((r) => r.file.test(id.split('?')[0]));
      if (!rule) return null;
      const count = code.split(rule.from).length - 1;
      if (count !== 1) this.error(`ssr-safe-lit: expected "${rule.from}" once in ${id}, found ${count}`);
      return { code: code.replace(rule.from, rule.to), map: null };
    },
  };
}
