/**
 * The replays of a running floor: the shipped scripts (data/replays/), the replays started
 * (running, and the last ones that ended), and a session's journal as a script. The runtime
 * owns one (adapters/runtime.ts); the API and the CLI start, follow and stop replays through it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { RecordStore } from '../ports.js';
import { DomainError } from '../errors.js';
import { exportedContextOf, scriptOfJournal } from './export.js';
import {
  ReplayRun,
  scriptInvalid,
  wallClock,
  type Clock,
  type ReplayFloor,
  type ReplayProgress,
  type ReplaySample,
} from './runner.js';
import { samplesNamed, type ReplayScript } from './script.js';

export interface ReplaysDeps {
  floor: ReplayFloor;
  /** The floor's clock (XState's); the wall clock when the floor runs on the default one. */
  clock?: Clock;
  /** The shipped scripts. */
  scripts: readonly ReplayScript[];
  samples: readonly ReplaySample[];
  /** Where a session's journal and latest snapshot are read from, for the export. */
  records: Pick<RecordStore, 'journalOf' | 'sessionRecord'>;
  now?: () => Date;
  /** A fresh replay id (random by default: request ids derive from it, and records outlive a
   *  server run). */
  newId?: () => string;
  /** How many ended replays stay readable. */
  keep?: number;
}

/** What starting a replay takes: a shipped script's name or a script, where, and how fast. */
export interface StartReplay {
  script: string | ReplayScript;
  /** Lane 0's station; the floor's first when not given. */
  station_id?: string | undefined;
  /** 1 plays the script's times as written, 2 twice as fast. */
  speed?: number | undefined;
  /** The caller's idempotency key: the same key again answers the same replay. */
  key?: string | undefined;
}

/** The replay id of an idempotency key: the same key, the same replay. */
export const replayIdOfKey = (key: string) =>
  `rpl-${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 24)}`;

export class Replays {
  private readonly runs = new Map<string, ReplayRun>();
  private readonly byName: ReadonlyMap<string, ReplayScript>;
  private readonly listeners = new Set<(progress: ReplayProgress) => void>();
  private readonly now: () => Date;
  private readonly clock: Clock;

  constructor(private readonly deps: ReplaysDeps) {
    this.byName = new Map(deps.scripts.map((s) => [s.name, s]));
    this.now = deps.now ?? (() => new Date());
    this.clock = deps.clock ?? wallClock;
  }

  /** The shipped scripts, by name. */
  scripts(): ReplayScript[] {
    return [...this.byName.values()];
  }

  script(name: string): ReplayScript | undefined {
    return this.byName.get(name);
  }

  /** Every replay started and still kept, newest first. */
  list(): ReplayProgress[] {
    return [...this.runs.values()].reverse().map((r) => r.progress());
  }

  get(replay_id: string): ReplayProgress | undefined {
    return this.runs.get(replay_id)?.progress();
  }

  /** The run itself (tests await `finished`). */
  run(replay_id: string): ReplayRun | undefined {
    return this.runs.get(replay_id);
  }

