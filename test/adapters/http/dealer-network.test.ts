/**
 * The dealer network through the API: search by position, CEP and city within a radius, with
 * filters and an estimate's availability; the parts plan on the shipped network and stock;
 * bookings that hold slot, bay and parts atomically under a hundred concurrent requests;
 * moving and cancelling; contact details; the offline map.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { distanceKm } from '../../../actors/dealers/search.js';
import { shelfKey } from '../../../actors/ports.js';
import {
  Appointment,
  DealerHit,
  PartsPlan,
  RepairEstimate,
  Slot,
} from '../../../machines/schemas.js';
import { buildApp, expectError, post, stopAll, type TestApp } from './helpers.js';

const live: TestApp[] = [];
afterEach(() => stopAll(live));

type App = TestApp['app'];

const SearchAnswer = z.object({
  origin: z.object({ lat: z.number(), lon: z.number(), label: z.string(), kind: z.string() }),
  radius_km: z.number(),
  dealers: z.array(DealerHit),
});
const SlotsAnswer = z.object({ slots: z.array(Slot), parts_plan: PartsPlan.nullable() });

async function json<T extends z.ZodType>(res: Response, schema: T, status = 200) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text)) as z.infer<T>;
}

const search = async (app: App, query: string) =>
  json(await app.request(`/api/dealers/search${query}`), SearchAnswer);

/** A fresh estimate of a recorded T-Cross crash, at the venue's market. */
async function freshEstimate(t: TestApp, request_id: string): Promise<RepairEstimate> {
  const sample = t.runtime.samples.find(
    (s) => s.vehicle_model === 'tcross' && s.shape === 'beamng_sensor',
  )!;
  const analysed = await json(
    await t.app.request(
      '/api/damage/analyze',
      post({ telemetry: sample.telemetry, vehicle_model: 'tcross', request_id }),
    ),
    z.object({ damage_id: z.string() }),
    201,
  );
  return json(await t.app.request(`/api/parts/estimate/${analysed.damage_id}`), RepairEstimate);
}

const slotsOf = async (app: App, dealer_id: string, estimate_id: string) =>
  json(
    await app.request(`/api/dealers/${dealer_id}/slots?estimate_id=${estimate_id}`),
    SlotsAnswer,
  );

const book = (app: App, body: object, key?: string) =>
  app.request('/api/appointments/book', post(body, key ? { 'Idempotency-Key': key } : {}));

