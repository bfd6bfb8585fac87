/**
 * The running event floor: a thin facade over the floor's actor system (machines/floor.ts).
 *
 * Every input — kiosk and staff commands, HTTP calls, the simulator link, the earlier event's
 * mod, the drop folder, replays — enters through one function, `intake`, as one typed envelope
 * (machines/envelope.ts). There the domain steps of its kind run once (actors/intake.ts), and
 * the session either takes it or refuses it with a code the API turns into a status; nothing
 * moves on a refusal. Screens subscribe per station and get a SessionView on every change.
 */
import { randomUUID } from 'node:crypto';
import {
  createActor,
  fromPromise,
  waitFor,
  type ActorOptions,
  type ActorRefFrom,
  type AnyActorLogic,
  type InspectionEvent,
} from 'xstate';
import type { Envelope, Input, InputOrigin } from '../machines/envelope.js';
import { floorMachine } from '../machines/floor.js';
import { damageIdOf, linkSystemId, stationSystemId } from '../machines/ids.js';
import { linkMachine, linkStatusOf, type LinkInput } from '../machines/link.js';
import type {
  Appointment,
  DamageReport,
  DealerHit,
  Invoice,
  RepairEstimate,
} from '../machines/schemas.js';
import {
  sessionMachine,
  type AnalyzeDamageInput,
  type BookAppointmentInput,
  type CheckDealerInput,
  type DealerCheck,
  type EstimateRepairInput,
  type FindDealersInput,
  type GeoPoint,
  type IssueInvoiceInput,
  type SessionTimeouts,
} from '../machines/session.js';
import { stationMachine, type StationInput } from '../machines/station.js';
import { DomainError, isErrorCode } from './errors.js';
import { admit, type IntakeDeps, type SessionSnapshot } from './intake.js';
import { SessionJournal, stepOfSnapshot, type SessionTransition } from './journal.js';
import type { RecordStore } from './ports.js';
import { composeFloor, composeStation, resumeTimers, type PersistedSnapshot } from './restore.js';
import type { RigStatus, SessionView } from './protocol.js';
import type { Services } from './services.js';
import { toSessionView } from './session-view.js';

export interface StationConfig {
  id: string;
  name: string;
  vehicle_model: string;
  market: string;
  location: GeoPoint;
}

export interface FloorConfig {
  stations: StationConfig[];
  timeouts: SessionTimeouts;
  /** Makes session ids unique across server runs. */
  id_base?: string;
}

/** A station's simulator link: the link logic with its rig connection provided, and its input. */
export interface LinkBinding {
  input: Omit<LinkInput, 'id_base'>;
}

/** What the floor tells whoever watches it (the log, later the journal). */
export type FloorEvent =
  | { type: 'input.accepted'; envelope: Envelope; session_id: string; duplicate: boolean }
  | { type: 'input.refused'; envelope: Envelope; error: DomainError }
  | ({ type: 'session.transition' } & SessionTransition)
  | { type: 'link.changed'; station_id: string; rig: RigStatus }
  | {
      type: 'floor.restored';
      restored: { station_id: string; session_id: string; step: string; timers: string[] }[];
      set_aside: { station_id: string; session_id: string; reason: string }[];
    };

/** What the floor needs of the store to journal every transition and to restore after a restart. */
export type FloorPersistence = Pick<
  RecordStore,
  'recordTransition' | 'liveStations' | 'setAside' | 'journalOf' | 'sessionRecord'
>;