  /** Called with a replay's progress on every change (for the screens). */
  subscribe(listener: (progress: ReplayProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts a replay and answers its progress. Refuses (starting nothing) an unknown script
   * (script_not_found) or station (station_not_found), a script this floor cannot run
   * (script_invalid: too many stations, a sample, car or dealer it does not have), and a station
   * another replay is driving (replay_running).
   */
  start(request: StartReplay): ReplayProgress {
    if (request.key !== undefined) {
      const known = this.runs.get(replayIdOfKey(request.key));
      if (known) return known.progress();
    }
    const script = this.resolve(request.script);
    const stations = this.lanesOf(script, request.station_id);
    this.check(script, stations);
    for (const run of this.runs.values()) {
      const busy = run.running ? stations.find((s) => run.progress().stations.includes(s)) : null;
      if (busy) {
        throw new DomainError(
          'replay_running',
          `Station ${busy} is being driven by replay ${run.id} (${run.script.name}): stop it first`,
          { replay_id: run.id },
        );
      }
    }
    const replay_id =
      request.key !== undefined
        ? replayIdOfKey(request.key)
        : (this.deps.newId?.() ?? `rpl-${randomUUID()}`);
    const run = new ReplayRun(
      { floor: this.deps.floor, clock: this.clock, samples: this.deps.samples, now: this.now },
      script,
      { replay_id, stations, speed: request.speed ?? 1 },
    );
    this.runs.set(replay_id, run);
    run.subscribe((progress) => {
      for (const listener of this.listeners) listener(progress);
    });
    void run.finished.then(() => this.prune());
    run.start();
    return run.progress();
  }

  /** Stops a replay (its stations stay where they are); undefined when there is none. */
  stop(replay_id: string): ReplayProgress | undefined {
    return this.runs.get(replay_id)?.stop();
  }

  /** Stops every replay (the server is going down). */
  stopAll(): void {
    for (const run of this.runs.values()) run.stop();
  }

  /** A session's journal as a script that replays to the same result. */
  scriptOf(session_id: string): ReplayScript {
    const journal = this.deps.records.journalOf(session_id);
    const record = this.deps.records.sessionRecord(session_id);
    const station_id = record?.station_id ?? journal[0]?.station_id;
    if (station_id === undefined) {
      throw new DomainError('session_not_found', `No session "${session_id}"`);
    }
    return scriptOfJournal({
      session_id,
      station_id,
      journal,
      context: record ? exportedContextOf(record.snapshot_json) : null,
    });
  }

  private resolve(script: string | ReplayScript): ReplayScript {
    if (typeof script !== 'string') return script;
    const found = this.byName.get(script);
    if (!found) {
      throw new DomainError(
        'script_not_found',
        `No replay script "${script}" (shipped: ${[...this.byName.keys()].join(', ') || 'none'})`,
        { scripts: [...this.byName.keys()] },
      );
    }
    return found;
  }

  /** The stations of a script's lanes: from `station_id` on, in the floor's order. */
  private lanesOf(script: ReplayScript, station_id: string | undefined): string[] {
    const all = this.deps.floor.stations;
    const first = station_id ?? all[0]!;
    const start = all.indexOf(first);
    if (start < 0) {
      throw new DomainError(
        'station_not_found',
        `No station "${first}" (stations: ${all.join(', ')})`,
      );
    }
    const count = script.stations === 'all' ? all.length : script.stations;
    if (count > all.length) {
      throw scriptInvalid(
        `Script ${script.name} drives ${count} stations; this floor has ${all.length}`,
        [{ path: 'stations', message: `at most ${all.length} here` }],
      );
    }
    return Array.from({ length: count }, (_, i) => all[(start + i) % all.length]!);
  }

  /** What the script names must exist on this floor: refused before anything moves. */
  private check(script: ReplayScript, stations: readonly string[]): void {
    const problems: { path: string; message: string }[] = [];
    const samples = new Set(this.deps.samples.map((s) => s.id));
    for (const { index, sample } of samplesNamed(script)) {
      if (!samples.has(sample)) {
        problems.push({ path: `steps.${index}.sample`, message: `no recorded sample "${sample}"` });
      }
    }
    const { services, config } = this.deps.floor;
    const models = new Set(services.supportedModels());
    script.steps.forEach((step, index) => {
      if (typeof step.station === 'number' && step.station >= stations.length) {
        problems.push({
          path: `steps.${index}.station`,
          message: `lane ${step.station}, but it runs on ${stations.length} station(s) here`,
        });
      }
      if (step.action === 'crash') {
        if (step.vehicle_model !== undefined && !models.has(step.vehicle_model)) {
          problems.push({
            path: `steps.${index}.vehicle_model`,
            message: `unknown model "${step.vehicle_model}" (known: ${[...models].join(', ')})`,
          });
        }
        if (step.sample === undefined && step.telemetry === undefined) {
          const lanes = step.station === 'all' ? stations : [stations[step.station ?? 0]];
          for (const id of lanes) {
            const model =
              step.vehicle_model ?? config.stations.find((s) => s.id === id)?.vehicle_model;
            if (!this.deps.samples.some((s) => s.vehicle_model === model)) {
              problems.push({
                path: `steps.${index}.sample`,
                message: `no recorded crash for station ${id}'s car (${model ?? 'unknown'}): name a sample`,
              });
            }
          }
        }
      }
      if ((step.action === 'choose_dealer' || step.action === 'book') && step.dealer_id) {
        try {
          services.dealer(step.dealer_id);
        } catch {
          problems.push({
            path: `steps.${index}.dealer_id`,
            message: `no dealer "${step.dealer_id}"`,
          });
        }
      }
    });
    if (problems.length > 0) {
      throw scriptInvalid(`Script ${script.name} cannot run on this floor`, problems);
    }
  }

  /** Keeps the running replays and the last `keep` ended ones. */
  private prune(): void {
    const keep = this.deps.keep ?? 50;
    const ended = [...this.runs.values()].filter((r) => !r.running);
    for (const run of ended.slice(0, Math.max(0, ended.length - keep))) this.runs.delete(run.id);
  }
}
