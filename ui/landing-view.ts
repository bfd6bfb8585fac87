import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import { canSend, commandEvent } from './commands.js';
import { formatClock, formatNumber } from './format.js';
import { t } from './i18n.js';
import { OPEN_MANUAL_DAMAGE_EVENT, acceptsManualDamage } from './manual-damage.js';
import { staleTelemetryAt } from './rig-status.js';
import { inStep } from './steps.js';
import { theme } from './theme.js';

/** How long "Simulating a crash…" may show after the staff tap if the crash never comes. */
export const SIMULATING_MS = 6_000;

/** BeamNG's raw damage above which a real crash has happened (light scrapes stay well under). */
export const CRASH_DAMAGE = 1000;
/** Raw damage at which the meter is full. */
export const METER_FULL = 50_000;

/**
 * `live_damage.total_damage` is BeamNG's raw beam-damage accumulator: 0 on a new car, a few
 * hundred after a scrape, thousands after a crash. The bar is logarithmic so both ends read
 * well; `crashed` is true past CRASH_DAMAGE, which the bar marks.
 */
export function meterReading(totalDamage: number): { fraction: number; crashed: boolean } {
  const scale = (value: number) => Math.log10(1 + Math.max(0, value)) / Math.log10(1 + METER_FULL);
  return { fraction: Math.min(1, scale(totalDamage)), crashed: totalDamage > CRASH_DAMAGE };
}

/** Where the crash mark sits on the bar (0..1). */
export const CRASH_MARK = Math.log10(1 + CRASH_DAMAGE) / Math.log10(1 + METER_FULL);

/**
 * Waiting for a crash: the big blue screen with the station and vehicle, the live damage
 * meter fed by the simulator, and "Repair My Car", enabled only once the server has detected
 * a crash (`Waiting.crashDetected`), when the screen calls for it loudly. When the simulator
 * link is down it says whether the last good telemetry will be used. A clearly separated
 * staff/demo area simulates a crash (the simulated rig drives and crashes) and opens the
 * manual damage entry.
 */
