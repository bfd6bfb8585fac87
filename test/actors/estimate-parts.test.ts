/**
 * The estimator's rules, one pure function at a time, with hand-checked figures. The end-to-end
 * estimates (and the invariants every estimate keeps) are in estimate.test.ts.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { loadCatalog, vehicleComponents } from '../../actors/catalog/load.js';
import type { Market, VehicleComponent } from '../../actors/catalog/schemas.js';
import {
  adasCalibrations,
  alignmentFor,
  followUpLines,
  removalsForAccess,
  removeInstallLines,
  subletLines,
} from '../../actors/estimate/access.js';
import { isoDuration, partsLeadDays, validUntil } from '../../actors/estimate/duration.js';
import {
  labourLine,
  lineConfidence,
  numberLines,
  type LineDraft,
} from '../../actors/estimate/lines.js';
import {
  chooseOperations,
  choosePlan,
  worstDamagePerComponent,
} from '../../actors/estimate/operations.js';
import {
  blendHours,
  blendTargets,
  clearCoat,
  overlapDeductions,
  paintLines,
  refinishHours,
} from '../../actors/estimate/paint.js';
import {
  approximateTaxes,
  grandTotal,
  taxBases,
  taxLines,
  taxTotal,
} from '../../actors/estimate/taxes.js';
import { TEXT } from '../../actors/estimate/text.js';
import { totalLoss } from '../../actors/estimate/total-loss.js';
import { labourByCategory, otherTotals, paintHours } from '../../actors/estimate/totals.js';
import type {
  ComponentDamage,
  DamageType,
  EstimateLine,
  LaborCategory,
} from '../../machines/schemas.js';

const catalog = loadCatalog();
const BR_SP = catalog.markets.get('BR-SP')!;
const DE = catalog.markets.get('DE')!;
const en = TEXT.en;

const THRESHOLDS: Market['thresholds'] = {
  ignore_below: 0.05,
  replace_from: 0.6,
  scratch_repair_from: 0.3,
  scratch_repair_factor: 0.3,
  mechanical_replace_from: 0.25,
};
const OVERLAP: Market['paint']['overlap'] = { adjacent_hours: 0.4, non_adjacent_hours: 0.2 };
const PAINT: Market['paint'] = {
  blend: { share: 0.5, into: BR_SP.paint.blend.into, refinish_only: false },
  clear_coat_first: 0.4,
  clear_coat_further: 0.2,
  clear_coat_cap_hours: 2.5,
  overlap: OVERLAP,
};

function hit(
  component_name: string,
  damage_level: number,
  damage_type: DamageType = 'impact',
  confidence = 1,
): ComponentDamage {
  return {
    component_name,
    damage_level,
    damage_type,
    location: [0, 0, 0],
    sources: [],
    confidence,
  };
}

/** A vehicle component with only the labour the rule under test looks at. */
function vehicleComponent(
  labour: { repair?: number; refinish?: number; replaceCategory?: LaborCategory },
  repairable = labour.repair !== undefined,
): VehicleComponent {
  const op = (hours: number | undefined, category: LaborCategory = 'body') =>
    hours === undefined ? null : { hours, category };
  return {
    component: 'hood',
    parts: [],
    labour: {
      replace: { hours: 1, category: labour.replaceCategory ?? 'body' },
      repair: op(labour.repair),
      refinish: op(labour.refinish, 'paint'),
      remove_install: null,
    },
    repairable,
    adas: null,
    access: [],
    alignment: false,
    remove_for_repair: false,
    on_replace: [],
  };
}

const d = (value: Decimal.Value) => new Decimal(value);
const fixed = (value: Decimal | undefined) => value?.toFixed(2);

/** The T-Cross decisions for some hits, as estimateRepair makes them. */
function decisionsFor(hits: ComponentDamage[], locale: 'pt-BR' | 'en' = 'pt-BR') {
  const byId = vehicleComponents(catalog.vehicles.get('tcross')!);
  const nameOf = (id: string) => catalog.components.get(id)?.name[locale] ?? id;
  const chosen = chooseOperations(hits, catalog.components, byId, THRESHOLDS, TEXT[locale], nameOf);
  return { ...chosen, byId, nameOf };
}

