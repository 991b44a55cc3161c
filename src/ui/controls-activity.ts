import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { focusMenu } from './settings-menu.js';

/**
 * Below this width of the player itself (not the viewport: a player can be small on a desktop page),
 * the bar keeps play, mute, time, captions, settings and full screen; speed, volume and
 * picture-in-picture move into the settings menu, and every target grows to 44 px.
 */
export const COMPACT_WIDTH = 480;
/** Idle time before the controls hide while playing (YouTube ~3 s, Vidstack 2 s). */
export const HIDE_AFTER_MS = 2500;

type Host = HTMLElement & ReactiveControllerHost & { readonly paused: boolean; readonly ended: boolean };

/**
 * When the controls show, per player: layout width, the settings menu, and auto-hide. While playing,
 * they hide after a pause in activity (mouse move, key, focus, tap); a tap on the picture toggles
 * them on touch, where it does not play or pause (the centre button does). They stay while paused,
 * while the menu is open and while a keyboard focus ring is inside. Hidden is reflected as the
 * host's `data-controls-hidden`, which the bar, the counter and the signed-in badge follow in CSS.
 */
export class ControlsActivity implements ReactiveController {
  compact: boolean;
  menuOpen = false;
  private hidden = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private resize: ResizeObserver | undefined;
  private abort: AbortController | undefined;
  private pointer = matchMedia('(pointer: coarse)').matches ? 'touch' : 'mouse';
  private mouseOver = false;
  private overControls = false;

  constructor(private readonly host: Host) {
    this.compact = host.clientWidth > 0 && host.clientWidth < COMPACT_WIDTH;
    host.addController(this);
  }

  hostConnected(): void {
    const { host } = this;
    this.abort = new AbortController();
    const on = (target: EventTarget, type: string, fn: (e: Event) => void, capture = false) =>
      target.addEventListener(type, fn, { signal: this.abort!.signal, capture });
    this.resize = new ResizeObserver(([entry]) => this.setCompact(entry!.contentRect.width < COMPACT_WIDTH));
    this.resize.observe(host);
    on(host, 'pointerdown', (e) => {
      this.pointer = (e as PointerEvent).pointerType;
      // A touch on hidden controls only reveals them, in the click that follows (onClick).
      if (this.pointer !== 'touch' || !this.hidden) this.show();
    }, true);
    on(host, 'pointermove', (e) => {
      if ((e as PointerEvent).pointerType !== 'mouse') return;
      this.mouseOver = true;
      this.overControls = e.composedPath().some((n) => (n as Element).classList?.contains('controls'));
      this.show();
    });
    on(host, 'pointerleave', (e) => {
      this.mouseOver = this.overControls = false;
      if ((e as PointerEvent).pointerType === 'mouse') this.hideNow();
    });
    on(host, 'focusin', () => this.show());
    on(host, 'keydown', () => this.show());
    for (const type of ['play', 'pause', 'ended', 'playing']) on(host, type, () => this.show());
    if (host.shadowRoot) on(host.shadowRoot, 'click', (e) => this.onClick(e as MouseEvent), true);
  }

  hostDisconnected(): void {
    this.abort?.abort();
    this.resize?.disconnect();
    clearTimeout(this.timer);
  }

  toggleMenu(open = !this.menuOpen): void {
    if (open === this.menuOpen) return;
    this.menuOpen = open;
    this.show();
    this.host.requestUpdate();
    if (open) void this.host.updateComplete.then(() => focusMenu(this.host.shadowRoot));
  }

  /** Shows the controls and, while playing, starts the idle countdown again. */
  show(): void {
    clearTimeout(this.timer);
    // Playing with the mouse elsewhere and no focus inside, as a desktop player: nothing over the picture
    // (and nothing to repaint on every timeupdate).
    const away = this.pointer === 'mouse' && !this.mouseOver && !this.host.matches(':focus-within');
    if (away && this.playing && !this.menuOpen) return this.setHidden(true);
    this.setHidden(false);
    if (this.playing) this.timer = setTimeout(() => this.hideNow(), HIDE_AFTER_MS);
  }

  private hideNow(): void {
    clearTimeout(this.timer);
    if (!this.playing || this.menuOpen || this.overControls || this.focusRingInside()) return;
    this.setHidden(true);
  }

  private get playing(): boolean {
    return !this.host.paused && !this.host.ended;
  }

  /** A keyboard user's focused control must never fade out under them. */
  private focusRingInside(): boolean {
    return !!this.host.shadowRoot?.activeElement?.matches(':focus-visible');
  }

  private setHidden(hidden: boolean): void {
    if (hidden === this.hidden) return;
    this.hidden = hidden;
    this.host.toggleAttribute('data-controls-hidden', hidden);
  }

  private setCompact(compact: boolean): void {
    if (compact === this.compact) return;
    this.compact = compact;
    this.menuOpen &&= compact;
    this.host.requestUpdate();
  }

  /**
   * Captures clicks before the <video>'s own handler (which plays or pauses): a click outside the
   * open menu only closes it; a tap on the picture shows or hides the controls instead of playing.
   */
  private onClick(e: MouseEvent): void {
    const path = e.composedPath() as Element[];
    const onVideo = path[0]?.tagName === 'VIDEO';
    if (this.menuOpen && !path.some((n) => n.classList?.contains('menu') || n.classList?.contains('settings'))) {
      this.toggleMenu(false);
      if (onVideo) e.stopPropagation();
      return;
    }
    const touch = ((e as PointerEvent).pointerType || this.pointer) === 'touch';
    if (!onVideo || !touch) return;
    e.stopPropagation();
    if (this.hidden || !this.playing) this.show();
    else { clearTimeout(this.timer); this.setHidden(true); }
  }
}

const activities = new WeakMap<Element, ControlsActivity>();

/** The one ControlsActivity of a player, made on its first render with controls. */
export function controlsActivity(host: HTMLElement): ControlsActivity {
  let a = activities.get(host);
  if (!a) activities.set(host, (a = new ControlsActivity(host as Host)));
  return a;
}
