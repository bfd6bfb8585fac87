import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { z } from 'zod';
import { TopLevelState } from '../actors/protocol.js';
import { Locale } from '../machines/schemas.js';
import { t } from './i18n.js';
import { theme } from './theme.js';
import './vw-roundel.js';

/** What the picker needs from `GET /api/stations`; other fields are ignored. */
const StationList = z.object({
  stations: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string(),
      session_id: z.string().nullish(),
      state: z.union([TopLevelState, z.string()]).nullish(),
      vehicle_model: z.string().nullish(),
      vehicle_name: z.string().nullish(),
      locale: Locale.nullish(),
    }),
  ),
});
type Station = z.infer<typeof StationList>['stations'][number];

/** How often the list refreshes, so the states stay current. */
const POLL_MS = 4_000;

/**
 * The start page (`/`): every station with its vehicle and current state; tapping one opens
 * its kiosk at `/station/{id}`. The language is the page's own (no session to follow yet).
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
      a {
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
      .message {
        font-size: 32px;
        opacity: 0.85;
      }
    `,
  ];

  @state() private _stations: Station[] | null = null;
  @state() private _loadError: string | null = null;
  @state() private _locale: Locale = 'pt-BR';

  private _timer: ReturnType<typeof setInterval> | undefined;

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
        <button class="lang" @click=${this._onToggleLocale}>${locale === 'pt-BR' ? 'EN' : 'PT'}</button>
      </header>
      ${this._loadError
        ? html`<p class="message" role="alert">${t(locale, 'picker.loadError')}: ${this._loadError}</p>`
        : nothing}
      ${this._stations?.length === 0 ? html`<p class="message">${t(locale, 'picker.empty')}</p>` : nothing}
      <ul>
        ${(this._stations ?? []).map(
          (station) => html`<li>
            <a data-testid="station-link" href="/station/${encodeURIComponent(station.id)}">
              <span class="name">${station.name}</span>
              <span class="vehicle">${station.vehicle_name ?? station.vehicle_model ?? ''}</span>
              ${station.state ? html`<span class="state">${this._stateLabel(station.state)}</span>` : nothing}
            </a>
          </li>`,
        )}
      </ul>
    `;
  }

  private _stateLabel(state: string): string {
    const parsed = TopLevelState.safeParse(state);
    return parsed.success ? t(this._locale, `state.${parsed.data}`) : state;
  }

  private async _load() {
    try {
      const response = await fetch('/api/stations', { headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const parsed = StationList.safeParse(await response.json());
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'unexpected answer');
      this._stations = parsed.data.stations;
      this._loadError = null;
    } catch (err) {
      this._loadError = err instanceof Error ? err.message : String(err);
    }
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
