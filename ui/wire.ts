/**
 * The browser's reading of what the server sends, in `zod/mini` so the kiosk bundle does not
 * carry the full zod (the server's schemas in actors/protocol.ts stay the source of truth).
 * It checks what the screens route on: the message envelope, the session's top-level fields,
 * its rig link and error. The domain objects inside (damage, estimate, dealers, slots,
 * appointment, invoice) are checked to be objects (the invoice: with its list of fiscal
 * documents) and typed from the server's schemas: the server built them from those schemas
 * and both sides compile against them, so re-checking every field here would only duplicate
 * machines/schemas.ts. test/ui/wire.test.ts parses server-shaped messages with both schemas so
 * the two cannot drift apart unnoticed.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import type * as server from '../actors/protocol.js';

// zod/mini ships no messages ("Invalid input"); the toast and the picker show the first issue's
// message as the full zod words it (1.3 KB gzip).
z.config(en());

export const TopLevelState = z.enum(['Waiting', 'Crashed', 'Estimated', 'DealerChosen', 'Booked']);
export const Locale = z.enum(['pt-BR', 'en']);
const SessionError = z.object({ code: z.string(), message: z.string() });

type Session = server.SessionView;

/** An object built from the server's schema `T`; see the file comment for why only this. */
function serverObject<T extends object>() {
  return z.custom<T>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  );
}

/**
 * The invoice: a server object whose `documents` are a non-empty list of objects, since the
 * confirmation lists them one by one (an invoice from before the documents, with its lines at
 * the top, would otherwise break the screen rather than be refused as a bad message).
 */
const InvoiceView = z.custom<NonNullable<Session['invoice']>>((value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const documents = (value as { documents?: unknown }).documents;
  return (
    Array.isArray(documents) &&
    documents.length > 0 &&
    documents.every((d) => typeof d === 'object' && d !== null && !Array.isArray(d))
  );
});

// Ids and timestamps are plain strings here: their format is the server schema's business; the
// screens only display them.
export const RigStatus = z.object({
  station_id: z.string(),
  status: z.enum(['disconnected', 'connecting', 'handshaking', 'connected']),
  address: z.string(),
  simulated: z.boolean(),
  vehicle: z.nullable(
    z.object({
      model: z.string(),
      name: z.nullable(z.string()),
      vehicle_model: z.nullable(z.string()),
    }),
  ),
  last_telemetry_at: z.nullable(z.string()),
  last_error: z.nullable(SessionError),
  connected_at: z.nullable(z.string()),
  attempt: z.number(),
  // A server from before the mod status was reported sends neither.
  mod: z._default(z.enum(['unknown', 'installed', 'missing', 'fault']), 'unknown'),
  mod_error: z._default(z.nullable(z.string()), null),
}) satisfies z.ZodMiniType<server.RigStatus>;

export const SessionView = z.object({
  station_id: z.string(),
  station_name: z.string(),
  session_id: z.string(),
  state: TopLevelState,
  step: z.string(),
  can: z.array(z.string()),
  vehicle_model: z.string(),
  vehicle_name: z.string(),
  market: z.string(),
  locale: Locale,
  damage_id: z.nullable(z.string()),
  estimate_id: z.nullable(z.string()),
  dealer_id: z.nullable(z.string()),
  appointment_id: z.nullable(z.string()),
  has_telemetry: z.boolean(),
  live_damage: z.nullable(serverObject<NonNullable<Session['live_damage']>>()),
  damage: z.nullable(serverObject<NonNullable<Session['damage']>>()),
  estimate: z.nullable(serverObject<NonNullable<Session['estimate']>>()),
  dealers: z.array(serverObject<Session['dealers'][number]>()),
  dealer: z.nullable(serverObject<NonNullable<Session['dealer']>>()),
  dealer_estimate: z.nullable(serverObject<NonNullable<Session['dealer_estimate']>>()),
  parts_plan: z.nullable(serverObject<NonNullable<Session['parts_plan']>>()),
  venue: z.object({ lat: z.number(), lon: z.number() }),
  slots: z.array(serverObject<Session['slots'][number]>()),
  appointment: z.nullable(serverObject<NonNullable<Session['appointment']>>()),
  invoice: z.nullable(InvoiceView),
  error: z.nullable(SessionError),
  rig: z.nullable(RigStatus),
  started_at: z.string(),
  updated_at: z.string(),
});

