/**
 * How the staff floor view reads a StationSummary: how long it has been in its step, whether it
 * is stuck (and how badly), whether its simulator dropped, whether its step is a failure staff
 * must act on, and the colour of its state. Pure functions, tested in test/ui/staff-floor.test.ts.
 */
import type { TopLevelState } from '../actors/protocol.js';
import { hasKey, type MessageKey } from './i18n-staff.js';
import type { StationSummary } from './wire.js';

/** The one step that may last as long as it likes (the server never marks it stuck either). */
export const DRIVING_STEP = 'Waiting.driving';

/** Steps where the session waits for staff or a retry, not for the attendee. */
export const FAILED_STEPS: ReadonlySet<string> = new Set([
  'Crashed.failed',
  'Estimated.choosingDealer.failed',
  'DealerChosen.dealerUnavailable',
  'DealerChosen.bookingFailed',
]);

/** A card's alarm: none, stuck (amber), or stuck for twice the limit or more (red). */
export type StuckLevel = 'none' | 'stuck' | 'overdue';

/** Milliseconds since `since` on the server's clock (`nowMs` already corrected), never negative. */
export function elapsedMs(since: string, nowMs: number): number {
  const start = Date.parse(since);
  return Number.isFinite(start) ? Math.max(0, nowMs - start) : 0;
}

/**
 * How stuck a station is. The server's `stuck` flag comes at most once a second; between two
 * messages the card's own clock may already be past the limit, and then it says so too.
 */
export function stuckLevel(
  station: Pick<StationSummary, 'stuck' | 'since' | 'step'>,
  nowMs: number,
  stuckAfterMs: number,
): StuckLevel {
  if (station.step === DRIVING_STEP) return 'none';
  const elapsed = elapsedMs(station.since, nowMs);
  if (!station.stuck && elapsed <= stuckAfterMs) return 'none';
  return elapsed >= 2 * stuckAfterMs ? 'overdue' : 'stuck';
}

/** Time in a step as a clock: "0:07", "4:12", "1:04:09". */
export function formatElapsed(ms: number): string {
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** A limit in words-free units: "45 s", "5 min", "1 h 30 min". */
export function formatLimit(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const rest = minutes % 60;
  return rest ? `${Math.floor(minutes / 60)} h ${rest} min` : `${minutes / 60} h`;
}

/** The simulator link as the card shows it: fine, (first) connecting, or dropped. */
export type RigAlarm = 'ok' | 'connecting' | 'dropped' | 'none';

/**
 * A link that had failed attempts or an error is dropped, whether it is between two attempts
 * (disconnected) or in one (connecting): the card must not flicker between the two while the
 * link retries. Only a first connection with nothing failed yet is "connecting".
 */
export function rigAlarm(rig: StationSummary['rig']): RigAlarm {
  if (!rig) return 'none';
  if (rig.status === 'connected') return 'ok';
  return rig.attempt > 0 || rig.last_error !== null ? 'dropped' : 'connecting';
}

/** Whether the session sits in a failure (or carries an error) that staff should look at. */
export function isFailure(station: Pick<StationSummary, 'step' | 'error'>): boolean {
  return station.error !== null || FAILED_STEPS.has(station.step);
}

/** Each top-level state's colour on the floor view (distinct from the amber/red alarms). */
export const STATE_COLOURS: Record<TopLevelState, string> = {
  Waiting: '#51607a',
  Crashed: '#8e2bb0',
  Estimated: '#0040c5',
  DealerChosen: '#00798a',
  Booked: '#0a7d3b',
};

/** The colour of a state this bundle may not know (shown grey). */
export function stateColour(state: string): string {
  return (STATE_COLOURS as Record<string, string>)[state] ?? '#51607a';
}

/** The words for a step, when the dictionary has them. */
export function stepLabel(step: string): MessageKey | null {
  const key = `staff.step.${step}`;
  return hasKey(key) ? key : null;
}

/** Counts for the header: how many stations are stuck, dropped, failing. */
export function floorCounts(
  stations: readonly StationSummary[],
  nowMs: number,
  stuckAfterMs: number,
): { stuck: number; dropped: number; failed: number } {
  let stuck = 0;
  let dropped = 0;
  let failed = 0;
  for (const s of stations) {
    if (stuckLevel(s, nowMs, stuckAfterMs) !== 'none') stuck++;
    if (rigAlarm(s.rig) === 'dropped') dropped++;
    if (isFailure(s)) failed++;
  }
  return { stuck, dropped, failed };
}