describe('choosePlan: replace, repair, refinish only or nothing', () => {
  const bumper = vehicleComponent({ repair: 3.0, refinish: 2.5 });
  const door = vehicleComponent({ repair: 4.5, refinish: 3.0 });
  const lamp = vehicleComponent({});
  const plan = (
    level: number,
    type: DamageType,
    vc: VehicleComponent = bumper,
    painted = true,
  ): [string, string, string | null] => {
    const c = choosePlan(hit('x', level, type), painted, vc, THRESHOLDS);
    return [c.plan, c.repairHours.toFixed(2), c.note];
  };

  it('repairs impact below replace_from for repair.hours × level and replaces from it on', () => {
    expect(plan(0.59, 'impact')).toEqual(['repair', '1.77', null]); // 3.0 × 0.59
    expect(plan(0.6, 'impact')).toEqual(['replace', '0.00', null]);
    expect(plan(0.335, 'impact')).toEqual(['repair', '1.01', null]); // 1.005 half-up
  });

  it('replaces a component that cannot be repaired at any impact', () => {
    expect(plan(0.1, 'impact', lamp, false)).toEqual(['replace', '0.00', null]);
    // Repair hours in the catalogue do not count when the component is not repairable.
    const welded = vehicleComponent({ repair: 3.0, refinish: 2.5 }, false);
    expect(plan(0.1, 'impact', welded)).toEqual(['replace', '0.00', null]);
  });

  it('ignores damage below ignore_below, except a destroyed component', () => {
    expect(plan(0.04, 'impact')).toEqual(['none', '0.00', 'ignored']);
    expect(plan(0.04, 'scratch')).toEqual(['none', '0.00', 'ignored']);
    expect(plan(0.04, 'destroyed')).toEqual(['replace', '0.00', null]);
    expect(plan(0.05, 'impact')).toEqual(['repair', '0.15', null]);
  });

  it('gives a scratch from scratch_repair_from on a light repair: hours × level × factor', () => {
    expect(plan(0.95, 'scratch', door)).toEqual(['repair', '1.28', null]); // 4.5 × 0.95 × 0.3 = 1.2825
    expect(plan(0.3, 'scratch', door)).toEqual(['repair', '0.41', null]); // 4.5 × 0.3 × 0.3 = 0.405
    expect(plan(0.29, 'scratch', door)).toEqual(['refinish_only', '0.00', null]);
    expect(plan(0.29, 'scratch', door, false)).toEqual(['none', '0.00', 'cosmetic']);
  });

  it('replaces a scratched replace-only component only from replace_from on', () => {
    expect(plan(0.6, 'scratch', lamp, false)).toEqual(['replace', '0.00', null]);
    expect(plan(0.59, 'scratch', lamp, false)).toEqual(['none', '0.00', 'cosmetic']);
    expect(plan(0.59, 'scratch', lamp, true)).toEqual(['refinish_only', '0.00', null]);
  });

  it('checks and measures a non-repairable mechanical part below mechanical_replace_from', () => {
    // The expert's case: a steering rack at 6 % was a replacement (T-Cross SP: R$ 7.838,00).
    const rack = vehicleComponent({ replaceCategory: 'mechanical' });
    expect(plan(0.06, 'impact', rack, false)).toEqual(['check', '0.00', null]);
    expect(plan(0.249, 'impact', rack, false)).toEqual(['check', '0.00', null]);
    expect(plan(0.25, 'impact', rack, false)).toEqual(['replace', '0.00', null]);
    expect(plan(0.04, 'impact', rack, false)).toEqual(['none', '0.00', 'ignored']);
    expect(plan(0.1, 'destroyed', rack, false)).toEqual(['replace', '0.00', null]);
    // A lamp (electrical) is not a mechanical part: still replaced at any impact.
    expect(plan(0.06, 'impact', lamp, false)).toEqual(['replace', '0.00', null]);
  });

  it('never books a repair of less than 0.01 h', () => {
    const tiny = vehicleComponent({ repair: 0.01 });
    expect(plan(0.05, 'impact', tiny, false)).toEqual(['repair', '0.01', null]); // 0.0005 → 0
    expect(plan(0.3, 'scratch', tiny, false)).toEqual(['repair', '0.01', null]); // 0.0009 → 0
  });
});

describe('worstDamagePerComponent', () => {
  const known = (id: string) => id !== 'flux_capacitor';
  const worst = (hits: ComponentDamage[]) => worstDamagePerComponent(hits, known, en);

  it('keeps destroyed over any level, then the higher level, then impact over scratch', () => {
    const keep = (hits: ComponentDamage[]) =>
      worst(hits).worst.map((w) => [w.damage_type, w.damage_level]);
    expect(keep([hit('hood', 0.9), hit('hood', 0.1, 'destroyed')])).toEqual([['destroyed', 0.1]]);
    expect(keep([hit('hood', 0.2), hit('hood', 0.9, 'scratch')])).toEqual([['scratch', 0.9]]);
    expect(keep([hit('hood', 0.5, 'scratch'), hit('hood', 0.5)])).toEqual([['impact', 0.5]]);
    expect(keep([hit('hood', 0.5), hit('hood', 0.5, 'scratch')])).toEqual([['impact', 0.5]]);
  });

  it('keeps the first of two equally bad damages', () => {
    const { worst: kept, notes } = worst([
      hit('hood', 0.5, 'impact', 0.3),
      hit('hood', 0.5, 'impact', 0.9),
    ]);
    expect(kept.map((k) => k.confidence)).toEqual([0.3]);
    expect(notes).toEqual([en.duplicate('hood')]);
  });

  it('keeps components in first-reported order and notes what it drops', () => {
    const { worst: kept, notes } = worst([
      hit('hood', 0.5, 'impact', 0.3),
      hit('flux_capacitor', 1),
      hit('left_fender', 0.4),
      hit('hood', 0.5, 'impact', 0.9),
      hit('hood', 0.8),
    ]);
    expect(kept.map((k) => [k.component_name, k.damage_level, k.confidence])).toEqual([
      ['hood', 0.8, 1],
      ['left_fender', 0.4, 1],
    ]);
    expect(notes).toEqual([
      en.unknown('flux_capacitor'),
      en.duplicate('hood'),
      en.duplicate('hood'),
    ]);
  });
});

