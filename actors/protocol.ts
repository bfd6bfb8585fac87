/**
 * What the server and the screens say to each other: the session view the server sends
 * (over `GET /api/sessions/{id}` and the station WebSocket) and the commands a kiosk may send.
 * Screens render only from SessionView; they hold no business state of their own.
 */
import { z } from 'zod';
import type { Input } from '../machines/envelope.js';
import {
  Appointment,
  DamageReport,
  DealerHit,
  Id,
  Invoice,
  LiveDamage,
  Locale,
  Money,
  PartsPlan,
  RepairEstimate,
  SessionError,
  Slot,
} from '../machines/schemas.js';

export const TopLevelState = z.enum(['Waiting', 'Crashed', 'Estimated', 'DealerChosen', 'Booked']);
export type TopLevelState = z.infer<typeof TopLevelState>;

/** The station's link to its simulator rig, as the kiosk badge and the staff views show it. */
export const RigStatus = z.object({
  station_id: Id,
  status: z.enum(['disconnected', 'connecting', 'handshaking', 'connected']),
  /** host:port of the simulator. */
  address: z.string(),
  /** True when this is the simulated rig the server runs (no BeamNG configured). */
  simulated: z.boolean(),
  vehicle: z
    .object({
      model: z.string(),
      name: z.string().nullable(),
      vehicle_model: z.string().nullable(),
    })
    .nullable(),
  last_telemetry_at: z.iso.datetime({ offset: true }).nullable(),
  last_error: SessionError.nullable(),
  connected_at: z.iso.datetime({ offset: true }).nullable(),
  /** Failed connection attempts in a row (0 while connected). */
  attempt: z.number().int().nonnegative(),
  /** The in-game mod ("Repair My Car"): not asked yet, answering, not installed (the game said
   *  the request was not handled), or at fault (another error; `mod_error` says which). */
  mod: z.enum(['unknown', 'installed', 'missing', 'fault']),
  mod_error: z.string().nullable(),
});
export type RigStatus = z.infer<typeof RigStatus>;

/** Everything a screen needs to draw one station's session. */
export const SessionView = z.object({
  station_id: Id,
  station_name: z.string(),
  session_id: Id,
  /** Top-level state name. */
  state: TopLevelState,
  /** Full state path, e.g. "Estimated.reviewingEstimate": which screen and sub-step to show. */
  step: z.string(),
  /** Event types the session accepts right now: screens enable only these buttons. */
  can: z.array(z.string()),
  vehicle_model: Id,
  vehicle_name: z.string(),
  market: Id,
  locale: Locale,
  damage_id: Id.nullable(),
  estimate_id: Id.nullable(),
  dealer_id: Id.nullable(),
  appointment_id: Id.nullable(),
  has_telemetry: z.boolean(),
  live_damage: LiveDamage.nullable(),
  damage: DamageReport.nullable(),
  estimate: RepairEstimate.nullable(),
  dealers: z.array(DealerHit),
  dealer: DealerHit.nullable(),
  /** The estimate as the chosen dealer prices it (its state's taxes, its labour rates). */
  dealer_estimate: RepairEstimate.nullable(),
  /** How the parts get to the chosen dealer ("checking stock…" until it is made). */
  parts_plan: PartsPlan.nullable(),
  /** Where the station stands: the map's "you are here". */
  venue: z.object({ lat: z.number(), lon: z.number() }),
  slots: z.array(Slot),
  appointment: Appointment.nullable(),
  invoice: Invoice.nullable(),
  error: SessionError.nullable(),
  /** The station's simulator link; null when the station has none (telemetry arrives by API only). */
  rig: RigStatus.nullable(),
  started_at: z.iso.datetime({ offset: true }),
  updated_at: z.iso.datetime({ offset: true }),
});
export type SessionView = z.infer<typeof SessionView>;

