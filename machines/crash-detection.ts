/**
 * Crash detection on the simulator's damage readings, as a pure function the link machine calls
 * once per reading.
 *
 * - **Baseline.** The first reading after the link connects, and the first after the car is
 *   recovered, set the baseline: a car already damaged when the link comes up is not a crash.
 * - **A crash is a sudden rise**: the damage total at least `crash_threshold` above the lowest
 *   reading of the last `crash_window_ms`. Scrapes that add up slowly, each too small, are not a
 *   crash however far they go.
 * - **Recovered.** A crashed car whose damage falls back under half the threshold above where it
 *   was before the crash has been repaired in the game: a new run starts from there.
 * - A crashed car that stands still long enough may ask for the repair by itself.
 */

/** The link settings crash detection reads (part of the link's LinkConfig). */
export interface CrashDetectionConfig {
  /** Damage rise (BeamNG beam-damage units) within the window that counts as a crash. */
  crash_threshold: number;
  /** How quickly the rise must come: within this many ms of the lowest reading (default
   *  DEFAULT_CRASH_WINDOW_MS). */
  crash_window_ms?: number;
  /** Slower than this (m/s) counts as standing still. */
  still_speed_ms: number;
  /** A crashed car standing still this long asks for the repair; null = off. */
  auto_repair_after_ms: number | null;
  /** Poll the damage sensor this often. */
  poll_ms: number;
}

/** The default window: a crash happens in well under three seconds; scraping takes longer. */
export const DEFAULT_CRASH_WINDOW_MS = 3000;

/** What the link remembers between readings (plain JSON). */
export interface CrashTracker {
  /** Damage level before the current crash; null until the first reading sets it. */
  baseline_damage: number | null;
  crashed: boolean;
  /** The readings of the last window, oldest first: [received at (epoch ms), damage total]. */
  recent: [number, number][];
  /** Readings in a row with the crashed car standing still. */
  still_polls: number;
  auto_repair_sent: boolean;
}

export interface Reading {
  total_damage: number;
  speed_ms: number;
  /** When it was read (epoch ms). */
  at_ms: number;
}

export interface ReadingVerdict {
  tracker: CrashTracker;
  /** This reading is the crash: report it once. */
  crash_now: boolean;
  /** The crashed car has stood still for `auto_repair_after_ms`: ask for the repair, once. */
  auto_repair_now: boolean;
}

/** Before the first reading: the next one sets the baseline (on connect, after a recover). */
export const freshTracker = (): CrashTracker => ({
  baseline_damage: null,
  crashed: false,
  recent: [],
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
  if (before.baseline_damage === null) {
    // The first reading is where this run starts, whatever the car looks like.
    return {
      tracker: { ...freshTracker(), baseline_damage: total, recent: [[reading.at_ms, total]] },
      crash_now: false,
      auto_repair_now: false,
    };
  }
  let { crashed, baseline_damage, still_polls, auto_repair_sent } = before;
  const since = reading.at_ms - (config.crash_window_ms ?? DEFAULT_CRASH_WINDOW_MS);
  let recent = [...before.recent.filter(([at]) => at >= since), [reading.at_ms, total]] as [
    number,
    number,
  ][];
  if (crashed && total < baseline_damage + config.crash_threshold / 2) {
    // The car was recovered (repaired in game): a new run starts from here.
    crashed = false;
    baseline_damage = total;
    recent = [[reading.at_ms, total]];
    still_polls = 0;
    auto_repair_sent = false;
  }
  const lowest = Math.min(...recent.map(([, damage]) => damage));
  const crash_now = !crashed && total - lowest >= config.crash_threshold;
  if (crash_now) {
    crashed = true;
    baseline_damage = lowest;
  } else if (!crashed) {
    // Scrapes move the level a crash is measured against.
    baseline_damage = lowest;
  }
  still_polls = crashed && reading.speed_ms < config.still_speed_ms ? still_polls + 1 : 0;
  const autoAfter = config.auto_repair_after_ms;
  const auto_repair_now =
    crashed && !auto_repair_sent && autoAfter !== null && still_polls * config.poll_ms >= autoAfter;
  if (auto_repair_now) auto_repair_sent = true;
  return {
    tracker: { baseline_damage, crashed, recent, still_polls, auto_repair_sent },
    crash_now,
    auto_repair_now,
  };
}
