/**
 * The rig-side routes through `app.request()`: the earlier build's crash-event payload exactly as
 * /work/shared/BEAMNG.md describes it, station routing, the session states it leads to, and
 * staff's manual damage entry. Each test gets a fresh two-station runtime (1 T-Cross, 2 Golf).
 */
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SessionView } from '../../../actors/protocol.js';
import { readConfig } from '../../../adapters/config.js';
import { toErrorResponse } from '../../../adapters/http/errors.js';
import { rigRoutes } from '../../../adapters/http/rig-routes.js';
import { createRuntime, type Runtime } from '../../../adapters/runtime.js';
import { DamageReport } from '../../../machines/schemas.js';
import { requireStaff } from '../../../adapters/http/staff-auth.js';
import { expectError, post, STAFF_ACCESS, staffPost } from './helpers.js';

const live: Runtime[] = [];
afterEach(() => {
  for (const runtime of live.splice(0)) runtime.floor.stop();
});

/** The rig routes mounted as the lead mounts them, with app.ts's error handling. */
function build(stations = '2') {
  const runtime = createRuntime(readConfig({ STATE_DIR: ':memory:', STATIONS: stations }));
  live.push(runtime);
  const app = new Hono().route(
    '/api',
    rigRoutes({ floor: runtime.floor, staffGate: requireStaff(STAFF_ACCESS) }),
  );
  app.onError((err, c) => {
    const { status, body } = toErrorResponse(err);
    return c.json(body, status);
  });
  return { runtime, floor: runtime.floor, app };
}

/** The earlier build's crash-event, field for field; `part_damage` mixes numbers and `{name, damage}`. */
function legacyEvent(event_type = 'crash_detected', extra: Record<string, unknown> = {}) {
  return {
    event_type,
    timestamp: 1760112345.27,
    timestamp_iso: '2025-10-10T16:05:45Z',
    vehicle: {
      id: 11843.0,
      name: 'VW T-Cross 200 TSI Highline',
      model: 'tcross',
      brand: 'Volkswagen',
      year: 2024,
      config: 'vehicles/tcross/highline_200tsi.pc',
    },
    position: { x: -312.44, y: 87.12, z: 101.9 },
    velocity: { x: 0.31, y: -0.12, z: 0.0, speed_ms: 0.33, speed_kmh: 1.2, speed_mph: 0.74 },
    rotation: { x: 0.0012, y: -0.0034, z: 0.7071, w: 0.7071 },
    damage: {
      total_damage: 9630.4,
      previous_damage: 120.5,
      damage_delta: 9509.9,
      part_damage: {
        tcross_bumper_F: 0.74,
        tcross_fender_R: { name: 'Right Fender', damage: 0.58 },
        tcross_headlight_R: { name: 'Right Headlight', damage: 0.66 },
        tcross_mirror_R: 0.31,
      },
      damage_by_zone: { front: 0.62, rear: 0.0, left: 0.04, right: 0.41, top: 0.0, bottom: 0.08 },
      broken_parts: ['tcross_headlight_R'],
      broken_parts_count: 1,
    },
    metadata: { mod_version: '1.2.0', beamng_version: '0.32.5', damage_threshold: 500 },
    ...extra,
  };
}

const MOD = { 'X-BeamNG-Mod': 'vw_damage_reporter' };
const Accepted = z.object({
  accepted: z.literal(true),
  station_id: z.string(),
  session_id: z.string(),
  state: z.literal('Waiting'),
});
const NotAccepted = z.object({ accepted: z.literal(false), reason: z.string().min(1) });
const Analysed = z.object({ damage_id: z.string(), session_id: z.string(), report: DamageReport });

async function json(res: Response, status: number): Promise<unknown> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text);
}

/** Drives a station to Estimated through the manual_report event. */
async function estimate(t: ReturnType<typeof build>, station: string) {
  const res = await t.app.request(
    '/api/v1/beamng/crash-event',
    post(legacyEvent('manual_report'), { ...MOD, 'X-Station-Id': station }),
  );
  const body = Analysed.parse(await json(res, 201));
  await t.floor.waitFor(station, (v) => v.state === 'Estimated');
  return body;
}

