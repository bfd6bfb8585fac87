import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import type { Invoice } from '../machines/schemas.js';
import { canSend, commandEvent } from './commands.js';
import { formatDateTime, formatMoney, formatTime } from './format.js';
import { t, tCount } from './i18n.js';
import { theme } from './theme.js';

/**
 * The booked appointment: dealer and address, date and time, appointment number, the
 * estimate's grand total and, when issued, the (illustrative) invoice summary; then
 * "Next driver" hands the station to the next attendee.
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
        padding: 48px 96px 40px;
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
        grid-template-columns: 1.3fr 1fr;
        gap: 32px;
      }
      dl {
        display: grid;
        grid-template-columns: 300px 1fr;
        gap: 22px 24px;
        margin: 0;
        align-items: baseline;
      }
      dt {
        font-size: 22px;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--muted);
      }
      dd {
        margin: 0;
        font-size: 32px;
        font-weight: 600;
      }
      dd.when {
        font-size: 40px;
        font-weight: 800;
        color: var(--vw-blue);
      }
      dd.total {
        font-size: 44px;
        font-weight: 800;
        color: var(--vw-dark);
      }
      .id {
        font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
        font-size: 28px;
      }
      .invoice {
        display: flex;
        flex-direction: column;
        gap: 20px;
      }
      .invoice dl {
        grid-template-columns: 220px 1fr;
      }
      .invoice dd {
        font-size: 28px;
      }
      footer {
        display: flex;
        align-items: center;
        justify-content: space-between;
      }
      .next {
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
    const estimate = s.estimate;
    return html`
      <header>
        <div class="check" aria-hidden="true">✓</div>
        <div>
          <h1>${t(locale, 'confirm.title')}</h1>
          <p>${t(locale, 'confirm.subtitle')}</p>
        </div>
      </header>
      <div class="cards">
        <section class="panel">
          <dl>
            <dt>${t(locale, 'confirm.dealer')}</dt>
            <dd>${dealer?.name ?? '—'}</dd>
            <dt>${t(locale, 'confirm.address')}</dt>
            <dd>
              ${dealer ? html`${dealer.street}<br />${dealer.city}/${dealer.state} · ${dealer.cep}<br />${dealer.phone}` : '—'}
            </dd>
            <dt>${t(locale, 'confirm.when')}</dt>
            <dd class="when">
              ${
                appointment
                  ? html`${formatDateTime(appointment.slot_start, locale)}–${formatTime(appointment.slot_end, locale)}`
                  : '—'
              }
            </dd>
            <dt>${t(locale, 'confirm.id')}</dt>
            <dd class="id" data-testid="appointment-id">
              ${appointment?.appointment_id ?? s.appointment_id ?? '—'}
            </dd>
            <dt>${t(locale, 'confirm.total')}</dt>
            <dd class="total">
              ${estimate ? formatMoney(estimate.grand_total, estimate.currency, locale) : '—'}
            </dd>
          </dl>
        </section>
        ${s.invoice ? this._renderInvoice(s.invoice) : nothing}
      </div>
      <footer>
        <span></span>
        <button
          class="next"
          data-testid="next-driver"
          ?disabled=${this.offline || !canSend(s, 'NEXT_DRIVER')}
          @click=${this._onNextDriver}
        >
          ${t(locale, 'action.nextDriver')}
        </button>
      </footer>
    `;
  }

  private _renderInvoice(invoice: Invoice) {
    const locale = this.session.locale;
    const money = (amount: string) => formatMoney(amount, invoice.currency, locale);
    return html`<section class="panel invoice">
      <h2>${t(locale, 'invoice.title')}</h2>
      <dl>
        <dt>${t(locale, 'invoice.number')}</dt>
        <dd class="id" data-testid="invoice-number">${invoice.invoice_number}</dd>
        <dt>${t(locale, 'invoice.linesLabel')}</dt>
        <dd>${tCount(locale, 'invoice.lines', invoice.lines.length)}</dd>
        <dt>${t(locale, 'invoice.net')}</dt>
        <dd class="num" style="text-align:left">${money(invoice.net_total)}</dd>
        <dt>${t(locale, 'invoice.tax')}</dt>
        <dd class="num" style="text-align:left">${money(invoice.tax)}</dd>
        <dt>${t(locale, 'invoice.total')}</dt>
        <dd class="total">${money(invoice.grand_total)}</dd>
      </dl>
      <span class="note">${invoice.seller.name} · ${invoice.seller.tax_id}</span>
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
