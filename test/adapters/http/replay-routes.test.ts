/**
 * The replay routes (adapters/http/replay-routes.ts) in an app of their own, behind the staff
 * token as the API mounts them, on a SimulatedClock: start (202 with the replay id), progress,
 * stop, the refusals (401, 400 and 422 naming the fields, 404, 409), the export of a session and
 * its replay over HTTP, and `npm run replay` (adapters/replay-cli.ts) talking to the same app.
 * Every answer is checked against the schema its route declares, and every refusal's code
 * against the codes its answer names.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
// ajv 6 is here as ESLint's dependency (see openapi.test.ts): it checks the document's schemas.
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ReplayProgress } from '../../../actors/replay/runner.js';
import { ReplayScript } from '../../../actors/replay/script.js';
import { toErrorResponse } from '../../../adapters/http/errors.js';
import { apiRoutes, openApiDocument, responseSchemas } from '../../../adapters/http/openapi.js';
import { replayRoutes } from '../../../adapters/http/replay-routes.js';
import { requestLog, type RequestEnv } from '../../../adapters/http/request-log.js';
import { requireStaff, staffAccess } from '../../../adapters/http/staff-auth.js';
import { createLogger } from '../../../adapters/log.js';
import { runCli } from '../../../adapters/replay-cli.js';
import { runToEnd, settle, simulatedFloor } from '../../actors/replay/helpers.js';
import { drive } from '../store/helpers.js';
import { ErrorBody } from './helpers.js';

const TOKEN = 'replay-routes-test-token';
const auth = { Authorization: `Bearer ${TOKEN}` };

function replayApp() {
  const t = simulatedFloor();
  const api = apiRoutes();
  api.use('*', requireStaff(staffAccess(TOKEN)));
  api.route('/', replayRoutes({ replays: t.runtime.replays }));
  const app = new OpenAPIHono<RequestEnv>();
  app.use(requestLog(createLogger({ level: 'silent' }))).route('/api', api);
  app.onError((err, c) => {
    const { status, body } = toErrorResponse(err);
    return c.json(body, status);
  });
  const document = openApiDocument(app);
  const declared = responseSchemas(app);
  const ajv = new Ajv({ unknownFormats: 'ignore', allErrors: true });
  ajv.addSchema({ $id: 'openapi', components: document.components });
  /** The document's own JSON Schema of an answer. */
  const jsonSchemaOf = (
    operationId: string,
    status: string,
    responses: Record<string, { content?: Record<string, { schema: object }> }>,
  ) => {
    const schema = responses[status]!.content!['application/json']!.schema;
    const resolved = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'),
    ) as object;
    return ajv.compile({ $id: `${operationId}-${status}-${Math.random()}`, ...resolved });
  };

  /** A request, its answer checked against what its route declares. */
  async function call(method: string, path: string, body?: unknown, headers = {}) {
    const res = await app.request(path, {
      method,
      headers: { ...auth, 'content-type': 'application/json', ...headers },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    const json: unknown = await res.json();
    const template = Object.keys(document.paths ?? {}).find((p) =>
      new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(new URL(path, 'http://x').pathname),
    );
    const op =
      template && (document.paths?.[template] as Record<string, unknown>)[method.toLowerCase()];
    expect(op, `${method} ${path} is documented`).toBeDefined();
    const { operationId, responses } = op as {
      operationId: string;
      responses: Record<
        string,
        { description: string; content?: Record<string, { schema: object }> }
      >;
    };
    const label = `${method} ${path} → ${res.status} ${JSON.stringify(json).slice(0, 400)}`;
    expect(Object.keys(responses), label).toContain(String(res.status));
    const schema = declared[operationId]?.[String(res.status)];
    const parsed = schema!.safeParse(json);
    expect(parsed.success, `${label}\n${parsed.error?.message}`).toBe(true);
    const validate = jsonSchemaOf(operationId, String(res.status), responses);
    expect(validate(json), `${label}\n${ajv.errorsText(validate.errors)}`).toBe(true);
    if (res.status >= 400) {
      const { code } = ErrorBody.parse(json).error;
      expect(responses[String(res.status)]!.description, label).toContain(`\`${code}\``);
    }
    return { status: res.status, body: json };
  }
  return { ...t, app, document, call };
}

const progressOf = (body: unknown) => ReplayProgress.parse(body);
const errorOf = (body: unknown) => ErrorBody.parse(body).error;
const paths = (body: unknown) =>
  z
    .array(z.object({ path: z.string() }))
    .parse(errorOf(body).details)
    .map((d) => d.path);

describe('the replay routes', () => {
  it('are documented, staff only, and list the shipped scripts', async () => {
    const t = replayApp();
    expect(Object.keys(t.document.paths ?? {}).sort()).toEqual([
      '/api/replays',
      '/api/replays/{id}',
      '/api/sessions/{id}/script',
    ]);
    expect(t.document.components?.schemas).toHaveProperty('ReplayScript');
    const noToken = await t.app.request('/api/replays');
    expect(noToken.status).toBe(401);
    const { status, body } = await t.call('GET', '/api/replays');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      scripts: expect.arrayContaining([
        expect.objectContaining({ name: 'tcross-front-crash', stations: 1 }),
        expect.objectContaining({ name: 'rush-all-stations', stations: 'all' }),
      ]),
      replays: [],
    });
  });

  it('POST answers 202 with the replay id; GET follows it to the end', async () => {
    const t = replayApp();
    const started = await t.call('POST', '/api/replays', {
      script: 'golf-side-swipe',
      station_id: '2',
      speed: 10,
    });
    expect(started.status).toBe(202);
    const { replay_id } = progressOf(started.body);
    expect(progressOf(started.body)).toMatchObject({
      script: 'golf-side-swipe',
      stations: ['2'],
      speed: 10,
      status: 'running',
    });
    const running = await t.call('GET', `/api/replays/${replay_id}`);
    expect(running.status).toBe(200);
    // Speed 10: the script's 32 s take 3.2 s on the clock.
    const done = await runToEnd(t.runtime, t.clock, replay_id);
    expect(done.status).toBe('done');
    expect(Date.parse(done.ended_at!) - Date.parse(done.started_at)).toBeLessThan(4_000);
    const after = await t.call('GET', `/api/replays/${replay_id}`);
    expect(progressOf(after.body)).toMatchObject({ status: 'done', step: 10, of: 10 });
    const listed = await t.call('GET', '/api/replays');
    expect(listed.body).toMatchObject({ replays: [{ replay_id, status: 'done' }] });
  });

  it('DELETE stops a replay; an unknown one is a 404', async () => {
    const t = replayApp();
    const { body } = await t.call('POST', '/api/replays', { script: 'tcross-front-crash' });
    const { replay_id } = progressOf(body);
    await settle();
    const stopped = await t.call('DELETE', `/api/replays/${replay_id}`);
    expect(stopped.status).toBe(200);
    expect(progressOf(stopped.body).status).toBe('stopped');
    expect(progressOf((await t.call('GET', `/api/replays/${replay_id}`)).body).status).toBe(
      'stopped',
    );
    for (const method of ['GET', 'DELETE']) {
      const missing = await t.call(method, '/api/replays/rpl-nope');
      expect(missing.status).toBe(404);
      expect(errorOf(missing.body).code).toBe('replay_not_found');
    }
  });

  it('400 for a body that is not {script, station_id?, speed?}, naming the fields', async () => {
    const t = replayApp();
    const empty = await t.call('POST', '/api/replays', {});
    expect(empty.status).toBe(400);
    expect(paths(empty.body)).toEqual(['script']);
    const slow = await t.call('POST', '/api/replays', { script: 'golf-side-swipe', speed: 'fast' });
    expect(slow.status).toBe(400);
    expect(paths(slow.body)).toEqual(['speed']);
    const broken = await t.call('POST', '/api/replays', '{"script": ');
    expect([broken.status, errorOf(broken.body).code]).toEqual([400, 'invalid_json']);
    const plain = await t.call('POST', '/api/replays', 'golf', { 'content-type': 'text/plain' });
    expect([plain.status, errorOf(plain.body).code]).toEqual([400, 'invalid_body']);
  });

  it('422 for a script that does not validate or names what the floor lacks', async () => {
    const t = replayApp();
    const bad = await t.call('POST', '/api/replays', {
      script: {
        name: 'bad',
        title: 'Bad',
        steps: [
          { at_ms: -5, action: 'crash' },
          { at_ms: 0, action: 'teleport' },
        ],
      },
    });
    expect(bad.status).toBe(422);
    expect(errorOf(bad.body).code).toBe('script_invalid');
    expect(paths(bad.body)).toEqual(['steps.0.at_ms', 'steps.1.action']);
    const unknown = await t.call('POST', '/api/replays', {
      script: { name: 'x', title: 'X', steps: [{ at_ms: 0, action: 'crash', sample: 'nope' }] },
    });
    expect(unknown.status).toBe(422);
    expect(paths(unknown.body)).toEqual(['steps.0.sample']);
    const tooMany = await t.call('POST', '/api/replays', {
      script: { name: 'x', title: 'X', stations: 9, steps: [{ at_ms: 0, action: 'continue' }] },
    });
    expect([tooMany.status, paths(tooMany.body)]).toEqual([422, ['stations']]);
  });

  it('404 for an unknown script or station, 409 for a station another replay drives', async () => {
    const t = replayApp();
    const noScript = await t.call('POST', '/api/replays', { script: 'no-such-script' });
    expect([noScript.status, errorOf(noScript.body).code]).toEqual([404, 'script_not_found']);
    const noStation = await t.call('POST', '/api/replays', {
      script: 'tcross-front-crash',
      station_id: '42',
    });
    expect([noStation.status, errorOf(noStation.body).code]).toEqual([404, 'station_not_found']);
    expect((await t.call('POST', '/api/replays', { script: 'rush-all-stations' })).status).toBe(
      202,
    );
    const busy = await t.call('POST', '/api/replays', {
      script: 'golf-side-swipe',
      station_id: '2',
    });
    expect([busy.status, errorOf(busy.body).code]).toEqual([409, 'replay_running']);
  });

  it('the same Idempotency-Key answers the same replay', async () => {
    const t = replayApp();
    const key = { 'Idempotency-Key': 'start-rehearsal-1' };
    const a = await t.call('POST', '/api/replays', { script: 'tcross-front-crash' }, key);
    const b = await t.call('POST', '/api/replays', { script: 'tcross-front-crash' }, key);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(progressOf(b.body).replay_id).toBe(progressOf(a.body).replay_id);
  });

  it('GET /sessions/{id}/script exports a session that POST /replays replays to the same total', async () => {
    const t = replayApp();
    const booked = await drive(t.runtime, '1', 'Booked');
    const exported = await t.call('GET', `/api/sessions/${booked.session_id}/script`);
    expect(exported.status).toBe(200);
    const script = ReplayScript.parse(exported.body);
    t.runtime.floor.submit('1', { type: 'NEXT_DRIVER', payload: {} }, { source: 'kiosk' });
    const started = await t.call('POST', '/api/replays', { script, station_id: '3' });
    expect(started.status).toBe(202);
    const done = await runToEnd(t.runtime, t.clock, progressOf(started.body).replay_id);
    expect(done.status).toBe('done');
    const again = t.runtime.floor.sessionView(done.sessions[0]!.session_id)!;
    expect(again.estimate!.grand_total).toBe(booked.estimate!.grand_total);
    expect(again.dealer!.dealer_id).toBe(booked.dealer!.dealer_id);

    const missing = await t.call('GET', '/api/sessions/no-such-session/script');
    expect([missing.status, errorOf(missing.body).code]).toEqual([404, 'session_not_found']);
    const fresh = t.runtime.floor.view('2')!.session_id;
    const empty = await t.call('GET', `/api/sessions/${fresh}/script`);
    expect([empty.status, errorOf(empty.body).code]).toEqual([422, 'script_invalid']);
  });
});

