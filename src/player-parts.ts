// The chunks a player loads after its first script, and when. The first script holds only what the
// first frame needs (the element, playback, the plain-DOM shell); then:
//  - the chrome (ui/chrome.ts: lit-html, overlays, controls): after the first render, after the first
//    frame for a player that starts on its own (ui/chrome-timing.ts), at once when an overlay has
//    something to say;
//  - on a paid player, the paid-video chunk (commerce.ts: identity, meter, payments): when the viewer
//    can need it (commerce-timing.ts), on a play request, or when the page awaits `updateComplete`.
import type { Commerce, CommerceHost } from './commerce.js';
import type { CommerceTiming } from './commerce-timing.js';

type Chrome = typeof import('./ui/chrome.js');
type PartsHost = CommerceHost & { readonly autoplay: boolean };

export class PlayerParts {
  commerce?: Commerce;
  chrome?: Chrome;
  private commerceLoading?: Promise<void>;
  private chromeLoading?: Promise<void>;
  private timing?: CommerceTiming;
  private waiting = false;

  constructor(private readonly host: PartsHost) {}

  /** Arms the paid chunk's triggers (autoplay, the viewer reaching for the player, a stored sign-in). */
  awaitCommerceNeed(): void {
    if (this.commerceLoading || this.waiting || !this.host.isConnected) return;
    this.waiting = true;
    // A chunk of a few hundred bytes, which only a paid player fetches.
    void import('./commerce-timing.js').then(({ whenCommerceNeeded }) => {
      if (!this.waiting || this.commerceLoading) return;
      const timing = (this.timing = whenCommerceNeeded(this.host));
      void timing.needed.then(() => { if (this.timing === timing) void this.loadCommerce(); });
    });
  }

  /** The element left the page before anyone reached for it: a reconnect arms the triggers again. */
  stopWaiting(): void {
    this.waiting = false;
    this.timing?.cancel();
    this.timing = undefined;
  }

  loadCommerce(): Promise<void> {
    this.stopWaiting();
    return (this.commerceLoading ??= import('./commerce.js').then(({ Commerce }) => {
      this.commerce = new Commerce(this.host);
      // Its overlays are Lit templates, drawn by the chrome.
      this.loadChrome();
      this.host.requestUpdate();
    }));
  }

  loadChrome(): void {
    this.chromeLoading ??= import('./ui/chrome.js').then((chrome) => {
      const root = this.host.renderRoot as ShadowRoot;
      const sheet = chrome.controlsStyles.styleSheet;
      if (sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      this.chrome = chrome;
      this.host.requestUpdate();
    });
  }

  /** The requested chunks still on their way; undefined when none is. */
  pending(): Promise<unknown> | undefined {
    const waits = [this.commerce ? undefined : this.commerceLoading, this.chrome ? undefined : this.chromeLoading].filter(Boolean);
    return waits.length ? Promise.all(waits) : undefined;
  }
}
