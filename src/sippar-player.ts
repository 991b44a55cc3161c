import { LitElement, html, css } from 'lit';
import { property } from 'lit/decorators.js';

export class SipparPlayer extends LitElement {
  static override styles = css`:host { display: block; } video { width: 100%; }`;
  @property() src = '';
  @property({ type: Boolean }) muted = false;
  @property({ type: Boolean }) autoplay = false;

  override render() {
    return html`<video part="video" .src=${this.src} ?muted=${this.muted} .muted=${this.muted} ?autoplay=${this.autoplay} playsinline></video>`;
  }
}

if (globalThis.customElements && !customElements.get('sippar-player')) customElements.define('sippar-player', SipparPlayer);

declare global {
  interface HTMLElementTagNameMap { 'sippar-player': SipparPlayer; }
}