export interface FloorOptions extends Omit<IntakeDeps, 'services'> {
  services: Services;
  /** The link machine with the real `rigConnection` provided (adapters/beamng); needed when `links` is given. */
  linkLogic?: typeof linkMachine;
  /** Simulator links, at most one per station. Stations without one take telemetry by API only. */
  links?: LinkBinding[];
  /** XState clock for every delay on the floor (SimulatedClock in tests and fast replays). */
  clock?: ActorOptions<AnyActorLogic>['clock'];
  now?: () => Date;
  newRequestId?: () => string;
  /** Called for every input taken or refused, every session transition and link change. */
  observe?: (event: FloorEvent) => void;
  /** Where every session transition (and every input that changed a session) is journalled
   *  with the session's persisted snapshot, what the stations are restored from at start, and
   *  where ended sessions are read back from. */
  persistence: FloorPersistence;
  /** Also told every XState inspection event (Stately's inspector, when INSPECT_URL is set). */
  inspect?: (event: InspectionEvent) => void;
}

export type SessionRef = ActorRefFrom<typeof sessionMachine>;
type StationRef = ActorRefFrom<typeof stationMachine>;
type LinkRef = ActorRefFrom<typeof linkMachine>;

/** How long a caller waits for a session to get somewhere (wall clock; the session's own
 *  timeouts run on XState's clock). */
const WAIT_MS = 5000;

export type IntakeResult =
  | { ok: true; envelope: Envelope; session_id: string; duplicate: boolean }
  | { ok: false; envelope: Envelope; error: DomainError };

interface Tracked {
  ref: SessionRef;
  started_at: string;
  view: SessionView;
  unsubscribe: () => void;
}

/**
 * One of the session's side effects as a promise actor. The work starts a microtask after the
 * actor does, so the session's move into the state that invoked it — with the work's input —
 * is journalled first (the journal is written synchronously at that transition): if the
 * process dies at any point after, the restored session runs the work again, and the service,
 * keyed by the request id, does it once. Run straight away, a booking could be committed
 * before the session had recorded asking for it.
 */
function sideEffect<TOutput, TInput>(run: (input: TInput) => TOutput) {
  return fromPromise<TOutput, TInput>(async ({ input }) => {
    await Promise.resolve();
    return run(input);
  });
}

/** The session actors' implementations: the domain services, wrapped as promise actors. */
function sessionActors(services: Services) {
  return {
    analyzeDamage: sideEffect<DamageReport, AnalyzeDamageInput>((input) => services.analyze(input)),
    estimateRepair: sideEffect<RepairEstimate, EstimateRepairInput>((input) =>
      services.estimate(input.damage, input.market),
    ),
    findDealers: sideEffect<DealerHit[], FindDealersInput>((input) =>
      services.findDealers(input.location, { estimate: input.estimate }),
    ),
    checkDealer: sideEffect<DealerCheck, CheckDealerInput>((input) =>
      services.checkDealer(input.dealer_id, input.estimate),
    ),
    bookAppointment: sideEffect<Appointment, BookAppointmentInput>((input) => services.book(input)),
    issueInvoice: sideEffect<Invoice, IssueInvoiceInput>((input) =>
      services.invoice(input.appointment),
    ),
  };
}

export class Floor {
  readonly services: Services;
  private readonly actor;
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners = new Map<string, Set<(view: SessionView) => void>>();
  private readonly now: () => Date;
  private readonly newRequestId: () => string;
  private readonly stationIds: string[];
  private readonly observe: (event: FloorEvent) => void;
  private readonly journal: SessionJournal;

