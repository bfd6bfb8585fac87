import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Locale } from '../machines/schemas.js';
import { formatClock } from './format.js';
import { t } from './i18n.js';
import { theme } from './theme.js';

/**
 * What a station's screen shows while its link to the server is down: a scrim over the last
 * view the server sent (which the kiosk keeps, dimmed and inert, so nobody presses into the
 * void) and a card readable across the floor — "connection lost, reconnecting", the seconds to
 * the next attempt, since when, and that the screen comes back by itself. It appears after a
 * short delay, so a blip of a few hundred milliseconds does not flash it; it blocks taps at once.
 */
@customElement('connection-overlay')
export class ConnectionOverlay extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        position: absolute;
        inset: 0;
        z-index: 20;
        display: grid;
        place-items: center;
        background: rgba(0, 16, 44, 0.55);
        animation: appear 250ms ease-out 600ms both;
      }
      @keyframes appear {
        from {
          opacity: 0;
        }
      }
      .card {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr);
        align-items: center;
        gap: 12px 48px;
        width: 1320px;
        max-width: calc(100% - 96px);
        padding: 48px 64px;
        border-radius: var(--radius);
        background: var(--vw-white);
        border-top: 16px solid #f07c00;
        box-shadow: 0 16px 64px rgba(0, 0, 0, 0.45);
      }
      .spinner {
        grid-row: 1 / span 3;
        border-top-color: #f07c00;
      }
      h1 {
        font-size: 64px;
        line-height: 1.1;
      }
      .status {
        font-size: 36px;
        font-weight: 700;
        color: #b35a00;
        font-variant-numeric: tabular-nums;
      }
      .hint {
        display: flex;
        flex-direction: column;
        gap: 12px;
        margin-top: 8px;
        font-size: 28px;
        line-height: 1.3;
        color: var(--muted);
      }
    `,
  ];

  @property() locale: Locale = 'pt-BR';
  /** When the next attempt is due (epoch ms); null while one is under way. */
  @property({ attribute: false }) nextAttemptAt: number | null = null;
  /** When the link was lost (epoch ms); null if the screen never had one. */
  @property({ attribute: false }) offlineSince: number | null = null;
  /** Whether a last view is kept behind the scrim (says so), or the screen never had one. */
  @property({ type: Boolean, attribute: 'has-session' }) hasSession = false;

  /** Ticks once a second so the countdown moves. */
  @state() private _now = Date.now();
  private _ticker: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this._ticker = setInterval(() => (this._now = Date.now()), 1_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this._ticker);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('nextAttemptAt')) this._now = Date.now();
  }

  override render() {
    const locale = this.locale;
    const seconds =
      this.nextAttemptAt === null ? 0 : Math.ceil((this.nextAttemptAt - this._now) / 1_000);
    const status =
      seconds > 0 ? t(locale, 'conn.nextAttempt', { s: seconds }) : t(locale, 'conn.tryingNow');
    const since =
      this.offlineSince === null
        ? nothing
        : html`${t(locale, 'conn.since', {
            time: formatClock(new Date(this.offlineSince).toISOString(), locale),
          })} `;
    return html`<div class="card" role="alert" data-testid="connection-lost">
      <div class="spinner" aria-hidden="true"></div>
      <h1>${t(locale, 'conn.lostTitle')}</h1>
      <p class="status" data-testid="connection-status">${status}</p>
      <div class="hint">
        <p>${since}${t(locale, 'conn.lostHint')}</p>
        ${this.hasSession ? html`<p>${t(locale, 'conn.lastState')}</p>` : nothing}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'connection-overlay': ConnectionOverlay;
  }
}
