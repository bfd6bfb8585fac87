/**
 * The HTTP API against issue #2 §7, through `app.request()` (no server): every endpoint's happy
 * path and its bad-input answers. Each test gets a fresh runtime (3 stations: 1 T-Cross, 2 Golf,
 * 3 T-Cross) so bookings, invoice numbers and station states never leak between tests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SessionView } from '../../../actors/protocol.js';
import {
  Appointment,
  DamageReport,
  DealerHit,
  Invoice,
  RepairEstimate,
  Slot,
} from '../../../machines/schemas.js';
import {
  buildApp,
  detailPaths,
  expectError,
  expectEstimateInvariants,
  localParts,
  post,
  stopAll,
  type TestApp,
  staffPost,
} from './helpers.js';

const live: TestApp[] = [];
afterEach(() => stopAll(live));

const AnalyzeAnswer = z.object({
  damage_id: z.string(),
  session_id: z.string().optional(),
  report: DamageReport,
});
const StationAnswer = z.object({ session: SessionView });
const DealersAnswer = z.object({ dealers: z.array(DealerHit) });
const SlotsAnswer = z.object({ dealer_id: z.string(), slots: z.array(Slot) });

type App = TestApp['app'];

function sampleFor(t: TestApp, model: string) {
  const sample = t.runtime.samples.find(
    (s) => s.vehicle_model === model && s.shape === 'beamng_sensor',
  );
  if (!sample) throw new Error(`no beamng_sensor sample for ${model}`);
  return sample;
}

async function analyze(app: App, body: object, headers: Record<string, string> = {}) {
  const res = await app.request('/api/damage/analyze', post(body, headers));
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return AnalyzeAnswer.parse(JSON.parse(text));
}

async function estimateOf(app: App, damage_id: string, market?: string): Promise<RepairEstimate> {
  const res = await app.request(
    `/api/parts/estimate/${damage_id}${market ? `?market=${market}` : ''}`,
  );
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return RepairEstimate.parse(JSON.parse(text));
}

async function stationView(app: App, id: string): Promise<SessionView> {
  const res = await app.request(`/api/stations/${id}`);
  expect(res.status).toBe(200);
  return StationAnswer.parse(await res.json()).session;
}

async function command(
  app: App,
  station: string,
  body: object,
  headers: Record<string, string> = {},
) {
  const res = await app.request(`/api/stations/${station}/commands`, staffPost(body, headers));
  const text = await res.text();
  expect(res.status, text).toBe(202);
}

/** A dealer's free slots; for an estimate, from its parts plan's ready date. */
async function slotsOf(app: App, dealer_id: string, estimate_id?: string): Promise<Slot[]> {
  const query = estimate_id ? `?estimate_id=${encodeURIComponent(estimate_id)}` : '';
  const res = await app.request(`/api/dealers/${dealer_id}/slots${query}`);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return SlotsAnswer.parse(JSON.parse(text)).slots;
}

async function book(app: App, body: object, headers: Record<string, string> = {}) {
  return app.request('/api/appointments/book', post(body, headers));
}

/** Analysis at a station; resolves once the station's session has reached Estimated. */
async function analyzeAt(t: TestApp, station_id: string, headers: Record<string, string> = {}) {
  const sample = sampleFor(t, t.runtime.floor.view(station_id)!.vehicle_model);
  const answer = await analyze(t.app, { station_id, telemetry: sample.telemetry }, headers);
  await t.runtime.floor.waitFor(station_id, (v) => v.state === 'Estimated', 2000);
  return answer;
}

/** Analysis + estimate with no station: the estimate id a booking needs. */
async function freshEstimate(t: TestApp, model = 'tcross'): Promise<RepairEstimate> {
  const sample = sampleFor(t, model);
  const { damage_id } = await analyze(t.app, { telemetry: sample.telemetry, vehicle_model: model });
  return estimateOf(t.app, damage_id);
}

/** Drives station `id` from Waiting to Booked through the API, as staff would. */
async function driveToBooked(t: TestApp, id: string): Promise<SessionView> {
  const floor = t.runtime.floor;
  await analyzeAt(t, id);
  await command(t.app, id, { type: 'CONTINUE' });
  await command(t.app, id, { type: 'CONTINUE' });
  const ready = await floor.waitFor(id, (v) => v.step === 'Estimated.choosingDealer.ready');
  await command(t.app, id, { type: 'DEALER_CHOSEN', dealer_id: ready.dealers[0]!.dealer_id });
  const choosing = await floor.waitFor(id, (v) => v.step === 'DealerChosen.choosingSlot');
  await command(t.app, id, { type: 'SLOT_CHOSEN', slot_start: choosing.slots[0]!.start });
  return floor.waitFor(id, (v) => v.step === 'Booked.confirmationShown');
}

