/**
 * The parts plan and the dealer calendar, with expectations worked out by hand.
 *
 * The network: dealer A and senders along A's meridian, so each distance is exactly the km
 * written (great circle along a meridian). Courier: R$ 30 + R$ 1.60 per road km, road km =
 * 1.3 × great circle, 60 min packing then 30 km/h; transfers up to 60 km. Parts centre:
 * R$ 120 per order, 2 working days, delivered at A's opening. All dealers open Mon–Fri
 * 08:00–18:00 and Sat 08:00–12:00 (local time, UTC−03:00).
 */
import { describe, expect, it } from 'vitest';
import { planParts, type Courier, type PartsCentre } from '../../actors/dealers/parts-plan.js';
import {
  bayHold,
  deliveryAfterWorkingDays,
  nextOpenAt,
  openSlots,
  workUntil,
} from '../../actors/dealers/slots.js';
import type { Dealer, RepairEstimate } from '../../machines/schemas.js';

/** Degrees of latitude per km on the haversine's sphere (R = 6371.0088 km). */
const DEG_PER_KM = 180 / (Math.PI * 6371.0088);
const A_LAT = -23.6;
const LON = -46.64;

function dealer(id: string, kmNorth: number, overrides: Partial<Dealer> = {}): Dealer {
  return {
    dealer_id: id,
    name: `Dealer ${id}`,
    cnpj: '11.222.333/0001-81',
    street: 'Rua X, 1',
    district: `Bairro ${id}`,
    city: 'São Paulo',
    state: 'SP',
    cep: '04000-000',
    phone: '+55 (11) 3000-0000',
    lat: A_LAT + kmNorth * DEG_PER_KM,
    lon: LON,
    services: ['funilaria', 'mecanica'],
    hours: {
      mon: ['08:00', '18:00'],
      tue: ['08:00', '18:00'],
      wed: ['08:00', '18:00'],
      thu: ['08:00', '18:00'],
      fri: ['08:00', '18:00'],
      sat: ['08:00', '12:00'],
      sun: null,
    },
    bays: 2,
    labour_rates: { body: '240.00', paint: '260.00', mechanical: '290.00', electrical: '290.00' },
    courtesy_car: false,
    illustrative: true,
    ...overrides,
  };
}

const A = dealer('A', 0);
const B = dealer('B', 5);
const C = dealer('C', 10);
const E = dealer('E', 12);
const F = dealer('F', 10.5);
const FAR = dealer('FAR', 80);

const courier: Courier = {
  base: '30.00',
  per_km: '1.60',
  road_factor: 1.3,
  km_per_hour: 30,
  handling_minutes: 60,
  radius_km: 60,
};
const centre: PartsCentre = {
  id: 'pc',
  name: 'Parts centre',
  states: ['SP'],
  lat: -23.03,
  lon: -46.97,
  lead_working_days: 2,
  order_freight: '120.00',
};

/** Monday 7 December 2026, 10:00 in São Paulo. */
const MONDAY_10H = new Date('2026-12-07T13:00:00Z');

const estimate: Pick<RepairEstimate, 'estimate_id' | 'currency' | 'parts'> = {
  estimate_id: 'est-1',
  currency: 'BRL',
  parts: [
    { line_no: 1, part_number: 'P1', part_name: 'Bumper', quantity: 1 },
    { line_no: 2, part_number: 'P2', part_name: 'Grille', quantity: 1 },
    { line_no: 3, part_number: 'P3', part_name: 'Clip', quantity: 2 },
  ].map((p) => ({
    ...p,
    component_name: 'front_bumper',
    unit_price: '100.00',
    category: 'body' as const,
    labor_hours: 1,
    confidence: 1,
    illustrative: true as const,
  })),
};

/** Stock as "dealer:part" → units. */
function stock(units: Record<string, number>) {
  return (dealer_id: string, part_number: string) => units[`${dealer_id}:${part_number}`] ?? 0;
}

function plan(network: Dealer[], units: Record<string, number>, now = MONDAY_10H) {
  return planParts({
    dealer: A,
    estimate,
    network,
    available: stock(units),
    centre,
    courier,
    now,
  });
}

