/**
 * Runs one replay script on the floor (actors/replay/script.ts): each of its lanes on its
 * station, at the script's times divided by the speed, on the floor's clock — XState's, so a
 * SimulatedClock runs a replay instantly in tests.
 *
 * Every input goes through the one door (`floor.intake`) as any kiosk's would, with source
 * `replay`, the replay id as its correlation id and a request id made of the replay id, the
 * step's index and its lane (`<replay_id>.<index>.<lane>`): a step sent again is a duplicate,
 * never a second crash or booking. A session that takes a replay's input is a rehearsal: its
 * booking holds no slot and its invoice is numbered apart (machines/session.ts, services).
 *
 * A step whose time has come waits until its session can take it (the analysis still running,
 * the dealers still loading), up to its timeout, rather than being refused. A lane drives only
 * sessions it began: its first step (and the first after "next driver") waits for a fresh
 * session, so an attendee's session is never taken over and marked a rehearsal. A step that fails —
 * its timeout, a refusal that waiting cannot mend, the lane's session ended under it — fails
 * the replay and stops its other lanes; the stations stay where they are.
 */
import type { ActorOptions, AnyActorLogic } from 'xstate';
import { z } from 'zod';
import type { Input } from '../../machines/envelope.js';
import { Id, IsoDateTime, type DealerHit, type Slot } from '../../machines/schemas.js';
import { DomainError, type ErrorCode } from '../errors.js';
import type { Floor } from '../floor.js';
import type { SessionView } from '../protocol.js';
import {
  DEFAULT_STEP_TIMEOUT_MS,
  ScriptName,
  laneSteps,
  type LaneStep,
  type ReplayScript,
  type ReplayStep,
} from './script.js';

/** XState's clock (setTimeout/clearTimeout): the floor's own, so replays and sessions keep one time. */
export type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

/** The wall clock, for a floor that runs on XState's default one. */
export const wallClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

export const ReplayStatus = z.enum(['running', 'done', 'failed', 'stopped']);
export type ReplayStatus = z.infer<typeof ReplayStatus>;

/** Where a replay is: what `GET /api/replays/{id}` answers. */
export const ReplayProgress = z.object({
  replay_id: Id,
  /** The script's name. */
  script: ScriptName,
  title: z.string(),
  /** The stations it drives, lane 0 first. */
  stations: z.array(Id),
  speed: z.number().positive(),
  status: ReplayStatus,
  /** Steps taken so far (a step on every station counts once per station). */
  step: z.number().int().nonnegative(),
  of: z.number().int().positive(),
  /** Each lane: its station, the session it drives, and what it waits for now. */
  lanes: z.array(
    z.object({
      station_id: Id,
      session_id: Id.nullable(),
      step: z.number().int().nonnegative(),
      of: z.number().int().nonnegative(),
      /** The next step's action and index while the lane runs; null once it is through. */
      next: z
        .object({ index: z.number().int().nonnegative(), action: z.string(), at_ms: z.number() })
        .nullable(),
    }),
  ),
  /** Every session the replay drove, in the order it began driving them. */
  sessions: z.array(z.object({ station_id: Id, session_id: Id })),
  started_at: IsoDateTime,
  ended_at: IsoDateTime.nullable(),
  /** Why it failed (status failed). */
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      /** The script step (its index) and station it failed at. */
      step: z.number().int().nonnegative().nullable(),
      station_id: Id.nullable(),
    })
    .optional(),
});
export type ReplayProgress = z.infer<typeof ReplayProgress>;

/** What a replay needs of the floor. */
export type ReplayFloor = Pick<
  Floor,
  'stations' | 'config' | 'view' | 'subscribe' | 'intake' | 'envelope' | 'services'
>;

/** A recorded crash a script can name (data/telemetry/index.json). */
export interface ReplaySample {
  id: string;
  vehicle_model: string;
  telemetry: unknown;
}

export interface ReplayRunDeps {
  floor: ReplayFloor;
  clock: Clock;
  samples: readonly ReplaySample[];
  now: () => Date;
}

export interface ReplayRunOptions {
  replay_id: string;
  /** The stations of the lanes, lane 0 first. */
  stations: readonly string[];
  speed: number;
}

