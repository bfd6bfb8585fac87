/**
 * The one intake, seen from the HTTP edge: one rule for the vehicle model on every path, bounded
 * input refused before any analysis, and the correlation id that follows a request from its
 * header into the envelope, the session's transitions and the log.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../../actors/floor.js';
import { MAX_TELEMETRY_PARTS } from '../../../actors/damage/telemetry.js';
import { readConfig } from '../../../adapters/config.js';
import { floorLogger } from '../../../adapters/floor-log.js';
import { createApp, MAX_BODY_BYTES } from '../../../adapters/http/app.js';
import { createLogger } from '../../../adapters/log.js';
import { createRuntime, type Runtime } from '../../../adapters/runtime.js';
import { damageIdOf } from '../../../machines/ids.js';
import { expectError, post } from './helpers.js';

const live: Runtime[] = [];
afterEach(() => {
  for (const runtime of live.splice(0)) runtime.floor.stop();
});

/** A runtime (station 1 T-Cross, 2 Golf) whose floor events and log lines are kept. */
function build() {
  const events: FloorEvent[] = [];
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const log = floorLogger(logger);
  const runtime = createRuntime(readConfig({ STATE_DIR: ':memory:', STATIONS: '2' }), {
    observe: (event) => {
      events.push(event);
      log(event);
    },
  });
  live.push(runtime);
  const app = createApp({ floor: runtime.floor, venue: runtime.venue, samples: [], logger });
  const sample = (model: string) =>
    runtime.samples.find((s) => s.vehicle_model === model && s.shape === 'beamng_sensor')!
      .telemetry;
  return { runtime, app, events, lines, sample };
}

describe('one rule for the vehicle model', () => {
  it('an explicit vehicle_model wins over the telemetry, with or without a station', async () => {
    const t = build();
    const tcross = t.sample('tcross');
    const stateless = await t.app.request(
      '/api/damage/analyze',
      post({ vehicle_model: 'golf', telemetry: tcross }),
    );
    expect(stateless.status).toBe(201);
    expect((await stateless.json()).report.vehicle_model).toBe('golf');
    // Station 1 is a T-Cross and the payload names a T-Cross: the explicit model still wins.
    const atStation = await t.app.request(
      '/api/damage/analyze',
      post({ station_id: '1', vehicle_model: 'golf', telemetry: tcross }),
    );
    expect(atStation.status).toBe(201);
    const body = await atStation.json();
    expect(body.report.vehicle_model).toBe('golf');
    const view = t.runtime.floor.view('1')!;
    expect(view.damage?.vehicle_model).toBe('golf');
    expect(view.estimate?.vehicle_model).toBe('golf');
  });

  it('without one, the model the telemetry names wins over the station', async () => {
    const t = build();
    // Station 2 is a Golf; the payload is a T-Cross's.
    const res = await t.app.request(
      '/api/damage/analyze',
      post({ station_id: '2', telemetry: t.sample('tcross') }),
    );
    expect(res.status).toBe(201);
    expect((await res.json()).report.vehicle_model).toBe('tcross');
  });

  it('analyses a crash once: the intake stores the report the session then finds', async () => {
    const t = build();
    const { services } = t.runtime.floor;
    const analyze = services.analyze;
    const stored = (damage_id: string) => {
      try {
        return services.damage(damage_id) !== undefined;
      } catch {
        return false;
      }
    };
    // Whether each call found the report already stored (and so analysed nothing).
    const calls: boolean[] = [];
    services.analyze = (input) => {
      calls.push(stored(damageIdOf(input.request_id)));
      return analyze(input);
    };
    const res = await t.app.request(
      '/api/damage/analyze',
      post({ station_id: '1', telemetry: t.sample('tcross') }),
    );
    expect(res.status).toBe(201);
    // The intake analysed and stored it; the session's analysis step found it.
    expect(calls).toEqual([false, true]);
    expect(
      t.events.filter((e) => e.type === 'input.accepted' && e.envelope.type === 'CRASH_REPORTED'),
    ).toHaveLength(1);
  });
});

