/**
 * The staff floor view's reading of a station (stuck, dropped simulator, failures, times), its
 * HTTP calls (operator header, errors as values, the audit log newest first, replays) and its
 * routes; no browser.
 */
import { describe, expect, it } from 'vitest';
import { sessionMachine } from '../../machines/session.js';
import { t } from '../../ui/i18n-staff.js';
import {
  fetchAudit,
  fetchReplays,
  operatorHeaders,
  runningReplayOn,
  sendCommand,
  startReplay,
  stopReplay,
  validOperator,
} from '../../ui/staff-api.js';
import {
  elapsedMs,
  floorCounts,
  formatElapsed,
  formatLimit,
  isFailure,
  rigAlarm,
  stepLabel,
  stuckLevel,
} from '../../ui/staff-floor-model.js';
import { staffRoute } from '../../ui/staff-route.js';
import type { ReplayRun, StationSummary } from '../../ui/wire.js';

const SINCE = '2025-12-01T16:00:00.000Z';
const at = (seconds: number) => Date.parse(SINCE) + seconds * 1000;

const rig: NonNullable<StationSummary['rig']> = {
  station_id: '1',
  status: 'connected',
  address: '127.0.0.1:25252',
  simulated: false,
  vehicle: null,
  last_telemetry_at: null,
  last_error: null,
  connected_at: SINCE,
  attempt: 0,
  mod: 'installed',
  mod_error: null,
};

const station: StationSummary = {
  station_id: '1',
  station_name: 'Estação 1',
  session_id: '1-abc-1',
  state: 'Estimated',
  step: 'Estimated.reviewingEstimate',
  since: SINCE,
  started_at: SINCE,
  can: ['CONTINUE', 'BACK', 'SET_LOCALE', 'STAFF_RESET'],
  vehicle_model: 'tcross',
  vehicle_name: 'VW T-Cross',
  rig,
  severity: 0.62,
  estimate_total: { amount: '1234.50', currency: 'BRL' },
  dealer_name: null,
  error: null,
  stuck: false,
};

describe('stuck stations', () => {
  it('are not stuck within the limit, amber past it, red past twice the limit', () => {
    expect(stuckLevel(station, at(299), 300_000)).toBe('none');
    expect(stuckLevel(station, at(301), 300_000)).toBe('stuck');
    expect(stuckLevel(station, at(599), 300_000)).toBe('stuck');
    expect(stuckLevel(station, at(600), 300_000)).toBe('overdue');
  });

  it("take the server's word between two ticks, and never mark a driver", () => {
    expect(stuckLevel({ ...station, stuck: true }, at(10), 300_000)).toBe('stuck');
    const driving = { ...station, step: 'Waiting.driving', stuck: true };
    expect(stuckLevel(driving, at(3600), 300_000)).toBe('none');
  });

  it('count in the header with dropped simulators and failures', () => {
    const floor = [
      station,
      { ...station, station_id: '2', rig: { ...rig, status: 'disconnected' as const, attempt: 3 } },
      { ...station, station_id: '3', step: 'Crashed.failed', error: { code: 'x', message: 'y' } },
      { ...station, station_id: '4', step: 'Waiting.driving', rig: null },
    ];
    expect(floorCounts(floor, at(400), 300_000)).toEqual({ stuck: 3, dropped: 1, failed: 1 });
  });
});

describe('time in step', () => {
  it('reads as a clock, never negative (a laptop clock ahead of the server)', () => {
    expect(formatElapsed(elapsedMs(SINCE, at(7.9)))).toBe('0:07');
    expect(formatElapsed(elapsedMs(SINCE, at(252)))).toBe('4:12');
    expect(formatElapsed(elapsedMs(SINCE, at(3849)))).toBe('1:04:09');
    expect(elapsedMs(SINCE, at(-5))).toBe(0);
    expect(elapsedMs('not a time', at(5))).toBe(0);
  });

  it('names the limit in seconds, minutes or hours', () => {
    expect(formatLimit(3_000)).toBe('3 s');
    expect(formatLimit(300_000)).toBe('5 min');
    expect(formatLimit(5_400_000)).toBe('1 h 30 min');
    expect(formatLimit(7_200_000)).toBe('2 h');
  });
});

