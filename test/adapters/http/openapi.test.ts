/**
 * The OpenAPI document against the app it describes, through `app.request()` (no server):
 *  - every route the app mounts under /api is documented, with its method, and nothing else is;
 *  - a call of every documented operation, happy path and refusals, answers a status the
 *    document declares for it, with a body that the declared zod schema and the document's own
 *    JSON Schema both accept, and an error code the answer names for that status;
 *  - the document is OpenAPI 3.1 and names nothing on the internet.
 * Each test gets a fresh runtime (3 stations: 1 T-Cross, 2 Golf, 3 T-Cross).
 */
import { createRequire } from 'node:module';
// ajv 6 (draft-07) is here as ESLint's dependency, not ours: it checks the document's schemas,
// written for OpenAPI 3.1 (JSON Schema 2020-12), except the keywords draft-07 lacks (prefixItems).
import Ajv from 'ajv';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isErrorCode } from '../../../actors/errors.js';
import { STATUS_BY_CODE } from '../../../adapters/http/errors.js';
import { OPENAPI_PATH, responseSchemas } from '../../../adapters/http/openapi.js';
import { buildApp, ErrorBody, post, STAFF, staffPost, stopAll, type TestApp } from './helpers.js';

const live: TestApp[] = [];
afterEach(() => stopAll(live));

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

interface Operation {
  operationId: string;
  parameters?: { name: string; in: string }[];
  responses: Record<string, { description: string; content?: Record<string, { schema: object }> }>;
}
const Document = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string(), description: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.custom<Operation>())),
  components: z.looseObject({ schemas: z.record(z.string(), z.looseObject({})) }),
});
type Document = z.infer<typeof Document>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

let doc: Document;
let declared: ReturnType<typeof responseSchemas>;
const ajv = new Ajv({ unknownFormats: 'ignore', allErrors: true });
beforeAll(async () => {
  const { app } = buildApp(live);
  const res = await app.request(OPENAPI_PATH);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/json');
  doc = Document.parse(await res.json());
  declared = responseSchemas(app);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  stopAll(live);
});

/** Every operation of the document, with its method and path template. */
function operations(): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ method, path, op })),
  );
}

/** The operation a request hits: its method, and the path template it fills in. */
function operationOf(method: string, url: string) {
  const path = new URL(url, 'http://app.test').pathname;
  const found = operations().filter(
    (o) =>
      o.method === method.toLowerCase() &&
      new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  // A literal segment wins over a parameter (none of ours overlap, but be exact).
  found.sort((a, b) => a.path.split('{').length - b.path.split('{').length);
  if (!found[0]) throw new Error(`no documented operation for ${method} ${path}`);
  return found[0];
}

const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
/** The document's JSON Schema for a response, as an ajv validator (its $refs into the doc). */
function jsonSchemaOf(operationId: string, status: string, schema: object) {
  const key = `${operationId} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    const resolved = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'),
    );
    validate = ajv.compile(resolved);
    compiled.set(key, validate);
  }
  return validate;
}

/** Statuses seen per operation, for the coverage check at the end. */
const seen = new Map<string, Set<number>>();

/**
 * Sends the request and checks the answer against the document: a declared status, a body both
 * the declared zod schema and the document's schema accept, an error code named for the status.
 */
async function call(app: TestApp['app'], url: string, init: RequestInit = {}) {
  const method = init.method ?? 'GET';
  const { op } = operationOf(method, url);
  const res = await app.request(url, init);
  const text = await res.text();
  const label = `${method} ${url} → ${res.status} ${text.slice(0, 300)}`;
  const status = String(res.status);
  expect(Object.keys(op.responses), label).toContain(status);
  expect(res.headers.get('content-type'), label).toContain('application/json');
  expect(res.headers.get('x-request-id'), label).toBeTruthy();
  const body: unknown = JSON.parse(text);

  const zodSchema = declared[op.operationId]?.[status];
  expect(zodSchema, `${op.operationId} declares a zod schema for ${status}`).toBeDefined();
  const parsed = zodSchema!.safeParse(body);
  expect(parsed.success, `${label}\n${parsed.error?.message}`).toBe(true);

  const response = op.responses[status]!;
  const validate = jsonSchemaOf(
    op.operationId,
    status,
    response.content!['application/json']!.schema,
  );
  expect(validate(body), `${label}\n${ajv.errorsText(validate.errors)}`).toBe(true);

  if (res.status >= 400) {
    const { code } = ErrorBody.parse(body).error;
    expect(response.description, `${label}: the ${status} answer names ${code}`).toContain(
      `\`${code}\``,
    );
  }
  let statuses = seen.get(op.operationId);
  if (!statuses) seen.set(op.operationId, (statuses = new Set()));
  statuses.add(res.status);
  return { status: res.status, body };
}

