/**
 * Bringing the floor back after the process died: every station in the state it was in, with
 * its data and the same session id.
 *
 * The store keeps, per station, the station's persisted snapshot (written when its session
 * began) and its live session's latest persisted snapshot (written with every transition). Each
 * stored station is parsed and checked on its own — an unreadable row, an unknown snapshot
 * format or a snapshot the machines no longer accept is set aside and its station starts fresh —
 * and the floor's own persisted snapshot is composed from them: XState then restores the actors
 * (`createActor(machine, { snapshot })`), and re-runs the work that was in flight (an invoked
 * promise actor, with its stored input; every service is idempotent).
 *
 * What XState does not restore is time: a delayed transition (`after`) is scheduled when its
 * state is entered, and a restored actor enters nothing. `resumeTimers` schedules each again
 * with the time it had left, on the actor system's clock, under the id XState itself uses, so
 * leaving the state cancels it as it would the original.
 */
import {
  createActor,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type Snapshot,
  type StateValue,
} from 'xstate';
import { z } from 'zod';
import { SNAPSHOT_FORMAT } from '../machines/floor.js';
import {
  Appointment,
  DamageReport,
  DealerHit,
  Id,
  Invoice,
  Locale,
  PartsPlan,
  RepairEstimate,
  SessionError,
  Slot,
} from '../machines/schemas.js';
import type { StationInput } from '../machines/station.js';
import type { StoredStation } from './ports.js';

/** What a restored session's context must hold for the screens and the services to use it. */
const RestorableSession = z.looseObject({
  station_id: Id,
  session_id: Id,
  vehicle_model: Id,
  market: Id,
  locale: Locale,
  timeouts: z.object({
    idle_ms: z.number().nonnegative(),
    confirmation_ms: z.number().nonnegative(),
  }),
  damage: DamageReport.nullable(),
  estimate: RepairEstimate.nullable(),
  dealers: z.array(DealerHit),
  dealer: DealerHit.nullable(),
  dealer_estimate: RepairEstimate.nullable(),
  parts_plan: PartsPlan.nullable(),
  slots: z.array(Slot),
  appointment: Appointment.nullable(),
  invoice: Invoice.nullable(),
  error: SessionError.nullable(),
  ended: z.enum(['completed', 'abandoned']).nullable(),
});

/** A station's persisted snapshot as far as composing needs it. */
const PersistedStation = z.looseObject({
  status: z.literal('active'),
  context: z.looseObject({ station_id: Id, session_id: Id }),
  children: z.looseObject({ session: z.looseObject({}) }),
});

/** A persisted snapshot put together from stored JSON: XState checks it when it restores it. */
export type PersistedSnapshot = Snapshot<unknown>;

export type Composed = { ok: true; snapshot: PersistedSnapshot } | { ok: false; reason: string };

/** The fields of a station that come from the settings: a restart with new settings takes them. */
const SETTINGS = ['name', 'vehicle_model', 'market', 'location', 'timeouts'] as const;

/**
 * One stored station as a persisted snapshot the station machine accepts, its live session put
 * back in; or why not. Nothing runs: the check restores it into an actor that is never started.
 */
export function composeStation(
  row: StoredStation,
  settings: StationInput,
  stationLogic: AnyStateMachine,
): Composed {
  if (row.format !== SNAPSHOT_FORMAT) {
    return {
      ok: false,
      reason: `snapshot format ${row.format}; this build restores format ${SNAPSHOT_FORMAT}`,
    };
  }
  if (row.session_json === null) return { ok: false, reason: 'the session snapshot is missing' };
  let station: unknown;
  let session: unknown;
  try {
    station = JSON.parse(row.station_json);
    session = JSON.parse(row.session_json);
  } catch (err) {
    return { ok: false, reason: `unreadable snapshot: ${(err as Error).message}` };
  }
  const parsed = PersistedStation.safeParse(station);
  if (!parsed.success) {
    return { ok: false, reason: `not a station snapshot: ${z.prettifyError(parsed.error)}` };
  }
  const stored = parsed.data;
  if (stored.context.session_id !== row.session_id) {
    return {
      ok: false,
      reason: `the station snapshot holds session ${stored.context.session_id}, not ${row.session_id}`,
    };
  }
  const context = { ...stored.context };
  for (const key of SETTINGS) context[key] = settings[key];
  const composed = {
    ...stored,
    output: undefined,
    error: undefined,
    context,
    children: { ...stored.children, session: { ...stored.children.session, snapshot: session } },
  };
  const snapshot: PersistedSnapshot = composed;
  const reason = rejection(snapshot, settings, stationLogic, row.session_id);
  return reason ? { ok: false, reason } : { ok: true, snapshot };
}

