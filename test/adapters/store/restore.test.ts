/**
 * Restore: a runtime stopped and started again on the same STATE_DIR finds every station in the
 * state it was in, with its data and the same session id; timers go on with the time they had
 * left (on a SimulatedClock, exactly); a stored session that cannot be restored is set aside,
 * named in /api/health, and its station starts fresh while the others come back.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { SessionView } from '../../../actors/protocol.js';
import { DATABASE_FILE } from '../../../adapters/runtime.js';
import { boot, drive, tempStateDir } from './helpers.js';

/** What must come back of a station's session. */
const essentials = (v: SessionView) => ({
  session_id: v.session_id,
  step: v.step,
  locale: v.locale,
  damage: v.damage,
  estimate: v.estimate,
  dealer: v.dealer,
  slots: v.slots,
  appointment: v.appointment,
  invoice: v.invoice,
  started_at: v.started_at,
});

describe('restore', () => {
  it('brings every station back in its state, with its data and the same session id', async () => {
    const dir = tempStateDir('restore-');
    const first = boot(dir, { STATIONS: '4' });
    await drive(first.runtime, '1', 'Estimated');
    await drive(first.runtime, '2', 'choosingSlot');
    await drive(first.runtime, '3', 'Booked');
    first.runtime.floor.submit(
      '4',
      { type: 'SET_LOCALE', payload: { locale: 'en' } },
      { source: 'kiosk' },
    );
    const before = ['1', '2', '3', '4'].map((id) => first.runtime.floor.view(id)!);
    const journals = before.map((v) => first.runtime.store.journalOf(v.session_id));
    first.stop();

    const second = boot(dir, { STATIONS: '4' });
    const after = ['1', '2', '3', '4'].map((id) => second.runtime.floor.view(id)!);
    expect(after.map(essentials)).toEqual(before.map(essentials));
    expect(after.map((v) => v.step)).toEqual([
      'Estimated.reviewingDamage',
      'DealerChosen.choosingSlot',
      'Booked.confirmationShown',
      'Waiting.driving',
    ]);
    // Coming back is not a transition: the journals are as they were.
    expect(after.map((v) => second.runtime.store.journalOf(v.session_id))).toEqual(journals);
    const health = (await (await second.app.request('/api/health')).json()) as {
      store: { quarantined: unknown[] };
    };
    expect(health.store.quarantined).toEqual([]);

    // And they go on from there: the journal continues, the slot can be booked.
    const floor = second.runtime.floor;
    floor.submit('1', { type: 'CONTINUE', payload: {} }, { source: 'kiosk' });
    expect(floor.view('1')!.step).toBe('Estimated.reviewingEstimate');
    floor.submit(
      '2',
      // Not the slot station 3 booked (station 2 was shown the list before that booking).
      { type: 'SLOT_CHOSEN', payload: { slot_start: after[1]!.slots[1]!.start } },
      { source: 'kiosk', request_id: 'book-2' },
    );
    const booked = await floor.waitFor('2', (v) => v.step === 'Booked.confirmationShown');
    expect(booked.session_id).toBe(before[1]!.session_id);
    expect(booked.invoice).not.toBeNull();
    const tail = second.runtime.store.journalOf(before[0]!.session_id).slice(journals[0]!.length);
    expect(tail.map((e) => [e.type, e.from, e.to])).toEqual([
      ['CONTINUE', 'Estimated.reviewingDamage', 'Estimated.reviewingEstimate'],
    ]);
  });

  it('restores a restored floor again, and a station with settings changed takes the new ones', async () => {
    const dir = tempStateDir('restore-twice-');
    const first = boot(dir, { STATIONS: '2' });
    await drive(first.runtime, '1', 'Estimated');
    const session_id = first.runtime.floor.view('1')!.session_id;
    first.stop();
    boot(dir, { STATIONS: '2' }).stop();
    // One station fewer: station 2's row waits; station 1 comes back, under its new name.
    const third = boot(dir, { STATIONS: '1', IDLE_TIMEOUT_S: '600' });
    expect(third.runtime.floor.view('1')).toMatchObject({
      session_id,
      step: 'Estimated.reviewingDamage',
    });
    expect(third.runtime.floor.stations).toEqual(['1']);
    third.stop();
    const fourth = boot(dir, { STATIONS: '2' });
    expect(fourth.runtime.floor.view('1')!.session_id).toBe(session_id);
    expect(fourth.runtime.floor.view('2')!.step).toBe('Waiting.driving');
  });

  describe('timers', () => {
    const base = Date.parse('2026-12-01T12:00:00.000Z');
    /** A runtime on a SimulatedClock set to `at` ms after `base`, its `now` following it. */
    function bootAt(dir: string, at: number) {
      const clock = new SimulatedClock();
      clock.set(at);
      const now = () => new Date(base + clock.now());
      return { clock, ...boot(dir, { IDLE_TIMEOUT_S: '60' }, { clock, now }) };
    }

    it('resume with the time they had left', async () => {
      const dir = tempStateDir('restore-timer-');
      const first = bootAt(dir, 0);
      const { session_id } = await drive(first.runtime, '1', 'Estimated');
      first.clock.increment(40_000);
      first.stop();

      // Started again 10 s later: 60 s idle − 40 s before − 10 s away = 10 s left.
      const second = bootAt(dir, 50_000);
      const floor = second.runtime.floor;
      expect(floor.view('1')).toMatchObject({ session_id, step: 'Estimated.reviewingDamage' });
      second.clock.increment(9_999);
      expect(floor.view('1')!.session_id).toBe(session_id);
      second.clock.increment(1);
      expect(floor.view('1')!.session_id).not.toBe(session_id);
      expect(floor.view('1')!.step).toBe('Waiting.driving');
      const { sessions } = second.runtime.store.history({ limit: 10 });
      expect(sessions).toEqual([
        expect.objectContaining({
          session_id,
          outcome: 'abandoned',
          last_step: 'Estimated.reviewingDamage',
          ended_at: new Date(base + 60_000).toISOString(),
        }),
      ]);
    });

    it('that ran out while the server was down fire at once', async () => {
      const dir = tempStateDir('restore-expired-');
      const first = bootAt(dir, 0);
      const { session_id } = await drive(first.runtime, '1', 'Estimated');
      first.stop();
      const second = bootAt(dir, 5 * 60_000);
      second.clock.increment(0);
      expect(second.runtime.floor.view('1')!.session_id).not.toBe(session_id);
      expect(second.runtime.store.history({ limit: 10 }).sessions[0]).toMatchObject({
        session_id,
        outcome: 'abandoned',
      });
    });

    it('are cancelled when the session moves on, as XState cancels its own', async () => {
      const dir = tempStateDir('restore-cancel-');
      const first = bootAt(dir, 0);
      const { session_id } = await drive(first.runtime, '1', 'Estimated');
      first.stop();
      const second = bootAt(dir, 30_000);
      const floor = second.runtime.floor;
      floor.submit('1', { type: 'CONTINUE', payload: {} }, { source: 'kiosk' });
      // The resumed timer of reviewingDamage (30 s left) must not fire in reviewingEstimate,
      // whose own runs the full 60 s from now.
      second.clock.increment(59_999);
      expect(floor.view('1')).toMatchObject({ session_id, step: 'Estimated.reviewingEstimate' });
      second.clock.increment(1);
      expect(floor.view('1')!.session_id).not.toBe(session_id);
    });
  });

  describe('a session that cannot be restored', () => {
    /** Three stations in Estimated, then their rows damaged as `damage` says, then started again. */
    async function damaged(damage: (db: Database.Database, sessions: string[]) => void) {
      const dir = tempStateDir('restore-bad-');
      const first = boot(dir, { STATIONS: '3' });
      for (const id of ['1', '2', '3']) await drive(first.runtime, id, 'Estimated');
      const sessions = ['1', '2', '3'].map((id) => first.runtime.floor.view(id)!.session_id);
      first.stop();
      const db = new Database(join(dir, DATABASE_FILE));
      damage(db, sessions);
      db.close();
      return { dir, sessions, second: boot(dir, { STATIONS: '3' }) };
    }

    it('is set aside and named in /api/health; its station starts fresh, the others come back', async () => {
      const { dir, sessions, second } = await damaged((db, [s1]) => {
        db.prepare(
          'UPDATE session_snapshots SET snapshot = \'{"status":"active","val\' WHERE session_id = ?',
        ).run(s1);
      });
      const floor = second.runtime.floor;
      expect(floor.view('1')!.step).toBe('Waiting.driving');
      expect(floor.view('1')!.session_id).not.toBe(sessions[0]);
      expect(['2', '3'].map((id) => floor.view(id)!.session_id)).toEqual(sessions.slice(1));
      const health = (await (await second.app.request('/api/health')).json()) as {
        status: string;
        store: { quarantined: { station_id: string; session_id: string; reason: string }[] };
      };
      expect(health.status).toBe('ok');
      expect(health.store.quarantined).toEqual([
        expect.objectContaining({
          station_id: '1',
          session_id: sessions[0],
          reason: expect.stringMatching(/^unreadable snapshot/),
        }),
      ]);
      second.stop();
      // Next start: the fresh session of station 1 is restored, the set-aside one still listed.
      const third = boot(dir, { STATIONS: '3' });
      const fresh = third.runtime.floor.view('1')!;
      expect(fresh.session_id).not.toBe(sessions[0]);
      expect(third.runtime.store.status().quarantined).toHaveLength(1);
    });

    it('covers an unknown snapshot format, a state the machine no longer has, and data it cannot use', async () => {
      const { sessions, second } = await damaged((db, [s1, s2, s3]) => {
        db.prepare("UPDATE stations SET format = 99 WHERE station_id = '1'").run();
        db.prepare(
          `UPDATE session_snapshots SET snapshot = json_set(snapshot, '$.value', json('{"Estimated":"vanished"}'))
           WHERE session_id = ?`,
        ).run(s2);
        db.prepare(
          `UPDATE session_snapshots SET snapshot = json_set(snapshot, '$.context.estimate', json('{"total":1}'))
           WHERE session_id = ?`,
        ).run(s3);
        void s1;
      });
      const floor = second.runtime.floor;
      for (const [i, id] of ['1', '2', '3'].entries()) {
        expect(floor.view(id)!.step).toBe('Waiting.driving');
        expect(floor.view(id)!.session_id).not.toBe(sessions[i]);
      }
      const reasons = Object.fromEntries(
        second.runtime.store.status().quarantined.map((q) => [q.station_id, q.reason]),
      );
      expect(reasons['1']).toMatch(/snapshot format 99/);
      expect(reasons['2']).toMatch(/session machine refused it/);
      expect(reasons['3']).toMatch(/^session data/);
    });

    it('does not stop start-up when the journal is fine but the station row is garbage', async () => {
      const { second } = await damaged((db) => {
        db.prepare("UPDATE stations SET snapshot = 'null' WHERE station_id = '2'").run();
      });
      expect(second.runtime.floor.view('2')!.step).toBe('Waiting.driving');
      expect(second.runtime.store.status().quarantined[0]).toMatchObject({
        station_id: '2',
        reason: expect.stringMatching(/not a station snapshot/),
      });
    });
  });
});