describe('GET /api/health, /api/vehicles, /api/stations', () => {
  it('health reports ok and the number of stations', async () => {
    const { app } = buildApp(live);
    const res = await app.request('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', stations: 3 });
  });

  it('vehicles lists the ontology models: golf and tcross, with names and components', async () => {
    const { app } = buildApp(live);
    const res = await app.request('/api/vehicles');
    expect(res.status).toBe(200);
    const { vehicles } = z
      .object({
        vehicles: z.array(
          z.object({ id: z.string(), name: z.string().min(1), components: z.number() }),
        ),
      })
      .parse(await res.json());
    expect(vehicles.map((v) => v.id).sort()).toEqual(['golf', 'tcross']);
    for (const v of vehicles) expect(v.components).toBeGreaterThanOrEqual(25);
  });

  it('stations lists three stations, each with its own session in Waiting', async () => {
    const { app } = buildApp(live);
    const res = await app.request('/api/stations');
    expect(res.status).toBe(200);
    const { stations } = z
      .object({
        stations: z.array(
          z.object({
            id: z.string(),
            session_id: z.string(),
            state: z.string(),
            vehicle_model: z.string(),
          }),
        ),
      })
      .parse(await res.json());
    expect(stations.map((s) => s.id)).toEqual(['1', '2', '3']);
    expect(stations.map((s) => s.state)).toEqual(['Waiting', 'Waiting', 'Waiting']);
    expect(stations.map((s) => s.vehicle_model)).toEqual(['tcross', 'golf', 'tcross']);
    expect(new Set(stations.map((s) => s.session_id)).size).toBe(3);
  });

  it('GET /api/stations/{id} gives the session view; an unknown station is a 404', async () => {
    const { app } = buildApp(live);
    const view = await stationView(app, '2');
    expect(view).toMatchObject({
      station_id: '2',
      state: 'Waiting',
      vehicle_model: 'golf',
      damage_id: null,
      has_telemetry: false,
    });
    await expectError(await app.request('/api/stations/99'), 404, 'station_not_found');
  });
});

describe('POST /api/damage/analyze without a station', () => {
  it('analyses every recorded sample into a non-empty DamageReport (201)', async () => {
    const t = buildApp(live);
    expect(t.runtime.samples.length).toBeGreaterThanOrEqual(5);
    for (const sample of t.runtime.samples) {
      const answer = await analyze(t.app, {
        telemetry: sample.telemetry,
        vehicle_model: sample.vehicle_model,
      });
      expect(answer.report.damage_id, sample.id).toBe(answer.damage_id);
      expect(answer.report.vehicle_model, sample.id).toBe(sample.vehicle_model);
      expect(answer.report.source_shape, sample.id).toBe(sample.shape);
      expect(answer.report.session_id, sample.id).toBeNull();
      expect(answer.report.components.length, sample.id).toBeGreaterThan(0);
    }
    // Analysis only: no station moved.
    for (const id of ['1', '2', '3']) expect((await stationView(t.app, id)).state).toBe('Waiting');
  });

  it('reads the model from the telemetry when it names one', async () => {
    const t = buildApp(live);
    const golf = t.runtime.samples.find((s) => s.id === 'golf-normalized')!;
    expect((await analyze(t.app, { telemetry: golf.telemetry })).report.vehicle_model).toBe('golf');
  });

  it('asks for vehicle_model (422, naming the models) when the telemetry does not say which car it is', async () => {
    const t = buildApp(live);
    const scrape = t.runtime.samples.find((s) => s.id === 'golf-light-scrape')!;
    const error = await expectError(
      await t.app.request('/api/damage/analyze', post({ telemetry: scrape.telemetry })),
      422,
      'vehicle_model_required',
    );
    expect(error.message).toContain('golf');
    expect(error.message).toContain('tcross');
  });

  it('answers an unknown vehicle_model with 422 naming the supported models', async () => {
    const t = buildApp(live);
    const error = await expectError(
      await t.app.request(
        '/api/damage/analyze',
        post({ telemetry: sampleFor(t, 'tcross').telemetry, vehicle_model: 'polo' }),
      ),
      422,
      'unknown_vehicle_model',
    );
    expect(error.message).toMatch(/polo/);
    expect(error.details).toEqual({ supported: ['golf', 'tcross'] });
  });

  it('answers a missing telemetry with 400 naming the field', async () => {
    const { app } = buildApp(live);
    const error = await expectError(
      await app.request('/api/damage/analyze', post({ vehicle_model: 'golf' })),
      400,
      'invalid_body',
    );
    expect(detailPaths(error)).toContain('telemetry');
    const nullTelemetry = await expectError(
      await app.request('/api/damage/analyze', post({ telemetry: null })),
      400,
      'invalid_body',
    );
    expect(detailPaths(nullTelemetry)).toContain('telemetry');
  });

  it('answers malformed JSON with a 400 JSON error', async () => {
    const { app } = buildApp(live);
    await expectError(
      await app.request('/api/damage/analyze', post('{"telemetry": {')),
      400,
      'invalid_json',
    );
  });

  it('answers garbage and empty telemetry with 422', async () => {
    const { app } = buildApp(live);
    await expectError(
      await app.request('/api/damage/analyze', post({ telemetry: { foo: 1 } })),
      422,
      'telemetry_invalid',
    );
    await expectError(
      await app.request('/api/damage/analyze', post({ telemetry: 'crash!' })),
      422,
      'telemetry_invalid',
    );
    await expectError(
      await app.request(
        '/api/damage/analyze',
        post({ telemetry: { part_damage: {} }, vehicle_model: 'golf' }),
      ),
      422,
      'telemetry_empty',
    );
  });

  it('with the same Idempotency-Key twice returns the same record, analysed once', async () => {
    // A clock that moves on every read: a second analysis would carry a different crash_timestamp.
    let tick = Date.now();
    const t = buildApp(live, { now: () => new Date((tick += 1000)) });
    const body = { telemetry: sampleFor(t, 'golf').telemetry, vehicle_model: 'golf' };
    const first = await analyze(t.app, body, { 'Idempotency-Key': 'kiosk-retry-1' });
    const second = await analyze(t.app, body, { 'Idempotency-Key': 'kiosk-retry-1' });
    expect(second.damage_id).toBe(first.damage_id);
    expect(second.report).toEqual(first.report);
    const other = await analyze(t.app, body, { 'Idempotency-Key': 'kiosk-retry-2' });
    expect(other.damage_id).not.toBe(first.damage_id);
    expect(other.report.crash_timestamp).not.toBe(first.report.crash_timestamp);
  });
});

