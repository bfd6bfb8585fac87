/**
 * The domain services without HTTP: idempotent writes, which vehicle model an analysis is for,
 * parts lead time in a dealer's slots, and slots that are never on Sunday or in the past.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadCatalog } from '../../actors/catalog/load.js';
import { readDataFile } from '../../actors/catalog/read-data-file.js';
import { DEFAULT_DATA_DIR, loadPartMapping } from '../../actors/damage/mapping.js';
import { loadTelemetrySamples } from '../../actors/damage/samples.js';
import { isoDuration } from '../../actors/estimate/estimate.js';
import { PartsNetworkFile } from '../../actors/dealers/parts-plan.js';
import { openSlots } from '../../actors/dealers/slots.js';
import { DomainError } from '../../actors/errors.js';
import type { Inventory } from '../../actors/ports.js';
import { createServices } from '../../actors/services.js';
import { MemoryStore } from '../../adapters/store/memory-store.js';
import { Dealer, type Slot } from '../../machines/schemas.js';

const catalog = loadCatalog();
const mapping = loadPartMapping();
const samples = loadTelemetrySamples();
const { dealers } = readDataFile(
  join(DEFAULT_DATA_DIR, 'dealers.json'),
  z.object({ dealers: z.array(Dealer) }),
);

/** Monday 2 March 2026, 10:00 in São Paulo (13:00 UTC). */
const MONDAY_10H = new Date('2026-03-02T13:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const plentyInStock: Inventory = { onHand: () => 99 };
const nothingInStock: Inventory = { onHand: () => 0 };
const network = readDataFile(join(DEFAULT_DATA_DIR, 'parts-network.json'), PartsNetworkFile);

/** Services over a fresh store; `now` moves on a second per read, so a second analysis would show. */
function services(options: { inventory?: Inventory; now?: () => Date } = {}) {
  let tick = MONDAY_10H.getTime();
  return createServices({
    catalog,
    mapping,
    dealers,
    store: new MemoryStore(),
    inventory: options.inventory ?? plentyInStock,
    network,
    now: options.now ?? (() => new Date((tick += 1000))),
  });
}

function sample(id: string) {
  const found = samples.find((s) => s.id === id);
  if (!found) throw new Error(`no sample ${id}`);
  return found;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).code;
  }
  return undefined;
}

/** Weekday of a slot in its own (-03:00) local time: 0 = Sunday. */
function localWeekday(slot: Slot): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T/.exec(slot.start)!;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
}

describe('idempotent writes', () => {
  it('analyses a request once: the same request id gives the same damage record', () => {
    const s = services();
    const req = {
      request_id: 'r-1',
      session_id: 'sess-1',
      telemetry: sample('tcross-front').telemetry,
      vehicle_model: 'tcross',
    };
    const first = s.analyze(req);
    const second = s.analyze(req);
    expect(second.damage_id).toBe('dmg-r-1');
    expect(second).toBe(first);
    expect(second.crash_timestamp).toBe(first.crash_timestamp);
    expect(s.analyze({ ...req, request_id: 'r-2' }).crash_timestamp).not.toBe(
      first.crash_timestamp,
    );
  });

  it('books a request once and invoices an appointment once, numbering per dealer in sequence', () => {
    const s = services();
    const damage = s.analyze({
      request_id: 'r-1',
      session_id: null,
      telemetry: sample('golf-normalized').telemetry,
    });
    const estimate = s.estimate(damage);
    const [slotA, slotB] = s.dealerSlots('vw-sp-001', estimate.estimate_id).slots;
    const booking = {
      request_id: 'b-1',
      session_id: null,
      estimate_id: estimate.estimate_id,
      dealer_id: 'vw-sp-001',
      slot_start: slotA!.start,
    };
    const first = s.book(booking);
    const again = s.book(booking);
    expect(again.appointment_id).toBe(first.appointment_id);
    expect(again).toEqual(first);
    // Another request for the same slot loses it.
    expect(() => s.book({ ...booking, request_id: 'b-2' })).toThrow(
      expect.objectContaining({ code: 'slot_taken' }),
    );

    // Issued with the booking: an NF-e (parts) and an NFS-e (services), each first in its series.
    const invoice = s.invoice(first);
    const numbers = (i: typeof invoice) => i.documents.map((d) => [d.kind, d.series, d.number]);
    expect(numbers(invoice)).toEqual([
      ['nfe', '1', 1],
      ['nfse', 'NFS', 1],
    ]);
    expect(invoice.invoice_number).toBe('NF-e 1/000.000.001');
    expect(s.invoice(first)).toEqual(invoice);
    const second = s.book({ ...booking, request_id: 'b-3', slot_start: slotB!.start });
    expect(numbers(s.invoice(second))).toEqual([
      ['nfe', '1', 2],
      ['nfse', 'NFS', 2],
    ]);
  });
});

