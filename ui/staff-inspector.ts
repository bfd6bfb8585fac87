import { LitElement, css, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { SessionView } from '../actors/protocol.js';
import type { SessionInspection } from '../adapters/http/inspector-routes.js';
import type {
  LaidOutEdge,
  LaidOutNode,
  StatechartLayout,
} from '../adapters/http/statechart-layout.js';
import type { JournalEntry } from '../machines/envelope.js';
import type { Locale } from '../machines/schemas.js';
import { EVENT_TIME_ZONE } from './format.js';
import { t, type MessageKey } from './i18n-staff.js';
import { activeStateIds, leafStateId, recentMoves, roundedPath } from './inspector-chart.js';
import './manual-damage-panel.js';
import { CLOSE_MANUAL_DAMAGE_EVENT, acceptsManualDamage } from './manual-damage.js';
import { SessionController } from './session-controller.js';
import { loadOperator, operatorHeaders, sendCommand } from './staff-api.js';
import { theme } from './theme.js';

/** Where the console keeps its language (the floor view's toggle sets it). */
const LOCALE_KEY = 'c2r.staff.locale';

/** How long the reset stays armed after the first click. */
const RESET_ARM_MS = 4_000;
/** Refreshes of the inspection closer together than this are merged. */
const REFRESH_MS = 120;
/** How many of the journal's last moves are drawn as recent. */
const RECENT_MOVES = 3;

type Command = 'STAFF_RESET' | 'RETRY' | 'NEXT_DRIVER';

/** The laid-out statechart is the same for every session: fetched once per page. */
let layoutOnce: Promise<StatechartLayout> | undefined;
function fetchLayout(): Promise<StatechartLayout> {
  layoutOnce ??= getJson<StatechartLayout>('/api/staff/statechart').then((layout) => {
    if (!Array.isArray(layout.nodes) || !Array.isArray(layout.edges) || !layout.graph) {
      throw new Error('the statechart answer has no nodes and edges');
    }
    return layout;
  });
  layoutOnce.catch(() => (layoutOnce = undefined));
  return layoutOnce;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  const body = (await res.json().catch(() => null)) as
    (T & { error?: { code?: string; message?: string } }) | null;
  if (!res.ok || body === null) {
    throw new HttpError(
      res.status,
      body?.error?.code ?? `http_${res.status}`,
      body?.error?.message ?? `HTTP ${res.status}`,
    );
  }
  return body;
}

const timeFormat = new Map<Locale, Intl.DateTimeFormat>();
/** 14:03:27.512 in the event's time zone. */
function clock(iso: string, locale: Locale): string {
  let f = timeFormat.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      fractionalSecondDigits: 3,
      hourCycle: 'h23',
      timeZone: EVENT_TIME_ZONE,
    });
    timeFormat.set(locale, f);
  }
  return f.format(new Date(iso));
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Staff's view of one session from inside (`/staff/sessions/{id}`): its statechart, drawn
 * from the machine definition (laid out by ELK on the server) with the active states lit and
 * the last transitions marked; beside it what the session is waiting on (invoked actors,
 * timers, the simulator link), its journal and its context. It follows the session's station
 * over the kiosk WebSocket and refreshes on every change; when the station moves on to a new
 * session it says so, with a link. Staff actions go through `POST /api/stations/{id}/commands`
 * with the operator's name (X-Operator) for the audit log.
 */
