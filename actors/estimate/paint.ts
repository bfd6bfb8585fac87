/**
 * Paint: refinish of every painted component worked on (the largest in full, every further
 * one less the market's overlap), blend into the panels the market lets it blend into (none
 * for a light-scratch refinish), and one clear-coat cycle.
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

/**
 * The overlap rule of the estimating guides: the largest refinished panel (the first met on a
 * tie) is paid in full; every further one loses `adjacent_hours` when it touches another
 * refinished panel (either side may list the adjacency), else `non_adjacent_hours`. A panel
 * with nothing deducted has no entry; `with` names the refinished panels it touches.
 */
export function overlapDeductions(
  panels: readonly OverlapPanel[],
  overlap: Market['paint']['overlap'],
): Map<string, Deduction> {
  const deductions = new Map<string, Deduction>();
  const first = panels.reduce<OverlapPanel | undefined>(
    (best, p) => (!best || p.hours > best.hours ? p : best),
    undefined,
  );
  for (const panel of panels) {
    if (panel === first) continue;
    const touching = panels
      .filter(
        (other) =>
          other !== panel &&
          (panel.adjacent_panels.includes(other.id) || other.adjacent_panels.includes(panel.id)),
      )
      .map((other) => other.id);
    const hours = new Decimal(
      touching.length ? overlap.adjacent_hours : overlap.non_adjacent_hours,
    );
    if (!hours.isZero()) deductions.set(panel.id, { hours, with: touching });
  }
  return deductions;
}

/** A refinished panel's hours: its refinish hours less the overlap deducted, never below 0. */
export function refinishHours(hours: number, deducted: Decimal.Value = 0): Decimal {
  return Decimal.max(0, roundHours(hours).minus(deducted));
}

/**
 * The panels the refinished ones blend into (the market's blend.into), when painted on this
 * vehicle and not refinished themselves; once each, at the best confidence of the panels
 * blending into it.
 */
export function blendTargets(
  panels: readonly { id: string; confidence: number }[],
  into: Market['paint']['blend']['into'],
  refinishedIds: ReadonlySet<string>,
  byId: ReadonlyMap<string, VehicleComponent>,
): Map<string, { labour: LabourOperation; confidence: number }> {
  const blends = new Map<string, { labour: LabourOperation; confidence: number }>();
  for (const panel of panels) {
    for (const target of into[panel.id] ?? []) {
      const labour = byId.get(target)?.labour.refinish;
      if (refinishedIds.has(target) || !labour) continue;
      const confidence = Math.max(blends.get(target)?.confidence ?? 0, panel.confidence);
      blends.set(target, { labour, confidence });
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

/** The overlap part of a refinish line's description. */
function overlapText(deduction: Deduction, text: Text, nameOf: NameOf): string {
  const hours = text.hours(deduction.hours);
  return deduction.with.length
    ? text.overlap(hours, deduction.with.map(nameOf).join(', '))
    : text.overlapApart(hours);
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
    plan: decision.plan,
  }));
  const deductions = overlapDeductions(painted, market.paint.overlap);
  for (const p of painted) {
    const deduction = deductions.get(p.id);
    const hours = refinishHours(p.hours, deduction?.hours);
    const detail = deduction
      ? ` (${text.hours(roundHours(p.hours))} ${overlapText(deduction, text, nameOf)})`
      : '';
    const description = `${text.refinish}: ${nameOf(p.id)}${detail}`;
    const panel = { id: p.id, hours, category: p.category, confidence: p.confidence };
    lines.push(
      labourLine({ operation: 'refinish', component: p.id, description, ...panel }, rates),
    );
    panels.push(panel);
  }

  const { blend } = market.paint;
  // A light-scratch refinish (no repair, no replace) blends into nothing unless the market says so.
  const blending = painted.filter((p) => blend.refinish_only || p.plan !== 'refinish_only');
  const blends = blendTargets(blending, blend.into, new Set(painted.map((p) => p.id)), byId);
  for (const [id, { labour, confidence }] of blends) {
    const hours = blendHours(labour.hours, blend.share);
    const description = `${text.blend}: ${nameOf(id)}`;
    const panel = { id, hours, category: labour.category, confidence };
    lines.push(labourLine({ operation: 'blend', component: id, description, ...panel }, rates));
    panels.push(panel);
  }

  const coat = clearCoat(panels, market.paint);
  if (coat && coat.hours.greaterThan(0)) {
    // Panels left with no hours (overlap took them all) are not counted.
    const counted = panels.filter((p) => p.hours.greaterThan(0)).length;
    const description = `${text.clearCoat}: ${counted} ${text.panels}`;
    const confidence = Math.max(...panels.map((p) => p.confidence));
    const { id, category } = coat.largest;
    const work = { operation: 'refinish' as const, component: id, description, hours: coat.hours };
    lines.push(labourLine({ ...work, category, confidence }, rates));
  }
  return lines;
}