describe('dealer search', () => {
  it('places a Rio CEP through the offline table and lists the dealers around it, nearest first', async () => {
    const { app } = buildApp(live);
    // 22041-001: Copacabana (Rua Barata Ribeiro). The Copacabana dealer is about a km away,
    // Botafogo's next; nothing in São Paulo within the default 50 km.
    const answer = await search(app, '?q=22041-001');
    expect(answer.origin).toMatchObject({ kind: 'place' });
    expect(answer.origin.label).toContain('Copacabana');
    expect(answer.radius_km).toBe(50);
    const ids = answer.dealers.map((d) => d.dealer_id);
    expect(ids.slice(0, 2)).toEqual(['vw-rj-012', 'vw-rj-002']);
    expect(answer.dealers[0]!.distance_km).toBeLessThan(2);
    for (const d of answer.dealers) {
      expect(d.state).toBe('RJ');
      expect(d.distance_km).toBeLessThanOrEqual(50);
      // The distance said is the great-circle distance from the place, to 0.1 km.
      expect(Math.abs(distanceKm(answer.origin, d) - d.distance_km)).toBeLessThanOrEqual(0.05);
    }
    const distances = answer.dealers.map((d) => d.distance_km);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    // Niterói is across the bay, within reach; Campinas is not.
    expect(answer.dealers.some((d) => d.city === 'Niterói')).toBe(true);
  });

  it('answers an empty list for a radius with no dealer in it, never one beyond it', async () => {
    const { app } = buildApp(live);
    // Santos, on the coast: the nearest dealer is in the ABC, over 30 km up the Serra do Mar.
    expect((await search(app, '?lat=-23.9608&lon=-46.3336&radius_km=20')).dealers).toEqual([]);
    const wider = await search(app, '?lat=-23.9608&lon=-46.3336&radius_km=60');
    expect(wider.dealers.length).toBeGreaterThan(0);
    for (const d of wider.dealers) expect(d.distance_km).toBeLessThanOrEqual(60);
  });

  it('filters by service and by the day a dealer opens', async () => {
    const { app } = buildApp(live);
    const all = (await search(app, '?radius_km=60')).dealers;
    const adas = (await search(app, '?radius_km=60&service=calibracao_adas')).dealers;
    expect(adas.length).toBeGreaterThan(0);
    expect(adas.length).toBeLessThan(all.length);
    for (const d of adas) expect(d.services).toContain('calibracao_adas');
    // Sunday 6 December 2026: every workshop is closed. Saturday: only those with Saturday hours.
    expect((await search(app, '?radius_km=60&open_on=2026-12-06')).dealers).toEqual([]);
    const saturday = (await search(app, '?radius_km=60&open_on=2026-12-05')).dealers;
    expect(saturday.length).toBeGreaterThan(0);
    for (const d of saturday) expect(d.hours.sat).not.toBeNull();
    expect(saturday.length).toBe(all.filter((d) => d.hours.sat !== null).length);
    await expectError(
      await app.request('/api/dealers/search?service=lavagem'),
      400,
      'invalid_query',
    );
    await expectError(
      await app.request('/api/dealers/search?open_on=next-monday'),
      400,
      'invalid_query',
    );
    await expectError(
      await app.request('/api/dealers/search?q=Niter%C3%B3i&lat=-22.9&lon=-43.1'),
      400,
      'invalid_query',
    );
  });

  it('says with an estimate which parts each dealer holds, which it lacks, and when it could start', async () => {
    const t = buildApp(live);
    const estimate = await freshEstimate(t, 'search-estimate');
    const partNumbers = [...new Set(estimate.parts.map((p) => p.part_number))].sort();
    const { dealers } = await search(t.app, `?estimate_id=${estimate.estimate_id}&limit=8`);
    expect(dealers).toHaveLength(8);
    for (const d of dealers) {
      const a = d.availability!;
      expect(a.estimate_id).toBe(estimate.estimate_id);
      expect([...a.held, ...a.missing].sort()).toEqual(partNumbers);
      // What it holds is on its shelf.
      for (const part of a.held)
        expect(
          t.runtime.floor.services
            .partsPlan(estimate.estimate_id, d.dealer_id)
            .lines.find((l) => l.part_number === part)!.source,
        ).toEqual({ kind: 'own' });
      expect(a.by_courier.reduce((n, c) => n + c.count, 0) + a.from_parts_centre).toBe(
        a.missing.length,
      );
      expect(a.earliest_start).not.toBeNull();
      expect(Date.parse(a.earliest_start!)).toBeGreaterThanOrEqual(Date.parse(a.ready_date));
    }
    // The seeded shelves leave some dealer short of something: that is the story of the day.
    expect(dealers.some((d) => d.availability!.missing.length > 0)).toBe(true);
  });
});

describe('the parts plan on the shipped network', () => {
  it('gets every part on site from own stock, couriers within reach or the parts centre', async () => {
    const t = buildApp(live);
    const estimate = await freshEstimate(t, 'plan-estimate');
    const dealers = new Map(
      t.runtime.floor.services
        .findDealers(t.runtime.venue, { radius_km: 500, limit: 100 })
        .map((d) => [d.dealer_id, d]),
    );
    let couriers = 0;
    for (const dealer_id of ['vw-sp-001', 'vw-sp-012', 'vw-rj-002', 'vw-rj-016']) {
      const plan = await json(
        await t.app.request(
          `/api/estimates/${estimate.estimate_id}/parts-plan?dealer_id=${dealer_id}`,
        ),
        PartsPlan,
      );
      expect(plan.dealer_id).toBe(dealer_id);
      expect(plan.lines.map((l) => l.part_number).sort()).toEqual(
        [...new Set(estimate.parts.map((p) => p.part_number))].sort(),
      );
      for (const line of plan.lines) {
        if (line.source.kind !== 'dealer') continue;
        couriers++;
        // A courier comes from another dealer within 60 km, never from the other state.
        const sender = dealers.get(line.source.dealer_id)!;
        expect(sender.dealer_id).not.toBe(dealer_id);
        expect(distanceKm(sender, dealers.get(dealer_id)!)).toBeLessThanOrEqual(60);
        expect(sender.state).toBe(dealers.get(dealer_id)!.state);
      }
      const latest = Math.max(...plan.lines.map((l) => Date.parse(l.eta)));
      expect(Date.parse(plan.ready_date)).toBe(Math.max(latest, Date.parse(plan.planned_at)));
      const shipped = plan.shipments.reduce((sum, s) => sum + Number(s.cost) * 100, 0);
      expect(Math.round(Number(plan.transfer_cost) * 100)).toBe(Math.round(shipped));
      // The same stock and clock: the same plan.
      const again = PartsPlan.parse(
        await (
          await t.app.request(
            `/api/estimates/${estimate.estimate_id}/parts-plan?dealer_id=${dealer_id}`,
          )
        ).json(),
      );
      const shape = (p: PartsPlan) => ({
        sources: p.lines.map((l) => [l.part_number, l.source, l.cost]),
        shipments: p.shipments.map((s) => [s.source, s.part_numbers, s.cost]),
        transfer_cost: p.transfer_cost,
      });
      expect(shape(again)).toEqual(shape(plan));
    }
    // With the shipped seed some of these four plans bring a part by courier.
    expect(couriers).toBeGreaterThan(0);
  });
});

