/**
 * The replay runner on a SimulatedClock: the speed divides the script's times, a step the
 * session cannot take yet waits for it (up to its timeout), a stop stops, a step sent again is a
 * duplicate, and what a floor cannot run is refused before anything moves.
 */
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../actors/errors.js';
import { Replays } from '../../../actors/replay/registry.js';
import { stepRequestId, type Clock } from '../../../actors/replay/runner.js';
import { laneSteps, ReplayScript, type ReplayScriptInput } from '../../../actors/replay/script.js';
import { drive } from '../../adapters/store/helpers.js';
import { runToEnd, settle, simulatedFloor } from './helpers.js';

const script = (steps: ReplayScriptInput['steps'], extra: Partial<ReplayScriptInput> = {}) =>
  ReplayScript.parse({ name: 'test-script', title: 'Test', steps, ...extra });

/** A crash reported with the T-Cross sample, then `after`. */
const crashThen = (...after: ReplayScriptInput['steps']) =>
  script([{ at_ms: 0, action: 'crash', sample: 'tcross-front', report: true }, ...after]);

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('the script format', () => {
  it('refuses what it cannot mean, naming the field', () => {
    const issues = (input: unknown) =>
      ReplayScript.safeParse(input).error?.issues.map((i) => i.path.join('.'));
    const base = { name: 'x', title: 'X' };
    expect(issues({ ...base, steps: [] })).toEqual(['steps']);
    expect(issues({ ...base, steps: [{ at_ms: -1, action: 'continue' }] })).toEqual([
      'steps.0.at_ms',
    ]);
    expect(issues({ ...base, steps: [{ at_ms: 0, action: 'fly' }] })).toEqual(['steps.0.action']);
    expect(
      issues({ ...base, steps: [{ at_ms: 0, action: 'crash', sample: 'a', telemetry: {} }] }),
    ).toEqual(['steps.0.telemetry']);
    expect(issues({ ...base, steps: [{ at_ms: 0, action: 'continue', station: 1 }] })).toEqual([
      'steps.0.station',
    ]);
    expect(
      issues({ ...base, steps: [{ at_ms: 0, action: 'continue', station: 0, stagger_ms: 5 }] }),
    ).toEqual(['steps.0.stagger_ms']);
    expect(issues({ ...base, name: 'Not A Name', steps: [{ at_ms: 0, action: 'back' }] })).toEqual([
      'name',
    ]);
    expect(ReplayScript.parse({ ...base, steps: [{ at_ms: 0, action: 'back' }] }).stations).toBe(1);
  });

  it('spreads a step on every station over the lanes, staggered, each lane in time order', () => {
    const s = script(
      [
        { at_ms: 1000, action: 'continue', station: 1 },
        { at_ms: 0, action: 'crash', station: 'all', stagger_ms: 400 },
        { at_ms: 400, action: 'repair', station: 0 },
      ],
      { stations: 2 },
    );
    const lanes = laneSteps(s, 2).map((l) => l.map((x) => [x.index, x.at_ms]));
    expect(lanes).toEqual([
      [
        [1, 0],
        [2, 400],
      ],
      [
        [1, 400],
        [0, 1000],
      ],
    ]);
  });
});

