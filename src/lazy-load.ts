/**
 * `loading="lazy"`, as on <img> and <iframe>: a player defers everything (hls.js, the manifest,
 * the paid chunk) until it comes within this distance of the viewport.
 */
export const LAZY_MARGIN = '600px';

export const isLazy = (el: Element): boolean => el.getAttribute('loading')?.toLowerCase() === 'lazy';

/** Calls `near` once `el` nears the viewport; returns a cancel function (teardown, DOM move). */
export function whenNearViewport(el: Element, near: () => void): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    near();
    return () => undefined;
  }
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    observer.disconnect();
    near();
  }, { rootMargin: LAZY_MARGIN });
  observer.observe(el);
  return () => observer.disconnect();
}