describe('simulator link on the card', () => {
  it('is dropped once an attempt failed, whether between attempts or in one', () => {
    expect(rigAlarm(null)).toBe('none');
    expect(rigAlarm(rig)).toBe('ok');
    expect(rigAlarm({ ...rig, status: 'connecting' })).toBe('connecting');
    expect(rigAlarm({ ...rig, status: 'disconnected', attempt: 2 })).toBe('dropped');
    expect(rigAlarm({ ...rig, status: 'connecting', attempt: 2 })).toBe('dropped');
    expect(
      rigAlarm({ ...rig, status: 'handshaking', last_error: { code: 'x', message: 'refused' } }),
    ).toBe('dropped');
  });
});

describe('steps', () => {
  it('has words for every state the session machine can be in, in both languages', () => {
    const leaves: string[] = [];
    const walk = (node: { states?: Record<string, unknown> }, path: string[]) => {
      const children = Object.entries(node.states ?? {});
      if (children.length === 0) leaves.push(path.join('.'));
      for (const [key, child] of children)
        walk(child as { states?: Record<string, unknown> }, [...path, key]);
    };
    walk(sessionMachine.root as unknown as { states: Record<string, unknown> }, []);
    expect(leaves).toContain('Waiting.driving');
    expect(leaves.filter((leaf) => stepLabel(leaf) === null)).toEqual([]);
    expect(t('pt-BR', stepLabel('Crashed.failed')!)).toMatch(/falhou/);
    expect(t('en', stepLabel('Crashed.failed')!)).toMatch(/failed/);
    expect(stepLabel('Nowhere.known')).toBeNull();
  });

  it('marks failures staff should look at', () => {
    expect(isFailure(station)).toBe(false);
    expect(isFailure({ ...station, step: 'DealerChosen.bookingFailed' })).toBe(true);
    expect(isFailure({ ...station, error: { code: 'slot_taken', message: '…' } })).toBe(true);
  });
});

/** A fetch that records its calls and answers with `status` and `body` (text or JSON). */
function fakeFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = (async (url: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(url), init });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status });
  }) as typeof fetch;
  return { fn, calls };
}

