/**
 * Crash detection on the damage readings, as the link applies it to every poll: the first
 * reading is the baseline, a crash is a rise past the threshold within the window, slow scrapes
 * never add up to one, a recovered car starts a new run.
 */
import { describe, expect, it } from 'vitest';
import {
  freshTracker,
  trackReading,
  type CrashDetectionConfig,
  type CrashTracker,
} from '../../machines/crash-detection.js';

const config: CrashDetectionConfig = {
  crash_threshold: 500,
  crash_window_ms: 2000,
  still_speed_ms: 0.5,
  auto_repair_after_ms: 1000,
  poll_ms: 250,
};

/** Feeds readings [damage, speed], one poll (250 ms) apart; returns each verdict. */
function feed(
  readings: [number, number][],
  from: CrashTracker = freshTracker(),
  settings = config,
) {
  let tracker = from;
  return readings.map(([total_damage, speed_ms], i) => {
    const verdict = trackReading(tracker, { total_damage, speed_ms, at_ms: i * 250 }, settings);
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

  it('takes a car already damaged when the link connects as the baseline, not as a crash', () => {
    const verdicts = feed([
      [4200, 0],
      [4200, 3],
      [4650, 8],
      [4710, 8],
    ]);
    expect(verdicts.map((v) => v.crash_now)).toEqual([false, false, false, true]);
    expect(verdicts[0]!.tracker.baseline_damage).toBe(4200);
  });

  it('does not let slow scrapes add up to a crash', () => {
    // 100 more every second for 20 s: 2,000 in all, never 500 within two seconds.
    const scrapes = Array.from({ length: 80 }, (_, i) => [Math.floor(i / 4) * 100, 5]) as [
      number,
      number,
    ][];
    const verdicts = feed(scrapes);
    expect(verdicts.some((v) => v.crash_now)).toBe(false);
    expect(verdicts.at(-1)!.tracker.recent.length).toBeLessThanOrEqual(9);
    // Then a real hit on top of the scraped car is one.
    const after = trackReading(
      verdicts.at(-1)!.tracker,
      { total_damage: 1900 + 600, speed_ms: 4, at_ms: 80 * 250 },
      config,
    );
    expect(after.crash_now).toBe(true);
  });

  it('starts a new run when the car is recovered (damage back under half the threshold)', () => {
    const verdicts = feed([
      [0, 10],
      [900, 10],
      [200, 10],
      [699, 10],
      [700, 10],
    ]);
    expect(verdicts.map((v) => v.crash_now)).toEqual([false, true, false, false, true]);
    expect(verdicts[2]!.tracker).toMatchObject({ crashed: false, baseline_damage: 200 });
  });

  it('starts again from a fresh tracker (after a recover, or when the link reconnects)', () => {
    const crashed = feed([
      [0, 10],
      [900, 10],
    ]).at(-1)!.tracker;
    expect(crashed.crashed).toBe(true);
    const verdicts = feed([[900, 0]], freshTracker());
    expect(verdicts[0]).toMatchObject({ crash_now: false, tracker: { baseline_damage: 900 } });
  });

  it('asks for the repair once after the crashed car stood still for the configured time', () => {
    const verdicts = feed([
      [0, 10],
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
      false,
      true,
      false,
    ]);
  });

  it('never asks by itself when auto-repair is off', () => {
    const verdicts = feed(
      [
        [0, 0],
        [900, 0],
        [900, 0],
        [900, 0],
        [900, 0],
        [900, 0],
      ],
      freshTracker(),
      { ...config, auto_repair_after_ms: null },
    );
    expect(verdicts.some((v) => v.auto_repair_now)).toBe(false);
  });
});
