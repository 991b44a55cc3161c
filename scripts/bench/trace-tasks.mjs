// Reads a Chrome trace (CDP Tracing, the categories below) and answers the page's long tasks before
// `playing`: each main-thread task over 50 ms, with its time split into what the browser did in it
// (HTML parsing, script compile, top-level evaluation, JS calls, style, layout, paint, GC) and the
// scripts that ran. Used by long-tasks.mjs; PROFILE=1 adds the sampling profiler's busiest functions.
import { existsSync, readFileSync } from 'node:fs';
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';

export const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink.user_timing', 'loading'];
export const PROFILER = 'disabled-by-default-v8.cpu_profiler';
export const LONG_MS = 50;

/** What a trace event's own time counts as; undefined: its parent's kind. */
function kindOf(name) {
  if (name === 'ParseHTML') return 'parse HTML';
  if (/^v8\.(compile|compileModule|parseOnBackground)|^V8\.(Compile|Parse)/.test(name)) return 'compile';
  if (name === 'EvaluateScript' || name === 'v8.evaluateModule' || name === 'v8.run') return 'evaluate';
  if (/^(FunctionCall|TimerFire|EventDispatch|XHRReadyStateChange|XHRLoad|FireAnimationFrame|FireIdleCallback|RunMicrotasks|BlinkScheduler_PerformMicrotaskCheckpoint)$|^v8\.(call|newInstance)/.test(name)) return 'JS';
  if (/GC|^V8\.GC/.test(name)) return 'GC';
  if (name === 'UpdateLayoutTree' || name === 'ParseAuthorStyleSheet') return 'style';
  if (name === 'Layout') return 'layout';
  if (/^(Paint|PrePaint|Layerize|Commit|UpdateLayer)/.test(name)) return 'paint';
  return undefined;
}

const short = (url) => (url ? new URL(url).pathname.replace(/^\/(dist\/|node_modules\/)?/, '') : '');

/**
 * `events`: the trace's events; `mark`: the user-timing mark the page sets at its first `playing`.
 * Answers { playingMs, cpuMs (the main thread's CPU time before `playing`), tasks: [{ startMs, ms, cpuMs, kinds:
 * {kind: ms}, poster, scripts: [string], functions?: [string] }] } with every task long by wall or CPU time,
 * times from the page's first HTML parse.
 */
export function longTasks(events, mark = 'playing') {
  const playing = events.find((e) => e.name === mark && e.cat.includes('user_timing'));
  if (!playing) throw new Error(`no "${mark}" mark in the trace`);
  const { pid } = playing;
  const main = events.find((e) => e.ph === 'M' && e.pid === pid && e.name === 'thread_name' && e.args.name === 'CrRendererMain').tid;
  const own = events.filter((e) => e.pid === pid && e.tid === main && e.ph === 'X').sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // The navigation's commit runs before the document exists (the Long Tasks API does not see it either).
  const origin = own.find((e) => e.name === 'ParseHTML' && e.args?.beginData?.url)?.ts ?? own[0].ts;
  const top = [];
  for (const e of own) {
    if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') continue;
    const last = top.at(-1);
    if (!last || e.ts >= last.ts + last.dur) top.push(e);
  }
  const profile = samplesOf(events, pid, main);
  // A task is long by its wall time (what the Long Tasks API and Lighthouse see) or by the main thread's
  // CPU time in it. CDP's throttling keeps the throttled thread busy rather than asleep (at 4× a page's
  // main-thread CPU time before `playing` is ~6× the unthrottled one here), so CPU time is the length the
  // task would have on an idle machine; on a shared machine its wall time also counts waiting for a core.
  const before = top.filter((t) => t.ts >= origin && t.ts < playing.ts);
  const tasks = before.filter((t) => t.dur > LONG_MS * 1000 || t.tdur > LONG_MS * 1000).map((t) => {
    const inside = own.filter((e) => e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur);
    return {
      startMs: Math.round((t.ts - origin) / 1000),
      ms: Math.round(t.dur / 1000),
      // The main thread's own CPU time in it: far below `ms`, the thread was waiting for a core (a busy
      // machine) or suspended by the throttling, not working.
      cpuMs: t.tdur === undefined ? undefined : Math.round(t.tdur / 1000),
      kinds: selfTimes(inside),
      // Who posted the task (Chromium's source location): a parser pump, a module's evaluation, a timer, a fetch body, a SourceBuffer event…
      poster: posterOf(inside),
      scripts: scriptsIn(inside),
      ...(profile ? { functions: busiest(profile, t.ts, t.ts + t.dur) } : {}),
    };
  });
  const cpuMs = Math.round(before.reduce((sum, t) => sum + (t.tdur ?? 0), 0) / 1000);
  return { playingMs: Math.round((playing.ts - origin) / 1000), cpuMs, tasks };
}

