// React 19: <sippar-player> in TSX with its attributes and event props, typed by the package.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { SipparErrorDetail, SipparPlayer, SipparTickDetail } from 'sippar-player/react';
import 'sippar-player/react';

const events: string[] = [];
(window as unknown as { consumerLog: string[] }).consumerLog = events;

function App() {
  const [state, setState] = useState('loading');
  return (
    <main>
      <p id="state">{state}</p>
      <sippar-player
        title="Trailer"
        src="/media/basic/index.m3u8"
        muted
        autoplay
        preload="auto"
        preview-seconds={30}
        ref={(el: SipparPlayer | null) => { if (el) events.push(`ref ${el.tagName.toLowerCase()}`); }}
        onplaying={() => { events.push('playing'); setState('playing'); }}
        onsippar-error={(e) => {
          const d: SipparErrorDetail = e.detail;
          events.push(`error ${d.code}`);
        }}
        onsippar-tick={(e) => {
          const d: SipparTickDetail = e.detail;
          // @ts-expect-error: the detail is typed, not `any`
          const wrong: string = d.seq;
          events.push(`tick ${wrong}`);
        }}
      />
      <sippar-player title="Broken" src="/media/does-not-exist/index.m3u8" muted autoplay
        onsippar-error={(e) => events.push(`error ${e.detail.code}`)} />
    </main>
  );
}

// @ts-expect-error: not an attribute of <sippar-player>
const typo = <sippar-player srcc="/x.m3u8" />;
void typo;

createRoot(document.getElementById('root')!).render(<App />);