/** Server → screen. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session'), state: TopLevelState, session: SessionView }),
  z.object({ type: z.literal('error'), error: SessionError }),
  /** Sent first on every socket: whether the browser holds the staff cookie (the kiosk's staff
   *  area shows only then; staff commands from other browsers are refused). */
  z.object({ type: z.literal('viewer'), staff: z.boolean() }),
  /** Sent every `every_ms` on an idle socket: a screen that hears nothing for a few of them
   *  knows the link is dead (a pulled cable closes nothing) and reconnects. */
  z.object({
    type: z.literal('heartbeat'),
    at: z.iso.datetime({ offset: true }),
    every_ms: z.number().int().positive(),
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Screen → server: every command a kiosk can send. Parsed before it reaches an actor. */
export const ClientCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('REPAIR_REQUESTED') }),
  z.object({ type: z.literal('SIMULATE_CRASH'), sample: z.string().optional() }),
  z.object({ type: z.literal('CONTINUE') }),
  z.object({ type: z.literal('BACK') }),
  z.object({ type: z.literal('RETRY') }),
  z.object({ type: z.literal('DEALER_CHOSEN'), dealer_id: Id }),
  z.object({ type: z.literal('CHANGE_DEALER') }),
  z.object({ type: z.literal('SLOT_CHOSEN'), slot_start: z.iso.datetime({ offset: true }) }),
  z.object({ type: z.literal('NEXT_DRIVER') }),
  z.object({ type: z.literal('SET_LOCALE'), locale: Locale }),
  z.object({ type: z.literal('STAFF_RESET') }),
]);
export type ClientCommand = z.infer<typeof ClientCommand>;

/**
 * A kiosk or staff command as the floor's intake takes it: its type and the rest as payload.
 * Every command is an input of the same name with the same fields (machines/envelope.ts);
 * test/actors/protocol.test.ts checks each one parses as an Envelope.
 */
export function commandInput(command: ClientCommand): Input {
  const { type, ...payload } = command;
  return { type, payload } as Input;
}

/**
 * One station at a glance, as the staff floor view (`/staff`) draws it: sent over `/ws/floor`
 * (adapters/http/floor-socket.ts), built there from the station's SessionView. `since` is when
 * the session entered its current step, which the view itself does not carry: the socket
 * derives it from the views it sees change.
 */
export const StationSummary = z.object({
  station_id: Id,
  station_name: z.string(),
  session_id: Id,
  state: TopLevelState,
  /** Full state path, as in SessionView. */
  step: z.string(),
  /** When the session entered `step`. */
  since: z.iso.datetime({ offset: true }),
  /** When the session began. */
  started_at: z.iso.datetime({ offset: true }),
  /** Event types the session accepts now (SessionView.can): which staff buttons work. */
  can: z.array(z.string()),
  vehicle_model: Id,
  vehicle_name: z.string(),
  rig: RigStatus.nullable(),
  /** The damage report's overall severity 0..1, once there is one. */
  severity: z.number().min(0).max(1).nullable(),
  estimate_total: z.object({ amount: Money, currency: z.string() }).nullable(),
  dealer_name: z.string().nullable(),
  error: SessionError.nullable(),
  /** In one step longer than the floor's stuck_after_ms (never while Waiting.driving). */
  stuck: z.boolean(),
  /** Driven by a replay script (a rehearsal), when the server knows it. */
  rehearsal: z.boolean().optional(),
});
export type StationSummary = z.infer<typeof StationSummary>;

/** Server → staff floor view, over `/ws/floor`. */
export const FloorMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('floor'),
    stations: z.array(StationSummary),
    /** The server's clock when it sent this (screens measure time in a step against it). */
    at: z.iso.datetime({ offset: true }),
    stuck_after_ms: z.number().int().positive(),
  }),
  /** As on the station socket: a screen that hears nothing for a few of them reconnects. */
  z.object({
    type: z.literal('heartbeat'),
    at: z.iso.datetime({ offset: true }),
    every_ms: z.number().int().positive(),
  }),
]);
export type FloorMessage = z.infer<typeof FloorMessage>;
