import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import type { Locale, SessionError } from '../machines/schemas.js';
import { COMMAND_EVENT, canSend } from './commands.js';
import './confirmation-view.js';
import './connection-overlay.js';
import './damage-view.js';
import './dealer-view.js';
import './estimate-view.js';
import { t } from './i18n.js';
import './landing-view.js';
import './manual-damage-panel.js';
import {
  CLOSE_MANUAL_DAMAGE_EVENT,
  OPEN_MANUAL_DAMAGE_EVENT,
  acceptsManualDamage,
} from './manual-damage.js';
import { NOT_CONNECTED, SessionController } from './session-controller.js';
import './step-header.js';
import { screenFor } from './steps.js';
import { theme } from './theme.js';

/** How long the staff reset stays armed after the first tap. */
const RESET_ARM_MS = 4_000;

/**
 * One station's big screen: the header, the view for the session's current step, and a
 * footer with the illustrative-data note and a two-tap staff reset. Everything shown comes
 * from the SessionView the server pushes; views ask for changes with `kiosk-command` events,
 * and open the staff's manual damage panel with `open-manual-damage` (shown over the view
 * while the session takes manual entries).
 *
 * While the link to the server is down the last view stays on screen, dimmed, inert and with
 * every button disabled, under a "connection lost, reconnecting" card; when the socket is back
 * the server's current view replaces it (the session controller counts the link as live only
 * then). A command that still slips through is refused on screen, never queued.
 */