describe('overlapDeductions: the largest panel in full, every further one less the overlap', () => {
  const panel = (id: string, hours: number, adjacent_panels: string[] = []) => ({
    id,
    hours,
    adjacent_panels,
  });
  const summary = (deductions: ReturnType<typeof overlapDeductions>) =>
    Object.fromEntries([...deductions].map(([id, x]) => [id, [x.hours.toFixed(2), x.with]]));

  it('deducts 0.4 h from a further panel touching another refinished one, whichever side lists it', () => {
    const hood = panel('hood', 3.2);
    const fender = panel('left_fender', 2.2, ['hood']);
    expect(summary(overlapDeductions([hood, fender], OVERLAP))).toEqual({
      left_fender: ['0.40', ['hood']],
    });
    expect(summary(overlapDeductions([fender, hood], OVERLAP))).toEqual({
      left_fender: ['0.40', ['hood']],
    });
  });

  it('deducts 0.2 h from a further panel that touches none of the others', () => {
    // Hood 3.2 (first, in full) and rear bumper 2.4 − 0.2 = 2.2.
    const panels = [panel('hood', 3.2), panel('rear_bumper', 2.4, ['tailgate'])];
    expect(summary(overlapDeductions(panels, OVERLAP))).toEqual({ rear_bumper: ['0.20', []] });
  });

  it('pays the first of equally large panels in full', () => {
    const a = panel('a', 2.0, ['b']);
    const b = panel('b', 2.0);
    expect(summary(overlapDeductions([a, b], OVERLAP))).toEqual({ b: ['0.40', ['a']] });
    expect(summary(overlapDeductions([b, a], OVERLAP))).toEqual({ a: ['0.40', ['b']] });
  });

  it('deducts once per further panel, however many it touches (a front-left corner)', () => {
    const panels = [
      panel('front_bumper', 2.5, ['left_fender', 'hood']),
      panel('hood', 3.2, ['left_fender']),
      panel('left_fender', 2.2, ['hood', 'left_front_door', 'front_bumper']),
      panel('left_front_door', 3.0, ['left_fender']),
      panel('roof', 1.0), // adjacent to none
    ];
    // hood 3.2 in full; bumper 2.5 − 0.4, fender 2.2 − 0.4, door 3.0 − 0.4, roof 1.0 − 0.2.
    expect(summary(overlapDeductions(panels, OVERLAP))).toEqual({
      front_bumper: ['0.40', ['hood', 'left_fender']],
      left_fender: ['0.40', ['front_bumper', 'hood', 'left_front_door']],
      left_front_door: ['0.40', ['left_fender']],
      roof: ['0.20', []],
    });
  });

  it('deducts nothing for a single panel, nor when the market deducts no overlap', () => {
    expect(overlapDeductions([panel('hood', 3.2)], OVERLAP).size).toBe(0);
    const panels = [panel('hood', 3.2), panel('left_fender', 2.2, ['hood']), panel('roof', 3)];
    const none = { adjacent_hours: 0, non_adjacent_hours: 0 };
    expect(overlapDeductions(panels, none).size).toBe(0);
  });

  it('leaves a panel its refinish hours less the deduction, never below 0', () => {
    expect(refinishHours(2.2, d('0.6')).toFixed(2)).toBe('1.60');
    expect(refinishHours(0.3, d('0.4')).toFixed(2)).toBe('0.00');
    expect(refinishHours(3.2).toFixed(2)).toBe('3.20');
  });
});

