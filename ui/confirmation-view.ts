import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import type { Invoice, PartsPlan } from '../machines/schemas.js';
import { canSend, commandEvent } from './commands.js';
import {
  appointmentReference,
  formatDay,
  formatItemCount,
  formatMoney,
  formatPartNumber,
  formatRate,
  formatShortDay,
  formatTime,
} from './format.js';
import { t, tCount } from './i18n.js';
import './invoice-email-form.js';
import { invoiceQrPath } from './invoice-email.js';
import {
  approximateTaxesLine,
  documentLabel,
  invoiceLines,
  isNetPriced,
  netTotal,
  vatLines,
} from './invoice-summary.js';
import { lineSourceWords, relativeDayTime, shipmentWords } from './parts-words.js';
import { theme } from './theme.js';

/** Parts coming in listed one per row up to this many; more are named per shipment in a line. */
const MAX_PART_ROWS = 8;

type PlanSource = PartsPlan['lines'][number]['source'];

/** Whether a plan line comes from the shipment's sender. */
function sameSource(line: PlanSource, shipment: PlanSource): boolean {
  if (line.kind === 'dealer' && shipment.kind === 'dealer')
    return line.dealer_id === shipment.dealer_id;
  return line.kind === shipment.kind;
}

/**
 * The booked appointment: dealer, address and phone, date and time, when the car is ready,
 * appointment number, the dealer's price (its own estimate, or the invoice's total); the
 * parts plan booked with it (each part: where it comes from, when it is there) and, when
 * issued, the (simulated) invoice: its documents, the QR code that opens it on a phone and
 * "send by e-mail"; then "Next driver" hands the station on.
 */