describe('staff calls', () => {
  it('send the operator name the server accepts, and none otherwise', () => {
    expect(operatorHeaders(' Ana Souza ')).toEqual({ 'X-Operator': 'Ana Souza' });
    expect(operatorHeaders('')).toEqual({});
    expect(operatorHeaders('<script>')).toEqual({});
    expect(validOperator('José d’Ávila')).toBe(false);
    expect(validOperator("José d'Ávila")).toBe(true);
  });

  it('post a command to the station with the operator header', async () => {
    const { fn, calls } = fakeFetch(202, { accepted: true });
    const result = await sendCommand('1', { type: 'STAFF_RESET' }, 'Ana', fn);
    expect(result).toEqual({ ok: true, status: 202, body: { accepted: true } });
    expect(calls[0]!.url).toBe('/api/stations/1/commands');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.body).toBe('{"type":"STAFF_RESET"}');
    expect(calls[0]!.init.headers).toMatchObject({
      'content-type': 'application/json',
      'X-Operator': 'Ana',
    });
  });

  it("answer a refusal with the server's code and message, a bare error with its status", async () => {
    const refused = fakeFetch(409, { error: { code: 'not_accepted', message: 'in Booked' } });
    expect(await sendCommand('1', { type: 'RETRY' }, '', refused.fn)).toEqual({
      ok: false,
      status: 409,
      error: { code: 'not_accepted', message: 'in Booked' },
    });
    const proxy = fakeFetch(502, '<html>Bad gateway</html>');
    const answer = await sendCommand('1', { type: 'RETRY' }, '', proxy.fn);
    expect(answer).toMatchObject({ ok: false, status: 502, error: { code: 'http_502' } });
  });

  it('answer a network failure with status 0, never a throw', async () => {
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await sendCommand('1', { type: 'RETRY' }, 'Ana', down)).toEqual({
      ok: false,
      status: 0,
      error: { code: 'network', message: 'Failed to fetch' },
    });
  });

  it('start a replay at real speed on the station, and stop it by its id', async () => {
    const start = fakeFetch(202, { replay_id: 'rpl-1' });
    await startReplay('2', 'golf-side-swipe', 'Ana', start.fn);
    expect(start.calls[0]!.url).toBe('/api/replays');
    expect(JSON.parse(String(start.calls[0]!.init.body))).toEqual({
      script: 'golf-side-swipe',
      station_id: '2',
      speed: 1,
    });
    const stop = fakeFetch(200, { replay_id: 'rpl-1', status: 'stopped' });
    await stopReplay('rpl-1', 'Ana', stop.fn);
    expect(stop.calls[0]).toMatchObject({ url: '/api/replays/rpl-1', init: { method: 'DELETE' } });
  });

  it('read the audit log newest first, and say when it is not there', async () => {
    const entry = (seq: number) => ({
      seq,
      at: SINCE,
      who: 'Ana',
      action: 'reset',
      station_id: '1',
      session_id: '1-abc-1',
      result: 'ok',
      details: {},
      correlation_id: null,
    });
    const { fn, calls } = fakeFetch(200, { entries: [entry(3), entry(9), entry(5)] });
    const result = await fetchAudit(50, fn);
    expect(calls[0]!.url).toBe('/api/audit?limit=50');
    expect(result.ok && result.body.map((e) => e.seq)).toEqual([9, 5, 3]);
    const missing = fakeFetch(404, { error: { code: 'not_found', message: 'No route' } });
    expect(await fetchAudit(50, missing.fn)).toMatchObject({ ok: false, status: 404 });
    const odd = fakeFetch(200, { entries: [{ seq: 'one' }] });
    expect(await fetchAudit(50, odd.fn)).toMatchObject({
      ok: false,
      error: { code: 'bad_message' },
    });
  });

  it('find the replay running on a station', async () => {
    const run = (replay_id: string, status: ReplayRun['status'], stations: string[]) => ({
      replay_id,
      script: 'rush-all-stations',
      title: 'Rush',
      stations,
      status,
      step: 1,
      of: 9,
    });
    const { fn } = fakeFetch(200, {
      scripts: [{ name: 'rush-all-stations', title: 'Rush' }],
      replays: [run('rpl-2', 'done', ['1']), run('rpl-1', 'running', ['1', '2'])],
    });
    const result = await fetchReplays(fn);
    if (!result.ok) throw new Error('expected the list');
    expect(runningReplayOn(result.body.replays, '2')?.replay_id).toBe('rpl-1');
    expect(runningReplayOn(result.body.replays, '1')?.replay_id).toBe('rpl-1');
    expect(runningReplayOn(result.body.replays, '3')).toBeNull();
  });
});

describe('staff routes', () => {
  it('route /staff to the floor and /staff/sessions/{id} to its inspector', () => {
    expect(staffRoute('/staff')).toEqual({ page: 'floor' });
    expect(staffRoute('/staff/')).toEqual({ page: 'floor' });
    expect(staffRoute('/staff/sessions/1-abc-2')).toEqual({
      page: 'inspector',
      session_id: '1-abc-2',
    });
    expect(staffRoute('/staff/sessions/a%20b')).toEqual({ page: 'inspector', session_id: 'a b' });
    expect(staffRoute('/staff/sessions/%E0%A4%A')).toEqual({ page: 'unknown' });
    expect(staffRoute('/staff/other')).toEqual({ page: 'unknown' });
  });
});