describe('blend', () => {
  it("blends into the market's targets that are not refinished, once, at the best confidence", () => {
    const byId = new Map<string, VehicleComponent>([
      ['front_bumper', vehicleComponent({ refinish: 2.5 })],
      ['left_front_door', vehicleComponent({ refinish: 3.0 })],
      ['left_fender', vehicleComponent({ refinish: 2.2 })],
      ['right_fender', vehicleComponent({ refinish: 2.2 })],
      ['grille', vehicleComponent({})], // no refinish hours: not a paint panel
    ]);
    const into = {
      hood: ['left_fender', 'right_fender', 'grille'],
      left_front_door: ['left_fender'],
      left_fender: ['left_front_door', 'mystery'],
    };
    const refinished = [
      { id: 'hood', confidence: 0.6 },
      { id: 'left_front_door', confidence: 0.9 },
      { id: 'front_bumper', confidence: 1 }, // blends into nothing: not in `into`
    ];
    const ids = new Set(['hood', 'left_front_door', 'front_bumper']);
    const blends = blendTargets(refinished, into, ids, byId);
    expect([...blends].map(([id, b]) => [id, b.labour.hours, b.confidence])).toEqual([
      ['left_fender', 2.2, 0.9], // from both: the door's 0.9 beats the hood's 0.6
      ['right_fender', 2.2, 0.6],
    ]);
  });

  it('blends a bumper into nothing and the hood into the fenders only, by default', () => {
    for (const market of catalog.markets.values()) {
      expect(market.paint.blend.into.front_bumper).toEqual([]);
      expect(market.paint.blend.into.hood).toEqual(['left_fender', 'right_fender']);
      expect(market.paint.blend.into.left_front_door).toEqual(['left_fender', 'left_rear_door']);
      expect(market.paint.blend.refinish_only).toBe(false);
    }
  });

  it("takes the market's share of the panel's refinish hours, rounded half-up", () => {
    expect(blendHours(2.2, 0.5).toFixed(2)).toBe('1.10');
    expect(blendHours(2.25, 0.5).toFixed(2)).toBe('1.13'); // 1.125
  });
});

describe('clearCoat: one paint cycle', () => {
  const panels = (...hours: number[]) => hours.map((h, i) => ({ id: `p${i}`, hours: d(h) }));

  it('is 40% of the largest panel plus 20% of every other (door repair: 1.70 h)', () => {
    // door 3.0 refinished; fender 1.1 and rear door 1.4 blended: 1.2 + (1.1 + 1.4) × 0.2.
    const coat = clearCoat(panels(1.1, 3.0, 1.4), PAINT)!;
    expect(coat.hours.toFixed(2)).toBe('1.70');
    expect(coat.largest.id).toBe('p1');
  });

  it('is capped at clear_coat_cap_hours (a whole side: 3.86 h → 2.50 h)', () => {
    // 3.3 × 0.4 + (3.2 + 3.0 + 2.5 + 2.4 + 1.6) × 0.2 = 1.32 + 2.54 = 3.86.
    expect(clearCoat(panels(2.5, 3.2, 1.6, 3.0, 2.4, 3.3), PAINT)!.hours.toFixed(2)).toBe('2.50');
    const uncapped = { ...PAINT, clear_coat_cap_hours: 10 };
    expect(clearCoat(panels(2.5, 3.2, 1.6, 3.0, 2.4, 3.3), uncapped)!.hours.toFixed(2)).toBe(
      '3.86',
    );
    expect(clearCoat(panels(3.0), { ...PAINT, clear_coat_cap_hours: 0 })!.hours.isZero()).toBe(
      true,
    );
  });

  it('goes on the first of equally large panels, and there is none without panels', () => {
    const coat = clearCoat(panels(1.5, 1.5), PAINT)!;
    expect(coat.largest.id).toBe('p0');
    expect(coat.hours.toFixed(2)).toBe('0.90'); // 0.6 + 0.3
    expect(clearCoat([], PAINT)).toBeNull();
  });
});

