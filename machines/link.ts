/**
 * The link between one station and its simulator rig:
 *   disconnected → connecting → handshaking → polling, and back to disconnected (with capped
 *   exponential backoff) whenever the rig is not there, restarts or drops the socket.
 *
 * Pure statechart. The I/O lives in one invoked callback actor, `rigConnection` (provided by
 * adapters/beamng), which owns the sockets and reports what happens as events; the machine keeps
 * time — poll interval, backoff, "stood still" — on XState's clock, so tests and replays run fast.
 *
 * What the link tells its station, as inputs it emits for the floor's intake (actors/floor.ts):
 * live damage (TELEMETRY_RECEIVED), a crash once when damage rises past the threshold
 * (CRASH_DETECTED), and "Repair My Car" pressed in the game or the car stood still after a crash
 * (REPAIR_REQUESTED). The station asks it to recover the car (RECOVER_CAR) for the next driver. The latest full telemetry always travels with those events, so the session
 * holds it and keeps it when the rig drops out.
 */
import { assign, enqueueActions, fromCallback, sendTo, setup } from 'xstate';
import {
  freshTracker,
  trackReading,
  type CrashDetectionConfig,
  type CrashTracker,
} from './crash-detection.js';
import type { Input, InputOrigin } from './envelope.js';
import { linkRequestIdOf } from './ids.js';

export type LinkStatus = 'disconnected' | 'connecting' | 'handshaking' | 'connected';

/** The in-game mod as the link last found it. */
export type ModStatus = 'unknown' | 'installed' | 'missing' | 'fault';

export interface RigAddress {
  host: string;
  port: number;
}

export interface RigVehicle {
  /** The simulator's name of the model, e.g. "vw_tcross". */
  model: string;
  name: string | null;
  /** The ontology model it maps to, e.g. "tcross"; null when unknown (then the station's own is used). */
  vehicle_model: string | null;
}

/** One reading of the car: the raw Damage sensor payload plus what the link needs from State. */
export interface RigReading {
  /** The Damage sensor payload as received (normalised keys), passed on as telemetry. */
  damage: { damage: number } & Record<string, unknown>;
  /** Speed in m/s from the State sensor. */
  speed_ms: number;
  received_at: string;
}

/** The link's settings; crash detection's own (threshold, standing still, auto-repair, poll
 *  interval) are documented in machines/crash-detection.ts. */
export interface LinkConfig extends CrashDetectionConfig {
  /** Reconnect backoff: first wait and cap. */
  backoff_initial_ms: number;
  backoff_max_ms: number;
  /** Ask the in-game mod whether "Repair My Car" was pressed on every poll. */
  poll_repair_button: boolean;
}

export interface LinkInput {
  station_id: string;
  address: RigAddress;
  /** True when the address is the simulated rig started by the server, not a real BeamNG. */
  simulated: boolean;
  protocol_version: string;
  config: LinkConfig;
  /** Makes the link's request ids unique across server runs. */
  id_base: string;
}

export interface LinkContext extends LinkInput, CrashTracker {
  attempt: number;
  vehicle: RigVehicle | null;
  last_telemetry_at: string | null;
  last_error: { code: string; message: string } | null;
  connected_at: string | null;
  last_damage: number;
  /** A fresh session asked for the car to be recovered while the rig was not polling. */
  recover_owed: boolean;
  mod: ModStatus;
  mod_error: string | null;
  /** Counter behind the request ids the link mints. */
  requests: number;
}

/** What the rig connection actor reports. */
export type RigEvent =
  | { type: 'RIG.TCP_CONNECTED' }
  | { type: 'RIG.READY'; vehicle: RigVehicle; at: string }
  | { type: 'RIG.READING'; reading: RigReading }
  | { type: 'RIG.REPAIR_PRESSED' }
  /** What the in-game mod's poll found: answering, not installed, or at fault. */
  | { type: 'RIG.MOD_STATUS'; mod: ModStatus; detail?: string }
  | { type: 'RIG.FAILED'; error: { code: string; message: string } };

