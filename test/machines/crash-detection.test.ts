/** Crash detection on the damage readings, as the link applies it to every poll. */
import { describe, expect, it } from 'vitest';
import { freshTracker, trackReading, type CrashTracker } from '../../machines/crash-detection.js';

const config = {
  crash_threshold: 500,
  still_speed_ms: 0.5,
  auto_repair_after_ms: 1000,
  poll_ms: 250,
};

/** Feeds readings [damage, speed] in turn; returns each verdict. */
function feed(readings: [number, number][], from: CrashTracker = freshTracker()) {
  let tracker = from;
  return readings.map(([total_damage, speed_ms]) => {
    const verdict = trackReading(tracker, { total_damage, speed_ms }, config);
    tracker = verdict.tracker;
    return verdict;
  });
}

describe('trackReading', () => {
  it('reports a crash once, at the threshold over the level before it', () => {
    const verdicts = feed([
      [0, 10],
      [499.9, 10],
      [500, 10],
      [900, 5],
    ]);
    expect(verdicts.map((v) => v.crash_now)).toEqual([false, false, true, false]);
    expect(verdicts.at(-1)!.tracker.crashed).toBe(true);
  });

  it('starts a new run when the car is recovered (damage back under half the threshold)', () => {
    const verdicts = feed([
      [900, 10],
      [200, 10],
      [699, 10],
      [700, 10],
    ]);
    expect(verdicts.map((v) => v.crash_now)).toEqual([true, false, false, true]);
    expect(verdicts[1]!.tracker).toMatchObject({ crashed: false, baseline_damage: 200 });
  });

  it('asks for the repair once after the crashed car stood still for the configured time', () => {
    const verdicts = feed([
      [900, 3],
      [900, 0.1],
      [900, 0.1],
      [900, 0.1],
      [900, 0.1],
      [900, 0.1],
    ]);
    // Four still polls × 250 ms = 1000 ms.
    expect(verdicts.map((v) => v.auto_repair_now)).toEqual([
      false,
      false,
      false,
      false,
      true,
      false,
    ]);
  });

  it('never asks by itself when auto-repair is off', () => {
    let tracker = freshTracker();
    for (const [d, s] of [
      [900, 0],
      [900, 0],
      [900, 0],
      [900, 0],
      [900, 0],
    ]) {
      const v = trackReading(
        tracker,
        { total_damage: d!, speed_ms: s! },
        { ...config, auto_repair_after_ms: null },
      );
      expect(v.auto_repair_now).toBe(false);
      tracker = v.tracker;
    }
  });
});
