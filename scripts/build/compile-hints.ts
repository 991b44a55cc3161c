// V8's explicit compile hint (`//# allFunctionsCalledOnLoad`, Chrome 136+; other engines read a comment)
// on the files a first frame runs through: the element's module and the hls.js chunks with the session
// glue. Without it V8 compiles each function lazily, on the main thread, the first time it is called;
// nearly all of these files runs on the way to the first frame, so that compilation is a long
// series of main-thread pauses inside hls.js's manifest and segment handling (long tasks on a 4× slowed
// phone CPU: scripts/bench/long-tasks.mjs). With the hint V8 compiles every function of the file on a
// background thread while the file streams in. Measured in one run (bench-results, 4× CPU, 3 loads):
// main-thread compilation before `playing` 219–252 ms → 13–19 ms. Cost: about 30 bytes gzip per file,
// and background compilation of the few functions a first frame never calls.
// Chunks loaded on a viewer's action (sign-in, payments) keep lazy compilation: most of their code
// never runs on a given visit.
import type { RenderedChunk } from 'rolldown';

/** Chunk names (rolldown's `[name]`) that a first frame needs, besides the entry module. */
const FIRST_FRAME = new Set(['hls.light', 'hls-session', 'hls', 'hls-ads']);

export const COMPILE_HINT = '//# allFunctionsCalledOnLoad';

/**
 * For `output.postBanner`: added after minification, so the minifier cannot drop it; must be the file's first
 * line. Other chunks get `undefined`, not '' (rolldown's type says string): an empty banner still adds a line.
 */
export function compileHint(chunk: RenderedChunk): string {
  return (chunk.isEntry || FIRST_FRAME.has(chunk.name) ? COMPILE_HINT : undefined) as string;
}