describe('npm run replay', () => {
  /** The CLI against the test app; each wait moves the simulated clock on. */
  function cli(
    t: ReturnType<typeof replayApp>,
    argv: string[],
    files: Record<string, string> = {},
  ) {
    const lines: string[] = [];
    const done = runCli({
      argv,
      env: { SERVER_URL: 'http://floor.test/', STAFF_TOKEN: TOKEN },
      fetch: async (url, init) => t.app.request(url, init),
      out: (line) => lines.push(line),
      sleep: async (ms) => {
        t.clock.increment(ms);
        await settle();
      },
      readFile: (path) => {
        const text = files[path];
        if (text === undefined) throw new Error(`ENOENT: ${path}`);
        return text;
      },
    });
    return { lines, done };
  }

  it('posts the replay and prints its progress until it is done', async () => {
    const t = replayApp();
    const { lines, done } = cli(t, ['tcross-front-crash', '--station', '3', '--speed', '5']);
    expect(await done).toBe(0);
    expect(lines[0]).toMatch(/^replay rpl-.+: tcross-front-crash .* on station\(s\) 3 at speed 5$/);
    expect(lines.some((l) => /^\[8\/8\] done/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^ {2}station 3: session 3-/);
  });

  it('sends a script file inline, and says why it could not start one', async () => {
    const t = replayApp();
    const file = JSON.stringify({
      name: 'from-file',
      title: 'From a file',
      steps: [{ at_ms: 0, action: 'crash', sample: 'golf-rear', report: true }],
    });
    const ok = cli(t, ['my.json', '--station=2'], { 'my.json': file });
    expect(await ok.done).toBe(0);
    const missing = cli(t, ['no-such-script']);
    expect(await missing.done).toBe(2);
    expect(missing.lines.join('\n')).toContain('404 script_not_found');
    const usage = cli(t, ['a', 'b']);
    expect(await usage.done).toBe(2);
    expect(usage.lines.join('\n')).toContain('usage: npm run replay');
    const speed = cli(t, ['tcross-front-crash', '--speed', '-1']);
    expect(await speed.done).toBe(2);
  });

  it('exits 1 when the replay fails', async () => {
    const t = replayApp();
    const file = JSON.stringify({
      name: 'stuck',
      title: 'Stuck',
      steps: [
        { at_ms: 0, action: 'crash', sample: 'golf-rear', report: true },
        { at_ms: 0, action: 'choose_slot', timeout_ms: 2000 },
      ],
    });
    const run = cli(t, ['stuck.json'], { 'stuck.json': file });
    expect(await run.done).toBe(1);
    expect(run.lines.at(-1)).toContain('failed at step 1 on station 1: timeout');
  });
});