  constructor(
    readonly config: FloorConfig,
    private readonly options: FloorOptions,
  ) {
    this.services = options.services;
    this.now = options.now ?? (() => new Date());
    this.newRequestId = options.newRequestId ?? randomUUID;
    this.observe = options.observe ?? (() => {});
    this.stationIds = config.stations.map((s) => s.id);
    this.journal = new SessionJournal({
      store: options.persistence,
      now: this.now,
      onTransition: (t) => this.observe({ type: 'session.transition', ...t }),
      stationSnapshot: (id) => this.stationRef(id)?.getPersistedSnapshot(),
      previous: (id) => {
        const t = this.tracked.get(id);
        return t && { ref: t.ref, session_id: t.view.session_id, started_at: t.started_at };
      },
    });
    const idBase = config.id_base ?? Date.now().toString(36);

    const stationLogic = stationMachine.provide({
      actors: { session: sessionMachine.provide({ actors: sessionActors(options.services) }) },
    });
    const logic = floorMachine.provide({
      actors: { station: stationLogic, link: options.linkLogic ?? linkMachine },
    });
    const stations: StationInput[] = config.stations.map((s) => ({
      station_id: s.id,
      name: s.name,
      vehicle_model: s.vehicle_model,
      market: s.market,
      location: s.location,
      timeouts: config.timeouts,
      id_base: idBase,
    }));
    const links: LinkInput[] = (options.links ?? []).map((l) => ({ ...l.input, id_base: idBase }));
    for (const l of links) {
      if (!this.stationIds.includes(l.station_id)) {
        throw new Error(`a simulator link names station "${l.station_id}", which does not exist`);
      }
    }
    const input = { stations, links };
    const restore = this.restorable(stations, stationLogic);
    this.actor = createActor(logic, {
      input,
      ...(restore.size > 0
        ? { snapshot: composeFloor(createActor(logic, { input }).getPersistedSnapshot(), restore) }
        : {}),
      inspect: (event) => {
        this.journal.inspect(event);
        options.inspect?.(event);
      },
      ...(options.clock ? { clock: options.clock } : {}),
    });
    // A restored session is where it was: its start is not a transition to journal.
    for (const row of this.restoring.values()) {
      const ref = this.stationRef(row.station_id)?.getSnapshot().children.session;
      if (ref) this.journal.restored(ref);
    }
    this.actor.start();
    const restored: Extract<FloorEvent, { type: 'floor.restored' }>['restored'] = [];
    for (const row of this.restoring.values()) {
      const ref = this.stationRef(row.station_id)?.getSnapshot().children.session;
      if (!ref) continue;
      const elapsed = this.now().getTime() - Date.parse(row.step_since);
      const timers = resumeTimers(ref, Number.isFinite(elapsed) ? elapsed : 0);
      this.restoredSteps.set(row.session_id, {
        step: stepOfSnapshot(ref.getSnapshot()),
        since: row.step_since,
      });
      restored.push({
        station_id: row.station_id,
        session_id: row.session_id,
        step: stepOfSnapshot(ref.getSnapshot()),
        timers: timers.map((t) => `${t.event} in ${t.remaining_ms} ms`),
      });
    }
    if (restored.length > 0 || this.setAsideNow.length > 0) {
      this.observe({ type: 'floor.restored', restored, set_aside: this.setAsideNow });
    }
    for (const id of this.stationIds) {
      const ref = this.stationRef(id)!;
      this.track(id, ref);
      ref.subscribe(() => this.track(id, ref));
      const linkRef = this.linkRef(id);
      if (linkRef) this.watchLink(id, linkRef);
    }
    this.restoring.clear();
  }

  /** Stored stations being restored, by station id (until the constructor is done). */
  private readonly restoring = new Map<
    string,
    { station_id: string; session_id: string; started_at: string; step_since: string }
  >();
  /** Sessions restored at start-up: the step they came back in, and since when they are in it. */
  private readonly restoredSteps = new Map<string, { step: string; since: string }>();
  /** Stations whose stored session could not be restored at this start. */
  private readonly setAsideNow: { station_id: string; session_id: string; reason: string }[] = [];

  /**
   * The stored stations that can be restored, as persisted station snapshots by system id; the
   * others are set aside in the store (and reported) and start fresh.
   */
  private restorable(
    stations: StationInput[],
    stationLogic: typeof stationMachine,
  ): Map<string, PersistedSnapshot> {
    const result = new Map<string, PersistedSnapshot>();
    const persistence = this.options.persistence;
    const settings = new Map(stations.map((s) => [s.station_id, s]));
    for (const row of persistence.liveStations()) {
      const input = settings.get(row.station_id);
      // A station no longer in the settings: its row waits in case it comes back.
      if (!input) continue;
      const composed = composeStation(row, input, stationLogic);
      if (!composed.ok) {
        persistence.setAside(row, composed.reason);
        this.setAsideNow.push({
          station_id: row.station_id,
          session_id: row.session_id,
          reason: composed.reason,
        });
        continue;
      }
      result.set(stationSystemId(row.station_id), composed.snapshot);
      this.restoring.set(row.station_id, row);
    }
    return result;
  }

