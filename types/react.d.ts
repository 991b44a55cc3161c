// React 19 JSX typings for <sippar-player>: `import 'sippar-player/react'` registers the element
// and types it in TSX. React 19 sets a prop as a property when the element has one, else as an
// attribute, and turns `on` + an event name (lowercase, as dispatched) into addEventListener:
// `onsippar-tick`, `onplay`. React's own camelCase handlers (`onPlay`) do not reach a custom element's
// media events, which do not bubble. Copied to dist/types/react.d.ts by scripts/build.mjs.
import type { HTMLAttributes, RefAttributes } from 'react';
import type { SipparMediaEvent, SipparPlayer, SipparPlayerEventMap } from './index.js';

export * from './index.js';

/** Attributes as written in HTML (React 19 passes kebab-case names through as attributes). */
export interface SipparPlayerAttributes {
  src?: string;
  poster?: string;
  autoplay?: boolean;
  muted?: boolean;
  loop?: boolean;
  preload?: 'none' | 'metadata' | 'auto';
  /** ALGO per second, a decimal string ("0.001"); absent or "0" is free. */
  rate?: string;
  /** ALGO one session may spend. */
  budget?: string;
  'preview-seconds'?: string | number;
  'pause-when-hidden'?: boolean;
  'content-id'?: string;
  api?: string;
  'grace-seconds'?: string | number;
  'identity-provider'?: string;
  'derivation-origin'?: string;
  'max-time-to-live'?: string | number;
  /** The platform's top-up page, opened by the player's "Top up" button. */
  'topup-url'?: string;
  /** A display hint: a currency and the price of one ALGO in it ("USD 0.18"). */
  fiat?: string;
  /** Names the player's region landmark (with `aria-label`); give each player on a page its own. */
  title?: string;
  class?: string;
}

/** `onsippar-tick={(e) => e.detail.totalMicroAlgos}`: the element's own events, typed by their detail. */
export type SipparPlayerEventProps = {
  [K in keyof SipparPlayerEventMap as `on${K}`]?: (event: SipparPlayerEventMap[K]) => void;
};
/** `onplay`, `ontimeupdate`, …: the media events re-dispatched from the host. */
export type SipparMediaEventProps = {
  [K in SipparMediaEvent as `on${K}`]?: (event: Event) => void;
};

export type SipparPlayerProps = Omit<HTMLAttributes<SipparPlayer>, keyof SipparPlayerAttributes> &
  SipparPlayerAttributes & SipparPlayerEventProps & SipparMediaEventProps & RefAttributes<SipparPlayer>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'sippar-player': SipparPlayerProps;
    }
  }
}
