/**
 * The timers the simulated rig schedules its frames, playback and delayed replies with: wall-clock
 * timers, "next turn of the event loop" timers, or a clock that moves only when a test says so.
 */

/** The timer the rig schedules frames, playback and delayed replies with. */
export interface RigClock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Wall-clock timers. */
export const realClock: RigClock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Every delay becomes "next turn of the event loop": a whole recording plays in a few ticks, in
 * order. Not for a rig with `fps` set: its frame loop would spin as fast as the event loop turns.
 */
export const immediateClock: RigClock = {
  setTimeout: (callback) => setImmediate(callback),
  clearTimeout: (handle) => clearImmediate(handle as NodeJS.Immediate),
};

interface ManualTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/** A clock that moves only when told: `advance(ms)` runs what fell due, in time order. */
export class ManualClock implements RigClock {
  #now = 0;
  #seq = 0;
  #timers = new Set<ManualTimer>();

  get now(): number {
    return this.#now;
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as ManualTimer);
  }

  /** Moves time forward by `ms`, running every timer due by then (including ones they schedule). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: ManualTimer | null = null;
      for (const timer of this.#timers) {
        if (
          timer.at <= target &&
          (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
        )
          next = timer;
      }
      if (!next) break;
      this.#timers.delete(next);
      this.#now = next.at;
      next.callback();
    }
    this.#now = target;
  }
}
