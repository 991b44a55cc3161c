/**
 * The part of the shadow tree the first frame needs, in plain DOM: the <video>, the page's slot and
 * a loading spinner. Everything drawn with Lit templates (overlays, controls, a paid video's UI) comes
 * after it from the lazy chrome chunk (ui/chrome.ts), so lit-html is not in the first script; the
 * spinner stands in for the chrome's loading overlay until then ("never a blank box").
 */
export interface ShellState {
  muted: boolean;
  autoplay: boolean;
  loop: boolean;
  preload: string;
  poster: string;
}

export class Shell {
  readonly video: HTMLVideoElement;
  private readonly spinner: HTMLElement;
  /** What was last written: like a template binding, a property is set again only when it changes. */
  private last: Partial<ShellState> = {};

  constructor(root: ShadowRoot, state: ShellState, onClick: () => void) {
    const doc = root.ownerDocument;
    const video = (this.video = doc.createElement('video'));
    video.setAttribute('part', 'video');
    video.setAttribute('playsinline', '');
    video.addEventListener('click', onClick);
    // Before it enters the document, as a template would: autoplay and muted are read when loading starts.
    this.sync(state);
    const spinner = (this.spinner = doc.createElement('div'));
    spinner.className = 'overlay quiet';
    spinner.setAttribute('part', 'overlay loading');
    spinner.setAttribute('role', 'status');
    spinner.hidden = true;
    spinner.append(doc.createElement('span'));
    spinner.firstElementChild!.className = 'spinner';
    root.append(video, doc.createElement('slot'), spinner);
  }

  sync(s: ShellState): void {
    const v = this.video;
    const last = this.last;
    if (last.muted !== s.muted) v.muted = s.muted;
    if (last.autoplay !== s.autoplay) v.toggleAttribute('autoplay', s.autoplay);
    if (last.loop !== s.loop) v.toggleAttribute('loop', s.loop);
    if (last.preload !== s.preload) v.setAttribute('preload', s.preload);
    if (last.poster !== s.poster) {
      if (s.poster) v.setAttribute('poster', s.poster);
      else v.removeAttribute('poster');
    }
    this.last = { ...s };
  }

  /** Until the chrome takes over the overlays. */
  spin(on: boolean, label: string): void {
    this.spinner.hidden = !on;
    if (on) this.spinner.setAttribute('aria-label', label);
  }
}
