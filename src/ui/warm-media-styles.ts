/**
 * The first style of any <video> in a page makes Chromium parse its media-controls stylesheet (about
 * 120 KB, 15-20 ms of main thread on a phone 4× slower than a laptop) inside the rendering task that
 * first draws the player: with the rest of that frame's style and layout, a long task. Styling a
 * throw-away <video> in <head> (display: none, never drawn) does that parsing in a task of the
 * loader's own, while the module is still downloading. The element is removed in the same task:
 * nothing is drawn; a page's MutationObserver on <head> sees it come and go.
 */
export function warmMediaStyles(doc: Document = document): void {
  if (!doc.head || typeof getComputedStyle !== 'function') return;
  const video = doc.createElement('video');
  doc.head.append(video);
  void getComputedStyle(video).display;
  video.remove();
}
