/**
 * Which operation each damaged component needs (replace, repair, check and measure, refinish
 * only or none), and the replace, repair and check lines that follow from it.
 */
import { Decimal } from 'decimal.js';
import type { ComponentDamage } from '../../machines/schemas.js';
import type { Component, Market, VehicleComponent } from '../catalog/schemas.js';
import { labourLine, labourRate, lineConfidence, type LineDraft, type PartLine } from './lines.js';
import { money, roundHours, roundMoney } from './money.js';
import type { NameOf, Text } from './text.js';

/** check: a non-repairable mechanical part hit lightly is checked and measured, not replaced. */
export type Plan = 'replace' | 'repair' | 'check' | 'refinish_only' | 'none';

/** What the estimate does to one damaged component of the vehicle. */
export interface Decision {
  damage: ComponentDamage;
  canonical: Component;
  vc: VehicleComponent;
  plan: Plan;
  repairHours: Decimal;
  refinish: boolean;
}

/** A plan for one damage, and the note it raises when nothing is done. */
export interface PlanChoice {
  plan: Plan;
  repairHours: Decimal;
  note: 'ignored' | 'cosmetic' | null;
}

/** Orders damages to one component: destroyed first, then level, impact before scratch on a tie. */
export function damageRank(d: ComponentDamage): number {
  return (
    (d.damage_type === 'destroyed' ? 10 : 0) +
    d.damage_level +
    (d.damage_type === 'impact' ? 1e-9 : 0)
  );
}

/** The worst damage per known component, in first-reported order; notes unknown and duplicates. */
export function worstDamagePerComponent(
  damaged: readonly ComponentDamage[],
  isKnown: (component: string) => boolean,
  text: Text,
): { worst: ComponentDamage[]; notes: string[] } {
  const notes: string[] = [];
  const worst = new Map<string, ComponentDamage>();
  for (const d of damaged) {
    if (!isKnown(d.component_name)) {
      notes.push(text.unknown(d.component_name));
      continue;
    }
    const earlier = worst.get(d.component_name);
    if (earlier) {
      notes.push(text.duplicate(d.component_name));
      if (damageRank(d) <= damageRank(earlier)) continue;
    }
    worst.set(d.component_name, d);
  }
  return { worst: [...worst.values()], notes };
}

/** A part that cannot be repaired and is fitted by a mechanic (chassis, wheels, cooling). */
export function isMechanicalReplaceOnly(vc: VehicleComponent): boolean {
  return !vc.repairable && vc.labour.replace.category === 'mechanical';
}

/**
 * Replace, repair (with its hours, at least 0.01 h), check and measure, refinish only or
 * nothing, by the thresholds. An impact on a non-repairable mechanical part below
 * mechanical_replace_from is checked and measured: a 6 % knock does not condemn a steering rack.
 */
export function choosePlan(
  damage: ComponentDamage,
  painted: boolean,
  vc: VehicleComponent,
  t: Market['thresholds'],
): PlanChoice {
  const level = damage.damage_level;
  const repairMax = vc.repairable && vc.labour.repair ? vc.labour.repair.hours : null;
  let plan: Plan;
  let repairHours = new Decimal(0);
  let note: PlanChoice['note'] = null;
  if (damage.damage_type === 'destroyed') {
    plan = 'replace';
  } else if (level < t.ignore_below) {
    plan = 'none';
    note = 'ignored';
  } else if (damage.damage_type === 'impact') {
    if (isMechanicalReplaceOnly(vc) && level < t.mechanical_replace_from) plan = 'check';
    else if (repairMax === null || level >= t.replace_from) plan = 'replace';
    else {
      plan = 'repair';
      repairHours = roundHours(new Decimal(repairMax).times(level));
    }
  } else if (repairMax !== null) {
    // scratch on a repairable component
    if (level >= t.scratch_repair_from) {
      plan = 'repair';
      repairHours = roundHours(new Decimal(repairMax).times(level).times(t.scratch_repair_factor));
    } else if (painted) plan = 'refinish_only';
    else {
      plan = 'none';
      note = 'cosmetic';
    }
  } else if (level >= t.replace_from) {
    plan = 'replace';
  } else if (painted) {
    plan = 'refinish_only';
  } else {
    plan = 'none';
    note = 'cosmetic';
  }
  if (plan === 'repair' && repairHours.isZero()) repairHours = new Decimal(0.01);
  return { plan, repairHours, note };
}