describe('time', () => {
  it('divides every step time by the speed, on the floor clock', async () => {
    const t = simulatedFloor();
    const s = crashThen({ at_ms: 10_000, action: 'continue' });
    const { replay_id } = t.runtime.replays.start({ script: s, speed: 4 });
    await settle();
    expect(t.runtime.floor.view('1')!.step).toBe('Estimated.reviewingDamage');
    t.clock.increment(2_499);
    await settle();
    expect(t.runtime.floor.view('1')!.step).toBe('Estimated.reviewingDamage');
    t.clock.increment(1);
    await settle();
    expect(t.runtime.floor.view('1')!.step).toBe('Estimated.reviewingEstimate');
    expect(t.runtime.replays.get(replay_id)).toMatchObject({ status: 'done', speed: 4 });
  });

  it('asks the clock for at_ms / speed, counted from the start', async () => {
    const t = simulatedFloor();
    const delays: number[] = [];
    const clock: Clock = {
      setTimeout: (fn, ms) => {
        delays.push(ms);
        return t.clock.setTimeout(fn, ms);
      },
      clearTimeout: (id) => t.clock.clearTimeout(id),
    };
    const replays = new Replays({
      floor: t.runtime.floor,
      clock,
      scripts: [],
      samples: t.runtime.samples,
      records: t.runtime.store,
      now: t.now,
    });
    replays.start({
      script: crashThen(
        { at_ms: 3_000, action: 'continue', timeout_ms: 7_000 },
        { at_ms: 9_000, action: 'continue' },
      ),
      speed: 3,
    });
    // The steps' times (from the start, not one after the other), then the crash's wait.
    expect(delays).toEqual([1_000, 3_000]);
    await settle();
    expect(delays).toEqual([1_000, 3_000, 30_000]);
    t.clock.increment(1_000);
    await settle();
    // The first continue's own timeout (not divided: it is how long the session may take).
    expect(delays).toEqual([1_000, 3_000, 30_000, 7_000]);
    replays.stopAll();
  });
});

describe('waiting for the session', () => {
  it('holds a step the session cannot take yet until it can', async () => {
    const t = simulatedFloor();
    // Both at once: the continue has to wait for the analysis and the estimate.
    const s = crashThen({ at_ms: 0, action: 'continue' }, { at_ms: 0, action: 'continue' });
    const { replay_id } = t.runtime.replays.start({ script: s });
    const done = await runToEnd(t.runtime, t.clock, replay_id);
    expect(done.status).toBe('done');
    expect(t.runtime.floor.view('1')!.step).toBe('Estimated.choosingDealer.ready');
    // Sent once the session could take them, never refused on the way.
    expect(t.events.filter((e) => e.type === 'input.refused')).toEqual([]);
    const journal = t.runtime.floor.services.journalOf(done.sessions[0]!.session_id);
    expect(journal.map((e) => [e.type.replace(/\..*$/, ''), e.to])).toEqual([
      ['xstate', 'Waiting.driving'],
      ['CRASH_REPORTED', 'Crashed.analysing'],
      ['xstate', 'Crashed.estimating'],
      ['xstate', 'Estimated.reviewingDamage'],
      ['CONTINUE', 'Estimated.reviewingEstimate'],
      ['CONTINUE', 'Estimated.choosingDealer.loading'],
      ['xstate', 'Estimated.choosingDealer.ready'],
    ]);
  });

  it('fails the replay when a step cannot be taken within its timeout', async () => {
    const t = simulatedFloor();
    const s = crashThen({ at_ms: 0, action: 'choose_slot', timeout_ms: 5_000 });
    const { replay_id } = t.runtime.replays.start({ script: s });
    await settle();
    t.clock.increment(4_900);
    await settle();
    expect(t.runtime.replays.get(replay_id)!.status).toBe('running');
    const done = await runToEnd(t.runtime, t.clock, replay_id);
    expect(done).toMatchObject({
      status: 'failed',
      error: { code: 'timeout', step: 1, station_id: '1' },
    });
    expect(done.error!.message).toContain('Estimated.reviewingDamage');
    // The station stays where it was.
    expect(t.runtime.floor.view('1')!.step).toBe('Estimated.reviewingDamage');
  });

  it('waits for a station busy with an attendee until that session is over', async () => {
    const t = simulatedFloor({ IDLE_TIMEOUT_S: '20' });
    const attendee = await drive(t.runtime, '1', 'Estimated');
    const { replay_id } = t.runtime.replays.start({ script: 'tcross-front-crash' });
    const done = await runToEnd(t.runtime, t.clock, replay_id);
    expect(done.status).toBe('done');
    expect(done.sessions[0]!.session_id).not.toBe(attendee.session_id);
  });

  it('never takes over an attendee’s session, even one only just crashed', async () => {
    const t = simulatedFloor({ IDLE_TIMEOUT_S: '20' });
    const { floor } = t.runtime;
    const telemetry = t.runtime.samples.find((s) => s.id === 'tcross-front')!.telemetry;
    floor.submit(
      '1',
      {
        type: 'CRASH_DETECTED',
        payload: { telemetry, total_damage: 900, received_at: t.now().toISOString() },
      },
      { source: 'simulator' },
    );
    const attendee = floor.view('1')!.session_id;
    const { replay_id } = t.runtime.replays.start({ script: 'golf-side-swipe' });
    await settle();
    // Its first step (the language) waits: the attendee's session is left alone.
    expect(floor.session('1')!.getSnapshot().context).toMatchObject({
      session_id: attendee,
      locale: 'pt-BR',
      rehearsal: false,
    });
    const done = await runToEnd(t.runtime, t.clock, replay_id);
    expect(done.status).toBe('done');
    const history = floor.services.history({ limit: 5 }).sessions;
    expect(history.find((s) => s.session_id === attendee)).toMatchObject({
      outcome: 'abandoned',
      rehearsal: false,
    });
  });

  it('fails when the session it drives ends under it (a staff reset)', async () => {
    const t = simulatedFloor();
    const { replay_id } = t.runtime.replays.start({ script: 'tcross-front-crash' });
    await settle();
    t.clock.increment(5_000);
    await settle();
    expect(t.runtime.floor.view('1')!.state).toBe('Estimated');
    t.runtime.floor.submit('1', { type: 'STAFF_RESET', payload: {} }, { source: 'staff' });
    const done = await runToEnd(t.runtime, t.clock, replay_id);
    expect(done).toMatchObject({ status: 'failed', error: { code: 'session_ended', step: 2 } });
  });

  it('takes "next driver" as done when the confirmation ran out first', async () => {
    const t = simulatedFloor({ CONFIRMATION_TIMEOUT_S: '5' });
    const { replay_id } = t.runtime.replays.start({ script: 'tcross-front-crash' });
    const done = await runToEnd(t.runtime, t.clock, replay_id);
    expect(done.status).toBe('done');
    expect(t.runtime.floor.sessionView(done.sessions[0]!.session_id)!.step).toBe('Booked.closed');
  });
});