@customElement('landing-view')
export class LandingView extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: grid;
        grid-template-columns: 1fr 560px;
        gap: 64px;
        height: 100%;
        padding: 72px 96px 48px;
        background: radial-gradient(circle at 20% 20%, #0a3a8c 0%, var(--vw-dark) 65%);
        color: var(--vw-white);
      }
      .main {
        display: flex;
        flex-direction: column;
        justify-content: center;
        gap: 40px;
      }
      .eyebrow {
        font-size: 28px;
        font-weight: 600;
        letter-spacing: 0.12em;
        text-transform: uppercase;
        opacity: 0.75;
      }
      h1 {
        color: var(--vw-white);
        font-size: 96px;
        line-height: 1.05;
      }
      .vehicle {
        font-size: 48px;
        font-weight: 300;
      }
      .vehicle strong {
        font-weight: 800;
      }
      .hint {
        font-size: 30px;
        opacity: 0.8;
      }
      h1.crash {
        color: #ffd23f;
        font-size: 120px;
      }
      .call {
        font-size: 44px;
        font-weight: 800;
        opacity: 1;
      }
      .simulating {
        display: flex;
        align-items: center;
        gap: 24px;
      }
      .simulating::before {
        content: '';
        flex: none;
        width: 64px;
        height: 64px;
        border-radius: 50%;
        border: 10px solid rgba(255, 255, 255, 0.25);
        border-top-color: #fff;
        animation: spin 1s linear infinite;
      }
      .notice {
        align-self: flex-start;
        display: flex;
        align-items: center;
        gap: 16px;
        padding: 16px 28px;
        border-radius: 16px;
        background: #ffe3a3;
        color: #3d2700;
        font-size: 28px;
        font-weight: 700;
        border-left: 12px solid #f07c00;
      }
      .repair {
        align-self: flex-start;
        font-size: 44px;
        padding: 28px 72px;
        min-height: 112px;
        background: var(--vw-white);
        color: var(--vw-dark);
        border-color: var(--vw-white);
      }
      .repair:not(:disabled) {
        font-size: 56px;
        padding: 32px 88px;
        min-height: 136px;
        background: #ffd23f;
        border-color: #ffd23f;
        color: var(--vw-dark);
        box-shadow: 0 0 0 0 rgba(255, 210, 63, 0.8);
        animation: pulse 1.2s ease-out infinite;
      }
      .repair:disabled {
        background: rgba(255, 255, 255, 0.25);
        border-color: transparent;
        color: rgba(255, 255, 255, 0.7);
      }
      @keyframes pulse {
        0% {
          transform: scale(1);
        }
        35% {
          transform: scale(1.05);
        }
        70% {
          transform: scale(1);
          box-shadow: 0 0 0 40px rgba(255, 210, 63, 0);
        }
        100% {
          box-shadow: 0 0 0 0 rgba(255, 210, 63, 0);
        }
      }
      .meter.stale .value,
      .meter.stale .bar {
        opacity: 0.55;
      }
      .side {
        display: flex;
        flex-direction: column;
        gap: 32px;
        justify-content: center;
      }
      .meter {
        background: rgba(255, 255, 255, 0.08);
        border: 2px solid rgba(255, 255, 255, 0.2);
        border-radius: var(--radius);
        padding: 36px;
      }
      .meter h2 {
        color: var(--vw-white);
        font-size: 30px;
        font-weight: 600;
      }
      .meter .value {
        font-size: 88px;
        font-weight: 800;
        font-variant-numeric: tabular-nums;
        margin: 8px 0 20px;
      }
      .meter .bar {
        position: relative;
        height: 28px;
        border-radius: 14px;
        background: rgba(255, 255, 255, 0.15);
        overflow: hidden;
      }
      .meter .mark {
        position: absolute;
        top: 0;
        bottom: 0;
        width: 4px;
        margin-left: -2px;
        background: var(--vw-white);
      }
      .meter .mark-label {
        position: relative;
        height: 30px;
        font-size: 20px;
        opacity: 0.8;
      }
      .meter .mark-label span {
        position: absolute;
        transform: translateX(-50%);
        top: 4px;
        white-space: nowrap;
      }
      .meter .status {
        font-size: 30px;
        font-weight: 800;
        opacity: 1;
        margin-top: 12px;
      }
      .meter .status.crashed {
        color: #ffb4a8;
      }
      .meter .fill {
        height: 100%;
        background: linear-gradient(
          90deg,
          var(--sev-light),
          var(--sev-moderate),
          var(--sev-severe)
        );
        transition: width 300ms ease;
      }
      .meter p {
        font-size: 26px;
        opacity: 0.8;
      }
      .staff {
        border: 3px dashed rgba(255, 255, 255, 0.45);
        border-radius: var(--radius);
        padding: 24px 28px;
        display: flex;
        flex-direction: column;
        gap: 16px;
      }
      .staff span {
        font-size: 22px;
        font-weight: 700;
        letter-spacing: 0.1em;
        text-transform: uppercase;
        opacity: 0.75;
      }
      .staff button {
        font-size: 26px;
        min-height: 72px;
        padding: 14px 28px;
        background: transparent;
        color: var(--vw-white);
        border-color: var(--vw-white);
      }
      .staff button:disabled {
        opacity: 0.4;
      }
      .staff .buttons {
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
    `,
  ];

  /** The station's session, as the server sent it. */
  @property({ attribute: false }) session!: SessionView;
  /** The link to the server is down: the view is the last one received and every button is off. */
  @property({ type: Boolean }) offline = false;
  /** The browser holds the staff cookie: show the staff/demo area. */
  @property({ type: Boolean }) staff = false;

  /** Staff just asked the rig to play a crash: UI-only feedback until the crash shows up. */
  @state() private _simulating = false;
  private _simulatingTimer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._simulatingTimer);
  }

  override render() {
    const s = this.session;
    const locale = s.locale;
    const live = s.live_damage;
    const reading = meterReading(live?.total_damage ?? 0);
    const crashDetected = inStep(s, 'Waiting.crashDetected');
    const simulating = this._simulating && !crashDetected && s.state === 'Waiting';
    const staleAt = staleTelemetryAt(s);
    const rigOffline = s.rig?.status === 'disconnected';
    return html`
      <div class="main">
        ${
          staleAt
            ? html`<div class="notice" role="status" data-testid="stale-telemetry">
                ⚠ ${t(locale, 'rig.staleTelemetry', { time: formatClock(staleAt, locale) })}
              </div>`
            : rigOffline
              ? html`<div class="notice" role="status" data-testid="rig-offline">
                  ⚠ ${t(locale, 'rig.offlineNoTelemetry')}
                </div>`
              : nothing
        }
        <div class="eyebrow">${s.station_name}</div>
        ${
          crashDetected
            ? html`<h1 class="crash" data-testid="crash-detected">
                ${t(locale, 'landing.crashCall')}
              </h1>`
            : simulating
              ? html`<h1 class="simulating" data-testid="simulating">
                  ${t(locale, 'landing.simulating')}
                </h1>`
              : html`<h1>${t(locale, 'landing.waiting')}</h1>`
        }
        <div class="vehicle">
          ${t(locale, 'landing.vehicle')}: <strong>${s.vehicle_name}</strong>
        </div>
        <button
          class="repair"
          data-testid="repair"
          ?disabled=${this.offline || !canSend(s, 'REPAIR_REQUESTED')}
          @click=${this._onRepair}
        >
          ${t(locale, 'landing.repair')}
        </button>
        ${
          crashDetected
            ? html`<p class="hint call">${t(locale, 'landing.crashCallAction')}</p>`
            : html`<p class="hint">${t(locale, 'landing.hint')}</p>`
        }
      </div>
      <div class="side">
        <section class="meter ${staleAt ? 'stale' : ''}" aria-live="polite">
          <h2>${t(locale, 'landing.liveDamage')}</h2>
          ${
            live
              ? html`<div class="value" data-testid="live-damage">
                    ${formatNumber(live.total_damage, locale, 0)}
                  </div>
                  <div
                    class="bar"
                    role="meter"
                    aria-valuemin="0"
                    aria-valuemax=${METER_FULL}
                    aria-valuenow=${live.total_damage}
                  >
                    <div class="fill" style="width:${(reading.fraction * 100).toFixed(1)}%"></div>
                    <div class="mark" style="left:${(CRASH_MARK * 100).toFixed(1)}%"></div>
                  </div>
                  <div class="mark-label">
                    <span style="left:${(CRASH_MARK * 100).toFixed(1)}%"
                      >${t(locale, 'landing.crashMark')} ▲</span
                    >
                  </div>
                  <p class="status ${crashDetected ? 'crashed' : ''}">
                    ${t(locale, crashDetected ? 'landing.crashDetected' : 'landing.noCrash')}
                  </p>
                  <p>${t(locale, 'landing.rawDamage')}</p>`
              : html`<div class="value">—</div>
                  <p>${t(locale, 'landing.noTelemetry')}</p>`
          }
        </section>
        ${
          this.staff
            ? html` <section class="staff" data-testid="staff">
                <span>${t(locale, 'landing.staff')}</span>
                <div class="buttons">
                  <button
                    data-testid="simulate-crash"
                    ?disabled=${this.offline || simulating || !canSend(s, 'SIMULATE_CRASH')}
                    @click=${this._onSimulate}
                  >
                    ${t(locale, simulating ? 'landing.simulating' : 'landing.simulate')}
                  </button>
                  <button
                    data-testid="manual-entry"
                    ?disabled=${this.offline || !acceptsManualDamage(s)}
                    @click=${this._onManual}
                  >
                    ${t(locale, 'landing.manualEntry')}
                  </button>
                </div>
              </section>`
            : nothing
        }
      </div>
    `;
  }

  private _onRepair() {
    this.dispatchEvent(commandEvent({ type: 'REPAIR_REQUESTED' }));
  }

  private _onSimulate() {
    this.dispatchEvent(commandEvent({ type: 'SIMULATE_CRASH' }));
    this._simulating = true;
    clearTimeout(this._simulatingTimer);
    this._simulatingTimer = setTimeout(() => (this._simulating = false), SIMULATING_MS);
  }

  private _onManual() {
    this.dispatchEvent(new Event(OPEN_MANUAL_DAMAGE_EVENT, { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'landing-view': LandingView;
  }
}