describe('the vehicle model of a crash: asked > named by the telemetry > simulator > station', () => {
  const tcrossTelemetry = sample('tcross-front').telemetry;
  const anonymous = sample('golf-light-scrape').telemetry; // names no model
  let n = 0;
  const analyse = (
    s: ReturnType<typeof services>,
    telemetry: unknown,
    models: { vehicle_model?: string | null; simulator_model?: string; station_model?: string },
  ) => s.analyze({ request_id: `m-${(n += 1)}`, session_id: null, telemetry, ...models });

  it('takes the model asked for over the one in the telemetry and the station', () => {
    const s = services();
    expect(
      analyse(s, tcrossTelemetry, { vehicle_model: 'golf', station_model: 'tcross' }).vehicle_model,
    ).toBe('golf');
  });

  it('takes the model named in the telemetry over the simulator and the station', () => {
    const s = services();
    expect(
      analyse(s, tcrossTelemetry, { simulator_model: 'golf', station_model: 'golf' }).vehicle_model,
    ).toBe('tcross');
  });

  it("takes the simulator's word, then the station's, when the telemetry names none", () => {
    const s = services();
    expect(
      analyse(s, anonymous, { simulator_model: 'golf', station_model: 'tcross' }).vehicle_model,
    ).toBe('golf');
    expect(analyse(s, anonymous, { station_model: 'tcross' }).vehicle_model).toBe('tcross');
    expect(analyse(s, anonymous, { station_model: 'golf' }).vehicle_model).toBe('golf');
  });

  it('refuses an unknown model asked for, naming the supported ones, even when the telemetry names one', () => {
    const s = services();
    expect(
      codeOf(() =>
        analyse(s, tcrossTelemetry, { vehicle_model: 'passat', station_model: 'tcross' }),
      ),
    ).toBe('unknown_vehicle_model');
    expect(() => s.resolveVehicleModel({ requested: 'passat', named: 'tcross' })).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('golf, tcross'),
        details: { supported: ['golf', 'tcross'] },
      }),
    );
  });

  it('asks for a model when there is none to be had', () => {
    const s = services();
    expect(codeOf(() => analyse(s, anonymous, {}))).toBe('vehicle_model_required');
    expect(codeOf(() => analyse(s, anonymous, { station_model: 'beetle' }))).toBe(
      'vehicle_model_required',
    );
  });

  it('refuses unreadable telemetry before asking for a model, and stores nothing', () => {
    const s = services();
    expect(() => analyse(s, { nonsense: true }, {})).toThrow(
      expect.objectContaining({ code: 'telemetry_invalid' }),
    );
  });
});

