/**
 * The event floor: one XState actor system holding N stations, each with exactly one live
 * attendee session. Everything from outside — kiosk commands, API calls, the simulator —
 * enters through `dispatch`, which refuses what the session cannot take now and sends the rest
 * to the station actor. Screens subscribe per station and receive a SessionView on every change.
 */
import { randomUUID } from 'node:crypto';
import {
  createActor,
  enqueueActions,
  fromPromise,
  setup,
  type ActorOptions,
  type ActorRefFrom,
  type AnyActorLogic,
} from 'xstate';
import type {
  Appointment,
  DamageReport,
  DealerHit,
  Invoice,
  RepairEstimate,
  Slot,
} from '../machines/schemas.js';
import {
  sessionMachine,
  type AnalyzeDamageInput,
  type BookAppointmentInput,
  type CheckDealerInput,
  type EstimateRepairInput,
  type FindDealersInput,
  type GeoPoint,
  type IssueInvoiceInput,
  type SessionEvent,
  type SessionTimeouts,
} from '../machines/session.js';
import { stationMachine, type StationEvent, type StationInput } from '../machines/station.js';
import { linkMachine, linkStatusOf, type LinkInput } from '../machines/link.js';
import { DomainError } from './errors.js';
import type { Services } from './services.js';
import { toSessionView } from './session-view.js';
import type { RigStatus, SessionView } from './protocol.js';

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

export interface FloorOptions {
  services: Services;
  /** The link machine with the real `rigConnection` provided (adapters/beamng); needed when `links` is given. */
  linkLogic?: typeof linkMachine;
  /** Simulator links, at most one per station. Stations without one take telemetry by API only. */
  links?: LinkBinding[];
  /** "Simulate a crash" on a station with a simulated rig: make the rig drive and crash. Returns false
   *  when the station has no simulated rig, and the floor then sends a recorded crash instead. */
  playCrash?: (station_id: string, sample?: string) => boolean;
  /** Recorded telemetry for "simulate a crash", per vehicle model. */
  crashSamples: (vehicle_model: string) => { id: string; telemetry: unknown }[];
  /** XState clock for every delay on the floor (SimulatedClock in tests and fast replays). */
  clock?: ActorOptions<AnyActorLogic>['clock'];
  now?: () => Date;
  newRequestId?: () => string;
}

export type SessionRef = ActorRefFrom<typeof sessionMachine>;
type StationRef = ActorRefFrom<typeof stationMachine>;
type LinkRef = ActorRefFrom<typeof linkMachine>;

export type Dispatchable =
  StationEvent | { type: 'SIMULATE_CRASH'; sample?: string; source?: SessionEvent['source'] };

/** Ended sessions kept for `GET /api/sessions/{id}` until persistence lands. */
const ARCHIVED_SESSIONS = 2000;

export type DispatchResult = { ok: true } | { ok: false; error: DomainError };

interface Tracked {
  ref: SessionRef;
  started_at: string;
  view: SessionView;
  unsubscribe: () => void;
}

/** The session actors' implementations: the domain services, wrapped as promise actors. */
function sessionActors(services: Services) {
  return {
    analyzeDamage: fromPromise<DamageReport, AnalyzeDamageInput>(async ({ input }) =>
      services.analyze({ ...input, vehicle_model: null, fallback_model: input.vehicle_model }),
    ),
    estimateRepair: fromPromise<RepairEstimate, EstimateRepairInput>(async ({ input }) =>
      services.estimate(input.damage, input.market),
    ),
    findDealers: fromPromise<DealerHit[], FindDealersInput>(async ({ input }) =>
      services.findDealers(input.location),
    ),
    checkDealer: fromPromise<Slot[], CheckDealerInput>(async ({ input }) =>
      services.checkDealer(input.dealer_id, input.estimate),
    ),
    bookAppointment: fromPromise<Appointment, BookAppointmentInput>(async ({ input }) =>
      services.book(input),
    ),
    issueInvoice: fromPromise<Invoice, IssueInvoiceInput>(async ({ input }) =>
      services.invoice(input.appointment),
    ),
  };
}

