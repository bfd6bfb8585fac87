/**
 * Paint: refinish of every painted component worked on (less the overlap between adjacent
 * refinished panels), blend into the painted panels next to them, and one clear-coat cycle.
 */
import { Decimal } from 'decimal.js';
import type { LaborCategory } from '../../machines/schemas.js';
import type { LabourOperation, Market, VehicleComponent } from '../catalog/schemas.js';
import { labourLine, type LineDraft } from './lines.js';
import { roundHours } from './money.js';
import type { Decision } from './operations.js';
import type { NameOf, Text } from './text.js';

/** A refinished panel as the overlap rule sees it: its id, neighbours and refinish hours. */
export interface OverlapPanel {
  id: string;
  adjacent_panels: readonly string[];
  hours: number;
}

/** The overlap hours deducted from one panel, and the panels (ids) they overlap with. */
export interface Deduction {
  hours: Decimal;
  with: string[];
}

/** A panel of the paint cycle (refinished or blended) with its paint hours. */
export interface PaintPanel {
  id: string;
  hours: Decimal;
  category: LaborCategory;
  confidence: number;
}

/** A decision to refinish, with the component's refinish labour. */
interface Refinish {
  decision: Decision;
  labour: LabourOperation;
}

/** The components to refinish: planned for refinish and with refinish hours on this vehicle. */
function refinished(decisions: readonly Decision[]): Refinish[] {
  const out: Refinish[] = [];
  for (const decision of decisions) {
    const labour = decision.vc.labour.refinish;
    if (decision.refinish && labour) out.push({ decision, labour });
  }
  return out;
}

/** Per adjacent pair of refinished panels, `overlapHours` off the one with fewer hours (later on a tie). */
export function overlapDeductions(
  panels: readonly OverlapPanel[],
  overlapHours: number,
): Map<string, Deduction> {
  const deductions = new Map<string, Deduction>();
  const overlap = new Decimal(overlapHours);
  for (let i = 0; i < panels.length; i++) {
    for (let j = i + 1; j < panels.length; j++) {
      const a = panels[i]!;
      const b = panels[j]!;
      const adjacent = a.adjacent_panels.includes(b.id) || b.adjacent_panels.includes(a.id);
      if (!adjacent || overlap.isZero()) continue;
      const smaller = b.hours <= a.hours ? b : a;
      const other = smaller === a ? b : a;
      const entry = deductions.get(smaller.id) ?? { hours: new Decimal(0), with: [] };
      entry.hours = entry.hours.plus(overlap);
      entry.with.push(other.id);
      deductions.set(smaller.id, entry);
    }
  }
  return deductions;
}

/** A refinished panel's hours: its refinish hours less the overlap deducted, never below 0. */
export function refinishHours(hours: number, deducted: Decimal.Value = 0): Decimal {
  return Decimal.max(0, roundHours(hours).minus(deducted));
}

/** Painted panels next to refinished ones and not refinished themselves, at the best confidence. */
export function blendTargets(
  panels: readonly { adjacent_panels: readonly string[]; confidence: number }[],
  refinishedIds: ReadonlySet<string>,
  byId: ReadonlyMap<string, VehicleComponent>,
): Map<string, { labour: LabourOperation; confidence: number }> {
  const blends = new Map<string, { labour: LabourOperation; confidence: number }>();
  for (const panel of panels) {
    for (const adjacent of panel.adjacent_panels) {
      const labour = byId.get(adjacent)?.labour.refinish;
      if (refinishedIds.has(adjacent) || !labour) continue;
      const confidence = Math.max(blends.get(adjacent)?.confidence ?? 0, panel.confidence);
      blends.set(adjacent, { labour, confidence });
    }
  }
  return blends;
}

/** Blend hours: the market's blend share of the panel's refinish hours. */
export function blendHours(refinishHours: number, blendShare: number): Decimal {
  return roundHours(new Decimal(refinishHours).times(blendShare));
}

/**
 * One clear-coat cycle: clear_coat_first of the largest panel's hours plus clear_coat_further
 * of every other's, capped at clear_coat_cap_hours; the largest is the first met on a tie.
 */
export function clearCoat<P extends { hours: Decimal }>(
  panels: readonly P[],
  paint: Market['paint'],
): { hours: Decimal; largest: P } | null {
  // Stable sort: on equal hours the panel met first stays first.
  const ordered = [...panels].sort((x, y) => y.hours.comparedTo(x.hours));
  const largest = ordered[0];
  if (!largest) return null;
  const raw = ordered.reduce(
    (sum, p, i) =>
      sum.plus(p.hours.times(i === 0 ? paint.clear_coat_first : paint.clear_coat_further)),
    new Decimal(0),
  );
  return { hours: roundHours(Decimal.min(raw, paint.clear_coat_cap_hours)), largest };
}

/** The refinish lines, then the blend lines, then the clear-coat line (when it has hours). */
export function paintLines(
  decisions: readonly Decision[],
  byId: ReadonlyMap<string, VehicleComponent>,
  market: Market,
  text: Text,
  nameOf: NameOf,
): LineDraft[] {
  const rates = market.labour_rates;
  const lines: LineDraft[] = [];
  const panels: PaintPanel[] = [];

  const painted = refinished(decisions).map(({ decision, labour }) => ({
    id: decision.canonical.id,
    adjacent_panels: decision.canonical.adjacent_panels,
    hours: labour.hours,
    category: labour.category,
    confidence: decision.damage.confidence,
  }));
  const deductions = overlapDeductions(painted, market.paint.overlap_deduction_hours);
  for (const p of painted) {
    const deduction = deductions.get(p.id);
    const hours = refinishHours(p.hours, deduction?.hours);
    const detail = deduction
      ? ` (${text.hours(roundHours(p.hours))} ${text.overlap(text.hours(deduction.hours), deduction.with.map(nameOf).join(', '))})`
      : '';
    const description = `${text.refinish}: ${nameOf(p.id)}${detail}`;
    const panel = { id: p.id, hours, category: p.category, confidence: p.confidence };
    lines.push(
      labourLine({ operation: 'refinish', component: p.id, description, ...panel }, rates),
    );
    panels.push(panel);
  }

  const blends = blendTargets(painted, new Set(painted.map((p) => p.id)), byId);
  for (const [id, { labour, confidence }] of blends) {
    const hours = blendHours(labour.hours, market.paint.blend_share);
    const description = `${text.blend}: ${nameOf(id)}`;
    const panel = { id, hours, category: labour.category, confidence };
    lines.push(labourLine({ operation: 'blend', component: id, description, ...panel }, rates));
    panels.push(panel);
  }

  const coat = clearCoat(panels, market.paint);
  if (coat && coat.hours.greaterThan(0)) {
    const description = `${text.clearCoat}: ${panels.length} ${text.panels}`;
    const confidence = Math.max(...panels.map((p) => p.confidence));
    const { id, category } = coat.largest;
    const work = { operation: 'refinish' as const, component: id, description, hours: coat.hours };
    lines.push(labourLine({ ...work, category, confidence }, rates));
  }
  return lines;
}