describe('paintLines', () => {
  it('shows the overlap in the refinish line and blends and coats the rest (English)', () => {
    const { decisions, byId, nameOf } = decisionsFor(
      [hit('hood', 0.5), hit('left_fender', 0.5)],
      'en',
    );
    const lines = paintLines(decisions, byId, DE, en, nameOf);
    // Before: fender −0.2 h and a third blend into the bumper (1.25 h). Now the fender loses
    // 0.4 h (a further panel touching the hood) and the bumper is not a blend target.
    expect(lines.map((l) => [l.operation, l.component_name, l.labor_hours, l.amount])).toEqual([
      ['refinish', 'hood', 3.2, '592.00'], // 3.2 × 185
      ['refinish', 'left_fender', 1.8, '333.00'], // (2.2 − 0.4) × 185
      ['blend', 'right_fender', 1.1, '203.50'], // hood → fenders: 2.2 × 0.5
      ['blend', 'left_front_door', 1.5, '277.50'], // fender → its door: 3.0 × 0.5
      ['refinish', 'hood', 2.16, '399.60'], // 3.2 × 0.4 + (1.8 + 1.1 + 1.5) × 0.2 = 1.28 + 0.88
    ]);
    expect(lines[1]!.description).toBe(
      'Refinish: Front fender left (2.20 h −0.40 h overlap with Hood)',
    );
    expect(lines[4]!.description).toBe('Clear coat (paint cycle): 4 panel(s)');
  });

  it('blends nothing from a light-scratch refinish unless the market says so', () => {
    // The expert's case: a light front bumper scratch brought 3.8 h of blends (fenders
    // 1.1 + 1.1, hood 1.6) under the old rule. Now: refinish 2.5 h + clear coat 1.0 h only.
    const { decisions, byId, nameOf } = decisionsFor([hit('left_front_door', 0.2, 'scratch')]);
    const lines = paintLines(decisions, byId, BR_SP, TEXT['pt-BR'], nameOf);
    expect(lines.map((l) => [l.operation, l.component_name, l.labor_hours])).toEqual([
      ['refinish', 'left_front_door', 3.0],
      ['refinish', 'left_front_door', 1.2], // clear coat 3.0 × 0.4
    ]);
    const market = structuredClone(BR_SP);
    market.paint.blend.refinish_only = true;
    const blending = paintLines(decisions, byId, market, TEXT['pt-BR'], nameOf);
    expect(blending.filter((l) => l.operation === 'blend').map((l) => l.labor_hours)).toEqual([
      1.1,
      1.4, // fender 2.2 × 0.5, rear door 2.8 × 0.5
    ]);
  });

  it('does not count a panel the overlap left without hours in the clear-coat line', () => {
    const { decisions, byId, nameOf } = decisionsFor([hit('hood', 0.5), hit('left_fender', 0.5)]);
    const market = structuredClone(BR_SP);
    market.paint.overlap.adjacent_hours = 5; // the fender loses all its 2.2 h
    const lines = paintLines(decisions, byId, market, TEXT['pt-BR'], nameOf);
    expect(lines[1]!.labor_hours).toBe(0);
    // hood 3.2, right fender blend 1.1, front door blend 1.5: 3 panels, not 4.
    expect(lines.at(-1)!.description).toBe('Verniz (ciclo de pintura): 3 painel(is)');
  });

  it('writes no clear-coat line when the cycle has no hours', () => {
    const { decisions, byId, nameOf } = decisionsFor([hit('roof', 0.2, 'scratch')]);
    const market = structuredClone(BR_SP);
    market.paint.clear_coat_cap_hours = 0;
    expect(
      paintLines(decisions, byId, market, TEXT['pt-BR'], nameOf).map((l) => l.operation),
    ).toEqual(['refinish']);
  });
});

