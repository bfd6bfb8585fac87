import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Locale, SessionError } from '../machines/schemas.js';
import { formatClock } from './format.js';
import { hasKey, t } from './i18n-staff.js';
import { theme } from './theme.js';
import type { AuditEntry } from './wire.js';

/**
 * The audit log beside the floor: the latest staff actions, newest first — when, who, what,
 * which station and session, and the result (`ok` in green, a refusal's code in red). The floor
 * view fetches `GET /api/audit` and hands the entries in; this element only draws them.
 */
@customElement('staff-audit-panel')
export class StaffAuditPanel extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border-radius: 16px;
        background: rgba(255, 255, 255, 0.06);
        border: 1px solid rgba(255, 255, 255, 0.16);
        color: var(--vw-white);
      }
      header {
        display: flex;
        align-items: baseline;
        justify-content: space-between;
        gap: 12px;
        padding: 14px 18px 10px;
      }
      h2 {
        font-size: 24px;
        color: var(--vw-white);
      }
      header span {
        font-size: 14px;
        opacity: 0.7;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0 10px 12px;
        overflow-y: auto;
        min-height: 0;
        flex: 1;
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      li {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr) auto;
        grid-template-areas:
          'time what result'
          'time who who';
        column-gap: 12px;
        padding: 8px 10px;
        border-radius: 10px;
        background: rgba(255, 255, 255, 0.08);
      }
      .time {
        grid-area: time;
        font-size: 16px;
        font-variant-numeric: tabular-nums;
        opacity: 0.8;
      }
      .what {
        grid-area: what;
        font-size: 18px;
        font-weight: 700;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .who {
        grid-area: who;
        font-size: 14px;
        opacity: 0.75;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .result {
        grid-area: result;
        align-self: start;
        padding: 1px 10px;
        border-radius: 999px;
        font-size: 14px;
        font-weight: 800;
        background: #0a7d3b;
      }
      .result.refused {
        background: #d62020;
      }
      .message {
        margin: 0 18px 14px;
        padding: 10px 14px;
        border-radius: 10px;
        font-size: 16px;
        background: rgba(255, 255, 255, 0.08);
      }
      .message.problem {
        background: #8a1010;
      }
    `,
  ];

  /** The entries, newest first; null before the first answer. */
  @property({ attribute: false }) entries: AuditEntry[] | null = null;
  /** The last refresh's failure (kept with the last entries), with its HTTP status. */
  @property({ attribute: false }) problem: { status: number; error: SessionError } | null = null;
  @property() locale: Locale = 'pt-BR';

  override render() {
    const locale = this.locale;
    const entries = this.entries;
    return html`<header>
        <h2>${t(locale, 'staff.audit.title')}</h2>
        <span>${t(locale, 'staff.audit.hint')}</span>
      </header>
      ${this.problem ? html`<p class="message problem" role="alert" data-testid="audit-problem">${this._problemText()}</p>` : nothing}
      ${
        entries && entries.length === 0
          ? html`<p class="message">${t(locale, 'staff.audit.empty')}</p>`
          : nothing
      }
      <ol data-testid="audit-list">
        ${(entries ?? []).map((entry) => this._renderEntry(entry))}
      </ol>`;
  }

  private _renderEntry(entry: AuditEntry) {
    const locale = this.locale;
    const actionKey = `staff.audit.action.${entry.action}`;
    const action = hasKey(actionKey) ? t(locale, actionKey) : entry.action;
    const detail = this._detail(entry);
    const station = entry.station_id
      ? t(locale, 'staff.audit.station', { id: entry.station_id })
      : null;
    return html`<li
      data-testid="audit-entry"
      data-action=${entry.action}
      data-station=${entry.station_id ?? ''}
      data-session=${entry.session_id ?? ''}
      data-result=${entry.result}
    >
      <span class="time">${formatClock(entry.at, locale)}</span>
      <span class="what" title=${[action, detail].filter(Boolean).join(' · ')}
        >${entry.action === 'command' && detail ? detail : [action, detail].filter(Boolean).join(' · ')}</span
      >
      <span class="result ${entry.result === 'ok' ? '' : 'refused'}">${entry.result}</span>
      <span class="who">${[station, entry.who, entry.session_id].filter(Boolean).join(' · ')}</span>
    </li>`;
  }

  /** What a replay or a plain command carried, in a word. */
  private _detail(entry: AuditEntry): string | null {
    const d = entry.details;
    if (typeof d.script === 'string') return d.script;
    if (entry.action === 'command' && typeof d.type === 'string') return d.type;
    return null;
  }

  private _problemText(): string {
    const problem = this.problem!;
    const locale = this.locale;
    if (problem.status === 0)
      return `${t(locale, 'staff.error.network')} (${problem.error.message})`;
    if (problem.status === 401) return t(locale, 'staff.error.unauthorized');
    if (problem.status === 404) return t(locale, 'staff.audit.unavailable', { status: 404 });
    return `${problem.error.message} (${problem.error.code})`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'staff-audit-panel': StaffAuditPanel;
  }
}
