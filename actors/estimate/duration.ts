/** Time: the repair's duration in working days plus parts lead time, and the estimate's validity. */
import { Decimal } from 'decimal.js';

const DAY_MS = 86_400_000;

/** The market's lead time whenever any part is needed (stock is unknown here), else 0. */
export function partsLeadDays(partCount: number, marketLeadDays: number): number {
  return partCount > 0 ? marketLeadDays : 0;
}

/** Workshop hours as working days of `hoursPerDay` plus lead days, e.g. 10.5 h at 8 h/day + 2 → "P3DT2H30M".
 *  Hours round up to the next half hour, as a workshop plans (9.12 h → 9.5 h). */
export function isoDuration(hours: Decimal.Value, hoursPerDay: number, leadDays: number): string {
  const minutes = new Decimal(hours)
    .times(2)
    .toDecimalPlaces(0, Decimal.ROUND_CEIL)
    .times(30)
    .toNumber();
  const perDay = Math.round(hoursPerDay * 60);
  const days = Math.floor(minutes / perDay) + leadDays;
  const rest = minutes % perDay;
  const h = Math.floor(rest / 60);
  const m = rest % 60;
  const time = h || m ? `T${h ? `${h}H` : ''}${m ? `${m}M` : ''}` : '';
  return days || time ? `P${days ? `${days}D` : ''}${time}` : 'P0D';
}

/** The moment an estimate made at `now` stops being valid: `days` calendar days later. */
export function validUntil(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}