describe('R&I for access and sublets', () => {
  it('removes what is in the way of a replaced or repaired component, unless it is replaced', () => {
    const removals = (hits: ComponentDamage[]) => {
      const { decisions, byId } = decisionsFor(hits);
      return [...removalsForAccess(decisions, byId)].map(([id, r]) => [
        id,
        r.labour.hours,
        r.confidence,
        r.for,
      ]);
    };
    expect(
      removals([hit('grille', 0.7, 'impact', 0.5), hit('radiator', 0.4, 'impact', 0.8)]),
    ).toEqual([['front_bumper', 0.8, 0.8, ['grille', 'radiator']]]);
    expect(removals([hit('grille', 0.7), hit('front_bumper', 0.9)])).toEqual([]);
    // A bumper repair does not replace it: it is removed once, for the grille and its own repair.
    expect(removals([hit('grille', 0.7), hit('front_bumper', 0.3)])).toEqual([
      ['front_bumper', 0.8, 1, ['grille', 'front_bumper']],
    ]);
    // A repaired front bumper is repaired off the car (remove_for_repair); a refinish-only
    // scratch is not removed.
    expect(removals([hit('front_bumper', 0.3, 'impact', 0.7)])).toEqual([
      ['front_bumper', 0.8, 0.7, ['front_bumper']],
    ]);
    expect(removals([hit('front_bumper', 0.2, 'scratch')])).toEqual([]);
    // A light scratch on an unpainted part gets no operation, so needs no access.
    expect(removals([hit('front_panel', 0.1, 'scratch')])).toEqual([]);
  });

  it('calibrates each sensor once, on the first replaced or removed component carrying it', () => {
    const { decisions, byId } = decisionsFor([
      hit('grille', 0.7, 'impact', 0.6),
      hit('windscreen', 0.4, 'impact', 0.7),
      hit('left_headlight', 0.9, 'impact', 0.9),
    ]);
    const removals = removalsForAccess(decisions, byId);
    const calibrations = adasCalibrations(decisions, removals, byId);
    // Replaced components first (windscreen), then removed ones (bumper, for grille + headlight).
    expect(calibrations).toEqual([
      { component: 'windscreen', adas: 'front_camera', confidence: 0.7 },
      { component: 'front_bumper', adas: 'front_radar', confidence: 0.9 },
    ]);
    const sublet = subletLines(calibrations, alignmentFor(decisions), BR_SP.sublet_prices, en);
    expect(sublet.lines.map((l) => [l.component_name, l.amount, l.confidence])).toEqual([
      ['windscreen', '950.00', 0.63], // 0.7 × 0.9
      ['front_bumper', '850.00', 0.81],
    ]);
    expect(sublet.adas.toFixed(2)).toBe('1800.00');
    expect(sublet.alignment.toFixed(2)).toBe('0.00');
  });

  it('calibrates the front radar when a repaired front bumper is removed for its repair', () => {
    const { decisions, byId, nameOf } = decisionsFor([hit('front_bumper', 0.3)]);
    const removals = removalsForAccess(decisions, byId);
    expect(adasCalibrations(decisions, removals, byId)).toEqual([
      { component: 'front_bumper', adas: 'front_radar', confidence: 1 },
    ]);
    const [ri] = removeInstallLines(removals, BR_SP.labour_rates, TEXT['pt-BR'], nameOf);
    expect(ri!.description).toBe(
      'R&I (remoção e instalação): Para-choque dianteiro (para a recuperação)',
    );
    expect(ri!.amount).toBe('192.00'); // 0.8 h × R$ 240
  });

  it('follows a new condenser with one A/C evacuate & recharge, a new wheel with tyre mount & balance', () => {
    const { decisions, nameOf } = decisionsFor([
      hit('condenser', 0.5),
      hit('left_front_wheel', 0.5),
      hit('right_front_wheel', 0.9),
      hit('radiator', 0.9), // opens no refrigerant circuit
    ]);
    const follow = followUpLines(decisions, BR_SP, TEXT['pt-BR'], nameOf);
    expect(
      follow.lines.map((l) => [l.operation, l.component_name, l.labor_hours, l.amount]),
    ).toEqual([
      ['service', 'condenser', 0.8, '232.00'], // 0.8 h × R$ 290
      ['service', 'left_front_wheel', 0.3, '87.00'], // 0.3 h × R$ 290
      ['service', 'right_front_wheel', 0.3, '87.00'],
    ]);
    expect(follow.lines[0]!.description).toBe(
      'Evacuação e recarga do ar-condicionado (R-1234yf): Condensador do ar-condicionado',
    );
    expect(follow.refrigerant.toFixed(2)).toBe('320.00'); // one R-1234yf charge, São Paulo *est*
    // Nothing follows a wheel that is only checked (impact below 0.25).
    const checked = decisionsFor([hit('left_front_wheel', 0.1)]);
    expect(followUpLines(checked.decisions, BR_SP, TEXT['pt-BR'], checked.nameOf).lines).toEqual(
      [],
    );
  });

  it('calibrates a sensor once even when two replaced components carry it', () => {
    const vehicle = structuredClone(catalog.vehicles.get('tcross')!);
    const byId = vehicleComponents(vehicle);
    byId.get('grille')!.adas = 'front_radar';
    const nameOf = (id: string) => id;
    const hits = [hit('grille', 0.9, 'impact', 0.5), hit('front_bumper', 0.9, 'impact', 0.8)];
    const { decisions } = chooseOperations(hits, catalog.components, byId, THRESHOLDS, en, nameOf);
    const calibrations = adasCalibrations(decisions, removalsForAccess(decisions, byId), byId);
    expect(calibrations).toEqual([{ component: 'grille', adas: 'front_radar', confidence: 0.5 }]);
  });

  it('sublets one wheel alignment for the first replaced or repaired component needing it', () => {
    const { decisions } = decisionsFor([
      hit('hood', 0.5),
      hit('steering_rack', 0.9, 'impact', 0.4),
      hit('left_front_suspension', 0.9),
    ]);
    const alignment = alignmentFor(decisions);
    expect(alignment?.canonical.id).toBe('steering_rack');
    const sublet = subletLines([], alignment, DE.sublet_prices, en);
    expect(sublet.lines.map((l) => [l.component_name, l.description, l.amount])).toEqual([
      ['steering_rack', 'Sublet: Wheel alignment', '95.00'],
    ]);
    expect(sublet.alignment.toFixed(2)).toBe('95.00');
    expect(alignmentFor(decisionsFor([hit('hood', 0.5)]).decisions)).toBeUndefined();
    // A new wheel is aligned too; a checked steering rack (6 %) is measured, not aligned.
    expect(alignmentFor(decisionsFor([hit('left_rear_wheel', 0.5)]).decisions)?.canonical.id).toBe(
      'left_rear_wheel',
    );
    expect(alignmentFor(decisionsFor([hit('steering_rack', 0.06)]).decisions)).toBeUndefined();
  });
});

