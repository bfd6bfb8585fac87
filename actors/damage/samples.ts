/**
 * Recorded telemetry samples (data/telemetry/): the manifest and the payloads, validated at
 * load so a replay or a demo button never starts from a file that cannot be analysed.
 */
import { join, relative } from 'node:path';
import { z } from 'zod';
import { Id, TelemetryShape } from '../../machines/schemas.js';
import { DataFileError, readDataFile } from '../catalog/read-data-file.js';
import { DEFAULT_DATA_DIR } from './mapping.js';
import { parseTelemetry, TelemetryError } from './telemetry.js';

export const TelemetrySampleEntry = z.object({
  id: Id,
  /** Path relative to data/telemetry/. */
  file: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9._-]*\.json$/,
      'a file name inside data/telemetry, e.g. "tcross-front.json"',
    ),
  title_pt: z.string().min(1),
  title_en: z.string().min(1),
  /** The model the rig was running (what the caller passes as vehicle_model). */
  vehicle_model: Id,
  shape: TelemetryShape,
});
export type TelemetrySampleEntry = z.infer<typeof TelemetrySampleEntry>;

export const TelemetryManifest = z
  .array(TelemetrySampleEntry)
  .min(1)
  .refine(
    (list) => new Set(list.map((e) => e.id)).size === list.length,
    'sample ids must be unique',
  );

export interface TelemetrySample extends TelemetrySampleEntry {
  /** The payload as recorded (raw JSON, as it would arrive). */
  telemetry: unknown;
}

/**
 * Loads data/telemetry/index.json and every sample it lists; each payload must validate and
 * be of the shape its entry declares. Throws DataFileError naming the file and field.
 */
export function loadTelemetrySamples(dataDir: string = DEFAULT_DATA_DIR): TelemetrySample[] {
  const dir = join(dataDir, 'telemetry');
  const manifest = readDataFile(join(dir, 'index.json'), TelemetryManifest);
  return manifest.map((entry) => {
    const path = join(dir, entry.file);
    const file = relative(process.cwd(), path) || path;
    const telemetry: unknown = readDataFile(path, z.unknown());
    try {
      const parsed = parseTelemetry(telemetry);
      if (parsed.shape !== entry.shape) {
        throw new DataFileError(
          file,
          '',
          `declared shape "${entry.shape}" in index.json but the payload is "${parsed.shape}"`,
        );
      }
    } catch (err) {
      if (err instanceof TelemetryError) {
        throw new DataFileError(file, err.issues[0]?.path.join('.') ?? '', err.message);
      }
      throw err;
    }
    return { ...entry, telemetry };
  });
}
