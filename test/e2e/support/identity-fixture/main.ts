// Test page for the identity journeys: one <sippar-player> configured from the query string.
import '../../../../src/index.js';

const q = new URLSearchParams(location.search);
if (q.get('lang')) document.documentElement.lang = q.get('lang')!;
const player = document.createElement('sippar-player');
player.id = 'player';
if (q.has('themed')) player.classList.add('themed');
player.setAttribute('src', q.get('src') ?? '/media/basic.mp4');
player.setAttribute('muted', '');
player.setAttribute('rate', q.get('rate') ?? '0.001');
player.setAttribute('preview-seconds', q.get('preview') ?? '0');
for (const [param, attr] of [['idp', 'identity-provider'], ['api', 'api'], ['ttl', 'max-time-to-live'], ['derivation', 'derivation-origin']] as const) {
  const value = q.get(param);
  if (value) player.setAttribute(attr, value);
}
const log: unknown[] = [];
(window as unknown as { authEvents: unknown[] }).authEvents = log;
player.addEventListener('sippar-auth-state', (e) => log.push((e as CustomEvent).detail));
player.addEventListener('sippar-error', (e) => log.push({ error: (e as CustomEvent).detail }));
document.body.append(player);
// The journeys start from the sign-in dialog: ask for the paid chunk with the page, as a page awaiting
// `updateComplete` does (otherwise it loads when the viewer reaches for the player).
void player.updateComplete;
