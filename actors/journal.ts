/**
 * The session journal, written from XState's inspection of the floor: every session snapshot
 * comes with the event that led to it, and each transition (and each input that changed a
 * session without moving it, such as a language change) becomes one journal entry written with
 * the session's persisted snapshot in one transaction. A session's first entry also keeps its
 * station's snapshot and the summary of the session that station closed to begin it.
 *
 * Live readings (the simulator's, four a second) are not journalled one by one: their latest
 * value is in the snapshot. An invoked actor's answer carries the correlation id of the input
 * that started the work.
 */
import type { AnyActorRef, InspectionEvent } from 'xstate';
import { SNAPSHOT_FORMAT } from '../machines/floor.js';
import { sessionMachine } from '../machines/session.js';
import { summarize, type SessionSummary } from './history.js';
import type { SessionSnapshot } from './intake.js';
import type { RecordStore } from './ports.js';
import { stepOf } from './session-view.js';

/** What the journal needs of the store. */
export type JournalStore = Pick<RecordStore, 'recordTransition' | 'journalOf'>;

/** A session moving from one step to another, as the log reports it. */
export interface SessionTransition {
  station_id: string;
  session_id: string;
  from: string | null;
  to: string;
  event_type: string;
  source: string | null;
  correlation_id: string | null;
}

/** The session a station had before its current one began. */
export interface PreviousSession {
  ref: { getSnapshot(): SessionSnapshot };
  session_id: string;
  started_at: string;
}

export interface JournalDeps {
  store: JournalStore;
  now: () => Date;
  /** Told of every change of step. */
  onTransition: (transition: SessionTransition) => void;
  /** A station's persisted snapshot, now. */
  stationSnapshot: (station_id: string) => unknown;
  /** The session the station is moving on from, when a new one begins. */
  previous: (station_id: string) => PreviousSession | undefined;
}

/** Dotted path of the deepest active state, e.g. "Estimated.choosingDealer.ready". */
export const stepOfSnapshot = (snapshot: SessionSnapshot): string => stepOf(snapshot.value);

/** A session's step and, once it has ended, how: what a journal entry is written for. */
const keyOf = (snapshot: SessionSnapshot): string =>
  snapshot.context.ended
    ? `${stepOfSnapshot(snapshot)}|${snapshot.context.ended}`
    : stepOfSnapshot(snapshot);
const stepOfKey = (key: string): string => key.split('|')[0]!;

/** Live readings: many a second, their latest value is in the snapshot; not journalled alone. */
const LIVE_INPUTS = new Set(['TELEMETRY_RECEIVED', 'CRASH_DETECTED']);

/** Whether an inspected actor can give its persisted snapshot (every real actor can). */
function hasPersistedSnapshot(ref: object): ref is { getPersistedSnapshot(): unknown } {
  return typeof (ref as { getPersistedSnapshot?: unknown }).getPersistedSnapshot === 'function';
}

/** Whether an inspected snapshot is an attendee session's. */
function isSessionSnapshot(snapshot: unknown): snapshot is SessionSnapshot {
  const machine = (snapshot as { machine?: { id?: unknown } } | null)?.machine;
  return machine?.id === sessionMachine.id;
}

/** Where an event the machine made itself comes from: its clock, or an invoked actor. */
function sourceOfInternal(type: string): string | null {
  if (type.startsWith('xstate.after')) return 'timer';
  if (type.startsWith('xstate.done.actor') || type.startsWith('xstate.error.actor')) return 'actor';
  return null;
}

export class SessionJournal {
  /** Session steps (and ends) as last seen, to write each transition once with its event. */
  private readonly steps = new WeakMap<object, string>();
  /** The correlation id of the last input each session took. */
  private readonly chains = new WeakMap<object, string>();
  /** When each session began (its first journal entry), as its view and history say. */
  private readonly births = new WeakMap<object, string>();

  constructor(private readonly deps: JournalDeps) {}

  /** A restored session is where it was: its start is not a transition to write. */
  restored(ref: AnyActorRef & { getSnapshot(): SessionSnapshot }): void {
    this.steps.set(ref, keyOf(ref.getSnapshot()));
  }

  /** When the session began, if it began in this process. */
  bornAt(ref: object): string | undefined {
    return this.births.get(ref);
  }

  /** XState's inspection: every session snapshot with the event that led to it. */
  inspect(event: InspectionEvent): void {
    if (event.type !== '@xstate.snapshot' || !isSessionSnapshot(event.snapshot)) return;
    const { snapshot } = event;
    const to = stepOfSnapshot(snapshot);
    const key = keyOf(snapshot);
    const before = this.steps.get(event.actorRef) ?? null;
    const from = before === null ? null : stepOfKey(before);
    const cause = event.event as {
      type: string;
      source?: string;
      correlation_id?: string;
      request_id?: string;
    } & Record<string, unknown>;
    // A session's end is a change too, even where its step stays (the idle timer).
    const changed = before !== key;
    // Inputs that moved nothing but the context (a locale) are journalled; live readings are not.
    const isInput = typeof cause.source === 'string' && !LIVE_INPUTS.has(cause.type);
    if (!changed && !isInput) return;
    this.steps.set(event.actorRef, key);
    const source = cause.source ?? sourceOfInternal(cause.type);
    if (cause.correlation_id) this.chains.set(event.actorRef, cause.correlation_id);
    const correlation_id =
      cause.correlation_id ??
      (source === 'actor' ? (this.chains.get(event.actorRef) ?? null) : null);
    const { station_id, session_id } = snapshot.context;
    if (from !== to) {
      this.deps.onTransition({
        station_id,
        session_id,
        from,
        to,
        event_type: cause.type,
        source,
        correlation_id,
      });
    }
    const { type, source: _s, correlation_id: _c, request_id, ...payload } = cause;
    const at = this.deps.now().toISOString();
    const first = from === null ? this.beginning(station_id, session_id, at) : {};
    if (from === null) this.births.set(event.actorRef, at);
    this.deps.store.recordTransition({
      entry: {
        at,
        station_id,
        session_id,
        type,
        payload: isInput ? payload : null,
        source,
        request_id: request_id ?? null,
        correlation_id,
        from,
        to,
      },
      session: hasPersistedSnapshot(event.actorRef)
        ? event.actorRef.getPersistedSnapshot()
        : snapshot,
      format: SNAPSHOT_FORMAT,
      ...first,
    });
  }

  /** What a session's first journal entry carries besides itself: its station's persisted
   *  snapshot (the session's own left out: it is stored on its own) and the summary of the
   *  session the station closed to begin it. */
  private beginning(
    station_id: string,
    session_id: string,
    at: string,
  ): { station?: unknown; closed?: SessionSummary } {
    const station = this.deps.stationSnapshot(station_id) as
      { children?: Record<string, object> } | undefined;
    const previous = this.deps.previous(station_id);
    const closed =
      previous && previous.session_id !== session_id ? this.summaryOf(previous, at) : undefined;
    return {
      ...(station
        ? {
            station: {
              ...station,
              children: {
                ...station.children,
                session: { ...station.children?.session, snapshot: null },
              },
            },
          }
        : {}),
      ...(closed ? { closed } : {}),
    };
  }

  /** A session its station has moved on from, summarised for the history. */
  private summaryOf(previous: PreviousSession, ended_at: string): SessionSummary {
    const snapshot = previous.ref.getSnapshot();
    return summarize({
      context: snapshot.context,
      last_step: stepOfSnapshot(snapshot),
      journal: this.deps.store.journalOf(snapshot.context.session_id),
      started_at: previous.started_at,
      ended_at,
    });
  }
}