describe('POST /api/damage/analyze with station_id', () => {
  it("moves the station's session on to Estimated and answers with its ids", async () => {
    const t = buildApp(live);
    const before = await stationView(t.app, '1');
    const answer = await analyzeAt(t, '1');
    expect(answer.session_id).toBe(before.session_id);
    expect(answer.report.session_id).toBe(before.session_id);
    const after = await stationView(t.app, '1');
    expect(after).toMatchObject({
      state: 'Estimated',
      session_id: before.session_id,
      damage_id: answer.damage_id,
    });
    expect(after.estimate_id).not.toBeNull();
    // The other stations are untouched.
    expect((await stationView(t.app, '2')).state).toBe('Waiting');
  });

  it('answers a second crash at a busy station with 409 not_accepted and keeps the first', async () => {
    const t = buildApp(live);
    const telemetry = sampleFor(t, 'tcross').telemetry;
    const first = await analyze(t.app, { station_id: '1', telemetry });
    await expectError(
      await t.app.request('/api/damage/analyze', post({ station_id: '1', telemetry })),
      409,
      'not_accepted',
    );
    expect((await stationView(t.app, '1')).damage_id).toBe(first.damage_id);
  });

  it('answers a repeat of the same request (Idempotency-Key) with the same damage, not a 409', async () => {
    const t = buildApp(live);
    const body = { station_id: '1', telemetry: sampleFor(t, 'tcross').telemetry };
    const first = await analyze(t.app, body, { 'Idempotency-Key': 'station-retry' });
    const again = await analyze(t.app, body, { 'Idempotency-Key': 'station-retry' });
    expect(again.damage_id).toBe(first.damage_id);
    expect(again.session_id).toBe(first.session_id);
  });

  it('answers an unknown station with 404', async () => {
    const t = buildApp(live);
    await expectError(
      await t.app.request(
        '/api/damage/analyze',
        post({ station_id: '42', telemetry: sampleFor(t, 'tcross').telemetry }),
      ),
      404,
      'station_not_found',
    );
  });

  it('refuses garbage telemetry or an unknown model with 422 and leaves the station in Waiting', async () => {
    const t = buildApp(live);
    const before = await stationView(t.app, '1');
    await expectError(
      await t.app.request('/api/damage/analyze', post({ station_id: '1', telemetry: { foo: 1 } })),
      422,
      'telemetry_invalid',
    );
    const error = await expectError(
      await t.app.request(
        '/api/damage/analyze',
        post({
          station_id: '1',
          vehicle_model: 'amarok',
          telemetry: sampleFor(t, 'tcross').telemetry,
        }),
      ),
      422,
      'unknown_vehicle_model',
    );
    expect(error.message).toContain('tcross');
    const after = await stationView(t.app, '1');
    expect(after).toMatchObject({
      state: 'Waiting',
      step: before.step,
      session_id: before.session_id,
      has_telemetry: false,
      damage_id: null,
    });
  });
});