@customElement('staff-inspector')
export class StaffInspector extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        position: relative;
        display: flex;
        flex-direction: column;
        /* The console's page is the inspector alone: it takes the window (a shell with more
           around it sets its own height). */
        height: 100vh;
        min-height: 640px;
        background: #f3f6fb;
        font-size: 14px;
        line-height: 1.4;
      }
      button {
        font-size: 14px;
        font-weight: 600;
        min-height: 36px;
        padding: 6px 16px;
        border-width: 2px;
      }
      button.small {
        min-height: 28px;
        min-width: 32px;
        padding: 2px 10px;
        font-size: 13px;
      }
      button.danger {
        background: var(--sev-severe);
        border-color: var(--sev-severe);
      }
      a {
        color: var(--vw-blue);
      }
      header {
        display: flex;
        align-items: center;
        gap: 16px;
        padding: 12px 20px;
        background: var(--vw-dark);
        color: var(--vw-white);
      }
      header h1 {
        font-size: 20px;
        font-weight: 700;
        color: inherit;
        white-space: nowrap;
      }
      header .id {
        font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
        font-size: 14px;
        opacity: 0.9;
      }
      header .where {
        display: flex;
        gap: 10px;
        align-items: center;
        min-width: 0;
        flex: 1;
        flex-wrap: wrap;
      }
      header a {
        color: #b8ccff;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        padding: 2px 10px;
        border-radius: 999px;
        font-size: 13px;
        font-weight: 600;
        white-space: nowrap;
        background: rgba(255, 255, 255, 0.14);
      }
      .chip.state {
        background: var(--vw-white);
        color: var(--vw-dark);
      }
      .chip .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: #9aa6ba;
      }
      .chip.open .dot {
        background: #35d07f;
      }
      .chip.ended {
        background: #6b778c;
      }
      header .actions {
        gap: 8px;
      }
      header button.secondary {
        background: transparent;
        color: var(--vw-white);
        border-color: rgba(255, 255, 255, 0.6);
      }
      header button:disabled {
        background: transparent;
        border-color: rgba(255, 255, 255, 0.2);
        color: rgba(255, 255, 255, 0.35);
      }
      .banner {
        display: flex;
        gap: 16px;
        align-items: center;
        padding: 10px 20px;
        background: #fff6d6;
        border-bottom: 1px solid #f2d67a;
        color: #4a3900;
        font-weight: 600;
      }
      .toast {
        position: absolute;
        right: 20px;
        top: 70px;
        z-index: 5;
        padding: 10px 16px;
        border-radius: 10px;
        background: var(--vw-dark);
        color: var(--vw-white);
        box-shadow: 0 6px 24px rgba(0, 0, 0, 0.25);
      }
      .toast.bad {
        background: var(--sev-severe);
      }
      main {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(520px, 40%);
        gap: 16px;
        padding: 16px;
      }
      .card {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--vw-white);
        border-radius: 14px;
        box-shadow: 0 2px 12px rgba(0, 30, 80, 0.08);
        overflow: hidden;
      }
      .card > h2,
      .card > .bar {
        display: flex;
        align-items: center;
        gap: 12px;
        padding: 10px 16px;
        border-bottom: 1px solid var(--line);
        font-size: 15px;
        font-weight: 700;
        color: var(--vw-dark);
      }
      .bar h2 {
        font-size: 15px;
        flex: 1;
      }
      .bar .hint {
        font-weight: 400;
        color: var(--muted);
        font-size: 13px;
      }
      .body {
        flex: 1;
        min-height: 0;
        overflow: auto;
        padding: 10px 16px;
      }
      .side {
        display: grid;
        grid-template-rows: auto minmax(0, 1.25fr) minmax(0, 1fr);
        gap: 16px;
        min-height: 0;
      }
      .chart {
        padding: 0;
        background:
          radial-gradient(circle, #dfe6f2 1px, transparent 1px) 0 0 / 20px 20px,
          #fbfcfe;
      }
      .chart svg {
        display: block;
        margin: 0 auto;
      }
      .chart.overview svg {
        cursor: zoom-in;
      }
      .legend {
        display: flex;
        gap: 14px;
        font-size: 12px;
        font-weight: 500;
        color: var(--muted);
      }
      .legend i {
        display: inline-block;
        width: 18px;
        height: 10px;
        margin-right: 5px;
        vertical-align: -1px;
        border-radius: 3px;
      }
      .zoom {
        display: flex;
        gap: 4px;
        align-items: center;
      }
      .zoom span {
        min-width: 44px;
        text-align: center;
        font-size: 12px;
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }

      /* The chart. */
      .st rect.box {
        fill: #ffffff;
        stroke: #9fb0cc;
        stroke-width: 1.5;
      }
      .st.atomic rect.box,
      .st.final rect.box {
        fill: #eef3fc;
      }
      .st.root > rect.box {
        fill: rgba(255, 255, 255, 0.6);
        stroke: #c3cde0;
        stroke-dasharray: 6 4;
      }
      .st rect.inner {
        fill: none;
        stroke: #9fb0cc;
        stroke-width: 1.5;
      }
      .st .title {
        font-weight: 700;
        fill: var(--vw-dark);
      }
      .st .line {
        fill: var(--muted);
      }
      .st .line.invoke {
        fill: #5b3da8;
      }
      .st line.rule {
        stroke: #d3dbea;
      }
      .st.on > rect.box {
        stroke: var(--vw-blue);
        stroke-width: 3;
      }
      .st.leaf > rect.box {
        fill: var(--vw-blue);
        stroke: var(--vw-dark);
        filter: drop-shadow(0 0 10px rgba(0, 64, 197, 0.55));
      }
      .st.leaf .title,
      .st.leaf .line,
      .st.leaf .line.invoke {
        fill: var(--vw-white);
      }
      .st.leaf rect.inner {
        stroke: var(--vw-white);
      }
      .st.leaf line.rule {
        stroke: rgba(255, 255, 255, 0.4);
      }
      .ended .st.leaf > rect.box {
        fill: #6b778c;
        stroke: #3c4658;
        filter: none;
      }
      .ended .st.on > rect.box {
        stroke: #6b778c;
      }
      .initial {
        fill: var(--vw-dark);
      }
      .edge path {
        fill: none;
        stroke: #7d8aa3;
        stroke-width: 1.5;
      }
      .edge.after path {
        stroke-dasharray: 5 4;
      }
      .edge.done path {
        stroke: #2f7d53;
      }
      .edge.error path {
        stroke: #b23b3b;
      }
      .edge.initial path {
        stroke: var(--vw-dark);
      }
      .edge .label rect {
        fill: #ffffff;
        stroke: #d3dbea;
      }
      .edge .label text {
        fill: #34415a;
        font-weight: 600;
      }
      .edge .label text.guard {
        font-weight: 400;
        font-style: italic;
        fill: var(--muted);
      }
      .edge.done .label text:first-child {
        fill: #2f7d53;
      }
      .edge.error .label text:first-child {
        fill: #b23b3b;
      }
      .edge.recent path {
        stroke: var(--vw-blue);
        stroke-width: 2.5;
        stroke-dasharray: none;
      }
      .edge.recent .label rect {
        fill: #dbe6ff;
        stroke: var(--vw-blue);
      }
      .edge.latest path {
        stroke-width: 4;
      }
      .edge.latest .label rect {
        fill: var(--vw-blue);
      }
      .edge.latest .label text,
      .edge.latest .label text.guard {
        fill: var(--vw-white);
      }
      .edge.older {
        opacity: 0.75;
      }

      /* In flight. */
      .flight {
        display: grid;
        grid-template-columns: repeat(3, minmax(0, 1fr));
        gap: 14px;
        padding: 10px 16px 12px;
      }
      .flight h3 {
        font-size: 12px;
        font-weight: 700;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--muted);
        margin: 0 0 6px;
      }
      .flight ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 6px;
      }
      .flight li {
        display: grid;
        gap: 1px;
      }
      .flight .name {
        font-weight: 700;
        color: var(--vw-dark);
      }
      .flight .sub {
        font-size: 12px;
        color: var(--muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .badge {
        display: inline-block;
        padding: 0 7px;
        border-radius: 999px;
        font-size: 11px;
        font-weight: 700;
        background: var(--vw-light);
        color: var(--vw-blue);
        vertical-align: 1px;
      }
      .badge.active,
      .badge.connected {
        background: #def5e7;
        color: var(--ok);
      }
      .badge.error,
      .badge.disconnected {
        background: #fde4e4;
        color: var(--sev-severe);
      }
      .none {
        color: var(--muted);
        font-style: italic;
      }

      /* Journal. */
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 13px;
      }
      th {
        position: sticky;
        top: 0;
        z-index: 1;
        background: var(--vw-white);
        text-align: left;
        font-size: 12px;
        color: var(--muted);
        font-weight: 600;
        padding: 6px 8px;
        border-bottom: 1px solid var(--line);
      }
      td {
        padding: 5px 8px;
        border-bottom: 1px solid #edf1f7;
        vertical-align: top;
      }
      tr.newest td {
        background: #f0f5ff;
      }
      td.time,
      td.corr,
      .mono {
        font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
        font-size: 12px;
        white-space: nowrap;
      }
      td.corr {
        max-width: 130px;
        overflow: hidden;
        text-overflow: ellipsis;
        color: var(--muted);
      }
      td.type {
        font-weight: 600;
        color: var(--vw-dark);
        word-break: break-all;
      }
      td.type .move {
        display: block;
        font-weight: 400;
        font-size: 12px;
        color: var(--muted);
        word-break: normal;
      }
      .source {
        display: inline-block;
        padding: 0 7px;
        border-radius: 6px;
        font-size: 11px;
        font-weight: 700;
        background: #eef1f6;
        color: #4b5a73;
      }
      .source.kiosk {
        background: #e3ecff;
        color: var(--vw-blue);
      }
      .source.staff {
        background: #fff2cc;
        color: #7a5a00;
      }
      .source.timer {
        background: #f1e9ff;
        color: #5b3da8;
      }
      .source.actor {
        background: #e2f4ea;
        color: #2f7d53;
      }
      .source.simulator,
      .source.mod {
        background: #e0f3f7;
        color: #16606e;
      }
      details > summary {
        cursor: pointer;
      }
      td details pre {
        margin: 4px 0 0;
        max-width: 320px;
        max-height: 240px;
        overflow: auto;
        padding: 6px 8px;
        background: #f5f7fb;
        border-radius: 6px;
        font-size: 11px;
      }

      /* Context tree. */
      .tree {
        font-family: ui-monospace, 'SFMono-Regular', Menlo, monospace;
        font-size: 12.5px;
      }
      .tree .kids {
        padding-left: 16px;
        border-left: 1px dotted #c9d3e3;
        margin-left: 4px;
      }
      .tree .row {
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .tree .k {
        color: var(--vw-dark);
        font-weight: 600;
      }
      .tree .meta {
        color: var(--muted);
        font-style: italic;
      }
      .tree .s {
        color: #0a6b3d;
      }
      .tree .n {
        color: #a3470b;
      }
      .tree .b,
      .tree .null {
        color: #5b3da8;
      }
      .tree .none {
        font-family: inherit;
        font-size: 14px;
      }
      .center {
        display: grid;
        place-items: center;
        height: 100%;
        color: var(--muted);
        font-size: 16px;
      }
    `,
  ];

  @property({ attribute: 'session-id' }) sessionId = '';
  /** The staff console's language. */
  @property() locale: Locale = savedLocale();

  @state() private _layout: StatechartLayout | null = null;
  @state() private _inspection: SessionInspection | null = null;
  @state() private _journal: JournalEntry[] = [];
  @state() private _problem: { key: MessageKey; message: string } | null = null;
  @state() private _toast: { text: string; bad: boolean } | null = null;
  /** A scale, or fitted: to the chart's width (at most 1:1), or all of it in view. */
  @state() private _zoom: number | 'fit' | 'all' = 'fit';
  @state() private _resetArmed = false;
  @state() private _manualOpen = false;
  @state() private _now = Date.now();

  private _controller: SessionController | null = null;
  private _controllerStation = '';
  private _seenUpdate = '';
  private _refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private _refreshing: Promise<void> | null = null;
  private _refreshAgain = false;
  private _armTimer: ReturnType<typeof setTimeout> | undefined;
  private _toastTimer: ReturnType<typeof setTimeout> | undefined;
  private _tick: ReturnType<typeof setInterval> | undefined;
  private _chartBox = { width: 0, height: 0 };
  private _resize = new ResizeObserver((entries) => {
    const box = entries[0]?.contentRect;
    if (!box) return;
    const { width, height } = this._chartBox;
    if (Math.abs(box.width - width) > 1 || Math.abs(box.height - height) > 1) {
      this._chartBox = { width: box.width, height: box.height };
      if (typeof this._zoom !== 'number') this.requestUpdate();
    }
  });
  /** Context tree paths the operator opened (or closed, for the ones open by default). */
  private _toggled = new Set<string>();
  private _scrolledTo = '';
  /** A state to scroll into view after the next render (picked on the overview). */
  private _zoomTarget: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this._tick = setInterval(() => {
      if ((this._inspection?.timers.length ?? 0) > 0) this._now = Date.now();
    }, 1_000);
    this.addEventListener(CLOSE_MANUAL_DAMAGE_EVENT, this._closeManual);
    if (this.sessionId) void this._load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this._tick);
    clearTimeout(this._refreshTimer);
    clearTimeout(this._armTimer);
    clearTimeout(this._toastTimer);
    this._resize.disconnect();
    this.removeEventListener(CLOSE_MANUAL_DAMAGE_EVENT, this._closeManual);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('sessionId') && changed.get('sessionId') !== undefined) {
      this._inspection = null;
      this._journal = [];
      this._scrolledTo = '';
      this._toggled.clear();
      if (this.sessionId) void this._load();
    }
    // Every view of this session the station socket brings: refresh what the view does not
    // carry (context, children, journal); once more when the station moves on (it has ended).
    const live = this._controller?.session;
    const seen = live ? `${live.session_id}|${live.updated_at}` : '';
    if (live && seen !== this._seenUpdate) {
      const ours = live.session_id === this.sessionId;
      const wasOurs = this._seenUpdate.startsWith(`${this.sessionId}|`);
      this._seenUpdate = seen;
      if (ours || wasOurs) this._scheduleRefresh();
    }
  }

  protected override updated(): void {
    const chart = this.renderRoot.querySelector<HTMLElement>('.chart');
    if (chart && !chart.dataset.observed) {
      chart.dataset.observed = '1';
      this._resize.observe(chart);
    }
    // A state picked on the overview: shown at full size.
    if (chart && this._zoomTarget) {
      const picked = [...chart.querySelectorAll<SVGGElement>('[data-state]')].find(
        (g) => g.dataset.state === this._zoomTarget,
      );
      this._zoomTarget = null;
      picked?.scrollIntoView({ block: 'center', inline: 'center' });
    }
    // Bring the lit state into view once per step.
    const step = this._step();
    if (chart && this._layout && step && step !== this._scrolledTo) {
      const leaf = chart.querySelector<SVGGraphicsElement>('.st.leaf');
      if (leaf) {
        this._scrolledTo = step;
        leaf.scrollIntoView({ block: 'center', inline: 'center', behavior: 'smooth' });
      }
    }
    this.dataset.step = step ?? '';
    this.dataset.live = String(this._inspection?.live ?? false);
  }

  private async _load(): Promise<void> {
    this._problem = null;
    fetchLayout().then(
      (layout) => (this._layout = layout),
      (err: unknown) => (this._problem = { key: 'inspector.loadError', message: messageOf(err) }),
    );
    await this._refresh();
  }

  private _scheduleRefresh(): void {
    clearTimeout(this._refreshTimer);
    this._refreshTimer = setTimeout(() => void this._refresh(), REFRESH_MS);
  }

  /** Fetches the inspection and the journal; one at a time, the last ask always served. */
  private async _refresh(): Promise<void> {
    if (this._refreshing) {
      this._refreshAgain = true;
      return this._refreshing;
    }
    const id = this.sessionId;
    this._refreshing = (async () => {
      try {
        const enc = encodeURIComponent(id);
        const [inspection, journal] = await Promise.all([
          getJson<SessionInspection>(`/api/staff/sessions/${enc}`),
          getJson<{ events: JournalEntry[] }>(`/api/sessions/${enc}/journal`).catch(() => ({
            events: [] as JournalEntry[],
          })),
        ]);
        if (id !== this.sessionId) return;
        this._inspection = inspection;
        this._journal = Array.isArray(journal.events) ? journal.events : [];
        this._problem = null;
        this._follow(inspection.station_id);
      } catch (err) {
        if (id !== this.sessionId) return;
        this._problem =
          err instanceof HttpError && err.status === 404
            ? { key: 'inspector.notFound', message: err.message }
            : { key: 'inspector.loadError', message: messageOf(err) };
      }
    })();
    await this._refreshing;
    this._refreshing = null;
    if (this._refreshAgain) {
      this._refreshAgain = false;
      await this._refresh();
    }
  }

  /** Follows the station's socket (the kiosk's): every change of its session comes over it. */
  private _follow(station_id: string): void {
    if (this._controllerStation === station_id) return;
    if (this._controller) {
      this._controller.hostDisconnected();
      this.removeController(this._controller);
    }
    this._controllerStation = station_id;
    this._controller = new SessionController(this, () => this._controllerStation);
  }

  /** The step drawn lit: the live one from the socket when it is this session's. */
  private _step(): string | null {
    const live = this._controller?.session;
    if (live && live.session_id === this.sessionId) return live.step;
    return this._inspection?.step ?? null;
  }

  /** The session as it is now (the socket's view when it is this session's). */
  private _session(): SessionView | null {
    const live = this._controller?.session;
    if (live && live.session_id === this.sessionId) return live;
    return this._inspection?.session ?? null;
  }

  private _text(key: MessageKey, params: Record<string, string | number> = {}): string {
    return t(this.locale, key, params);
  }

  override render() {
    if (!this.sessionId)
      return html`<div class="center">${this._text('inspector.noSession')}</div>`;
    const inspection = this._inspection;
    if (!inspection) {
      return html`<div class="center">
        ${
          this._problem
            ? this._text(this._problem.key, { id: this.sessionId, message: this._problem.message })
            : this._text('inspector.loading')
        }
      </div>`;
    }
    return html`
      ${this._renderHeader(inspection)} ${this._renderBanner(inspection)}
      ${
        this._toast
          ? html`<div class="toast ${this._toast.bad ? 'bad' : ''}" role="status">
              ${this._toast.text}
            </div>`
          : nothing
      }
      <main>
        ${this._renderChartCard(inspection)}
        <div class="side">
          ${this._renderFlight(inspection)} ${this._renderJournal()}
          ${this._renderContext(inspection)}
        </div>
      </main>
      ${
        this._manualOpen
          ? html`<manual-damage-panel
              station-id=${inspection.station_id}
              .locale=${this.locale}
              ?offline=${this._controller?.connection !== 'open'}
              .fetchFn=${withOperator}
            ></manual-damage-panel>`
          : nothing
      }
    `;
  }

  private _isLive(): boolean {
    const view = this._controller?.session;
    return (this._inspection?.live ?? false) && (!view || view.session_id === this.sessionId);
  }

  private _renderHeader(inspection: SessionInspection) {
    const session = this._session() ?? inspection.session;
    const live = this._isLive();
    const connection = this._controller?.connection ?? 'connecting';
    const can = live && connection === 'open' ? session.can : [];
    const connKey: MessageKey = !live
      ? 'inspector.ended'
      : connection === 'open'
        ? 'inspector.live'
        : connection === 'connecting'
          ? 'conn.connecting'
          : 'conn.reconnecting';
    return html`<header>
      <h1>${this._text('inspector.title')}</h1>
      <div class="where">
        <span class="id" title=${this._text('inspector.session')}>${this.sessionId}</span>
        <span class="chip state">${session.step}</span>
        <span class="chip ${live ? connection : 'ended'}"
          ><span class="dot"></span>${this._text(connKey)}</span
        >
        <span title=${this._text('inspector.station')}
          >${session.station_name} ·
          <a href="/station/${encodeURIComponent(inspection.station_id)}" target="_blank"
            >${this._text('inspector.kiosk')}</a
          ></span
        >
      </div>
      <div class="actions">
        <button
          class=${this._resetArmed ? 'danger' : 'secondary'}
          ?disabled=${!can.includes('STAFF_RESET')}
          @click=${this._reset}
        >
          ${this._text(this._resetArmed ? 'inspector.confirmReset' : 'inspector.reset')}
        </button>
        <button
          class="secondary"
          ?disabled=${!can.includes('RETRY')}
          @click=${() => void this._command('RETRY')}
        >
          ${this._text('inspector.retry')}
        </button>
        <button
          class="secondary"
          ?disabled=${!can.includes('NEXT_DRIVER')}
          @click=${() => void this._command('NEXT_DRIVER')}
        >
          ${this._text('inspector.nextDriver')}
        </button>
        <button
          class="secondary"
          ?disabled=${!(live && connection === 'open' && acceptsManualDamage(session))}
          @click=${() => (this._manualOpen = true)}
        >
          ${this._text('inspector.manual')}
        </button>
      </div>
    </header>`;
  }

  private _renderBanner(inspection: SessionInspection) {
    const now = this._controller?.session?.session_id ?? inspection.station_session_id;
    if (!now || now === this.sessionId) return nothing;
    const station = this._session()?.station_name ?? inspection.station_id;
    return html`<div class="banner" role="status">
      <span>${this._text('inspector.movedOn', { station, id: now })}</span>
      <a href="/staff/sessions/${encodeURIComponent(now)}">${this._text('inspector.openNew')}</a>
    </div>`;
  }

  private _renderChartCard(inspection: SessionInspection) {
    const layout = this._layout;
    const box = this._chartBox;
    const fitWidth = box.width > 0 && layout ? Math.min(1, (box.width - 8) / layout.width) : 1;
    const fitAll =
      box.height > 0 && layout ? Math.min(fitWidth, (box.height - 8) / layout.height) : fitWidth;
    const zoom = this._zoom === 'fit' ? fitWidth : this._zoom === 'all' ? fitAll : this._zoom;
    const setZoom = (z: number) => (this._zoom = Math.max(0.25, Math.min(2, z)));
    return html`<section class="card">
      <div class="bar">
        <h2>
          ${this._text('inspector.chart')}
          <span class="hint">· ${this._text('inspector.chartHint')}</span>
        </h2>
        <div class="legend">
          <span
            ><i style="background:var(--vw-blue)"></i>${this._text('inspector.legendActive')}</span
          >
          <span
            ><i style="background:#dbe6ff;border:2px solid var(--vw-blue)"></i
            >${this._text('inspector.legendRecent')}</span
          >
          <span
            ><i style="border-top:2px dashed #7d8aa3;height:0"></i
            >${this._text('inspector.legendTimer')}</span
          >
        </div>
        <div class="zoom">
          <button class="small secondary" title="−" @click=${() => setZoom(zoom / 1.25)}>−</button>
          <span>${Math.round(zoom * 100)}%</span>
          <button class="small secondary" title="+" @click=${() => setZoom(zoom * 1.25)}>+</button>
          <button
            class="small ${this._zoom === 'fit' ? '' : 'secondary'}"
            @click=${() => (this._zoom = 'fit')}
          >
            ${this._text('inspector.fit')}
          </button>
          <button
            class="small ${this._zoom === 'all' ? '' : 'secondary'}"
            @click=${() => (this._zoom = 'all')}
          >
            ${this._text('inspector.overview')}
          </button>
        </div>
      </div>
      <div
        class="body chart ${inspection.live ? '' : 'ended'} ${this._zoom === 'all' ? 'overview' : ''}"
      >
        ${layout ? this._renderChart(layout, zoom) : html`<div class="center">…</div>`}
      </div>
    </section>`;
  }

  private _renderChart(layout: StatechartLayout, zoom: number) {
    const step = this._step() ?? '';
    const active = new Set(activeStateIds(layout.graph, step));
    const leaf = leafStateId(layout.graph, step);
    const moves = recentMoves(layout, this._journal, RECENT_MOVES);
    const recent = new Map<string, number>();
    moves.forEach((ids, age) => ids.forEach((id) => recent.has(id) || recent.set(id, age)));
    const states = new Map(layout.graph.nodes.map((n) => [n.id, n]));
    const transitions = new Map(layout.graph.edges.map((e) => [e.id, e]));
    // Recent edges last, so they are drawn over the others.
    const edges = [...layout.edges].sort(
      (a, b) => (recent.get(b.id) ?? 99) - (recent.get(a.id) ?? 99),
    );
    const w = Math.ceil(layout.width);
    const h = Math.ceil(layout.height);
    return html`<svg
      width=${Math.round(w * zoom)}
      height=${Math.round(h * zoom)}
      viewBox="0 0 ${w} ${h}"
      role="img"
      aria-label=${this._text('inspector.chart')}
      font-family="Inter, system-ui, sans-serif"
      @click=${this._zoomToState}
    >
      <defs>
        ${(['base', 'done', 'error', 'recent', 'initial'] as const).map(
          (kind) =>
            svg`<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" fill=${ARROW_FILL[kind]}></path>
            </marker>`,
        )}
      </defs>
      ${layout.nodes.map((n) =>
        n.kind === 'initial'
          ? svg`<circle class="initial" cx=${n.x + n.width / 2} cy=${n.y + n.height / 2} r="5"></circle>`
          : this._renderState(layout, n, states.get(n.id), active.has(n.id), n.id === leaf),
      )}
      ${edges.map((e) => this._renderEdge(layout, e, transitions, recent.get(e.id)))}
    </svg>`;
  }

  private _renderState(
    layout: StatechartLayout,
    n: LaidOutNode,
    node: StatechartLayout['graph']['nodes'][number] | undefined,
    on: boolean,
    leaf: boolean,
  ) {
    const type = node?.type ?? 'atomic';
    const root = node?.depth === 0;
    const classes = [
      'st',
      node && node.children.length > 0 ? 'compound' : type,
      root ? 'root' : '',
      on ? 'on' : '',
      leaf ? 'leaf' : '',
    ].join(' ');
    const titleY = n.y + 21;
    const lineY0 = n.y + 30 + layout.type.line;
    const tip = node
      ? [
          node.id,
          ...node.invokes.map((i) => `invoke ${i.src} (id ${i.id})`),
          ...node.entry.map((a) => `entry / ${a}`),
          ...node.exit.map((a) => `exit / ${a}`),
        ].join('\n')
      : n.id;
    return svg`<g class=${classes} data-state=${node?.path ?? n.id}>
      <title>${tip}</title>
      <rect class="box" x=${n.x} y=${n.y} width=${n.width} height=${n.height} rx=${root ? 16 : 10}></rect>
      ${type === 'final' ? svg`<rect class="inner" x=${n.x + 4} y=${n.y + 4} width=${n.width - 8} height=${n.height - 8} rx="7"></rect>` : nothing}
      <text class="title" x=${n.x + 12} y=${titleY} font-size=${layout.type.title}>${
        node?.key ?? n.id
      }</text>
      ${n.lines.length > 0 ? svg`<line class="rule" x1=${n.x + 8} x2=${n.x + n.width - 8} y1=${n.y + 29} y2=${n.y + 29}></line>` : nothing}
      ${n.lines.map(
        (l, i) =>
          svg`<text class="line ${l.kind}" x=${n.x + 12} y=${lineY0 + i * 17} font-size=${layout.type.line}>${
            l.kind === 'invoke' ? '⚙ ' : ''
          }${l.text}</text>`,
      )}
    </g>`;
  }

  private _renderEdge(
    layout: StatechartLayout,
    e: LaidOutEdge,
    transitions: Map<string, StatechartLayout['graph']['edges'][number]>,
    age: number | undefined,
  ) {
    if (e.points.length < 2) return nothing;
    const recent = age !== undefined;
    const kind = e.kind === 'done' || e.kind === 'error' || e.kind === 'initial' ? e.kind : 'base';
    const marker = recent ? 'recent' : kind;
    const tr = e.transition ? transitions.get(e.transition) : undefined;
    const classes = [
      'edge',
      e.kind,
      recent ? 'recent' : '',
      age === 0 ? 'latest' : '',
      recent && age > 0 ? 'older' : '',
    ].join(' ');
    const tip = tr
      ? [
          tr.event,
          tr.guard ? `guard: ${tr.guard}` : '',
          tr.actions.length > 0 ? `actions: ${tr.actions.join(', ')}` : '',
          `→ ${tr.targets.join(', ')}`,
        ]
          .filter(Boolean)
          .join('\n')
      : '';
    const l = e.label;
    const size = layout.type.label;
    return svg`<g class=${classes} data-edge=${e.id}>
      ${tip ? svg`<title>${tip}</title>` : nothing}
      <path d=${roundedPath(e.points)} marker-end="url(#arrow-${marker})"></path>
      ${
        l
          ? svg`<g class="label">
              <rect x=${l.x - 2} y=${l.y - 1} width=${l.width + 4} height=${l.height + 2} rx="5"></rect>
              ${l.lines.map(
                (text, i) =>
                  svg`<text class=${i > 0 ? 'guard' : ''} x=${l.x + l.width / 2} y=${l.y + 13 + i * 16} font-size=${size} text-anchor="middle">${text}</text>`,
              )}
            </g>`
          : nothing
      }
    </g>`;
  }

  private _renderFlight(inspection: SessionInspection) {
    const link = inspection.link;
    return html`<section class="card">
      <h2>${this._text('inspector.children')}</h2>
      <div class="flight">
        <div>
          <h3>${this._text('inspector.actors')}</h3>
          ${
            inspection.children.length === 0
              ? html`<p class="none">${this._text('inspector.actorsNone')}</p>`
              : html`<ul>
                  ${inspection.children.map(
                    (c) =>
                      html`<li>
                        <span class="name"
                          >${c.id} <span class="badge ${c.status}">${c.status}</span></span
                        >
                        <span class="sub">src ${c.src}${c.state ? ` · ${c.state}` : ''}</span>
                      </li>`,
                  )}
                </ul>`
          }
        </div>
        <div>
          <h3>${this._text('inspector.timers')}</h3>
          ${
            inspection.timers.length === 0
              ? html`<p class="none">${this._text('inspector.timersNone')}</p>`
              : html`<ul>
                  ${inspection.timers.map((timer) => {
                    const left = countdown(Date.parse(timer.due_at) - this._now);
                    return html`<li title=${timer.event}>
                      <span class="name"
                        >${timer.label}
                        <span class="badge"
                          >${this._text('inspector.timerIn', { s: left })}</span
                        ></span
                      >
                      <span class="sub">${timer.state ?? ''} · ${countdown(timer.delay_ms)}</span>
                    </li>`;
                  })}
                </ul>`
          }
        </div>
        <div>
          <h3>${this._text('inspector.link')}</h3>
          ${
            link
              ? html`<ul>
                  <li>
                    <span class="name"
                      >${link.address}
                      <span class="badge ${link.status}">${link.status}</span></span
                    >
                    <span class="sub"
                      >${link.simulated ? this._text('rig.simulated') : 'BeamNG'}${
                        link.vehicle ? ` · ${link.vehicle.name ?? link.vehicle.model}` : ''
                      }</span
                    >
                    <span class="sub"
                      >${
                        link.last_telemetry_at
                          ? this._text('rig.lastTelemetry', {
                              time: clock(link.last_telemetry_at, this.locale),
                            })
                          : link.last_error
                            ? link.last_error.message
                            : ''
                      }</span
                    >
                  </li>
                </ul>`
              : html`<p class="none">
                  ${this._text(inspection.live ? 'inspector.linkNone' : 'inspector.ended')}
                </p>`
          }
        </div>
      </div>
    </section>`;
  }

  private _renderJournal() {
    const events = [...this._journal].reverse();
    return html`<section class="card">
      <div class="bar">
        <h2>
          ${this._text('inspector.journal')}
          <span class="hint">· ${this._text('inspector.journalCount', { n: events.length })}</span>
        </h2>
      </div>
      <div class="body" style="padding:0">
        ${
          events.length === 0
            ? html`<p class="none" style="padding:12px 16px">
                ${this._text('inspector.journalEmpty')}
              </p>`
            : html`<table>
                <thead>
                  <tr>
                    <th>${this._text('inspector.colTime')}</th>
                    <th>${this._text('inspector.colSource')}</th>
                    <th>${this._text('inspector.colType')}</th>
                    <th>${this._text('inspector.colPayload')}</th>
                    <th>${this._text('inspector.colCorrelation')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${events.map(
                    (e, i) =>
                      html`<tr class=${i === 0 ? 'newest' : ''} data-seq=${e.seq}>
                        <td class="time" title=${e.at}>${clock(e.at, this.locale)}</td>
                        <td><span class="source ${e.source ?? ''}">${e.source ?? '—'}</span></td>
                        <td class="type">
                          ${shortType(e.type)}
                          ${
                            e.from !== e.to
                              ? html`<span class="move">${e.from ?? '∅'} → ${e.to}</span>`
                              : nothing
                          }
                        </td>
                        <td>${payloadCell(e.payload)}</td>
                        <td class="corr" title=${e.correlation_id ?? ''}>
                          ${e.correlation_id ?? '—'}
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </div>
    </section>`;
  }

  private _renderContext(inspection: SessionInspection) {
    return html`<section class="card">
      <h2>${this._text('inspector.context')}</h2>
      <div class="body tree">
        ${
          inspection.context
            ? Object.entries(inspection.context).map(([k, v]) => this._tree(k, v, k, 0))
            : html`<p class="none">${this._text('inspector.contextEnded')}</p>`
        }
      </div>
    </section>`;
  }

  /** One key of the context: a value, or a collapsible object / array (children drawn open only). */
  private _tree(key: string, value: unknown, path: string, depth: number): TemplateResult {
    const keyPart = html`<span class="k">${key}</span>: `;
    if (Array.isArray(value) || isRecord(value)) {
      const entries: [string, unknown][] = Array.isArray(value)
        ? value.map((v, i) => [String(i), v])
        : Object.entries(value);
      const meta = Array.isArray(value)
        ? this._text('inspector.items', { n: entries.length })
        : this._text('inspector.fields', { n: entries.length });
      if (entries.length === 0) {
        return html`<div class="row">
          ${keyPart}<span class="meta">${Array.isArray(value) ? '[]' : '{}'}</span>
        </div>`;
      }
      const open = this._toggled.has(path);
      return html`<details
        ?open=${open}
        @toggle=${(ev: Event) => {
          const now = (ev.currentTarget as HTMLDetailsElement).open;
          if (now === open) return;
          if (this._toggled.has(path)) this._toggled.delete(path);
          else this._toggled.add(path);
          this.requestUpdate();
        }}
      >
        <summary class="row">${keyPart}<span class="meta">${meta}</span></summary>
        ${
          open
            ? html`<div class="kids">
                ${entries.map(([k, v]) => this._tree(k, v, `${path}.${k}`, depth + 1))}
              </div>`
            : nothing
        }
      </details>`;
    }
    return html`<div class="row" title=${typeof value === 'string' ? value : ''}>
      ${keyPart}${scalar(value)}
    </div>`;
  }

  /** On the overview, a click on a state shows it at full size. */
  private _zoomToState = (event: Event) => {
    if (this._zoom !== 'all') return;
    const state = (event.target as Element).closest<SVGGElement>('[data-state]');
    this._zoomTarget = state?.dataset.state ?? null;
    this._zoom = 'fit';
  };

  private _reset = () => {
    if (!this._resetArmed) {
      this._resetArmed = true;
      clearTimeout(this._armTimer);
      this._armTimer = setTimeout(() => (this._resetArmed = false), RESET_ARM_MS);
      return;
    }
    clearTimeout(this._armTimer);
    this._resetArmed = false;
    void this._command('STAFF_RESET');
  };

  private _closeManual = () => {
    this._manualOpen = false;
  };

  /** Sends a staff command to the session's station, as the operator named in this browser. */
  private async _command(type: Command): Promise<void> {
    const station = this._inspection?.station_id;
    if (!station) return;
    // As the floor view sends them: the staff cookie, and the operator's name for the audit log.
    const result = await sendCommand(station, { type }, loadOperator());
    if (result.ok) this._showToast(this._text('inspector.sent', { command: type }), false);
    else this._showToast(this._text('inspector.refused', { message: result.error.message }), true);
    this._scheduleRefresh();
  }

  private _showToast(text: string, bad: boolean): void {
    this._toast = { text, bad };
    clearTimeout(this._toastTimer);
    this._toastTimer = setTimeout(() => (this._toast = null), 4_000);
  }
}

const ARROW_FILL = {
  base: '#7d8aa3',
  done: '#2f7d53',
  error: '#b23b3b',
  recent: '#0040c5',
  initial: '#001e50',
} as const;

/** `fetch` with the operator's name for the audit log, as the floor view sends it. */
const withOperator = (input: RequestInfo | URL, init: RequestInit = {}) =>
  fetch(input, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...operatorHeaders(loadOperator()) },
  });

function savedLocale(): Locale {
  try {
    return localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'pt-BR';
  } catch {
    return 'pt-BR';
  }
}

/** 42 s, 3:07, 1:00:00: what is left of a timer. */
function countdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  const two = (n: number) => String(n).padStart(2, '0');
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}:${two(s % 60)}` : `${Math.floor(m / 60)}:${two(m % 60)}:${two(s % 60)}`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** XState's own event types, shortened the way the chart reads them. */
function shortType(type: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (after) return `after ${after[1]}`;
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (actor) return `${actor[1]}: ${actor[2]}`;
  return type;
}

function payloadCell(payload: unknown) {
  if (payload === null || payload === undefined) return html`<span class="none">—</span>`;
  if (isRecord(payload) && Object.keys(payload).length === 0) {
    return html`<span class="none">{}</span>`;
  }
  const text = JSON.stringify(payload, null, 2);
  const summary = isRecord(payload)
    ? `{ ${Object.keys(payload).slice(0, 3).join(', ')}${Object.keys(payload).length > 3 ? ', …' : ''} }`
    : text.slice(0, 40);
  return html`<details>
    <summary class="mono">${summary}</summary>
    <pre>${text.length > 20_000 ? `${text.slice(0, 20_000)}\n…` : text}</pre>
  </details>`;
}

function scalar(value: unknown) {
  if (value === null) return html`<span class="null">null</span>`;
  if (typeof value === 'string') {
    const shown = value.length > 140 ? `${value.slice(0, 140)}…` : value;
    return html`<span class="s">"${shown}"</span>`;
  }
  if (typeof value === 'number') return html`<span class="n">${value}</span>`;
  if (typeof value === 'boolean') return html`<span class="b">${String(value)}</span>`;
  return html`<span class="meta">${String(value)}</span>`;
}

declare global {
  interface HTMLElementTagNameMap {
    'staff-inspector': StaffInspector;
  }
}
