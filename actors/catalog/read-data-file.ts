import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { z } from 'zod';

/** A data file that is missing, not JSON, or not of its schema: start-up stops with this. */
export class DataFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`data file ${file}: ${field ? `field "${field}": ` : ''}${detail}`);
    this.name = 'DataFileError';
  }
}

/** Reads one JSON data file and validates it; the error names the file and the first bad field. */
export function readDataFile<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  const file = relative(process.cwd(), path) || path;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DataFileError(file, '', err instanceof Error ? err.message : String(err));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DataFileError(file, issue.path.map(String).join('.'), issue.message);
  }
  return parsed.data;
}
