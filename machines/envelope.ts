/**
 * The one shape every input takes on its way into the floor: kiosk and staff commands, HTTP
 * calls, the simulator link, the earlier event's mod, the drop folder, timers and (later)
 * replays. `type` and `payload` say what happened; `source`, `request_id`, `correlation_id` and
 * `at` say where it came from, which request made it (side effects are keyed by it) and which
 * chain of requests it belongs to. The journal records envelopes as they are, and a replay
 * script is a list of them.
 */
import { z } from 'zod';
import { EventSource, Id, IsoDateTime, Locale } from './schemas.js';

/** Telemetry is any accepted shape; it is validated where it is analysed (actors/damage). */
const Telemetry = z.custom<unknown>((t) => t !== undefined && t !== null, 'telemetry is required');

const LiveTelemetry = z.object({
  telemetry: Telemetry,
  /** The simulator's word for the car (the link knows it from GetCurrentVehicles). */
  simulator_model: Id.nullable().optional(),
  total_damage: z.number(),
  received_at: IsoDateTime,
});

const Nothing = z.object({});

/** Where, by whom, for which request: the same for every kind of input. */
const Meta = {
  station_id: Id,
  source: EventSource,
  request_id: Id,
  correlation_id: Id,
  at: IsoDateTime,
};

function input<const T extends string, P extends z.ZodObject>(type: T, payload: P) {
  return z.object({ type: z.literal(type), payload, ...Meta });
}

export const Envelope = z.discriminatedUnion('type', [
  input('TELEMETRY_RECEIVED', LiveTelemetry),
  input('CRASH_DETECTED', LiveTelemetry),
  input(
    'CRASH_REPORTED',
    z.object({
      telemetry: Telemetry,
      /** Asked for explicitly; wins over what the telemetry names and the station's model. */
      vehicle_model: Id.nullable().optional(),
    }),
  ),
  input('REPAIR_REQUESTED', Nothing),
  input('MANUAL_DAMAGE_ENTERED', z.object({ telemetry: Telemetry })),
  input('SIMULATE_CRASH', z.object({ sample: z.string().max(128).optional() })),
  input('RETRY', Nothing),
  input('CONTINUE', Nothing),
  input('BACK', Nothing),
  input('DEALER_CHOSEN', z.object({ dealer_id: Id })),
  input('CHANGE_DEALER', Nothing),
  input('SLOT_CHOSEN', z.object({ slot_start: IsoDateTime })),
  input('BOOKING_REQUESTED', z.object({ estimate_id: Id, dealer_id: Id, slot_start: IsoDateTime })),
  input('NEXT_DRIVER', Nothing),
  input('SET_LOCALE', z.object({ locale: Locale })),
  input('STAFF_RESET', Nothing),
]);
export type Envelope = z.infer<typeof Envelope>;

export type InputType = Envelope['type'];

/** The payload of one kind of input. */
export type PayloadOf<T extends InputType> = Extract<Envelope, { type: T }>['payload'];

/** An input before the intake has stamped it: what an edge (a route, a socket, the link) knows. */
export type Input = {
  [T in InputType]: { type: T; payload: PayloadOf<T> };
}[InputType];

/** What an edge says about where an input came from; the intake fills in what it leaves out. */
export interface InputOrigin {
  source: EventSource;
  /** The caller's idempotency key, when it gave one; otherwise the intake makes one. */
  request_id?: string;
  /** The request chain (an HTTP X-Request-Id, a socket message); defaults to the request id. */
  correlation_id?: string;
}

/**
 * One line of a session's journal: the input (or the machine's own event: a timer, an invoked
 * actor's answer) that moved it, and the state it led to. Written with the session's persisted
 * snapshot in one transaction.
 */
export const JournalEntry = z.object({
  seq: z.number().int().positive(),
  at: IsoDateTime,
  station_id: Id,
  session_id: Id,
  type: z.string(),
  /** The input's payload; null for the machine's own events (their effect is in the snapshot). */
  payload: z.unknown(),
  /** An input's source, or `timer` / `actor` for the machine's own events. */
  source: z.string().nullable(),
  request_id: z.string().nullable(),
  correlation_id: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string(),
});
export type JournalEntry = z.infer<typeof JournalEntry>;