describe('POST /api/stations/{id}/repair', () => {
  it('answers 409 no_telemetry when the station holds none, and 404 for an unknown station', async () => {
    const { app } = buildApp(live);
    await expectError(
      await app.request('/api/stations/1/repair', { method: 'POST' }),
      409,
      'no_telemetry',
    );
    expect((await stationView(app, '1')).state).toBe('Waiting');
    await expectError(
      await app.request('/api/stations/77/repair', { method: 'POST' }),
      404,
      'station_not_found',
    );
  });

  it('refuses with 409 no_crash while the station only holds live telemetry of a car that has not crashed', async () => {
    const t = buildApp(live);
    const live_ = {
      telemetry: { damage: 0, part_damage: [] },
      total_damage: 0,
      received_at: new Date().toISOString(),
    };
    t.runtime.floor.submit(
      '2',
      { type: 'TELEMETRY_RECEIVED', payload: live_ },
      { source: 'simulator' },
    );
    await expectError(
      await t.app.request('/api/stations/2/repair', { method: 'POST' }),
      409,
      'no_crash',
    );
    expect(t.runtime.floor.view('2')!.step).toBe('Waiting.driving');
  });

  it('uses the latest telemetry the station holds and moves it on to Estimated (201)', async () => {
    const t = buildApp(live);
    const dispatched = t.runtime.floor.intake(
      t.runtime.floor.envelope(
        '2',
        {
          type: 'CRASH_DETECTED',
          payload: {
            telemetry: sampleFor(t, 'golf').telemetry,
            total_damage: 7311.8,
            received_at: new Date().toISOString(),
          },
        },
        { source: 'simulator' },
      ),
    );
    expect(dispatched.ok).toBe(true);
    const res = await t.app.request('/api/stations/2/repair', { method: 'POST' });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    const body = z
      .object({
        damage_id: z.string(),
        session_id: z.string(),
        state: z.string(),
        session: SessionView,
      })
      .parse(JSON.parse(text));
    // The answer comes once the session has its estimate.
    expect(body.state).toBe('Estimated');
    expect(body.session.damage).toMatchObject({
      damage_id: body.damage_id,
      vehicle_model: 'golf',
      session_id: body.session_id,
    });
    const estimated = await t.runtime.floor.waitFor('2', (v) => v.state === 'Estimated', 2000);
    expect(estimated).toMatchObject({ session_id: body.session_id, damage_id: body.damage_id });
    // Pressed again: the session has moved on.
    await expectError(
      await t.app.request('/api/stations/2/repair', { method: 'POST' }),
      409,
      'not_accepted',
    );
  });
});

describe('GET /api/parts/estimate/{damage_id}', () => {
  const markets = [
    { market: undefined, currency: 'BRL', included: true, name: 'BR-SP' },
    { market: 'BR-RJ', currency: 'BRL', included: true, name: 'BR-RJ' },
    { market: 'DE', currency: 'EUR', included: false, name: 'DE' },
  ] as const;

  for (const m of markets) {
    it(`holds parts_total and grand_total for every recorded sample (market ${m.name})`, async () => {
      const t = buildApp(live);
      for (const sample of t.runtime.samples) {
        const { damage_id } = await analyze(t.app, {
          telemetry: sample.telemetry,
          vehicle_model: sample.vehicle_model,
        });
        const e = await estimateOf(t.app, damage_id, m.market);
        expect({
          sample: sample.id,
          market: e.market,
          currency: e.currency,
          included: e.prices_include_tax,
        }).toEqual({
          sample: sample.id,
          market: m.name,
          currency: m.currency,
          included: m.included,
        });
        expect(e.damage_report_id).toBe(damage_id);
        expect(e.vehicle_model).toBe(sample.vehicle_model);
        expect(e.parts.length + e.labor.length, sample.id).toBeGreaterThan(0);
        expectEstimateInvariants(e);
        if (!m.included) expect(Number(e.tax), `${sample.id} VAT`).toBeGreaterThan(0);
      }
    });
  }

  it('gives the same estimate when asked twice', async () => {
    const t = buildApp(live);
    const first = await freshEstimate(t, 'golf');
    expect(await estimateOf(t.app, first.damage_report_id)).toEqual(first);
  });

  it('honours ?market for a damage that already has an estimate in another market', async () => {
    const t = buildApp(live);
    const br = await freshEstimate(t, 'tcross');
    const de = await estimateOf(t.app, br.damage_report_id, 'DE');
    expect(de.currency).toBe('EUR');
    expect(de.market).toBe('DE');
  });

  it('answers an unknown market with 422 even when the damage already has an estimate', async () => {
    const t = buildApp(live);
    const br = await freshEstimate(t, 'tcross');
    await expectError(
      await t.app.request(`/api/parts/estimate/${br.damage_report_id}?market=XX`),
      422,
      'unknown_market',
    );
  });

  it('answers an unknown damage id with 404 and an unknown market with 422', async () => {
    const t = buildApp(live);
    await expectError(
      await t.app.request('/api/parts/estimate/dmg-does-not-exist'),
      404,
      'damage_not_found',
    );
    const { damage_id } = await analyze(t.app, {
      telemetry: sampleFor(t, 'golf').telemetry,
      vehicle_model: 'golf',
    });
    const error = await expectError(
      await t.app.request(`/api/parts/estimate/${damage_id}?market=XX`),
      422,
      'unknown_market',
    );
    expect(error.message).toContain('XX');
  });
});

