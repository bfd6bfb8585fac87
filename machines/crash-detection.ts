/**
 * Crash detection on the simulator's damage readings, as a pure function the link machine calls
 * once per reading: a crash is a rise of the damage total past the threshold over the level
 * before it; a recovered car (damage back down) starts a new run; a crashed car that stands
 * still long enough may ask for the repair by itself.
 */

/** The link settings crash detection reads (part of the link's LinkConfig). */
export interface CrashDetectionConfig {
  /** Damage rise (BeamNG beam-damage units) over the pre-crash level that counts as a crash. */
  crash_threshold: number;
  /** Slower than this (m/s) counts as standing still. */
  still_speed_ms: number;
  /** A crashed car standing still this long asks for the repair; null = off. */
  auto_repair_after_ms: number | null;
  /** Poll the damage sensor this often. */
  poll_ms: number;
}

/** What the link remembers between readings. */
export interface CrashTracker {
  /** Damage level before the current crash (resets when the car is recovered). */
  baseline_damage: number;
  crashed: boolean;
  /** Readings in a row with the crashed car standing still. */
  still_polls: number;
  auto_repair_sent: boolean;
}

export interface Reading {
  total_damage: number;
  speed_ms: number;
}

export interface ReadingVerdict {
  tracker: CrashTracker;
  /** This reading is the crash: report it once. */
  crash_now: boolean;
  /** The crashed car has stood still for `auto_repair_after_ms`: ask for the repair, once. */
  auto_repair_now: boolean;
}

export const freshTracker = (): CrashTracker => ({
  baseline_damage: 0,
  crashed: false,
  still_polls: 0,
  auto_repair_sent: false,
});

/** The tracker after one reading, and what the reading means. */
export function trackReading(
  before: CrashTracker,
  reading: Reading,
  config: CrashDetectionConfig,
): ReadingVerdict {
  const total = reading.total_damage;
  let { crashed, baseline_damage, still_polls, auto_repair_sent } = before;
  if (crashed && total < baseline_damage + config.crash_threshold / 2) {
    // The car was recovered (repaired in game): a new run starts from here.
    crashed = false;
    baseline_damage = total;
    still_polls = 0;
    auto_repair_sent = false;
  } else if (!crashed && total < baseline_damage) {
    baseline_damage = total;
  }
  const crash_now = !crashed && total - baseline_damage >= config.crash_threshold;
  if (crash_now) crashed = true;
  still_polls = crashed && reading.speed_ms < config.still_speed_ms ? still_polls + 1 : 0;
  const autoAfter = config.auto_repair_after_ms;
  const auto_repair_now =
    crashed && !auto_repair_sent && autoAfter !== null && still_polls * config.poll_ms >= autoAfter;
  if (auto_repair_now) auto_repair_sent = true;
  return {
    tracker: { baseline_damage, crashed, still_polls, auto_repair_sent },
    crash_now,
    auto_repair_now,
  };
}
