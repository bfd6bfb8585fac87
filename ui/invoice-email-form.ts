import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { Locale } from '../machines/schemas.js';
import { t } from './i18n.js';
import { postInvoiceEmail, type InvoiceEmailResult } from './invoice-email.js';
import { theme } from './theme.js';

/**
 * "Send by e-mail" on the confirmation: a button that opens a small inline form (an e-mail field,
 * which brings up the keyboard the OS provides, then Send and Cancel), the POST with a fresh
 * Idempotency-Key per send, and what came of it: "Sent to … (simulation: written to the outbox)"
 * or the server's message. The form is the only state it keeps; it starts over for every
 * appointment, so the next driver never sees the last one's address.
 */
@customElement('invoice-email-form')
export class InvoiceEmailForm extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 14px;
      }
      form {
        display: flex;
        gap: 12px;
      }
      input {
        font: inherit;
        font-size: 28px;
        min-height: 76px;
        padding: 12px 24px;
        border: 3px solid var(--line);
        border-radius: 16px;
        color: var(--ink);
        background: var(--vw-white);
        flex: 1;
        min-width: 0;
      }
      input:focus {
        outline: none;
        border-color: var(--vw-blue);
      }
      button {
        font-size: 24px;
        padding: 14px 22px;
        min-height: 76px;
      }
      form button {
        flex: none;
      }
      .result {
        font-size: 22px;
        line-height: 1.3;
        font-weight: 600;
      }
      .result.sent {
        color: var(--ok);
      }
      .result.failed {
        color: var(--sev-severe);
      }
    `,
  ];

  /** The appointment whose invoice is sent. */
  @property({ attribute: false }) appointmentId = '';
  /** The session's language. */
  @property({ attribute: false }) locale: Locale = 'pt-BR';
  /** The link to the server is down: nothing can be sent. */
  @property({ type: Boolean }) offline = false;
  /** How the request is sent; plain `fetch` by default. */
  @property({ attribute: false }) fetchFn: typeof fetch = (...args) => fetch(...args);

  @state() private _open = false;
  @state() private _to = '';
  @state() private _sending = false;
  @state() private _result: InvoiceEmailResult | null = null;

  @query('input') private _input?: HTMLInputElement;

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('appointmentId') && changed.get('appointmentId') !== undefined) {
      this._open = false;
      this._to = '';
      this._sending = false;
      this._result = null;
    }
  }

  protected override updated(changed: PropertyValues<this>) {
    // Focused as it opens, so the OS puts its keyboard up at once.
    if (changed.has('_open' as keyof InvoiceEmailForm) && this._open) this._input?.focus();
  }

  override render() {
    const locale = this.locale;
    const result = this._renderResult();
    if (!this._open) {
      return html`${result}
        <button
          class="secondary"
          data-testid="email-open"
          ?disabled=${this.offline || !this.appointmentId}
          @click=${this._onOpen}
        >
          ${t(locale, 'invoice.email')}
        </button>`;
    }
    // novalidate: the server checks the address, and its refusal shows in the kiosk's words
    // rather than as the browser's bubble in the browser's language.
    return html`<form data-testid="email-form" novalidate @submit=${this._onSubmit}>
        <input
          aria-label=${t(locale, 'invoice.emailLabel')}
          placeholder=${t(locale, 'invoice.emailLabel')}
          data-testid="email-to"
          type="email"
          inputmode="email"
          enterkeyhint="send"
          autocomplete="off"
          autocapitalize="off"
          spellcheck="false"
          required
          maxlength="200"
          .value=${this._to}
          ?disabled=${this._sending}
          @input=${this._onInput}
        />
        <button
          type="submit"
          data-testid="email-send"
          ?disabled=${this._sending || this.offline || this._to.trim() === ''}
        >
          ${this._sending ? t(locale, 'invoice.emailSending') : t(locale, 'invoice.emailSend')}
        </button>
        <button
          type="button"
          class="secondary"
          data-testid="email-cancel"
          ?disabled=${this._sending}
          @click=${this._onCancel}
        >
          ${t(locale, 'invoice.emailCancel')}
        </button>
      </form>
      ${result}`;
  }

  private _renderResult() {
    const result = this._result;
    if (!result) return nothing;
    return result.ok
      ? html`<p class="result sent" data-testid="email-result" data-result="sent" role="status">
          ✓ ${t(this.locale, 'invoice.emailSent', { to: result.sent.to })}
        </p>`
      : html`<p class="result failed" data-testid="email-result" data-result="failed" role="alert">
          ${
            // A refused address is said in the screen's language; anything else as the server
            // words it.
            result.error.code === 'invalid_body'
              ? t(this.locale, 'invoice.emailInvalid')
              : t(this.locale, 'invoice.emailFailed', { message: result.error.message })
          }
        </p>`;
  }

  private _onOpen() {
    this._open = true;
    this._result = null;
  }

  private _onCancel() {
    this._open = false;
    this._result = null;
  }

  private _onInput(event: InputEvent) {
    this._to = (event.target as HTMLInputElement).value;
  }

  private async _onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this._sending || this.offline) return;
    this._sending = true;
    const appointmentId = this.appointmentId;
    const result = await postInvoiceEmail(appointmentId, this._to, { fetchFn: this.fetchFn });
    // The attendee moved on (next driver) while it was sent: that answer is not theirs to see.
    if (appointmentId !== this.appointmentId) return;
    this._sending = false;
    this._result = result;
    if (result.ok) this._open = false;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'invoice-email-form': InvoiceEmailForm;
  }
}
