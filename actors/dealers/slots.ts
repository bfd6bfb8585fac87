/**
 * Workshop drop-off slots from a dealer's opening hours. Pure: "now", the earliest day the parts
 * can be there, and the slots already taken are inputs. Dealer hours are local time in Brazil
 * (America/Sao_Paulo, UTC−03:00 all year since 2019).
 */
import type { Dealer, Slot } from '../../machines/schemas.js';

const LOCAL_OFFSET_MIN = -180;
const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

export interface SlotOptions {
  now: Date;
  /** No slot before this instant (parts lead time). */
  earliest?: Date;
  /** How many days that have slots to offer. */
  days?: number;
  slot_minutes?: number;
  /** Slot starts already booked, as epoch milliseconds. */
  taken?: ReadonlySet<number>;
  /** Offer at most this many slots per day. */
  per_day?: number;
}

/** ISO-8601 with the local offset, e.g. "2026-11-26T08:00:00-03:00". */
export function toLocalIso(epochMs: number, offsetMin = LOCAL_OFFSET_MIN): string {
  const local = new Date(epochMs + offsetMin * 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local.toISOString().slice(0, 19)}${off}`;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

export function openSlots(dealer: Dealer, options: SlotOptions): Slot[] {
  const { now, days = 5, slot_minutes = 60, taken = new Set<number>(), per_day = 8 } = options;
  const notBefore = Math.max(now.getTime() + 60 * 60_000, options.earliest?.getTime() ?? 0);
  const slots: Slot[] = [];
  // Walk local calendar days from today; stop after `days` days that offered something (max 30 days).
  const localToday = new Date(now.getTime() + LOCAL_OFFSET_MIN * 60_000);
  const dayStartUtc =
    Date.UTC(localToday.getUTCFullYear(), localToday.getUTCMonth(), localToday.getUTCDate()) -
    LOCAL_OFFSET_MIN * 60_000;
  let daysWithSlots = 0;
  for (let d = 0; d < 30 && daysWithSlots < days; d++) {
    const dayStart = dayStartUtc + d * 86_400_000;
    const weekday = DAY_KEYS[new Date(dayStart + LOCAL_OFFSET_MIN * 60_000).getUTCDay()]!;
    const hours = dealer.hours[weekday];
    if (!hours) continue;
    const open = minutesOf(hours[0]);
    const close = minutesOf(hours[1]);
    let offered = 0;
    for (let m = open; m + slot_minutes <= close && offered < per_day; m += slot_minutes) {
      const start = dayStart + m * 60_000;
      if (start < notBefore || taken.has(start)) continue;
      slots.push({ start: toLocalIso(start), end: toLocalIso(start + slot_minutes * 60_000) });
      offered++;
    }
    if (offered > 0) daysWithSlots++;
  }
  return slots;
}