@customElement('confirmation-view')
export class ConfirmationView extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 32px;
        height: 100%;
        padding: 40px 80px 40px;
      }
      header {
        display: flex;
        align-items: center;
        gap: 36px;
      }
      .check {
        display: grid;
        place-items: center;
        width: 120px;
        height: 120px;
        flex: none;
        border-radius: 50%;
        background: var(--ok);
        color: #fff;
        font-size: 72px;
        font-weight: 800;
      }
      header p {
        font-size: 30px;
        color: var(--muted);
        margin-top: 8px;
      }
      .cards {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 0.9fr) minmax(0, 1.15fr);
        gap: 28px;
      }
      .cards > .panel {
        min-height: 0;
        overflow: hidden;
      }
      dl {
        display: grid;
        grid-template-columns: 210px 1fr;
        gap: 18px 20px;
        margin: 0;
        align-items: baseline;
      }
      dt {
        font-size: 19px;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--muted);
      }
      dd {
        margin: 0;
        font-size: 27px;
        font-weight: 600;
      }
      dd .sub {
        font-size: 23px;
        font-weight: 400;
        color: var(--muted);
      }
      dd.when {
        font-size: 34px;
        font-weight: 800;
        color: var(--vw-blue);
      }
      dd.when::first-letter {
        text-transform: uppercase;
      }
      dd.total {
        font-size: 40px;
        font-weight: 800;
        color: var(--vw-dark);
      }
      .nowrap {
        white-space: nowrap;
      }
      .id {
        font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
        font-size: 28px;
      }
      .invoice {
        display: flex;
        flex-direction: column;
        gap: 16px;
      }
      .invoice-head {
        display: flex;
        gap: 24px;
        align-items: flex-start;
      }
      .documents {
        flex: 1;
        min-width: 0;
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 12px;
      }
      .documents li {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        align-items: baseline;
        gap: 2px 12px;
        font-size: 22px;
        line-height: 1.25;
      }
      .documents .doc {
        font-weight: 700;
      }
      .documents .num {
        margin-left: auto;
        font-size: 24px;
        font-weight: 600;
      }
      .documents .sum {
        color: var(--muted);
      }
      .documents .grand {
        padding-top: 12px;
        border-top: 2px solid var(--line);
        font-size: 24px;
        font-weight: 700;
      }
      .documents .grand .num {
        font-size: 34px;
        font-weight: 800;
        color: var(--vw-dark);
      }
      .qr {
        flex: none;
        margin: 0;
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 8px;
        width: 220px;
      }
      .qr img {
        display: block;
        width: 220px;
        height: 220px;
        background: #fff;
      }
      .qr figcaption {
        font-size: 20px;
        font-weight: 700;
        text-align: center;
        line-height: 1.2;
        color: var(--vw-dark);
      }
      .documents .facts {
        font-size: 21px;
        color: var(--muted);
      }
      .simulation {
        color: #9a5b00;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        font-size: 19px;
      }
      .approx {
        font-size: 19px;
        line-height: 1.35;
        color: var(--muted);
      }
      .parts {
        display: flex;
        flex-direction: column;
        gap: 14px;
      }
      .parts ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 14px;
        min-height: 0;
      }
      .parts li {
        display: grid;
        grid-template-columns: 16px 1fr;
        gap: 4px 14px;
        align-items: baseline;
      }
      .parts li::before {
        content: '';
        width: 14px;
        height: 14px;
        border-radius: 50%;
        background: var(--ok);
      }
      .parts li > :not(.head) {
        grid-column: 2;
      }
      .parts li.dealer::before {
        background: #e06c00;
      }
      .parts li.parts_centre::before {
        background: #6a3fb5;
      }
      .parts .head {
        font-size: 24px;
        font-weight: 700;
        line-height: 1.25;
      }
      .parts .part {
        font-size: 21px;
        line-height: 1.25;
      }
      .parts .pn {
        font-size: 20px;
        color: var(--muted);
        white-space: nowrap;
        margin-left: 6px;
      }
      .parts .names {
        font-size: 21px;
        line-height: 1.3;
        color: var(--muted);
      }
      .parts .ready {
        margin-top: auto;
        padding-top: 8px;
        font-size: 24px;
        font-weight: 800;
        color: var(--vw-dark);
      }
      .next {
        margin-left: auto;
        font-size: 40px;
        padding: 24px 72px;
        min-height: 104px;
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
    const appointment = s.appointment;
    const dealer = s.dealer;
    const priced = s.dealer_estimate ?? s.estimate;
    const price = priced
      ? formatMoney(priced.grand_total, priced.currency, locale)
      : s.invoice
        ? formatMoney(s.invoice.grand_total, s.invoice.currency, locale)
        : '—';
    const plan = appointment?.parts_plan ?? s.parts_plan;
    const appointmentId = appointment?.appointment_id ?? s.appointment_id;
    return html`
      <header>
        <div class="check" aria-hidden="true">✓</div>
        <div>
          <h1>${t(locale, 'confirm.title')}</h1>
          <p>${t(locale, 'confirm.subtitle')}</p>
        </div>
        <button
          class="next"
          data-testid="next-driver"
          ?disabled=${this.offline || !canSend(s, 'NEXT_DRIVER')}
          @click=${this._onNextDriver}
        >
          ${t(locale, 'action.nextDriver')}
        </button>
      </header>
      <div class="cards">
        <section class="panel">
          <dl>
            <dt>${t(locale, 'confirm.dealer')}</dt>
            <dd>${dealer?.name ?? '—'}</dd>
            <dt>${t(locale, 'confirm.address')}</dt>
            <dd>
              ${
                dealer
                  ? html`${dealer.street}<br /><span class="sub"
                        >${dealer.district} · ${dealer.city}/${dealer.state} ·
                        <span class="nowrap">${dealer.cep}</span></span
                      ><br /><span class="sub">${dealer.phone}</span>`
                  : '—'
              }
            </dd>
            <dt>${t(locale, 'confirm.when')}</dt>
            <dd class="when">
              ${
                appointment
                  ? html`${formatDay(appointment.slot_start, locale)}<br />${formatTime(appointment.slot_start, locale)}–${formatTime(appointment.slot_end, locale)}`
                  : '—'
              }
            </dd>
            ${
              appointment
                ? html`<dt>${t(locale, 'confirm.workUntil')}</dt>
                    <dd>
                      ${formatShortDay(appointment.work_until, locale)} ·
                      ${formatTime(appointment.work_until, locale)}
                    </dd>`
                : nothing
            }
            <dt>${t(locale, 'confirm.id')}</dt>
            <dd class="id" data-testid="appointment-id" data-appointment-id=${appointmentId ?? ''}>
              ${appointmentId ? appointmentReference(appointmentId) : '—'}
            </dd>
            <dt>${t(locale, 'confirm.price')}</dt>
            <dd class="total" data-testid="dealer-price">${price}</dd>
          </dl>
        </section>
        ${plan ? this._renderPlan(plan) : nothing}
        ${s.invoice ? this._renderInvoice(s.invoice) : nothing}
      </div>
    `;
  }

  /**
   * The parts booked with the appointment, short enough for a dozen parts: the ones already
   * on the dealer's shelf as one line, then each shipment (by courier from a dealer, from the
   * parts centre) with when it arrives and the parts it brings; then when all are there.
   */
  private _renderPlan(plan: PartsPlan) {
    const locale = this.session.locale;
    const now = new Date();
    const own = plan.lines.filter((l) => l.source.kind === 'own');
    const shipments = plan.shipments.map((shipment) => ({
      shipment,
      lines: plan.lines.filter(
        (l) => l.source.kind !== 'own' && sameSource(l.source, shipment.source),
      ),
    }));
    // Lines no shipment claims (a plan the server sent half-built) still show, on their own.
    const claimed = new Set(shipments.flatMap((s) => s.lines));
    const loose = plan.lines.filter((l) => l.source.kind !== 'own' && !claimed.has(l));
    const moving = plan.lines.length - own.length;
    // One row per part while they fit; past that each shipment names its parts in one line.
    const detailed = moving <= MAX_PART_ROWS;
    return html`<section class="panel parts" data-testid="parts-plan">
      <h2>${t(locale, 'confirm.parts')}</h2>
      <ul>
        ${
          own.length > 0
            ? html`<li class="own" data-testid="own-parts">
                <span class="head"
                  >${tCount(
                    locale,
                    own.length === plan.lines.length ? 'confirm.allOwnParts' : 'confirm.ownParts',
                    own.length,
                  )}</span
                >
              </li>`
            : nothing
        }
        ${shipments.map(({ shipment, lines }) =>
          lines.length === 0
            ? nothing
            : html`<li class=${shipment.source.kind} data-testid="shipment">
                <span class="head"
                  >${shipmentWords(shipment, locale)} ·
                  ${t(locale, 'parts.arrives', {
                    when: relativeDayTime(shipment.eta, locale, now),
                  })}</span
                >
                ${
                  detailed
                    ? lines.map(
                        (line) =>
                          html`<span class="part"
                            >${line.part_name}
                            <span class="pn">${formatPartNumber(line.part_number)}</span></span
                          >`,
                      )
                    : html`<span class="names">${lines.map((l) => l.part_name).join(', ')}</span>`
                }
              </li>`,
        )}
        ${loose.map(
          (line) =>
            html`<li class=${line.source.kind}>
              <span class="head">${line.part_name}</span>
              <span class="names"
                >${lineSourceWords(line, plan, locale)} ·
                ${t(locale, 'parts.arrives', { when: relativeDayTime(line.eta, locale, now) })}</span
              >
            </li>`,
        )}
      </ul>
      <span class="ready"
        >${t(locale, 'confirm.partsReady', { when: relativeDayTime(plan.ready_date, locale, now) })}</span
      >
    </section>`;
  }

  /**
   * The invoice as the attendee's documents say it: each document with its number and total,
   * the grand total (the dealer's price), in Brazil the Lei 12.741 line, in Germany the net, VAT
   * per rate and gross; plainly a simulation. The QR code opens it on a phone; "Send by e-mail"
   * writes it to the server's outbox.
   */
  private _renderInvoice(invoice: Invoice) {
    const locale = this.session.locale;
    const money = (amount: string) => formatMoney(amount, invoice.currency, locale);
    const approximate = approximateTaxesLine(invoice, locale);
    const net = isNetPriced(invoice);
    return html`<section class="panel invoice" data-testid="invoice">
      <h2>${t(locale, 'invoice.title')}</h2>
      <div class="invoice-head">
        <ul class="documents">
          ${invoice.documents.map(
            (doc, i) =>
              html`<li data-testid="invoice-document" data-kind=${doc.kind}>
                <span
                  class="doc"
                  data-testid=${i === 0 ? 'invoice-number' : nothing}
                  data-invoice-number=${i === 0 ? invoice.invoice_number : nothing}
                  >${documentLabel(doc, locale)}</span
                >
                ${net ? nothing : html`<span class="num">${money(doc.grand_total)}</span>`}
              </li>`,
          )}
          ${
            net
              ? html`<li class="sum">
                    <span>${t(locale, 'invoice.net')}</span
                    ><span class="num" data-testid="invoice-net">${money(netTotal(invoice))}</span>
                  </li>
                  ${vatLines(invoice).map(
                    (vat) =>
                      html`<li class="sum" data-testid="invoice-vat">
                        <span
                          >${t(locale, 'invoice.vat', { rate: formatRate(vat.rate, locale) })}</span
                        ><span class="num">${money(vat.amount)}</span>
                      </li>`,
                  )}`
              : nothing
          }
          <li class="grand">
            <span>${t(locale, net ? 'invoice.gross' : 'invoice.total')}</span
            ><span class="num" data-testid="invoice-total">${money(invoice.grand_total)}</span>
          </li>
          <li class="facts">
            <span data-testid="invoice-items"
              >${formatItemCount(invoiceLines(invoice), locale)}</span
            >
            <strong class="simulation" data-testid="invoice-simulation"
              >${t(locale, 'invoice.simulation')}</strong
            >
          </li>
        </ul>
        <figure class="qr">
          <img
            data-testid="invoice-qr"
            src=${invoiceQrPath(invoice.appointment_id)}
            width="220"
            height="220"
            alt=${t(locale, 'invoice.qrCaption')}
          />
          <figcaption>${t(locale, 'invoice.qrCaption')}</figcaption>
        </figure>
      </div>
      ${approximate ? html`<p class="approx" data-testid="invoice-approx">${approximate}</p>` : nothing}
      <invoice-email-form
        .appointmentId=${invoice.appointment_id}
        .locale=${locale}
        ?offline=${this.offline}
      ></invoice-email-form>
    </section>`;
  }

  private _onNextDriver() {
    this.dispatchEvent(commandEvent({ type: 'NEXT_DRIVER' }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'confirmation-view': ConfirmationView;
  }
}
