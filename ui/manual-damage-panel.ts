import { LitElement, css, html, nothing, svg } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Locale, SessionError } from '../machines/schemas.js';
import { t, tCount } from './i18n.js';
import {
  CLOSE_MANUAL_DAMAGE_EVENT,
  SEVERITIES,
  ZONE_GRID,
  manualDamageBody,
  postManualDamage,
  type ManualChoices,
  type ManualSeverity,
  type ManualZone,
} from './manual-damage.js';
import { severityColour } from './severity.js';
import { theme } from './theme.js';

/**
 * Staff-only overlay for entering damage by hand when the simulator gave nothing usable: the
 * nine zones laid out over a car seen from above (front at the top), each with light /
 * moderate / severe, and a Send that POSTs them. The form is the only state it keeps; the
 * session change the server makes arrives over the WebSocket like any other, and the kiosk
 * closes the panel when the session no longer takes manual entries.
 */
@customElement('manual-damage-panel')
export class ManualDamagePanel extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        position: absolute;
        inset: 0;
        z-index: 10;
        display: grid;
        place-items: center;
        background: rgba(0, 16, 44, 0.72);
      }
      .sheet {
        display: grid;
        grid-template-columns: 1040px 440px;
        grid-template-rows: auto minmax(0, 1fr);
        gap: 20px 40px;
        width: 1600px;
        max-height: calc(100% - 32px);
        padding: 28px 40px 32px;
        border-radius: var(--radius);
        background: var(--vw-white);
        border-top: 14px solid #f2b705;
        box-shadow: 0 16px 64px rgba(0, 0, 0, 0.4);
      }
      header {
        grid-column: 1 / -1;
        display: flex;
        align-items: baseline;
        gap: 20px;
      }
      .tag {
        padding: 4px 16px;
        border-radius: 8px;
        background: #f2b705;
        color: #1d1600;
        font-size: 22px;
        font-weight: 800;
        letter-spacing: 0.1em;
        text-transform: uppercase;
      }
      h2 {
        font-size: 40px;
        white-space: nowrap;
      }
      header p {
        flex: 1;
        min-width: 0;
        text-align: right;
        font-size: 22px;
        color: var(--muted);
      }
      .car {
        position: relative;
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        grid-template-rows: repeat(3, 1fr);
        gap: 12px;
        min-height: 0;
        height: 660px;
      }
      .car svg {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        pointer-events: none;
      }
      .zone {
        position: relative;
        display: flex;
        flex-direction: column;
        justify-content: space-between;
        gap: 10px;
        padding: 16px;
        border-radius: 16px;
        border: 3px solid var(--line);
        background: rgba(244, 247, 252, 0.62);
      }
      .zone.chosen {
        border-color: var(--c);
        background: color-mix(in srgb, var(--c) 16%, rgba(255, 255, 255, 0.9));
      }
      .zone .name {
        font-size: 26px;
        font-weight: 800;
        color: var(--vw-dark);
      }
      .zone .levels {
        display: flex;
        gap: 8px;
      }
      .zone button {
        flex: 1;
        min-height: 64px;
        padding: 4px 6px;
        font-size: 20px;
        font-weight: 700;
        border-width: 3px;
        border-radius: 12px;
        background: var(--vw-white);
        color: var(--ink);
        border-color: #b5c0d3;
      }
      .zone button[aria-pressed='true'] {
        background: var(--c);
        border-color: var(--c);
        color: #fff;
      }
      .zone button[data-severity='light'][aria-pressed='true'] {
        color: #1d1600;
      }
      aside {
        display: flex;
        flex-direction: column;
        gap: 16px;
        min-height: 0;
      }
      aside h3 {
        margin: 0;
        font-size: 26px;
        color: var(--vw-dark);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 8px;
        overflow-y: auto;
        min-height: 0;
        flex: 1;
      }
      li {
        display: flex;
        justify-content: space-between;
        gap: 12px;
        padding: 10px 16px;
        border-radius: 12px;
        background: var(--vw-light);
        font-size: 22px;
      }
      li strong {
        color: var(--c);
      }
      .empty {
        font-size: 22px;
        color: var(--muted);
      }
      .error-box {
        font-size: 22px;
        padding: 16px 20px;
      }
      .error-box strong {
        font-size: 24px;
        margin-bottom: 4px;
      }
      .buttons {
        display: flex;
        flex-direction: column;
        gap: 14px;
      }
      .buttons button {
        width: 100%;
        min-height: 80px;
        font-size: 28px;
      }
    `,
  ];

  /** Station whose session the entry is for. */
  @property({ attribute: 'station-id' }) stationId = '';
  /** Language of the panel (the session's). */
  @property() locale: Locale = 'pt-BR';
  /** The link to the server is down: the choices stay, Send waits for the connection. */
  @property({ type: Boolean }) offline = false;
  /** How the entry is sent (the staff console adds its operator header); plain `fetch` by default. */
  @property({ attribute: false }) fetchFn: typeof fetch = (...args) => fetch(...args);

  @state() private _choices: ManualChoices = {};
  @state() private _sending = false;
  @state() private _error: SessionError | null = null;

  override render() {
    const locale = this.locale;
    const chosen = manualDamageBody(this._choices).zones;
    return html`<div
      class="sheet"
      role="dialog"
      aria-modal="true"
      aria-labelledby="title"
      data-testid="manual-panel"
    >
      <header>
        <span class="tag">${t(locale, 'manual.staffOnly')}</span>
        <h2 id="title">${t(locale, 'manual.title')}</h2>
        <p>${t(locale, 'manual.hint')}</p>
      </header>
      <div class="car">
        ${this._renderOutline()} ${ZONE_GRID.map((zone) => this._renderZone(zone))}
      </div>
      <aside>
        <h3>
          ${chosen.length ? tCount(locale, 'manual.selected', chosen.length) : t(locale, 'manual.none')}
        </h3>
        <ul>
          ${chosen.map(
            ({ zone, severity }) =>
              html`<li style="--c:${severityColour(severity)}">
                <span>${t(locale, `zone.${zone}`)}</span
                ><strong>${t(locale, `severity.${severity}`)}</strong>
              </li>`,
          )}
        </ul>
        ${
          this._error
            ? html`<div class="error-box" role="alert" data-testid="manual-error">
                ${
                  this._error.code === 'network'
                    ? html`<strong>${t(locale, 'conn.notSent')}</strong>`
                    : html`<strong>${t(locale, 'manual.refused')}</strong>${this._error.message}`
                }
              </div>`
            : nothing
        }
        <div class="buttons">
          <button
            data-testid="manual-send"
            ?disabled=${this.offline || chosen.length === 0 || this._sending}
            @click=${this._onSend}
          >
            ${t(locale, this._sending ? 'manual.sending' : 'manual.send')}
          </button>
          <button
            class="secondary"
            data-testid="manual-cancel"
            ?disabled=${this._sending}
            @click=${this._onCancel}
          >
            ${t(locale, 'manual.cancel')}
          </button>
        </div>
      </aside>
    </div>`;
  }

  private _renderZone(zone: ManualZone) {
    const current = this._choices[zone];
    return html`<div
      class="zone ${current ? 'chosen' : ''}"
      data-zone=${zone}
      style=${current ? `--c:${severityColour(current)}` : ''}
      role="group"
      aria-label=${t(this.locale, `zone.${zone}`)}
    >
      <span class="name">${t(this.locale, `zone.${zone}`)}</span>
      <div class="levels">
        ${SEVERITIES.map(
          (severity) =>
            html`<button
              data-severity=${severity}
              style="--c:${severityColour(severity)}"
              aria-pressed=${current === severity ? 'true' : 'false'}
              ?disabled=${this._sending}
              @click=${() => this._onChoose(zone, severity)}
            >
              ${t(this.locale, `severity.${severity}`)}
            </button>`,
        )}
      </div>
    </div>`;
  }

  /** A faint car seen from above behind the zones, so "front left" is where staff expect it. */
  private _renderOutline() {
    return html`<svg viewBox="0 0 300 660" preserveAspectRatio="xMidYMid meet" aria-hidden="true">
      ${svg`<path d="M 90 20 Q 150 8 210 20 Q 250 30 252 90 L 254 570 Q 252 630 212 640 Q 150 652 88 640 Q 48 630 46 570 L 48 90 Q 50 30 90 20 Z"
        fill="#e8eefb" stroke="#9fb0cc" stroke-width="5" />
        <path d="M 78 200 Q 150 180 222 200 L 212 260 Q 150 250 88 260 Z" fill="#d3e2f6" stroke="#9fb0cc" stroke-width="4" />
        <path d="M 88 520 Q 150 530 212 520 L 206 570 Q 150 580 94 570 Z" fill="#d3e2f6" stroke="#9fb0cc" stroke-width="4" />`}
    </svg>`;
  }

  private _onChoose(zone: ManualZone, severity: ManualSeverity) {
    const next = { ...this._choices };
    if (next[zone] === severity) delete next[zone];
    else next[zone] = severity;
    this._choices = next;
    this._error = null;
  }

  private async _onSend() {
    this._sending = true;
    this._error = null;
    const result = await postManualDamage(this.stationId, this._choices, this.fetchFn);
    this._sending = false;
    if (result.ok) {
      this._choices = {};
      this._close();
    } else {
      this._error = result.error;
    }
  }

  private _onCancel() {
    this._close();
  }

  private _close() {
    this.dispatchEvent(new Event(CLOSE_MANUAL_DAMAGE_EVENT, { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'manual-damage-panel': ManualDamagePanel;
  }
}