describe('GET /api/dealers/search', () => {
  async function search(app: App, query: string): Promise<DealerHit[]> {
    const res = await app.request(`/api/dealers/search${query}`);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return DealersAnswer.parse(JSON.parse(text)).dealers;
  }

  function expectNearestFirst(dealers: DealerHit[]) {
    const distances = dealers.map((d) => d.distance_km);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
  }

  it('lists dealers nearest the venue first when no position is given', async () => {
    const { app } = buildApp(live);
    const dealers = await search(app, '');
    expect(dealers.length).toBeGreaterThanOrEqual(10);
    expectNearestFirst(dealers);
    // The venue is São Paulo Expo: a São Paulo dealer first, none beyond the default 50 km.
    expect(dealers[0]!.city).toBe('São Paulo');
    expect(dealers.every((d) => d.distance_km <= 50)).toBe(true);
    expect(dealers.some((d) => d.state === 'RJ')).toBe(false);
    // A wider radius reaches Rio, far down the list.
    const wide = await search(app, '?radius_km=500');
    expectNearestFirst(wide);
    expect(wide.at(-1)!.distance_km).toBeGreaterThan(300);
  });

  it('measures from lat/lon: in Rio the Botafogo dealer comes first, under a km away', async () => {
    const { app } = buildApp(live);
    const dealers = await search(app, '?lat=-22.951&lon=-43.188');
    expectNearestFirst(dealers);
    expect(dealers[0]).toMatchObject({ dealer_id: 'vw-rj-002' });
    expect(dealers[0]!.distance_km).toBeLessThan(1);
  });

  it('filters by radius_km', async () => {
    const { app } = buildApp(live);
    const all = await search(app, '');
    const near = await search(app, '?radius_km=10');
    expect(near.length).toBeGreaterThan(0);
    expect(near.length).toBeLessThan(all.length);
    for (const d of near) expect(d.distance_km).toBeLessThanOrEqual(10);
    expectNearestFirst(near);
  });

  it('searches from a city named in q, accents and case folded; an unknown place is a 422', async () => {
    const { app } = buildApp(live);
    for (const q of ['sao%20bernardo%20do%20campo', 'S%C3%83O%20BERNARDO%20DO%20CAMPO']) {
      const dealers = await search(app, `?q=${q}&radius_km=5`);
      expect(dealers.length).toBeGreaterThan(0);
      expect(dealers[0]!.city).toBe('São Bernardo do Campo');
    }
    expect((await search(app, '?q=niteroi&radius_km=8'))[0]!.city).toBe('Niterói');
    await expectError(
      await app.request('/api/dealers/search?q=nowhere-at-all'),
      422,
      'unknown_place',
    );
  });

  it('answers a half or non-numeric position and a bad radius with 400 naming the field', async () => {
    const { app } = buildApp(live);
    expect(
      detailPaths(
        await expectError(await app.request('/api/dealers/search?lat=-23.5'), 400, 'invalid_query'),
      ),
    ).toContain('lat');
    expect(
      detailPaths(
        await expectError(
          await app.request('/api/dealers/search?lat=abc&lon=-46.6'),
          400,
          'invalid_query',
        ),
      ),
    ).toContain('lat');
    expect(
      detailPaths(
        await expectError(
          await app.request('/api/dealers/search?lat=-23.5&lon=999'),
          400,
          'invalid_query',
        ),
      ),
    ).toContain('lon');
    expect(
      detailPaths(
        await expectError(
          await app.request('/api/dealers/search?radius_km=-5'),
          400,
          'invalid_query',
        ),
      ),
    ).toContain('radius_km');
  });
});

describe('GET /api/dealers/{id}/slots', () => {
  it('offers future one-hour slots inside opening hours (local -03:00), never on Sunday', async () => {
    const { app } = buildApp(live);
    const slots = await slotsOf(app, 'vw-sp-001');
    expect(slots.length).toBeGreaterThan(10);
    const now = Date.now();
    for (const slot of slots) {
      const start = localParts(slot.start);
      const end = localParts(slot.end);
      expect(Date.parse(slot.start), slot.start).toBeGreaterThan(now);
      expect(Date.parse(slot.end) - Date.parse(slot.start)).toBe(3_600_000);
      expect(start.weekday, slot.start).not.toBe(0);
      expect(start.minutes, slot.start).toBeGreaterThanOrEqual(8 * 60);
      // Saturdays close at 12:00, weekdays at 18:00.
      expect(end.minutes, slot.end).toBeLessThanOrEqual(start.weekday === 6 ? 12 * 60 : 18 * 60);
    }
    const starts = slots.map((s) => Date.parse(s.start));
    expect(starts).toEqual([...new Set(starts)].sort((a, b) => a - b));
  });

  it('answers an unknown dealer with 404', async () => {
    const { app } = buildApp(live);
    await expectError(await app.request('/api/dealers/vw-xx-999/slots'), 404, 'dealer_not_found');
  });
});

