import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RigStatus } from '../actors/protocol.js';
import type { Locale } from '../machines/schemas.js';
import { commandEvent } from './commands.js';
import { t } from './i18n.js';
import type { ConnectionState } from './live-socket.js';
import { STEPS, type ScreenName } from './steps.js';
import './rig-badge.js';
import { theme } from './theme.js';
import './vw-roundel.js';

/**
 * The header every kiosk screen keeps: roundel, station name, the five-step indicator,
 * the server connection and simulator badges, and the PT/EN toggle (which asks the server, so both screens switch).
 */
@customElement('step-header')
export class StepHeader extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 20px;
        height: 120px;
        padding: 0 32px;
        --rig-badge-size: 18px;
        background: var(--vw-dark);
        color: var(--vw-white);
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 24px;
        min-width: 0;
        flex: 0 1 340px;
      }
      .station {
        font-size: 32px;
        font-weight: 700;
        line-height: 1.1;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .station small {
        display: block;
        font-size: 20px;
        font-weight: 500;
        opacity: 0.75;
      }
      ol {
        flex: 1 1 auto;
        min-width: 0;
        display: flex;
        gap: 10px;
        list-style: none;
        margin: 0;
        padding: 0;
        justify-content: center;
        counter-reset: step;
      }
      li {
        display: flex;
        align-items: center;
        gap: 8px;
        font-size: 21px;
        font-weight: 600;
        opacity: 0.55;
        white-space: nowrap;
      }
      li + li::before {
        content: '';
        width: 14px;
        height: 3px;
        background: currentColor;
        opacity: 0.5;
        margin-right: 4px;
      }
      li .dot {
        display: inline-grid;
        place-items: center;
        width: 42px;
        height: 42px;
        border-radius: 50%;
        border: 3px solid currentColor;
        font-size: 20px;
        font-weight: 800;
      }
      li.done {
        opacity: 0.85;
      }
      li.done .dot {
        background: var(--vw-white);
        color: var(--vw-dark);
      }
      li.current {
        opacity: 1;
      }
      li.current .dot {
        background: var(--vw-blue);
        border-color: var(--vw-white);
      }
      .links {
        display: flex;
        flex-direction: column;
        align-items: flex-end;
        gap: 6px;
      }
      .badge {
        display: inline-flex;
        align-items: center;
        gap: 10px;
        font-size: 18px;
        font-weight: 600;
        line-height: 1.2;
        padding: 6px 16px;
        border-radius: 999px;
        background: rgba(255, 255, 255, 0.12);
        white-space: nowrap;
      }
      .badge::before {
        content: '';
        width: 14px;
        height: 14px;
        border-radius: 50%;
        background: #3ddc84;
      }
      .badge.reconnecting,
      .badge.connecting {
        background: #f07c00;
      }
      .badge.reconnecting::before,
      .badge.connecting::before {
        background: #fff;
        animation: blink 1s steps(2) infinite;
      }
      @keyframes blink {
        50% {
          opacity: 0;
        }
      }
      /* What the server last said about the simulator; not current while the server is away. */
      rig-badge.stale {
        opacity: 0.45;
        filter: grayscale(1);
      }
      .lang {
        display: flex;
        border: 3px solid var(--vw-white);
        border-radius: 999px;
        overflow: hidden;
      }
      .lang button {
        min-height: 60px;
        padding: 8px 18px;
        font-size: 24px;
        border: none;
        border-radius: 0;
        background: transparent;
        color: var(--vw-white);
      }
      .lang button[aria-pressed='true'] {
        background: var(--vw-white);
        color: var(--vw-dark);
      }
    `,
  ];

  /** Station name shown beside the roundel. */
  @property({ attribute: 'station-name' }) stationName = '';
  /** Vehicle shown under the station name. */
  @property({ attribute: 'vehicle-name' }) vehicleName = '';
  /** Screen the session is on; null hides the step indicator (e.g. before the first message). */
  @property() screen: ScreenName | null = null;
  /** Language the screens speak (the session's locale). */
  @property() locale: Locale = 'pt-BR';
  /** State of the link to the server. */
  @property() connection: ConnectionState = 'connecting';
  /** The station's simulator link; null hides its badge (a station without a simulator). */
  @property({ attribute: false }) rig: RigStatus | null = null;
  /** Whether the language toggle can be used (off until the session is known). */
  @property({ type: Boolean, attribute: 'can-set-locale' }) canSetLocale = false;

  override render() {
    const current = this.screen ? STEPS.findIndex((step) => step.screen === this.screen) : -1;
    return html`
      <div class="brand">
        <vw-roundel></vw-roundel>
        <div class="station">
          ${this.stationName}
          ${this.vehicleName ? html`<small>${this.vehicleName}</small>` : nothing}
        </div>
      </div>
      <ol aria-label=${t(this.locale, 'app.title')}>
        ${
          current < 0
            ? nothing
            : STEPS.map(
                (step, index) =>
                  html`<li
                    class=${index < current ? 'done' : index === current ? 'current' : ''}
                    aria-current=${index === current ? 'step' : 'false'}
                  >
                    <span class="dot">${index < current ? '✓' : index + 1}</span
                    >${t(this.locale, step.label)}
                  </li>`,
              )
        }
      </ol>
      <div class="links">
        <span class="badge ${this.connection}" role="status" data-connection=${this.connection}
          >${t(this.locale, `conn.${this.connection}`)}</span
        >
        <rig-badge
          class=${this.connection === 'open' ? '' : 'stale'}
          .rig=${this.rig}
          .locale=${this.locale}
        ></rig-badge>
      </div>
      <div class="lang" role="group" aria-label=${t(this.locale, 'lang.label')}>
        ${(['pt-BR', 'en'] as const).map(
          (locale) =>
            html`<button
              data-testid="lang-${locale === 'pt-BR' ? 'pt' : 'en'}"
              aria-pressed=${this.locale === locale ? 'true' : 'false'}
              ?disabled=${!this.canSetLocale}
              @click=${() => this._onLocale(locale)}
            >
              ${locale === 'pt-BR' ? 'PT' : 'EN'}
            </button>`,
        )}
      </div>
    `;
  }

  private _onLocale(locale: Locale) {
    if (locale !== this.locale) this.dispatchEvent(commandEvent({ type: 'SET_LOCALE', locale }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'step-header': StepHeader;
  }
}