  /** When a session restored at start-up entered `step`, if that is the step it came back in. */
  restoredSince(session_id: string, step: string): string | undefined {
    const restored = this.restoredSteps.get(session_id);
    return restored?.step === step ? restored.since : undefined;
  }

  /** Whether the station's live session is a rehearsal (driven by a replay). */
  isRehearsal(station_id: string): boolean {
    return this.session(station_id)?.getSnapshot().context.rehearsal ?? false;
  }

  /** Station ids in configured order. */
  get stations(): readonly string[] {
    return this.stationIds;
  }

  hasStation(id: string): boolean {
    return this.tracked.has(id);
  }

  private stationRef(id: string): StationRef | undefined {
    return this.actor.system.get(stationSystemId(id));
  }

  private linkRef(id: string): LinkRef | undefined {
    return this.actor.system.get(linkSystemId(id));
  }

  /** The link's inputs go through the intake like any other; its state changes redraw screens. */
  private watchLink(station_id: string, linkRef: LinkRef): void {
    linkRef.on('input', ({ input, origin }) => {
      this.intake(this.envelope(station_id, input, origin));
    });
    // Re-draw the screens when the link's state changes, not on every poll.
    let signature = '';
    linkRef.subscribe(() => {
      const rig = this.rigStatus(station_id)!;
      const next = JSON.stringify([rig.status, rig.vehicle, rig.last_error, rig.attempt]);
      if (next === signature) return;
      signature = next;
      this.observe({ type: 'link.changed', station_id, rig });
      const entry = this.tracked.get(station_id);
      if (!entry) return;
      entry.view = this.buildView(station_id, entry.ref, entry.started_at);
      this.emit(station_id, entry.view);
    });
  }

  /**
   * Stamps what an edge knows about an input into a full envelope: the caller's request id (its
   * idempotency key) or a fresh one, the correlation id (defaults to the request id), the time.
   */
  envelope(station_id: string, input: Input, origin: InputOrigin): Envelope {
    const request_id = origin.request_id ?? this.newRequestId();
    return {
      ...input,
      station_id,
      source: origin.source,
      request_id,
      correlation_id: origin.correlation_id ?? request_id,
      at: this.now().toISOString(),
    } as Envelope;
  }

  /**
   * The one door: every input enters the floor here. Refuses (and changes nothing) when the
   * station is unknown, the input is bad, or the session cannot take it in its state.
   */
  intake(envelope: Envelope): IntakeResult {
    const station = this.stationRef(envelope.station_id);
    const session = this.session(envelope.station_id);
    if (!station || !session) {
      const error = new DomainError(
        'station_not_found',
        `No station "${envelope.station_id}" (stations: ${this.stationIds.join(', ')})`,
      );
      this.observe({ type: 'input.refused', envelope, error });
      return { ok: false, envelope, error };
    }
    const admission = admit(envelope, session.getSnapshot(), this.options);
    const session_id = session.getSnapshot().context.session_id;
    switch (admission.kind) {
      case 'refused':
        this.observe({ type: 'input.refused', envelope, error: admission.error });
        return { ok: false, envelope, error: admission.error };
      case 'duplicate':
      case 'delegated': {
        const duplicate = admission.kind === 'duplicate';
        this.observe({ type: 'input.accepted', envelope, session_id, duplicate });
        return { ok: true, envelope, session_id, duplicate };
      }
      case 'send':
        this.observe({ type: 'input.accepted', envelope, session_id, duplicate: false });
        station.send(admission.event);
        return { ok: true, envelope, session_id, duplicate: false };
    }
  }