/** The request id of one step on one lane: a step sent again is a duplicate. */
export const stepRequestId = (replay_id: string, index: number, lane: number) =>
  `${replay_id}.${index}.${lane}`;

/** Refusals that mean "not now": the step waits for the session instead of failing. */
const NOT_YET = new Set<ErrorCode>(['not_accepted', 'no_crash', 'no_telemetry']);

/** Thrown into a lane's waits when the replay is stopped (or another lane failed). */
class Stopped extends Error {}

/** A step that failed: the replay fails with it. */
class StepFailed extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly step: number,
    readonly station_id: string,
  ) {
    super(message);
  }
}

/** A crash the replay had the station hold, until the repair press reports it. */
interface HeldCrash {
  telemetry: unknown;
  vehicle_model: string | null;
}

interface LaneState {
  station_id: string;
  steps: LaneStep[];
  done: number;
  /** The session the lane drives, once a step was taken on it (cleared by next_driver). */
  session_id: string | null;
  held: HeldCrash | null;
}

/** What one attempt at a step came to. */
type Attempt = { kind: 'wait' } | { kind: 'send'; input: Input } | { kind: 'done' };
const WAIT: Attempt = { kind: 'wait' };

/** Whether the session is at `step`: that state path, or a state inside it. */
export const isAtStep = (view: SessionView, step: string) =>
  view.step === step || view.step.startsWith(`${step}.`);

/** The damage figure a held crash shows: the telemetry's own when it has one. */
function totalDamageOf(telemetry: unknown, given: number | undefined): number {
  if (given !== undefined) return given;
  if (telemetry && typeof telemetry === 'object') {
    const t = telemetry as { damage?: unknown; total_damage?: unknown };
    if (typeof t.damage === 'number') return t.damage;
    if (typeof t.total_damage === 'number') return t.total_damage;
    const nested = (t.damage as { total_damage?: unknown } | undefined)?.total_damage;
    if (typeof nested === 'number') return nested;
  }
  return 1000;
}

export class ReplayRun {
  readonly id: string;
  private status: ReplayStatus = 'running';
  private error: ReplayProgress['error'];
  private readonly started_at: string;
  private ended_at: string | null = null;
  private readonly lanes: LaneState[];
  private readonly sessions: { station_id: string; session_id: string }[] = [];
  /** Clock timers of the steps' times, and of the steps' waits. */
  private readonly timers = new Set<unknown>();
  /** Cancels every pending wait (stop, or another lane failed). */
  private readonly cancels = new Set<() => void>();
  private readonly listeners = new Set<(progress: ReplayProgress) => void>();
  /** Resolves when the replay is over (done, failed or stopped). */
  readonly finished: Promise<ReplayProgress>;
  private resolveFinished!: (progress: ReplayProgress) => void;