describe('POST /api/v1/beamng/crash-event (the earlier build mod)', () => {
  it('crash_detected routed by header puts that station in Waiting.crashDetected holding the telemetry', async () => {
    const t = build();
    const res = await t.app.request(
      '/api/v1/beamng/crash-event',
      post(legacyEvent(), { ...MOD, 'X-Station-Id': '2' }),
    );
    const body = Accepted.parse(await json(res, 202));
    expect(body.station_id).toBe('2');
    const view = SessionView.parse(t.floor.view('2'));
    expect(view.step).toBe('Waiting.crashDetected');
    expect(view.has_telemetry).toBe(true);
    expect(view.live_damage?.total_damage).toBe(9630.4);
    expect(t.floor.view('1')!.step).toBe('Waiting.driving');
    expect(t.floor.session('2')!.getSnapshot().context.telemetry).toMatchObject({
      damage: { total_damage: 9630.4 },
    });
  });

  it('routes by a station_id field in the body, without the mod header', async () => {
    const t = build();
    const res = await t.app.request(
      '/api/v1/beamng/crash-event',
      post(legacyEvent('crash_detected', { station_id: '1' })),
    );
    expect(Accepted.parse(await json(res, 202)).station_id).toBe('1');
    expect(t.floor.view('1')!.step).toBe('Waiting.crashDetected');
    expect(t.floor.view('2')!.step).toBe('Waiting.driving');
  });

  it('a one-station floor needs no station named', async () => {
    const t = build('1');
    const res = await t.app.request('/api/v1/beamng/crash-event', post(legacyEvent(), MOD));
    expect(Accepted.parse(await json(res, 202)).station_id).toBe('1');
  });

  it('several stations and none named → 400 station_required naming the stations; an unknown one → 404', async () => {
    const t = build();
    const error = await expectError(
      await t.app.request('/api/v1/beamng/crash-event', post(legacyEvent(), MOD)),
      400,
      'station_required',
    );
    expect(error.message).toContain('1, 2');
    expect(error.details).toEqual({ stations: ['1', '2'] });
    await expectError(
      await t.app.request(
        '/api/v1/beamng/crash-event',
        post(legacyEvent(), { 'X-Station-Id': '9' }),
      ),
      404,
      'station_not_found',
    );
    expect(t.floor.view('1')!.step).toBe('Waiting.driving');
    expect(t.floor.view('2')!.step).toBe('Waiting.driving');
  });

  it('the attendee pressing Repair My Car after crash_detected uses the telemetry the session holds', async () => {
    const t = build();
    await t.app.request('/api/v1/beamng/crash-event', post(legacyEvent(), { 'X-Station-Id': '1' }));
    const sent = t.floor.intake(
      t.floor.envelope(
        '1',
        { type: 'REPAIR_REQUESTED', payload: {} },
        { source: 'kiosk', request_id: 'press-1' },
      ),
    );
    expect(sent.ok).toBe(true);
    const view = await t.floor.waitFor('1', (v) => v.state === 'Estimated');
    expect(view.damage?.components.map((c) => c.component_name)).toContain('front_bumper');
  });

  it('manual_report analyses at once: 201 with the report, session Estimated', async () => {
    const t = build();
    const body = await estimate(t, '1');
    expect(body.damage_id).toMatch(/^dmg-/);
    expect(body.report.vehicle_model).toBe('tcross');
    expect(body.report.components.length).toBeGreaterThan(0);
    const view = t.floor.view('1')!;
    expect(view.state).toBe('Estimated');
    expect(view.session_id).toBe(body.session_id);
    expect(view.damage_id).toBe(body.damage_id);
  });

  it('a manual_report retried with the same Idempotency-Key gets the same answer', async () => {
    const t = build();
    const headers = { 'X-Station-Id': '1', 'Idempotency-Key': 'mod-press-7' };
    const first = Analysed.parse(
      await json(
        await t.app.request(
          '/api/v1/beamng/crash-event',
          post(legacyEvent('manual_report'), headers),
        ),
        201,
      ),
    );
    const again = Analysed.parse(
      await json(
        await t.app.request(
          '/api/v1/beamng/crash-event',
          post(legacyEvent('manual_report'), headers),
        ),
        201,
      ),
    );
    expect(again.damage_id).toBe(first.damage_id);
    expect(first.damage_id).toBe('dmg-mod-press-7');
  });

  it('a second crash_detected during an estimate → 202 accepted:false, the estimate untouched', async () => {
    const t = build();
    const done = await estimate(t, '1');
    const res = await t.app.request(
      '/api/v1/beamng/crash-event',
      post(legacyEvent(), { 'X-Station-Id': '1' }),
    );
    const body = NotAccepted.parse(await json(res, 202));
    expect(body.reason).toContain('busy');
    expect(t.floor.view('1')!.state).toBe('Estimated');
    expect(t.floor.view('1')!.damage_id).toBe(done.damage_id);
  });

  it('a manual_report while the station is not waiting → 409', async () => {
    const t = build();
    await estimate(t, '1');
    const res = await t.app.request(
      '/api/v1/beamng/crash-event',
      post(legacyEvent('manual_report'), { 'X-Station-Id': '1' }),
    );
    await expectError(res, 409, 'not_accepted');
  });

  it('ignores event types it does not know (202 accepted:false) and changes nothing', async () => {
    const t = build();
    const res = await t.app.request(
      '/api/v1/beamng/crash-event',
      post(legacyEvent('vehicle_reset'), { 'X-Station-Id': '1' }),
    );
    expect(NotAccepted.parse(await json(res, 202)).reason).toBe('ignored event_type');
    expect(t.floor.view('1')!.step).toBe('Waiting.driving');
  });

  it('accepts the mod body without a JSON content type', async () => {
    const t = build();
    const res = await t.app.request('/api/v1/beamng/crash-event', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'X-Station-Id': '1' },
      body: JSON.stringify(legacyEvent()),
    });
    Accepted.parse(await json(res, 202));
  });

  it('bad payloads → 4xx with field paths, and the station does not move', async () => {
    const t = build();
    const headers = { 'X-Station-Id': '1' };
    const wrongField = legacyEvent('manual_report');
    (wrongField.damage.part_damage as Record<string, unknown>).tcross_hood = 'bent';
    const error = await expectError(
      await t.app.request('/api/v1/beamng/crash-event', post(wrongField, headers)),
      422,
      'telemetry_invalid',
    );
    const paths = z
      .array(z.object({ path: z.array(z.union([z.string(), z.number()])) }))
      .parse(error.details)
      .map((d) => d.path.join('.'));
    // zod reports a bad union member at the map itself.
    expect(paths.some((p) => p.startsWith('damage.part_damage'))).toBe(true);

    const noDamage = { ...legacyEvent('crash_detected'), damage: undefined };
    await expectError(
      await t.app.request('/api/v1/beamng/crash-event', post(noDamage, headers)),
      422,
      'telemetry_invalid',
    );

    const base = legacyEvent('manual_report');
    const nothingDamaged = {
      ...base,
      damage: {
        ...base.damage,
        total_damage: 0,
        part_damage: {},
        broken_parts: [],
        broken_parts_count: 0,
        damage_by_zone: { front: 0, rear: 0, left: 0, right: 0, top: 0, bottom: 0 },
      },
    };
    await expectError(
      await t.app.request('/api/v1/beamng/crash-event', post(nothingDamaged, headers)),
      422,
      'telemetry_empty',
    );

    await expectError(
      await t.app.request('/api/v1/beamng/crash-event', post('{"event_type": "crash_', headers)),
      400,
      'invalid_json',
    );
    await expectError(
      await t.app.request('/api/v1/beamng/crash-event', post({ event_type: 7 }, headers)),
      400,
      'invalid_body',
    );

    const view = t.floor.view('1')!;
    expect(view.step).toBe('Waiting.driving');
    expect(view.has_telemetry).toBe(false);
  });
});

