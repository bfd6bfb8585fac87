/**
 * A dealer's calendar, pure: opening hours, working time, drop-off slots and repair bays. "Now",
 * the earliest moment the parts are there, the slots already taken and the bays already busy
 * are inputs. Dealer hours are local time in Brazil (America/Sao_Paulo, UTC−03:00 all year
 * since 2019).
 *
 * A booking is a drop-off slot at the service desk (one car per slot start) and a bay from the
 * drop-off until the repair's labour hours have been worked inside opening hours (`workUntil`).
 * A slot is offered when it is free, at or after the parts' ready time, and a bay is free for
 * the whole repair (fewer than `bays` repairs overlap it at every moment).
 */
import type { Dealer, Slot } from '../../machines/schemas.js';

const LOCAL_OFFSET_MIN = -180;
const MINUTE = 60_000;
const DAY_MS = 86_400_000;
const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** How far ahead the calendar looks (a dealer closed longer than this offers nothing). */
const HORIZON_DAYS = 30;

/** A bay held from `start` to `end` (epoch ms). */
export interface Busy {
  start: number;
  end: number;
}

export interface SlotOptions {
  now: Date;
  /** No slot before this instant (the parts plan's ready date). */
  earliest?: Date;
  /** How many days that have slots to offer. */
  days?: number;
  slot_minutes?: number;
  /** Slot starts already booked, as epoch milliseconds. */
  taken?: ReadonlySet<number>;
  /** Offer at most this many slots per day. */
  per_day?: number;
  /** The repair's labour hours (0: only the drop-off), and the bays already held. */
  work_hours?: number;
  busy?: readonly Busy[];
}