/** Server → screen, as the WebSocket delivers it. */
export const ServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session'), state: TopLevelState, session: SessionView }),
  z.object({ type: z.literal('error'), error: SessionError }),
  z.object({ type: z.literal('viewer'), staff: z.boolean() }),
  z.object({ type: z.literal('heartbeat'), at: z.string(), every_ms: z.number() }),
]) satisfies z.ZodMiniType<server.ServerMessage>;

/**
 * `GET /api/map?lat=&lon=`: the base map around the venue (server: MapRegion in
 * actors/dealers/map-region.ts). Checked to the point lists the map draws, since a bad point
 * would only show as a shape across the screen.
 */
export const MapRegion = z.object({
  id: z.string(),
  name: z.string(),
  approximate: z.literal(true),
  bounds: z.object({ south: z.number(), west: z.number(), north: z.number(), east: z.number() }),
  features: z.array(
    z.object({
      kind: z.enum(['sea', 'water', 'land', 'river', 'highway', 'place']),
      name: z.string(),
      points: z.array(z.tuple([z.number(), z.number()])),
    }),
  ),
});
export type MapRegion = z.infer<typeof MapRegion>;

/** What the station picker needs from `GET /api/stations`; other fields are ignored. */
export const StationList = z.object({
  stations: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string(),
      session_id: z.nullish(z.string()),
      // Any string: a state this bundle does not know yet is shown as it is.
      state: z.nullish(z.string()),
      step: z.nullish(z.string()),
      rig: z.nullish(RigStatus),
      vehicle_model: z.nullish(z.string()),
      vehicle_name: z.nullish(z.string()),
      locale: z.nullish(Locale),
    }),
  ),
});
export type Station = z.infer<typeof StationList>['stations'][number];

/** One station on the staff floor view (server: StationSummary in actors/protocol.ts). */
export const StationSummary = z.object({
  station_id: z.string(),
  station_name: z.string(),
  session_id: z.string(),
  state: TopLevelState,
  step: z.string(),
  since: z.string(),
  started_at: z.string(),
  can: z.array(z.string()),
  vehicle_model: z.string(),
  vehicle_name: z.string(),
  rig: z.nullable(RigStatus),
  severity: z.nullable(z.number()),
  estimate_total: z.nullable(z.object({ amount: z.string(), currency: z.string() })),
  dealer_name: z.nullable(z.string()),
  error: z.nullable(SessionError),
  stuck: z.boolean(),
  rehearsal: z.optional(z.boolean()),
}) satisfies z.ZodMiniType<server.StationSummary>;
export type StationSummary = z.infer<typeof StationSummary>;

/** Server → staff floor view, as `/ws/floor` delivers it. */
export const FloorMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('floor'),
    stations: z.array(StationSummary),
    at: z.string(),
    stuck_after_ms: z.number(),
  }),
  z.object({ type: z.literal('heartbeat'), at: z.string(), every_ms: z.number() }),
]) satisfies z.ZodMiniType<server.FloorMessage>;
export type FloorMessage = z.infer<typeof FloorMessage>;

/** `GET /api/audit` (server: AuditEntry in actors/audit.ts). */
export const AuditEntry = z.object({
  seq: z.number(),
  at: z.string(),
  who: z.string(),
  action: z.string(),
  station_id: z.nullable(z.string()),
  session_id: z.nullable(z.string()),
  result: z.string(),
  details: z.record(z.string(), z.unknown()),
  correlation_id: z.nullable(z.string()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditList = z.object({ entries: z.array(AuditEntry) });

/** A replay as `GET /api/replays` lists it (server: ReplayProgress in actors/replay/runner.ts). */
export const ReplayRun = z.looseObject({
  replay_id: z.string(),
  script: z.string(),
  title: z.string(),
  stations: z.array(z.string()),
  status: z.enum(['running', 'done', 'failed', 'stopped']),
  step: z.number(),
  of: z.number(),
});
export type ReplayRun = z.infer<typeof ReplayRun>;

/** `GET /api/replays`: the shipped scripts and the replays started, newest first. */
export const ReplayList = z.looseObject({
  scripts: z.array(z.looseObject({ name: z.string(), title: z.string() })),
  replays: z.array(ReplayRun),
});
