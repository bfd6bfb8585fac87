/**
 * What a dealer's parts plan means, in words: "3 de 5 peças aqui · 2 por courier de Vila
 * Mariana · todas aqui quinta-feira". Pure: the counts, senders and dates are the server's
 * (DealerAvailability, PartsPlan); this only says them, days relative to `now` in São Paulo.
 */
import type { DealerAvailability, Locale, PartsPlan, PlanShipment } from '../machines/schemas.js';
import { dayKey, formatShortDay, formatTime } from './format.js';
import { t, tCount } from './i18n.js';

const DAY_MS = 86_400_000;

/** Whole São Paulo calendar days from `now` to `iso` (0 today, 1 tomorrow, negative before). */
export function daysFrom(now: Date, iso: string): number {
  const utcOf = (key: string) => Date.parse(`${key}T00:00:00Z`);
  return Math.round((utcOf(dayKey(iso)) - utcOf(dayKey(now.toISOString()))) / DAY_MS);
}

/**
 * A day as people say it: "hoje", "amanhã", the weekday within the week ahead
 * ("quinta-feira"), else the short date ("seg., 15 de dez."). A day already past is today:
 * whatever was due then is here now.
 */
export function relativeDay(iso: string, locale: Locale, now: Date): string {
  const days = daysFrom(now, iso);
  if (days <= 0) return t(locale, 'day.today');
  if (days === 1) return t(locale, 'day.tomorrow');
  if (days < 7) {
    return new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'pt-BR', {
      timeZone: 'America/Sao_Paulo',
      weekday: 'long',
    }).format(new Date(iso));
  }
  return formatShortDay(iso, locale);
}

/** A day and clock time as people say it: "amanhã 09:30", "quinta-feira 14:00". */
export function relativeDayTime(iso: string, locale: Locale, now: Date): string {
  return `${relativeDay(iso, locale, now)} ${formatTime(iso, locale)}`;
}

/**
 * "todas aqui quinta-feira" / "all here Thursday": when the last part reaches the dealer (not
 * when the car is ready: the repair takes its own time after that).
 */
export function readyWords(readyDate: string, locale: Locale, now: Date): string {
  return t(locale, 'parts.ready', { day: relativeDay(readyDate, locale, now) });
}

/** "3 de 5 peças aqui", "Todas as 5 peças aqui", "Nenhuma das 2 peças aqui". */
export function heldWords(held: number, total: number, locale: Locale): string {
  if (held >= total) return tCount(locale, 'parts.allHere', total);
  if (held === 0) return tCount(locale, 'parts.noneHere', total);
  return t(locale, 'parts.someHere', { held, n: total });
}

/** "2 por courier de Vila Mariana e 1 de Santana" (null without couriers). */
export function courierWords(
  senders: readonly { district: string; count: number }[],
  locale: Locale,
): string | null {
  if (senders.length === 0) return null;
  const [first, ...rest] = senders;
  const words = [
    t(locale, 'parts.courier', { n: first!.count, from: first!.district }),
    ...rest.map((s) => t(locale, 'parts.courierMore', { n: s.count, from: s.district })),
  ];
  return words.length === 1
    ? words[0]!
    : `${words.slice(0, -1).join(', ')}${t(locale, 'parts.and')}${words.at(-1)}`;
}

/**
 * A dealer card's parts sentence, as its pieces (the card joins them with " · "): what is on
 * the shelf, what comes by courier and from where, what comes from the parts centre, and
 * when everything is there. An estimate without parts says so and nothing more.
 */
export function availabilityWords(
  availability: DealerAvailability,
  locale: Locale,
  now: Date,
): string[] {
  if (availability.parts_count === 0) return [t(locale, 'parts.none')];
  const words = [heldWords(availability.held.length, availability.parts_count, locale)];
  const courier = courierWords(availability.by_courier, locale);
  if (courier) words.push(courier);
  if (availability.from_parts_centre > 0)
    words.push(t(locale, 'parts.centre', { n: availability.from_parts_centre }));
  // "All 5 parts here" already says when: now.
  if (availability.held.length < availability.parts_count)
    words.push(readyWords(availability.ready_date, locale, now));
  return words;
}

/** "primeiro horário amanhã 08:00" / "first slot tomorrow 08:00"; none within 30 days. */
export function earliestWords(earliest: string | null, locale: Locale, now: Date): string {
  return earliest === null
    ? t(locale, 'parts.noEarliest')
    : t(locale, 'parts.earliest', { when: relativeDayTime(earliest, locale, now) });
}

/** One shipment of a plan: "2 peças por courier de Vila Mariana" or "1 peça do centro de peças VW". */
export function shipmentWords(shipment: PlanShipment, locale: Locale): string {
  const n = shipment.part_numbers.length;
  return shipment.source.kind === 'parts_centre'
    ? t(locale, 'parts.centre', { n })
    : t(locale, 'parts.courier', { n, from: shipment.from_district ?? shipment.from_name });
}

/** The plan's parts on the dealer's own shelf (part numbers, as the availability counts them). */
export function ownParts(plan: PartsPlan): number {
  return new Set(plan.lines.filter((l) => l.source.kind === 'own').map((l) => l.part_number)).size;
}

/** Every part number in the plan. */
export function planParts(plan: PartsPlan): number {
  return new Set(plan.lines.map((l) => l.part_number)).size;
}

/** Where one line of a plan comes from, in words: "na concessionária", "courier de Vila Mariana". */
export function lineSourceWords(
  line: PartsPlan['lines'][number],
  plan: PartsPlan,
  locale: Locale,
): string {
  if (line.source.kind === 'own') return t(locale, 'parts.fromOwn');
  if (line.source.kind === 'parts_centre') return t(locale, 'parts.fromCentre');
  const dealerId = line.source.dealer_id;
  const shipment = plan.shipments.find(
    (s) => s.source.kind === 'dealer' && s.source.dealer_id === dealerId,
  );
  return t(locale, 'parts.fromCourier', {
    from: shipment ? (shipment.from_district ?? shipment.from_name) : dealerId,
  });
}