describe('bounded input', () => {
  it('refuses a body over 1 MB with 413, and nothing moves', async () => {
    const t = build();
    const huge = JSON.stringify({
      station_id: '1',
      telemetry: { pad: 'x'.repeat(MAX_BODY_BYTES) },
    });
    const res = await t.app.request('/api/damage/analyze', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(huge.length) },
      body: huge,
    });
    await expectError(res, 413, 'payload_too_large');
    expect(t.runtime.floor.view('1')!.step).toBe('Waiting.driving');
  });

  it('refuses telemetry with more parts than a car has (422) before analysing it', async () => {
    const t = build();
    const part_damage = Object.fromEntries(
      Array.from({ length: MAX_TELEMETRY_PARTS + 1 }, (_, i) => [`part_${i}`, { damage: 0.5 }]),
    );
    for (const station_id of [undefined, '1']) {
      const res = await t.app.request(
        '/api/damage/analyze',
        post({ station_id, vehicle_model: 'tcross', telemetry: { damage: 900, part_damage } }),
      );
      await expectError(res, 422, 'telemetry_too_large');
    }
    expect(t.runtime.floor.view('1')!.step).toBe('Waiting.driving');
    // A real car's worth of parts is fine.
    const ok = await t.app.request(
      '/api/damage/analyze',
      post({ vehicle_model: 'tcross', telemetry: t.sample('tcross') }),
    );
    expect(ok.status).toBe(201);
  });
});

describe('the correlation id', () => {
  it('follows a request from X-Request-Id into the envelope, the transitions and the log', async () => {
    const t = build();
    const res = await t.app.request(
      '/api/damage/analyze',
      post({ station_id: '1', telemetry: t.sample('tcross') }, { 'X-Request-Id': 'corr-42' }),
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('corr-42');

    const accepted = t.events.find((e) => e.type === 'input.accepted');
    expect(accepted).toMatchObject({
      envelope: {
        type: 'CRASH_REPORTED',
        source: 'api',
        station_id: '1',
        correlation_id: 'corr-42',
      },
    });
    // The transitions the request caused, including those the session's own actors finished.
    const steps = t.events.flatMap((e) =>
      e.type === 'session.transition' && e.correlation_id === 'corr-42' ? [e.to] : [],
    );
    expect(steps).toEqual(['Crashed.analysing', 'Crashed.estimating', 'Estimated.reviewingDamage']);

    const request = t.lines.find((l) => l.msg === 'request');
    expect(request).toMatchObject({
      method: 'POST',
      path: '/api/damage/analyze',
      status: 201,
      correlation_id: res.headers.get('x-request-id'),
    });
    const transitions = t.lines.filter(
      (l) => l.msg === 'session transition' && l.correlation_id === 'corr-42',
    );
    expect(transitions.map((l) => [l.from, l.to, l.station_id])).toEqual([
      ['Waiting.driving', 'Crashed.analysing', '1'],
      ['Crashed.analysing', 'Crashed.estimating', '1'],
      ['Crashed.estimating', 'Estimated.reviewingDamage', '1'],
    ]);
    expect(transitions[0]).toMatchObject({ event_type: 'CRASH_REPORTED', source: 'api' });
  });

  it('makes one when the caller sends none, and echoes it on errors too', async () => {
    const t = build();
    const res = await t.app.request('/api/stations/99/repair', { method: 'POST' });
    await expectError(res, 404, 'station_not_found');
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.lines.find((l) => l.msg === 'request')).toMatchObject({
      status: 404,
      correlation_id: id,
    });
  });
});

describe('refusals at the door', () => {
  it('a busy station refuses a crash (409) and its session does not move', async () => {
    const t = build();
    const first = await t.app.request(
      '/api/damage/analyze',
      post({ station_id: '1', telemetry: t.sample('tcross') }),
    );
    expect(first.status).toBe(201);
    const before = t.runtime.floor.view('1')!;
    const res = await t.app.request(
      '/api/damage/analyze',
      post({ station_id: '1', telemetry: t.sample('tcross') }),
    );
    const error = await expectError(res, 409, 'not_accepted');
    expect(error.details).toEqual({ state: before.step });
    const after = t.runtime.floor.view('1')!;
    expect(after.damage_id).toBe(before.damage_id);
    expect(t.events.filter((e) => e.type === 'input.refused')).toHaveLength(1);
  });

  it('a repeated Idempotency-Key gets the first answer without a second input', async () => {
    const t = build();
    const send = () =>
      t.app.request(
        '/api/damage/analyze',
        post({ station_id: '1', telemetry: t.sample('tcross') }, { 'Idempotency-Key': 'crash-7' }),
      );
    const one = await (await send()).json();
    const two = await send();
    expect(two.status).toBe(201);
    expect((await two.json()).damage_id).toBe(one.damage_id);
    const taken = t.events.filter((e) => e.type === 'input.accepted');
    expect(taken.map((e) => e.type === 'input.accepted' && e.duplicate)).toEqual([false, true]);
  });
});
