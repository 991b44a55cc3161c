/**
 * Live counts for leak tests: every hls.js instance and every timer the playback code creates
 * is counted here and uncounted when it is destroyed or cleared. Exported as `playbackDebug`.
 */
export const playbackDebug = {
  liveEngines: 0,
  liveTimers: 0,
  liveControllers: 0,
};
