/**
 * The estimator: a damage report, a vehicle's parts ontology and a market's rates become a
 * RepairEstimate. Pure: no I/O, no clock (the caller passes `now`), no randomness, so the
 * same crash always prices the same and tests can assert exact amounts.
 *
 * Rules (DOMAIN.md "What a serious estimate contains"); the choices DOMAIN.md left open are
 * marked "chosen":
 * - Replace vs repair: destroyed → replace; replace-only components (lamps, glass, airbags,
 *   radiators, chassis parts) → replace; impact ≥ thresholds.replace_from → replace, below it
 *   repair for `repair.hours × level`. Scratch: never replaces a repairable panel; at or above
 *   thresholds.scratch_repair_from a light repair (`repair.hours × level × scratch_repair_factor`),
 *   below it refinish only. A scratch on a replace-only part is replaced only from replace_from
 *   on, else left as cosmetic with a note. Below thresholds.ignore_below nothing is done.
 * - Refinish every painted component that is replaced, repaired or scratched.
 * - Blend into each adjacent painted panel that is not itself refinished:
 *   paint.blend_share (50%) of that panel's refinish hours, once per panel.
 * - Overlap (chosen): for each pair of adjacent panels both refinished, deduct
 *   paint.overlap_deduction_hours (0.2 h) once, from the pair's panel with fewer refinish hours
 *   (the later one on a tie); shown in that panel's refinish line, never below 0.
 * - Clear coat (chosen: one paint cycle per estimate, blend panels included at their blend
 *   hours): +40% of the largest panel's paint hours, +20% of each further panel's, capped at
 *   2.5 h; one refinish line on the largest panel.
 * - R&I of the components listed in `access` (bumper for grille, lamps, beam, radiator; wheel
 *   for suspension) when a replaced or repaired component needs them and they are not replaced.
 * - Sublet: a component with `adas` that is replaced or removed → that sensor's calibration;
 *   a replaced or repaired component with `alignment` → one wheel alignment.
 * - Paint materials per paint hour (refinish, blend, clear coat); small parts = share of parts.
 * - Tax (chosen): the "parts" base is parts + small parts, the "services" base is labour +
 *   paint materials + sublet. Brazil's ICMS and ISS are "por dentro": the rate applies to the
 *   tax-included amount, so tax contained = base × rate, exactly like German VAT on the net
 *   base; the difference is only whether it is added to the grand total.
 * - Total loss (chosen): grand total (gross in both markets) ≥ vehicle value × threshold.
 * - Duration: labour hours in workshop days (market hours per day) plus the parts lead time
 *   whenever parts are needed (stock is unknown here), as an ISO-8601 duration whose days are
 *   working days.
 * Money is rounded half-up to the cent where each amount is made, so every total is an exact
 * sum of what the estimate shows; hours are rounded to 0.01 h (VW's ZE).
 *
 * Modules, in the order estimateRepair uses them: operations.ts (replace/repair/refinish per
 * component, replace and repair lines), access.ts (R&I, ADAS and alignment sublets), paint.ts
 * (refinish, overlap, blend, clear coat), lines.ts (line building and numbering), totals.ts
 * (labour by category, parts, paint materials, small parts), taxes.ts, total-loss.ts,
 * duration.ts; money.ts (rounding) and text.ts (descriptions and notes per locale).
 */
import type { DamageReport, RepairEstimate } from '../../machines/schemas.js';
import type { Component, Market, Vehicle, VehicleComponent } from '../catalog/schemas.js';
import {
  adasCalibrations,
  alignmentFor,
  removalsForAccess,
  removeInstallLines,
  subletLines,
} from './access.js';
import { isoDuration, partsLeadDays, validUntil } from './duration.js';
import { numberLines } from './lines.js';
import { money } from './money.js';
import { chooseOperations, replaceAndRepairLines } from './operations.js';
import { paintLines } from './paint.js';
import { approximateTaxes, grandTotal, taxBases, taxLines, taxTotal } from './taxes.js';
import { TEXT } from './text.js';
import { totalLoss } from './total-loss.js';
import { labourByCategory, otherTotals, paintHours, partsTotal, sumOtherTotals } from './totals.js';

export { isoDuration } from './duration.js';
export { OPERATION_CONFIDENCE } from './lines.js';
export { money, roundHours, roundMoney } from './money.js';