describe('checkDealer: the dealer prices the estimate and plans its parts', () => {
  function estimateWith(inventory: Inventory) {
    const s = services({ inventory, now: () => MONDAY_10H });
    const damage = s.analyze({
      request_id: 'r-1',
      session_id: null,
      telemetry: sample('tcross-front').telemetry,
      vehicle_model: 'tcross',
    });
    const estimate = s.estimate(damage);
    expect(estimate.parts.length).toBeGreaterThan(0);
    return { s, estimate };
  }

  it('offers nothing before the parts centre delivers (2 working days) when nobody has stock', () => {
    const { s, estimate } = estimateWith(nothingInStock);
    const { slots, plan } = s.checkDealer('vw-sp-001', estimate);
    expect(plan.lines.every((l) => l.source.kind === 'parts_centre')).toBe(true);
    // Monday 10:00 + 2 working days: Wednesday, at the dealer's 08:00 opening.
    expect(plan.ready_date).toBe('2026-03-04T08:00:00-03:00');
    expect(slots[0]!.start).toBe('2026-03-04T08:00:00-03:00');
    for (const slot of slots)
      expect(Date.parse(slot.start)).toBeGreaterThanOrEqual(Date.parse(plan.ready_date));
  });

  it('offers the same day when every part is on the shelf', () => {
    const { s, estimate } = estimateWith(plentyInStock);
    const { slots, plan } = s.checkDealer('vw-sp-001', estimate);
    expect(plan.transfer_cost).toBe('0.00');
    expect(slots[0]!.start).toBe('2026-03-02T11:00:00-03:00');
  });

  it("prices with the dealer's state and its own labour rates: a new version, the same lines", () => {
    const { s, estimate } = estimateWith(plentyInStock);
    const rio = s.dealer('vw-rj-001');
    const { estimate: priced } = s.checkDealer(rio.dealer_id, estimate);
    expect(estimate.market).toBe('BR-SP');
    expect(priced).toMatchObject({
      estimate_id: `${estimate.estimate_id}@vw-rj-001`,
      version: 2,
      dealer_id: 'vw-rj-001',
      market: 'BR-RJ',
    });
    const shape = (e: typeof estimate) =>
      e.lines.map((l) => [l.operation, l.component_name, l.part_number, l.labor_hours]);
    expect(shape(priced)).toEqual(shape(estimate));
    // Rio's taxes (ICMS 20 % with FECP 2 %) and the dealer's own rate per category.
    expect(priced.tax_lines.map((t) => t.name)).toEqual(['ICMS', 'FECP', 'ISS']);
    for (const labour of priced.labor) expect(labour.rate).toBe(rio.labour_rates[labour.category]);
    // Every part on the shelf: the duration is the workshop time alone (the venue's estimate,
    // not knowing the stock, adds the market's lead time of 2 days).
    const hours = priced.labor.reduce((sum, l) => sum + l.hours, 0);
    expect(priced.estimated_duration).toBe(isoDuration(hours, 8, 0));
    expect(estimate.estimated_duration).toBe(isoDuration(hours, 8, 2));
    // The orçamento's dates: the first free slot, and the work done from there (hours allowing).
    expect(Date.parse(priced.start_date!)).toBe(
      Date.parse(s.checkDealer(rio.dealer_id, estimate).slots[0]!.start),
    );
    expect(Date.parse(priced.finish_date!)).toBeGreaterThan(Date.parse(priced.start_date!));
    expect(priced.payment_terms).toMatch(/Pagamento/);
    // Made once: the same on a second check.
    expect(s.checkDealer(rio.dealer_id, estimate).estimate).toEqual(priced);
  });

  it('answers an unknown dealer with dealer_not_found', () => {
    const { s, estimate } = estimateWith(plentyInStock);
    expect(codeOf(() => s.checkDealer('vw-xx-000', estimate))).toBe('dealer_not_found');
  });
});

describe('a booking plans at the clock of the plan the attendee was shown', () => {
  it('keeps a courier arriving just before the slot when the booking comes minutes later', () => {
    // Parts only at vw-sp-002 (Vila Mariana's courier to vw-sp-001): sent at 10:00 they are
    // there before 12:00; the attendee takes 25 minutes to choose.
    let now = MONDAY_10H;
    const s = services({
      inventory: { onHand: (dealer_id) => (dealer_id === 'vw-sp-002' ? 1 : 0) },
      now: () => now,
    });
    const estimate = s.estimate(
      s.analyze({
        request_id: 'r-late',
        session_id: null,
        telemetry: sample('tcross-front').telemetry,
        vehicle_model: 'tcross',
      }),
    );
    const { plan, slots } = s.checkDealer('vw-sp-001', estimate);
    expect(plan.lines.every((l) => l.source.kind === 'dealer')).toBe(true);
    const first = slots[0]!;
    expect(Date.parse(first.start)).toBeGreaterThanOrEqual(Date.parse(plan.ready_date));
    now = new Date(MONDAY_10H.getTime() + 25 * 60_000);
    const booking = {
      session_id: null,
      estimate_id: estimate.estimate_id,
      dealer_id: 'vw-sp-001',
      slot_start: first.start,
    };
    const booked = s.book({ ...booking, request_id: 'b-late', planned_at: plan.planned_at });
    expect(booked.parts_plan.ready_date).toBe(plan.ready_date);
    expect(booked.created_at).toBe(now.toISOString());
    // A plan older than half an hour is made again at the booking's own clock.
    now = new Date(MONDAY_10H.getTime() + 45 * 60_000);
    s.cancel(booked.appointment_id);
    const later = s.book({
      ...booking,
      request_id: 'b-later',
      planned_at: plan.planned_at,
      slot_start: slots[1]!.start,
    });
    expect(later.parts_plan.planned_at).not.toBe(plan.planned_at);
  });
});

