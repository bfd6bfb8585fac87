import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ClientCommand } from '../actors/protocol.js';
import type { Locale, SessionError } from '../machines/schemas.js';
import { formatClock, formatMoney, formatPercent } from './format.js';
import { hasKey, t, type MessageKey } from './i18n-staff.js';
import { acceptsManualDamage } from './manual-damage.js';
import './rig-badge.js';
import { severityBand, severityColour } from './severity.js';
import {
  REPLAY_SCRIPTS,
  sendCommand,
  startReplay,
  stopReplay,
  type ApiResult,
} from './staff-api.js';
import {
  elapsedMs,
  formatElapsed,
  formatLimit,
  isFailure,
  rigAlarm,
  stateColour,
  stepLabel,
  stuckLevel,
} from './staff-floor-model.js';
import { theme } from './theme.js';
import { TopLevelState, type ReplayRun, type StationSummary } from './wire.js';

/** Dispatched (bubbling, composed) after every action the card sent, answered or not. */
export const STAFF_ACTION_EVENT = 'staff-action';
/** Dispatched to ask the floor view for the manual damage panel of `detail.station_id`. */
export const STAFF_MANUAL_DAMAGE_EVENT = 'staff-manual-damage';

/** How long an armed Reset waits for its confirmation. */
const CONFIRM_MS = 6_000;
/** How long a "done" note stays; an error stays until the next action or a dismissal. */
const DONE_NOTE_MS = 4_000;

type Action = 'reset' | 'retry' | 'next' | 'simulate' | 'replay' | 'replayStop';

/**
 * One station on the staff floor view, readable from two metres: its state in big type on the
 * state's colour, the time in the current step, stuck in amber (red past twice the limit) with
 * how long, a dropped simulator in red with its address and last error, severity, estimate
 * total, dealer and error; a link to the session's inspector; and the staff actions (Reset
 * with a confirmation, Retry when the session can, Next driver, Simulate crash, Manual damage,
 * Replay). Actions are HTTP calls with the operator's name; their result shows on the card and
 * the change itself arrives over the floor socket like any other.
 */