describe('parts plan', () => {
  it('takes own stock, and brings what is missing by courier from the dealers nearby', () => {
    const result = plan([A, B, C, FAR], { 'A:P1': 3, 'B:P2': 1, 'C:P3': 2, 'FAR:P2': 9 });
    // B: 5 km → 6.5 road km → 30 + 10.40 = 40.40; leaves 10:00, 60 + 13 min → 11:13.
    // C: 10 km → 13 road km → 30 + 20.80 = 50.80; 60 + 26 min → 11:26. Together 91.20 ≤ 120.
    expect(result.lines).toEqual([
      {
        part_number: 'P1',
        part_name: 'Bumper',
        quantity: 1,
        source: { kind: 'own' },
        eta: '2026-12-07T10:00:00-03:00',
        cost: '0.00',
      },
      {
        part_number: 'P2',
        part_name: 'Grille',
        quantity: 1,
        source: { kind: 'dealer', dealer_id: 'B' },
        eta: '2026-12-07T11:13:00-03:00',
        cost: '40.40',
      },
      {
        part_number: 'P3',
        part_name: 'Clip',
        quantity: 2,
        source: { kind: 'dealer', dealer_id: 'C' },
        eta: '2026-12-07T11:26:00-03:00',
        cost: '50.80',
      },
    ]);
    expect(result.transfer_cost).toBe('91.20');
    expect(result.ready_date).toBe('2026-12-07T11:26:00-03:00');
    expect(result.shipments.map((s) => [s.from_district, s.distance_km, s.cost])).toEqual([
      ['Bairro B', 5, '40.40'],
      ['Bairro C', 10, '50.80'],
    ]);
  });

  it('sends every missing part through the parts centre when one is held by nobody nearby', () => {
    // P3 only at FAR (80 km, beyond the courier's 60): the centre's order is needed anyway, and
    // it carries P2 too for no more (B's courier would add R$ 40.40 and not be any sooner).
    const result = plan([A, B, FAR], { 'A:P1': 1, 'B:P2': 1, 'FAR:P3': 5 });
    expect(result.lines.map((l) => [l.part_number, l.source.kind, l.cost, l.eta])).toEqual([
      ['P1', 'own', '0.00', '2026-12-07T10:00:00-03:00'],
      // Two working days after Monday: Wednesday, at A's opening. R$ 120 over two lines.
      ['P2', 'parts_centre', '60.00', '2026-12-09T08:00:00-03:00'],
      ['P3', 'parts_centre', '60.00', '2026-12-09T08:00:00-03:00'],
    ]);
    expect(result.transfer_cost).toBe('120.00');
    expect(result.ready_date).toBe('2026-12-09T08:00:00-03:00');
    expect(result.shipments).toHaveLength(1);
    expect(result.shipments[0]!.source).toEqual({ kind: 'parts_centre' });
  });

  it('prefers the parts centre when the couriers together would cost more', () => {
    // Three trips: B 40.40, C 50.80, F (10.5 km → 13.65 road km) 30 + 21.84 = 51.84 → 143.04 > 120.
    const threeParts = {
      ...estimate,
      parts: [...estimate.parts, { ...estimate.parts[0]!, line_no: 4, part_number: 'P4' }],
    };
    const result = planParts({
      dealer: A,
      estimate: threeParts,
      network: [A, B, C, F],
      available: stock({ 'A:P1': 1, 'B:P2': 1, 'C:P3': 2, 'F:P4': 1 }),
      centre,
      courier,
      now: MONDAY_10H,
    });
    expect(result.lines.filter((l) => l.source.kind === 'parts_centre')).toHaveLength(3);
    // R$ 120.00 over three lines: 40.00 each.
    expect(result.lines.map((l) => l.cost)).toEqual(['0.00', '40.00', '40.00', '40.00']);
    expect(result.transfer_cost).toBe('120.00');
  });

  it('chooses one courier carrying two parts over two couriers carrying one each', () => {
    // E (12 km → 15.6 road km): 30 + 24.96 = 54.96 for both, 27.48 a part; B alone 40.40, C 50.80.
    const result = plan([A, B, C, E], { 'B:P2': 1, 'C:P3': 2, 'E:P2': 1, 'E:P3': 2 });
    expect(result.lines.map((l) => [l.part_number, l.source, l.cost])).toEqual([
      // P1 is nowhere nearby: everything missing goes to the centre.
      ['P1', { kind: 'parts_centre' }, '40.00'],
      ['P2', { kind: 'parts_centre' }, '40.00'],
      ['P3', { kind: 'parts_centre' }, '40.00'],
    ]);
    const held = plan([A, B, C, E], { 'A:P1': 1, 'B:P2': 1, 'C:P3': 2, 'E:P2': 1, 'E:P3': 2 });
    expect(held.lines.map((l) => [l.part_number, l.source, l.cost])).toEqual([
      ['P1', { kind: 'own' }, '0.00'],
      ['P2', { kind: 'dealer', dealer_id: 'E' }, '27.48'],
      ['P3', { kind: 'dealer', dealer_id: 'E' }, '27.48'],
    ]);
    expect(held.transfer_cost).toBe('54.96');
    // 60 + 31.2 min after 10:00, to the minute → 11:31.
    expect(held.ready_date).toBe('2026-12-07T11:31:00-03:00');
  });

  it('needs the whole quantity at one sender', () => {
    // P3 needs 2; B has 1 and C has 1: nobody nearby has enough, so the centre.
    const result = plan([A, B, C], { 'A:P1': 1, 'A:P2': 1, 'B:P3': 1, 'C:P3': 1 });
    expect(result.lines[2]!.source).toEqual({ kind: 'parts_centre' });
    expect(result.lines[2]!.cost).toBe('120.00');
  });

  it('is ready at once when the dealer has everything', () => {
    const result = plan([A, B], { 'A:P1': 1, 'A:P2': 1, 'A:P3': 2 });
    expect(result.lines.every((l) => l.source.kind === 'own')).toBe(true);
    expect(result.shipments).toEqual([]);
    expect(result.transfer_cost).toBe('0.00');
    expect(result.ready_date).toBe('2026-12-07T10:00:00-03:00');
  });

  it('receives a courier arriving after closing at the next opening', () => {
    // Friday 17:30: B is still open and sends; 73 min later it is 18:43 and A has closed: Saturday 08:00.
    const friday = new Date('2026-12-11T20:30:00Z');
    const result = plan([A, B], { 'A:P1': 1, 'A:P3': 2, 'B:P2': 1 }, friday);
    expect(result.lines[1]!.eta).toBe('2026-12-12T08:00:00-03:00');
    // The centre on a Friday: two working days are Monday and Tuesday.
    const viaCentre = plan([A], { 'A:P1': 1, 'A:P3': 2 }, friday);
    expect(viaCentre.lines[1]!.eta).toBe('2026-12-15T08:00:00-03:00');
  });

  it('is the same plan for the same stock and clock', () => {
    const units = { 'A:P1': 1, 'B:P2': 1, 'C:P3': 2, 'E:P2': 1 };
    expect(plan([A, B, C, E], units)).toEqual(plan([A, B, C, E], units));
    // The network's order does not matter.
    expect(plan([E, C, B, A], units)).toEqual(plan([A, B, C, E], units));
  });
});