/** Each event's own time (minus its children), counted under its kind or its nearest classified ancestor's. */
function selfTimes(inside) {
  const self = new Map(inside.map((e) => [e, e.dur]));
  const parent = new Map();
  const stack = [];
  for (const e of inside) {
    while (stack.length && e.ts + e.dur > stack.at(-1).ts + stack.at(-1).dur) stack.pop();
    const up = stack.at(-1);
    if (up) { parent.set(e, up); self.set(up, self.get(up) - e.dur); }
    stack.push(e);
  }
  const kinds = {};
  for (const e of inside) {
    let a = e;
    let kind;
    while (a && !(kind = kindOf(a.name))) a = parent.get(a);
    kind ??= 'other';
    kinds[kind] = (kinds[kind] ?? 0) + self.get(e) / 1000;
  }
  return Object.fromEntries(Object.entries(kinds).filter(([, ms]) => ms >= 1).sort((a, b) => b[1] - a[1]).map(([k, ms]) => [k, Math.round(ms)]));
}

function posterOf(inside) {
  const at = inside.find((e) => e.name === 'ThreadControllerImpl::RunTask')?.args;
  return at?.src_file ? `${at.src_file.split('/').pop().replace(/\.cc$/, '')} ${at.src_func}` : '';
}

/** The outermost script events over 2 ms: what was evaluated, called or fired, from which file. */
function scriptsIn(inside) {
  const named = [];
  let end = 0;
  for (const e of inside) {
    const data = e.args?.data ?? {};
    const what = e.name === 'EvaluateScript' ? `evaluate ${short(data.url)}`
      : e.name === 'v8.evaluateModule' ? 'evaluate module'
      : e.name === 'v8.compileModule' || e.name === 'v8.compile' ? `compile ${short(data.url)}`
      : e.name === 'FunctionCall' ? `${data.functionName || '(anonymous)'} ${short(data.url)}`
      : e.name === 'TimerFire' ? 'timer'
      : e.name === 'XHRReadyStateChange' ? `xhr ${short(data.url)}`
      : e.name === 'EventDispatch' ? `${data.type} event`
      : e.name === 'RunMicrotasks' ? 'microtasks'
      : e.name === 'UpdateLayoutTree' ? `style of ${e.args?.elementCount ?? '?'} elements` : undefined;
    if (!what || e.dur < 2000 || e.ts < end) continue;
    end = e.ts + e.dur;
    named.push(`${what} ${Math.round(e.dur / 1000)}`);
  }
  return named;
}

/** The main thread's CPU samples (PROFILE=1), as [{ t, node }] with the profile's nodes by id. */
function samplesOf(events, pid, tid) {
  const starts = new Map();
  const nodes = new Map();
  const samples = [];
  for (const e of events) {
    if (e.pid !== pid) continue;
    if (e.name === 'Profile') starts.set(e.id, { t: e.args.data.startTime, tid: e.tid });
    if (e.name !== 'ProfileChunk') continue;
    const s = starts.get(e.id);
    if (!s || s.tid !== tid) continue;
    const cpu = e.args.data.cpuProfile ?? {};
    for (const n of cpu.nodes ?? []) nodes.set(n.id, n);
    const deltas = e.args.data.timeDeltas ?? [];
    (cpu.samples ?? []).forEach((id, i) => { s.t += deltas[i] ?? 0; samples.push({ t: s.t, id }); });
  }
  if (!samples.length) return undefined;
  samples.sort((a, b) => a.t - b.t);
  return { samples, nodes };
}

const maps = new Map();
/** A minified frame as its source file and line, from the build's hidden source maps (dist/**.map). */
function original(frame) {
  if (!frame.url) return frame.functionName || '(native)';
  const file = new URL(frame.url).pathname.slice(1) + '.map';
  if (!maps.has(file)) maps.set(file, existsSync(file) ? new TraceMap(readFileSync(file, 'utf8')) : null);
  const map = maps.get(file);
  const at = map && originalPositionFor(map, { line: frame.lineNumber + 1, column: frame.columnNumber });
  if (!at?.source) return `${frame.functionName || '(anonymous)'} ${short(frame.url)}`;
  return `${at.name || frame.functionName || '(anonymous)'} ${at.source.replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, '')}:${at.line}`;
}

/** The functions with the most time in [from, to] µs, counting every frame on the stack (inclusive). */
function busiest({ samples, nodes }, from, to, count = 8) {
  const within = samples.filter((s) => s.t >= from && s.t <= to);
  const total = new Map();
  const names = new Map();
  within.forEach((s, i) => {
    const dt = ((within[i + 1]?.t ?? to) - s.t) / 1000;
    const seen = new Set();
    for (let n = nodes.get(s.id); n; n = nodes.get(n.parent)) {
      if (!n.callFrame.url) continue;
      const name = (names.has(n.id) ? names : names.set(n.id, original(n.callFrame))).get(n.id);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + dt);
    }
  });
  return [...total].sort((a, b) => b[1] - a[1]).slice(0, count).map(([name, ms]) => `${name} ${Math.round(ms)}`);
}