describe('POST /api/stations/:id/manual-damage', () => {
  const zones = {
    zones: [
      { zone: 'front_left', severity: 'moderate' },
      { zone: 'left', severity: 'light' },
    ],
  };

  it('in Waiting: reports the crash from the zones → 201, Estimated', async () => {
    const t = build();
    const body = Analysed.parse(
      await json(await t.app.request('/api/stations/2/manual-damage', staffPost(zones)), 201),
    );
    expect(body.report.vehicle_model).toBe('golf');
    expect(body.report.components.length).toBeGreaterThan(0);
    const view = await t.floor.waitFor('2', (v) => v.state === 'Estimated');
    expect(view.damage_id).toBe(body.damage_id);
  });

  it('in Crashed.failed: replaces the failed analysis with the staff entry', async () => {
    const t = build();
    // The rig's live telemetry is taken as it comes; a repair press then has it analysed, and
    // telemetry the analysis cannot read puts the session in Crashed.failed.
    t.floor.submit(
      '1',
      {
        type: 'CRASH_DETECTED',
        payload: {
          telemetry: { foo: 1 },
          total_damage: 900,
          received_at: new Date().toISOString(),
        },
      },
      { source: 'simulator' },
    );
    t.floor.submit('1', { type: 'REPAIR_REQUESTED', payload: {} }, { source: 'kiosk' });
    const failed = await t.floor.waitFor('1', (v) => v.step === 'Crashed.failed');
    expect(failed.error?.code).toBe('telemetry_invalid');
    const body = Analysed.parse(
      await json(
        await t.app.request(
          '/api/stations/1/manual-damage',
          staffPost(zones, { 'Idempotency-Key': 'staff-1' }),
        ),
        201,
      ),
    );
    expect(body.damage_id).toBe('dmg-staff-1');
    expect(body.session_id).toBe(failed.session_id);
    await t.floor.waitFor('1', (v) => v.state === 'Estimated');
  });

  it('elsewhere → 409, and the session keeps its estimate', async () => {
    const t = build();
    const done = await estimate(t, '1');
    await expectError(
      await t.app.request('/api/stations/1/manual-damage', staffPost(zones)),
      409,
      'not_accepted',
    );
    expect(t.floor.view('1')!.damage_id).toBe(done.damage_id);
  });

  it('refuses unknown zones or severities (400 naming the field) and unknown stations (404)', async () => {
    const t = build();
    const error = await expectError(
      await t.app.request(
        '/api/stations/1/manual-damage',
        staffPost({ zones: [{ zone: 'bonnet', severity: 'awful' }] }),
      ),
      400,
      'invalid_body',
    );
    const paths = z
      .array(z.object({ path: z.string() }))
      .parse(error.details)
      .map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['zones.0.zone', 'zones.0.severity']));
    await expectError(
      await t.app.request('/api/stations/1/manual-damage', staffPost({ zones: [] })),
      400,
      'invalid_body',
    );
    await expectError(
      await t.app.request('/api/stations/9/manual-damage', staffPost(zones)),
      404,
      'station_not_found',
    );
    expect(t.floor.view('1')!.step).toBe('Waiting.driving');
  });
});