describe('stopping', () => {
  it('drops the pending steps and leaves the station where it is', async () => {
    const t = simulatedFloor();
    const { replay_id } = t.runtime.replays.start({ script: 'tcross-front-crash' });
    await settle();
    t.clock.increment(9_000);
    await settle();
    const step = t.runtime.floor.view('1')!.step;
    expect(step).toBe('Estimated.reviewingEstimate');
    const stopped = t.runtime.replays.stop(replay_id)!;
    expect(stopped).toMatchObject({ status: 'stopped', step: 3, of: 8 });
    t.clock.increment(60_000);
    await settle();
    expect(t.runtime.floor.view('1')!.step).toBe(step);
    expect(t.runtime.replays.stop(replay_id)!.status).toBe('stopped');
    // The station is free for the next replay.
    expect(t.runtime.replays.start({ script: 'golf-side-swipe' }).status).toBe('running');
  });
});

describe('idempotency', () => {
  it('a booking step sent again is a duplicate, not a second booking', async () => {
    const t = simulatedFloor();
    const { floor } = t.runtime;
    const { replay_id } = t.runtime.replays.start({ script: 'golf-side-swipe' });
    for (let i = 0; i < 400 && floor.view('1')!.step !== 'Booked.confirmationShown'; i++) {
      t.clock.increment(100);
      await settle();
    }
    const booked = floor.view('1')!;
    expect(booked.appointment!.request_id).toBe(stepRequestId(replay_id, 7, 0));
    const result = floor.intake(
      floor.envelope(
        '1',
        {
          type: 'BOOKING_REQUESTED',
          payload: {
            estimate_id: booked.estimate_id!,
            dealer_id: booked.dealer_id!,
            slot_start: booked.slots[0]!.start,
          },
        },
        { source: 'replay', request_id: stepRequestId(replay_id, 7, 0) },
      ),
    );
    expect(result).toMatchObject({ ok: true, duplicate: true });
    await settle();
    expect(floor.view('1')!.appointment).toEqual(booked.appointment);
    t.runtime.replays.stop(replay_id);
  });

  it('re-sending a running replay’s crash is answered as a duplicate', async () => {
    const t = simulatedFloor();
    const { replay_id } = t.runtime.replays.start({
      script: crashThen({ at_ms: 60_000, action: 'continue' }),
    });
    await settle();
    const { floor } = t.runtime;
    const sample = t.runtime.samples.find((s) => s.id === 'tcross-front')!;
    const result = floor.intake(
      floor.envelope(
        '1',
        { type: 'CRASH_REPORTED', payload: { telemetry: sample.telemetry } },
        { source: 'replay', request_id: stepRequestId(replay_id, 0, 0) },
      ),
    );
    expect(result).toMatchObject({ ok: true, duplicate: true });
    t.runtime.replays.stop(replay_id);
  });

  it('the same idempotency key starts one replay', () => {
    const t = simulatedFloor();
    const a = t.runtime.replays.start({ script: 'tcross-front-crash', key: 'k-1' });
    const b = t.runtime.replays.start({ script: 'golf-side-swipe', key: 'k-1' });
    expect(b.replay_id).toBe(a.replay_id);
    expect(b.script).toBe('tcross-front-crash');
    expect(t.runtime.replays.list()).toHaveLength(1);
  });
});

