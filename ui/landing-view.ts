import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import { canSend, commandEvent } from './commands.js';
import { formatNumber } from './format.js';
import { t } from './i18n.js';
import { theme } from './theme.js';

/**
 * The contract gives `total_damage` without a scale. A value up to 1 is read as a 0..1 share
 * and shown as a percentage; anything larger (BeamNG's raw deformation sum) is shown as is,
 * with the bar on a log scale that fills at 100 000.
 */
export function meterReading(totalDamage: number): { fraction: number; isShare: boolean } {
  if (totalDamage <= 1) return { fraction: totalDamage, isShare: true };
  return { fraction: Math.min(1, Math.log10(1 + totalDamage) / 5), isShare: false };
}

/**
 * Waiting for a crash: the big blue screen with the station and vehicle, the live damage
 * meter fed by the simulator, "Repair My Car", and a clearly separated staff/demo action
 * that simulates a crash when no simulator is attached.
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
        box-shadow: 0 0 0 0 rgba(255, 255, 255, 0.6);
        animation: pulse 2s ease-out infinite;
      }
      .repair:disabled {
        background: rgba(255, 255, 255, 0.25);
        border-color: transparent;
        color: rgba(255, 255, 255, 0.7);
      }
      @keyframes pulse {
        70% {
          box-shadow: 0 0 0 28px rgba(255, 255, 255, 0);
        }
        100% {
          box-shadow: 0 0 0 0 rgba(255, 255, 255, 0);
        }
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
        font-size: 96px;
        font-weight: 800;
        font-variant-numeric: tabular-nums;
        margin: 8px 0 20px;
      }
      .meter .bar {
        height: 28px;
        border-radius: 14px;
        background: rgba(255, 255, 255, 0.15);
        overflow: hidden;
      }
      .meter .fill {
        height: 100%;
        background: linear-gradient(90deg, var(--sev-light), var(--sev-moderate), var(--sev-severe));
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
    `,
  ];

  /** The station's session, as the server sent it. */
  @property({ attribute: false }) session!: SessionView;

  override render() {
    const s = this.session;
    const locale = s.locale;
    const live = s.live_damage;
    const reading = meterReading(live?.total_damage ?? 0);
    return html`
      <div class="main">
        <div class="eyebrow">${t(locale, 'landing.station')} · ${s.station_name}</div>
        <h1>${t(locale, 'landing.waiting')}</h1>
        <div class="vehicle">${t(locale, 'landing.vehicle')}: <strong>${s.vehicle_name}</strong></div>
        <button class="repair" ?disabled=${!canSend(s, 'REPAIR_REQUESTED')} @click=${this._onRepair}>
          ${t(locale, 'landing.repair')}
        </button>
        <p class="hint">${t(locale, 'landing.hint')}</p>
      </div>
      <div class="side">
        <section class="meter" aria-live="polite">
          <h2>${t(locale, 'landing.liveDamage')}</h2>
          ${live
            ? html`<div class="value">
                  ${reading.isShare
                    ? `${formatNumber(reading.fraction * 100, locale, 0)}%`
                    : formatNumber(live.total_damage, locale, 0)}
                </div>
                <div class="bar"><div class="fill" style="width:${(reading.fraction * 100).toFixed(1)}%"></div></div>`
            : html`<div class="value">—</div>
                <p>${t(locale, 'landing.noTelemetry')}</p>`}
        </section>
        <section class="staff">
          <span>${t(locale, 'landing.staff')}</span>
          <button ?disabled=${!canSend(s, 'SIMULATE_CRASH')} @click=${this._onSimulate}>
            ${t(locale, 'landing.simulate')}
          </button>
        </section>
      </div>
    `;
  }

  private _onRepair() {
    this.dispatchEvent(commandEvent({ type: 'REPAIR_REQUESTED' }));
  }

  private _onSimulate() {
    this.dispatchEvent(commandEvent({ type: 'SIMULATE_CRASH' }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'landing-view': LandingView;
  }
}
