/**
 * A watched folder per station for damage reports exported by other tools (a BeamNG export, a
 * spreadsheet a workshop filled in): the fallback when neither the link nor the mod delivers.
 *
 * Every `pollMs` the folder is listed (fs.readdir, not fs.watch: fs.watch behaves differently on
 * Windows rigs, network shares and Docker volumes, and a one-second poll is plenty here).
 * A `*.json` or `*.csv` file is taken once it is complete — same size and mtime on two scans in a
 * row — and, if the station is in Waiting, sent as CRASH_REPORTED; then it moves to
 * `processed/`. A file that cannot make a report moves to `rejected/` beside a
 * `<name>.error.txt` saying why. A file that arrives while the station is busy stays where it is
 * until a scan finds the station waiting again.
 *
 * The request id comes from the file's name and mtime, so scanning the same file twice (a crash
 * between dispatch and move) reports it once.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DomainError } from '../../actors/errors.js';
import type { Floor } from '../../actors/floor.js';

export interface DropFolderOptions {
  /** The folder to watch; created (with processed/ and rejected/) if missing. */
  dir: string;
  station_id: string;
  floor: Floor;
  /** How often to list the folder; default 1000 ms. */
  pollMs?: number;
  /** Where to say what happened to each file; default one line on the console. */
  log?: (event: DropFolderEvent) => void;
}

/** What the watcher did with a file, or an error it survived. */
export type DropFolderEvent =
  | { type: 'processed'; file: string; station_id: string; request_id: string }
  | { type: 'rejected'; file: string; station_id: string; reason: string }
  | { type: 'waiting'; file: string; station_id: string; reason: string }
  | { type: 'error'; file: string | null; station_id: string; message: string };

export interface DropFolderWatcher {
  /** Stops polling; resolves once a scan in progress has finished. */
  stop(): Promise<void>;
  /** Runs one scan now (serialised with the timer's scans); never rejects. */
  scanNow(): Promise<void>;
}

const ACCEPTED = new Set(['.json', '.csv']);

/** A file that can never make a report, with the reason written beside it in rejected/. */
class RejectedFile extends Error {}

