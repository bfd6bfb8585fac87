/**
 * Work a repair needs beyond the damaged component itself: R&I of the components in the way
 * (and of a component repaired off the car), ADAS calibration after a sensor's carrier is
 * replaced or removed, a wheel alignment, and the work a replacement brings with it (A/C
 * evacuate & recharge, tyre mount & balance).
 */
import { Decimal } from 'decimal.js';
import type { LabourOperation, Market, VehicleComponent } from '../catalog/schemas.js';
import { labourLine, subletLine, type LineDraft } from './lines.js';
import { roundHours, roundMoney } from './money.js';
import type { Decision } from './operations.js';
import type { NameOf, Text } from './text.js';

/** A component removed & installed for access to others. */
export interface Removal {
  /** Its R&I labour. */
  labour: LabourOperation;
  /** The best damage confidence of the components it gives access to. */
  confidence: number;
  /** The components it gives access to (canonical ids), in decision order. */
  for: string[];
}

/** A sensor to calibrate, on the component whose replace or R&I requires it. */
export interface Calibration {
  component: string;
  adas: NonNullable<VehicleComponent['adas']>;
  confidence: number;
}

const isWorkedOn = (d: Decision): boolean => d.plan === 'replace' || d.plan === 'repair';

/**
 * Components to R&I for replaced or repaired ones: removable and not being replaced
 * themselves; and a repaired component that is repaired off the car (remove_for_repair), for
 * itself. A removal is what triggers its ADAS calibration (adasCalibrations).
 */
export function removalsForAccess(
  decisions: readonly Decision[],
  byId: ReadonlyMap<string, VehicleComponent>,
): Map<string, Removal> {
  const replaced = new Set(
    decisions.filter((d) => d.plan === 'replace').map((d) => d.canonical.id),
  );
  const removed = new Map<string, Removal>();
  for (const d of decisions) {
    if (!isWorkedOn(d)) continue;
    const offCar = d.plan === 'repair' && d.vc.remove_for_repair ? [d.canonical.id] : [];
    for (const target of [...offCar, ...d.vc.access]) {
      const labour = byId.get(target)?.labour.remove_install;
      if (replaced.has(target) || !labour) continue;
      const entry = removed.get(target) ?? { labour, confidence: 0, for: [] };
      entry.confidence = Math.max(entry.confidence, d.damage.confidence);
      entry.for.push(d.canonical.id);
      removed.set(target, entry);
    }
  }
  return removed;
}

/** One R&I line per removal, naming the components it gives access to (or "for the repair"). */
export function removeInstallLines(
  removals: ReadonlyMap<string, Removal>,
  rates: Market['labour_rates'],
  text: Text,
  nameOf: NameOf,
): LineDraft[] {
  const reason = (target: string, for_: readonly string[]): string => {
    const others = for_.filter((id) => id !== target);
    const why = others.length ? [text.access(others.map(nameOf).join(', '))] : [];
    return (for_.includes(target) ? [text.forRepair, ...why] : why).join('; ');
  };
  return [...removals].map(([target, r]) =>
    labourLine(
      {
        operation: 'remove_install',
        component: target,
        description: `${text.remove_install}: ${nameOf(target)} (${reason(target, r.for)})`,
        hours: roundHours(r.labour.hours),
        category: r.labour.category,
        confidence: r.confidence,
      },
      rates,
    ),
  );
}

/** One calibration per sensor: replaced components first, then removed ones, first one wins. */
export function adasCalibrations(
  decisions: readonly Decision[],
  removals: ReadonlyMap<string, Removal>,
  byId: ReadonlyMap<string, VehicleComponent>,
): Calibration[] {
  const touched = [
    ...decisions
      .filter((d) => d.plan === 'replace')
      .map((d) => ({ id: d.canonical.id, confidence: d.damage.confidence })),
    ...[...removals].map(([id, r]) => ({ id, confidence: r.confidence })),
  ];
  const calibrations: Calibration[] = [];
  for (const t of touched) {
    const adas = byId.get(t.id)?.adas;
    if (!adas || calibrations.some((c) => c.adas === adas)) continue;
    calibrations.push({ component: t.id, adas, confidence: t.confidence });
  }
  return calibrations;
}

/** The first replaced or repaired component that requires a wheel alignment, if any. */
export function alignmentFor(decisions: readonly Decision[]): Decision | undefined {
  return decisions.find((d) => isWorkedOn(d) && d.vc.alignment);
}

/** The sublet lines (calibrations, then alignment) and their two totals. */
export function subletLines(
  calibrations: readonly Calibration[],
  alignment: Decision | undefined,
  prices: Market['sublet_prices'],
  text: Text,
): { lines: LineDraft[]; adas: Decimal; alignment: Decimal } {
  const lines: LineDraft[] = [];
  let adas = new Decimal(0);
  for (const c of calibrations) {
    const price =
      prices[c.adas === 'front_radar' ? 'front_radar_calibration' : 'front_camera_calibration'];
    lines.push(subletLine(c.component, `${text.sublet}: ${text[c.adas]}`, price, c.confidence));
    adas = adas.plus(roundMoney(price));
  }
  let alignmentTotal = new Decimal(0);
  if (alignment) {
    const price = prices.wheel_alignment;
    const description = `${text.sublet}: ${text.alignment}`;
    lines.push(subletLine(alignment.canonical.id, description, price, alignment.damage.confidence));
    alignmentTotal = roundMoney(price);
  }
  return { lines, adas, alignment: alignmentTotal };
}

/** The lines a replacement brings with it, and the refrigerant charged as a material. */
export interface FollowUps {
  lines: LineDraft[];
  refrigerant: Decimal;
}

/**
 * Per replaced component, the work its on_replace names, at the market's hours: tyre mount &
 * balance for each new wheel; one A/C evacuate & recharge (R-1234yf) however many components
 * open the circuit, with one refrigerant charge as a material. Both are "service" lines: the
 * work that completes the replacement.
 */
export function followUpLines(
  decisions: readonly Decision[],
  market: Market,
  text: Text,
  nameOf: NameOf,
): FollowUps {
  const lines: LineDraft[] = [];
  let refrigerant = new Decimal(0);
  let recharged = false;
  for (const d of decisions) {
    if (d.plan !== 'replace') continue;
    for (const op of d.vc.on_replace) {
      if (op === 'ac_evacuate_recharge' && recharged) continue;
      const { labour } = market.follow_up[op];
      const work = {
        operation: 'service' as const,
        component: d.canonical.id,
        description: `${text[op]}: ${nameOf(d.canonical.id)}`,
        hours: roundHours(labour.hours),
        category: labour.category,
        confidence: d.damage.confidence,
      };
      lines.push(labourLine(work, market.labour_rates));
      if (op === 'ac_evacuate_recharge') {
        recharged = true;
        refrigerant = roundMoney(market.follow_up.ac_evacuate_recharge.refrigerant);
      }
    }
  }
  return { lines, refrigerant };
}
