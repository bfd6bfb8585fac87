/**
 * Recorded drives the simulated rig plays back: drive with no damage, crash, stand still.
 *
 * A frame is cumulative, like BeamNG's own damage: its `part_damage` and `deform_group_damage`
 * entries are merged over the previous frame's, and an omitted total `damage` keeps the previous
 * one. So a recording only writes what changes, and damage never goes down within a recording.
 * `deform_groups` lists every deform group the model has: the rig reports all of them every
 * reading, damaged or not, as BeamNG does.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readDataFile } from '../../actors/catalog/read-data-file.js';

export const RECORDING_FORMAT = 'crash-to-repair/beamng-recording@1';
/** Where the bundled recordings live. */
export const RECORDINGS_DIR = fileURLToPath(new URL('../../data/recordings/', import.meta.url));

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);

export const RecordingFrame = z.object({
  /** Seconds since the start of the recording. */
  t: z.number().nonnegative(),
  /** What is happening, for people and tests: the rig does not read it. */
  phase: z.enum(['drive', 'crash', 'still']),
  pos: Vec3,
  vel: Vec3,
  /** Heading (unit vector); omitted keeps the previous one. */
  dir: Vec3.optional(),
  /** Total beam damage; omitted keeps the previous value. */
  damage: z.number().nonnegative().optional(),
  damage_ext: z.number().nonnegative().optional(),
  lowpressure: z.boolean().optional(),
  /** Merged over the previous frame's parts: `{partId: {name, damage 0..1}}`. */
  part_damage: z
    .record(z.string(), z.object({ name: z.string().min(1), damage: z.number().min(0).max(1) }))
    .optional(),
  /** Merged over the previous frame's groups: `{group: damage 0..1}`. */
  deform_group_damage: z.record(z.string(), z.number().min(0).max(1)).optional(),
});
export type RecordingFrame = z.infer<typeof RecordingFrame>;

export const Recording = z
  .object({
    format: z.literal(RECORDING_FORMAT),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    description: z.string(),
    vehicle: z.object({
      /** The jbeam model name GetCurrentVehicles reports, e.g. "vw_tcross". */
      model: z.string().min(1),
      /** A readable name, e.g. "Volkswagen T-Cross". */
      name: z.string().min(1),
      /** The mod's part id prefix, e.g. "tcross_": documentation for the mapping data. */
      part_prefix: z.string(),
    }),
    deform_groups: z.array(z.string().min(1)).min(1),
    frames: z.array(RecordingFrame).min(1),
  })
  .superRefine((recording, ctx) => {
    const groups = new Set(recording.deform_groups);
    let previousT = -Infinity;
    let previousDamage = 0;
    recording.frames.forEach((frame, i) => {
      if (frame.t < previousT)
        ctx.addIssue({
          code: 'custom',
          path: ['frames', i, 't'],
          message: 'frame times must not go back',
        });
      previousT = frame.t;
      if (frame.damage !== undefined) {
        if (frame.damage < previousDamage)
          ctx.addIssue({
            code: 'custom',
            path: ['frames', i, 'damage'],
            message: 'total damage must not go down',
          });
        previousDamage = frame.damage;
      }
      for (const group of Object.keys(frame.deform_group_damage ?? {})) {
        if (!groups.has(group))
          ctx.addIssue({
            code: 'custom',
            path: ['frames', i, 'deform_group_damage', group],
            message: 'group missing from deform_groups',
          });
      }
    });
  });
export type Recording = z.infer<typeof Recording>;

/** Reads and validates one recording file (errors name the file and field). */
export function loadRecording(path: string): Recording {
  return readDataFile(path, Recording);
}

/** Every bundled recording in `data/recordings/`, by name. */
export function loadBundledRecordings(dir = RECORDINGS_DIR): Map<string, Recording> {
  const recordings = new Map<string, Recording>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const recording = loadRecording(join(dir, file));
    recordings.set(recording.name, recording);
  }
  return recordings;
}

/** Playing time of a recording in seconds. */
export function recordingDuration(recording: Recording): number {
  return recording.frames.at(-1)!.t - recording.frames[0]!.t;
}
