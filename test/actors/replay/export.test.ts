/**
 * A session's journal as a script (GET /api/sessions/{id}/script): a session driven by hand, at
 * the kiosk or through the rig, exports to a script that replays to the same estimate, totals
 * and dealer — as a rehearsal, on the same station or another.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../actors/errors.js';
import { ReplayScript } from '../../../actors/replay/script.js';
import { drive } from '../../adapters/store/helpers.js';
import { replay, settle, simulatedFloor } from './helpers.js';

const kiosk = { source: 'kiosk' as const };

describe('exporting a session', () => {
  it('a session booked at the kiosk replays to the same grand total and dealer', async () => {
    const t = simulatedFloor();
    const booked = await drive(t.runtime, '1', 'Booked');
    t.clock.increment(4_000);
    t.runtime.floor.submit('1', { type: 'NEXT_DRIVER', payload: {} }, kiosk);
    await settle();

    const script = t.runtime.replays.scriptOf(booked.session_id);
    // It is a script like any other: it survives JSON and validates.
    expect(ReplayScript.parse(JSON.parse(JSON.stringify(script)))).toEqual(script);
    expect(script.stations).toBe(1);
    expect(script.steps.map((s) => s.action)).toEqual([
      'crash',
      'continue',
      'continue',
      'choose_dealer',
      'choose_slot',
      'next_driver',
    ]);
    expect(script.steps[0]).toMatchObject({ report: true, vehicle_model: booked.vehicle_model });
    expect(script.steps.at(-1)!.at_ms).toBe(4_000);

    for (const station_id of ['1', '3']) {
      const { progress, sessions } = await replay(t, { script, station_id });
      expect(progress.status, JSON.stringify(progress.error)).toBe('done');
      const [again] = sessions;
      expect(again!.session_id).not.toBe(booked.session_id);
      expect(again!.estimate!.grand_total).toBe(booked.estimate!.grand_total);
      expect(again!.estimate!.lines).toEqual(booked.estimate!.lines);
      expect(again!.dealer!.dealer_id).toBe(booked.dealer!.dealer_id);
      expect(again!.invoice!.grand_total).toBe(booked.invoice!.grand_total);
      expect(again!.appointment!.status).toBe('rehearsal');
    }
  });

  it('a crash the rig held and a repair press replay the same', async () => {
    const t = simulatedFloor();
    const { floor } = t.runtime;
    const telemetry = t.runtime.samples.find((s) => s.id === 'golf-side-left')!.telemetry;
    floor.submit(
      '2',
      {
        type: 'CRASH_DETECTED',
        payload: { telemetry, total_damage: 7311.8, received_at: t.now().toISOString() },
      },
      { source: 'simulator' },
    );
    t.clock.increment(2_000);
    floor.submit('2', { type: 'SET_LOCALE', payload: { locale: 'en' } }, kiosk);
    floor.submit('2', { type: 'REPAIR_REQUESTED', payload: {} }, { source: 'mod' });
    const estimated = await floor.waitFor('2', (v) => v.step === 'Estimated.reviewingDamage');
    floor.submit('2', { type: 'CONTINUE', payload: {} }, kiosk);
    floor.submit('2', { type: 'CONTINUE', payload: {} }, kiosk);
    const ready = await floor.waitFor('2', (v) => v.step === 'Estimated.choosingDealer.ready');
    // Booked from outside, with the second dealer and its third slot.
    const dealer = ready.dealers[1]!.dealer_id;
    const slot = floor.services.checkDealer(dealer, ready.estimate!).slots[2]!.start;
    floor.submit(
      '2',
      {
        type: 'BOOKING_REQUESTED',
        payload: { estimate_id: ready.estimate_id!, dealer_id: dealer, slot_start: slot },
      },
      { source: 'api', request_id: 'api-booking-1' },
    );
    const booked = await floor.waitFor('2', (v) => v.step === 'Booked.confirmationShown');

    const script = t.runtime.replays.scriptOf(booked.session_id);
    expect(script.steps.map((s) => s.action)).toEqual([
      'crash',
      'set_locale',
      'repair',
      'continue',
      'continue',
      'book',
    ]);
    expect(script.steps[0]).toMatchObject({ at_ms: 0, telemetry, vehicle_model: 'golf' });
    expect(script.steps[0]).not.toHaveProperty('report');
    expect(script.steps[5]).toMatchObject({ dealer_id: dealer, index: 2 });

    floor.submit('2', { type: 'STAFF_RESET', payload: {} }, { source: 'staff' });
    const { progress, sessions } = await replay(t, { script, station_id: '2' });
    expect(progress.status, JSON.stringify(progress.error)).toBe('done');
    const [again] = sessions;
    expect(again!.damage!.components).toEqual(estimated.damage!.components);
    expect(again!.estimate!.grand_total).toBe(booked.estimate!.grand_total);
    expect(again!.dealer!.dealer_id).toBe(dealer);
    expect(again!.locale).toBe('en');
    // The real booking holds its slot; the rehearsal took the third of what is open now.
    expect(again!.appointment!.status).toBe('rehearsal');
  });

  it('a rehearsal exports too, and replays to the same result', async () => {
    const t = simulatedFloor();
    const first = await replay(t, { script: 'golf-side-swipe', station_id: '2' });
    const script = t.runtime.replays.scriptOf(first.sessions[0]!.session_id);
    const second = await replay(t, { script, station_id: '2' });
    expect(second.progress.status).toBe('done');
    const [a, b] = [first.sessions[0]!, second.sessions[0]!];
    expect(b.estimate!.grand_total).toBe(a.estimate!.grand_total);
    expect(b.dealer!.dealer_id).toBe(a.dealer!.dealer_id);
    expect(b.appointment!.slot_start).toBe(a.appointment!.slot_start);
  });

  it('refuses a session it does not know, and one with nothing to replay', () => {
    const t = simulatedFloor();
    const code = (id: string) => {
      try {
        t.runtime.replays.scriptOf(id);
      } catch (err) {
        return err instanceof DomainError ? err.code : String(err);
      }
      return 'no refusal';
    };
    expect(code('no-such-session')).toBe('session_not_found');
    expect(code(t.runtime.floor.view('1')!.session_id)).toBe('script_invalid');
  });
});
