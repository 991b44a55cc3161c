// hls.js ships one declaration file; the light build has the same API minus subtitles/EME.
declare module 'hls.js/light' {
  import Hls from 'hls.js';
  export default Hls;
}