  constructor(
    private readonly deps: ReplayRunDeps,
    readonly script: ReplayScript,
    private readonly options: ReplayRunOptions,
  ) {
    this.id = options.replay_id;
    this.started_at = deps.now().toISOString();
    const spread = laneSteps(script, options.stations.length);
    this.lanes = options.stations.map((station_id, lane) => ({
      station_id,
      steps: spread[lane] ?? [],
      done: 0,
      session_id: null,
      held: null,
    }));
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  /** Starts every lane; `finished` tells when it is over. */
  start(): this {
    const runs = this.lanes.map((lane, i) => this.runLane(lane, i));
    void Promise.all(runs).then(() => this.end('done'));
    return this;
  }

  /** Stops it: pending steps are dropped, the stations stay where they are. */
  stop(): ReplayProgress {
    this.end('stopped');
    return this.progress();
  }

  /** Called with the progress on every change. */
  subscribe(listener: (progress: ReplayProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get running(): boolean {
    return this.status === 'running';
  }

  progress(): ReplayProgress {
    const of = this.lanes.reduce((n, l) => n + l.steps.length, 0);
    return {
      replay_id: this.id,
      script: this.script.name,
      title: this.script.title,
      stations: [...this.options.stations],
      speed: this.options.speed,
      status: this.status,
      step: this.lanes.reduce((n, l) => n + l.done, 0),
      of,
      lanes: this.lanes.map((l) => {
        const next = this.status === 'running' ? l.steps[l.done] : undefined;
        return {
          station_id: l.station_id,
          session_id: l.session_id,
          step: l.done,
          of: l.steps.length,
          next: next ? { index: next.index, action: next.step.action, at_ms: next.at_ms } : null,
        };
      }),
      sessions: this.sessions.map((s) => ({ ...s })),
      started_at: this.started_at,
      ended_at: this.ended_at,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  private changed(): void {
    const progress = this.progress();
    for (const listener of this.listeners) listener(progress);
  }

  private end(status: Exclude<ReplayStatus, 'running'>, error?: ReplayProgress['error']): void {
    if (this.status !== 'running') return;
    this.status = status;
    this.error = error;
    this.ended_at = this.deps.now().toISOString();
    for (const id of this.timers) this.deps.clock.clearTimeout(id);
    this.timers.clear();
    for (const cancel of [...this.cancels]) cancel();
    this.changed();
    this.resolveFinished(this.progress());
  }

  private async runLane(lane: LaneState, laneIndex: number): Promise<void> {
    // Every step's time is set at the start, so times count from the start of the replay
    // however long the steps before it waited.
    const due = lane.steps.map((s) => this.after(s.at_ms / this.options.speed));
    // A stop rejects them all; only the one awaited then is looked at.
    for (const d of due) d.catch(() => {});
    try {
      for (const [i, step] of lane.steps.entries()) {
        await due[i];
        await this.take(lane, laneIndex, step);
        lane.done++;
        this.changed();
      }
    } catch (err) {
      if (err instanceof Stopped) return;
      const step = lane.steps[lane.done];
      const failed =
        err instanceof StepFailed
          ? err
          : new StepFailed(
              'internal_error',
              err instanceof Error ? err.message : String(err),
              step?.index ?? 0,
              lane.station_id,
            );
      this.end('failed', {
        code: failed.code,
        message: failed.message,
        step: failed.step,
        station_id: failed.station_id,
      });
    }
  }

  /** Resolves after `ms` on the clock (at once for 0); rejects with Stopped when stopped. */
  private after(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const cancel = () => reject(new Stopped());
      this.cancels.add(cancel);
      const id = this.deps.clock.setTimeout(() => {
        this.timers.delete(id);
        this.cancels.delete(cancel);
        resolve();
      }, Math.round(ms));
      this.timers.add(id);
    });
  }

  /** Takes one step on its lane: as soon as the session can, within the step's timeout. */
  private take(lane: LaneState, laneIndex: number, ls: LaneStep): Promise<void> {
    const { floor, clock } = this.deps;
    const { station_id } = lane;
    const timeout = ls.step.timeout_ms ?? DEFAULT_STEP_TIMEOUT_MS;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        this.timers.delete(timer);
        this.cancels.delete(cancel);
        unsubscribe();
        if (err) reject(err);
        else resolve();
      };
      const cancel = () => finish(new Stopped());
      const timer = clock.setTimeout(() => {
        const at = floor.view(station_id)?.step ?? 'nowhere';
        finish(
          new StepFailed(
            'timeout',
            `Step ${ls.index} (${ls.step.action}) on station ${station_id}: the session could not take it within ${timeout} ms (it is in ${at})`,
            ls.index,
            station_id,
          ),
        );
      }, timeout);
      this.timers.add(timer);
      this.cancels.add(cancel);
      const attempt = () => {
        if (settled) return;
        try {
          if (this.attempt(lane, laneIndex, ls)) finish();
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)));
        }
      };
      // Views change inside the session's transition: look again once it is over.
      const unsubscribe = floor.subscribe(station_id, () => queueMicrotask(attempt));
      attempt();
    });
  }

  /** One try at a step: true once it is taken; false to wait for the next change. */
  private attempt(lane: LaneState, laneIndex: number, ls: LaneStep): boolean {
    const { floor } = this.deps;
    const view = floor.view(lane.station_id);
    if (!view) {
      throw this.failure(ls, lane, 'station_not_found', `No station "${lane.station_id}"`);
    }
    // The lane's session ended under it (a reset, the idle timer): only a new crash goes on.
    const startsAnew = ls.step.action === 'crash' || ls.step.action === 'manual_damage';
    if (lane.session_id !== null && view.session_id !== lane.session_id && !startsAnew) {
      if (ls.step.action === 'next_driver') {
        // The confirmation ran out first: the driver has moved on already.
        lane.session_id = null;
        lane.held = null;
        return true;
      }
      throw this.failure(
        ls,
        lane,
        'session_ended',
        `The session ${lane.session_id} on station ${lane.station_id} ended before step ${ls.index} (${ls.step.action}): reset, or the attendee timed out`,
      );
    }
    // A replay drives only sessions it began: until its lane has one, it waits for a fresh
    // session (no attendee's crash on it). Only a repair press is meant for what is there.
    const unbound = lane.session_id === null || view.session_id !== lane.session_id;
    const takesOver = ls.step.action === 'repair' || ls.step.action === 'wait_for';
    if (unbound && !takesOver && view.step !== 'Waiting.driving') return false;
    const next = this.inputFor(ls.step, view, lane, ls);
    if (next.kind === 'wait') return false;
    if (next.kind === 'done') {
      this.bind(lane, view.session_id);
      return true;
    }
    const result = floor.intake(
      floor.envelope(lane.station_id, next.input, {
        source: 'replay',
        request_id: stepRequestId(this.id, ls.index, laneIndex),
        correlation_id: this.id,
      }),
    );
    if (!result.ok) {
      if (NOT_YET.has(result.error.code)) return false;
      throw this.failure(ls, lane, result.error.code, result.error.message);
    }
    this.bind(lane, result.session_id);
    if (ls.step.action === 'crash') {
      lane.held = ls.step.report
        ? null
        : {
            telemetry: (next.input as Extract<Input, { type: 'CRASH_DETECTED' }>).payload.telemetry,
            vehicle_model: ls.step.vehicle_model ?? null,
          };
    } else if (ls.step.action === 'repair' || ls.step.action === 'manual_damage') {
      lane.held = null;
    } else if (ls.step.action === 'next_driver') {
      lane.session_id = null;
      lane.held = null;
    }
    return true;
  }

  private bind(lane: LaneState, session_id: string): void {
    if (lane.session_id === session_id) return;
    lane.session_id = session_id;
    if (!this.sessions.some((s) => s.session_id === session_id)) {
      this.sessions.push({ station_id: lane.station_id, session_id });
    }
    this.changed();
  }

  private failure(ls: LaneStep, lane: LaneState, code: ErrorCode, message: string): StepFailed {
    return new StepFailed(code, message, ls.index, lane.station_id);
  }

  /** The input a step stands for, if the session can take it now. */
  private inputFor(step: ReplayStep, view: SessionView, lane: LaneState, ls: LaneStep): Attempt {
    const can = (type: string) => view.can.includes(type);
    const send = (input: Input): Attempt => ({ kind: 'send', input });
    const simple = (type: 'CONTINUE' | 'BACK' | 'RETRY' | 'CHANGE_DEALER' | 'NEXT_DRIVER') =>
      can(type) ? send({ type, payload: {} }) : WAIT;
    switch (step.action) {
      case 'crash': {
        if (view.state !== 'Waiting') return WAIT;
        const telemetry = this.telemetryOf(step, lane, ls);
        if (step.report) {
          return send({
            type: 'CRASH_REPORTED',
            payload: { telemetry, vehicle_model: step.vehicle_model ?? null },
          });
        }
        return send({
          type: 'CRASH_DETECTED',
          payload: {
            telemetry,
            simulator_model: step.vehicle_model ?? null,
            total_damage: totalDamageOf(telemetry, step.total_damage),
            received_at: this.deps.now().toISOString(),
          },
        });
      }
      case 'repair':
        if (lane.held) {
          // The replay's own crash: reported again with its telemetry, so what a live rig read
          // in between cannot change what is analysed.
          if (view.state !== 'Waiting') return WAIT;
          return send({
            type: 'CRASH_REPORTED',
            payload: { telemetry: lane.held.telemetry, vehicle_model: lane.held.vehicle_model },
          });
        }
        return can('REPAIR_REQUESTED') ? send({ type: 'REPAIR_REQUESTED', payload: {} }) : WAIT;
      case 'manual_damage':
        return view.state === 'Waiting' || view.step === 'Crashed.failed'
          ? send({ type: 'MANUAL_DAMAGE_ENTERED', payload: { telemetry: step.telemetry } })
          : WAIT;
      case 'continue':
        return simple('CONTINUE');
      case 'back':
        return simple('BACK');
      case 'retry':
        return simple('RETRY');
      case 'change_dealer':
        return simple('CHANGE_DEALER');
      case 'next_driver':
        return simple('NEXT_DRIVER');
      case 'choose_dealer': {
        if (view.step !== 'Estimated.choosingDealer.ready') return WAIT;
        const dealer = this.dealerOf(step, view.dealers, lane, ls);
        return send({ type: 'DEALER_CHOSEN', payload: { dealer_id: dealer.dealer_id } });
      }
      case 'choose_slot': {
        const choosing =
          view.step === 'DealerChosen.choosingSlot' || view.step === 'DealerChosen.bookingConflict';
        if (!choosing || view.slots.length === 0) return WAIT;
        const slot = this.slotOf(view.slots, step.index ?? 0, lane, ls);
        return send({ type: 'SLOT_CHOSEN', payload: { slot_start: slot.start } });
      }
      case 'book': {
        const ready = view.step === 'Estimated.choosingDealer.ready';
        const choosing = [
          'DealerChosen.choosingSlot',
          'DealerChosen.bookingConflict',
          'DealerChosen.bookingFailed',
        ].includes(view.step);
        if ((!ready && !choosing) || !view.estimate) return WAIT;
        const dealer =
          choosing && view.dealer ? view.dealer : this.dealerOf(step, view.dealers, lane, ls);
        // The slots the session would offer at that dealer (it has them once it chose it).
        const slots =
          choosing && view.slots.length > 0
            ? view.slots
            : this.deps.floor.services.checkDealer(dealer.dealer_id, view.estimate).slots;
        const slot = this.slotOf(slots, step.index ?? 0, lane, ls);
        return send({
          type: 'BOOKING_REQUESTED',
          payload: {
            estimate_id: view.estimate.estimate_id,
            dealer_id: dealer.dealer_id,
            slot_start: slot.start,
          },
        });
      }
      case 'set_locale':
        return send({ type: 'SET_LOCALE', payload: { locale: step.locale } });
      case 'wait_for':
        return isAtStep(view, step.step) ? { kind: 'done' } : WAIT;
    }
  }

  /** A crash step's telemetry: its sample's, its own, or the station car's first sample. */
  private telemetryOf(
    step: Extract<ReplayStep, { action: 'crash' }>,
    lane: LaneState,
    ls: LaneStep,
  ): unknown {
    if (step.telemetry !== undefined) return step.telemetry;
    const model = this.deps.floor.config.stations.find(
      (s) => s.id === lane.station_id,
    )?.vehicle_model;
    const sample = step.sample
      ? this.deps.samples.find((s) => s.id === step.sample)
      : this.deps.samples.find((s) => s.vehicle_model === (step.vehicle_model ?? model));
    if (!sample) {
      throw this.failure(
        ls,
        lane,
        'sample_not_found',
        `No recorded crash ${step.sample ?? `for ${step.vehicle_model ?? model}`}`,
      );
    }
    return sample.telemetry;
  }

  private dealerOf(
    step: { dealer_id?: string | undefined; rank?: number | undefined },
    dealers: readonly DealerHit[],
    lane: LaneState,
    ls: LaneStep,
  ): DealerHit {
    const dealer =
      step.dealer_id !== undefined
        ? dealers.find((d) => d.dealer_id === step.dealer_id)
        : dealers[step.rank ?? 0];
    if (!dealer) {
      throw this.failure(
        ls,
        lane,
        'dealer_not_offered',
        `Step ${ls.index}: the session offers dealers ${dealers.map((d) => d.dealer_id).join(', ') || 'none'}, not ${step.dealer_id ?? `a ${(step.rank ?? 0) + 1}th nearest`}`,
      );
    }
    return dealer;
  }

  private slotOf(slots: readonly Slot[], index: number, lane: LaneState, ls: LaneStep): Slot {
    const slot = slots[index];
    if (!slot) {
      throw this.failure(
        ls,
        lane,
        'slot_not_offered',
        `Step ${ls.index}: slot ${index} asked for, ${slots.length} offered`,
      );
    }
    return slot;
  }
}

/** A DomainError for what makes a script unable to run here (422, with the fields). */
export function scriptInvalid(
  message: string,
  details: { path: string; message: string }[],
): DomainError {
  return new DomainError('script_invalid', message, details);
}