describe('POST /api/appointments/book', () => {
  it('books an offered slot (201), refuses it to another request (409) and repeats for the same one', async () => {
    const t = buildApp(live);
    const estimate = await freshEstimate(t);
    const slot = (await slotsOf(t.app, 'vw-sp-003', estimate.estimate_id))[0]!;
    const body = {
      estimate_id: estimate.estimate_id,
      dealer_id: 'vw-sp-003',
      slot_start: slot.start,
    };

    const res = await book(t.app, body, { 'Idempotency-Key': 'booking-a' });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    const appointment = Appointment.parse(JSON.parse(text));
    // Booked on the dealer's pricing of the estimate.
    expect(appointment).toMatchObject({
      estimate_id: `${estimate.estimate_id}@vw-sp-003`,
      dealer_id: 'vw-sp-003',
      status: 'confirmed',
    });
    expect(Date.parse(appointment.slot_start)).toBe(Date.parse(slot.start));

    await expectError(
      await book(t.app, body, { 'Idempotency-Key': 'booking-b' }),
      409,
      'slot_taken',
    );

    const repeat = await book(t.app, body, { 'Idempotency-Key': 'booking-a' });
    expect(repeat.status).toBe(201);
    expect(Appointment.parse(await repeat.json()).appointment_id).toBe(appointment.appointment_id);

    // The booked slot is no longer offered.
    const after = (await slotsOf(t.app, 'vw-sp-003', estimate.estimate_id)).map((s) =>
      Date.parse(s.start),
    );
    expect(after).not.toContain(Date.parse(slot.start));
  });

  it('refuses a slot the dealer does not offer (03:00, a Sunday) with 422', async () => {
    const t = buildApp(live);
    const estimate = await freshEstimate(t);
    const offered = (await slotsOf(t.app, 'vw-sp-001'))[0]!;
    const at3 = `${localParts(offered.start).date}T03:00:00-03:00`;
    // The first Sunday at least two days ahead, 10:00 local.
    const sunday = new Date(Date.now() - 3 * 3_600_000 + 2 * 86_400_000);
    while (sunday.getUTCDay() !== 0) sunday.setUTCDate(sunday.getUTCDate() + 1);
    const sunday10 = `${sunday.toISOString().slice(0, 10)}T10:00:00-03:00`;
    for (const slot_start of [at3, sunday10, '2020-01-06T10:00:00-03:00']) {
      const error = await expectError(
        await book(t.app, {
          estimate_id: estimate.estimate_id,
          dealer_id: 'vw-sp-001',
          slot_start,
        }),
        422,
        'slot_not_offered',
      );
      expect(error.message).toContain(slot_start);
    }
  });

  it('answers an unknown estimate or dealer with 404', async () => {
    const t = buildApp(live);
    const slot = (await slotsOf(t.app, 'vw-sp-001'))[0]!;
    await expectError(
      await book(t.app, {
        estimate_id: 'est-nope',
        dealer_id: 'vw-sp-001',
        slot_start: slot.start,
      }),
      404,
      'estimate_not_found',
    );
    const estimate = await freshEstimate(t);
    await expectError(
      await book(t.app, {
        estimate_id: estimate.estimate_id,
        dealer_id: 'vw-nope',
        slot_start: slot.start,
      }),
      404,
      'dealer_not_found',
    );
  });

  it('answers a bad body with 400 naming every bad field', async () => {
    const { app } = buildApp(live);
    const error = await expectError(
      await book(app, { estimate_id: 3, slot_start: 'tomorrow at ten' }),
      400,
      'invalid_body',
    );
    expect(detailPaths(error).sort()).toEqual(['dealer_id', 'estimate_id', 'slot_start']);
  });
});