describe('dealer calendar', () => {
  const at = (iso: string) => Date.parse(iso);

  it('finds the next opening', () => {
    // Saturday 13:00 (closed since 12:00), Sunday closed: Monday 08:00.
    expect(nextOpenAt(A, at('2026-12-12T13:00:00-03:00'))).toBe(at('2026-12-14T08:00:00-03:00'));
    expect(nextOpenAt(A, at('2026-12-07T09:15:00-03:00'))).toBe(at('2026-12-07T09:15:00-03:00'));
  });

  it('counts work in opening hours only', () => {
    // 12 h from Monday 08:00: 10 h on Monday, 2 h on Tuesday → Tuesday 10:00.
    expect(workUntil(A, at('2026-12-07T08:00:00-03:00'), 12)).toBe(at('2026-12-08T10:00:00-03:00'));
    // 5 h from Friday 16:00: 2 h Friday, 4 h Saturday is more than 3 → Saturday 11:00.
    expect(workUntil(A, at('2026-12-11T16:00:00-03:00'), 5)).toBe(at('2026-12-12T11:00:00-03:00'));
    // 9 h from Friday 16:00: 2 Friday + 4 Saturday + 3 Monday → Monday 11:00.
    expect(workUntil(A, at('2026-12-11T16:00:00-03:00'), 9)).toBe(at('2026-12-14T11:00:00-03:00'));
    expect(deliveryAfterWorkingDays(A, at('2026-12-11T17:00:00-03:00'), 1)).toBe(
      at('2026-12-14T08:00:00-03:00'),
    );
  });

  it('offers no slot that would need a bay when every bay is busy', () => {
    const oneBay = { ...A, bays: 1 };
    // One repair holds the only bay from Monday 08:00 to Tuesday 10:00.
    const busy = [bayHold(oneBay, at('2026-12-07T08:00:00-03:00'), 12)];
    const sunday = new Date('2026-12-06T12:00:00-03:00');
    const slots = openSlots(oneBay, { now: sunday, busy, work_hours: 1, days: 2 });
    expect(slots[0]!.start).toBe('2026-12-08T10:00:00-03:00');
    // With two bays, Monday 08:00 is free.
    expect(openSlots(A, { now: sunday, busy, work_hours: 1 })[0]!.start).toBe(
      '2026-12-07T08:00:00-03:00',
    );
  });

  it('starts no earlier than the parts are there', () => {
    const slots = openSlots(A, {
      now: MONDAY_10H,
      earliest: new Date('2026-12-09T08:00:00-03:00'),
    });
    expect(slots[0]!.start).toBe('2026-12-09T08:00:00-03:00');
  });
});
