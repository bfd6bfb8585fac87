import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import type { EstimateLine, RepairEstimate } from '../machines/schemas.js';
import { canSend, commandEvent } from './commands.js';
import { formatDuration, formatMoney, formatNumber, formatPartNumber, formatPercent, formatRate, formatShortDate } from './format.js';
import { hasKey, t } from './i18n.js';
import { theme } from './theme.js';

/**
 * The repair estimate (orçamento): numbered lines with operation, VW part number, quantity,
 * unit price and labour hours; totals by category, tax, the Lei 12.741 approximate-taxes
 * line when present, grand total, duration and the total-loss warning.
 */
@customElement('estimate-view')
export class EstimateView extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 18px;
        height: 100%;
        padding: 28px 48px 24px;
      }
      h1 {
        font-size: 52px;
      }
      header {
        display: flex;
        align-items: baseline;
        justify-content: space-between;
        gap: 32px;
      }
      header .meta {
        font-size: 24px;
        color: var(--muted);
        text-align: right;
      }
      .warning {
        background: #fff1dc;
        border-left: 12px solid var(--sev-moderate);
        border-radius: 16px;
        padding: 16px 28px;
        font-size: 28px;
        font-weight: 700;
        color: #7a3d00;
      }
      .body {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: minmax(0, 1fr) 540px;
        grid-template-rows: 100%;
        gap: 28px;
      }
      .lines {
        padding: 8px 0;
        overflow: auto;
        min-height: 0;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 22px;
      }
      th {
        position: sticky;
        top: 0;
        background: var(--vw-white);
        text-align: left;
        font-size: 18px;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--muted);
        padding: 14px 10px;
        border-bottom: 3px solid var(--vw-dark);
        white-space: nowrap;
      }
      th.num {
        text-align: right;
      }
      td {
        padding: 9px 10px;
        border-bottom: 1px solid var(--line);
        vertical-align: middle;
      }
      td:first-child,
      th:first-child {
        padding-left: 20px;
      }
      td:last-child,
      th:last-child {
        padding-right: 20px;
      }
      .op {
        display: inline-block;
        padding: 3px 12px;
        margin-right: 10px;
        border-radius: 999px;
        font-size: 18px;
        font-weight: 700;
        white-space: nowrap;
        background: var(--vw-light);
        color: var(--vw-dark);
      }
      .op.replace {
        background: #dfe8ff;
        color: #0030a0;
      }
      .op.refinish,
      .op.blend {
        background: #f1e6ff;
        color: #5a1a9a;
      }
      .op.repair {
        background: #e2f5ea;
        color: #0a5a2c;
      }
      .op.sublet {
        background: #fff1dc;
        color: #7a3d00;
      }
      .pn {
        font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
        font-size: 20px;
        white-space: nowrap;
      }
      .desc {
        font-weight: 600;
        width: 100%;
      }
      .totals {
        display: flex;
        flex-direction: column;
        gap: 2px;
        padding: 22px 28px;
        overflow: auto;
      }
      .row {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        gap: 16px;
        font-size: 24px;
        padding: 5px 0;
      }
      .row small {
        font-size: 18px;
        color: var(--muted);
      }
      .row.sub {
        font-size: 20px;
        color: var(--muted);
        padding: 0 0 0 18px;
      }
      .row.grand {
        margin-top: 8px;
        padding-top: 12px;
        border-top: 3px solid var(--vw-dark);
        font-size: 36px;
        font-weight: 800;
        color: var(--vw-dark);
      }
      .row.duration {
        margin-top: auto;
        background: var(--vw-light);
        border-radius: 14px;
        padding: 10px 18px;
        font-size: 22px;
        font-weight: 700;
      }
      footer {
        display: flex;
        align-items: flex-end;
        justify-content: space-between;
        gap: 32px;
      }
      footer .notes {
        display: flex;
        flex-direction: column;
        gap: 6px;
        font-size: 20px;
        color: var(--muted);
        max-width: 1200px;
      }
      footer .illustrative {
        font-weight: 700;
        color: var(--vw-dark);
      }
    `,
  ];

  /** The station's session, as the server sent it. */
  @property({ attribute: false }) session!: SessionView;

  override render() {
    const s = this.session;
    const locale = s.locale;
    const estimate = s.estimate;
    if (!estimate) {
      return html`<div class="progress" role="status"><div class="spinner"></div><h1>${t(locale, 'damage.estimating')}</h1></div>`;
    }
    const money = (amount: string) => formatMoney(amount, estimate.currency, locale);
    return html`
      <header>
        <h1>${t(locale, 'estimate.title')}</h1>
        <div class="meta">
          ${estimate.vehicle_name} · ${estimate.estimate_id} (${t(locale, 'estimate.version', { v: estimate.version })})<br />
          ${t(locale, 'estimate.validUntil', { date: formatShortDate(estimate.valid_until, locale) })}
        </div>
      </header>
      ${estimate.total_loss.is_total_loss
        ? html`<div class="warning" role="alert">
            ⚠ ${t(locale, 'estimate.totalLoss', {
              ratio: formatPercent(estimate.total_loss.ratio, locale),
              value: money(estimate.total_loss.vehicle_value),
            })}
          </div>`
        : nothing}
      <div class="body">
        <section class="panel lines" style="padding:0">
          <table>
            <thead>
              <tr>
                <th class="num">${t(locale, 'estimate.col.no')}</th>
                <th>${t(locale, 'estimate.col.operation')} / ${t(locale, 'estimate.col.description')}</th>
                <th>${t(locale, 'estimate.col.partNumber')}</th>
                <th class="num">${t(locale, 'estimate.col.qty')}</th>
                <th class="num">${t(locale, 'estimate.col.unitPrice')}</th>
                <th class="num">${t(locale, 'estimate.col.hours')}</th>
                <th class="num">${t(locale, 'estimate.col.amount')}</th>
              </tr>
            </thead>
            <tbody>
              ${estimate.lines.map((line) => this._renderLine(line, money))}
            </tbody>
          </table>
        </section>
        <section class="panel totals">${this._renderTotals(estimate, money)}</section>
      </div>
      <footer>
        <div class="notes">
          ${estimate.approximate_taxes
            ? html`<span class="approx-taxes">${t(locale, 'estimate.approxTaxes', {
                total: money(estimate.approximate_taxes.total),
                percent: formatRate(estimate.approximate_taxes.percent, locale),
                federal: money(estimate.approximate_taxes.federal),
                state: money(estimate.approximate_taxes.state),
                municipal: money(estimate.approximate_taxes.municipal),
                source: estimate.approximate_taxes.source,
              })}</span>`
            : nothing}
          ${estimate.notes.map((note) => html`<span>${note}</span>`)}
          <span class="illustrative">${t(locale, 'estimate.illustrative')}</span>
        </div>
        <div class="actions">
          <button class="secondary" ?disabled=${!canSend(s, 'BACK')} @click=${() => this._send('BACK')}>
            ${t(locale, 'action.back')}
          </button>
          <button ?disabled=${!canSend(s, 'CONTINUE')} @click=${() => this._send('CONTINUE')}>
            ${t(locale, 'action.continue')}
          </button>
        </div>
      </footer>
    `;
  }

  private _renderLine(line: EstimateLine, money: (amount: string) => string) {
    const locale = this.session.locale;
    return html`<tr>
      <td class="num">${line.line_no}</td>
      <td class="desc"><span class="op ${line.operation}">${t(locale, `op.${line.operation}`)}</span>${line.description}</td>
      <td class="pn">${line.part_number ? formatPartNumber(line.part_number) : '—'}</td>
      <td class="num">${line.quantity || '—'}</td>
      <td class="num">${line.unit_price ? money(line.unit_price) : '—'}</td>
      <td class="num">${line.labor_hours ? formatNumber(line.labor_hours, locale, 1) : '—'}</td>
      <td class="num"><strong>${money(line.amount)}</strong></td>
    </tr>`;
  }

  private _renderTotals(estimate: RepairEstimate, money: (amount: string) => string) {
    const locale = this.session.locale;
    const otherLabel = (key: string) => {
      const dictKey = `other.${key}`;
      return hasKey(dictKey) ? t(locale, dictKey) : key.replaceAll('_', ' ');
    };
    return html`
      <div class="row"><span>${t(locale, 'estimate.parts')}</span><span class="num">${money(estimate.parts_total)}</span></div>
      <div class="row"><span>${t(locale, 'estimate.labor')}</span><span class="num">${money(estimate.labor_total)}</span></div>
      ${estimate.labor.map(
        (labor) => html`<div class="row sub">
          <span
            >${t(locale, `labor.${labor.category}`)} ·
            ${t(locale, 'estimate.laborDetail', { hours: formatNumber(labor.hours, locale, 1), rate: money(labor.rate) })}</span
          >
          <span class="num">${money(labor.amount)}</span>
        </div>`,
      )}
      ${Object.entries(estimate.other_totals).map(
        ([key, amount]) => html`<div class="row"><span>${otherLabel(key)}</span><span class="num">${money(amount)}</span></div>`,
      )}
      <div class="row">
        <span
          >${t(locale, 'estimate.tax')}
          ${estimate.prices_include_tax ? html`<small>(${t(locale, 'estimate.taxIncluded')})</small>` : nothing}</span
        >
        <span class="num">${money(estimate.tax)}</span>
      </div>
      ${estimate.tax_lines.map(
        (tax) => html`<div class="row sub">
          <span>${tax.name} (${formatRate(tax.rate, locale)})</span><span class="num">${money(tax.amount)}</span>
        </div>`,
      )}
      <div class="row grand"><span>${t(locale, 'estimate.grandTotal')}</span><span class="num">${money(estimate.grand_total)}</span></div>
      <div class="row duration">
        <span>${t(locale, 'estimate.duration')}</span><span>${formatDuration(estimate.estimated_duration, locale)}</span>
      </div>
    `;
  }

  private _send(type: 'CONTINUE' | 'BACK') {
    this.dispatchEvent(commandEvent({ type }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'estimate-view': EstimateView;
  }
}