describe('GET /api/invoice/{appointment_id}', () => {
  it("numbers invoices per dealer in sequence and totals them at the dealer's estimate", async () => {
    const t = buildApp(live);
    const year = new Date().getUTCFullYear();
    const invoices: Invoice[] = [];
    const estimates: RepairEstimate[] = [];
    for (const [i, model] of (['tcross', 'golf'] as const).entries()) {
      const venueEstimate = await freshEstimate(t, model);
      const slots = await slotsOf(t.app, 'vw-sp-002', venueEstimate.estimate_id);
      const res = await book(t.app, {
        estimate_id: venueEstimate.estimate_id,
        dealer_id: 'vw-sp-002',
        slot_start: slots[i]!.start,
      });
      expect(res.status).toBe(201);
      const { appointment_id, estimate_id } = Appointment.parse(await res.json());
      // The dealer's pricing: vw-sp-002's own labour rates.
      const priced = RepairEstimate.parse(
        await (await t.app.request(`/api/estimates/${encodeURIComponent(estimate_id)}`)).json(),
      );
      expect(priced).toMatchObject({ dealer_id: 'vw-sp-002', version: 2 });
      estimates.push(priced);
      const inv = await t.app.request(`/api/invoice/${appointment_id}`);
      const text = await inv.text();
      expect(inv.status, text).toBe(200);
      invoices.push(Invoice.parse(JSON.parse(text)));
    }
    // Issued with each booking: an NF-e and an NFS-e, each numbered on in the dealer's series.
    expect(invoices.map((i) => i.documents.map((d) => `${d.series}/${d.number}`))).toEqual([
      ['1/1', 'NFS/1'],
      ['1/2', 'NFS/2'],
    ]);
    expect(invoices.map((i) => i.invoice_number)).toEqual([
      'NF-e 1/000.000.001',
      'NF-e 1/000.000.002',
    ]);
    expect(invoices.every((i) => i.issued_at.startsWith(String(year)))).toBe(true);
    for (const [i, invoice] of invoices.entries()) {
      expect(invoice.grand_total).toBe(estimates[i]!.grand_total);
      expect(invoice.currency).toBe(estimates[i]!.currency);
      expect(invoice.estimate_id).toBe(estimates[i]!.estimate_id);
    }
    // Asking again does not draw a new number.
    const again = Invoice.parse(
      await (await t.app.request(`/api/invoice/${invoices[0]!.appointment_id}`)).json(),
    );
    expect(again.invoice_number).toBe(invoices[0]!.invoice_number);
    // Another dealer has its own sequence.
    const other = await freshEstimate(t);
    const otherSlot = (await slotsOf(t.app, 'vw-sp-004', other.estimate_id))[0]!;
    const booked = Appointment.parse(
      await (
        await book(t.app, {
          estimate_id: other.estimate_id,
          dealer_id: 'vw-sp-004',
          slot_start: otherSlot.start,
        })
      ).json(),
    );
    const first = Invoice.parse(
      await (await t.app.request(`/api/invoice/${booked.appointment_id}`)).json(),
    );
    expect(first.invoice_number).toBe('NF-e 1/000.000.001');
    expect(first.dealer_id).toBe('vw-sp-004');
  });

  it('answers an unknown appointment with 404', async () => {
    const { app } = buildApp(live);
    await expectError(await app.request('/api/invoice/apt-nope'), 404, 'appointment_not_found');
  });
});

describe('GET /api/sessions/{id} and POST /api/stations/{id}/commands', () => {
  it('shows a live session with the ids it holds', async () => {
    const t = buildApp(live);
    const waiting = await stationView(t.app, '3');
    const res = await t.app.request(`/api/sessions/${waiting.session_id}`);
    expect(res.status).toBe(200);
    expect(SessionView.parse(await res.json())).toMatchObject({
      session_id: waiting.session_id,
      state: 'Waiting',
      damage_id: null,
      estimate_id: null,
    });

    const { damage_id } = await analyzeAt(t, '3');
    const estimated = SessionView.parse(
      await (await t.app.request(`/api/sessions/${waiting.session_id}`)).json(),
    );
    expect(estimated).toMatchObject({
      state: 'Estimated',
      damage_id,
      estimate_id: damage_id.replace(/^dmg-/, 'est-'),
      dealer_id: null,
    });
  });

  it('keeps a session staff reset, and the station starts a fresh one in Waiting', async () => {
    const t = buildApp(live);
    const { session_id } = await analyzeAt(t, '1');
    await command(t.app, '1', { type: 'STAFF_RESET' });
    const fresh = await stationView(t.app, '1');
    expect(fresh.session_id).not.toBe(session_id);
    expect(fresh).toMatchObject({ state: 'Waiting', damage_id: null });
    const ended = await t.app.request(`/api/sessions/${session_id}`);
    expect(ended.status).toBe(200);
    expect(SessionView.parse(await ended.json())).toMatchObject({ session_id, state: 'Estimated' });
  });

  it('walks a booking through the commands and keeps the ended session after NEXT_DRIVER', async () => {
    const t = buildApp(live);
    const booked = await driveToBooked(t, '2');
    expect(booked.appointment_id).not.toBeNull();
    expect(booked.invoice?.grand_total).toBe(booked.dealer_estimate?.grand_total);
    await command(t.app, '2', { type: 'NEXT_DRIVER' });
    const fresh = await t.runtime.floor.waitFor('2', (v) => v.session_id !== booked.session_id);
    expect(fresh.state).toBe('Waiting');
    const res = await t.app.request(`/api/sessions/${booked.session_id}`);
    expect(res.status).toBe(200);
    expect(SessionView.parse(await res.json())).toMatchObject({
      session_id: booked.session_id,
      state: 'Booked',
      appointment_id: booked.appointment_id,
      dealer_id: booked.dealer_id,
    });
    // The appointment's invoice is the one the session showed.
    const invoice = Invoice.parse(
      await (await t.app.request(`/api/invoice/${booked.appointment_id}`)).json(),
    );
    expect(invoice.invoice_number).toBe(booked.invoice!.invoice_number);
  });

  it('answers an unknown session with 404', async () => {
    const { app } = buildApp(live);
    await expectError(await app.request('/api/sessions/no-such-session'), 404, 'session_not_found');
  });

  it('answers a bad command with 400, a command the state cannot take with 409, an unknown station with 404', async () => {
    const { app } = buildApp(live);
    expect(
      detailPaths(
        await expectError(
          await app.request('/api/stations/1/commands', staffPost({ type: 'FLY' })),
          400,
          'invalid_body',
        ),
      ),
    ).toContain('type');
    expect(
      detailPaths(
        await expectError(
          await app.request('/api/stations/1/commands', staffPost({ type: 'DEALER_CHOSEN' })),
          400,
          'invalid_body',
        ),
      ),
    ).toContain('dealer_id');
    await expectError(
      await app.request('/api/stations/1/commands', staffPost({ type: 'CONTINUE' })),
      409,
      'not_accepted',
    );
    await expectError(
      await app.request('/api/stations/9/commands', staffPost({ type: 'STAFF_RESET' })),
      404,
      'station_not_found',
    );
    expect((await stationView(app, '1')).state).toBe('Waiting');
  });
});

