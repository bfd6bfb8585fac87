/**
 * Shared by the replay tests: a floor on a SimulatedClock (the replays run on the same clock,
 * so a script of half a minute runs in a few milliseconds), and a loop that moves the clock on
 * until a replay has ended.
 */
import { SimulatedClock } from 'xstate';
import { expect } from 'vitest';
import type { FloorEvent } from '../../../actors/floor.js';
import type { ReplayProgress } from '../../../actors/replay/runner.js';
import type { Runtime } from '../../../adapters/runtime.js';
import { boot } from '../../adapters/store/helpers.js';

/** Monday 1 December 2026, 10:00 in São Paulo. */
export const BASE = Date.parse('2026-12-01T13:00:00.000Z');

/** A runtime (3 stations: 1 T-Cross, 2 Golf, 3 T-Cross unless told) on a SimulatedClock;
 *  `events` is everything the floor reported (inputs taken and refused, transitions). */
export function simulatedFloor(settings: Record<string, string> = {}) {
  const clock = new SimulatedClock();
  const now = () => new Date(BASE + clock.now());
  const events: FloorEvent[] = [];
  const booted = boot(
    ':memory:',
    { STATIONS: '3', ...settings },
    { clock, now, observe: (e) => events.push(e) },
  );
  return { ...booted, clock, now, events };
}

/** Lets every pending promise (the sessions' work, the replay's attempts) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Moves the clock on `tick_ms` at a time, letting the work in between run, until the replay
 * has ended; resolves with its last progress. Fails the test after `max_ms` of simulated time.
 */
export async function runToEnd(
  runtime: Runtime,
  clock: SimulatedClock,
  replay_id: string,
  { tick_ms = 100, max_ms = 600_000 } = {},
): Promise<ReplayProgress> {
  for (let elapsed = 0; elapsed <= max_ms; elapsed += tick_ms) {
    await settle();
    const progress = runtime.replays.get(replay_id);
    expect(progress, replay_id).toBeDefined();
    if (progress!.status !== 'running') return progress!;
    clock.increment(tick_ms);
  }
  throw new Error(`replay ${replay_id} still running after ${max_ms} simulated ms`);
}

/** Runs a replay to its end and returns it with the sessions it drove, as stored. */
export async function replay(
  t: ReturnType<typeof simulatedFloor>,
  request: Parameters<Runtime['replays']['start']>[0],
) {
  const started = t.runtime.replays.start(request);
  const progress = await runToEnd(t.runtime, t.clock, started.replay_id);
  const sessions = progress.sessions.map((s) => t.runtime.floor.sessionView(s.session_id)!);
  return { progress, sessions };
}
