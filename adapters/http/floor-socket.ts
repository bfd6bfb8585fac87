/**
 * WebSocket `/ws/floor` (staff only): every station of the floor at a glance, as
 * `{type:'floor', stations: StationSummary[], at, stuck_after_ms}` at once and whenever any
 * station changes, for the staff floor view (`/staff`).
 *
 * - Refused with 401 `unauthorized` before the upgrade when the request is not staff's.
 * - One floor subscription per station for the whole app, not per socket: it also keeps, for
 *   each station, when its session entered its current step (`since`; the SessionView carries
 *   only started_at and updated_at), from the first view seen with that session and step.
 * - Bursts are coalesced: at most one message every COALESCE_MS, the latest state. A message
 *   goes out only when a summary changed in a way a person would see — a simulator's live
 *   readings (four a second per station) move `rig.last_telemetry_at` only, and are not sent
 *   on their own; the next message carries the latest value.
 * - `stuck` changes with time alone, so while sockets are open the summaries are checked once
 *   a second too.
 * - The heartbeat and ping of every screen socket (adapters/http/heartbeat.ts): a dead link is dropped.
 */
import { upgradeWebSocket } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { WSContext } from 'hono/ws';
import type { Floor } from '../../actors/floor.js';
import type { FloorMessage, SessionView, StationSummary } from '../../actors/protocol.js';
import { ApiError } from './errors.js';
import { HEARTBEAT_MS, keepAlive } from './heartbeat.js';

/** The shortest gap between two floor messages: a burst of changes becomes one message. */
export const COALESCE_MS = 100;

/** How often open sockets have the summaries checked for a session that just became stuck. */
const STUCK_CHECK_MS = 1_000;

/** The one step that may last as long as it likes: a driver in the simulator. */
const NEVER_STUCK = 'Waiting.driving';

export interface FloorSocketOptions {
  /** Whether the request (the WebSocket upgrade) comes from staff. */
  isStaff: (c: Context) => boolean;
  /** A session this long in one step is `stuck`. */
  stuck_after_ms: number;
  /** How often an idle socket hears from the server (default HEARTBEAT_MS). */
  heartbeat_ms?: number;
  /** Wall clock (tests). */
  now?: () => Date;
  /** Whether a session is a rehearsal (driven by a replay); `rehearsal` is left out without it. */
  isRehearsal?: (view: SessionView) => boolean;
  /** When a session restored at start-up entered the step it came back in (else: its first view). */
  restoredSince?: (view: SessionView) => string | undefined;
}

/** When a station's session entered its current step. */
interface StepEntry {
  session_id: string;
  step: string;
  since: string;
}

/** The staff floor's reading of one station's view; `since` is when it entered its step. */
export function toStationSummary(
  view: SessionView,
  since: string,
  stuck_after_ms: number,
  now: Date,
): StationSummary {
  const stuck = view.step !== NEVER_STUCK && now.getTime() - Date.parse(since) > stuck_after_ms;
  // The chosen dealer's price once there is one, else the venue's.
  const priced = view.dealer_estimate ?? view.estimate;
  return {
    station_id: view.station_id,
    station_name: view.station_name,
    session_id: view.session_id,
    state: view.state,
    step: view.step,
    since,
    started_at: view.started_at,
    can: view.can,
    vehicle_model: view.vehicle_model,
    vehicle_name: view.vehicle_name,
    rig: view.rig,
    severity: view.damage?.severity_score ?? null,
    estimate_total: priced ? { amount: priced.grand_total, currency: priced.currency } : null,
    dealer_name: view.dealer?.name ?? null,
    error: view.error,
    stuck,
  };
}

/** What a person would see change: the summaries without the rig's last reading time. */
function visibleSignature(stations: StationSummary[]): string {
  return JSON.stringify(
    stations.map((s) => (s.rig ? { ...s, rig: { ...s.rig, last_telemetry_at: null } } : s)),
  );
}

export function floorSocket(floor: Floor, options: FloorSocketOptions) {
  const every_ms = options.heartbeat_ms ?? HEARTBEAT_MS;
  const now = options.now ?? (() => new Date());
  const steps = new Map<string, StepEntry>();
  const clients = new Set<WSContext>();

  /** Notes the view's step; the first view of a (session, step) dates it. */
  const note = (view: SessionView) => {
    const entry = steps.get(view.station_id);
    if (entry && entry.session_id === view.session_id && entry.step === view.step) return;
    steps.set(view.station_id, {
      session_id: view.session_id,
      step: view.step,
      since: (!entry && options.restoredSince?.(view)) || view.updated_at,
    });
  };

  const summaries = (): StationSummary[] => {
    const at = now();
    return floor.stations.flatMap((id) => {
      const view = floor.view(id);
      if (!view) return [];
      note(view);
      const summary = toStationSummary(view, steps.get(id)!.since, options.stuck_after_ms, at);
      return [options.isRehearsal ? { ...summary, rehearsal: options.isRehearsal(view) } : summary];
    });
  };

  const floorMessage = (stations: StationSummary[]): string =>
    JSON.stringify({
      type: 'floor',
      stations,
      at: now().toISOString(),
      stuck_after_ms: options.stuck_after_ms,
    } satisfies FloorMessage);

  let sentSignature = '';
  let sentAt = 0;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let stuckTimer: ReturnType<typeof setInterval> | undefined;

  const flush = () => {
    flushTimer = undefined;
    if (clients.size === 0) return;
    const stations = summaries();
    const signature = visibleSignature(stations);
    if (signature === sentSignature) return;
    sentSignature = signature;
    sentAt = Date.now();
    const text = floorMessage(stations);
    for (const ws of clients) ws.send(text);
  };

  /** Something may have changed: send within COALESCE_MS of the last message, not before. */
  const changed = () => {
    if (clients.size === 0 || flushTimer) return;
    flushTimer = setTimeout(flush, Math.max(0, sentAt + COALESCE_MS - Date.now()));
    flushTimer.unref?.();
  };

  for (const id of floor.stations) {
    const view = floor.view(id);
    if (view) note(view);
    floor.subscribe(id, (next) => {
      note(next);
      changed();
    });
  }

  return new Hono().get(
    '/',
    async (c, next) => {
      if (!options.isStaff(c)) {
        throw new ApiError(
          'unauthorized',
          'Staff only: open the one-click staff URL the server printed, or send Authorization: Bearer <STAFF_TOKEN>',
        );
      }
      await next();
    },
    upgradeWebSocket(() => {
      let stopHeartbeat = () => {};
      let self: WSContext | undefined;
      return {
        onOpen(_event, ws) {
          self = ws;
          const stations = summaries();
          ws.send(floorMessage(stations));
          if (clients.size === 0) {
            // The first watcher: what it was sent is what the next message is compared with.
            sentSignature = visibleSignature(stations);
            sentAt = Date.now();
            stuckTimer = setInterval(changed, STUCK_CHECK_MS);
            stuckTimer.unref?.();
          }
          clients.add(ws);
          stopHeartbeat = keepAlive(ws, every_ms);
        },
        onClose() {
          stopHeartbeat();
          if (self) clients.delete(self);
          if (clients.size === 0) {
            clearInterval(stuckTimer);
            clearTimeout(flushTimer);
            flushTimer = undefined;
          }
        },
      };
    }),
  );
}
