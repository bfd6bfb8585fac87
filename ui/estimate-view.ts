import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import type { EstimateLine, RepairEstimate } from '../machines/schemas.js';
import { canSend, commandEvent } from './commands.js';
import { TEXT } from '../actors/estimate/text.js';
import { componentName } from './component-names.js';
import {
  HOUR_DECIMALS,
  formatDateTime,
  formatDuration,
  formatHours,
  formatItemCount,
  formatMoney,
  formatNumber,
  formatPartNumber,
  formatPercent,
  formatRate,
  formatShortDate,
} from './format.js';
import { hasKey, t } from './i18n.js';
import { theme } from './theme.js';

/** More lines than this and the table switches to condensed rows (a bad crash gives 25+). */
export const DENSE_AFTER = 12;

/** The language the market writes its estimates in (descriptions and notes). */
export function marketLanguage(market: string): string {
  return market.toUpperCase().startsWith('BR') ? 'pt-BR' : market.toLowerCase().split('-')[0]!;
}

/** The operation words the estimator starts its descriptions with, in every language. */
const OPERATION_WORDS = new Set(
  Object.values(TEXT).flatMap((text) =>
    [text.replace, text.repair, text.refinish, text.blend, text.remove_install, text.sublet].map(
      (word) => word.toLowerCase(),
    ),
  ),
);

/**
 * A line's description without the leading operation word the estimator writes
 * ("Troca: Farol esquerdo" → "Farol esquerdo"): the operation is already shown as a pill. Any
 * other lead-in says what the work is and stays ("Verificação e medição (sem troca): …",
 * "Verniz (ciclo de pintura): …", "Montagem e balanceamento do pneu: …").
 */
export function stripOperation(description: string): string {
  const match = /^([^:\d]{2,40}):\s+(.+)$/.exec(description.trim());
  return match && OPERATION_WORDS.has(match[1]!.toLowerCase()) ? match[2]! : description.trim();
}