export interface EstimateInput {
  damage: DamageReport;
  vehicle: Vehicle;
  market: Market;
  /** Canonical components (catalog.components). */
  components: ReadonlyMap<string, Component>;
  estimate_id: string;
  now: Date;
  /** Working days until the parts are on site (a dealer's parts plan); without it, the
   *  market's lead time whenever parts are needed (stock unknown). */
  lead_days?: number;
}

/** The vehicle's components keyed by canonical id (a later assembly wins on a repeat). */
function componentsById(vehicle: Vehicle): Map<string, VehicleComponent> {
  const byId = new Map<string, VehicleComponent>();
  for (const assembly of vehicle.assemblies)
    for (const c of assembly.components) byId.set(c.component, c);
  return byId;
}

/** Builds the repair estimate for one damage report in one market. Never throws on unknown components. */
export function estimateRepair({
  damage,
  vehicle,
  market,
  components,
  estimate_id,
  now,
  lead_days,
}: EstimateInput): RepairEstimate {
  const locale = market.locale;
  const text = TEXT[locale];
  const byId = componentsById(vehicle);
  const nameOf = (id: string): string => components.get(id)?.name[locale] ?? id;
  const notes: string[] = [text.illustrative];
  if (damage.vehicle_model !== vehicle.id)
    notes.push(text.otherModel(damage.vehicle_model, vehicle.id));

  // ---- which operation each damaged component needs
  const chosen = chooseOperations(
    damage.components,
    components,
    byId,
    market.thresholds,
    text,
    nameOf,
  );
  const decisions = chosen.decisions;
  notes.push(...chosen.notes);

  // ---- lines: replace and repair, R&I for access, paint, sublet
  const removals = removalsForAccess(decisions, byId);
  const sublet = subletLines(
    adasCalibrations(decisions, removals, byId),
    alignmentFor(decisions),
    market.sublet_prices,
    text,
  );
  const { lines, parts } = numberLines([
    ...replaceAndRepairLines(decisions, market, text, nameOf),
    ...removeInstallLines(removals, market.labour_rates, text, nameOf),
    ...paintLines(decisions, byId, market, text, nameOf),
    ...sublet.lines,
  ]);

  // ---- totals
  const labour = labourByCategory(lines, market.labour_rates);
  const partsSum = partsTotal(parts);
  const others = otherTotals(market, partsSum, paintHours(lines), sublet);

  // ---- tax
  const bases = taxBases({
    parts: partsSum,
    smallParts: others.small_parts,
    labour: labour.total,
    paintMaterials: others.paint_materials,
    adas: others.adas_calibration,
    alignment: others.wheel_alignment,
  });
  const tax_lines = taxLines(market.taxes, bases, market.prices_include_tax);
  const tax = taxTotal(tax_lines);
  if (market.prices_include_tax) notes.push(text.taxIncluded);
  const net = partsSum.plus(labour.total).plus(sumOtherTotals(others));
  const grand = grandTotal(net, tax, market.prices_include_tax);
  const approximate = market.approximate_taxes
    ? approximateTaxes(market.approximate_taxes, bases, grand)
    : null;

  // ---- total loss
  const loss = totalLoss(
    grand,
    vehicle.vehicle_value[market.currency],
    market.total_loss.threshold,
  );
  if (loss.summary.is_total_loss) {
    notes.push(text.totalLoss(loss.percent));
    notes.push(market.total_loss.note[locale]);
  }

  // ---- duration
  const leadDays = lead_days ?? partsLeadDays(parts.length, market.parts_lead_time_days);
  if (leadDays > 0) notes.push(text.lead(leadDays));

  return {
    estimate_id,
    version: 1,
    vehicle_model: vehicle.id,
    vehicle_name: vehicle.name,
    damage_report_id: damage.damage_id,
    session_id: damage.session_id,
    market: market.id,
    dealer_id: null,
    currency: market.currency,
    prices_include_tax: market.prices_include_tax,
    created_at: now.toISOString(),
    valid_until: validUntil(now, market.estimate_validity_days).toISOString(),
    lines,
    parts,
    labor: labour.labor,
    labor_total: money(labour.total),
    parts_total: money(partsSum),
    other_totals: Object.fromEntries(Object.entries(others).map(([k, v]) => [k, money(v)])),
    tax: money(tax),
    tax_lines,
    approximate_taxes: approximate,
    grand_total: money(grand),
    estimated_duration: isoDuration(labour.hours, market.workshop_hours_per_day, leadDays),
    total_loss: loss.summary,
    notes,
  };
}
