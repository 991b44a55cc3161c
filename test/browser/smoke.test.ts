import '../../src/index.js';

describe('smoke', () => {
  it('plays a plain MP4', async () => {
    const el = document.createElement('sippar-player');
    el.setAttribute('src', '/media/basic.mp4');
    el.muted = true; el.autoplay = true;
    document.body.append(el);
    await el.updateComplete;
    const video = el.shadowRoot!.querySelector('video')!;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no time advance')), 8000);
      video.addEventListener('timeupdate', () => { if (video.currentTime > 0.5) { clearTimeout(t); resolve(); } });
    });
    if (!(video.currentTime > 0.5)) throw new Error('time did not advance');
    el.remove();
  });
});