describe('reservations: a booking takes its parts off the shelves, a cancel puts them back', () => {
  /** One unit of every part, at vw-sp-001 only. */
  const oneEachAtSp001: Inventory = {
    onHand: (dealer_id) => (dealer_id === 'vw-sp-001' ? 1 : 0),
  };

  it('plans the second booking without the units the first reserved', () => {
    const s = services({ inventory: oneEachAtSp001, now: () => MONDAY_10H });
    const estimateOf = (request_id: string) =>
      s.estimate(
        s.analyze({
          request_id,
          session_id: null,
          telemetry: sample('tcross-front').telemetry,
          vehicle_model: 'tcross',
        }),
      );
    const first = estimateOf('r-a');
    const second = estimateOf('r-b');
    expect(
      s.partsPlan(second.estimate_id, 'vw-sp-001').lines.every((l) => l.source.kind === 'own'),
    ).toBe(true);
    const { slots } = s.dealerSlots('vw-sp-001', first.estimate_id);
    const booked = s.book({
      request_id: 'b-a',
      session_id: null,
      estimate_id: first.estimate_id,
      dealer_id: 'vw-sp-001',
      slot_start: slots[0]!.start,
    });
    expect(booked.parts_plan.lines.every((l) => l.source.kind === 'own')).toBe(true);
    // The shelf is empty now: the second estimate's parts come from the parts centre.
    const after = s.partsPlan(second.estimate_id, 'vw-sp-001');
    expect(after.lines.every((l) => l.source.kind === 'parts_centre')).toBe(true);
    s.cancel(booked.appointment_id);
    expect(s.appointment(booked.appointment_id).status).toBe('cancelled');
    expect(
      s.partsPlan(second.estimate_id, 'vw-sp-001').lines.every((l) => l.source.kind === 'own'),
    ).toBe(true);
  });
});

describe('openSlots', () => {
  const dealer = dealers.find((d) => d.dealer_id === 'vw-sp-001')!;

  it('never offers a Sunday, even asked on a Saturday afternoon for many days', () => {
    const saturdayAfternoon = new Date('2026-03-07T17:00:00.000Z'); // 14:00 local, after Saturday closing
    const slots = openSlots(dealer, { now: saturdayAfternoon, days: 12, per_day: 24 });
    expect(slots.length).toBeGreaterThan(50);
    expect(slots.map(localWeekday)).not.toContain(0);
    // The first slot is Monday 08:00.
    expect(slots[0]!.start).toBe('2026-03-09T08:00:00-03:00');
  });

  it('offers nothing in the past or within the next hour', () => {
    for (const now of [
      MONDAY_10H,
      new Date('2026-03-06T20:30:00.000Z'),
      new Date('2026-03-02T10:59:00.000Z'),
    ]) {
      const slots = openSlots(dealer, { now });
      expect(slots.length).toBeGreaterThan(0);
      for (const slot of slots)
        expect(Date.parse(slot.start), `${now.toISOString()} ${slot.start}`).toBeGreaterThanOrEqual(
          now.getTime() + HOUR,
        );
    }
  });

  it('skips taken slots and honours earliest', () => {
    const first = openSlots(dealer, { now: MONDAY_10H })[0]!;
    const taken = new Set([Date.parse(first.start)]);
    expect(openSlots(dealer, { now: MONDAY_10H, taken })[0]!.start).not.toBe(first.start);
    const earliest = new Date(MONDAY_10H.getTime() + 3 * DAY);
    for (const slot of openSlots(dealer, { now: MONDAY_10H, earliest }))
      expect(Date.parse(slot.start)).toBeGreaterThanOrEqual(earliest.getTime());
  });
});
