// The demo platform's own page script: reads the players' events and the payment API, writes text
// only (textContent), never markup built from outside data.
const API = ''; // the payment API is served from this page's origin (scripts/start.mjs proxies /streaming/)
const MICRO = 1_000_000;
const $ = (id) => document.getElementById(id);
const paid = $('paid');

const algo = (micro) => (typeof micro === 'number' && Number.isFinite(micro) ? (micro / MICRO).toFixed(6) : '—');
let principal;

function say(text) { $('demo-message').textContent = text; }

function showBalance(micro) {
  if (typeof micro === 'number') $('balance').textContent = algo(micro);
}

// The element's own stores (nanostores atoms), once the script tag has defined it: who is signed in
// with what balance (identity), and what this session has cost so far (meter).
// They come with the paid-video chunk, which loads when the viewer reaches for the player (or a stored
// sign-in is restored); its identity announces itself with a first `sippar-auth-state`, sent while the
// chunk is being set up: `updateComplete` then resolves once it is in place. (Awaited earlier, with the
// page, it would ask for the chunk at once.)
paid.addEventListener('sippar-auth-state', () => paid.updateComplete.then(() => {
  paid.identity?.controller?.state?.subscribe((s) => {
    principal = s.status === 'signed-in' ? s.principal : undefined;
    $('viewer-principal').textContent = principal ?? (s.status === 'signing-in' ? 'signing in…' : 'signed out');
    $('top-up').disabled = !principal;
    if (!principal) $('balance').textContent = '—';
    else showBalance(s.balanceMicroAlgos);
  });
  // The payment API's answer to each tick carries the balance after it.
  paid.payments?.store?.subscribe((s) => { if (principal) showBalance(s.balanceMicroAlgos); });
  paid.meter?.store?.subscribe((m) => {
    $('session-cost').textContent = algo(m.totalMicroAlgos);
    $('session-seconds').textContent = String(m.billedSeconds);
  });
}), { once: true });

paid.addEventListener('sippar-payment-state', (event) => {
  if (event.detail?.status === 'insufficient-funds') say('Out of funds: top up, then press “I topped up, continue”.');
});

paid.addEventListener('sippar-error', (event) => { say(event.detail?.message ?? 'Error'); });
// The player with ads shares the viewer's sign-in (one identity per origin); only its errors are its own.
$('ads').addEventListener('sippar-error', (event) => { $('ads-message').textContent = event.detail?.message ?? 'Error'; });

// Development mode only: credits the viewer and answers the new balance.
async function credit(microAlgos) {
  const res = await fetch(`${API}/streaming/dev/credit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ principal, microAlgos }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  return body;
}


$('top-up').addEventListener('click', async () => {
  if (!principal) return;
  $('top-up').disabled = true;
  try {
    const body = await credit(MICRO);
    showBalance(body.balanceMicroAlgos);
    say('Credited 1 ALGO (development mode).');
  } catch (error) {
    say(`Top-up failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    $('top-up').disabled = !principal;
  }
});

const percent = (rate) => (typeof rate === 'number' ? `${(rate * 100).toFixed(1)} %` : '—');
const clearing = (a) => (a && a.avgClearing !== null ? `${a.minClearing}–${a.maxClearing} µALGO/s (avg ${a.avgClearing})` : '—');

function cell(row, text) {
  const td = document.createElement('td');
  td.textContent = text;
  row.append(td);
}

// The ad figures of the analytics answer (absent on a server without ads): text only, rows built node by node.
function showAds(ads) {
  const t = ads?.total;
  $('ad-revenue').textContent = algo(t?.adRevenueMicroAlgos);
  $('ad-platform').textContent = algo(t?.platformMicroAlgos);
  $('ad-fill-rate').textContent = t ? `${percent(t.fillRate)} of ${t.auctions}` : '—';
  $('ad-clearing').textContent = clearing(t);
  $('ad-live-breaks').textContent = t ? String(t.liveBreaks) : '—';
  const rows = (ads?.titles ?? []).map((a) => {
    const tr = document.createElement('tr');
    cell(tr, a.contentId);
    cell(tr, `${a.filled} / ${a.auctions}`);
    cell(tr, String(a.chargedSeconds));
    cell(tr, algo(a.adRevenueMicroAlgos));
    cell(tr, a.avgClearing === null ? '—' : String(a.avgClearing));
    return tr;
  });
  $('ad-titles').replaceChildren(...rows);
}

async function refreshAnalytics() {
  try {
    const res = await fetch(`${API}/streaming/session/analytics`, { cache: 'no-store' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = await res.json();
    const { totals } = body;
    if (!totals) throw new Error('no totals');
    $('earnings').textContent = algo(totals.earningsMicroAlgos);
    $('billed').textContent = algo(totals.microAlgos);
    $('watch-time').textContent = String(totals.watchSeconds);
    $('live-sessions').textContent = String(totals.liveSessions);
    $('viewers').textContent = String(totals.viewers);
    showAds(body.ads);
    $('analytics-status').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } catch (error) {
    $('analytics-status').textContent = `Payment API unreachable (${error instanceof Error ? error.message : String(error)})`;
  }
}

void refreshAnalytics();
setInterval(refreshAnalytics, 3000);