describe('bad input never gets a 500', () => {
  it('answers an unknown route with a 404 JSON error', async () => {
    const { app } = buildApp(live);
    for (const [path, method] of [
      ['/api/nope', 'GET'],
      ['/api/damage/nope', 'POST'],
      ['/api/stations/1/nope', 'GET'],
      ['/api', 'DELETE'],
    ] as const) {
      await expectError(await app.request(path, { method }), 404, 'not_found');
    }
  });

  const malformed: string[] = [
    '',
    '{',
    'null',
    '[]',
    '"text"',
    '42',
    '{"telemetry": null}',
    '{"telemetry": {"part_damage": "broken"}}',
    '{"telemetry": {"type": "SensorData", "data": {}}}',
    '{"telemetry": {"components": [{"component_name": "Front Bumper", "damage_level": 7}]}, "vehicle_model": "golf"}',
    '{"telemetry": {"part_damage": {"x": {"damage": "NaN"}}}, "station_id": 1}',
    '{"telemetry": {"manual": true, "vehicle_model": "tcross", "zones": "all"}}',
    '{"__proto__": {"admin": true}, "type": "CONTINUE", "estimate_id": {}}',
    '{"type": "SLOT_CHOSEN", "slot_start": "yesterday", "estimate_id": "", "dealer_id": "", "station_id": ""}',
    `{"telemetry": ${'['.repeat(500)}${']'.repeat(500)}}`,
    `{"vehicle_model": "${'x'.repeat(5000)}", "telemetry": {"foo": 1}}`,
  ];
  const targets = [
    '/api/damage/analyze',
    '/api/stations/1/repair',
    '/api/stations/1/commands',
    '/api/stations/nope/commands',
    '/api/appointments/book',
  ];

  it(`answers ${malformed.length} malformed bodies on every POST with a 4xx JSON error`, async () => {
    const { app } = buildApp(live);
    for (const path of targets) {
      for (const body of malformed) {
        const res = await app.request(path, post(body));
        const text = await res.text();
        const label = `${path} ${body.slice(0, 60)} → ${res.status} ${text.slice(0, 200)}`;
        expect(res.status, label).toBeGreaterThanOrEqual(400);
        expect(res.status, label).toBeLessThan(500);
        expect(() => ErrorBodyOf(text), label).not.toThrow();
      }
    }
    // None of it moved a station.
    for (const id of ['1', '2', '3']) expect((await stationView(app, id)).state).toBe('Waiting');
  });

  it('answers odd paths and queries on every GET with a 4xx JSON error', async () => {
    const { app } = buildApp(live);
    const paths = [
      '/api/parts/estimate/%00',
      '/api/parts/estimate/dmg-x?market=',
      '/api/dealers/search?limit=0',
      '/api/dealers/search?limit=abc',
      '/api/dealers/search?radius_km=1e309',
      `/api/dealers/search?q=${'a'.repeat(500)}`,
      '/api/dealers/%20/slots',
      '/api/invoice/%E2%80%8B',
      '/api/sessions/..%2F..%2Fetc',
      '/api/stations/%F0%9F%9A%97',
    ];
    for (const path of paths) {
      const res = await app.request(path);
      const text = await res.text();
      expect(res.status, `${path} → ${text}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${path} → ${text}`).toBeLessThan(500);
      expect(() => ErrorBodyOf(text), path).not.toThrow();
    }
  });
});

function ErrorBodyOf(text: string) {
  return z
    .object({ error: z.object({ code: z.string(), message: z.string() }) })
    .parse(JSON.parse(text));
}

describe('a station refuses telemetry it cannot make a report of', () => {
  it('answers 422 for a crash with nothing damaged and leaves the station waiting', async () => {
    const t = buildApp(live);
    const res = await t.app.request('/api/damage/analyze', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        station_id: '1',
        vehicle_model: 'tcross',
        telemetry: { damage: 0, part_damage: {}, deform_group_damage: {} },
      }),
    });
    expect(res.status).toBe(422);
    expect(t.runtime.floor.view('1')!.step).toBe('Waiting.driving');
  });
});