  /** `intake` of an edge's input, throwing the refusal (a DomainError the API maps to a status). */
  submit(station_id: string, input: Input, origin: InputOrigin): Envelope {
    const result = this.intake(this.envelope(station_id, input, origin));
    if (!result.ok) throw result.error;
    return result.envelope;
  }

  /** The station's simulator link as screens and `GET /api/beamng/status` show it; null without one. */
  rigStatus(station_id: string): RigStatus | null {
    const ref = this.linkRef(station_id);
    if (!ref) return null;
    const snapshot = ref.getSnapshot();
    const c = snapshot.context;
    return {
      station_id,
      status: linkStatusOf(snapshot.value),
      address: `${c.address.host}:${c.address.port}`,
      simulated: c.simulated,
      vehicle: c.vehicle,
      last_telemetry_at: c.last_telemetry_at,
      last_error: c.last_error,
      connected_at: c.connected_at,
      attempt: c.attempt,
      mod: c.mod,
      mod_error: c.mod_error,
    };
  }

  /** The live session actor of a station. */
  session(station_id: string): SessionRef | undefined {
    return this.tracked.get(station_id)?.ref;
  }

  /** The station whose live session has this id. */
  stationOfSession(session_id: string): string | undefined {
    for (const [station_id, t] of this.tracked) {
      if (t.view.session_id === session_id) return station_id;
    }
    return undefined;
  }

  /** Follows the station's current session (an ended one lives on in the store only). */
  private track(station_id: string, station: StationRef): void {
    const ref = station.getSnapshot().children.session;
    const current = this.tracked.get(station_id);
    if (!ref || current?.ref === ref) return;
    current?.unsubscribe();
    const started_at =
      this.journal.bornAt(ref) ??
      (this.restoring.get(station_id)?.started_at || this.now().toISOString());
    const entry: Tracked = {
      ref,
      started_at,
      view: this.buildView(station_id, ref, started_at),
      unsubscribe: () => {},
    };
    this.tracked.set(station_id, entry);
    const sub = ref.subscribe(() => {
      entry.view = this.buildView(station_id, ref, started_at);
      this.emit(station_id, entry.view);
    });
    entry.unsubscribe = () => sub.unsubscribe();
    this.emit(station_id, entry.view);
  }

  private buildView(station_id: string, ref: SessionRef, started_at: string): SessionView {
    const station = this.stationRef(station_id)!.getSnapshot().context;
    const snapshot = ref.getSnapshot();
    const vehicle = this.services.vehicleName(
      snapshot.context.damage?.vehicle_model ?? station.vehicle_model,
    );
    return toSessionView({
      station_name: station.name,
      vehicle_name: vehicle,
      snapshot,
      rig: this.rigStatus(station_id),
      started_at,
      updated_at: this.now().toISOString(),
    });
  }

  private emit(station_id: string, view: SessionView): void {
    for (const listener of this.listeners.get(station_id) ?? []) listener(view);
  }

  /** The current view of a station's session. */
  view(station_id: string): SessionView | undefined {
    return this.tracked.get(station_id)?.view;
  }

  /** A live session by id, or an ended one as last stored (it takes no commands: `can` is empty). */
  sessionView(session_id: string): SessionView | undefined {
    for (const t of this.tracked.values()) if (t.view.session_id === session_id) return t.view;
    const record = this.options.persistence.sessionRecord(session_id);
    if (!record) return undefined;
    let snapshot: SessionSnapshot;
    try {
      const { value, context } = JSON.parse(record.snapshot_json) as Pick<
        SessionSnapshot,
        'value' | 'context'
      >;
      snapshot = sessionMachine.resolveState({ value, context });
    } catch {
      // Unreadable (it was set aside at a restore): the journal and the history still have it.
      return undefined;
    }
    const station = this.config.stations.find((s) => s.id === record.station_id);
    const view = toSessionView({
      station_name: station?.name ?? record.station_id,
      vehicle_name: this.services.vehicleName(
        snapshot.context.damage?.vehicle_model ?? snapshot.context.vehicle_model,
      ),
      snapshot,
      rig: null,
      started_at: record.started_at,
      updated_at: record.updated_at,
    });
    return { ...view, can: [] };
  }

