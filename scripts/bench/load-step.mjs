// One step of the open-loop load bench: V viewers, each with its own connection and session, play from a
// start offset spread evenly over one tick interval T. Tick k of a viewer comes due at offset + k·T and
// carries k·T seconds (cumulative); the schedule never waits for the server (open loop). Like the player's
// outbox, a viewer has at most one tick in flight and, while it waits, sends only its newest due tick
// (cumulative totals make that lossless). For every due tick, coalesced ones included, the latency runs
// from its due time until a tick at least as new is acknowledged. Billed lag: how far behind the viewer's
// playback position the total the server acknowledged is, sampled every 250 ms over all viewers.
import { percentile, round } from './api-server-process.mjs';
import { httpRequest } from './load-connections.mjs';

const LAG_SAMPLE_MS = 250;
/** After the last due tick: time left for answers still in flight; a tick unanswered by then counts as late. */
const DRAIN_MS = 5000;

/**
 * `viewers`: [{ fast, conn, sessionId }], connections open and sessions started. `sign(fast, tick)` → request
 * body JSON. Returns the step's figures.
 */
export async function runStep({ viewers, cadenceS, warmupS, seconds, rate, host, sign, serverCpuSeconds, serverMainCpuSeconds = () => NaN }) {
  const V = viewers.length;
  const T = cadenceS * 1000;
  const rounds = Math.ceil(((warmupS + seconds) * 1000) / T);
  const signT0 = performance.now();
  // Pre-signed: the generator does no signing while it measures. ticks[j][k-1] = tick k of viewer j.
  const ticks = viewers.map((w) =>
    Array.from({ length: rounds }, (_, i) => {
      const s = (i + 1) * cadenceS;
      const body = sign(w.fast, { sessionId: w.sessionId, seq: i + 1, seconds: s, microAlgos: s * rate, mediaTime: s * 1000, clientTime: Date.now() });
      return httpRequest('PUT', '/streaming/session/extend', host, body);
    }),
  );
  const presignS = (performance.now() - signT0) / 1000;

  const t0 = performance.now() + 500;
  const offset = (j) => (j * T) / V;
  const due = (j, k) => t0 + offset(j) + k * T;
  const measureFrom = t0 + warmupS * 1000;
  const measureTo = measureFrom + seconds * 1000;
  const inWindow = (d) => d >= measureFrom && d < measureTo;

  const latest = new Int32Array(V); // newest due tick (0: none yet)
  const lastSent = new Int32Array(V);
  const acked = new Int32Array(V);
  const inFlight = new Uint8Array(V);
  const retrying = new Uint8Array(V);
  const sentAt = new Float64Array(V);
  const lat = [];
  /** From the request written to its answer: the server's share, without the generator's lateness. */
  const service = [];
  const lateness = [];
  const lags = [];
  const statuses = {};
  let sent = 0;
  let coalesced = 0;

  const send = (j) => {
    const k = latest[j];
    coalesced += Math.max(0, k - lastSent[j] - 1);
    lastSent[j] = Math.max(lastSent[j], k);
    inFlight[j] = 1;
    sentAt[j] = performance.now();
    sent++;
    viewers[j].conn.send(ticks[j][k - 1]);
  };
  viewers.forEach((w, j) => {
    w.conn.onAnswer = (status, _body, retryAfter) => {
      const now = performance.now();
      const k = lastSent[j];
      inFlight[j] = 0;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (measuring) service.push(now - sentAt[j]);
      if (status === 200) {
        for (let r = acked[j] + 1; r <= k; r++) if (inWindow(due(j, r))) lat.push(now - due(j, r));
        acked[j] = Math.max(acked[j], k);
        if (latest[j] > k) send(j);
      } else if (!retrying[j]) {
        // Refused or busy: resend the newest after Retry-After (or a second), as the player's outbox does.
        retrying[j] = 1;
        setTimeout(() => {
          retrying[j] = 0;
          if (!inFlight[j] && latest[j] > acked[j]) send(j);
        }, (retryAfter ?? 1) * 1000);
      }
    };
  });

  const cpu0 = { server: 0, gen: null };
  let measuring = false;
  const startMeasuring = () => {
    measuring = true;
    cpu0.server = serverCpuSeconds();
    cpu0.main = serverMainCpuSeconds();
    cpu0.gen = process.cpuUsage();
    cpu0.sent = sent;
  };
  const cpu1 = {};
  const stopMeasuring = () => {
    measuring = false;
    cpu1.server = serverCpuSeconds();
    cpu1.main = serverMainCpuSeconds();
    cpu1.gen = process.cpuUsage(cpu0.gen);
    cpu1.sent = sent;
  };

  const lagTimer = setInterval(() => {
    const now = performance.now();
    if (!measuring) return;
    for (let j = 0; j < V; j++) lags.push(now - (t0 + offset(j)) - acked[j] * T);
  }, LAG_SAMPLE_MS);

  // The schedule: events in due order, round by round (offsets are increasing in j).
  const total = V * rounds;
  let e = 0;
  await new Promise((resolve) => {
    const loop = () => {
      const now = performance.now();
      if (!measuring && now >= measureFrom && now < measureTo && cpu0.gen === null) startMeasuring();
      if (measuring && now >= measureTo) stopMeasuring();
      while (e < total) {
        const k = Math.floor(e / V) + 1;
        const j = e % V;
        const d = due(j, k);
        if (d > now) break;
        if (inWindow(d)) lateness.push(now - d);
        latest[j] = k;
        if (!inFlight[j] && !retrying[j]) send(j);
        e++;
      }
      if (e < total || now < measureTo) setTimeout(loop, 1);
      else resolve();
    };
    setTimeout(loop, Math.max(0, t0 - performance.now()));
  });
  if (measuring) stopMeasuring();
  clearInterval(lagTimer);
  const drainEnd = performance.now() + DRAIN_MS;
  while (performance.now() < drainEnd && acked.some((a, j) => a < latest[j])) await new Promise((r) => setTimeout(r, 50));
  // Due in the window but never acknowledged: counted with the time waited so far (a lower bound).
  let unanswered = 0;
  const end = performance.now();
  for (let j = 0; j < V; j++) {
    for (let r = acked[j] + 1; r <= rounds; r++) {
      if (inWindow(due(j, r))) {
        lat.push(end - due(j, r));
        unanswered++;
      }
    }
  }
  for (const w of viewers) w.conn.onAnswer = () => {};

  lat.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  service.sort((a, b) => a - b);
  const requests = cpu1.sent - cpu0.sent;
  const serverCpu = cpu1.server - cpu0.server;
  const genCpu = (cpu1.gen.user + cpu1.gen.system) / 1e6;
  return {
    viewers: V,
    tick_interval_s: cadenceS,
    offered_ticks_per_s: round(V / cadenceS, 1),
    presign_s: round(presignS),
    ticks_due: lat.length,
    requests_per_s: round(requests / seconds, 1),
    coalesced,
    unanswered,
    statuses,
    latency_ms: { p50: round(percentile(lat, 50)), p99: round(percentile(lat, 99)), max: round(lat[lat.length - 1] ?? NaN) },
    round_trip_ms: { p50: round(percentile(service, 50)), p99: round(percentile(service, 99)) },
    server_cpu_cores: round(serverCpu / seconds),
    server_cpu_us_per_tick: round((serverCpu / Math.max(1, requests)) * 1e6, 1),
    // The event loop's thread alone (schedstat, ns): what a verify worker takes off it shows here.
    server_main_cpu_us_per_tick: round(((cpu1.main - cpu0.main) / Math.max(1, requests)) * 1e6, 1),
    generator_cpu_cores: round(genCpu / seconds),
    generator_cpu_us_per_tick: round((genCpu / Math.max(1, requests)) * 1e6, 1),
    generator_lateness_ms_p99: round(percentile(lateness, 99)),
    billed_lag_s: { p50: round(percentile(lags, 50) / 1000), p99: round(percentile(lags, 99) / 1000), max: round((lags[lags.length - 1] ?? NaN) / 1000) },
  };
}
