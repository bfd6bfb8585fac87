/**
 * The record store's share of issue 7's figures, measured in this process on temporary files:
 *  - what the journal write adds to a session transition (`recordTransition`), replaying the
 *    exact calls a real session made on its way to `Estimated`;
 *  - how long start-up takes with 200 stations whose sessions are live (the restore), beside
 *    start-up with 200 fresh stations, and how many stations actually came back.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordStore } from '../../actors/ports.js';
import { readConfig } from '../../adapters/config.js';
import { createRuntime, DATABASE_FILE, type Runtime } from '../../adapters/runtime.js';
import { MemoryStore } from '../../adapters/store/memory-store.js';
import { IN_MEMORY, SqliteStore } from '../../adapters/store/sqlite-store.js';

/** The arguments of one journal write, whatever the store's signature grows to. */
export type TransitionWrite = Parameters<RecordStore['recordTransition']>;

/** Temporary folders made here, removed by `cleanUp`. */
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Removes every temporary folder this module made. */
export function cleanUp(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A runtime on `STATE_DIR` with `stations` stations and no simulator links (telemetry by API). */
function runtimeOn(STATE_DIR: string, stations: number): Runtime {
  return createRuntime(readConfig({ STATE_DIR, STATIONS: String(stations) }));
}

/**
 * Reports a crash with recorded telemetry of the station's model to every station, as
 * `POST /api/damage/analyze` with a station does, and waits until all of them show `Estimated`.
 */
async function crashEveryStation(runtime: Runtime): Promise<void> {
  const { floor, samples } = runtime;
  await Promise.all(
    floor.stations.map((id, i) => {
      const model = floor.view(id)!.vehicle_model;
      const ofModel = samples.filter((s) => s.vehicle_model === model);
      const sample = ofModel[i % ofModel.length]!;
      floor.submit(
        id,
        { type: 'CRASH_REPORTED', payload: { telemetry: sample.telemetry, vehicle_model: null } },
        { source: 'api', request_id: `bench-crash-${id}` },
      );
      return floor.waitFor(id, (view) => view.state === 'Estimated', 30_000);
    }),
  );
}

/**
 * Drives one real session from `Waiting` to `Estimated` and returns every journal write it made,
 * as the SQLite store received them (entry, persisted snapshot, and whatever else the signature
 * carries by then). The prototype is wrapped, not the runtime: the bench needs no hook in
 * adapters/, and it sees the calls however the runtime binds the store.
 */
async function captureTransitionWrites(): Promise<TransitionWrite[]> {
  const writes: TransitionWrite[] = [];
  const original = SqliteStore.prototype.recordTransition;
  SqliteStore.prototype.recordTransition = function (this: SqliteStore, ...args: TransitionWrite) {
    // A copy: the replay must not depend on objects the session may still change.
    writes.push(structuredClone(args));
    return original.apply(this, args);
  };
  const runtime = runtimeOn(IN_MEMORY, 1);
  try {
    await crashEveryStation(runtime);
  } finally {
    runtime.close();
    SqliteStore.prototype.recordTransition = original;
  }
  if (writes.length === 0) throw new Error('the session journalled nothing: is the journal wired?');
  return writes;
}

/**
 * One journal write, timed, in µs. This is the one place that knows the call's shape: the
 * entry is re-keyed to `session_id`, so each replayed crash is a session of its own (an insert
 * of its snapshot row, then updates, as on the floor); the rest is passed as captured.
 */
function timedWrite(store: RecordStore, write: TransitionWrite, session_id: string): number {
  const [record] = write;
  const t0 = process.hrtime.bigint();
  store.recordTransition({ ...record, entry: { ...record.entry, session_id } });
  return Number(process.hrtime.bigint() - t0) / 1000;
}

/** Replays the captured writes, crash after crash, until `count` writes; sorted µs. */
function replay(store: RecordStore, writes: TransitionWrite[], count: number): number[] {
  const times: number[] = [];
  for (let i = 0; times.length < count; i++) {
    const write = writes[i % writes.length]!;
    times.push(timedWrite(store, write, `bench-session-${Math.floor(i / writes.length)}`));
  }
  return times.sort((a, b) => a - b);
}

export interface TransitionWriteFigures {
  /** Journal writes one crash makes from `Waiting` to `Estimated`. */
  writes_per_crash: number;
  /** JSON size of the largest persisted snapshot among them (the one in `Estimated`). */
  snapshot_bytes: number;
  /** µs per write, sorted: the SQLite store on a file (WAL, synchronous=NORMAL, as served). */
  sqlite_us: number[];
  /** µs per write, sorted: the in-memory store (keeps the objects, no JSON, no I/O): the floor. */
  memory_us: number[];
}

/** What `recordTransition` costs over `count` writes, on a temporary file and in memory. */
export async function measureTransitionWrites(count: number): Promise<TransitionWriteFigures> {
  const writes = await captureTransitionWrites();
  const snapshot_bytes = Math.max(...writes.map((w) => JSON.stringify(w[0].session).length));
  // A first pass on a scratch store, so neither figure pays for the JIT.
  replay(new MemoryStore(), writes, Math.min(count, 500));
  const sqlite = new SqliteStore({ path: join(tempDir('bench-journal-'), DATABASE_FILE) });
  try {
    replay(sqlite, writes, Math.min(count, 500));
    return {
      writes_per_crash: writes.length,
      snapshot_bytes,
      sqlite_us: replay(sqlite, writes, count),
      memory_us: replay(new MemoryStore(), writes, count),
    };
  } finally {
    sqlite.close();
  }
}

/** Times one `createRuntime` on `STATE_DIR` (what start-up costs); returns it still running. */
function timedStart(STATE_DIR: string, stations: number): { runtime: Runtime; ms: number } {
  const t0 = performance.now();
  const runtime = runtimeOn(STATE_DIR, stations);
  return { runtime, ms: performance.now() - t0 };
}

export interface RestoreFigures {
  stations: number;
  /** ms per start-up on an empty STATE_DIR, in the order measured. */
  fresh_ms: number[];
  /** ms per start-up on a copy of a STATE_DIR whose every station was in `Estimated`. */
  restore_ms: number[];
  /** After each restore: stations whose session came back in another state than `Waiting`. */
  not_waiting: number[];
  /** After each restore: stations whose session came back in `Estimated`. */
  estimated: number[];
}

/**
 * Start-up with `stations` live sessions against start-up with as many fresh ones, `rounds`
 * times each. Every restore starts from its own copy of the same closed database, so a restart
 * that journals fresh sessions cannot change what the next round restores.
 */
export async function measureRestore(stations: number, rounds: number): Promise<RestoreFigures> {
  // Untimed: the first runtime in this process pays for loading and compiling the code.
  runtimeOn(IN_MEMORY, stations).close();
  const figures: RestoreFigures = {
    stations,
    fresh_ms: [],
    restore_ms: [],
    not_waiting: [],
    estimated: [],
  };
  const live = tempDir('bench-restore-');
  for (let round = 0; round < rounds; round++) {
    // The first fresh start is the floor that the sessions are then driven on.
    const { runtime, ms } = timedStart(round === 0 ? live : tempDir('bench-fresh-'), stations);
    figures.fresh_ms.push(ms);
    if (round === 0) await crashEveryStation(runtime);
    runtime.close();
  }
  for (let round = 0; round < rounds; round++) {
    const copy = tempDir('bench-restore-copy-');
    cpSync(live, copy, { recursive: true });
    const { runtime, ms } = timedStart(copy, stations);
    figures.restore_ms.push(ms);
    const states = runtime.floor.stations.map((id) => runtime.floor.view(id)?.state);
    figures.not_waiting.push(states.filter((s) => s !== 'Waiting').length);
    figures.estimated.push(states.filter((s) => s === 'Estimated').length);
    runtime.close();
  }
  return figures;
}