describe('refusals before anything moves', () => {
  it('an unknown script or station, too many stations, unknown names, a busy station', () => {
    const t = simulatedFloor();
    const { replays } = t.runtime;
    expect(refusal(() => replays.start({ script: 'nope' })).code).toBe('script_not_found');
    expect(
      refusal(() => replays.start({ script: 'tcross-front-crash', station_id: '9' })).code,
    ).toBe('station_not_found');
    const four = script([{ at_ms: 0, action: 'continue', station: 3 }], { stations: 4 });
    expect(refusal(() => replays.start({ script: four })).code).toBe('script_invalid');
    const beyond = script([{ at_ms: 0, action: 'continue', station: 3 }], { stations: 'all' });
    expect(refusal(() => replays.start({ script: beyond })).details).toEqual([
      { path: 'steps.0.station', message: 'lane 3, but it runs on 3 station(s) here' },
    ]);
    const names = script([
      { at_ms: 0, action: 'crash', sample: 'no-such-sample' },
      { at_ms: 0, action: 'crash', telemetry: {}, vehicle_model: 'beetle' },
      { at_ms: 0, action: 'choose_dealer', dealer_id: 'vw-xx-999' },
    ]);
    const bad = refusal(() => replays.start({ script: names }));
    expect(bad.code).toBe('script_invalid');
    expect((bad.details as { path: string }[]).map((d) => d.path)).toEqual([
      'steps.0.sample',
      'steps.1.vehicle_model',
      'steps.2.dealer_id',
    ]);
    expect(replays.list()).toEqual([]);
    expect(t.runtime.floor.view('1')!.step).toBe('Waiting.driving');

    const first = replays.start({ script: 'rush-all-stations', station_id: '2' });
    const busy = refusal(() => replays.start({ script: 'golf-side-swipe', station_id: '3' }));
    expect(busy.code).toBe('replay_running');
    expect(first.stations).toEqual(['2', '3', '1']);
  });
});
