// The player is a `region` landmark, and landmarks need names that tell them apart (axe
// `landmark-unique`): two players both called "Video player" are two identical regions. The page
// names each one with `aria-label`, `aria-labelledby` or `title`; only when it gives none does the
// player name itself, in the page's language, and it steps back as soon as the page gives one.

/** Attributes the page names the region with; the element observes them. */
export const LANDMARK_ATTRIBUTES = ['aria-label', 'aria-labelledby', 'title'];

export class LandmarkLabel {
  /** The aria-label the player wrote itself, so it can tell it from one the page gave. */
  private own: string | null = null;

  constructor(private readonly host: HTMLElement) {}

  sync(fallback: string): void {
    const host = this.host;
    const label = host.getAttribute('aria-label');
    const pageLabel = label !== null && label !== this.own;
    if (pageLabel) {
      this.own = null;
      return;
    }
    if (host.hasAttribute('aria-labelledby') || host.title.trim() !== '') {
      if (label !== null) host.removeAttribute('aria-label');
      this.own = null;
      return;
    }
    this.own = fallback;
    // Writing the same value again would call attributeChangedCallback, and this, forever.
    if (label !== fallback) host.setAttribute('aria-label', fallback);
  }
}
