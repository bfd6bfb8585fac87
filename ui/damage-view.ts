import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import type { ComponentDamage } from '../machines/schemas.js';
import './car-diagram.js';
import { canSend, commandEvent } from './commands.js';
import { componentName } from './component-names.js';
import { formatNumber, formatPercent } from './format.js';
import { t, tCount } from './i18n.js';
import { severityBand, severityColour, severityLabel } from './severity.js';
import { OPEN_MANUAL_DAMAGE_EVENT } from './manual-damage.js';
import { inStep } from './steps.js';
import { theme } from './theme.js';

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * What happened to the car. While the crash is analysed and priced (`Crashed.*`) it shows
 * progress, or the failure with RETRY; in `Estimated.reviewingDamage` it shows the car
 * diagram, the damaged components by severity, the overall score and unmapped parts.
 */
@customElement('damage-view')
export class DamageView extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        height: 100%;
        padding: 40px 56px;
      }
      .summary {
        display: grid;
        grid-template-columns: 600px minmax(0, 1fr);
        grid-template-rows: 100%;
        gap: 40px;
        height: 100%;
      }
      .diagram {
        display: flex;
        flex-direction: column;
        gap: 12px;
        padding: 24px;
        min-height: 0;
      }
      car-diagram {
        flex: 1;
        min-height: 0;
        overflow: hidden;
      }
      .legend {
        display: flex;
        justify-content: center;
        gap: 24px;
        font-size: 22px;
        color: var(--muted);
      }
      .legend span::before {
        content: '';
        display: inline-block;
        width: 18px;
        height: 18px;
        border-radius: 50%;
        margin-right: 8px;
        vertical-align: -2px;
        background: var(--c);
      }
      .detail {
        display: flex;
        flex-direction: column;
        gap: 20px;
        min-height: 0;
      }
      .headline {
        display: flex;
        align-items: flex-end;
        justify-content: space-between;
        gap: 32px;
      }
      .score {
        text-align: right;
        white-space: nowrap;
      }
      .score .label {
        font-size: 24px;
        color: var(--muted);
        font-weight: 600;
      }
      .score .value {
        font-size: 48px;
        font-weight: 800;
      }
      .facts {
        margin-right: auto;
        display: flex;
        gap: 16px;
        font-size: 24px;
        color: var(--muted);
      }
      .chip {
        white-space: nowrap;
        padding: 6px 18px;
        border-radius: 999px;
        background: var(--vw-light);
        color: var(--vw-dark);
        font-weight: 600;
      }
      .chip.warn {
        background: #fff1dc;
        color: #8a4a00;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 4px 8px 4px 4px;
        overflow-y: auto;
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: repeat(var(--list-columns, 1), minmax(0, 1fr));
        gap: 12px 16px;
        align-content: start;
      }
      li {
        display: grid;
        grid-template-columns: 48px minmax(0, 1fr) auto;
        grid-template-areas: 'n name pct' 'n bar bar';
        align-items: center;
        gap: 6px 16px;
        padding: 10px 20px;
        border-radius: 16px;
        background: var(--vw-white);
        box-shadow: 0 2px 10px rgba(0, 30, 80, 0.08);
      }
      .n {
        grid-area: n;
        display: grid;
        place-items: center;
        width: 48px;
        height: 48px;
        border-radius: 50%;
        color: #fff;
        font-weight: 800;
        font-size: 24px;
      }
      .name {
        grid-area: name;
        font-size: 26px;
        font-weight: 700;
        line-height: 1.15;
      }
      .type {
        white-space: nowrap;
        font-size: 21px;
        font-weight: 500;
        color: var(--muted);
      }
      .bar {
        grid-area: bar;
        height: 14px;
        border-radius: 11px;
        background: #e7ecf5;
        overflow: hidden;
      }
      .bar div {
        height: 100%;
        border-radius: 11px;
      }
      .pct {
        grid-area: pct;
        font-size: 28px;
        font-weight: 700;
      }
      .empty {
        font-size: 30px;
        color: var(--muted);
      }
      .failed {
        display: flex;
        flex-direction: column;
        justify-content: center;
        gap: 40px;
        max-width: 1300px;
        height: 100%;
        margin: 0 auto;
      }
    `,
  ];

  /** The station's session, as the server sent it. */
  @property({ attribute: false }) session!: SessionView;
  /** The link to the server is down: the view is the last one received and every button is off. */
  @property({ type: Boolean }) offline = false;

  override render() {
    const s = this.session;
    const locale = s.locale;
    if (inStep(s, 'Crashed.failed')) {
      return html`<div class="failed">
        <h1>${t(locale, 'damage.failed')}</h1>
        <div class="error-box" role="alert">
          <strong>${s.error?.code ?? ''}</strong>${s.error?.message ?? ''}
        </div>
        <p class="note" style="font-size:28px">${t(locale, 'damage.manualNote')}</p>
        <div class="actions">
          <button
            class="secondary"
            data-testid="manual-entry"
            ?disabled=${this.offline}
            @click=${this._onManual}
          >
            ${t(locale, 'manual.open')}
          </button>
          <button
            ?disabled=${this.offline || !canSend(s, 'RETRY')}
            @click=${() => this._send('RETRY')}
          >
            ${t(locale, 'action.retry')}
          </button>
        </div>
      </div>`;
    }
    if (!s.damage || s.state === 'Crashed') {
      const estimating = inStep(s, 'Crashed.estimating');
      return html`<div class="progress" role="status">
        <div class="spinner"></div>
        <h1>${t(locale, estimating ? 'damage.estimating' : 'damage.analysing')}</h1>
        <p>${t(locale, 'damage.progressHint')}</p>
      </div>`;
    }
    const damage = s.damage;
    const components = [...damage.components].sort((a, b) => b.damage_level - a.damage_level);
    const unmapped = damage.unmapped_parts.length;
    return html`<div class="summary">
      <section class="panel diagram">
        <car-diagram .components=${components} .locale=${locale}></car-diagram>
        <div class="legend">
          ${(['light', 'moderate', 'severe'] as const).map(
            (band) =>
              html`<span style="--c:${severityColour(band)}"
                >${t(locale, `severity.${band}`)}</span
              >`,
          )}
          <span style="--c:${severityColour('destroyed')}"
            >${capitalise(t(locale, 'damage.type.destroyed'))}</span
          >
        </div>
      </section>
      <section class="detail">
        <div class="headline">
          <h1>${t(locale, 'damage.title')}</h1>
          <div class="score">
            <div class="label">${t(locale, 'damage.severity')}</div>
            <div class="value" style="color:${severityColour(severityBand(damage.severity_score))}">
              ${t(locale, severityLabel(damage.severity_score))} ·
              ${formatPercent(damage.severity_score, locale)}
            </div>
          </div>
        </div>
        ${
          components.length === 0
            ? html`<p class="empty">${t(locale, 'damage.none')}</p>`
            : html`<ol style="--list-columns:${components.length > 5 ? 2 : 1}">
                ${components.map((component, index) => this._renderComponent(component, index))}
              </ol>`
        }
        <div class="actions">
          <div class="facts">
            <span class="chip">${t(locale, 'damage.count', { n: components.length })}</span>
            ${unmapped > 0 ? html`<span class="chip warn">${tCount(locale, 'damage.unmapped', unmapped)}</span>` : nothing}
          </div>
          ${
            canSend(s, 'BACK')
              ? html`<button
                  class="secondary"
                  ?disabled=${this.offline}
                  @click=${() => this._send('BACK')}
                >
                  ${t(locale, 'action.back')}
                </button>`
              : nothing
          }
          <button
            data-testid="continue"
            ?disabled=${this.offline || !canSend(s, 'CONTINUE')}
            @click=${() => this._send('CONTINUE')}
          >
            ${t(locale, 'action.continue')}
          </button>
        </div>
      </section>
    </div>`;
  }

  private _renderComponent(component: ComponentDamage, index: number) {
    const locale = this.session.locale;
    const colour = severityColour(severityBand(component.damage_level, component.damage_type));
    const percent = component.damage_level * 100;
    return html`<li>
      <span class="n" style="background:${colour}">${index + 1}</span>
      <span class="name"
        >${componentName(component.component_name, locale)} ·
        <span class="type">${t(locale, `damage.type.${component.damage_type}`)}</span></span
      >
      <div
        class="bar"
        role="meter"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${Math.round(percent)}
        aria-label=${t(locale, 'damage.level')}
      >
        <div style="width:${percent.toFixed(1)}%;background:${colour}"></div>
      </div>
      <span class="pct num">${formatNumber(percent, locale, 0)}%</span>
    </li>`;
  }

  private _onManual() {
    this.dispatchEvent(new Event(OPEN_MANUAL_DAMAGE_EVENT, { bubbles: true, composed: true }));
  }

  private _send(type: 'CONTINUE' | 'BACK' | 'RETRY') {
    this.dispatchEvent(commandEvent({ type }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'damage-view': DamageView;
  }
}
