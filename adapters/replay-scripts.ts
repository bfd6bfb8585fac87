/**
 * The shipped replay scripts: every data/replays/<name>.json, validated at start-up like every
 * data file (a broken one stops it, naming the file and the field). A script's `name` is its
 * file name, and every sample it names must be a recorded one (data/telemetry/index.json).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { DataFileError, readDataFile } from '../actors/catalog/read-data-file.js';
import { ReplayScript, samplesNamed } from '../actors/replay/script.js';

export function loadReplayScripts(
  dataDir: string,
  samples: readonly { id: string }[],
): ReplayScript[] {
  const dir = join(dataDir, 'replays');
  if (!existsSync(dir)) return [];
  const known = new Set(samples.map((s) => s.id));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const path = join(dir, f);
      const file = relative(process.cwd(), path) || path;
      const script = readDataFile(path, ReplayScript);
      if (script.name !== basename(f, '.json')) {
        throw new DataFileError(file, 'name', `"${script.name}" is not the file's name`);
      }
      for (const { index, sample } of samplesNamed(script)) {
        if (!known.has(sample)) {
          throw new DataFileError(
            file,
            `steps.${index}.sample`,
            `no recorded sample "${sample}" in data/telemetry/index.json`,
          );
        }
      }
      return script;
    });
}
