/**
 * The session journal: every input a session took and every transition, with the state it led
 * to, written with the session's persisted snapshot in one transaction, in order, and still there
 * after a restart.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { DATABASE_FILE } from '../../../adapters/runtime.js';
import { JournalEntry } from '../../../machines/envelope.js';
import { post } from '../http/helpers.js';
import { STAFF } from '../http/helpers.js';
import { boot, tempStateDir } from './helpers.js';

it('journals each input and transition of a session with its snapshot, and keeps it across a restart', async () => {
  const dir = tempStateDir('journal-');
  const { runtime, app, stop } = boot(dir);
  const floor = runtime.floor;
  const session_id = floor.view('1')!.session_id;
  // Live readings are not journalled one by one; a language change is.
  floor.submit(
    '1',
    {
      type: 'TELEMETRY_RECEIVED',
      payload: { telemetry: { damage: 0 }, total_damage: 0, received_at: new Date().toISOString() },
    },
    { source: 'simulator' },
  );
  floor.submit('1', { type: 'SET_LOCALE', payload: { locale: 'en' } }, { source: 'kiosk' });
  const telemetry = runtime.samples.find((s) => s.vehicle_model === 'tcross')!.telemetry;
  const res = await app.request(
    '/api/damage/analyze',
    post(
      { station_id: '1', telemetry },
      { 'Idempotency-Key': 'crash-1', 'X-Request-Id': 'corr-1' },
    ),
  );
  expect(res.status).toBe(201);

  const answer = await app.request(`/api/sessions/${session_id}/journal`, { headers: STAFF });
  expect(answer.status).toBe(200);
  const { events } = (await answer.json()) as { events: JournalEntry[] };
  for (const e of events) JournalEntry.parse(e);
  expect(events.map((e) => [e.type, e.source, e.from, e.to])).toEqual([
    ['xstate.init', null, null, 'Waiting.driving'],
    ['SET_LOCALE', 'kiosk', 'Waiting.driving', 'Waiting.driving'],
    ['CRASH_REPORTED', 'api', 'Waiting.driving', 'Crashed.analysing'],
    ['xstate.done.actor.analyzeDamage', 'actor', 'Crashed.analysing', 'Crashed.estimating'],
    [
      'xstate.done.actor.estimateRepair',
      'actor',
      'Crashed.estimating',
      'Estimated.reviewingDamage',
    ],
  ]);
  expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
  expect(events[1]!.payload).toEqual({ locale: 'en' });
  expect(events[2]).toMatchObject({ request_id: 'crash-1', correlation_id: 'corr-1' });
  expect(events[2]!.payload).toMatchObject({ telemetry });
  // The answers of the session's own actors belong to the request that started the work.
  expect(events.slice(3).map((e) => e.correlation_id)).toEqual(['corr-1', 'corr-1']);

  // The session's persisted snapshot was written with its last entry.
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  const row = db
    .prepare('SELECT state, snapshot FROM session_snapshots WHERE session_id = ?')
    .get(session_id) as { state: string; snapshot: string };
  db.close();
  expect(row.state).toBe('Estimated.reviewingDamage');
  const snapshot = JSON.parse(row.snapshot) as { value: unknown; context: { locale: string } };
  expect(snapshot.value).toEqual({ Estimated: 'reviewingDamage' });
  expect(snapshot.context.locale).toBe('en');

  stop();
  const again = boot(dir);
  const kept = await again.app.request(`/api/sessions/${session_id}/journal`, { headers: STAFF });
  expect(kept.status).toBe(200);
  expect(((await kept.json()) as { events: unknown[] }).events).toHaveLength(events.length);
});