/** Why the machines would not take the composed station snapshot; null when they do. */
function rejection(
  snapshot: PersistedSnapshot,
  input: StationInput,
  stationLogic: AnyStateMachine,
  session_id: string,
): string | null {
  const trial = createActor(stationLogic, { snapshot, input }).getSnapshot() as AnyMachineSnapshot;
  if (trial.status !== 'active') return `the station machine refused it: ${errorText(trial.error)}`;
  const sessionRef = trial.children.session as AnyActorRef | undefined;
  if (!sessionRef) return 'the station has no session';
  const session = sessionRef.getSnapshot() as AnyMachineSnapshot;
  if (session.status !== 'active') {
    return `the session machine refused it: ${errorText(session.error ?? session.status)}`;
  }
  const context = RestorableSession.safeParse(session.context);
  if (!context.success) return `session data: ${z.prettifyError(context.error)}`;
  if (context.data.session_id !== session_id || context.data.station_id !== input.station_id) {
    return `the session snapshot is of ${context.data.station_id}/${context.data.session_id}`;
  }
  // Work in flight must have its actor: one the machine no longer knows would be dropped, and
  // the session would wait for it forever.
  for (const node of activeNodes(session)) {
    for (const invoke of node.invoke) {
      if (!session.children[invoke.id])
        return `the work "${invoke.id}" in ${node.id} cannot resume`;
    }
  }
  return null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type StateNodeOf = AnyStateMachine['root'];

/** The state nodes a snapshot is in, root first. */
export function activeNodes(snapshot: AnyMachineSnapshot): StateNodeOf[] {
  const nodes: StateNodeOf[] = [];
  const walk = (node: StateNodeOf, value: StateValue | undefined) => {
    nodes.push(node);
    if (value === undefined) return;
    if (typeof value === 'string') {
      const child = node.states[value];
      if (child) walk(child, undefined);
      return;
    }
    for (const [key, sub] of Object.entries(value)) {
      const child = node.states[key];
      if (child) walk(child, sub as StateValue);
    }
  };
  walk(snapshot.machine.root, snapshot.value);
  return nodes;
}

/**
 * Schedules the delayed transitions of the states a restored machine actor is in, each with
 * the time it had left after `elapsedMs` in its state (none left: at once). Returns what it
 * scheduled, for the log.
 */
export function resumeTimers(
  ref: AnyActorRef,
  elapsedMs: number,
): { event: string; remaining_ms: number }[] {
  const snapshot = ref.getSnapshot() as AnyMachineSnapshot;
  type DelayFn = (args: { context: unknown; event: unknown }) => number;
  const delays = (snapshot.machine.implementations.delays ?? {}) as Record<
    string,
    number | DelayFn
  >;
  const resumed: { event: string; remaining_ms: number }[] = [];
  for (const node of activeNodes(snapshot)) {
    for (const transition of node.after) {
      const configured =
        typeof transition.delay === 'string'
          ? delays[transition.delay]
          : (transition.delay as number | DelayFn);
      const delay =
        typeof configured === 'function'
          ? configured({ context: snapshot.context, event: { type: 'xstate.restore' } })
          : configured;
      if (typeof delay !== 'number') continue;
      const remaining_ms = Math.max(0, delay - Math.max(0, elapsedMs));
      // The id XState gives the timer it schedules on entry: the state's exit cancels this one.
      ref.system.scheduler.schedule(
        ref,
        ref,
        { type: transition.eventType },
        remaining_ms,
        transition.eventType,
      );
      resumed.push({ event: transition.eventType, remaining_ms });
    }
  }
  return resumed;
}

/** The floor's persisted snapshot: a fresh one with the restorable stations put in. */
export function composeFloor(
  fresh: PersistedSnapshot,
  stations: ReadonlyMap<string, PersistedSnapshot>,
): PersistedSnapshot {
  const { children: freshChildren } = fresh as unknown as { children: Record<string, object> };
  const children: Record<string, object> = { ...freshChildren };
  for (const [systemId, snapshot] of stations) {
    children[systemId] = { ...freshChildren[systemId], snapshot };
  }
  const composed = { ...fresh, children };
  return composed;
}