@customElement('station-kiosk')
export class StationKiosk extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: grid;
        grid-template-rows: auto minmax(0, 1fr) 56px;
        grid-template-columns: minmax(0, 1fr);
        width: 100vw;
        height: 100vh;
        overflow: hidden;
        background: #eef2f9;
      }
      main {
        min-height: 0;
        overflow: hidden;
        position: relative;
      }
      main > :not(.toast) {
        height: 100%;
      }
      /* The last view the server sent, kept while reconnecting: visibly not live. */
      main.offline > :not(.toast, connection-overlay) {
        filter: grayscale(0.85);
      }
      footer.offline > * {
        opacity: 0.5;
      }
      footer {
        display: flex;
        align-items: center;
        justify-content: space-between;
        padding: 0 48px;
        background: #e1e7f2;
        font-size: 20px;
        color: var(--muted);
      }
      footer button {
        min-height: 40px;
        padding: 4px 20px;
        font-size: 18px;
        font-weight: 600;
        border-width: 2px;
        background: transparent;
        color: var(--muted);
        border-color: #b5c0d3;
      }
      footer button.armed {
        background: var(--sev-severe);
        border-color: var(--sev-severe);
        color: #fff;
      }
      footer button:disabled {
        opacity: 0.4;
        background: transparent;
      }
      .toast {
        position: absolute;
        left: 50%;
        bottom: 32px;
        transform: translateX(-50%);
        max-width: 1400px;
        padding: 20px 36px;
        border-radius: 16px;
        background: #2b0a0a;
        color: #fff;
        font-size: 26px;
        box-shadow: 0 8px 32px rgba(0, 0, 0, 0.3);
        z-index: 30;
      }
      .toast strong {
        color: #ff9b9b;
        margin-right: 12px;
      }
    `,
  ];

  /** Id of the station whose session this screen shows (from the URL /station/{id}). */
  @property() station = '';

  @state() private _resetArmed = false;
  /** Staff opened the manual damage panel (a UI overlay, closed once the session moves on). */
  @state() private _manualOpen = false;

  private readonly _session = new SessionController(this, () => this.station);
  private _resetTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.addEventListener(COMMAND_EVENT, (event) => {
      event.stopPropagation();
      this._session.send(event.detail);
    });
    this.addEventListener(OPEN_MANUAL_DAMAGE_EVENT, (event) => {
      event.stopPropagation();
      this._manualOpen = true;
    });
    this.addEventListener(CLOSE_MANUAL_DAMAGE_EVENT, (event) => {
      event.stopPropagation();
      this._manualOpen = false;
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._resetTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // The first value is picked up by hostConnected; later changes reconnect to the new station.
    if (changed.has('station') && changed.get('station') !== undefined) this._session.reconnect();
    // The panel belongs to the moment the session takes manual entries; once it has moved on
    // (the entry was accepted, or someone else moved it) it closes and stays closed.
    const session = this._session.session;
    if (this._manualOpen && (!session || !acceptsManualDamage(session))) this._manualOpen = false;
    // An armed reset does not survive an outage: the screen may come back to another session.
    if (this._resetArmed && !this._session.live) {
      clearTimeout(this._resetTimer);
      this._resetArmed = false;
    }
  }

  protected override updated(): void {
    // Exposed for tests and for staff debugging from the devtools.
    const session = this._session.session;
    this.dataset.step = session?.step ?? '';
    this.dataset.session = session?.session_id ?? '';
    this.dataset.locale = session?.locale ?? '';
    this.dataset.connection = this._session.connection;
    this.dataset.rig = session?.rig?.status ?? '';
  }

  override render() {
    const session = this._session.session;
    const locale = session?.locale ?? 'pt-BR';
    const error = this._session.lastError;
    const live = this._session.live;
    const connection = this._session.connection;
    return html`
      <step-header
        station-name=${session?.station_name ?? this.station}
        vehicle-name=${session?.vehicle_name ?? ''}
        .screen=${session ? screenFor(session.step) : null}
        .locale=${locale}
        .connection=${connection}
        .rig=${session?.rig ?? null}
        ?can-set-locale=${session !== null && live}
      ></step-header>
      <main class=${session && !live ? 'offline' : ''}>
        ${
          session
            ? this._renderView(session, live)
            : connection === 'connecting'
              ? html`<div class="progress">
                  <div class="spinner"></div>
                  <h1>${t(locale, 'conn.connecting')}</h1>
                </div>`
              : nothing
        }
        ${
          session && this._manualOpen
            ? html`<manual-damage-panel
                station-id=${session.station_id}
                .locale=${locale}
                .offline=${!live}
              ></manual-damage-panel>`
            : nothing
        }
        ${
          !live && (session || connection === 'reconnecting')
            ? html`<connection-overlay
                .locale=${locale}
                .nextAttemptAt=${this._session.nextAttemptAt}
                .offlineSince=${this._session.offlineSince}
                ?has-session=${session !== null}
              ></connection-overlay>`
            : nothing
        }
        ${error ? this._renderToast(error, locale) : nothing}
      </main>
      <footer class=${session && !live ? 'offline' : ''}>
        <span
          >${t(locale, 'app.illustrative')}${session ? html` · ${session.session_id}` : nothing}</span
        >
        ${
          this._session.staff
            ? html`<button
                class=${this._resetArmed ? 'armed' : ''}
                data-testid="staff-reset"
                ?disabled=${!session || !live || !canSend(session, 'STAFF_RESET')}
                @click=${this._onStaffReset}
              >
                ${t(locale, this._resetArmed ? 'action.confirmReset' : 'action.staffReset')}
              </button>`
            : nothing
        }
      </footer>
    `;
  }

  /** The step's view; while not `live` its buttons are disabled and the whole view inert. */
  private _renderView(session: SessionView, live: boolean) {
    const offline = !live;
    switch (screenFor(session.step)) {
      case 'landing':
        return html`<landing-view
          .session=${session}
          .offline=${offline}
          ?staff=${this._session.staff}
          ?inert=${offline}
        ></landing-view>`;
      case 'damage':
        return html`<damage-view
          .session=${session}
          .offline=${offline}
          ?inert=${offline}
        ></damage-view>`;
      case 'estimate':
        return html`<estimate-view
          .session=${session}
          .offline=${offline}
          ?inert=${offline}
        ></estimate-view>`;
      case 'dealer':
        return html`<dealer-view
          .session=${session}
          .offline=${offline}
          ?inert=${offline}
        ></dealer-view>`;
      case 'confirmation':
        return html`<confirmation-view
          .session=${session}
          .offline=${offline}
          ?inert=${offline}
        ></confirmation-view>`;
    }
  }

  private _renderToast(error: SessionError, locale: Locale) {
    if (error.code === NOT_CONNECTED)
      return html`<div class="toast" role="alert" data-testid="not-sent">
        <strong>${t(locale, 'conn.notSent')}</strong>
      </div>`;
    return html`<div class="toast" role="alert">
      <strong
        >${error.code === 'bad_message' ? t(locale, 'error.badMessage') : t(locale, 'error.refused')}</strong
      >${error.message}
    </div>`;
  }

  private _onStaffReset() {
    // Two taps, so an attendee brushing the footer does not wipe a session.
    if (!this._resetArmed) {
      this._resetArmed = true;
      this._resetTimer = setTimeout(() => (this._resetArmed = false), RESET_ARM_MS);
      return;
    }
    clearTimeout(this._resetTimer);
    this._resetArmed = false;
    this._session.send({ type: 'STAFF_RESET' });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'station-kiosk': StationKiosk;
  }
}
