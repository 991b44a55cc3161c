/**
 * The only code that plays or pauses a paid video's media. Controls, keys and the element's `play()`
 * send requests here; the play policy's blockers decide. A request refused is remembered, so playback
 * resumes by itself when the last blocker goes (after signing in, a top-up, the API coming back).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadableAtom } from 'nanostores';
import { decide, type Blocker } from './play-policy.js';

export interface GovernorHost extends ReactiveControllerHost {
  readonly media: HTMLMediaElement | null;
}

export class PlayGovernor implements ReactiveController {
  /** The viewer (or the page, or autoplay) wants playback; false after a pause they asked for. */
  wantPlay = false;
  private media: HTMLMediaElement | null = null;
  /** Pauses we caused: their `pause` events are not the viewer's choice. */
  private ours = 0;
  private unsubscribe?: () => void;

  constructor(private readonly host: GovernorHost, private readonly blockers: ReadableAtom<readonly Blocker[]>) {
    host.addController(this);
  }

  get blocked(): boolean {
    return this.blockers.get().length > 0;
  }

  async requestPlay(): Promise<void> {
    this.wantPlay = true;
    const media = this.host.media;
    if (!media || this.blocked) return;
    await media.play();
  }

  requestPause(): void {
    this.wantPlay = false;
    this.host.media?.pause();
  }

  hostConnected(): void {
    this.unsubscribe = this.blockers.subscribe(() => this.enforce());
    this.hostUpdated();
  }

  hostUpdated(): void {
    const media = this.host.media;
    if (media === this.media) return;
    this.detach();
    this.media = media;
    media?.addEventListener('play', this.onPlay);
    media?.addEventListener('pause', this.onPause);
    media?.addEventListener('ended', this.onEnded);
    this.enforce();
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.detach();
    this.media = null;
  }

  private detach(): void {
    this.media?.removeEventListener('play', this.onPlay);
    this.media?.removeEventListener('pause', this.onPause);
    this.media?.removeEventListener('ended', this.onEnded);
  }

  /** Whoever started the media (autoplay, a page script, native controls) asked to play. */
  private readonly onPlay = (): void => {
    this.wantPlay = true;
    this.enforce();
  };

  private readonly onPause = (): void => {
    if (this.ours > 0) this.ours -= 1;
    else if (!this.blocked) this.wantPlay = false;
  };

  private readonly onEnded = (): void => {
    this.wantPlay = false;
  };

  private enforce(): void {
    const media = this.media;
    if (!media) return;
    const action = decide(this.blockers.get(), this.wantPlay, media.paused);
    if (action === 'pause') {
      this.ours += 1;
      media.pause();
    } else if (action === 'play') void media.play().catch(() => undefined);
  }
}