describe('lines', () => {
  it("multiplies the component's confidence by the operation's", () => {
    expect(lineConfidence(0.9, 'replace')).toBe(0.855);
    expect(lineConfidence(1, 'blend')).toBe(0.8);
  });

  it('prices a labour line at its category rate, half-up to the cent', () => {
    const line = labourLine(
      {
        operation: 'repair',
        component: 'hood',
        description: 'Repair: Hood',
        hours: d('0.33'),
        category: 'body',
        confidence: 1,
      },
      { ...BR_SP.labour_rates, body: '241.15' },
    );
    expect(line.amount).toBe('79.58'); // 79.5795
    expect(line.labor_hours).toBe(0.33);
  });

  it('numbers lines from 1 and gives each part the number of its replace line', () => {
    const draft = (component: string): LineDraft => ({
      operation: 'replace',
      component_name: component,
      description: '',
      part_number: null,
      quantity: 1,
      unit_price: '1.00',
      labor_hours: 0,
      labor_category: null,
      amount: '1.00',
      confidence: 1,
    });
    const part = {
      part_number: '2GM 807 221',
      part_name: 'x',
      component_name: 'front_bumper',
      quantity: 1,
      unit_price: '1.00',
      category: 'body' as const,
      labor_hours: 0,
      confidence: 1,
      illustrative: true as const,
    };
    const { lines, parts } = numberLines([
      draft('hood'),
      { line: draft('front_bumper'), part },
      draft('grille'),
      { line: draft('left_fender'), part: { ...part, component_name: 'left_fender' } },
    ]);
    expect(lines.map((l) => [l.line_no, l.component_name])).toEqual([
      [1, 'hood'],
      [2, 'front_bumper'],
      [3, 'grille'],
      [4, 'left_fender'],
    ]);
    expect(parts.map((p) => [p.line_no, p.component_name])).toEqual([
      [2, 'front_bumper'],
      [4, 'left_fender'],
    ]);
  });
});

describe('totals', () => {
  const line = (
    operation: EstimateLine['operation'],
    labor_hours: number,
    labor_category: LaborCategory | null,
  ): EstimateLine => ({
    line_no: 1,
    operation,
    component_name: 'hood',
    description: '',
    part_number: null,
    quantity: 0,
    unit_price: null,
    labor_hours,
    labor_category,
    amount: '0.00',
    confidence: 1,
  });

  it('sums hours per category in a fixed order and rounds each category once', () => {
    const lines = [
      line('refinish', 3.2, 'paint'),
      line('repair', 0.15, 'body'),
      line('remove_install', 0.15, 'body'),
      line('sublet', 0, null),
      line('replace', 0.33, 'electrical'),
      line('replace', 0.3, 'mechanical'),
    ];
    const rates = { ...BR_SP.labour_rates, body: '241.15', mechanical: '241.15' };
    const labour = labourByCategory(lines, rates);
    expect(labour.labor).toEqual([
      { category: 'body', hours: 0.3, rate: '241.15', amount: '72.35' }, // 72.345
      { category: 'paint', hours: 3.2, rate: '260.00', amount: '832.00' },
      { category: 'mechanical', hours: 0.3, rate: '241.15', amount: '72.35' },
      { category: 'electrical', hours: 0.33, rate: '290.00', amount: '95.70' },
    ]);
    // The sum of the rounded categories (not 2 × 72.345 + 927.70 = 1072.39).
    expect(labour.total.toFixed(2)).toBe('1072.40');
    expect(labour.hours.toFixed(2)).toBe('4.13');
  });

  it('counts refinish and blend hours (clear coat included) for paint materials', () => {
    const lines = [
      line('refinish', 3.2, 'paint'),
      line('blend', 1.1, 'paint'),
      line('refinish', 1.72, 'paint'),
      line('repair', 2, 'body'),
    ];
    expect(paintHours(lines).toFixed(2)).toBe('6.02');
    const others = otherTotals(
      BR_SP,
      d('1234.25'),
      paintHours(lines),
      { adas: d('850'), alignment: d(0) },
      d('320.00'),
    );
    expect(Object.entries(others).map(([k, v]) => [k, v.toFixed(2)])).toEqual([
      ['paint_materials', '903.00'], // 6.02 × 150
      ['small_parts', '24.69'], // 2% of 1234.25 = 24.685
      ['ac_refrigerant', '320.00'], // one R-1234yf charge
      ['adas_calibration', '850.00'],
      ['wheel_alignment', '0.00'],
    ]);
  });
});

