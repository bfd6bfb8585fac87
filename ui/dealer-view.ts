import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import type { DealerHit, PartsPlan, RepairEstimate } from '../machines/schemas.js';
import { canSend, commandEvent } from './commands.js';
import './dealer-map.js';
import {
  formatDay,
  formatDistance,
  formatMoney,
  formatOpeningHours,
  formatTime,
  groupByDay,
} from './format.js';
import { hasKey, t } from './i18n.js';
import {
  availabilityWords,
  earliestWords,
  heldWords,
  ownParts,
  planParts,
  readyWords,
  relativeDayTime,
  shipmentWords,
} from './parts-words.js';
import { inStep } from './steps.js';
import { theme } from './theme.js';

/**
 * Who fixes the car and when: nearby dealers while choosing (cards saying what each one's
 * parts plan means: what is on its shelf, what comes by courier and from where, when it is all
 * there; and the map), then the chosen dealer's price, its parts plan in words and on the map
 * with the routes, and its free slots grouped by day; "checking stock…" while the dealer
 * prices the repair and plans the parts, progress while booking; the "slot just taken"
 * conflict; failures with RETRY.
 */
@customElement('dealer-view')
export class DealerView extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 20px;
        height: 100%;
        padding: 28px 56px 28px;
      }
      header {
        display: flex;
        align-items: baseline;
        justify-content: space-between;
        gap: 24px;
      }
      header p {
        font-size: 26px;
        color: var(--muted);
        margin-left: auto;
      }
      header {
        align-items: center;
      }
      .choose {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: minmax(0, 1fr) 640px;
        grid-template-rows: 100%;
        gap: 28px;
      }
      /* Six cards fit at 1920×1080 without scrolling; more scroll. */
      .list {
        display: flex;
        flex-direction: column;
        gap: 8px;
        overflow-y: auto;
        min-height: 0;
        padding: 4px 8px 4px 4px;
        margin: 0;
        list-style: none;
      }
      /* Name and distance; where and the first slot; the parts sentence across, on one line. */
      .dealer {
        display: grid;
        grid-template-columns: 52px minmax(0, 1fr) auto;
        grid-template-areas:
          'n name km'
          'n where earliest'
          'n parts parts';
        align-items: baseline;
        gap: 3px 18px;
        width: 100%;
        min-height: 0;
        text-align: left;
        font-weight: 400;
        border-radius: var(--radius);
        border: 3px solid transparent;
        padding: 9px 22px 10px 18px;
        background: var(--vw-white);
        color: var(--ink);
        box-shadow: 0 2px 12px rgba(0, 30, 80, 0.1);
      }
      .dealer:not(:disabled):hover,
      .dealer.selected {
        border-color: var(--vw-blue);
      }
      .dealer:disabled {
        background: var(--vw-white);
        color: var(--ink);
        border-color: transparent;
        cursor: default;
      }
      .dealer .n {
        grid-area: n;
        align-self: center;
        display: grid;
        place-items: center;
        width: 52px;
        height: 52px;
        border-radius: 50%;
        background: var(--vw-dark);
        color: #fff;
        font-size: 26px;
        font-weight: 800;
      }
      .dealer .name {
        grid-area: name;
        font-size: 28px;
        font-weight: 800;
        color: var(--vw-dark);
        line-height: 1.12;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .dealer .where {
        grid-area: where;
        display: flex;
        align-items: center;
        gap: 12px;
        font-size: 21px;
        line-height: 1.2;
        color: var(--muted);
        white-space: nowrap;
        min-width: 0;
      }
      .courtesy {
        padding: 1px 12px;
        border-radius: 999px;
        background: var(--vw-light);
        color: var(--vw-dark);
        font-size: 18px;
        font-weight: 700;
        white-space: nowrap;
      }
      .parts {
        grid-area: parts;
        font-size: 21px;
        font-weight: 600;
        line-height: 1.25;
        color: var(--ink);
        padding-left: 24px;
        position: relative;
      }
      .parts::before {
        content: '';
        position: absolute;
        left: 2px;
        top: 7px;
        width: 13px;
        height: 13px;
        border-radius: 50%;
        background: var(--ok);
      }
      .parts.moving::before {
        background: var(--sev-moderate);
      }
      /* A piece of the sentence breaks only when it is longer than a line ("quinta-feira" stays whole). */
      .parts .piece {
        white-space: nowrap;
      }
      .parts .piece:nth-child(2) {
        white-space: normal;
      }
      .earliest {
        grid-area: earliest;
        font-size: 20px;
        line-height: 1.2;
        color: var(--muted);
        text-align: right;
        white-space: nowrap;
      }
      .dealer .km {
        grid-area: km;
        font-size: 30px;
        line-height: 1.12;
        font-weight: 800;
        color: var(--vw-blue);
        white-space: nowrap;
        text-align: right;
      }
      .map {
        display: flex;
        flex-direction: column;
        gap: 12px;
        padding: 20px;
      }
      .map dealer-map {
        flex: 1;
        min-height: 0;
      }
      .progress .hint {
        font-size: 28px;
      }
      .slots-layout {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: 540px minmax(0, 1fr) 500px;
        grid-template-rows: 100%;
        gap: 28px;
      }
      .chosen {
        display: flex;
        flex-direction: column;
        gap: 8px;
        font-size: 22px;
        padding: 22px 28px;
        min-height: 0;
        overflow: hidden;
      }
      .chosen h2 {
        font-size: 32px;
        line-height: 1.12;
      }
      .chosen .contact {
        color: var(--muted);
        font-size: 21px;
      }
      .chosen hr {
        width: 100%;
        border: 0;
        border-top: 2px solid var(--line);
        margin: 4px 0;
      }
      .price {
        font-size: 40px;
        font-weight: 800;
        color: var(--vw-dark);
        font-variant-numeric: tabular-nums;
      }
      .price-note {
        font-size: 20px;
        color: var(--muted);
      }
      .plan {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .plan li {
        font-size: 22px;
        font-weight: 600;
        padding-left: 26px;
        position: relative;
      }
      .plan li::before {
        content: '';
        position: absolute;
        left: 2px;
        top: 8px;
        width: 14px;
        height: 14px;
        border-radius: 50%;
        background: var(--ok);
      }
      .plan li.none-here::before {
        background: #9aa5b8;
      }
      .plan li.dealer-route::before {
        background: #e06c00;
      }
      .plan li.centre-route::before {
        background: #6a3fb5;
      }
      .plan li small {
        display: block;
        font-size: 19px;
        font-weight: 400;
        color: var(--muted);
      }
      .plan .ready {
        font-weight: 800;
        color: var(--vw-dark);
      }
      .plan .ready::before {
        display: none;
      }
      .plan .ready .when {
        display: block;
      }
      .plan .ready .when::first-letter {
        text-transform: uppercase;
      }
      .route-map {
        display: flex;
        padding: 16px;
        min-height: 0;
      }
      .route-map dealer-map {
        flex: 1;
      }
      .chosen .label {
        font-size: 20px;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.08em;
        color: var(--muted);
      }
      .services {
        display: flex;
        flex-wrap: wrap;
        gap: 10px;
      }
      .services span {
        padding: 4px 16px;
        border-radius: 999px;
        background: var(--vw-light);
        color: var(--vw-dark);
        font-size: 20px;
        font-weight: 600;
      }
      .chosen .spacer {
        flex: 1;
      }
      .slots {
        display: flex;
        flex-direction: column;
        gap: 20px;
        min-height: 0;
      }
      .days {
        flex: 1;
        min-height: 0;
        overflow-y: auto;
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(300px, 1fr));
        gap: 20px;
        align-content: start;
      }
      .day {
        padding: 20px 24px;
      }
      .day h3 {
        font-size: 24px;
        margin-bottom: 14px;
        color: var(--vw-dark);
      }
      .day h3::first-letter {
        text-transform: uppercase;
      }
      .times {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 10px;
      }
      .times button {
        min-height: 64px;
        padding: 8px 0;
        font-size: 26px;
        border-radius: 14px;
        background: var(--vw-white);
        color: var(--vw-blue);
      }
      .conflict {
        background: #fff1dc;
        border-left: 12px solid var(--sev-moderate);
        border-radius: 16px;
        padding: 18px 28px;
        font-size: 30px;
        font-weight: 700;
        color: #7a3d00;
      }
      .center {
        flex: 1;
        display: flex;
        flex-direction: column;
        justify-content: center;
        gap: 32px;
        max-width: 1300px;
        margin: 0 auto;
        width: 100%;
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
    if (s.error && !inStep(s, 'DealerChosen.bookingConflict')) return this._renderError();
    if (inStep(s, 'DealerChosen.checkingDealer') || inStep(s, 'DealerChosen.booking')) {
      const booking = inStep(s, 'DealerChosen.booking');
      return html`<div class="progress" role="status">
        <div class="spinner"></div>
        <h1>${t(locale, booking ? 'dealer.booking' : 'dealer.checking')}</h1>
        ${s.dealer ? html`<p>${s.dealer.name} · ${s.dealer.district}, ${s.dealer.city}</p>` : nothing}
        ${booking ? nothing : html`<p class="hint">${t(locale, 'dealer.checkingHint')}</p>`}
      </div>`;
    }
    if (s.state === 'DealerChosen' && s.dealer) return this._renderSlots(s.dealer);
    if (s.dealers.length === 0) {
      return html`<div class="progress" role="status">
        <div class="spinner"></div>
        <h1>${t(locale, 'dealer.searching')}</h1>
      </div>`;
    }
    return this._renderChoose();
  }

  private _renderChoose() {
    const s = this.session;
    const locale = s.locale;
    const enabled = canSend(s, 'DEALER_CHOSEN');
    return html`
      <header>
        <h1>${t(locale, 'dealer.title')}</h1>
        <p>${t(locale, 'dealer.nearest')}</p>
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
      </header>
      <div class="choose">
        <ol class="list">
          ${s.dealers.map((dealer, index) => this._renderCard(dealer, index, enabled))}
        </ol>
        <section class="panel map">
          <dealer-map .dealers=${s.dealers} .venue=${s.venue} .locale=${locale}></dealer-map>
        </section>
      </div>
    `;
  }

  /** One dealer of the list: where it is, and what its parts plan means in words. */
  private _renderCard(dealer: DealerHit, index: number, enabled: boolean) {
    const locale = this.session.locale;
    const now = new Date();
    const availability = dealer.availability;
    const moving = availability !== null && availability.missing.length > 0;
    return html`<li>
      <button
        class="dealer"
        data-testid="dealer"
        data-dealer=${dealer.dealer_id}
        ?disabled=${this.offline || !enabled}
        @click=${() => this._onDealer(dealer.dealer_id)}
      >
        <span class="n">${index + 1}</span>
        <span class="name">${dealer.name}</span>
        <span class="km">${formatDistance(dealer.distance_km, locale)}</span>
        <span class="where">
          <span>${dealer.district} · ${dealer.city}/${dealer.state}</span>
          ${
            dealer.courtesy_car
              ? html`<span class="courtesy">${t(locale, 'dealer.courtesyCar')}</span>`
              : nothing
          }
        </span>
        ${
          availability
            ? html`<span class="earliest"
                  >${earliestWords(availability.earliest_start, locale, now)}</span
                >
                <span class="parts ${moving ? 'moving' : ''}" data-testid="parts-words"
                  >${availabilityWords(availability, locale, now).map(
                    (words, i) => html`${i > 0 ? ' · ' : ''}<span class="piece">${words}</span>`,
                  )}</span
                >`
            : nothing
        }
      </button>
    </li>`;
  }

  private _renderSlots(dealer: DealerHit) {
    const s = this.session;
    const locale = s.locale;
    const conflict = inStep(s, 'DealerChosen.bookingConflict');
    const enabled = canSend(s, 'SLOT_CHOSEN');
    const days = groupByDay(s.slots, (slot) => slot.start);
    return html`
      <header>
        <h1>${t(locale, 'dealer.chooseSlot')}</h1>
        <button
          class="secondary"
          ?disabled=${this.offline || !canSend(s, 'CHANGE_DEALER')}
          @click=${() => this._send('CHANGE_DEALER')}
        >
          ${t(locale, 'action.changeDealer')}
        </button>
      </header>
      <div class="slots-layout">
        <section class="panel chosen">
          <span class="label">${t(locale, 'dealer.chosen')}</span>
          <h2>${dealer.name}</h2>
          <div>${dealer.street}<br />${dealer.district} · ${dealer.city}/${dealer.state}</div>
          <div class="contact">
            ${formatDistance(dealer.distance_km, locale)} ·
            ${dealer.phone}${
              dealer.courtesy_car ? html` · ${t(locale, 'dealer.courtesyCar')}` : nothing
            }
          </div>
          <div class="contact">${formatOpeningHours(dealer.hours, locale)}</div>
          ${this._renderPrice(s.dealer_estimate, s.estimate, dealer)}
          ${s.parts_plan ? this._renderPlan(s.parts_plan) : nothing}
        </section>
        <section class="slots">
          ${conflict ? html`<div class="conflict" role="alert">⚠ ${t(locale, 'dealer.conflict')}</div>` : nothing}
          ${
            days.length === 0
              ? html`<p class="note" style="font-size:30px">${t(locale, 'dealer.noSlots')}</p>`
              : html`<div class="days">
                  ${days.map(
                    (day) =>
                      html`<div class="panel day">
                        <h3>${formatDay(day.items[0]!.start, locale)}</h3>
                        <div class="times">
                          ${day.items.map(
                            (slot) =>
                              html`<button
                                data-testid="slot"
                                data-slot=${slot.start}
                                ?disabled=${this.offline || !enabled}
                                @click=${() => this._onSlot(slot.start)}
                              >
                                ${formatTime(slot.start, locale)}
                              </button>`,
                          )}
                        </div>
                      </div>`,
                  )}
                </div>`
          }
        </section>
        <section class="panel route-map">
          <dealer-map
            frame-plan
            .dealers=${s.dealers.length ? s.dealers : [dealer]}
            .selectedId=${dealer.dealer_id}
            .venue=${s.venue}
            .plan=${s.parts_plan}
            .locale=${locale}
          ></dealer-map>
        </section>
      </div>
    `;
  }

  /** The price this dealer charges; when it is not the first estimate's, why, briefly. */
  private _renderPrice(
    dealerEstimate: RepairEstimate | null,
    estimate: RepairEstimate | null,
    dealer: DealerHit,
  ) {
    const locale = this.session.locale;
    const priced = dealerEstimate ?? estimate;
    if (!priced) return nothing;
    const differs =
      dealerEstimate !== null &&
      estimate !== null &&
      dealerEstimate.grand_total !== estimate.grand_total;
    return html`<hr />
      <span class="label">${t(locale, 'dealer.price')}</span>
      <span class="price" data-testid="dealer-price"
        >${formatMoney(priced.grand_total, priced.currency, locale)}</span
      >
      ${
        differs
          ? html`<span class="price-note"
              >${t(locale, 'dealer.priceDiffers', { state: dealer.state })} ·
              ${t(locale, 'dealer.priceFirst', {
                amount: formatMoney(estimate.grand_total, estimate.currency, locale),
              })}</span
            >`
          : nothing
      }`;
  }

  /** The parts plan in words: on the shelf, each shipment and when it arrives, ready when. */
  private _renderPlan(plan: PartsPlan) {
    const locale = this.session.locale;
    const now = new Date();
    const total = planParts(plan);
    return html`<hr />
      <span class="label">${t(locale, 'dealer.parts')}</span>
      <ul class="plan" data-testid="parts-plan">
        ${
          total > 0
            ? html`<li class=${ownParts(plan) === 0 ? 'none-here' : ''}>
                ${heldWords(ownParts(plan), total, locale)}
              </li>`
            : nothing
        }
        ${plan.shipments.map(
          (shipment) =>
            html`<li
              class=${shipment.source.kind === 'parts_centre' ? 'centre-route' : 'dealer-route'}
            >
              ${shipmentWords(shipment, locale)}
              <small
                >${t(locale, 'parts.arrives', { when: relativeDayTime(shipment.eta, locale, now) })}
                · ${shipment.from_name}</small
              >
            </li>`,
        )}
        <li class="ready">
          <span class="when">${readyWords(plan.ready_date, locale, now)}</span>
          ${
            Number(plan.transfer_cost) > 0
              ? html`<small
                  >${t(locale, 'dealer.transferCost', {
                    amount: formatMoney(plan.transfer_cost, plan.currency, locale),
                  })}</small
                >`
              : nothing
          }
        </li>
      </ul>`;
  }

  private _renderError() {
    const s = this.session;
    const locale = s.locale;
    return html`<div class="center">
      <h1>${t(locale, 'dealer.failed')}</h1>
      <div class="error-box" role="alert"><strong>${s.error?.code}</strong>${s.error?.message}</div>
      <div class="actions">
        ${
          canSend(s, 'CHANGE_DEALER')
            ? html`<button
                class="secondary"
                ?disabled=${this.offline}
                @click=${() => this._send('CHANGE_DEALER')}
              >
                ${t(locale, 'action.changeDealer')}
              </button>`
            : nothing
        }
        <button
          ?disabled=${this.offline || !canSend(s, 'RETRY')}
          @click=${() => this._send('RETRY')}
        >
          ${t(locale, 'action.retry')}
        </button>
      </div>
    </div>`;
  }

  /** A dealer service's name in the screen's language; an unknown one as written, without underscores. */
  private _service(service: string): string {
    const key = `service.${service}`;
    return hasKey(key) ? t(this.session.locale, key) : service.replaceAll('_', ' ');
  }

  private _onDealer(dealerId: string) {
    this.dispatchEvent(commandEvent({ type: 'DEALER_CHOSEN', dealer_id: dealerId }));
  }

  private _onSlot(slotStart: string) {
    this.dispatchEvent(commandEvent({ type: 'SLOT_CHOSEN', slot_start: slotStart }));
  }

  private _send(type: 'BACK' | 'CHANGE_DEALER' | 'RETRY') {
    this.dispatchEvent(commandEvent({ type }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dealer-view': DealerView;
  }
}
