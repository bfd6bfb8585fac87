import { LitElement, css, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';

/**
 * A simple VW-like roundel, drawn here (not the trademark artwork): a ring with a V over a W
 * made of plain strokes, in white on the brand's dark blue.
 */
@customElement('vw-roundel')
export class VwRoundel extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      width: var(--roundel-size, 72px);
      height: var(--roundel-size, 72px);
    }
    svg {
      width: 100%;
      height: 100%;
      display: block;
    }
  `;

  /** Accessible name of the mark. */
  @property() label = 'VW';

  override render() {
    return svg`<svg viewBox="0 0 100 100" role="img" aria-label=${this.label}>
      <circle cx="50" cy="50" r="47" fill="#001e50" stroke="#fff" stroke-width="5" />
      <circle cx="50" cy="50" r="38" fill="none" stroke="#fff" stroke-width="3" />
      <polyline points="30,22 50,58 70,22" fill="none" stroke="#fff" stroke-width="6" stroke-linejoin="round" stroke-linecap="round" />
      <polyline points="18,40 33,80 50,52 67,80 82,40" fill="none" stroke="#fff" stroke-width="6" stroke-linejoin="round" stroke-linecap="round" />
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'vw-roundel': VwRoundel;
  }
}
