// Per-story network conditions for a static Storybook: no server to make a stream hang or drop,
// so the preview rewrites matching requests in the page itself. hls.js loads over XMLHttpRequest
// (its default loader); fetch is covered too for the payment and identity services.
//   'hang'    — the request never answers (a stalled CDN: the player stays in its loading state)
//   'offline' — the request fails at the network level, status 0 (what a dropped connection gives)
//   'status:NNN' — answered with that HTTP status and an empty body
//   'respond' — answered by `respond` in the page (a fake service, e.g. the payment API's /viewer)
export type NetworkAction = 'hang' | 'offline' | 'respond' | `status:${number}`;
export interface NetworkRule {
  match: string | RegExp;
  action: NetworkAction;
  respond?: (url: string, init?: RequestInit) => Promise<Response>;
}

let rules: NetworkRule[] = [];
let installed = false;

export function setNetworkRules(next: NetworkRule[] | undefined): void {
  rules = next ?? [];
  install();
}

function ruleFor(url: string): NetworkRule | undefined {
  return rules.find((r) => (typeof r.match === 'string' ? url.includes(r.match) : r.match.test(url)));
}

// A port nothing listens on: connecting is refused at once, which is a real status-0 failure.
const REFUSED = 'http://127.0.0.1:9/offline';

function install(): void {
  if (installed) return;
  installed = true;

  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  const marks = new WeakMap<XMLHttpRequest, NetworkRule>();
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    const rule = ruleFor(String(url));
    if (rule) marks.set(this, rule);
    const target = rule?.action === 'offline' ? REFUSED : rule?.action.startsWith('status:') ? statusUrl(rule.action) : url;
    return (open as (...a: unknown[]) => void).call(this, method, target, ...(rest.length ? rest : [true]));
  } as typeof XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    if (marks.get(this)?.action === 'hang') return;
    return send.call(this, body);
  };

  const realFetch = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const rule = ruleFor(url);
    if (!rule) return realFetch(input, init);
    if (rule.action === 'hang') return new Promise<Response>(() => {});
    if (rule.action === 'offline') return Promise.reject(new TypeError('Failed to fetch'));
    if (rule.action === 'respond' && rule.respond) return rule.respond(url, init);
    return Promise.resolve(new Response(null, { status: Number(rule.action.slice(7)) }));
  };
}

// A status answer without a server: a data: URL cannot carry a status, so 'status:404' goes to a
// path the static server does not have (404), and any other status is treated as a 404 too.
function statusUrl(_action: string): string {
  return '/media/__missing__/' + Math.random().toString(36).slice(2);
}
