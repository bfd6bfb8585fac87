/**
 * The estimator: a damage report, a vehicle's parts ontology and a market's rates become a
 * RepairEstimate. Pure: no I/O, no clock (the caller passes `now`), no randomness, so the
 * same crash always prices the same and tests can assert exact amounts.
 *
 * Rules (DOMAIN.md "What a serious estimate contains"); the choices DOMAIN.md left open are
 * marked "chosen":
 * - Replace vs repair: destroyed → replace; replace-only components (lamps, glass, airbags,
 *   radiators, chassis parts) → replace, except that an impact on a non-repairable mechanical
 *   part (replace category mechanical) below thresholds.mechanical_replace_from gets a
 *   check-and-measure line (market check_measure, booked as a "repair" line); impact ≥
 *   thresholds.replace_from → replace, below it repair for `repair.hours × level`. Scratch: never replaces a repairable panel; at or above
 *   thresholds.scratch_repair_from a light repair (`repair.hours × level × scratch_repair_factor`),
 *   below it refinish only. A scratch on a replace-only part is replaced only from replace_from
 *   on, else left as cosmetic with a note. Below thresholds.ignore_below nothing is done.
 * - Refinish every painted component that is replaced, repaired or scratched.
 * - Blend (market paint.blend): a replaced or repaired panel blends into the panels
 *   paint.blend.into lists for it (at most its neighbours in the same plane; bumpers none)
 *   that are not refinished themselves, at blend.share (50%) of that panel's refinish hours,
 *   once per panel; a light-scratch refinish blends into nothing (blend.refinish_only false).
 * - Overlap (market paint.overlap, the estimating guides' rule): the largest refinished panel
 *   in full; each further one − adjacent_hours (0.4 h) when it touches another refinished
 *   panel, else − non_adjacent_hours (0.2 h); shown in its refinish line, never below 0.
 * - Clear coat (chosen: one paint cycle per estimate, blend panels included at their blend
 *   hours): +40% of the largest panel's paint hours, +20% of each further panel's, capped at
 *   2.5 h; one refinish line on the largest panel.
 * - R&I of the components listed in `access` (bumper for grille, lamps, beam, radiator; wheel
 *   for suspension) when a replaced or repaired component needs them and they are not replaced;
 *   and of a repaired component with `remove_for_repair` (the front bumper) itself.
 * - Follow-up work of a replacement (`on_replace`, priced by market follow_up): tyre mount &
 *   balance per new wheel; one A/C evacuate & recharge (R-1234yf) for a new condenser, its
 *   refrigerant as other_totals.ac_refrigerant. Booked as "replace" lines.
 * - Sublet: a component with `adas` that is replaced or removed → that sensor's calibration;
 *   a replaced or repaired component with `alignment` (chassis parts, wheels) → one alignment.
 * - Paint materials per paint hour (refinish, blend, clear coat); small parts = share of parts.
 * - Tax (chosen): the "parts" base is parts + small parts, the "services" base is labour +
 *   paint materials + A/C refrigerant + sublet. Brazil's ICMS and ISS are "por dentro": the rate applies to the
 *   tax-included amount, so tax contained = base × rate, exactly like German VAT on the net
 *   base; the difference is only whether it is added to the grand total.
 * - Total loss: grand total (gross in both markets) against vehicle value × threshold, at or
 *   above it (Brazil) or above it (Germany), as market total_loss.rule says.
 * - Orçamento (consumer code art. 40): the market's payment terms, validity, and the start and
 *   finish dates when a dealer's schedule is given.
 * - Duration: labour hours in workshop days (market hours per day) plus the parts lead time
 *   whenever parts are needed (stock is unknown here), as an ISO-8601 duration whose days are
 *   working days.
 * Money is rounded half-up to the cent where each amount is made, so every total is an exact
 * sum of what the estimate shows; hours are rounded to 0.01 h (VW's ZE).
 *
 * Modules, in the order estimateRepair uses them: operations.ts (replace/repair/refinish per
 * component, replace, repair and check lines), access.ts (R&I, follow-ups, ADAS and alignment
 * sublets), paint.ts
 * (refinish, overlap, blend, clear coat), lines.ts (line building and numbering), totals.ts
 * (labour by category, parts, paint materials, small parts), taxes.ts, total-loss.ts,
 * duration.ts; money.ts (rounding) and text.ts (descriptions and notes per locale).
 */
import type { DamageReport, RepairEstimate } from '../../machines/schemas.js';
import type { Component, Market, Vehicle, VehicleComponent } from '../catalog/schemas.js';
import {
  adasCalibrations,
  alignmentFor,
  followUpLines,
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
  /** When a dealer can start the repair and finish it (its parts plan and calendar). */
  schedule?: { start: Date; finish: Date };
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
  schedule,
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
  const followUps = followUpLines(decisions, market, text, nameOf);
  const { lines, parts } = numberLines([
    ...replaceAndRepairLines(decisions, market, text, nameOf),
    ...removeInstallLines(removals, market.labour_rates, text, nameOf),
    ...followUps.lines,
    ...paintLines(decisions, byId, market, text, nameOf),
    ...sublet.lines,
  ]);

  // ---- totals
  const labour = labourByCategory(lines, market.labour_rates);
  const partsSum = partsTotal(parts);
  const others = otherTotals(market, partsSum, paintHours(lines), sublet, followUps.refrigerant);

  // ---- tax
  const bases = taxBases({
    parts: partsSum,
    smallParts: others.small_parts,
    labour: labour.total,
    paintMaterials: others.paint_materials,
    refrigerant: others.ac_refrigerant,
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
    market.total_loss.rule,
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
    payment_terms: market.payment_terms[locale],
    start_date: schedule ? schedule.start.toISOString() : null,
    finish_date: schedule ? schedule.finish.toISOString() : null,
    estimated_duration: isoDuration(labour.hours, market.workshop_hours_per_day, leadDays),
    total_loss: loss.summary,
    notes,
  };
}
