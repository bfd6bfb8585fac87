/**
 * One simulator rig on the floor. It holds exactly one live attendee session and starts a fresh
 * one (in Waiting) when the session marks itself ended — confirmation shown, attendee walked
 * away — or when staff reset the station. Each fresh session starts with the car recovered in
 * the simulator. Inputs reach it only through the floor's intake (actors/floor.ts).
 */
import { assign, enqueueActions, forwardTo, setup } from 'xstate';
import { linkSystemId, sessionIdOf } from './ids.js';
import type { EventSource } from './schemas.js';
import {
  sessionMachine,
  type GeoPoint,
  type SessionEnd,
  type SessionEvent,
  type SessionTimeouts,
} from './session.js';

export interface StationInput {
  station_id: string;
  name: string;
  vehicle_model: string;
  market: string;
  location: GeoPoint;
  timeouts: SessionTimeouts;
  /** Makes session ids unique across server runs (e.g. the boot time in base 36). */
  id_base: string;
}

export interface StationContext extends StationInput {
  session_seq: number;
  session_id: string;
  sessions_completed: number;
  sessions_abandoned: number;
  sessions_reset: number;
}

/** The events a station passes on to its session. Listed, not a wildcard: a wildcard would also
 *  forward the session's own snapshot events back to it, forever. */
export const SESSION_EVENT_TYPES = [
  'TELEMETRY_RECEIVED',
  'CRASH_DETECTED',
  'CRASH_REPORTED',
  'REPAIR_REQUESTED',
  'MANUAL_DAMAGE_ENTERED',
  'RETRY',
  'CONTINUE',
  'BACK',
  'DEALER_CHOSEN',
  'CHANGE_DEALER',
  'SLOT_CHOSEN',
  'BOOKING_REQUESTED',
  'NEXT_DRIVER',
  'SET_LOCALE',
] as const satisfies readonly SessionEvent['type'][];

export type StationEvent =
  | SessionEvent
  | { type: 'STAFF_RESET'; source?: EventSource; correlation_id?: string; request_id?: string };

export const stationMachine = setup({
  types: {
    context: {} as StationContext,
    events: {} as StationEvent,
    input: {} as StationInput,
  },
  actors: { session: sessionMachine },
  actions: {
    nextSessionId: assign(({ context }) => ({
      session_seq: context.session_seq + 1,
      session_id: sessionIdOf(context.station_id, context.id_base, context.session_seq + 1),
    })),
    countEnded: assign(({ context }, params: { ended: SessionEnd | null }) =>
      params.ended === 'completed'
        ? { sessions_completed: context.sessions_completed + 1 }
        : { sessions_abandoned: context.sessions_abandoned + 1 },
    ),
    countReset: assign(({ context }) => ({ sessions_reset: context.sessions_reset + 1 })),
    /** A fresh session gets a fresh car: ask the station's simulator link (if any) to recover it. */
    recoverCar: enqueueActions(({ context, enqueue, system }) => {
      const link = system.get(linkSystemId(context.station_id));
      if (link) enqueue.sendTo(link, { type: 'RECOVER_CAR' });
    }),
  },
}).createMachine({
  id: 'station',
  context: ({ input }) => ({
    ...input,
    session_seq: 0,
    session_id: '',
    sessions_completed: 0,
    sessions_abandoned: 0,
    sessions_reset: 0,
  }),
  initial: 'running',
  states: {
    running: {
      entry: ['nextSessionId', 'recoverCar'],
      invoke: {
        id: 'session',
        src: 'session',
        input: ({ context }) => ({
          station_id: context.station_id,
          session_id: context.session_id,
          vehicle_model: context.vehicle_model,
          market: context.market,
          location: context.location,
          timeouts: context.timeouts,
        }),
        // The session marks itself ended (confirmation over, attendee gone): start a fresh one.
        onSnapshot: {
          guard: ({ event }) => event.snapshot.context.ended !== null,
          target: 'running',
          reenter: true,
          actions: {
            type: 'countEnded',
            params: ({ event }) => ({ ended: event.snapshot.context.ended }),
          },
        },
      },
      on: {
        STAFF_RESET: { target: 'running', reenter: true, actions: 'countReset' },
        ...Object.fromEntries(
          SESSION_EVENT_TYPES.map((type) => [type, { actions: forwardTo('session') }]),
        ),
      },
    },
  },
});

export type StationMachine = typeof stationMachine;