/** Sends a request whose success is not JSON (a page, a PDF, an SVG): a documented status and
 *  media type; refusals are still checked as JSON by `call`. */
async function callRaw(app: TestApp['app'], url: string, init: RequestInit = {}) {
  const method = init.method ?? 'GET';
  const { op } = operationOf(method, url);
  const res = await app.request(url, init);
  const status = String(res.status);
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  expect(Object.keys(op.responses), `${method} ${url} → ${status}`).toContain(status);
  expect(Object.keys(op.responses[status]!.content ?? {}), `${method} ${url} ${type}`).toContain(
    type,
  );
  let statuses = seen.get(op.operationId);
  if (!statuses) seen.set(op.operationId, (statuses = new Set()));
  statuses.add(res.status);
  return { status: res.status, type, body: Buffer.from(await res.arrayBuffer()) };
}

/** The earlier build's crash-event (see rig-routes.test.ts for the full payload). */
function legacyEvent(event_type: string, damage: Record<string, unknown> = {}) {
  return {
    event_type,
    timestamp: 1760112345.27,
    vehicle: { id: 11843.0, name: 'VW T-Cross 200 TSI Highline', model: 'tcross', year: 2024 },
    damage: {
      total_damage: 9630.4,
      part_damage: {
        tcross_bumper_F: 0.74,
        tcross_fender_R: { name: 'Right Fender', damage: 0.58 },
      },
      broken_parts: ['tcross_headlight_R'],
      ...damage,
    },
  };
}

function sampleFor(t: TestApp, model: string) {
  const sample = t.runtime.samples.find(
    (s) => s.vehicle_model === model && s.shape === 'beamng_sensor',
  );
  if (!sample) throw new Error(`no beamng_sensor sample for ${model}`);
  return sample;
}

