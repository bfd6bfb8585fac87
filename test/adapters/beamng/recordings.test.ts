import { describe, expect, it } from 'vitest';
import {
  loadBundledRecordings,
  Recording,
  recordingDuration,
} from '../../../adapters/beamng/recording.js';

const recordings = loadBundledRecordings();

describe('bundled recordings', () => {
  it('holds a T-Cross front crash, a Golf side crash and a T-Cross rear crash', () => {
    expect([...recordings.keys()].sort()).toEqual([
      'golf-side-crash',
      'tcross-front-crash',
      'tcross-rear-crash',
    ]);
    expect(recordings.get('golf-side-crash')!.vehicle.model).toBe('golf8');
    expect(recordings.get('tcross-front-crash')!.vehicle.model).toBe('vw_tcross');
  });

  for (const [name, recording] of recordings) {
    it(`${name}: drives undamaged, crashes with rising damage, then stands still`, () => {
      const phases = recording.frames.map((f) => f.phase);
      const firstCrash = phases.indexOf('crash');
      const firstStill = phases.indexOf('still');
      expect(firstCrash).toBeGreaterThan(0);
      expect(firstStill).toBeGreaterThan(firstCrash);
      expect(phases.slice(0, firstCrash).every((p) => p === 'drive')).toBe(true);
      expect(phases.slice(firstStill).every((p) => p === 'still')).toBe(true);
      expect(
        recording.frames.slice(0, firstCrash).every((f) => (f.damage ?? 0) === 0 && !f.part_damage),
      ).toBe(true);

      const crashTotals = recording.frames.filter((f) => f.phase === 'crash').map((f) => f.damage!);
      expect(crashTotals.at(-1)).toBeGreaterThan(1000);
      expect(crashTotals).toEqual([...crashTotals].sort((a, b) => a - b));
      expect(recording.frames.slice(firstStill).every((f) => f.vel.every((v) => v === 0))).toBe(
        true,
      );

      const partIds = recording.frames.flatMap((f) => Object.keys(f.part_damage ?? {}));
      expect(partIds.some((id) => id.startsWith(recording.vehicle.part_prefix))).toBe(true);
      expect(recordingDuration(recording)).toBeGreaterThan(5);
    });
  }

  it('refuses a recording whose damage goes down', () => {
    const recording = recordings.get('tcross-front-crash')!;
    const frames = [...recording.frames, { ...recording.frames.at(-1)!, t: 99, damage: 1 }];
    const parsed = Recording.safeParse({ ...recording, frames });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/must not go down/);
  });
});
