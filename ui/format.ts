/**
 * Display formatting for the kiosk: money, VW part numbers, durations, dates (always in
 * São Paulo time, where the event runs), distances and opening hours. Pure functions.
 */
import type { Locale } from '../machines/schemas.js';
import { t, tCount, type MessageKey } from './i18n.js';

/** The event's time zone: every date on screen is São Paulo local time. */
export const EVENT_TIME_ZONE = 'America/Sao_Paulo';

/** Intl locale for a session locale (English in British style: day before month, as Brazilians read dates). */
function intlLocale(locale: Locale): string {
  return locale === 'en' ? 'en-GB' : 'pt-BR';
}

/** Formats a decimal-string amount ("1234.50") as currency, e.g. "R$ 1.234,50". Display only. */
export function formatMoney(amount: string, currency: string, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency }).format(
    Number(amount),
  );
}

/** Formats a number with a fixed count of decimals in the locale's style ("2,5"). */
export function formatNumber(value: number, locale: Locale, decimals = 1): string {
  return new Intl.NumberFormat(intlLocale(locale), {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(value);
}

/** Decimals of labour hours on screen: VW bills in ZE, 1/100 h. */
export const HOUR_DECIMALS = 2;

/** Labour hours to the hundredth (ZE) with the unit: "5,17 h" / "5.17 h". */
export function formatHours(hours: number, locale: Locale): string {
  return `${formatNumber(hours, locale, HOUR_DECIMALS)} h`;
}

/** How many items an estimate or document lists: lines with an amount ("3 itens"); a
 *  zero-amount line (e.g. a refinish the overlap took to 0 h) is not an item. */
export function formatItemCount(lines: readonly { amount: string }[], locale: Locale): string {
  return tCount(locale, 'invoice.lines', lines.filter((l) => Number(l.amount) !== 0).length);
}

/** Formats a 0..1 ratio as "31,5%". */
export function formatPercent(ratio: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale), {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(ratio);
}

/**
 * Formats a rate carried as a percent string, as the server sends `tax_lines[].rate` and
 * `approximate_taxes.percent` ("18.00" → "18%", "0.65" → "0,65%"). Up to two decimals.
 */
export function formatRate(rate: string, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale), {
    style: 'percent',
    maximumFractionDigits: 2,
  }).format(Number(rate) / 100);
}

/**
 * An appointment's reference as people read it out: the first 8 letters and digits of its id
 * after "apt-", upper-case ("apt-e6514702-b1e2-…" → "E6514702"). Display only: the id itself
 * is what the data and the staff tools use.
 */
export function appointmentReference(appointmentId: string): string {
  const letters = appointmentId.replace(/^apt-/i, '').replace(/[^A-Za-z0-9]/g, '');
  return (letters || appointmentId).slice(0, 8).toUpperCase();
}

/**
 * VW part numbers as VW do Brasil prints them: "5H0 807 221 GRU" → "5H0-807-221-GRU".
 * Numbers without separators are split as TTT HUU NNN + suffixes; anything that does not
 * look like a VW number (e.g. a sublet code) is returned trimmed but otherwise unchanged.
 */
export function formatPartNumber(partNumber: string | null | undefined): string {
  if (!partNumber) return '—';
  const trimmed = partNumber.trim().toUpperCase();
  const groups = trimmed.split(/[\s\-.]+/).filter(Boolean);
  if (groups.length > 1) return groups.join('-');
  const compact = /^([A-Z0-9]{3})(\d{3})(\d{3})([A-Z]{0,2})([A-Z0-9]{3})?$/.exec(trimmed);
  if (!compact) return partNumber.trim();
  return compact.slice(1).filter(Boolean).join('-');
}

/** ISO-8601 duration ("P2DT4H") → "2 dias e 4 h" / "2 days and 4 h". Unknown shapes pass through. */
export function formatDuration(iso: string, locale: Locale): string {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso);
  if (!match || iso === 'P' || iso === 'PT') return iso;
  const [, days, hours, minutes] = match.map((part) =>
    part === undefined ? 0 : Number(part),
  ) as number[];
  const parts: string[] = [];
  if (days) parts.push(tCount(locale, 'duration.day', days));
  if (hours) parts.push(t(locale, 'duration.hours', { n: hours }));
  if (minutes) parts.push(t(locale, 'duration.minutes', { n: minutes }));
  if (parts.length === 0) return t(locale, 'duration.hours', { n: 0 });
  if (parts.length === 1) return parts[0]!;
  return `${parts.slice(0, -1).join(', ')}${t(locale, 'duration.and')}${parts.at(-1)}`;
}

/** "seg., 1 de dez. · 09:00" style date and time in São Paulo. */
export function formatDateTime(iso: string, locale: Locale): string {
  return `${formatDay(iso, locale)} · ${formatTime(iso, locale)}`;
}

/** The day of an instant in São Paulo, e.g. "segunda-feira, 1 de dezembro". */
export function formatDay(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: EVENT_TIME_ZONE,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  }).format(new Date(iso));
}

/** A short day in São Paulo, e.g. "seg., 15 de dez." / "Mon 15 Dec". */
export function formatShortDay(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: EVENT_TIME_ZONE,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(new Date(iso));
}

/** A short date in São Paulo, e.g. "01/12/2025". */
export function formatShortDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: EVENT_TIME_ZONE,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(new Date(iso));
}

/** The clock time of an instant in São Paulo, 24-hour, e.g. "09:30". */
export function formatTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: EVENT_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** The clock time of an instant in São Paulo with seconds, e.g. "09:30:05" (telemetry stamps). */
export function formatClock(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone: EVENT_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

/** A stable key for the São Paulo calendar day of an instant ("2025-12-01"), for grouping slots. */
export function dayKey(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: EVENT_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

/** Groups items by São Paulo calendar day, in first-seen order. */
export function groupByDay<T>(
  items: readonly T[],
  startOf: (item: T) => string,
): { day: string; items: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = dayKey(startOf(item));
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return [...groups].map(([day, grouped]) => ({ day, items: grouped }));
}

/** Distance in km with one decimal: "3,4 km". */
export function formatDistance(km: number, locale: Locale): string {
  return `${formatNumber(km, locale, 1)} km`;
}

const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Weekday = (typeof WEEK)[number];
export type OpeningHours = Partial<Record<Weekday, readonly [string, string] | null>>;

/**
 * Opening hours compressed into runs of days with the same hours:
 * "Seg–Sex 08:00–18:00 · Sáb 08:00–12:00". Closed days are left out.
 */
export function formatOpeningHours(hours: OpeningHours, locale: Locale): string {
  const runs: { from: Weekday; to: Weekday; span: string }[] = [];
  for (const day of WEEK) {
    const open = hours[day];
    const span = open ? `${open[0]}–${open[1]}` : null;
    const last = runs.at(-1);
    const previousDay = WEEK[WEEK.indexOf(day) - 1];
    if (span && last && last.span === span && last.to === previousDay) last.to = day;
    else if (span) runs.push({ from: day, to: day, span });
  }
  const dayName = (day: Weekday) => t(locale, `day.${day}` as MessageKey);
  return runs
    .map(
      (run) =>
        `${dayName(run.from)}${run.from === run.to ? '' : `–${dayName(run.to)}`} ${run.span}`,
    )
    .join(' · ');
}