  /** Calls `listener` with every new view of the station's session; returns the unsubscribe. */
  subscribe(station_id: string, listener: (view: SessionView) => void): () => void {
    let set = this.listeners.get(station_id);
    if (!set) this.listeners.set(station_id, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Waits until the station's session has analysed the crash of `request_id` and moved past
   * Crashed (it then holds the estimate too), or failed it. An estimate that fails after a good
   * analysis still resolves: the report stands and the screen offers the retry.
   */
  async analysisOf(station_id: string, request_id: string): Promise<SessionView> {
    const damage_id = damageIdOf(request_id);
    const snapshot = await this.waitForSession(
      station_id,
      (s) =>
        (s.context.damage?.damage_id === damage_id && !s.matches('Crashed')) ||
        (s.matches({ Crashed: 'failed' }) && s.context.error !== null),
    );
    if (snapshot.context.damage?.damage_id !== damage_id) {
      const error = snapshot.context.error!;
      throw new DomainError(codeOf(error.code), error.message);
    }
    return this.view(station_id)!;
  }

  /**
   * Waits until the station's session has booked `request_id` (the appointment) or refused it
   * (the slot was taken: slot_taken; the booking failed: its error).
   */
  async bookingOf(station_id: string, request_id: string): Promise<Appointment> {
    const snapshot = await this.waitForSession(
      station_id,
      (s) =>
        s.context.appointment?.request_id === request_id ||
        (s.context.booking_request_id === request_id &&
          s.context.error !== null &&
          !s.matches({ DealerChosen: 'booking' }) &&
          !s.matches({ DealerChosen: 'checkingDealer' })),
    );
    const { appointment, error } = snapshot.context;
    if (appointment?.request_id === request_id) return appointment;
    throw new DomainError(codeOf(error!.code), error!.message, { state: stepOfSnapshot(snapshot) });
  }

  /** Resolves with the first session view (of the station's current session) that satisfies `done`. */
  async waitFor(
    station_id: string,
    done: (view: SessionView) => boolean,
    timeoutMs = WAIT_MS,
  ): Promise<SessionView> {
    const now = this.view(station_id);
    if (now && done(now)) return now;
    return new Promise((resolve, reject) => {
      // Wall-clock guard only: the session itself keeps time through the XState clock.
      const timer = setTimeout(() => {
        unsubscribe();
        reject(
          new DomainError(
            'timeout',
            `Station ${station_id} did not get there within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const unsubscribe = this.subscribe(station_id, (view) => {
        if (!done(view)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(view);
      });
    });
  }

  /** xstate's `waitFor` on the station's live session, with our refusals for its failures. */
  private async waitForSession(
    station_id: string,
    done: (snapshot: SessionSnapshot) => boolean,
  ): Promise<SessionSnapshot> {
    const ref = this.session(station_id);
    if (!ref) throw new DomainError('station_not_found', `No station "${station_id}"`);
    try {
      return await waitFor(ref, done, { timeout: WAIT_MS });
    } catch (err) {
      if (ref.getSnapshot().status !== 'active') {
        throw new DomainError(
          'session_ended',
          `The session on station ${station_id} ended before it got there (reset, or timed out)`,
        );
      }
      throw new DomainError(
        'timeout',
        `Station ${station_id} did not get there within ${WAIT_MS} ms: ${String(err)}`,
      );
    }
  }

  stop(): void {
    for (const t of this.tracked.values()) t.unsubscribe();
    this.listeners.clear();
    this.actor.stop();
  }
}

/** A session error's code as one of ours (an unknown one is our bug: internal_error). */
function codeOf(code: string): DomainError['code'] {
  return isErrorCode(code) ? code : 'internal_error';
}