describe('the document covers the app', () => {
  it('documents every route mounted under /api, with its method, and no route that is not', () => {
    const { app } = buildApp(live);
    const mounted = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/'))
        .filter((r) => !r.path.startsWith('/api/docs') && r.path !== OPENAPI_PATH)
        .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([^/]+)/g, '{$1}')}`),
    );
    const documented = new Set(operations().map((o) => `${o.method.toUpperCase()} ${o.path}`));
    expect(mounted.size).toBeGreaterThanOrEqual(17);
    expect([...mounted].sort()).toEqual([...documented].sort());
  });

  it('gives every operation a unique id, its path parameters and the write headers', () => {
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { method, path, op } of operations()) {
      const params = op.parameters ?? [];
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        expect(params, `${method} ${path}`).toContainEqual(
          expect.objectContaining({ name, in: 'path' }),
        );
      }
      if (method === 'post') {
        for (const name of ['Idempotency-Key', 'X-Request-Id']) {
          expect(params, `${method} ${path}`).toContainEqual(
            expect.objectContaining({ name, in: 'header' }),
          );
        }
      }
    }
  });

  it('names in each error answer only codes of that status, and every answer has a schema', () => {
    for (const { method, path, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        // Every answer is documented with its media types; a JSON one with its zod schema too
        // (the invoice also answers as a page and a PDF, its QR code as SVG).
        const media = Object.keys(response.content ?? {});
        expect(media.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        if (media.includes('application/json') || Number(status) >= 400) {
          expect(
            response.content?.['application/json'],
            `${method} ${path} ${status}`,
          ).toBeDefined();
          expect(declared[op.operationId]?.[status], `${method} ${path} ${status}`).toBeDefined();
        }
        if (Number(status) < 400) continue;
        const codes = [...response.description.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
        expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        for (const code of codes) {
          const codeStatus = isErrorCode(code) ? STATUS_BY_CODE[code] : `unknown code ${code}`;
          expect(codeStatus, `${method} ${path} ${status} ${code}`).toBe(Number(status));
        }
      }
    }
  });

  it('names the shared schemas, none of them accepting null', () => {
    for (const name of [
      'SessionView',
      'DamageReport',
      'RepairEstimate',
      'Appointment',
      'Invoice',
    ]) {
      expect(doc.components.schemas, name).toHaveProperty(name);
    }
    expect(doc.components.schemas).toHaveProperty('Error');
    // A component first generated as a nullable field would take the null along.
    for (const name of Object.keys(doc.components.schemas)) {
      const validate = ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
      expect(validate(null), name).toBe(false);
    }
  });
});

describe('GET /api/openapi.json', () => {
  it('is OpenAPI 3.1 with the package version, and names nothing on the internet', async () => {
    const { app } = buildApp(live);
    const res = await app.request(OPENAPI_PATH);
    const text = await res.text();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe(version);
    expect(doc.info.description).toContain('/ws');
    expect(doc.info.description).toMatch(/decimal string/);
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(15);
    expect(Object.keys(doc.paths).every((p) => p.startsWith('/api/'))).toBe(true);
    expect(Object.keys(doc.paths)).not.toContain('/api/docs');
    expect(text).not.toMatch(/https?:\/\//i);
    expect(text).not.toMatch(/"\/\//);
  });
});

describe('every operation answers as documented', () => {
  it('floor: health, vehicles, stations, samples, simulator status', async () => {
    const { app } = buildApp(live);
    for (const url of [
      '/api/health',
      '/api/vehicles',
      '/api/stations',
      '/api/telemetry/samples',
      '/api/beamng/status',
    ]) {
      expect((await call(app, url)).status).toBe(200);
    }
    expect((await call(app, '/api/stations/2')).status).toBe(200);
    expect((await call(app, '/api/stations/99')).status).toBe(404);
  });

  it('damage: stateless and station analyses, and their refusals', async () => {
    const t = buildApp(live);
    const telemetry = sampleFor(t, 'tcross').telemetry;
    const analyze = (body: unknown, headers: Record<string, string> = {}) =>
      call(t.app, '/api/damage/analyze', post(body, headers));
    expect((await analyze({ telemetry, vehicle_model: 'tcross' })).status).toBe(201);
    expect((await analyze({ vehicle_model: 'tcross' })).status).toBe(400);
    expect((await analyze('{"telemetry": {')).status).toBe(400);
    expect((await analyze({ telemetry: { foo: 1 } })).status).toBe(422);
    expect((await analyze({ telemetry, vehicle_model: 'polo' })).status).toBe(422);
    expect((await analyze({ telemetry, station_id: '42' })).status).toBe(404);
    expect((await analyze({ telemetry }, { 'X-Station-Id': '1' })).status).toBe(201);
    expect((await analyze({ telemetry, station_id: '1' })).status).toBe(409);
    const huge = JSON.stringify({ telemetry: { pad: 'x'.repeat(1024 * 1024) } });
    expect((await analyze(huge)).status).toBe(413);
  });

  it('repair: no telemetry, unknown station, unreadable telemetry, then a held crash', async () => {
    const t = buildApp(live);
    const floor = t.runtime.floor;
    const repair = (id: string) => call(t.app, `/api/stations/${id}/repair`, { method: 'POST' });
    expect((await repair('1')).status).toBe(409);
    expect((await repair('77')).status).toBe(404);
    const crash = (station: string, telemetry: unknown) =>
      floor.submit(
        station,
        {
          type: 'CRASH_DETECTED',
          payload: { telemetry, total_damage: 900, received_at: new Date().toISOString() },
        },
        { source: 'simulator' },
      );
    // The simulator's readings are taken as they come; the analysis then cannot read them.
    crash('1', { foo: 1 });
    expect((await repair('1')).status).toBe(422);
    crash('2', sampleFor(t, 'golf').telemetry);
    expect((await repair('2')).status).toBe(201);
  });

  it('sessions and commands', async () => {
    const t = buildApp(live);
    const command = (id: string, body: unknown, headers: Record<string, string> = STAFF) =>
      call(t.app, `/api/stations/${id}/commands`, post(body, headers));
    expect((await command('1', { type: 'FLY' })).status).toBe(400);
    expect((await command('1', { type: 'CONTINUE' })).status).toBe(409);
    expect((await command('9', { type: 'STAFF_RESET' })).status).toBe(404);
    expect((await command('1', { type: 'SIMULATE_CRASH', sample: 'nope' })).status).toBe(404);
    expect((await command('1', { type: 'SET_LOCALE', locale: 'en' })).status).toBe(202);
    const { session_id } = t.runtime.floor.view('1')!;
    expect((await call(t.app, `/api/sessions/${session_id}`)).status).toBe(200);
    expect((await call(t.app, '/api/sessions/no-such-session')).status).toBe(404);
    expect(
      (await call(t.app, `/api/sessions/${session_id}/journal`, { headers: STAFF })).status,
    ).toBe(200);
    expect(
      (await call(t.app, '/api/sessions/no-such-session/journal', { headers: STAFF })).status,
    ).toBe(404);
    // A reset closes the session: the history lists it.
    expect((await command('1', { type: 'STAFF_RESET' })).status).toBe(202);
    const history = await call(t.app, '/api/sessions?station=1&limit=5', { headers: STAFF });
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ sessions: [{ session_id, outcome: 'reset' }] });
    expect((await call(t.app, '/api/sessions?outcome=lost', { headers: STAFF })).status).toBe(400);
    // Staff routes: 401 without the token or with a wrong one.
    expect((await call(t.app, '/api/sessions')).status).toBe(401);
    expect(
      (
        await call(t.app, `/api/sessions/${session_id}/journal`, {
          headers: { Authorization: 'Bearer wrong' },
        })
      ).status,
    ).toBe(401);
    expect((await command('1', { type: 'CONTINUE' }, {})).status).toBe(401);
    const audit = await call(t.app, '/api/audit?limit=10', { headers: STAFF });
    expect(audit.status).toBe(200);
    expect(
      (audit.body as { entries: { action: string; result: string }[] }).entries.map((e) => [
        e.action,
        e.result,
      ]),
    ).toEqual([
      ['reset', 'ok'],
      ['command', 'ok'],
      ['simulate_crash', 'sample_not_found'],
      ['reset', 'station_not_found'],
      ['command', 'not_accepted'],
    ]);
    expect((await call(t.app, '/api/audit?limit=0', { headers: STAFF })).status).toBe(400);
    expect((await call(t.app, '/api/audit')).status).toBe(401);
  });

  it('estimates, dealers, slots, bookings and invoices', async () => {
    const t = buildApp(live);
    const { body } = await call(
      t.app,
      '/api/damage/analyze',
      post({ telemetry: sampleFor(t, 'golf').telemetry, vehicle_model: 'golf' }),
    );
    const { damage_id } = z.object({ damage_id: z.string() }).parse(body);
    const estimate = await call(t.app, `/api/parts/estimate/${damage_id}`);
    expect(estimate.status).toBe(200);
    const { estimate_id } = z.object({ estimate_id: z.string() }).parse(estimate.body);
    expect((await call(t.app, `/api/parts/estimate/${damage_id}?market=XX`)).status).toBe(422);
    expect((await call(t.app, `/api/parts/estimate/${damage_id}?market=a&market=b`)).status).toBe(
      400,
    );
    expect((await call(t.app, '/api/parts/estimate/dmg-nope')).status).toBe(404);

    expect((await call(t.app, '/api/dealers/search?lat=-22.951&lon=-43.188')).status).toBe(200);
    expect((await call(t.app, '/api/dealers/search?lat=-23.5')).status).toBe(400);
    expect((await call(t.app, '/api/dealers/vw-xx-999/slots')).status).toBe(404);
    expect((await call(t.app, '/api/dealers/vw-sp-003/slots')).status).toBe(200);
    const slots = await call(t.app, `/api/dealers/vw-sp-003/slots?estimate_id=${estimate_id}`);
    expect(slots.status).toBe(200);
    const starts = z
      .object({ slots: z.array(z.object({ start: z.string() })) })
      .parse(slots.body)
      .slots.map((s) => s.start);
    const start = starts[0]!;
    expect((await call(t.app, '/api/dealers/search?q=22041-001')).status).toBe(200);
    expect((await call(t.app, `/api/dealers/search?estimate_id=${estimate_id}`)).status).toBe(200);
    expect((await call(t.app, '/api/dealers/search?q=atlantis')).status).toBe(422);
    expect((await call(t.app, '/api/dealers/search?estimate_id=est-nope')).status).toBe(404);
    expect((await call(t.app, `/api/estimates/${estimate_id}`)).status).toBe(200);
    expect((await call(t.app, '/api/estimates/est-nope')).status).toBe(404);
    const plan = `/api/estimates/${estimate_id}/parts-plan`;
    expect((await call(t.app, `${plan}?dealer_id=vw-rj-002`)).status).toBe(200);
    expect((await call(t.app, plan)).status).toBe(400);
    expect((await call(t.app, `${plan}?dealer_id=vw-nope`)).status).toBe(404);
    expect((await call(t.app, '/api/map?lat=-22.95&lon=-43.19')).status).toBe(200);
    expect((await call(t.app, '/api/map?lat=48.1&lon=11.6')).status).toBe(404);
    expect((await call(t.app, '/api/map?lat=north')).status).toBe(400);

    const book = (body: unknown, key?: string) =>
      call(t.app, '/api/appointments/book', post(body, key ? { 'Idempotency-Key': key } : {}));
    const booking = { estimate_id, dealer_id: 'vw-sp-003', slot_start: start };
    expect((await book({ estimate_id: 3 })).status).toBe(400);
    expect((await book({ ...booking, estimate_id: 'est-nope' })).status).toBe(404);
    expect((await book({ ...booking, slot_start: '2020-01-06T10:00:00-03:00' })).status).toBe(422);
    const booked = await book(booking, 'booking-a');
    expect(booked.status).toBe(201);
    expect((await book(booking, 'booking-b')).status).toBe(409);
    const { appointment_id } = z.object({ appointment_id: z.string() }).parse(booked.body);
    expect((await call(t.app, `/api/invoice/${appointment_id}`)).status).toBe(200);
    expect((await call(t.app, '/api/invoice/apt-nope')).status).toBe(404);
    expect((await call(t.app, `/api/invoice/${appointment_id}?format=xml`)).status).toBe(400);
    const pdf = await callRaw(t.app, `/api/invoice/${appointment_id}?format=pdf`);
    expect([pdf.status, pdf.type, pdf.body.subarray(0, 5).toString()]).toEqual([
      200,
      'application/pdf',
      '%PDF-',
    ]);
    const page = await callRaw(t.app, `/api/invoice/${appointment_id}`, {
      headers: { accept: 'text/html' },
    });
    expect([page.status, page.type]).toEqual([200, 'text/html']);
    const qr = await callRaw(t.app, `/api/invoice/${appointment_id}/qr.svg`);
    expect([qr.status, qr.type]).toEqual([200, 'image/svg+xml']);
    expect((await call(t.app, '/api/invoice/apt-nope/qr.svg')).status).toBe(404);
    const email = (body: unknown, id = appointment_id) =>
      call(t.app, `/api/invoice/${id}/email`, post(body, { 'Idempotency-Key': 'mail-1' }));
    expect((await email({ to: 'ana@example.com' })).status).toBe(202);
    expect((await email({ to: 'not an address' })).status).toBe(400);
    expect((await email({ to: 'ana@example.com' }, 'apt-nope')).status).toBe(404);
    expect((await call(t.app, `/api/appointments/${appointment_id}`)).status).toBe(200);
    expect((await call(t.app, '/api/appointments/apt-nope')).status).toBe(404);
    const move = (id: string, body: unknown) =>
      call(t.app, `/api/appointments/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await move(appointment_id, { slot_start: starts[1] })).status).toBe(200);
    expect((await move(appointment_id, { slot_start: 'soon' })).status).toBe(400);
    expect((await move(appointment_id, { slot_start: '2020-01-06T10:00:00-03:00' })).status).toBe(
      422,
    );
    expect((await move('apt-nope', { slot_start: starts[2] })).status).toBe(404);
    const other = await book({ ...booking, slot_start: starts[2] }, 'booking-c');
    expect(other.status).toBe(201);
    expect((await move(appointment_id, { slot_start: starts[2] })).status).toBe(409);
    const cancel = (id: string) => call(t.app, `/api/appointments/${id}`, { method: 'DELETE' });
    expect((await cancel(appointment_id)).status).toBe(200);
    expect((await cancel('apt-nope')).status).toBe(404);
  });

  it('the legacy crash-event: held, busy, ignored, analysed, and refused', async () => {
    const t = buildApp(live);
    const event = (body: unknown, headers: Record<string, string> = {}) =>
      call(t.app, '/api/v1/beamng/crash-event', post(body, headers));
    const at = (station: string) => ({ 'X-Station-Id': station });
    expect((await event(legacyEvent('crash_detected'), at('1'))).status).toBe(202);
    expect((await event(legacyEvent('vehicle_reset'), at('1'))).status).toBe(202);
    expect((await event(legacyEvent('crash_detected'))).status).toBe(400);
    expect((await event('{"event_type": "crash_', at('1'))).status).toBe(400);
    expect((await event(legacyEvent('crash_detected'), at('9'))).status).toBe(404);
    const bad = legacyEvent('manual_report', { part_damage: { tcross_hood: 'bent' } });
    expect((await event(bad, at('3'))).status).toBe(422);
    expect((await event(legacyEvent('manual_report'), at('3'))).status).toBe(201);
    await t.runtime.floor.waitFor('3', (v) => v.state === 'Estimated');
    expect((await event(legacyEvent('crash_detected'), at('3'))).status).toBe(202);
    expect((await event(legacyEvent('manual_report'), at('3'))).status).toBe(409);
    // Without a JSON content type, as the old mod may post it.
    const res = await call(t.app, '/api/v1/beamng/crash-event', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...at('2') },
      body: JSON.stringify(legacyEvent('vehicle_reset')),
    });
    expect(res.status).toBe(202);
  });

  it('manual damage entry', async () => {
    const t = buildApp(live);
    const zones = { zones: [{ zone: 'front_left', severity: 'moderate' }] };
    const enter = (id: string, body: unknown) =>
      call(t.app, `/api/stations/${id}/manual-damage`, staffPost(body));
    expect((await enter('1', { zones: [{ zone: 'bonnet', severity: 'awful' }] })).status).toBe(400);
    expect((await enter('9', zones)).status).toBe(404);
    expect((await enter('2', zones)).status).toBe(201);
    await t.runtime.floor.waitFor('2', (v) => v.state === 'Estimated');
    expect((await enter('2', zones)).status).toBe(409);
  });

  it('replays and their scripts', async () => {
    const t = buildApp(live);
    const staffGet = (url: string) => call(t.app, url, { headers: STAFF });
    expect((await staffGet('/api/replays')).status).toBe(200);
    expect((await call(t.app, '/api/replays')).status).toBe(401);
    const started = await call(
      t.app,
      '/api/replays',
      staffPost({ script: 'tcross-front-crash', station_id: '1', speed: 50 }),
    );
    expect(started.status).toBe(202);
    const { replay_id } = started.body as { replay_id: string };
    expect((await call(t.app, '/api/replays', staffPost({ script: 'nope' }))).status).toBe(404);
    expect(
      (await call(t.app, '/api/replays', staffPost({ script: { name: 'x', steps: 'no' } }))).status,
    ).toBe(422);
    expect((await call(t.app, '/api/replays', staffPost({ speed: 'fast' }))).status).toBe(400);
    expect((await staffGet(`/api/replays/${replay_id}`)).status).toBe(200);
    expect((await staffGet('/api/replays/rpl-nope')).status).toBe(404);
    const stopped = await call(t.app, `/api/replays/${replay_id}`, {
      method: 'DELETE',
      headers: STAFF,
    });
    expect(stopped.status).toBe(200);
    expect(
      (await call(t.app, '/api/replays/rpl-nope', { method: 'DELETE', headers: STAFF })).status,
    ).toBe(404);
    // A session with inputs exports as a script; one without any cannot; an unknown one: 404.
    await t.runtime.floor.waitFor('1', (v) => v.state !== 'Waiting' || v.has_telemetry);
    const session = t.runtime.floor.view('1')!.session_id;
    expect((await staffGet(`/api/sessions/${session}/script`)).status).toBe(200);
    const fresh = t.runtime.floor.view('3')!.session_id;
    expect((await staffGet(`/api/sessions/${fresh}/script`)).status).toBe(422);
    expect((await staffGet('/api/sessions/nope/script')).status).toBe(404);
    // Starting and stopping are in the audit log.
    const audit = await staffGet('/api/audit?limit=10');
    expect(
      (audit.body as { entries: { action: string; result: string }[] }).entries
        .filter((e) => e.action.startsWith('replay_'))
        .map((e) => [e.action, e.result]),
    ).toEqual([
      ['replay_stop', 'replay_not_found'],
      ['replay_stop', 'ok'],
      ['replay_start', 'invalid_body'],
      ['replay_start', 'script_invalid'],
      ['replay_start', 'script_not_found'],
      ['replay_start', 'ok'],
    ]);
  });

  it('inspection', async () => {
    const t = buildApp(live);
    const { session_id } = t.runtime.floor.view('1')!;
    expect((await call(t.app, '/api/staff/statechart', { headers: STAFF })).status).toBe(200);
    expect((await call(t.app, '/api/staff/statechart')).status).toBe(401);
    expect(
      (await call(t.app, `/api/staff/sessions/${session_id}`, { headers: STAFF })).status,
    ).toBe(200);
    expect((await call(t.app, '/api/staff/sessions/nope', { headers: STAFF })).status).toBe(404);
  });

  // Last in this file: a route documented but not called above fails here.
  it('called every documented operation, with a success and (where it has any) a refusal', () => {
    const missing: string[] = [];
    for (const { method, path, op } of operations()) {
      const statuses = [...(seen.get(op.operationId) ?? [])];
      const refuses = Object.keys(op.responses).some((s) => Number(s) >= 400 && Number(s) < 500);
      if (!statuses.some((s) => s < 300)) missing.push(`${method} ${path}: no success`);
      if (refuses && !statuses.some((s) => s >= 400)) missing.push(`${method} ${path}: no refusal`);
    }
    expect(missing).toEqual([]);
  });
});