/** Starts watching `dir` for `station_id`; the first scan runs after `pollMs`. */
export function watchDropFolder(options: DropFolderOptions): DropFolderWatcher {
  const { dir, station_id, floor } = options;
  const pollMs = options.pollMs ?? 1000;
  const log =
    options.log ??
    ((e: DropFolderEvent) =>
      console.log(
        `[drop-folder ${e.station_id}] ${e.type} ${e.file ?? ''} ${'reason' in e ? e.reason : 'message' in e ? e.message : ''}`.trim(),
      ));
  /** Size and mtime seen on the previous scan, per file name. */
  const seen = new Map<string, { size: number; mtimeMs: number }>();
  /** Files already logged as waiting for the station (so a busy station logs once per file). */
  const waitingLogged = new Set<string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const ready = Promise.all([
    mkdir(join(dir, 'processed'), { recursive: true }),
    mkdir(join(dir, 'rejected'), { recursive: true }),
  ]);

  async function scan(): Promise<void> {
    try {
      await ready;
      const names = (await readdir(dir, { withFileTypes: true }))
        .filter((d) => d.isFile() && ACCEPTED.has(extname(d.name).toLowerCase()))
        .map((d) => d.name);
      const present = new Set(names);
      for (const name of [...seen.keys()]) if (!present.has(name)) seen.delete(name);
      const complete: { name: string; mtimeMs: number }[] = [];
      for (const name of names) {
        const info = await statOrNull(join(dir, name));
        if (!info) continue;
        const before = seen.get(name);
        seen.set(name, { size: info.size, mtimeMs: info.mtimeMs });
        if (before && before.size === info.size && before.mtimeMs === info.mtimeMs)
          complete.push({ name, mtimeMs: info.mtimeMs });
      }
      // Oldest first: the crash that happened first is the one the attendee is waiting for.
      complete.sort((a, b) => a.mtimeMs - b.mtimeMs || a.name.localeCompare(b.name));
      for (const file of complete) {
        if (stopped) return;
        await handle(file.name, file.mtimeMs);
      }
    } catch (err) {
      log({ type: 'error', file: null, station_id, message: messageOf(err) });
    }
  }

  async function handle(name: string, mtimeMs: number): Promise<void> {
    const path = join(dir, name);
    const request_id = requestIdFor(name, mtimeMs);
    try {
      if (!floor.hasStation(station_id)) throw new Error(`no station "${station_id}" on the floor`);
      const telemetry = parseDropFile(name, await readFile(path, 'utf8'));
      const result = floor.intake(
        floor.envelope(
          station_id,
          { type: 'CRASH_REPORTED', payload: { telemetry } },
          { source: 'staff', request_id },
        ),
      );
      if (!result.ok) {
        if (isRefusal(result.error)) throw new RejectedFile(describeRefusal(result.error));
        // The station is busy (or moved on): the file waits for the next scan that finds it free.
        if (!waitingLogged.has(name)) {
          log({ type: 'waiting', file: name, station_id, reason: result.error.message });
        }
        waitingLogged.add(name);
        return;
      }
      await finish(name, request_id);
    } catch (err) {
      if (err instanceof RejectedFile) {
        await reject(name, err.message);
        return;
      }
      log({ type: 'error', file: name, station_id, message: messageOf(err) });
    }
  }

  async function finish(name: string, request_id: string): Promise<void> {
    await rename(join(dir, name), await freeName(join(dir, 'processed'), name));
    seen.delete(name);
    waitingLogged.delete(name);
    log({ type: 'processed', file: name, station_id, request_id });
  }

  async function reject(name: string, reason: string): Promise<void> {
    const target = await freeName(join(dir, 'rejected'), name);
    await rename(join(dir, name), target);
    await writeFile(
      `${target}.error.txt`,
      `${name} was not used for station ${station_id}:\n${reason}\n`,
      'utf8',
    );
    seen.delete(name);
    waitingLogged.delete(name);
    log({ type: 'rejected', file: name, station_id, reason });
  }

  function scanNow(): Promise<void> {
    running = running.then(scan);
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void scanNow().then(schedule);
    }, pollMs);
  }

  schedule();

  return {
    scanNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** The request id of a dropped file: stable for the same name and mtime, at most 64 characters. */
export function requestIdFor(name: string, mtimeMs: number): string {
  const hash = createHash('sha256')
    .update(`${name}\u0000${Math.round(mtimeMs)}`)
    .digest('hex')
    .slice(0, 16);
  const slug = name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
  return `drop-${slug}-${hash}`;
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (err) {
    // Moved or deleted between readdir and stat: someone else's business.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** `dir/name`, or `dir/<stem>-<n><ext>` when a file of that name is already there. */
async function freeName(dir: string, name: string): Promise<string> {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 0; ; n++) {
    const candidate = join(dir, n === 0 ? name : `${stem}-${n}${ext}`);
    if (!(await statOrNull(candidate))) return candidate;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Refusals of the payload itself (bad shape, nothing damaged, unknown model): never retried. */
function isRefusal(err: DomainError): boolean {
  return /^(telemetry_|vehicle_model_|unknown_vehicle_model)/.test(err.code);
}

function describeRefusal(err: DomainError): string {
  const lines = [`${err.code}: ${err.message}`];
  if (Array.isArray(err.details)) {
    for (const issue of err.details as { path?: unknown[]; message?: string }[]) {
      lines.push(`  at ${(issue.path ?? []).join('.') || '(root)'}: ${issue.message ?? ''}`);
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// File contents

/** Turns a dropped file's text into telemetry (JSON as it is; CSV converted); throws RejectedFile. */
export function parseDropFile(name: string, text: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  if (extname(name).toLowerCase() === '.json') {
    try {
      return JSON.parse(body);
    } catch (err) {
      throw new RejectedFile(`not valid JSON: ${messageOf(err)}`);
    }
  }
  try {
    return csvToTelemetry(body);
  } catch (err) {
    throw new RejectedFile(messageOf(err));
  }
}

/**
 * Reads a damage CSV into telemetry. Two layouts, told apart by the header row:
 *  - `component_name,damage_level[,damage_type]` → the normalized shape `{components:[…]}`;
 *  - `part,damage[,name]` → a BeamNG-sensor-like `{part_damage:{<part>:{name,damage}}}`.
 * `;` or `,` separates fields (whichever the header uses); with `;`, a decimal comma ("0,7")
 * is read as a decimal point, as Brazilian spreadsheets write it. Quoted fields, a BOM and
 * CRLF line ends are accepted; blank lines are skipped. Throws an Error naming the line.
 */
export function csvToTelemetry(text: string): unknown {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = rows.shift();
  if (!header) throw new Error('the CSV file is empty');
  const columns = header.cells.map((h) => h.trim().toLowerCase());
  const col = (name: string) => columns.indexOf(name);
  const number = (row: CsvRow, index: number, what: string): number => {
    const cell = (row.cells[index] ?? '').trim();
    const value = Number(row.separator === ';' ? cell.replace(/^(-?\d*),(\d+)$/, '$1.$2') : cell);
    if (cell === '' || !Number.isFinite(value))
      throw new Error(`line ${row.line}: ${what} "${cell}" is not a number`);
    return value;
  };
  const text_ = (row: CsvRow, index: number) => (index >= 0 ? (row.cells[index] ?? '').trim() : '');

  if (col('component_name') >= 0 && col('damage_level') >= 0) {
    const [nameAt, levelAt, typeAt] = [
      col('component_name'),
      col('damage_level'),
      col('damage_type'),
    ];
    const components = rows.map((row) => {
      const component_name = text_(row, nameAt);
      if (!component_name) throw new Error(`line ${row.line}: component_name is empty`);
      const damage_type = text_(row, typeAt);
      return {
        component_name,
        damage_level: number(row, levelAt, 'damage_level'),
        ...(damage_type ? { damage_type } : {}),
      };
    });
    return { components };
  }
  if (col('part') >= 0 && col('damage') >= 0) {
    const [partAt, damageAt, nameAt] = [col('part'), col('damage'), col('name')];
    const part_damage: Record<string, { name: string | null; damage: number } | number> = {};
    for (const row of rows) {
      const part = text_(row, partAt);
      if (!part) throw new Error(`line ${row.line}: part is empty`);
      const damage = number(row, damageAt, 'damage');
      const name = text_(row, nameAt);
      part_damage[part] = name ? { name, damage } : damage;
    }
    return { part_damage };
  }
  throw new Error(
    `unknown CSV header "${header.cells.join(header.separator)}": expected component_name,damage_level[,damage_type] or part,damage[,name]`,
  );
}

interface CsvRow {
  line: number;
  cells: string[];
  separator: ',' | ';';
}

/** RFC-4180-ish: quoted fields with "" escapes and line breaks; the separator is the header's. */
function parseCsv(text: string): CsvRow[] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const separator: ',' | ';' = count(firstLine, ';') > count(firstLine, ',') ? ';' : ',';
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    cells.push(cell);
    if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells, separator });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (ch === separator) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else cell += ch;
  }
  if (quoted) throw new Error(`line ${rowLine}: a quoted field is never closed`);
  endRow();
  return rows;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}
