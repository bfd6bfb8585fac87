import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { Locale, SessionError } from '../machines/schemas.js';
import { FloorController } from './floor-controller.js';
import { formatClock } from './format.js';
import { t } from './i18n-staff.js';
import { acceptsManualDamage, CLOSE_MANUAL_DAMAGE_EVENT } from './manual-damage.js';
import './manual-damage-panel.js';
import {
  fetchAudit,
  fetchReplays,
  loadOperator,
  REPLAY_SCRIPTS,
  runningReplayOn,
  operatorHeaders,
  saveOperator,
  validOperator,
} from './staff-api.js';
import './staff-audit-panel.js';
import { floorCounts } from './staff-floor-model.js';
import './staff-station-card.js';
import { STAFF_ACTION_EVENT, STAFF_MANUAL_DAMAGE_EVENT } from './staff-station-card.js';
import { theme } from './theme.js';
import './vw-roundel.js';
import type { AuditEntry, ReplayRun } from './wire.js';

/** How often the audit log and the replays refresh on their own (they also do after every action). */
export const AUDIT_POLL_MS = 4_000;
/** How many audit entries the panel shows. */
const AUDIT_LIMIT = 50;
/** Where the console's language is kept between visits. */
const LOCALE_KEY = 'c2r.staff.locale';

/**
 * The staff floor view (`/staff`): every station live over `/ws/floor` — a card each with its
 * state and time in it, vehicle, simulator link, severity, estimate, dealer and last error;
 * stuck sessions and dropped simulators stand out — plus the staff actions on each card, the
 * manual damage panel, the audit log, the operator's name (sent with every action) and the
 * connection state (the last floor stays, dimmed and inert, while the socket reconnects).
 * Legible from two metres on a laptop; at 1600 px and wider the audit log sits beside the cards.
 */
