import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import type { DealerHit } from '../machines/schemas.js';
import { canSend, commandEvent } from './commands.js';
import './dealer-map.js';
import { formatDay, formatDistance, formatOpeningHours, formatTime, groupByDay } from './format.js';
import { hasKey, t } from './i18n.js';
import { inStep } from './steps.js';
import { theme } from './theme.js';

/**
 * Who fixes the car and when: nearby dealers (list + schematic map) while choosing, then
 * the chosen dealer's free slots grouped by day; progress while the dealer is checked and
 * the slot booked; the "slot just taken" conflict; failures with RETRY.
 */
@customElement('dealer-view')
export class DealerView extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 24px;
        height: 100%;
        padding: 36px 56px 32px;
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
        grid-template-columns: minmax(0, 1fr) 820px;
        grid-template-rows: 100%;
        gap: 32px;
      }
      .list {
        display: flex;
        flex-direction: column;
        gap: 16px;
        overflow-y: auto;
        min-height: 0;
        padding: 4px 8px 4px 4px;
        margin: 0;
        list-style: none;
      }
      .dealer {
        display: grid;
        grid-template-columns: 64px 1fr auto;
        align-items: center;
        gap: 24px;
        width: 100%;
        text-align: left;
        font-weight: 400;
        border-radius: var(--radius);
        border: 3px solid transparent;
        padding: 20px 28px;
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
        display: grid;
        place-items: center;
        width: 56px;
        height: 56px;
        border-radius: 50%;
        background: var(--vw-dark);
        color: #fff;
        font-size: 26px;
        font-weight: 800;
      }
      .dealer .name {
        font-size: 30px;
        font-weight: 800;
        color: var(--vw-dark);
      }
      .dealer .where,
      .dealer .hours {
        font-size: 22px;
        color: var(--muted);
      }
      .dealer .km {
        font-size: 34px;
        font-weight: 800;
        color: var(--vw-blue);
        white-space: nowrap;
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
      .map .note {
        text-align: center;
      }
      .slots-layout {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: 560px minmax(0, 1fr);
        grid-template-rows: 100%;
        gap: 32px;
      }
      .chosen {
        display: flex;
        flex-direction: column;
        gap: 20px;
        font-size: 26px;
      }
      .chosen h2 {
        font-size: 40px;
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
        grid-template-columns: repeat(auto-fill, minmax(330px, 1fr));
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
        ${s.dealer ? html`<p>${s.dealer.name} · ${s.dealer.city}</p>` : nothing}
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
          ${s.dealers.map(
            (dealer, index) =>
              html`<li>
                <button
                  class="dealer"
                  data-testid="dealer"
                  data-dealer=${dealer.dealer_id}
                  ?disabled=${this.offline || !enabled}
                  @click=${() => this._onDealer(dealer.dealer_id)}
                >
                  <span class="n">${index + 1}</span>
                  <span>
                    <div class="name">${dealer.name}</div>
                    <div class="where">${dealer.street} · ${dealer.city}/${dealer.state}</div>
                    <div class="hours">${formatOpeningHours(dealer.hours, locale)}</div>
                  </span>
                  <span class="km">${formatDistance(dealer.distance_km, locale)}</span>
                </button>
              </li>`,
          )}
        </ol>
        <section class="panel map">
          <dealer-map .dealers=${s.dealers} .locale=${locale}></dealer-map>
          <p class="note">${t(locale, 'dealer.map')}</p>
        </section>
      </div>
    `;
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
      </header>
      <div class="slots-layout">
        <section class="panel chosen">
          <span class="label">${t(locale, 'dealer.chosen')}</span>
          <h2>${dealer.name}</h2>
          <div>${dealer.street}<br />${dealer.city}/${dealer.state} · ${dealer.cep}</div>
          <div>${formatDistance(dealer.distance_km, locale)} · ${dealer.phone}</div>
          <div class="note" style="font-size:22px">${formatOpeningHours(dealer.hours, locale)}</div>
          <div class="services">
            ${dealer.services.map((service) => html`<span>${this._service(service)}</span>`)}
          </div>
          <span class="spacer"></span>
          <button
            class="secondary"
            ?disabled=${this.offline || !canSend(s, 'CHANGE_DEALER')}
            @click=${() => this._send('CHANGE_DEALER')}
          >
            ${t(locale, 'action.changeDealer')}
          </button>
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
      </div>
    `;
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