describe('booking', () => {
  it('gives one slot to exactly one of 100 concurrent requests; a cancel frees the slot and the parts', async () => {
    const t = buildApp(live);
    const estimate = await freshEstimate(t, 'race-estimate');
    const dealer_id = 'vw-sp-003';
    const { slots, parts_plan } = await slotsOf(t.app, dealer_id, estimate.estimate_id);
    const slot = slots[0]!;
    const body = { estimate_id: estimate.estimate_id, dealer_id, slot_start: slot.start };
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => book(t.app, body, `race-${i}`)),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    const winner = Appointment.parse(await answers[statuses.indexOf(201)]!.json());
    for (const res of answers.filter((r) => r.status === 409).slice(0, 5)) {
      const error = await expectError(res, 409, 'slot_taken');
      const next = z
        .object({ reason: z.string(), next_slots: z.array(Slot).min(1) })
        .parse(error.details);
      expect(next.next_slots.map((s) => s.start)).not.toContain(slot.start);
    }

    // Calendar and stock agree with the one booking.
    const store = t.runtime.store;
    expect([...store.takenSlots(dealer_id)]).toEqual([Date.parse(slot.start)]);
    const reserved = store.reservedUnits();
    const expected = new Map<string, number>();
    for (const line of winner.parts_plan.lines) {
      if (line.source.kind === 'parts_centre') continue;
      const from = line.source.kind === 'own' ? dealer_id : line.source.dealer_id;
      expected.set(shelfKey(from, line.part_number), line.quantity);
    }
    expect(new Map(reserved)).toEqual(expected);
    expect(winner.parts_plan.lines.map((l) => l.source)).toEqual(
      parts_plan!.lines.map((l) => l.source),
    );
    expect((await slotsOf(t.app, dealer_id, estimate.estimate_id)).slots[0]!.start).not.toBe(
      slot.start,
    );

    // Cancelled: the slot is offered again and nothing is reserved.
    const cancelled = await json(
      await t.app.request(`/api/appointments/${winner.appointment_id}`, { method: 'DELETE' }),
      Appointment,
    );
    expect(cancelled.status).toBe('cancelled');
    expect(store.reservedUnits().size).toBe(0);
    expect(store.takenSlots(dealer_id).size).toBe(0);
    expect((await slotsOf(t.app, dealer_id, estimate.estimate_id)).slots[0]!.start).toBe(
      slot.start,
    );
    // And it can be booked again, once.
    expect((await book(t.app, body, 'after-cancel')).status).toBe(201);
    await expectError(
      await t.app.request(`/api/appointments/${winner.appointment_id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slot_start: slots[3]!.start }),
      }),
      409,
      'appointment_cancelled',
    );
  });

  it('moves an appointment to a free slot, keeping its parts, and refuses a taken one with the next free', async () => {
    const t = buildApp(live);
    const estimate = await freshEstimate(t, 'move-estimate');
    const dealer_id = 'vw-sp-001';
    const { slots } = await slotsOf(t.app, dealer_id, estimate.estimate_id);
    const first = await json(
      await book(t.app, {
        estimate_id: estimate.estimate_id,
        dealer_id,
        slot_start: slots[0]!.start,
      }),
      Appointment,
      201,
    );
    await json(
      await book(t.app, {
        estimate_id: estimate.estimate_id,
        dealer_id,
        slot_start: slots[1]!.start,
      }),
      Appointment,
      201,
    );
    const patch = (slot_start: string) =>
      t.app.request(`/api/appointments/${first.appointment_id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ slot_start }),
      });
    const refused = await expectError(await patch(slots[1]!.start), 409, 'slot_taken');
    expect(
      z.object({ next_slots: z.array(Slot) }).parse(refused.details).next_slots.length,
    ).toBeGreaterThan(0);
    const moved = await json(await patch(slots[4]!.start), Appointment);
    expect(moved.slot_start).toBe(slots[4]!.start);
    expect(moved.parts_plan).toEqual(first.parts_plan);
    expect(Date.parse(moved.work_until)).toBeGreaterThan(Date.parse(moved.slot_start));
    const stored = await json(
      await t.app.request(`/api/appointments/${first.appointment_id}`),
      Appointment,
    );
    expect(stored.slot_start).toBe(slots[4]!.start);
    expect(t.runtime.store.takenSlots(dealer_id).has(Date.parse(slots[0]!.start))).toBe(false);
  });

  it('takes optional contact details, checked, and marks them demo data', async () => {
    const t = buildApp(live);
    const estimate = await freshEstimate(t, 'contact-estimate');
    const dealer_id = 'vw-rj-002';
    const { slots } = await slotsOf(t.app, dealer_id, estimate.estimate_id);
    const base = { estimate_id: estimate.estimate_id, dealer_id, slot_start: slots[0]!.start };
    for (const contact of [
      { name: 'Ana' },
      { name: 'Ana', email: 'not-an-email' },
      { name: 'Ana', mobile: '+55 (21) 3555-1234' },
      { name: 'A', email: 'ana@example.com' },
    ]) {
      await expectError(await book(t.app, { ...base, contact }), 400, 'invalid_body');
    }
    expect(t.runtime.store.takenSlots(dealer_id).size).toBe(0);
    const booked = await json(
      await book(t.app, { ...base, contact: { name: 'Ana Souza', mobile: '+55 (21) 98765-4321' } }),
      Appointment,
      201,
    );
    expect(booked.contact).toEqual({ name: 'Ana Souza', mobile: '+5521987654321', demo: true });
    // A Rio dealer prices the estimate with Rio's taxes.
    const priced = await json(
      await t.app.request(`/api/estimates/${encodeURIComponent(booked.estimate_id)}`),
      RepairEstimate,
    );
    expect(priced).toMatchObject({ market: 'BR-RJ', dealer_id, version: 2 });
  });

  it('refuses a slot before the parts can be there, offering the first one after', async () => {
    // Monday 7 December 2026, 10:00 in São Paulo: the first drop-off slot is 11:00, and a
    // courier sent now arrives after it.
    const t = buildApp(live, { now: () => new Date('2026-12-07T13:00:00Z') });
    const estimate = await freshEstimate(t, 'early-estimate');
    const { dealers } = await search(t.app, `?estimate_id=${estimate.estimate_id}&radius_km=60`);
    const waiting = dealers.find(
      (d) => Date.parse(d.availability!.ready_date) > Date.parse('2026-12-07T11:00:00-03:00'),
    );
    expect(waiting, 'the shipped seed leaves some dealer waiting for parts').toBeDefined();
    const dealer_id = waiting!.dealer_id;
    const drop = (await json(await t.app.request(`/api/dealers/${dealer_id}/slots`), SlotsAnswer))
      .slots[0]!;
    expect(drop.start).toBe('2026-12-07T11:00:00-03:00');
    const error = await expectError(
      await book(t.app, { estimate_id: estimate.estimate_id, dealer_id, slot_start: drop.start }),
      409,
      'slot_taken',
    );
    const details = z
      .object({ reason: z.literal('before_ready'), next_slots: z.array(Slot).min(1) })
      .parse(error.details);
    expect(Date.parse(details.next_slots[0]!.start)).toBeGreaterThanOrEqual(
      Date.parse(waiting!.availability!.ready_date),
    );
    expect(details.next_slots[0]!.start).toBe(waiting!.availability!.earliest_start);
  });
});

describe('the offline map', () => {
  it('answers the region holding a point, approximate, and 404 elsewhere', async () => {
    const { app } = buildApp(live);
    const rio = await app.request('/api/map?lat=-22.95&lon=-43.19');
    expect(rio.status).toBe(200);
    const region = z
      .object({
        name: z.string(),
        approximate: z.literal(true),
        features: z.array(z.object({ name: z.string() })),
      })
      .parse(await rio.json());
    expect(region.features.map((f) => f.name).join(' ')).toMatch(/Guanabara/);
    const sp = z
      .object({ features: z.array(z.object({ name: z.string() })) })
      .parse(await (await app.request('/api/map?lat=-23.6467&lon=-46.6238')).json());
    const names = sp.features.map((f) => f.name).join(' ');
    for (const name of ['Billings', 'Guarapiranga', 'Tietê', 'Pinheiros'])
      expect(names).toContain(name);
    await expectError(await app.request('/api/map?lat=52.52&lon=13.40'), 404, 'no_map');
  });
});