/** ISO-8601 with the local offset, e.g. "2026-11-26T08:00:00-03:00". */
export function toLocalIso(epochMs: number, offsetMin = LOCAL_OFFSET_MIN): string {
  const local = new Date(epochMs + offsetMin * MINUTE);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.toISOString().slice(0, 19)}${off}`;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Local midnight (as epoch ms) of the day holding `epochMs`. */
function localDayStart(epochMs: number): number {
  const local = new Date(epochMs + LOCAL_OFFSET_MIN * MINUTE);
  return (
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) -
    LOCAL_OFFSET_MIN * MINUTE
  );
}

/** The local weekday key of a local midnight. */
const weekdayOf = (dayStart: number) =>
  DAY_KEYS[new Date(dayStart + LOCAL_OFFSET_MIN * MINUTE).getUTCDay()]!;

/** The opening interval of the dealer on the local day starting at `dayStart`, or null (closed). */
function openingOn(dealer: Pick<Dealer, 'hours'>, dayStart: number): Busy | null {
  const hours = dealer.hours[weekdayOf(dayStart)];
  if (!hours) return null;
  return {
    start: dayStart + minutesOf(hours[0]) * MINUTE,
    end: dayStart + minutesOf(hours[1]) * MINUTE,
  };
}

/** The first moment at or after `at` the dealer is open (null if closed for the whole horizon). */
export function nextOpenAt(dealer: Pick<Dealer, 'hours'>, at: number): number | null {
  const first = localDayStart(at);
  for (let d = 0; d <= HORIZON_DAYS; d++) {
    const open = openingOn(dealer, first + d * DAY_MS);
    if (!open || open.end <= at) continue;
    return Math.max(open.start, at);
  }
  return null;
}

/**
 * The moment `hours` of work started at `start` are done, counting only opening hours (a job
 * that does not fit before closing carries on at the next opening). Null when the dealer does
 * not open again within the horizon.
 */
export function workUntil(
  dealer: Pick<Dealer, 'hours'>,
  start: number,
  hours: number,
): number | null {
  let left = Math.round(hours * 60) * MINUTE;
  let at = nextOpenAt(dealer, start);
  if (at === null) return null;
  if (left === 0) return at;
  const first = localDayStart(at);
  for (let d = 0; d <= HORIZON_DAYS * 2; d++) {
    const open = openingOn(dealer, first + d * DAY_MS);
    if (!open || open.end <= at) continue;
    const from = Math.max(open.start, at);
    const span = open.end - from;
    if (left <= span) return from + left;
    left -= span;
    at = open.end;
  }
  return null;
}

/** Monday to Friday. */
const isWorkingDay = (dayStart: number) => {
  const weekday = weekdayOf(dayStart);
  return weekday !== 'sat' && weekday !== 'sun';
};

/** The n-th working day (Mon–Fri) after the local day of `at`, at the dealer's first opening
 *  on or after it: when a delivery `days` working days out arrives. */
export function deliveryAfterWorkingDays(
  dealer: Pick<Dealer, 'hours'>,
  at: number,
  days: number,
): number | null {
  let day = localDayStart(at);
  let counted = 0;
  while (counted < days) {
    day += DAY_MS;
    if (isWorkingDay(day)) counted++;
  }
  return nextOpenAt(dealer, day);
}

/** Working days (Mon–Fri) after the local day of `from`, up to and including the local day of
 *  `to`: 0 on the same day. */
export function workingDaysBetween(from: number, to: number): number {
  let days = 0;
  for (let day = localDayStart(from) + DAY_MS; day <= localDayStart(to); day += DAY_MS) {
    if (isWorkingDay(day)) days++;
  }
  return days;
}

/** The bay a repair holds: from the drop-off until its work is done (at least the slot). */
export function bayHold(
  dealer: Pick<Dealer, 'hours'>,
  start: number,
  work_hours: number,
  slot_minutes = 60,
): Busy {
  const done = workUntil(dealer, start, work_hours) ?? start;
  return { start, end: Math.max(done, start + slot_minutes * MINUTE) };
}

/** The most repairs running at once anywhere inside [start, end) among `busy`. */
export function peakOverlap(busy: readonly Busy[], start: number, end: number): number {
  const inside = busy.filter((b) => b.start < end && b.end > start);
  let peak = 0;
  // The count only rises at a start, so the peak is at `start` or at one of their starts.
  for (const at of [start, ...inside.map((b) => b.start).filter((s) => s > start)]) {
    const count = inside.filter((b) => b.start <= at && b.end > at).length;
    if (count > peak) peak = count;
  }
  return peak;
}

/** True when a bay is free for a whole repair from `start` to `end`. */
export function bayFree(busy: readonly Busy[], bays: number, start: number, end: number): boolean {
  return peakOverlap(busy, start, end) < bays;
}

export function openSlots(dealer: Pick<Dealer, 'hours' | 'bays'>, options: SlotOptions): Slot[] {
  const {
    now,
    days = 5,
    slot_minutes = 60,
    taken = new Set<number>(),
    per_day = 8,
    work_hours = 0,
    busy = [],
  } = options;
  const notBefore = Math.max(now.getTime() + 60 * MINUTE, options.earliest?.getTime() ?? 0);
  const slots: Slot[] = [];
  // Walk local calendar days from today; stop after `days` days that offered something.
  const today = localDayStart(now.getTime());
  let daysWithSlots = 0;
  for (let d = 0; d < HORIZON_DAYS && daysWithSlots < days; d++) {
    const open = openingOn(dealer, today + d * DAY_MS);
    if (!open) continue;
    let offered = 0;
    for (
      let start = open.start;
      start + slot_minutes * MINUTE <= open.end && offered < per_day;
      start += slot_minutes * MINUTE
    ) {
      if (start < notBefore || taken.has(start)) continue;
      if (busy.length > 0) {
        const hold = bayHold(dealer, start, work_hours, slot_minutes);
        if (!bayFree(busy, dealer.bays, hold.start, hold.end)) continue;
      }
      slots.push({ start: toLocalIso(start), end: toLocalIso(start + slot_minutes * MINUTE) });
      offered++;
    }
    if (offered > 0) daysWithSlots++;
  }
  return slots;
}

/** True when the dealer opens on the local date `yyyy-mm-dd`. */
export function opensOn(dealer: Pick<Dealer, 'hours'>, date: string): boolean {
  const dayStart = Date.parse(`${date}T00:00:00-03:00`);
  return Number.isFinite(dayStart) && openingOn(dealer, dayStart) !== null;
}