/** One decision per known damaged component, with the notes the choice raises, in order. */
export function chooseOperations(
  damaged: readonly ComponentDamage[],
  components: ReadonlyMap<string, Component>,
  byId: ReadonlyMap<string, VehicleComponent>,
  thresholds: Market['thresholds'],
  text: Text,
  nameOf: NameOf,
): { decisions: Decision[]; notes: string[] } {
  const isKnown = (id: string): boolean => components.has(id) && byId.has(id);
  const { worst, notes } = worstDamagePerComponent(damaged, isKnown, text);
  const decisions: Decision[] = [];
  for (const damage of worst) {
    const canonical = components.get(damage.component_name);
    const vc = byId.get(damage.component_name);
    if (!canonical || !vc) continue; // unreachable: worstDamagePerComponent kept known ones only
    const { plan, repairHours, note } = choosePlan(damage, canonical.painted, vc, thresholds);
    if (note) notes.push(text[note](nameOf(canonical.id)));
    decisions.push({
      damage,
      canonical,
      vc,
      plan,
      repairHours,
      refinish: canonical.painted && plan !== 'none' && plan !== 'check',
    });
  }
  return { decisions, notes };
}

/** One line per part of a replaced component; the replace hours go on its first part's line. */
export function replaceLines(d: Decision, market: Market, text: Text): PartLine[] {
  const locale = market.locale;
  const labour = d.vc.labour.replace;
  const confidence = lineConfidence(d.damage.confidence, 'replace');
  return d.vc.parts.map((part, i) => {
    const unit = roundMoney(part.price[market.currency]);
    const hours = i === 0 ? roundHours(labour.hours) : new Decimal(0);
    const labourAmount = roundMoney(hours.times(labourRate(market.labour_rates, labour.category)));
    return {
      line: {
        operation: 'replace',
        component_name: d.canonical.id,
        description: `${text.replace}: ${part.name[locale]}`,
        part_number: part.part_number,
        quantity: part.quantity,
        unit_price: unit.toFixed(2),
        labor_hours: hours.toNumber(),
        labor_category: labour.category,
        amount: money(unit.times(part.quantity).plus(labourAmount)),
        confidence,
      },
      part: {
        part_number: part.part_number,
        part_name: part.name[locale],
        component_name: d.canonical.id,
        quantity: part.quantity,
        unit_price: unit.toFixed(2),
        category: part.category,
        labor_hours: hours.toNumber(),
        confidence,
        illustrative: true,
      },
    };
  });
}

/** The replace, repair and check lines of the decisions, in decision order. A check is labour
 *  on the component, no part. */
export function replaceAndRepairLines(
  decisions: readonly Decision[],
  market: Market,
  text: Text,
  nameOf: NameOf,
): (LineDraft | PartLine)[] {
  const entries: (LineDraft | PartLine)[] = [];
  for (const d of decisions) {
    if (d.plan === 'replace') {
      entries.push(...replaceLines(d, market, text));
    } else if (d.plan === 'repair' && d.vc.labour.repair) {
      const work = {
        operation: 'repair' as const,
        component: d.canonical.id,
        description: `${text.repair}: ${nameOf(d.canonical.id)}`,
        hours: d.repairHours,
        category: d.vc.labour.repair.category,
        confidence: d.damage.confidence,
      };
      entries.push(labourLine(work, market.labour_rates));
    } else if (d.plan === 'check') {
      const work = {
        operation: 'check' as const,
        component: d.canonical.id,
        description: `${text.check}: ${nameOf(d.canonical.id)}`,
        hours: roundHours(market.check_measure.hours),
        category: market.check_measure.category,
        confidence: d.damage.confidence,
      };
      entries.push(labourLine(work, market.labour_rates));
    }
  }
  return entries;
}