@customElement('staff-floor')
export class StaffFloor extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        min-height: 100vh;
        background: var(--vw-dark);
        color: var(--vw-white);
        --roundel-size: 52px;
      }
      .page {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 360px;
        grid-template-rows: auto minmax(0, 1fr);
        gap: 14px 20px;
        height: 100vh;
        padding: 14px 24px 20px;
      }
      header {
        grid-column: 1 / -1;
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 12px 20px;
      }
      .heading {
        display: flex;
        align-items: center;
        gap: 16px;
        margin-right: auto;
      }
      h1 {
        font-size: 34px;
        color: var(--vw-white);
        line-height: 1.1;
      }
      h1 small {
        display: block;
        font-size: 16px;
        font-weight: 500;
        letter-spacing: 0;
        opacity: 0.75;
      }
      .pill {
        display: inline-flex;
        align-items: center;
        gap: 8px;
        padding: 6px 16px;
        border-radius: 999px;
        font-size: 18px;
        font-weight: 800;
        white-space: nowrap;
      }
      .pill::before {
        content: '';
        width: 12px;
        height: 12px;
        border-radius: 50%;
        background: currentColor;
      }
      .pill.open {
        background: #0a7d3b;
        color: #fff;
      }
      .pill.connecting,
      .pill.reconnecting {
        background: #f07c00;
        color: #fff;
      }
      .counts {
        display: flex;
        gap: 8px;
      }
      .count {
        padding: 6px 14px;
        border-radius: 10px;
        font-size: 18px;
        font-weight: 800;
        white-space: nowrap;
      }
      .count.stuck {
        background: #f2a900;
        color: #2b1d00;
      }
      .count.dropped,
      .count.failed {
        background: #d62020;
        color: #fff;
      }
      .count.calm {
        background: rgba(255, 255, 255, 0.12);
        color: #fff;
        font-weight: 600;
      }
      label.operator {
        display: flex;
        align-items: center;
        gap: 8px;
        font-size: 16px;
        font-weight: 600;
      }
      label.operator input {
        width: 170px;
        padding: 8px 12px;
        border-radius: 10px;
        border: 2px solid transparent;
        font: inherit;
        font-size: 17px;
        color: var(--ink);
      }
      label.operator input.invalid {
        border-color: #f2a900;
      }
      label.operator input.unnamed {
        border-color: #f2a900;
        background: #fff7e0;
      }
      button.lang {
        min-height: 42px;
        padding: 4px 16px;
        font-size: 17px;
        border-radius: 10px;
        background: transparent;
        border: 2px solid var(--vw-white);
      }
      main {
        min-height: 0;
        overflow-y: auto;
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      .grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(420px, 1fr));
        gap: 16px;
        align-content: start;
      }
      .grid.stale {
        opacity: 0.45;
        filter: grayscale(0.8);
      }
      .banner {
        padding: 14px 20px;
        border-radius: 12px;
        background: #f07c00;
        font-size: 24px;
        font-weight: 800;
      }
      .banner small {
        display: block;
        font-size: 17px;
        font-weight: 500;
      }
      .banner.problem {
        background: #8a1010;
      }
      .waiting {
        font-size: 28px;
        opacity: 0.8;
      }
      staff-audit-panel {
        min-height: 0;
      }
      .overlay {
        position: fixed;
        inset: 0;
        z-index: 30;
      }
      /* The panel is laid out for the kiosk's 1920 px; on a laptop it is scaled to fit. */
      @media (max-width: 1700px) {
        .overlay manual-damage-panel {
          zoom: 0.8;
        }
      }
      @media (max-width: 1399px) {
        .overlay manual-damage-panel {
          zoom: 0.72;
        }
      }
      @media (max-height: 820px) {
        .page {
          padding-top: 8px;
          row-gap: 10px;
        }
      }
      @media (max-width: 1599px) {
        :host {
          --roundel-size: 40px;
        }
        header {
          gap: 10px 14px;
        }
        h1 {
          font-size: 26px;
        }
        h1 small {
          display: none;
        }
        .grid {
          gap: 12px;
        }
        .pill,
        .count {
          font-size: 16px;
          padding: 5px 12px;
        }
        label.operator input {
          width: 140px;
        }
        .page {
          grid-template-columns: minmax(0, 1fr);
          grid-template-rows: auto auto auto;
          align-content: start;
          height: auto;
          min-height: 100vh;
        }
        main {
          overflow: visible;
        }
        staff-audit-panel {
          max-height: 70vh;
        }
      }
    `,
  ];

  private readonly _floor = new FloorController(this);

  @state() private _locale: Locale = readLocale();
  @state() private _operator = loadOperator();
  @state() private _audit: AuditEntry[] | null = null;
  @state() private _auditProblem: { status: number; error: SessionError } | null = null;
  /** The replays started (GET /api/replays), newest first; the cards show the running ones. */
  @state() private _replays: ReplayRun[] = [];
  @state() private _scripts: readonly { name: string; title: string }[] = REPLAY_SCRIPTS.map(
    (name) => ({ name, title: name }),
  );
  /** The station whose manual damage panel is open. */
  @state() private _manualStation: string | null = null;
  /** Bumped every second so the times in step move. */
  @state() private _tick = 0;

  private _ticker: ReturnType<typeof setInterval> | undefined;
  private _auditTimer: ReturnType<typeof setInterval> | undefined;
  private _auditLoading = false;
  private _auditAgain = false;

  private readonly _onAction = () => void this._loadAudit();
  private readonly _onManual = (event: CustomEvent<{ station_id: string }>) => {
    this._manualStation = event.detail.station_id;
  };
  private readonly _onManualClosed = () => {
    this._manualStation = null;
    void this._loadAudit();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this._ticker = setInterval(() => this._tick++, 1_000);
    this._auditTimer = setInterval(() => void this._loadAudit(), AUDIT_POLL_MS);
    this.addEventListener(STAFF_ACTION_EVENT, this._onAction);
    this.addEventListener(STAFF_MANUAL_DAMAGE_EVENT, this._onManual);
    this.addEventListener(CLOSE_MANUAL_DAMAGE_EVENT, this._onManualClosed);
    void this._loadAudit();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this._ticker);
    clearInterval(this._auditTimer);
    this.removeEventListener(STAFF_ACTION_EVENT, this._onAction);
    this.removeEventListener(STAFF_MANUAL_DAMAGE_EVENT, this._onManual);
    this.removeEventListener(CLOSE_MANUAL_DAMAGE_EVENT, this._onManualClosed);
  }

  protected override willUpdate(_changed: PropertyValues): void {
    // The panel closes by itself once the station no longer takes a manual entry (it was sent,
    // or the session moved on), as on the kiosk.
    const station = this._floor.stations?.find((s) => s.station_id === this._manualStation);
    if (this._manualStation && station && !acceptsManualDamage(station)) this._manualStation = null;
  }

  protected override updated(): void {
    // Exposed for tests, like the kiosk's.
    this.dataset.connection = this._floor.connection;
  }

  override render() {
    const locale = this._locale;
    const floor = this._floor;
    const stations = floor.stations;
    const nowMs = floor.serverNow();
    void this._tick;
    return html`<div class="page">
        <header>
          <div class="heading">
            <vw-roundel></vw-roundel>
            <h1>
              ${t(locale, 'staff.title')}
              <small>${t(locale, 'app.title')} · ${t(locale, 'staff.subtitle')}</small>
            </h1>
          </div>
          ${stations ? this._renderCounts(nowMs) : nothing} ${this._renderConnection()}
          <label class="operator">
            ${t(locale, 'staff.operator')}
            <input
              data-testid="operator"
              class=${this._operatorClass()}
              .value=${this._operator}
              maxlength="60"
              placeholder=${t(locale, 'staff.operatorPlaceholder')}
              title=${t(locale, 'staff.operatorHint')}
              @input=${this._onOperator}
            />
          </label>
          <button class="lang" data-testid="lang" @click=${this._onToggleLocale}>
            ${locale === 'pt-BR' ? 'EN' : 'PT'}
          </button>
        </header>
        <main>
          ${this._renderBanner()}
          ${
            stations === null
              ? html`<p class="waiting">${t(locale, 'conn.connecting')}</p>`
              : stations.length === 0
                ? html`<p class="waiting">${t(locale, 'picker.empty')}</p>`
                : nothing
          }
          <div class="grid ${floor.live ? '' : 'stale'}" ?inert=${!floor.live}>
            ${(stations ?? []).map(
              (station) =>
                html`<staff-station-card
                  .station=${station}
                  .nowMs=${nowMs}
                  .stuckAfterMs=${floor.stuckAfterMs}
                  .locale=${locale}
                  .operator=${this._operator}
                  .replay=${runningReplayOn(this._replays, station.station_id)}
                  .scripts=${this._scripts}
                  ?live=${floor.live}
                ></staff-station-card>`,
            )}
          </div>
        </main>
        <staff-audit-panel
          .entries=${this._audit}
          .problem=${this._auditProblem}
          .locale=${locale}
        ></staff-audit-panel>
      </div>
      ${this._renderManual()}`;
  }

  private _renderCounts(nowMs: number) {
    const locale = this._locale;
    const counts = floorCounts(this._floor.stations ?? [], nowMs, this._floor.stuckAfterMs);
    const chips = [
      counts.stuck
        ? html`<span class="count stuck" data-testid="count-stuck"
            >⚠ ${t(locale, 'staff.count.stuck', { n: counts.stuck })}</span
          >`
        : null,
      counts.dropped
        ? html`<span class="count dropped" data-testid="count-dropped"
            >✖ ${t(locale, 'staff.count.dropped', { n: counts.dropped })}</span
          >`
        : null,
      counts.failed
        ? html`<span class="count failed" data-testid="count-failed"
            >${t(locale, 'staff.count.failed', { n: counts.failed })}</span
          >`
        : null,
    ].filter(Boolean);
    return html`<div class="counts">
      ${chips.length ? chips : html`<span class="count calm">${t(locale, 'staff.count.calm')}</span>`}
    </div>`;
  }

  private _renderConnection() {
    const floor = this._floor;
    const locale = this._locale;
    const label =
      floor.connection === 'open'
        ? t(locale, 'staff.live')
        : floor.connection === 'connecting'
          ? t(locale, 'conn.connecting')
          : t(locale, 'conn.reconnecting');
    return html`<span class="pill ${floor.connection}" role="status" data-testid="connection"
      >${label}</span
    >`;
  }

  private _renderBanner() {
    const floor = this._floor;
    const locale = this._locale;
    if (floor.connection === 'reconnecting') {
      const seconds =
        floor.nextAttemptAt === null
          ? null
          : Math.max(0, Math.ceil((floor.nextAttemptAt - Date.now()) / 1000));
      return html`<p class="banner" role="alert" data-testid="floor-offline">
        ${t(locale, 'conn.lostTitle')} —
        ${seconds === null ? t(locale, 'conn.tryingNow') : t(locale, 'conn.nextAttempt', { s: seconds })}
        <small
          >${
            floor.offlineSince
              ? t(locale, 'conn.since', {
                  time: formatClock(new Date(floor.offlineSince).toISOString(), locale),
                })
              : nothing
          }
          ${t(locale, 'staff.staleHint')}</small
        >
      </p>`;
    }
    if (floor.lastProblem)
      return html`<p class="banner problem" role="alert">
        ${t(locale, 'error.badMessage')}<small>${floor.lastProblem}</small>
      </p>`;
    return nothing;
  }

  private _renderManual() {
    const id = this._manualStation;
    if (!id) return nothing;
    const operator = this._operator;
    return html`<div class="overlay">
      <manual-damage-panel
        station-id=${id}
        .locale=${this._locale}
        ?offline=${!this._floor.live}
        .fetchFn=${(input: RequestInfo | URL, init: RequestInit = {}) =>
          fetch(input, {
            ...init,
            headers: { ...(init.headers as Record<string, string>), ...operatorHeaders(operator) },
          })}
      ></manual-damage-panel>
    </div>`;
  }

  private _operatorClass(): string {
    if (!this._operator.trim()) return 'unnamed';
    return validOperator(this._operator) ? '' : 'invalid';
  }

  private _onOperator(event: Event) {
    this._operator = (event.target as HTMLInputElement).value;
    saveOperator(this._operator);
  }

  private _onToggleLocale() {
    this._locale = this._locale === 'pt-BR' ? 'en' : 'pt-BR';
    try {
      localStorage.setItem(LOCALE_KEY, this._locale);
    } catch {
      // Storage off: the choice lasts this page.
    }
  }

  /**
   * Refreshes the audit log and the replays; a refresh asked for while one runs runs once more
   * after it. A server without replays (404) just shows none.
   */
  private async _loadAudit() {
    if (this._auditLoading) {
      this._auditAgain = true;
      return;
    }
    this._auditLoading = true;
    try {
      const [audit, replays] = await Promise.all([fetchAudit(AUDIT_LIMIT), fetchReplays()]);
      if (audit.ok) {
        this._audit = audit.body;
        this._auditProblem = null;
      } else {
        this._auditProblem = { status: audit.status, error: audit.error };
      }
      if (replays.ok) {
        this._replays = replays.body.replays;
        if (replays.body.scripts.length > 0) this._scripts = replays.body.scripts;
      }
    } finally {
      this._auditLoading = false;
    }
    if (this._auditAgain) {
      this._auditAgain = false;
      void this._loadAudit();
    }
  }
}

function readLocale(): Locale {
  try {
    return localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'pt-BR';
  } catch {
    return 'pt-BR';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'staff-floor': StaffFloor;
  }
}