/** What the link tells the rig connection actor. */
export type RigCommand = { type: 'POLL'; ask_repair_button: boolean } | { type: 'RECOVER' };

export type LinkEvent = RigEvent | { type: 'RECONNECT' } | { type: 'RECOVER_CAR' };

export interface RigConnectionInput {
  address: RigAddress;
  protocol_version: string;
}

/** Backoff before attempt n (n ≥ 1): initial × 2^(n−1), capped. */
export function backoffMs(
  config: Pick<LinkConfig, 'backoff_initial_ms' | 'backoff_max_ms'>,
  attempt: number,
): number {
  return Math.min(config.backoff_max_ms, config.backoff_initial_ms * 2 ** Math.max(0, attempt - 1));
}

/** What the link tells the floor: an input for its station, to go through the floor's intake. */
export interface LinkEmitted {
  type: 'input';
  input: Input;
  origin: InputOrigin;
}

export const linkMachine = setup({
  types: {
    context: {} as LinkContext,
    events: {} as LinkEvent,
    input: {} as LinkInput,
    emitted: {} as LinkEmitted,
  },
  actors: {
    // Stand-in: the real one is provided by adapters/beamng (TCP client or simulated rig).
    rigConnection: fromCallback<RigCommand, RigConnectionInput>(({ sendBack }) => {
      sendBack({
        type: 'RIG.FAILED',
        error: { code: 'not_provided', message: 'rigConnection is not wired in this build' },
      });
    }),
  },
  delays: {
    backoff: ({ context }) => backoffMs(context.config, context.attempt),
    poll: ({ context }) => context.config.poll_ms,
  },
  actions: {
    recordFailure: assign(({ context, event }) => ({
      attempt: context.attempt + 1,
      last_error:
        event.type === 'RIG.FAILED'
          ? event.error
          : {
              code: 'rig_connection_crashed',
              message: String((event as { error?: unknown }).error ?? 'the rig connection stopped'),
            },
      connected_at: null,
    })),
    // The backoff resets at the first good reading, not at the handshake: a rig that handshakes
    // but never answers a sensor read must still be retried ever more slowly.
    recordReady: assign(({ event }) => {
      if (event.type !== 'RIG.READY') return {};
      // The car as it is when the link comes up is the baseline, not a crash.
      return {
        vehicle: event.vehicle,
        last_error: null,
        connected_at: event.at,
        ...freshTracker(),
      };
    }),
    recordModStatus: assign(({ event }) =>
      event.type === 'RIG.MOD_STATUS'
        ? { mod: event.mod, mod_error: event.mod === 'fault' ? (event.detail ?? null) : null }
        : {},
    ),
    /** A recover asked for while the rig was away is owed until the link polls again. */
    oweRecover: assign({ recover_owed: true }),
    /** Recovers the car now; its next reading is the new baseline. */
    recoverNow: enqueueActions(({ enqueue }) => {
      enqueue.sendTo('rig', { type: 'RECOVER' } satisfies RigCommand);
      enqueue.assign({ recover_owed: false, ...freshTracker() });
    }),
    askForReading: sendTo('rig', ({ context }): RigCommand => ({
      type: 'POLL',
      ask_repair_button: context.config.poll_repair_button,
    })),
    /** Reads one poll: keeps the telemetry, detects a crash or a recovered car, tells the station. */
    takeReading: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RIG.READING') return;
      const { reading } = event;
      const total = reading.damage.damage;
      const verdict = trackReading(
        context,
        { total_damage: total, speed_ms: reading.speed_ms, at_ms: Date.parse(reading.received_at) },
        context.config,
      );
      // The crash is reported once, when it happens; later readings of the crashed car are live
      // telemetry. A session that starts after the crash (the next driver) must not inherit it.
      const payload = {
        telemetry: reading.damage,
        simulator_model: context.vehicle?.vehicle_model ?? null,
        total_damage: total,
        received_at: reading.received_at,
      };
      enqueue.emit({
        type: 'input',
        input: verdict.crash_now
          ? { type: 'CRASH_DETECTED', payload }
          : { type: 'TELEMETRY_RECEIVED', payload },
        origin: { source: 'simulator' },
      });
      let requests = context.requests;
      if (verdict.auto_repair_now) {
        requests += 1;
        enqueue.emit({
          type: 'input',
          input: { type: 'REPAIR_REQUESTED', payload: {} },
          origin: {
            source: 'timer',
            request_id: linkRequestIdOf(context.station_id, context.id_base, requests),
          },
        });
      }
      enqueue.assign({
        ...verdict.tracker,
        attempt: 0,
        last_telemetry_at: reading.received_at,
        last_damage: total,
        requests,
      });
    }),
    /** "Repair My Car" pressed in the game: the session takes it if it is waiting with telemetry. */
    forwardRepairPress: enqueueActions(({ context, enqueue }) => {
      const requests = context.requests + 1;
      enqueue.assign({ requests });
      enqueue.emit({
        type: 'input',
        input: { type: 'REPAIR_REQUESTED', payload: {} },
        origin: {
          source: 'mod',
          request_id: linkRequestIdOf(context.station_id, context.id_base, requests),
        },
      });
    }),
  },
}).createMachine({
  id: 'link',
  context: ({ input }) => ({
    ...input,
    attempt: 0,
    vehicle: null,
    last_telemetry_at: null,
    last_error: null,
    connected_at: null,
    ...freshTracker(),
    last_damage: 0,
    recover_owed: false,
    mod: 'unknown',
    mod_error: null,
    requests: 0,
  }),
  // Asked for anywhere; done only once the rig answers (polling), else owed until then.
  on: { RECOVER_CAR: { actions: 'oweRecover' } },
  initial: 'online',
  states: {
    disconnected: {
      after: { backoff: 'online' },
      on: { RECONNECT: 'online' },
    },
    online: {
      invoke: {
        id: 'rig',
        src: 'rigConnection',
        input: ({ context }) => ({
          address: context.address,
          protocol_version: context.protocol_version,
        }),
        // The adapter reports failures as RIG.FAILED; a crash of the actor itself is one too.
        onError: { target: 'disconnected', actions: 'recordFailure' },
      },
      on: {
        'RIG.FAILED': { target: 'disconnected', actions: 'recordFailure' },
      },
      initial: 'connecting',
      states: {
        connecting: {
          on: { 'RIG.TCP_CONNECTED': 'handshaking' },
        },
        handshaking: {
          on: { 'RIG.READY': { target: 'polling', actions: 'recordReady' } },
        },
        polling: {
          initial: 'waiting',
          entry: enqueueActions(({ context, enqueue }) => {
            if (context.recover_owed) enqueue('recoverNow');
          }),
          on: {
            'RIG.READING': { actions: 'takeReading' },
            'RIG.REPAIR_PRESSED': { actions: 'forwardRepairPress' },
            'RIG.MOD_STATUS': { actions: 'recordModStatus' },
            RECOVER_CAR: { actions: 'recoverNow' },
          },
          states: {
            waiting: { after: { poll: 'asking' } },
            asking: {
              entry: 'askForReading',
              // The adapter answers each POLL with a reading (or fails the link); poll again after it.
              on: { 'RIG.READING': { target: 'waiting', actions: 'takeReading' } },
            },
          },
        },
      },
    },
  },
});

export type LinkMachine = typeof linkMachine;

/** The status a screen shows for a link snapshot value. */
export function linkStatusOf(value: unknown): LinkStatus {
  if (value === 'disconnected') return 'disconnected';
  const online = (value as { online?: unknown }).online;
  if (online === 'connecting') return 'connecting';
  if (online === 'handshaking') return 'handshaking';
  return 'connected';
}
