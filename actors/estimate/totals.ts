/** Totals: labour by category at the market's rates, parts, and the amounts without a line. */
import { Decimal } from 'decimal.js';
import type {
  EstimateLine,
  LaborCategory,
  LaborLine,
  PartsRequirement,
} from '../../machines/schemas.js';
import type { Market } from '../catalog/schemas.js';
import { labourRate } from './lines.js';
import { money, roundMoney } from './money.js';

/** The order labour categories are listed in. */
export const LABOR_ORDER: readonly LaborCategory[] = ['body', 'paint', 'mechanical', 'electrical'];

/** The totals carried in `other_totals`, in their order there. */
export interface OtherTotals {
  paint_materials: Decimal;
  small_parts: Decimal;
  /** The A/C refrigerant charge (R-1234yf) of an evacuate & recharge; 0 without one. */
  ac_refrigerant: Decimal;
  adas_calibration: Decimal;
  wheel_alignment: Decimal;
}

/** Hours per category × its rate, rounded per category; categories without hours are left out. */
export function labourByCategory(
  lines: readonly EstimateLine[],
  rates: Market['labour_rates'],
): { labor: LaborLine[]; total: Decimal; hours: Decimal } {
  const labor: LaborLine[] = [];
  let total = new Decimal(0);
  let totalHours = new Decimal(0);
  for (const category of LABOR_ORDER) {
    const hours = lines
      .filter((l) => l.labor_category === category)
      .reduce((sum, l) => sum.plus(l.labor_hours), new Decimal(0));
    if (hours.isZero()) continue;
    const rate = labourRate(rates, category);
    const amount = roundMoney(hours.times(rate));
    labor.push({ category, hours: hours.toNumber(), rate: money(rate), amount: amount.toFixed(2) });
    total = total.plus(amount);
    totalHours = totalHours.plus(hours);
  }
  return { labor, total, hours: totalHours };
}

/** Paint hours for materials: every refinish and blend line, the clear coat included. */
export function paintHours(lines: readonly EstimateLine[]): Decimal {
  return lines
    .filter((l) => l.operation === 'refinish' || l.operation === 'blend')
    .reduce((sum, l) => sum.plus(l.labor_hours), new Decimal(0));
}

/** Σ unit price × quantity over the parts (unit prices are already whole cents). */
export function partsTotal(parts: readonly PartsRequirement[]): Decimal {
  return parts.reduce(
    (sum, p) => sum.plus(new Decimal(p.unit_price).times(p.quantity)),
    new Decimal(0),
  );
}

/**
 * Paint materials per paint hour and small parts as a share of parts, each rounded; the A/C
 * refrigerant (already rounded); plus sublets.
 */
export function otherTotals(
  market: Market,
  parts: Decimal,
  paint: Decimal,
  sublet: { adas: Decimal; alignment: Decimal },
  refrigerant: Decimal = new Decimal(0),
): OtherTotals {
  return {
    paint_materials: roundMoney(paint.times(market.paint_materials_per_hour)),
    small_parts: roundMoney(parts.times(market.small_parts_share)),
    ac_refrigerant: refrigerant,
    adas_calibration: sublet.adas,
    wheel_alignment: sublet.alignment,
  };
}

/** The sum of the other totals. */
export function sumOtherTotals(totals: OtherTotals): Decimal {
  return Object.values(totals).reduce<Decimal>((sum, v) => sum.plus(v), new Decimal(0));
}
