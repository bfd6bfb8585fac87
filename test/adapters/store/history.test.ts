/**
 * The session history: every session a station moved on from — completed, abandoned (the idle
 * timer), reset by staff, a rehearsal — summarised once, listed by `GET /api/sessions` newest
 * first, filtered, paged with a cursor, and as CSV. On a SimulatedClock, so times are exact.
 */
import { SimulatedClock } from 'xstate';
import { expect, it } from 'vitest';
import type { SessionSummary } from '../../../actors/history.js';
import { STAFF } from '../http/helpers.js';
import { boot, drive, tempStateDir } from './helpers.js';

const BASE = Date.parse('2026-12-01T13:00:00.000Z');
const at = (ms: number) => new Date(BASE + ms).toISOString();

it('summarises each finished session and lists them newest first, filtered, paged and as CSV', async () => {
  const clock = new SimulatedClock();
  const now = () => new Date(BASE + clock.now());
  const { runtime, app } = boot(
    tempStateDir('history-'),
    { STATIONS: '2', IDLE_TIMEOUT_S: '60' },
    { clock, now },
  );
  const { floor } = runtime;
  const kiosk = { source: 'kiosk' as const };

  // Station 1: booked, then the next driver (completed at +5 s).
  const booked = await drive(runtime, '1', 'Booked');
  clock.increment(5_000);
  floor.submit('1', { type: 'NEXT_DRIVER', payload: {} }, kiosk);
  // Station 2: estimated, then nobody touches it (abandoned at +65 s).
  const estimated = await drive(runtime, '2', 'Estimated');
  clock.increment(60_000);
  // Station 1's next session: reset by staff at +70 s.
  clock.increment(5_000);
  const reset = floor.view('1')!;
  floor.submit('1', { type: 'STAFF_RESET', payload: {} }, { source: 'staff' });
  // Station 2's next session: a rehearsal's crash, then reset (+80 s).
  clock.increment(10_000);
  const model = floor.view('2')!.vehicle_model;
  floor.submit(
    '2',
    {
      type: 'CRASH_REPORTED',
      payload: { telemetry: runtime.samples.find((s) => s.vehicle_model === model)!.telemetry },
    },
    { source: 'replay', request_id: 'rehearsal-1' },
  );
  const rehearsal = await floor.waitFor('2', (v) => v.state === 'Estimated');
  floor.submit('2', { type: 'STAFF_RESET', payload: {} }, { source: 'staff' });

  const list = async (query = '') => {
    const res = await app.request(`/api/sessions${query}`, { headers: STAFF });
    expect(res.status).toBe(200);
    return (await res.json()) as { sessions: SessionSummary[]; next_cursor: string | null };
  };
  const { sessions, next_cursor } = await list();
  expect(next_cursor).toBeNull();
  expect(sessions.map((s) => [s.session_id, s.outcome, s.ended_at, s.rehearsal])).toEqual([
    [rehearsal.session_id, 'reset', at(80_000), true],
    [reset.session_id, 'reset', at(70_000), false],
    [estimated.session_id, 'abandoned', at(65_000), false],
    [booked.session_id, 'completed', at(5_000), false],
  ]);
  const [, , abandoned, completed] = sessions;
  expect(completed).toMatchObject({
    station_id: '1',
    vehicle_model: booked.vehicle_model,
    last_step: 'Booked.closed',
    severity: booked.damage!.severity_score,
    components: booked.damage!.components.map((c) => c.component_name),
    // The price the chosen dealer charges: what was invoiced.
    estimate: {
      estimate_id: booked.dealer_estimate!.estimate_id,
      grand_total: booked.dealer_estimate!.grand_total,
      currency: 'BRL',
    },
    dealer: { dealer_id: booked.dealer!.dealer_id, name: booked.dealer!.name },
    appointment: {
      appointment_id: booked.appointment!.appointment_id,
      slot_start: booked.appointment!.slot_start,
      invoice_id: booked.invoice!.invoice_id,
    },
    // Driven without the clock moving, then 5 s on the confirmation.
    time_in_state_ms: { Waiting: 0, Crashed: 0, Estimated: 0, DealerChosen: 0, Booked: 5_000 },
  });
  expect(abandoned).toMatchObject({
    last_step: 'Estimated.reviewingDamage',
    appointment: null,
    dealer: null,
    time_in_state_ms: { Waiting: 5_000, Crashed: 0, Estimated: 60_000 },
  });
  expect(sessions[1]).toMatchObject({
    severity: null,
    estimate: null,
    components: [],
    time_in_state_ms: { Waiting: 65_000 },
  });

  // An ended session is still there by id, as it was last stored, taking nothing.
  const gone = await app.request(`/api/sessions/${booked.session_id}`);
  expect(gone.status).toBe(200);
  expect(await gone.json()).toMatchObject({
    session_id: booked.session_id,
    step: 'Booked.closed',
    appointment: booked.appointment,
    can: [],
  });

  // Filters.
  expect((await list('?station=2')).sessions.map((s) => s.session_id)).toEqual([
    rehearsal.session_id,
    estimated.session_id,
  ]);
  expect((await list('?outcome=abandoned')).sessions.map((s) => s.session_id)).toEqual([
    estimated.session_id,
  ]);
  const window = `?from=${encodeURIComponent(at(5_000))}&to=${encodeURIComponent(at(70_000))}`;
  expect((await list(window)).sessions.map((s) => s.ended_at)).toEqual([at(65_000), at(5_000)]);
  // An offset in the query means the same instant.
  expect((await list('?from=2026-12-01T10:01:10-03:00')).sessions).toHaveLength(2);

  // Pages of one, following the cursor: each session once, in order.
  const paged: string[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page = await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.sessions.length).toBeLessThanOrEqual(1);
    paged.push(...page.sessions.map((s) => s.session_id));
    cursor = page.next_cursor;
  }
  expect(paged).toEqual(sessions.map((s) => s.session_id));

  // CSV: a header row and one row per session, the same page.
  for (const init of [{ query: '?format=csv' }, { query: '', accept: 'text/csv' }]) {
    const res = await app.request(`/api/sessions${init.query}`, {
      headers: init.accept ? { ...STAFF, Accept: init.accept } : STAFF,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = (await res.text()).trimEnd().split('\r\n');
    expect(rows).toHaveLength(5);
    const header = rows[0]!.split(',');
    expect(header.slice(0, 5)).toEqual([
      'session_id',
      'station_id',
      'started_at',
      'ended_at',
      'outcome',
    ]);
    const last = Object.fromEntries(header.map((h, i) => [h, rows[4]!.split(',')[i]]));
    expect(last).toMatchObject({
      session_id: booked.session_id,
      outcome: 'completed',
      rehearsal: 'false',
      grand_total: booked.dealer_estimate!.grand_total,
      ms_in_Booked: '5000',
    });
  }
  const paging = await app.request('/api/sessions?format=csv&limit=1', { headers: STAFF });
  expect(paging.headers.get('x-next-cursor')).toBeTruthy();

  // Bad queries are refused with 400 and say which field.
  for (const query of [
    '?limit=0',
    '?limit=abc',
    '?from=yesterday',
    '?outcome=lost',
    '?cursor=garbage',
    '?format=xml',
  ]) {
    const res = await app.request(`/api/sessions${query}`, { headers: STAFF });
    expect(res.status, query).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_query');
  }
});
