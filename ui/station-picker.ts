import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import type { RigStatus } from '../actors/protocol.js';
import type { Locale } from '../machines/schemas.js';
import { formatClock } from './format.js';
import { hasKey, t } from './i18n.js';
import './rig-badge.js';
import { theme } from './theme.js';
import './vw-roundel.js';
import { StationList, TopLevelState, type Station } from './wire.js';

/** How often the list refreshes, so states and simulator links stay current for staff. */
export const POLL_MS = 2_500;

/** A refresh that has not answered by then counts as failed (a server gone without a word). */
const LOAD_TIMEOUT_MS = 5_000;

/**
 * The start page (`/`) and the staff's overview: every station with its vehicle, its session's
 * state and its simulator link (badge, simulator address, time of the last telemetry),
 * refreshed every few seconds; tapping one opens its kiosk at `/station/{id}`. The language is the page's own (no session to follow yet).
 * When the server cannot be reached the last list stays, dimmed and not clickable (a kiosk
 * page opened then would be the browser's error page, which never comes back by itself),
 * under a "reconnecting" banner; the next refresh that answers brings it back.
 */
@customElement('station-picker')
export class StationPicker extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 100vh;
        background: var(--vw-dark);
        color: var(--vw-white);
        padding: 64px 96px;
        gap: 48px;
        --roundel-size: 120px;
      }
      header {
        display: flex;
        align-items: center;
        gap: 36px;
      }
      header div {
        flex: 1;
      }
      h1 {
        color: var(--vw-white);
        font-size: 80px;
      }
      header p {
        font-size: 32px;
        opacity: 0.8;
      }
      .lang button {
        min-height: 60px;
        padding: 8px 24px;
        font-size: 24px;
        background: transparent;
        border-color: var(--vw-white);
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(520px, 1fr));
        gap: 32px;
      }
      li {
        display: flex;
      }
      a {
        flex: 1;
        display: flex;
        flex-direction: column;
        gap: 12px;
        padding: 36px 40px;
        border-radius: var(--radius);
        background: var(--vw-white);
        color: var(--ink);
        text-decoration: none;
        border: 4px solid transparent;
      }
      a:hover,
      a:focus-visible {
        border-color: #7fb2ff;
      }
      .name {
        font-size: 44px;
        font-weight: 800;
        color: var(--vw-dark);
      }
      .vehicle {
        font-size: 28px;
        color: var(--muted);
      }
      .state {
        align-self: flex-start;
        margin-top: 8px;
        padding: 6px 20px;
        border-radius: 999px;
        background: var(--vw-light);
        color: var(--vw-blue);
        font-size: 24px;
        font-weight: 700;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 12px 16px;
        margin-top: 8px;
      }
      .row .state {
        margin-top: 0;
      }
      .state.alert {
        background: #ffe3a3;
        color: #6b3a00;
      }
      .rig {
        font-size: 20px;
        color: var(--muted);
        overflow-wrap: anywhere;
      }
      .message {
        font-size: 32px;
        opacity: 0.85;
      }
      .offline {
        display: flex;
        flex-direction: column;
        gap: 8px;
        padding: 28px 40px;
        border-radius: var(--radius);
        background: #f07c00;
        color: var(--vw-white);
        font-size: 40px;
        font-weight: 800;
      }
      .offline small {
        font-size: 26px;
        font-weight: 500;
      }
      ul.stale {
        opacity: 0.45;
        filter: grayscale(0.85);
      }
      ul.stale a {
        pointer-events: none;
      }
    `,
  ];

  @state() private _stations: Station[] | null = null;
  @state() private _loadError: string | null = null;
  /** The last refresh could not reach the server at all (as opposed to an error answer). */
  @state() private _offline = false;
  @state() private _locale: Locale = 'pt-BR';

  private _timer: ReturnType<typeof setInterval> | undefined;
  private _loading = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
    this._timer = setInterval(() => void this._load(), POLL_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this._timer);
  }

  override render() {
    const locale = this._locale;
    return html`
      <header>
        <vw-roundel></vw-roundel>
        <div>
          <h1>${t(locale, 'picker.title')}</h1>
          <p>${t(locale, 'app.title')} · ${t(locale, 'picker.subtitle')}</p>
        </div>
        <button class="lang" @click=${this._onToggleLocale}>
          ${locale === 'pt-BR' ? 'EN' : 'PT'}
        </button>
      </header>
      ${
        this._offline
          ? html`<p class="offline" role="alert" data-testid="picker-offline">
              ${t(locale, 'picker.offline')}<small>${t(locale, 'picker.offlineHint')}</small>
            </p>`
          : this._loadError
            ? html`<p class="message" role="alert">
                ${t(locale, 'picker.loadError')}: ${this._loadError}
              </p>`
            : nothing
      }
      ${this._stations?.length === 0 ? html`<p class="message">${t(locale, 'picker.empty')}</p>` : nothing}
      <ul class=${this._offline ? 'stale' : ''}>
        ${(this._stations ?? []).map(
          (station) =>
            html`<li>
              <a
                data-testid="station-link"
                href="/station/${encodeURIComponent(station.id)}"
                aria-disabled=${this._offline ? 'true' : 'false'}
                tabindex=${this._offline ? '-1' : '0'}
              >
                <span class="name">${station.name}</span>
                <span class="vehicle">${station.vehicle_name ?? station.vehicle_model ?? ''}</span>
                <span class="row">
                  ${station.state ? this._renderState(station) : nothing}
                  <rig-badge .rig=${station.rig ?? null} .locale=${locale}></rig-badge>
                </span>
                ${station.rig ? html`<span class="rig">${this._rigDetail(station.rig)}</span>` : nothing}
              </a>
            </li>`,
        )}
      </ul>
    `;
  }

  private _renderState(station: Station) {
    // The sub-steps staff must act on get their own words; otherwise the top-level state's.
    const stepKey = `step.${station.step ?? ''}`;
    if (hasKey(stepKey))
      return html`<span class="state alert" data-testid="station-state"
        >${t(this._locale, stepKey)}</span
      >`;
    const parsed = TopLevelState.safeParse(station.state);
    return html`<span class="state" data-testid="station-state"
      >${parsed.success ? t(this._locale, `state.${parsed.data}`) : station.state}</span
    >`;
  }

  /** "vw_tcross · 127.0.0.1:64256 · (last error) · last telemetry 14:03:12", as much as is known. */
  private _rigDetail(rig: RigStatus): string {
    const parts = [rig.vehicle ? rig.vehicle.model : null, rig.address];
    if (rig.status === 'disconnected' && rig.last_error) parts.push(rig.last_error.message);
    if (rig.last_telemetry_at)
      parts.push(
        t(this._locale, 'rig.lastTelemetry', {
          time: formatClock(rig.last_telemetry_at, this._locale),
        }),
      );
    return parts.filter(Boolean).join(' · ');
  }

  private async _load() {
    // One refresh at a time: a hanging request must not pile up others behind it.
    if (this._loading) return;
    this._loading = true;
    let response: Response;
    try {
      response = await fetch('/api/stations', {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(LOAD_TIMEOUT_MS),
      });
    } catch (err) {
      // No answer at all: the server is down or unreachable.
      this._offline = true;
      this._loadError = err instanceof Error ? err.message : String(err);
      this._loading = false;
      return;
    }
    this._offline = false;
    try {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const parsed = StationList.safeParse(await response.json());
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'unexpected answer');
      this._stations = parsed.data.stations;
      this._loadError = null;
    } catch (err) {
      this._loadError = err instanceof Error ? err.message : String(err);
    } finally {
      this._loading = false;
    }
  }

  protected override updated(): void {
    // Exposed for tests, like the kiosk's data-connection.
    this.dataset.connection = this._offline
      ? 'reconnecting'
      : this._stations
        ? 'open'
        : 'connecting';
  }

  private _onToggleLocale() {
    this._locale = this._locale === 'pt-BR' ? 'en' : 'pt-BR';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'station-picker': StationPicker;
  }
}