/**
 * The repair estimate (orçamento): numbered lines with operation, VW part number, quantity,
 * unit price and labour hours (to the hundredth: VW's ZE); totals by category, tax, the Lei
 * 12.741 approximate-taxes line when present, grand total, duration, the orçamento's terms
 * (validity, start and finish dates, payment terms) and the total-loss warning.
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
        padding: 10px 28px;
        font-size: 26px;
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
        display: flex;
        flex-direction: column;
        min-height: 0;
        overflow: hidden;
      }
      .scroll {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        overscroll-behavior: contain;
      }
      .more {
        display: flex;
        justify-content: space-between;
        padding: 8px 20px;
        font-size: 18px;
        font-weight: 600;
        color: var(--muted);
        border-top: 2px solid var(--line);
        background: #f7f9fd;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        table-layout: fixed;
        font-size: 22px;
      }
      col.no {
        width: 64px;
      }
      col.pn {
        width: 190px;
      }
      col.qty {
        width: 70px;
      }
      col.price {
        width: 160px;
      }
      col.hours {
        width: 128px;
      }
      col.amount {
        width: 170px;
      }
      th {
        position: sticky;
        top: 0;
        z-index: 1;
        background: var(--vw-white);
        text-align: left;
        font-size: 17px;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--muted);
        padding: 12px 10px;
        border-bottom: 3px solid var(--vw-dark);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      th.num {
        text-align: right;
      }
      td {
        padding: 8px 10px;
        border-bottom: 1px solid var(--line);
        vertical-align: middle;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      td:first-child,
      th:first-child {
        padding-left: 20px;
      }
      td:last-child,
      th:last-child {
        padding-right: 20px;
      }
      .dense table {
        font-size: 19px;
      }
      .dense td {
        padding: 4px 10px;
      }
      .op {
        display: inline-block;
        padding: 2px 12px;
        margin-right: 10px;
        border-radius: 999px;
        font-size: 17px;
        font-weight: 700;
        white-space: nowrap;
        vertical-align: 1px;
        background: var(--vw-light);
        color: var(--vw-dark);
      }
      .op::first-letter {
        text-transform: uppercase;
      }
      .dense .op {
        font-size: 15px;
        padding: 0 10px;
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
      .op.check,
      .op.service {
        background: #e6f3f5;
        color: #0b5563;
      }
      .pn {
        font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
        font-size: 0.9em;
      }
      .desc {
        font-weight: 600;
      }
      .desc .original {
        font-weight: 400;
        color: var(--muted);
        margin-left: 10px;
        font-size: 0.85em;
      }
      .totals {
        display: flex;
        flex-direction: column;
        gap: 8px;
        padding: 20px 28px;
        min-height: 0;
      }
      .breakdown {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        display: flex;
        flex-direction: column;
        gap: 0;
      }
      .row {
        display: flex;
        justify-content: space-between;
        align-items: baseline;
        gap: 16px;
        font-size: 22px;
        padding: 2px 0;
      }
      .row > .num {
        white-space: nowrap;
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
        padding-top: 10px;
        border-top: 3px solid var(--vw-dark);
        font-size: 36px;
        font-weight: 800;
        color: var(--vw-dark);
      }
      .duration {
        display: flex;
        flex-direction: column;
        gap: 2px;
        background: var(--vw-light);
        border-radius: 14px;
        padding: 10px 18px;
      }
      .duration span {
        font-size: 18px;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--muted);
      }
      .duration strong {
        font-size: 26px;
        color: var(--vw-dark);
      }
      .terms {
        display: flex;
        flex-direction: column;
        gap: 2px;
        margin: 0;
        padding: 8px 20px 10px;
        border-top: 2px solid var(--line);
        font-size: 18px;
        line-height: 1.3;
      }
      .terms > div {
        display: flex;
        gap: 12px;
        align-items: baseline;
      }
      .terms dt {
        flex: none;
        font-size: 15px;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--muted);
      }
      .terms dd {
        margin: 0;
        font-weight: 600;
        color: var(--vw-dark);
      }
      footer {
        display: flex;
        align-items: flex-end;
        justify-content: space-between;
        gap: 32px;
      }
      footer .notes {
        display: grid;
        grid-template-columns: repeat(2, minmax(0, 1fr));
        gap: 2px 32px;
        font-size: 17px;
        line-height: 1.3;
        color: var(--muted);
        max-width: 1360px;
      }
      footer .notes .wide {
        grid-column: 1 / -1;
      }
      footer .illustrative {
        font-weight: 700;
        color: var(--vw-dark);
      }
    `,
  ];

  /** The station's session, as the server sent it. */
  @property({ attribute: false }) session!: SessionView;
  /** The link to the server is down: the view is the last one received and every button is off. */
  @property({ type: Boolean }) offline = false;

  @state() private _overflowing = false;
  @state() private _atEnd = false;

  override render() {
    const s = this.session;
    const locale = s.locale;
    const estimate = s.estimate;
    if (!estimate) {
      return html`<div class="progress" role="status">
        <div class="spinner"></div>
        <h1>${t(locale, 'damage.estimating')}</h1>
      </div>`;
    }
    const money = (amount: string) => formatMoney(amount, estimate.currency, locale);
    return html`
      <header>
        <h1>${t(locale, 'estimate.title')}</h1>
        <div class="meta">
          ${estimate.vehicle_name} · ${estimate.estimate_id}
          (${t(locale, 'estimate.version', { v: estimate.version })})<br />
          ${t(locale, 'estimate.validUntil', { date: formatShortDate(estimate.valid_until, locale) })}
        </div>
      </header>
      ${
        estimate.total_loss.is_total_loss
          ? html`<div class="warning" role="alert">
              ⚠
              ${t(locale, 'estimate.totalLoss', {
                ratio: formatPercent(estimate.total_loss.ratio, locale),
                value: money(estimate.total_loss.vehicle_value),
              })}
            </div>`
          : nothing
      }
      <div class="body">
        <section
          class="panel lines ${estimate.lines.length > DENSE_AFTER ? 'dense' : ''}"
          style="padding:0"
          data-testid="estimate-lines"
        >
          <div class="scroll" @scroll=${this._onScroll}>
            <table>
              <colgroup>
                <col class="no" />
                <col />
                <col class="pn" />
                <col class="qty" />
                <col class="price" />
                <col class="hours" />
                <col class="amount" />
              </colgroup>
              <thead>
                <tr>
                  <th class="num">${t(locale, 'estimate.col.no')}</th>
                  <th>
                    ${t(locale, 'estimate.col.operation')} /
                    ${t(locale, 'estimate.col.description')}
                  </th>
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
          </div>
          <div class="more">
            <span>${formatItemCount(estimate.lines, locale)}</span>
            ${this._overflowing ? html`<span>${t(locale, this._atEnd ? 'estimate.scrollUp' : 'estimate.scrollMore')}</span>` : nothing}
          </div>
          ${this._renderTerms(estimate)}
        </section>
        <section class="panel totals" data-testid="estimate-totals">
          ${this._renderTotals(estimate, money)}
        </section>
      </div>
      <footer>
        <div class="notes">
          ${
            estimate.approximate_taxes
              ? html`<span class="approx-taxes wide"
                  >${t(locale, 'estimate.approxTaxes', {
                    total: money(estimate.approximate_taxes.total),
                    percent: formatRate(estimate.approximate_taxes.percent, locale),
                    federal: money(estimate.approximate_taxes.federal),
                    state: money(estimate.approximate_taxes.state),
                    municipal: money(estimate.approximate_taxes.municipal),
                    source: estimate.approximate_taxes.source,
                  })}</span
                >`
              : nothing
          }
          ${estimate.notes.map((note) => html`<span>${note}</span>`)}
          <span class="illustrative wide">${t(locale, 'estimate.illustrative')}</span>
        </div>
        <div class="actions">
          <button
            class="secondary"
            ?disabled=${this.offline || !canSend(s, 'BACK')}
            @click=${() => this._send('BACK')}
          >
            ${t(locale, 'action.back')}
          </button>
          <button
            data-testid="continue"
            ?disabled=${this.offline || !canSend(s, 'CONTINUE')}
            @click=${() => this._send('CONTINUE')}
          >
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
      <td class="desc" title=${line.description}>
        <span class="op ${line.operation}">${t(locale, `op.${line.operation}`)}</span
        >${this._describe(line)}
      </td>
      <td class="pn" data-testid="part-number">
        ${line.part_number ? formatPartNumber(line.part_number) : '—'}
      </td>
      <td class="num">${line.quantity || '—'}</td>
      <td class="num">${line.unit_price ? money(line.unit_price) : '—'}</td>
      <td class="num">
        ${line.labor_hours ? formatNumber(line.labor_hours, locale, HOUR_DECIMALS) : '—'}
      </td>
      <td class="num"><strong>${money(line.amount)}</strong></td>
    </tr>`;
  }

  /**
   * The line's text: the estimator's description (in the market's language) without its
   * operation word; when the screen speaks another language, the part's name in that
   * language first, with the original after it.
   */
  private _describe(line: EstimateLine) {
    const { locale, market } = this.session;
    const description = stripOperation(line.description);
    if (marketLanguage(market) === locale) return description;
    return html`${componentName(line.component_name, locale)}<span class="original"
        >${description}</span
      >`;
  }

  private _onScroll(event: Event) {
    this._measure(event.currentTarget as HTMLElement);
  }

  protected override updated(): void {
    const scroller = this.renderRoot.querySelector<HTMLElement>('.scroll');
    if (scroller) this._measure(scroller);
  }

  /** Whether the lines overflow their panel, and whether the last one is in view. */
  private _measure(scroller: HTMLElement) {
    const overflowing = scroller.scrollHeight > scroller.clientHeight + 2;
    const atEnd = scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2;
    if (overflowing !== this._overflowing || atEnd !== this._atEnd) {
      this._overflowing = overflowing;
      this._atEnd = atEnd;
    }
  }

  private _renderTotals(estimate: RepairEstimate, money: (amount: string) => string) {
    const locale = this.session.locale;
    const otherLabel = (key: string) => {
      const dictKey = `other.${key}`;
      return hasKey(dictKey) ? t(locale, dictKey) : key.replaceAll('_', ' ');
    };
    return html`
      <div class="breakdown">
        <div class="row">
          <span>${t(locale, 'estimate.parts')}</span
          ><span class="num">${money(estimate.parts_total)}</span>
        </div>
        <div class="row">
          <span>${t(locale, 'estimate.labor')}</span
          ><span class="num">${money(estimate.labor_total)}</span>
        </div>
        ${estimate.labor.map(
          (labor) =>
            html`<div class="row sub">
              <span
                >${t(locale, `labor.${labor.category}`)} ·
                ${t(locale, 'estimate.laborHoursRate', { hours: formatHours(labor.hours, locale), rate: money(labor.rate) })}</span
              >
              <span class="num">${money(labor.amount)}</span>
            </div>`,
        )}
        ${Object.entries(estimate.other_totals)
          .filter(([, amount]) => Number(amount) !== 0)
          .map(
            ([key, amount]) =>
              html`<div class="row">
                <span>${otherLabel(key)}</span><span class="num">${money(amount)}</span>
              </div>`,
          )}
        <div class="row">
          <span
            >${t(locale, 'estimate.tax')}
            ${estimate.prices_include_tax ? html`<small>(${t(locale, 'estimate.taxIncluded')})</small>` : nothing}</span
          >
          <span class="num">${money(estimate.tax)}</span>
        </div>
        ${estimate.tax_lines.map(
          (tax) =>
            html`<div class="row sub">
              <span>${tax.name} (${formatRate(tax.rate, locale)})</span
              ><span class="num">${money(tax.amount)}</span>
            </div>`,
        )}
      </div>
      <div class="row grand" data-testid="grand-total">
        <span>${t(locale, 'estimate.grandTotal')}</span
        ><span class="num">${money(estimate.grand_total)}</span>
      </div>
      <div class="duration">
        <span>${t(locale, 'estimate.duration')}</span
        ><strong>${formatDuration(estimate.estimated_duration, locale)}</strong>
      </div>
    `;
  }

  /** The orçamento's terms (consumer code art. 40) under the lines: start and finish when a
   *  dealer has scheduled them, and the payment terms in the market's words (the validity is
   *  in the header). */
  private _renderTerms(estimate: RepairEstimate) {
    const locale = this.session.locale;
    const { start_date, finish_date, payment_terms } = estimate;
    if (!payment_terms && !(start_date && finish_date)) return nothing;
    return html`<dl class="terms" data-testid="estimate-terms">
      ${
        start_date && finish_date
          ? html`<div>
              <dt>${t(locale, 'estimate.schedule')}</dt>
              <dd>
                ${t(locale, 'estimate.scheduleDates', {
                  start: formatDateTime(start_date, locale),
                  finish: formatDateTime(finish_date, locale),
                })}
              </dd>
            </div>`
          : nothing
      }
      ${
        payment_terms
          ? html`<div>
              <dt>${t(locale, 'estimate.paymentTerms')}</dt>
              <dd>${payment_terms}</dd>
            </div>`
          : nothing
      }
    </dl>`;
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
