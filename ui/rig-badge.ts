import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RigStatus } from '../actors/protocol.js';
import type { Locale } from '../machines/schemas.js';
import { t } from './i18n.js';
import { rigBadge } from './rig-status.js';

/**
 * The station's simulator link as a small pill: green connected, amber connecting, red
 * offline (the last error as its tooltip). A simulated rig is marked "simulado" in small type,
 * so staff never mistake the demo rig for BeamNG. Renders nothing when the station has no rig.
 */
@customElement('rig-badge')
export class RigBadge extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
    }
    .badge {
      display: inline-flex;
      align-items: center;
      gap: 10px;
      font-size: var(--rig-badge-size, 20px);
      font-weight: 600;
      line-height: 1.2;
      padding: 6px 16px;
      border-radius: 999px;
      white-space: nowrap;
      color: #fff;
    }
    .badge::before {
      content: '';
      flex: none;
      width: 14px;
      height: 14px;
      border-radius: 50%;
      background: #fff;
    }
    .ok {
      background: #0a7d3b;
    }
    .pending {
      background: #b35c00;
    }
    .pending::before {
      animation: blink 1s steps(2) infinite;
    }
    .down {
      background: #c41a1a;
    }
    small {
      font-size: 0.8em;
      font-weight: 500;
      opacity: 0.85;
    }
    @keyframes blink {
      50% {
        opacity: 0;
      }
    }
  `;

  /** The rig status the server sent; null (no simulator at this station) renders nothing. */
  @property({ attribute: false }) rig: RigStatus | null = null;
  /** Language of the label. */
  @property() locale: Locale = 'pt-BR';

  override render() {
    const rig = this.rig;
    if (!rig) return nothing;
    const { tone, label } = rigBadge(rig);
    const title =
      rig.status === 'disconnected' && rig.last_error ? rig.last_error.message : rig.address;
    return html`<span class="badge ${tone}" role="status" title=${title} data-rig=${rig.status}
      >${t(this.locale, label)}${rig.simulated ? html`<small>· ${t(this.locale, 'rig.simulated')}</small>` : nothing}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'rig-badge': RigBadge;
  }
}