export class Floor {
  readonly services: Services;
  private readonly actor;
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners = new Map<string, Set<(view: SessionView) => void>>();
  private readonly archive = new Map<string, SessionView>();
  private readonly now: () => Date;
  private readonly newRequestId: () => string;
  private readonly stationIds: string[];

  constructor(
    readonly config: FloorConfig,
    private readonly options: FloorOptions,
  ) {
    this.services = options.services;
    this.now = options.now ?? (() => new Date());
    this.newRequestId = options.newRequestId ?? randomUUID;
    this.stationIds = config.stations.map((s) => s.id);
    const idBase = config.id_base ?? Date.now().toString(36);

    const station = stationMachine.provide({
      actors: { session: sessionMachine.provide({ actors: sessionActors(options.services) }) },
    });
    const link = options.linkLogic ?? linkMachine;
    const floorMachine = setup({
      types: {
        input: {} as { stations: StationInput[]; links: LinkInput[] },
        context: {} as { stations: StationInput[]; links: LinkInput[] },
      },
      actors: { station, link },
    }).createMachine({
      id: 'floor',
      context: ({ input }) => input,
      entry: enqueueActions(({ enqueue, context }) => {
        for (const input of context.stations) {
          enqueue.spawnChild('station', {
            id: `station-${input.station_id}`,
            systemId: `station-${input.station_id}`,
            input,
          });
        }
        for (const input of context.links) {
          enqueue.spawnChild('link', {
            id: `link-${input.station_id}`,
            systemId: `link-${input.station_id}`,
            input,
          });
        }
      }),
    });
    const stationInputs: StationInput[] = config.stations.map((s) => ({
      station_id: s.id,
      name: s.name,
      vehicle_model: s.vehicle_model,
      market: s.market,
      location: s.location,
      timeouts: config.timeouts,
      id_base: idBase,
    }));
    const linkInputs: LinkInput[] = (options.links ?? []).map((l) => ({
      ...l.input,
      id_base: idBase,
    }));
    for (const l of linkInputs) {
      if (!this.stationIds.includes(l.station_id))
        throw new Error(`a simulator link names station "${l.station_id}", which does not exist`);
    }
    this.actor = createActor(floorMachine, {
      input: { stations: stationInputs, links: linkInputs },
      ...(options.clock ? { clock: options.clock } : {}),
    });
    this.actor.start();
    for (const id of this.stationIds) {
      const ref = this.stationRef(id)!;
      this.track(id, ref);
      ref.subscribe(() => this.track(id, ref));
      const linkRef = this.linkRef(id);
      if (linkRef) {
        // Re-draw the screens when the link's state changes, not on every poll.
        let signature = '';
        linkRef.subscribe(() => {
          const rig = this.rigStatus(id)!;
          const next = JSON.stringify([rig.status, rig.vehicle, rig.last_error, rig.attempt]);
          if (next === signature) return;
          signature = next;
          const entry = this.tracked.get(id);
          if (!entry) return;
          entry.view = this.buildView(id, entry.ref, entry.started_at);
          this.emit(id, entry.view);
        });
      }
    }
  }

  /** Station ids in configured order. */
  get stations(): readonly string[] {
    return this.stationIds;
  }

  hasStation(id: string): boolean {
    return this.tracked.has(id);
  }

  private stationRef(id: string): StationRef | undefined {
    return this.actor.system.get(`station-${id}`) as StationRef | undefined;
  }