describe('taxes', () => {
  const bases = (parts: Decimal.Value, services: Decimal.Value) => ({
    parts: d(parts),
    services: d(services),
  });

  it('puts small parts in the parts base and materials and sublets in the services base', () => {
    const b = taxBases({
      parts: d('1302'),
      smallParts: d('26.04'),
      labour: d('306'),
      paintMaterials: d('0'),
      adas: d('380'),
      alignment: d('95'),
    });
    expect([fixed(b.parts), fixed(b.services)]).toEqual(['1328.04', '781.00']);
  });

  it('rounds each tax line half-up to the cent, never to even', () => {
    const lines = taxLines(BR_SP.taxes, bases('0.25', '10.50'), true);
    expect(lines).toEqual([
      { name: 'ICMS', rate: '18.00', base: '0.25', amount: '0.05', included: true }, // 0.045
      { name: 'ISS', rate: '5.00', base: '10.50', amount: '0.53', included: true }, // 0.525
    ]);
    expect(taxTotal(lines).toFixed(2)).toBe('0.58');
  });

  it('applies German VAT to parts and services together and adds it to the net total', () => {
    // The windscreen: 1302 parts + 26.04 small parts, 306 labour + 380 calibration = 2014.04 net.
    const lines = taxLines(DE.taxes, bases('1328.04', '686'), false);
    expect(lines).toEqual([
      { name: 'USt (VAT)', rate: '19.00', base: '2014.04', amount: '382.67', included: false },
    ]);
    expect(grandTotal(d('2014.04'), taxTotal(lines), false).toFixed(2)).toBe('2396.71');
    expect(grandTotal(d('2014.04'), taxTotal(lines), true).toFixed(2)).toBe('2014.04');
  });

  it('rounds each level of the approximate taxes, and the total is their sum', () => {
    const shares = BR_SP.approximate_taxes!;
    // parts 1000, services 500: federal 13% of both, state 18% of parts, municipal 5% of services.
    expect(approximateTaxes(shares, bases('1000', '500'), d('1500'))).toEqual({
      total: '400.00',
      percent: '26.67',
      federal: '195.00',
      state: '180.00',
      municipal: '25.00',
      source: 'IBPT',
    });
    // 0.0455 → 0.05, 0.045 → 0.05, 0.005 → 0.01: 0.11, not 0.0955 → 0.10.
    const tiny = approximateTaxes(shares, bases('0.25', '0.10'), d('0'));
    expect([tiny.federal, tiny.state, tiny.municipal, tiny.total]).toEqual([
      '0.05',
      '0.05',
      '0.01',
      '0.11',
    ]);
    expect(tiny.percent).toBe('0.00'); // nothing to divide by
  });
});

describe('totalLoss', () => {
  it('is a total loss from value × threshold on, exactly', () => {
    // 4532.27 × 0.75 = 3399.2025 > 3399.20; 4532.26 × 0.75 = 3399.195 ≤ 3399.20.
    expect(totalLoss(d('3399.20'), '4532.27', 0.75).summary.is_total_loss).toBe(false);
    const loss = totalLoss(d('3399.20'), '4532.26', 0.75);
    expect(loss.summary).toEqual({
      is_total_loss: true,
      vehicle_value: '4532.26',
      repair_cost: '3399.20',
      ratio: 0.75,
      threshold: 0.75,
    });
    expect(loss.percent).toBe('75.0');
    // At the threshold itself: 4000 × 0.75 = 3000.
    expect(totalLoss(d('3000.00'), '4000.00', 0.75).summary.is_total_loss).toBe(true);
    expect(totalLoss(d('2999.99'), '4000.00', 0.75).summary.is_total_loss).toBe(false);
  });

  it('is a total loss only above value × threshold under the "above" rule (Germany)', () => {
    // Repair cost exactly the replacement value: a total loss in Brazil's reading, not in Germany's.
    expect(totalLoss(d('52000.00'), '52000.00', 1, 'at_or_above').summary.is_total_loss).toBe(true);
    expect(totalLoss(d('52000.00'), '52000.00', 1, 'above').summary.is_total_loss).toBe(false);
    expect(totalLoss(d('52000.01'), '52000.00', 1, 'above').summary.is_total_loss).toBe(true);
    expect(DE.total_loss.rule).toBe('above');
    expect(BR_SP.total_loss.rule).toBe('at_or_above');
  });

  it('gives the ratio to 4 places and the percentage to 1, half-up', () => {
    const loss = totalLoss(d('1234.50'), '1000', 1);
    expect(loss.summary.ratio).toBe(1.2345);
    expect(loss.percent).toBe('123.5'); // 123.45
  });

  it('never declares a vehicle without a value a total loss', () => {
    const loss = totalLoss(d('5000'), '0.00', 0.75);
    expect(loss.summary.is_total_loss).toBe(false);
    expect(loss.summary.ratio).toBe(0);
  });
});

describe('duration and validity', () => {
  it('adds the lead time only when parts are needed', () => {
    expect(partsLeadDays(0, 2)).toBe(0);
    expect(partsLeadDays(3, 2)).toBe(2);
    expect(isoDuration(1.2, 8, partsLeadDays(1, 2))).toBe('P2DT1H30M');
  });

  it('keeps an estimate valid for the market’s days from its creation', () => {
    const now = new Date('2026-03-02T13:00:00.000Z');
    expect(validUntil(now, 10).toISOString()).toBe('2026-03-12T13:00:00.000Z');
  });
});