@customElement('staff-station-card')
export class StaffStationCard extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: flex;
        --rig-badge-size: 15px;
        --name: 26px;
        --state-size: 30px;
        --fact: 19px;
      }
      /* A laptop (768 px high): two rows of cards fit without scrolling. */
      @media (max-height: 820px) {
        :host {
          --name: 24px;
          --state-size: 27px;
          --fact: 18px;
        }
        article {
          gap: 5px;
          padding: 8px 14px 10px;
        }
        a.inspect {
          padding: 4px 10px;
        }
        .state {
          padding: 6px 6px 6px 12px;
        }
        .actions button,
        .actions select {
          min-height: 38px;
        }
        dt {
          font-size: 11px;
        }
      }
      /* A 1920×1080 screen: the same card, larger, to be read from further away. */
      @media (min-width: 1600px) and (min-height: 1000px) {
        :host {
          --name: 32px;
          --state-size: 40px;
          --fact: 25px;
          --rig-badge-size: 17px;
        }
        .sub,
        .rig {
          font-size: 17px;
        }
        .step {
          font-size: 19px;
        }
        dt {
          font-size: 13px;
        }
        .actions button,
        .actions select {
          min-height: 50px;
          font-size: 17px;
        }
        a.inspect {
          font-size: 18px;
        }
      }
      article {
        flex: 1;
        display: flex;
        flex-direction: column;
        gap: 8px;
        min-width: 0;
        padding: 12px 16px 14px;
        border-radius: 16px;
        background: var(--vw-white);
        border: 6px solid transparent;
        box-shadow: 0 4px 18px rgba(0, 0, 0, 0.25);
      }
      article.stuck {
        border-color: #f2a900;
      }
      article.overdue,
      article.dropped {
        border-color: #d62020;
      }
      header {
        display: flex;
        align-items: flex-start;
        gap: 12px;
      }
      .title {
        flex: 1;
        min-width: 0;
      }
      h2 {
        font-size: var(--name);
        line-height: 1.1;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .sub {
        display: block;
        /* Inter would draw the x of "4x5" in an id as a multiplication sign. */
        font-feature-settings: 'calt' 0;
        font-size: 15px;
        color: var(--muted);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .rehearsal {
        margin-left: 6px;
        padding: 1px 8px;
        border-radius: 6px;
        background: #e8d5f5;
        color: #5b1a7a;
        font-size: 13px;
        font-weight: 800;
        letter-spacing: 0.06em;
        text-transform: uppercase;
      }
      .replaying {
        display: flex;
        align-items: center;
        gap: 8px;
        font-size: 15px;
        font-weight: 700;
        color: #5b1a7a;
      }
      .replaying .rehearsal {
        margin: 0;
      }
      a.inspect {
        flex: none;
        padding: 6px 12px;
        border-radius: 10px;
        border: 2px solid var(--vw-blue);
        color: var(--vw-blue);
        font-size: 16px;
        font-weight: 700;
        text-decoration: none;
        white-space: nowrap;
      }
      a.inspect:hover,
      a.inspect:focus-visible {
        background: var(--vw-light);
        outline: none;
      }
      .state {
        container-type: inline-size;
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 8px 8px 8px 14px;
        border-radius: 12px;
        background: var(--state);
        color: #fff;
      }
      .state div {
        flex: 1;
        min-width: 0;
        display: flex;
        flex-direction: column;
      }
      .state-name {
        /* A long name ("Concessionária") stays on one line: smaller on a narrow card. */
        font-size: min(var(--state-size), calc((100cqi - 130px) / (var(--chars, 10) * 0.62)));
        font-weight: 800;
        line-height: 1.05;
        letter-spacing: -0.01em;
        white-space: nowrap;
      }
      .step {
        font-size: 16px;
        font-weight: 600;
        line-height: 1.25;
        opacity: 0.92;
      }
      .step.failure {
        font-weight: 800;
        opacity: 1;
      }
      /* Time in the step; when stuck, an amber (red past twice the limit) box that says so. */
      .elapsed {
        flex: none;
        display: flex;
        flex-direction: column;
        align-items: center;
        padding: 2px 8px;
        border-radius: 10px;
        font-size: var(--state-size);
        font-weight: 800;
        line-height: 1.05;
        font-variant-numeric: tabular-nums;
      }
      .elapsed small {
        font-size: 13px;
        font-weight: 800;
        letter-spacing: 0.06em;
        text-transform: uppercase;
      }
      .elapsed.stuck {
        background: #f2a900;
        color: #241800;
      }
      .elapsed.overdue {
        background: #d62020;
        color: #fff;
        box-shadow: 0 0 0 3px #fff;
      }
      .rig {
        display: flex;
        align-items: center;
        gap: 10px;
        min-width: 0;
        font-size: 15px;
        color: var(--muted);
      }
      .rig > span {
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .rig.dropped .icon {
        flex: none;
        display: grid;
        place-items: center;
        width: 24px;
        height: 24px;
        border-radius: 50%;
        background: #fff;
        color: #d62020;
        font-size: 18px;
        font-weight: 900;
      }
      .rig.dropped {
        align-items: flex-start;
        padding: 6px 12px;
        border-radius: 10px;
        background: #d62020;
        color: #fff;
        font-size: 19px;
        font-weight: 800;
        line-height: 1.2;
      }
      .rig.dropped > span {
        white-space: normal;
      }
      .rig .mod {
        padding: 0.1em 0.5em;
        border-radius: 999px;
        font-weight: 700;
        background: #fff4d6;
        color: #7a4b00;
      }
      .rig .mod.fault {
        background: #fde2e1;
        color: #9b1c1c;
      }
      .rig.dropped small {
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        overflow: hidden;
        font-size: 14px;
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      dl {
        margin: 0;
        display: grid;
        grid-template-columns: auto auto minmax(0, 1fr);
        gap: 14px;
      }
      dl div {
        min-width: 0;
      }
      dt {
        font-size: 12px;
        font-weight: 700;
        letter-spacing: 0.05em;
        text-transform: uppercase;
        color: var(--muted);
      }
      dd {
        margin: 1px 0 0;
        font-size: var(--fact);
        font-weight: 700;
        color: var(--ink);
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
        font-variant-numeric: tabular-nums;
      }
      dd.none {
        color: #9aa6ba;
      }
      .sev {
        color: var(--c);
      }
      .error {
        padding: 6px 10px;
        border-left: 6px solid var(--sev-severe);
        border-radius: 8px;
        background: #fff1f1;
        font-size: 15px;
        line-height: 1.3;
      }
      .error span {
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        overflow: hidden;
      }
      .error strong {
        color: var(--sev-severe);
      }
      .note {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 8px;
        padding: 5px 12px;
        border-radius: 8px;
        font-size: 15px;
        font-weight: 600;
      }
      .note.ok {
        background: #e2f4e8;
        color: #0a5c2c;
      }
      .note.failed {
        background: #fff1f1;
        color: #8a1010;
      }
      .note button {
        min-height: 0;
        padding: 2px 10px;
        font-size: 14px;
        background: transparent;
        color: inherit;
        border: 1px solid currentColor;
      }
      .actions {
        display: flex;
        gap: 6px;
        margin-top: auto;
      }
      .actions button,
      .actions select {
        flex: 1 1 0;
        min-width: 0;
        min-height: 44px;
        padding: 4px 8px;
        border-radius: 10px;
        border-width: 2px;
        font-size: 15px;
        line-height: 1.15;
      }
      .actions button.secondary {
        background: var(--vw-white);
      }
      .actions button.retry {
        background: #f07c00;
        border-color: #f07c00;
        font-size: 17px;
      }
      .actions button.danger {
        background: #d62020;
        border-color: #d62020;
        color: #fff;
      }
      .actions select {
        flex: 2 1 0;
        font: inherit;
        font-size: 15px;
        font-weight: 600;
        border: 2px solid var(--line);
        background: var(--vw-white);
        color: var(--ink);
        min-width: 0;
      }
      .confirm {
        flex: 1;
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: 8px;
        font-size: 17px;
        font-weight: 800;
        color: #8a1010;
      }
      .confirm span {
        flex: 1 0 100%;
      }
      .confirm button {
        flex: 1;
      }
    `,
  ];

  /** The station as the floor socket last sent it. */
  @property({ attribute: false }) station!: StationSummary;
  /** Now on the server's clock (ms), ticking once a second. */
  @property({ attribute: false }) nowMs = Date.now();
  /** The server's stuck limit (ms). */
  @property({ attribute: false }) stuckAfterMs = 300_000;
  @property() locale: Locale = 'pt-BR';
  /** The operator's name, sent with every action. */
  @property() operator = '';
  /** The floor socket is live: actions work only on what is current. */
  @property({ type: Boolean }) live = true;

  @state() private _confirmingReset = false;
  @state() private _busy: Action | null = null;
  /** The last action's result; its words are made at render, in the language shown then. */
  @state() private _note: { ok: boolean; text: () => string } | null = null;
  /** The replay running on the station (GET /api/replays), if any. */
  @property({ attribute: false }) replay: ReplayRun | null = null;
  /** The replay scripts the server ships ({name, title}); the known names until it says. */
  @property({ attribute: false }) scripts: readonly { name: string; title: string }[] =
    REPLAY_SCRIPTS.map((name) => ({ name, title: name }));

  @state() private _script = '';
  /** The replay's script chooser is open in place of the actions. */
  @state() private _choosingReplay = false;

  private _confirmTimer: ReturnType<typeof setTimeout> | undefined;
  private _noteTimer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._confirmTimer);
    clearTimeout(this._noteTimer);
  }

  override render() {
    const s = this.station;
    const locale = this.locale;
    const stuck = stuckLevel(s, this.nowMs, this.stuckAfterMs);
    const rig = rigAlarm(s.rig);
    const elapsed = elapsedMs(s.since, this.nowMs);
    const failure = isFailure(s);
    const classes = [stuck !== 'none' ? stuck : '', rig === 'dropped' ? 'dropped' : '']
      .filter(Boolean)
      .join(' ');
    return html`<article
      class=${classes}
      data-testid="station-card"
      data-station=${s.station_id}
      data-session=${s.session_id}
      data-state=${s.state}
      data-step=${s.step}
      data-stuck=${stuck}
      data-rig=${rig}
    >
      <header>
        <div class="title">
          <h2>${s.station_name}</h2>
          <span class="sub"
            >${s.vehicle_name} · <span title=${s.session_id}>${shortId(s.session_id)}</span>${
              s.rehearsal
                ? html`<span class="rehearsal">${t(locale, 'staff.rehearsal')}</span>`
                : nothing
            }</span
          >
        </div>
        <a
          class="inspect"
          data-testid="inspect"
          href="/staff/sessions/${encodeURIComponent(s.session_id)}"
          >${t(locale, 'staff.inspect')} ›</a
        >
      </header>
      ${
        this.replay
          ? html`<p class="replaying" data-testid="replay-running">
              <span class="rehearsal">▶ ${t(locale, 'staff.rehearsal')}</span>
              <span
                >${this._scriptLabel({ name: this.replay.script, title: this.replay.title })}</span
              >
              <span class="num">${this.replay.step}/${this.replay.of}</span>
            </p>`
          : nothing
      }
      <div class="state" style="--state:${stateColour(s.state)}">
        <div>
          <span
            class="state-name"
            data-testid="card-state"
            style="--chars:${this._stateName().length}"
            >${this._stateName()}</span
          >
          <span class="step ${failure ? 'failure' : ''}"
            >${failure ? '✖ ' : ''}${this._stepText()}</span
          >
        </div>
        ${
          stuck === 'none'
            ? html`<span class="elapsed" data-testid="elapsed" title=${t(locale, 'staff.inStep')}
                >${formatElapsed(elapsed)}</span
              >`
            : html`<span
                class="elapsed ${stuck}"
                role="alert"
                data-testid="stuck"
                title="${t(locale, 'staff.stuckFor', { time: formatElapsed(elapsed) })} · ${t(
                  locale,
                  'staff.stuckLimit',
                  { limit: formatLimit(this.stuckAfterMs) },
                )}"
                ><small>⚠ ${t(locale, 'staff.stuck')}</small
                ><span data-testid="elapsed">${formatElapsed(elapsed)}</span></span
              >`
        }
      </div>
      ${this._renderRig(rig)} ${this._renderFacts()}
      ${
        s.error
          ? html`<p class="error" data-testid="card-error" title=${s.error.message}>
              <span><strong>${s.error.code}</strong> ${s.error.message}</span>
            </p>`
          : nothing
      }
      ${
        this._note
          ? html`<p
              class="note ${this._note.ok ? 'ok' : 'failed'}"
              role=${this._note.ok ? 'status' : 'alert'}
              data-testid="action-note"
            >
              <span>${this._note.text()}</span>
              ${
                this._note.ok
                  ? nothing
                  : html`<button @click=${this._onDismissNote}>
                      ${t(locale, 'staff.dismiss')}
                    </button>`
              }
            </p>`
          : nothing
      }
      ${this._renderActions()}
    </article>`;
  }

  private _stateName(): string {
    const parsed = TopLevelState.safeParse(this.station.state);
    return parsed.success ? t(this.locale, `state.${parsed.data}`) : this.station.state;
  }

  private _stepText(): string {
    const key = stepLabel(this.station.step);
    return key ? t(this.locale, key) : this.station.step;
  }

  private _renderRig(alarm: ReturnType<typeof rigAlarm>) {
    const rig = this.station.rig;
    const locale = this.locale;
    if (!rig)
      return html`<div class="rig" data-testid="rig-none">
        <span>${t(locale, 'staff.noRig')}</span>
      </div>`;
    if (alarm === 'dropped') {
      const error = rig.last_error?.message;
      const detail = [
        // The link's error names the address already, most of the time.
        error?.includes(rig.address) ? null : rig.address,
        error,
        rig.last_telemetry_at
          ? t(locale, 'rig.lastTelemetry', { time: formatClock(rig.last_telemetry_at, locale) })
          : null,
      ].filter(Boolean);
      return html`<div class="rig dropped" role="alert" data-testid="rig-dropped">
        <span class="icon" aria-hidden="true">!</span>
        <span
          >${t(locale, 'staff.rigDropped')}${
            rig.attempt > 0 ? ` · ${t(locale, 'staff.rigAttempt', { n: rig.attempt })}` : ''
          }<small title=${detail.join(' · ')}>${detail.join(' · ')}</small></span
        >
      </div>`;
    }
    return html`<div class="rig">
      <rig-badge .rig=${rig} .locale=${locale}></rig-badge>
      <span title=${rig.address}>${rig.vehicle?.model ?? rig.address}</span>
      ${
        rig.mod === 'missing' || rig.mod === 'fault'
          ? html`<span
              class="mod ${rig.mod}"
              data-testid="mod-${rig.mod}"
              title=${rig.mod_error ?? ''}
              >${t(locale, rig.mod === 'missing' ? 'staff.modMissing' : 'staff.modFault')}</span
            >`
          : nothing
      }
    </div>`;
  }

  private _renderFacts() {
    const s = this.station;
    const locale = this.locale;
    const none = html`<dd class="none">—</dd>`;
    return html`<dl>
      <div>
        <dt>${t(locale, 'staff.severity')}</dt>
        ${
          s.severity === null
            ? none
            : html`<dd
                class="sev"
                data-testid="severity"
                style="--c:${severityColour(severityBand(s.severity))}"
              >
                ${formatPercent(s.severity, locale)}
              </dd>`
        }
      </div>
      <div>
        <dt>${t(locale, 'staff.estimate')}</dt>
        ${
          s.estimate_total
            ? html`<dd data-testid="estimate-total">
                ${formatMoney(s.estimate_total.amount, s.estimate_total.currency, locale)}
              </dd>`
            : none
        }
      </div>
      <div>
        <dt>${t(locale, 'staff.dealer')}</dt>
        ${
          s.dealer_name
            ? html`<dd data-testid="dealer" title=${s.dealer_name}>${s.dealer_name}</dd>`
            : none
        }
      </div>
    </dl>`;
  }

  /**
   * The actions the session can take now, in one row: Reset always (it works from any state),
   * Retry, Next driver and Simulate crash when the session's `can` lists them, Manual damage
   * when it takes an entry, and Replay, which opens its script chooser in place of the row.
   */
  private _renderActions() {
    const s = this.station;
    const locale = this.locale;
    const off = !this.live || this._busy !== null;
    const can = (type: string) => s.can.includes(type);
    if (this._confirmingReset) {
      return html`<div class="actions">
        <div class="confirm">
          <span>${t(locale, 'staff.confirmReset')}</span>
          <button
            class="danger"
            data-testid="confirm-reset"
            ?disabled=${off}
            @click=${this._onConfirmReset}
          >
            ${t(locale, 'staff.resetYes')}
          </button>
          <button class="secondary" data-testid="cancel-reset" @click=${this._onCancelReset}>
            ${t(locale, 'manual.cancel')}
          </button>
        </div>
      </div>`;
    }
    if (this._choosingReplay) {
      return html`<div class="actions">
        <select
          aria-label=${t(locale, 'staff.replayScript')}
          data-testid="replay-script"
          ?disabled=${off}
          @change=${this._onScript}
        >
          ${this.scripts.map(
            (script) =>
              html`<option value=${script.name} ?selected=${script.name === this._chosenScript()}>
                ${this._scriptLabel(script)}
              </option>`,
          )}
        </select>
        <button data-testid="replay-start" ?disabled=${off} @click=${this._onReplayStart}>
          ${t(locale, this._busy === 'replay' ? 'staff.sending' : 'staff.replayStart')} ▸
        </button>
        <button class="secondary" @click=${() => (this._choosingReplay = false)}>
          ${t(locale, 'manual.cancel')}
        </button>
      </div>`;
    }
    const button = (
      testid: string,
      label: MessageKey,
      onClick: () => void,
      busy: Action | null = null,
      tone = 'secondary',
    ) =>
      html`<button class=${tone} data-testid=${testid} ?disabled=${off} @click=${onClick}>
        ${t(locale, busy !== null && this._busy === busy ? 'staff.sending' : label)}
      </button>`;
    return html`<div class="actions">
      ${can('STAFF_RESET') ? button('reset', 'staff.reset', () => this._onReset(), 'reset') : nothing}
      ${
        can('RETRY')
          ? button(
              'retry',
              'staff.retry',
              () => void this._command('retry', { type: 'RETRY' }),
              'retry',
              'retry',
            )
          : nothing
      }
      ${
        can('NEXT_DRIVER')
          ? button(
              'next-driver',
              'staff.nextDriver',
              () => void this._command('next', { type: 'NEXT_DRIVER' }),
              'next',
            )
          : nothing
      }
      ${
        can('SIMULATE_CRASH')
          ? button(
              'simulate-crash',
              'landing.simulate',
              () => void this._command('simulate', { type: 'SIMULATE_CRASH' }),
              'simulate',
            )
          : nothing
      }
      ${
        acceptsManualDamage(s)
          ? button('manual-damage', 'staff.manual', () => this._onManual())
          : nothing
      }
      ${
        this.replay
          ? button(
              'replay-stop',
              'staff.replayStop',
              () => void this._onReplayStop(),
              'replayStop',
              'danger',
            )
          : button('replay', 'staff.replay', () => (this._choosingReplay = true))
      }
    </div>`;
  }

  private _onReset() {
    this._confirmingReset = true;
    clearTimeout(this._confirmTimer);
    this._confirmTimer = setTimeout(() => (this._confirmingReset = false), CONFIRM_MS);
  }

  private _onCancelReset() {
    clearTimeout(this._confirmTimer);
    this._confirmingReset = false;
  }

  private _onConfirmReset() {
    clearTimeout(this._confirmTimer);
    this._confirmingReset = false;
    void this._command('reset', { type: 'STAFF_RESET' });
  }

  private async _command(action: Action, command: ClientCommand) {
    const doneKey: Record<string, MessageKey> = {
      reset: 'staff.done.reset',
      retry: 'staff.done.retry',
      next: 'staff.done.next',
      simulate: 'staff.done.simulate',
    };
    await this._run(
      action,
      () => sendCommand(this.station.station_id, command, this.operator),
      doneKey[action]!,
    );
  }

  private async _onReplayStart() {
    await this._run(
      'replay',
      () => startReplay(this.station.station_id, this._chosenScript(), this.operator),
      'staff.done.replay',
      () => (this._choosingReplay = false),
    );
  }

  private async _onReplayStop() {
    const id = this.replay?.replay_id;
    if (!id) return;
    await this._run('replayStop', () => stopReplay(id, this.operator), 'staff.done.replayStop');
  }

  /** The script the chooser has selected (the first one until staff pick). */
  private _chosenScript(): string {
    return this._script || this.scripts[0]?.name || REPLAY_SCRIPTS[0]!;
  }

  private _scriptLabel(script: { name: string; title: string }): string {
    const key = `staff.replay.${script.name}`;
    return hasKey(key) ? t(this.locale, key) : script.title;
  }

  /** Runs one action: busy while it is under way, its result on the card, the floor told. */
  private async _run(
    action: Action,
    call: () => Promise<ApiResult>,
    done: MessageKey,
    onOk?: (body: unknown) => void,
  ) {
    this._busy = action;
    const result = await call();
    this._busy = null;
    if (result.ok) {
      onOk?.(result.body);
      this._showNote({ ok: true, text: () => `✓ ${t(this.locale, done)}` });
    } else {
      const { status, error } = result;
      this._showNote({ ok: false, text: () => this._describe(action, status, error) });
    }
    this.dispatchEvent(
      new CustomEvent(STAFF_ACTION_EVENT, {
        bubbles: true,
        composed: true,
        detail: { station_id: this.station.station_id, ok: result.ok },
      }),
    );
  }

  /** A refusal in words staff can act on; the server's own message is kept. */
  private _describe(action: Action, status: number, error: SessionError): string {
    const locale = this.locale;
    if (status === 0) return `${t(locale, 'staff.error.network')} (${error.message})`;
    if (status === 401) return t(locale, 'staff.error.unauthorized');
    if ((action === 'replay' || action === 'replayStop') && (status === 404 || status === 405)) {
      // A missing route (this server has no replays) reads differently from an unknown script.
      if (error.code === 'not_found' || error.code.startsWith('http_'))
        return t(locale, 'staff.error.noReplays', { status });
    }
    return `${t(locale, 'staff.error.refused')}: ${error.message} (${error.code})`;
  }

  private _showNote(note: { ok: boolean; text: () => string }) {
    this._note = note;
    clearTimeout(this._noteTimer);
    if (note.ok) this._noteTimer = setTimeout(() => (this._note = null), DONE_NOTE_MS);
  }

  private _onDismissNote() {
    clearTimeout(this._noteTimer);
    this._note = null;
  }

  private _onScript(event: Event) {
    this._script = (event.target as HTMLSelectElement).value;
  }

  private _onManual() {
    this.dispatchEvent(
      new CustomEvent(STAFF_MANUAL_DAMAGE_EVENT, {
        bubbles: true,
        composed: true,
        detail: { station_id: this.station.station_id },
      }),
    );
  }
}

/** A session id short enough for the card ("1-mk3f9a2b-4" stays whole; a long one keeps its end). */
export function shortId(id: string): string {
  return id.length > 20 ? `…${id.slice(-12)}` : id;
}

declare global {
  interface HTMLElementTagNameMap {
    'staff-station-card': StaffStationCard;
  }
  interface HTMLElementEventMap {
    [STAFF_ACTION_EVENT]: CustomEvent<{ station_id: string; ok: boolean }>;
    [STAFF_MANUAL_DAMAGE_EVENT]: CustomEvent<{ station_id: string }>;
  }
}