  private linkRef(id: string): LinkRef | undefined {
    return this.actor.system.get(`link-${id}`) as LinkRef | undefined;
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
    };
  }

  /** The live session actor of a station. */
  session(station_id: string): SessionRef | undefined {
    return this.tracked.get(station_id)?.ref;
  }

  /** Follows the station's current session; when the station starts a new one, archives the old. */
  private track(station_id: string, station: StationRef): void {
    const ref = station.getSnapshot().children.session as SessionRef | undefined;
    const current = this.tracked.get(station_id);
    if (!ref || current?.ref === ref) return;
    if (current) {
      current.unsubscribe();
      this.archive.set(current.view.session_id, current.view);
      if (this.archive.size > ARCHIVED_SESSIONS)
        this.archive.delete(this.archive.keys().next().value!);
    }
    const started_at = this.now().toISOString();
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
    const vehicle = this.services.vehicleName(
      ref.getSnapshot().context.damage?.vehicle_model ?? station.vehicle_model,
    );
    return toSessionView({
      station_name: station.name,
      vehicle_name: vehicle,
      snapshot: ref.getSnapshot(),
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

  /** A live or ended session by id. */
  sessionView(session_id: string): SessionView | undefined {
    for (const t of this.tracked.values()) if (t.view.session_id === session_id) return t.view;
    return this.archive.get(session_id);
  }

  /** Calls `listener` with every new view of the station's session; returns the unsubscribe. */
  subscribe(station_id: string, listener: (view: SessionView) => void): () => void {
    let set = this.listeners.get(station_id);
    if (!set) this.listeners.set(station_id, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * Sends an event to a station. Refuses (and changes nothing) when the station is unknown or
   * its session cannot take the event in its current state.
   */
  dispatch(station_id: string, input: Dispatchable): DispatchResult {
    const station = this.stationRef(station_id);
    const session = this.session(station_id);
    if (!station || !session)
      return {
        ok: false,
        error: new DomainError('station_not_found', `No station "${station_id}"`),
      };
    let event: StationEvent;
    if (
      input.type === 'SIMULATE_CRASH' &&
      this.options.playCrash &&
      session.getSnapshot().matches('Waiting')
    ) {
      // A simulated rig drives and crashes; its link reports the crash like a real one would.
      if (this.options.playCrash(station_id, input.sample)) return { ok: true };
    }
    if (input.type === 'SIMULATE_CRASH') {
      const model = session.getSnapshot().context.vehicle_model;
      const samples = this.options.crashSamples(model);
      const sample = input.sample
        ? samples.find((s) => s.id === input.sample)
        : samples[Math.floor(Math.random() * samples.length)];
      if (!sample) {
        return {
          ok: false,
          error: new DomainError(
            'sample_not_found',
            `No recorded crash ${input.sample ?? ''} for ${model}`.trim(),
          ),
        };
      }
      event = {
        type: 'CRASH_REPORTED',
        request_id: this.newRequestId(),
        telemetry: sample.telemetry,
        source: input.source ?? 'kiosk',
      };
    } else {
      event = input;
    }
    if (event.type !== 'STAFF_RESET' && !session.getSnapshot().can(event)) {
      const state = this.view(station_id)?.step ?? 'unknown';
      return {
        ok: false,
        error: new DomainError(
          'not_accepted',
          `Station ${station_id} cannot take ${event.type} now (session is in ${state})`,
          { state },
        ),
      };
    }
    station.send(event);
    return { ok: true };
  }

  /** `dispatch`, throwing the refusal (a DomainError with a code the API maps to a status). */
  dispatchOrThrow(station_id: string, input: Dispatchable): void {
    const result = this.dispatch(station_id, input);
    if (!result.ok) throw result.error;
  }

  /**
   * Waits until the station's session has analysed the crash of `request_id` and moved past
   * Crashed (it then holds the estimate too), or failed it. An estimate that fails after a good
   * analysis still resolves: the report stands and the screen offers the retry.
   */
  async analysisOf(station_id: string, request_id: string): Promise<SessionView> {
    const damage_id = `dmg-${request_id}`;
    const view = await this.waitFor(
      station_id,
      (v) =>
        (v.damage_id === damage_id && v.state !== 'Crashed') ||
        (v.step === 'Crashed.failed' && v.error !== null),
    );
    if (view.damage_id !== damage_id) throw new DomainError(view.error!.code, view.error!.message);
    return view;
  }

  /** Resolves with the first session view (of the station's current session) that satisfies `done`. */
  waitFor(
    station_id: string,
    done: (view: SessionView) => boolean,
    timeoutMs = 5000,
  ): Promise<SessionView> {
    return new Promise((resolve, reject) => {
      const now = this.view(station_id);
      if (now && done(now)) return resolve(now);
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

  stop(): void {
    for (const t of this.tracked.values()) t.unsubscribe();
    this.listeners.clear();
    this.actor.stop();
  }
}
