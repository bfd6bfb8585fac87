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
 */
import { Decimal } from 'decimal.js';
import type {
  ComponentDamage,
  DamageReport,
  EstimateLine,
  LaborCategory,
  LaborLine,
  Operation,
  PartsRequirement,
  RepairEstimate,
} from '../../machines/schemas.js';
import type { Component, Market, Vehicle, VehicleComponent } from '../catalog/schemas.js';

export interface EstimateInput {
  damage: DamageReport;
  vehicle: Vehicle;
  market: Market;
  /** Canonical components (catalog.components). */
  components: ReadonlyMap<string, Component>;
  estimate_id: string;
  now: Date;
}

/** How much an operation's line is trusted, times the component's mapping confidence (chosen). */
export const OPERATION_CONFIDENCE: Readonly<Record<Operation, number>> = {
  replace: 0.95,
  repair: 0.85,
  refinish: 0.9,
  blend: 0.8,
  remove_install: 0.95,
  sublet: 0.9,
};

const LABOR_ORDER: readonly LaborCategory[] = ['body', 'paint', 'mechanical', 'electrical'];

/** Rounds half-up to the cent. */
export function roundMoney(value: Decimal.Value): Decimal {
  return new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Serialises money as a two-decimal string, rounding half-up: "1234.50". */
export function money(value: Decimal.Value): string {
  return roundMoney(value).toFixed(2);
}

/** Rounds hours half-up to 0.01 h (1 ZE). */
export function roundHours(value: Decimal.Value): Decimal {
  return new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

type Plan = 'replace' | 'repair' | 'refinish_only' | 'none';

interface Decision {
  damage: ComponentDamage;
  canonical: Component;
  vc: VehicleComponent;
  plan: Plan;
  repairHours: Decimal;
  refinish: boolean;
}

const TEXT = {
  'pt-BR': {
    replace: 'Troca',
    repair: 'Recuperação',
    refinish: 'Pintura',
    blend: 'Pintura de transição',
    remove_install: 'R&I (remoção e instalação)',
    sublet: 'Serviço terceirizado',
    clearCoat: 'Verniz (ciclo de pintura)',
    hours: (h: Decimal) => `${h.toFixed(2).replace('.', ',')} h`,
    overlap: (h: string, with_: string) => `−${h} sobreposição com ${with_}`,
    access: (of: string) => `acesso a ${of}`,
    front_radar: 'Calibração do radar dianteiro (ADAS)',
    front_camera: 'Calibração da câmera frontal (ADAS)',
    alignment: 'Alinhamento de direção',
    illustrative: 'Números de peça e preços são ilustrativos (não são de uma tabela VW).',
    unknown: (c: string) => `Componente "${c}" não consta do catálogo deste veículo: ignorado.`,
    duplicate: (c: string) =>
      `Componente "${c}" informado mais de uma vez: considerado o dano mais grave.`,
    ignored: (c: string) => `${c}: dano abaixo do limite, nenhuma operação.`,
    cosmetic: (c: string) => `${c}: risco leve em peça não pintada, sem operação.`,
    otherModel: (d: string, v: string) =>
      `O laudo de danos é do modelo "${d}", o orçamento usa "${v}".`,
    lead: (d: number) => `Prazo inclui ${d} dia(s) úteis para peças sem estoque.`,
    totalLoss: (pct: string) => `Custo do reparo = ${pct}% do valor do veículo: perda total.`,
    taxIncluded:
      'Preços com impostos incluídos; os impostos contidos são informados (ICMS nas peças, ISS nos serviços).',
  },
  en: {
    replace: 'Replace',
    repair: 'Repair',
    refinish: 'Refinish',
    blend: 'Blend',
    remove_install: 'Remove & install',
    sublet: 'Sublet',
    clearCoat: 'Clear coat (paint cycle)',
    hours: (h: Decimal) => `${h.toFixed(2)} h`,
    overlap: (h: string, with_: string) => `−${h} overlap with ${with_}`,
    access: (of: string) => `access to ${of}`,
    front_radar: 'Front radar calibration (ADAS)',
    front_camera: 'Front camera calibration (ADAS)',
    alignment: 'Wheel alignment',
    illustrative: 'Part numbers and prices are illustrative (not from a VW price list).',
    unknown: (c: string) => `Component "${c}" is not in this vehicle's catalogue: skipped.`,
    duplicate: (c: string) =>
      `Component "${c}" was reported more than once: the worst damage is used.`,
    ignored: (c: string) => `${c}: damage below the threshold, no operation.`,
    cosmetic: (c: string) => `${c}: light scratch on an unpainted part, no operation.`,
    otherModel: (d: string, v: string) =>
      `The damage report is for "${d}", the estimate uses "${v}".`,
    lead: (d: number) => `Duration includes ${d} working day(s) for parts not in stock.`,
    totalLoss: (pct: string) => `Repair cost is ${pct}% of the vehicle's value: total loss.`,
    taxIncluded: 'Prices include tax; the tax contained is shown.',
  },
} as const;

/** Builds the repair estimate for one damage report in one market. Never throws on unknown components. */
export function estimateRepair({
  damage,
  vehicle,
  market,
  components,
  estimate_id,
  now,
}: EstimateInput): RepairEstimate {
  const text = TEXT[market.locale];
  const locale = market.locale;
  const notes: string[] = [text.illustrative];
  if (damage.vehicle_model !== vehicle.id)
    notes.push(text.otherModel(damage.vehicle_model, vehicle.id));

  const byId = new Map<string, VehicleComponent>();
  for (const assembly of vehicle.assemblies)
    for (const c of assembly.components) byId.set(c.component, c);
  const nameOf = (id: string): string => components.get(id)?.name[locale] ?? id;

  // ---- which operation each damaged component needs
  const decisions = decide(damage.components, market, components, byId, notes, text, nameOf);

  const lines: EstimateLine[] = [];
  const parts: PartsRequirement[] = [];
  const rate = (category: LaborCategory): Decimal => new Decimal(market.labour_rates[category]);
  const conf = (c: number, op: Operation): number =>
    Math.round(c * OPERATION_CONFIDENCE[op] * 1000) / 1000;
  const addLabourLine = (
    operation: Operation,
    component: string,
    description: string,
    hours: Decimal,
    category: LaborCategory,
    confidence: number,
  ): void => {
    lines.push({
      line_no: lines.length + 1,
      operation,
      component_name: component,
      description,
      part_number: null,
      quantity: 0,
      unit_price: null,
      labor_hours: hours.toNumber(),
      labor_category: category,
      amount: money(hours.times(rate(category))),
      confidence: conf(confidence, operation),
    });
  };

  // ---- replace and repair
  for (const d of decisions) {
    if (d.plan === 'replace') {
      d.vc.parts.forEach((part, i) => {
        const unit = roundMoney(part.price[market.currency]);
        const hours = i === 0 ? roundHours(d.vc.labour.replace.hours) : new Decimal(0);
        const line_no = lines.length + 1;
        const confidence = conf(d.damage.confidence, 'replace');
        lines.push({
          line_no,
          operation: 'replace',
          component_name: d.canonical.id,
          description: `${text.replace}: ${part.name[locale]}`,
          part_number: part.part_number,
          quantity: part.quantity,
          unit_price: unit.toFixed(2),
          labor_hours: hours.toNumber(),
          labor_category: d.vc.labour.replace.category,
          amount: money(
            unit
              .times(part.quantity)
              .plus(roundMoney(hours.times(rate(d.vc.labour.replace.category)))),
          ),
          confidence,
        });
        parts.push({
          line_no,
          part_number: part.part_number,
          part_name: part.name[locale],
          component_name: d.canonical.id,
          quantity: part.quantity,
          unit_price: unit.toFixed(2),
          category: part.category,
          labor_hours: hours.toNumber(),
          confidence,
          illustrative: true,
        });
      });
    } else if (d.plan === 'repair' && d.vc.labour.repair) {
      addLabourLine(
        'repair',
        d.canonical.id,
        `${text.repair}: ${nameOf(d.canonical.id)}`,
        d.repairHours,
        d.vc.labour.repair.category,
        d.damage.confidence,
      );
    }
  }

  // ---- remove & install for access
  const replaced = new Set(
    decisions.filter((d) => d.plan === 'replace').map((d) => d.canonical.id),
  );
  const removed = new Map<string, { confidence: number; for: string[] }>();
  for (const d of decisions) {
    if (d.plan !== 'replace' && d.plan !== 'repair') continue;
    for (const target of d.vc.access) {
      if (replaced.has(target) || !byId.get(target)?.labour.remove_install) continue;
      const entry = removed.get(target) ?? { confidence: 0, for: [] };
      entry.confidence = Math.max(entry.confidence, d.damage.confidence);
      entry.for.push(nameOf(d.canonical.id));
      removed.set(target, entry);
    }
  }
  for (const [target, entry] of removed) {
    const ri = byId.get(target)!.labour.remove_install!;
    addLabourLine(
      'remove_install',
      target,
      `${text.remove_install}: ${nameOf(target)} (${text.access(entry.for.join(', '))})`,
      roundHours(ri.hours),
      ri.category,
      entry.confidence,
    );
  }

  // ---- refinish, overlap, blend, clear coat
  const painted = decisions.filter((d) => d.refinish && d.vc.labour.refinish);
  const paintedIds = new Set(painted.map((d) => d.canonical.id));
  const deductions = new Map<string, { hours: Decimal; with: string[] }>();
  const overlap = new Decimal(market.paint.overlap_deduction_hours);
  for (let i = 0; i < painted.length; i++) {
    for (let j = i + 1; j < painted.length; j++) {
      const a = painted[i]!;
      const b = painted[j]!;
      const adjacent =
        a.canonical.adjacent_panels.includes(b.canonical.id) ||
        b.canonical.adjacent_panels.includes(a.canonical.id);
      if (!adjacent || overlap.isZero()) continue;
      const smaller = b.vc.labour.refinish!.hours <= a.vc.labour.refinish!.hours ? b : a;
      const other = smaller === a ? b : a;
      const entry = deductions.get(smaller.canonical.id) ?? { hours: new Decimal(0), with: [] };
      entry.hours = entry.hours.plus(overlap);
      entry.with.push(nameOf(other.canonical.id));
      deductions.set(smaller.canonical.id, entry);
    }
  }
  const paintPanels: { id: string; hours: Decimal; confidence: number }[] = [];
  for (const d of painted) {
    const refinish = d.vc.labour.refinish!;
    const deduction = deductions.get(d.canonical.id);
    const base = roundHours(refinish.hours);
    const hours = Decimal.max(0, base.minus(deduction?.hours ?? 0));
    const detail = deduction
      ? ` (${text.hours(base)} ${text.overlap(text.hours(deduction.hours), deduction.with.join(', '))})`
      : '';
    addLabourLine(
      'refinish',
      d.canonical.id,
      `${text.refinish}: ${nameOf(d.canonical.id)}${detail}`,
      hours,
      refinish.category,
      d.damage.confidence,
    );
    paintPanels.push({ id: d.canonical.id, hours, confidence: d.damage.confidence });
  }
  const blends = new Map<string, number>();
  for (const d of painted) {
    for (const adjacent of d.canonical.adjacent_panels) {
      if (paintedIds.has(adjacent) || !byId.get(adjacent)?.labour.refinish) continue;
      blends.set(adjacent, Math.max(blends.get(adjacent) ?? 0, d.damage.confidence));
    }
  }
  for (const [id, confidence] of blends) {
    const refinish = byId.get(id)!.labour.refinish!;
    const hours = roundHours(new Decimal(refinish.hours).times(market.paint.blend_share));
    addLabourLine(
      'blend',
      id,
      `${text.blend}: ${nameOf(id)}`,
      hours,
      refinish.category,
      confidence,
    );
    paintPanels.push({ id, hours, confidence });
  }
  if (paintPanels.length > 0) {
    // Stable sort: on equal hours the panel met first stays first.
    const ordered = [...paintPanels].sort((x, y) => y.hours.comparedTo(x.hours));
    const raw = ordered.reduce(
      (sum, p, i) =>
        sum.plus(
          p.hours.times(i === 0 ? market.paint.clear_coat_first : market.paint.clear_coat_further),
        ),
      new Decimal(0),
    );
    const hours = roundHours(Decimal.min(raw, market.paint.clear_coat_cap_hours));
    const first = ordered[0]!;
    const category = byId.get(first.id)!.labour.refinish!.category;
    if (hours.greaterThan(0)) {
      addLabourLine(
        'refinish',
        first.id,
        `${text.clearCoat}: ${ordered.length} ${locale === 'pt-BR' ? 'painel(is)' : 'panel(s)'}`,
        hours,
        category,
        Math.max(...paintPanels.map((p) => p.confidence)),
      );
    }
  }

  // ---- sublet
  let adasTotal = new Decimal(0);
  let alignmentTotal = new Decimal(0);
  const calibrated = new Set<string>();
  const addSublet = (
    component: string,
    description: string,
    price: string,
    confidence: number,
  ): void => {
    lines.push({
      line_no: lines.length + 1,
      operation: 'sublet',
      component_name: component,
      description: `${text.sublet}: ${description}`,
      part_number: null,
      quantity: 1,
      unit_price: money(price),
      labor_hours: 0,
      labor_category: null,
      amount: money(price),
      confidence: conf(confidence, 'sublet'),
    });
  };
  const touched = [
    ...decisions
      .filter((d) => d.plan === 'replace')
      .map((d) => ({ id: d.canonical.id, confidence: d.damage.confidence })),
    ...[...removed].map(([id, e]) => ({ id, confidence: e.confidence })),
  ];
  for (const t of touched) {
    const adas = byId.get(t.id)?.adas;
    if (!adas || calibrated.has(adas)) continue;
    calibrated.add(adas);
    const price =
      market.sublet_prices[
        adas === 'front_radar' ? 'front_radar_calibration' : 'front_camera_calibration'
      ];
    addSublet(t.id, text[adas], price, t.confidence);
    adasTotal = adasTotal.plus(roundMoney(price));
  }
  const needsAlignment = decisions.find(
    (d) => (d.plan === 'replace' || d.plan === 'repair') && d.vc.alignment,
  );
  if (needsAlignment) {
    const price = market.sublet_prices.wheel_alignment;
    addSublet(needsAlignment.canonical.id, text.alignment, price, needsAlignment.damage.confidence);
    alignmentTotal = roundMoney(price);
  }

  // ---- totals
  const labor: LaborLine[] = [];
  let laborTotal = new Decimal(0);
  let totalHours = new Decimal(0);
  let paintHours = new Decimal(0);
  for (const category of LABOR_ORDER) {
    const hours = lines
      .filter((l) => l.labor_category === category)
      .reduce((sum, l) => sum.plus(l.labor_hours), new Decimal(0));
    if (hours.isZero()) continue;
    const amount = roundMoney(hours.times(rate(category)));
    labor.push({
      category,
      hours: hours.toNumber(),
      rate: money(rate(category)),
      amount: amount.toFixed(2),
    });
    laborTotal = laborTotal.plus(amount);
    totalHours = totalHours.plus(hours);
  }
  for (const l of lines)
    if (l.operation === 'refinish' || l.operation === 'blend')
      paintHours = paintHours.plus(l.labor_hours);

  const partsTotal = parts.reduce(
    (sum, p) => sum.plus(new Decimal(p.unit_price).times(p.quantity)),
    new Decimal(0),
  );
  const smallParts = roundMoney(partsTotal.times(market.small_parts_share));
  const paintMaterials = roundMoney(paintHours.times(market.paint_materials_per_hour));
  const otherTotals = {
    paint_materials: paintMaterials,
    small_parts: smallParts,
    adas_calibration: adasTotal,
    wheel_alignment: alignmentTotal,
  };
  const otherSum = Object.values(otherTotals).reduce((sum, v) => sum.plus(v), new Decimal(0));

  // ---- tax
  const bases = {
    parts: partsTotal.plus(smallParts),
    services: laborTotal.plus(paintMaterials).plus(adasTotal).plus(alignmentTotal),
  };
  const taxLines = market.taxes.map((t) => {
    const base = t.applies_to.reduce((sum, b) => sum.plus(bases[b]), new Decimal(0));
    return {
      name: t.name,
      rate: new Decimal(t.rate).toFixed(2),
      base: money(base),
      amount: money(base.times(t.rate).dividedBy(100)),
      included: market.prices_include_tax,
    };
  });
  const tax = taxLines.reduce((sum, t) => sum.plus(t.amount), new Decimal(0));
  if (market.prices_include_tax) notes.push(text.taxIncluded);

  const net = partsTotal.plus(laborTotal).plus(otherSum);
  const grandTotal = market.prices_include_tax ? net : net.plus(tax);

  let approximate: RepairEstimate['approximate_taxes'] = null;
  if (market.approximate_taxes) {
    const a = market.approximate_taxes;
    const level = (k: 'federal' | 'state' | 'municipal'): Decimal =>
      roundMoney(
        bases.parts.times(a.parts[k]).plus(bases.services.times(a.services[k])).dividedBy(100),
      );
    const federal = level('federal');
    const state = level('state');
    const municipal = level('municipal');
    const total = federal.plus(state).plus(municipal);
    approximate = {
      total: money(total),
      percent: grandTotal.isZero()
        ? '0.00'
        : total.dividedBy(grandTotal).times(100).toFixed(2, Decimal.ROUND_HALF_UP),
      federal: money(federal),
      state: money(state),
      municipal: money(municipal),
      source: a.source,
    };
  }

  // ---- total loss
  const vehicleValue = roundMoney(vehicle.vehicle_value[market.currency]);
  const threshold = market.total_loss.threshold;
  const ratio = vehicleValue.isZero() ? new Decimal(0) : grandTotal.dividedBy(vehicleValue);
  const isTotalLoss =
    !vehicleValue.isZero() && grandTotal.greaterThanOrEqualTo(vehicleValue.times(threshold));
  if (isTotalLoss) {
    notes.push(text.totalLoss(ratio.times(100).toFixed(1, Decimal.ROUND_HALF_UP)));
    notes.push(market.total_loss.note[locale]);
  }

  // ---- duration
  const leadDays = parts.length > 0 ? market.parts_lead_time_days : 0;
  if (leadDays > 0) notes.push(text.lead(leadDays));

  const validUntil = new Date(now.getTime() + market.estimate_validity_days * 86_400_000);
  return {
    estimate_id,
    version: 1,
    vehicle_model: vehicle.id,
    vehicle_name: vehicle.name,
    damage_report_id: damage.damage_id,
    session_id: damage.session_id,
    market: market.id,
    currency: market.currency,
    prices_include_tax: market.prices_include_tax,
    created_at: now.toISOString(),
    valid_until: validUntil.toISOString(),
    lines,
    parts,
    labor,
    labor_total: money(laborTotal),
    parts_total: money(partsTotal),
    other_totals: Object.fromEntries(Object.entries(otherTotals).map(([k, v]) => [k, money(v)])),
    tax: money(tax),
    tax_lines: taxLines,
    approximate_taxes: approximate,
    grand_total: money(grandTotal),
    estimated_duration: isoDuration(totalHours, market.workshop_hours_per_day, leadDays),
    total_loss: {
      is_total_loss: isTotalLoss,
      vehicle_value: money(vehicleValue),
      repair_cost: money(grandTotal),
      ratio: ratio.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toNumber(),
      threshold,
    },
    notes,
  };
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

function decide(
  damaged: readonly ComponentDamage[],
  market: Market,
  components: ReadonlyMap<string, Component>,
  byId: ReadonlyMap<string, VehicleComponent>,
  notes: string[],
  text: (typeof TEXT)[keyof typeof TEXT],
  nameOf: (id: string) => string,
): Decision[] {
  // One entry per component: the worst (destroyed, else highest level, impact before scratch).
  const worst = new Map<string, ComponentDamage>();
  const rank = (d: ComponentDamage): number =>
    (d.damage_type === 'destroyed' ? 10 : 0) +
    d.damage_level +
    (d.damage_type === 'impact' ? 1e-9 : 0);
  for (const d of damaged) {
    if (!components.has(d.component_name) || !byId.has(d.component_name)) {
      notes.push(text.unknown(d.component_name));
      continue;
    }
    const earlier = worst.get(d.component_name);
    if (earlier) {
      notes.push(text.duplicate(d.component_name));
      if (rank(d) <= rank(earlier)) continue;
    }
    worst.set(d.component_name, d);
  }

  const t = market.thresholds;
  const decisions: Decision[] = [];
  for (const damage of worst.values()) {
    const canonical = components.get(damage.component_name)!;
    const vc = byId.get(damage.component_name)!;
    const level = damage.damage_level;
    let plan: Plan;
    let repairHours = new Decimal(0);
    const repairMax = vc.repairable && vc.labour.repair ? vc.labour.repair.hours : null;
    if (damage.damage_type === 'destroyed') {
      plan = 'replace';
    } else if (level < t.ignore_below) {
      plan = 'none';
      notes.push(text.ignored(nameOf(canonical.id)));
    } else if (damage.damage_type === 'impact') {
      if (repairMax === null || level >= t.replace_from) plan = 'replace';
      else {
        plan = 'repair';
        repairHours = roundHours(new Decimal(repairMax).times(level));
      }
    } else if (repairMax !== null) {
      // scratch on a repairable component
      if (level >= t.scratch_repair_from) {
        plan = 'repair';
        repairHours = roundHours(
          new Decimal(repairMax).times(level).times(t.scratch_repair_factor),
        );
      } else if (canonical.painted) plan = 'refinish_only';
      else {
        plan = 'none';
        notes.push(text.cosmetic(nameOf(canonical.id)));
      }
    } else if (level >= t.replace_from) {
      plan = 'replace';
    } else if (canonical.painted) {
      plan = 'refinish_only';
    } else {
      plan = 'none';
      notes.push(text.cosmetic(nameOf(canonical.id)));
    }
    if (plan === 'repair' && repairHours.isZero()) repairHours = new Decimal(0.01);
    decisions.push({
      damage,
      canonical,
      vc,
      plan,
      repairHours,
      refinish: canonical.painted && plan !== 'none',
    });
  }
  return decisions;
}
