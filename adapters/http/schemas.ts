/**
 * The HTTP API's answers, as zod schemas: what each route sends beyond the shapes the session
 * already carries. Built from those shapes (actors/protocol.ts, machines/schemas.ts, the catalog)
 * rather than redeclared, so a field renamed there is renamed here; the OpenAPI document and the
 * handlers' `c.json` types both come from these.
 */
import { z } from 'zod';
import { AuditEntry } from '../../actors/audit.js';
import { SessionOutcome, SessionSummary } from '../../actors/history.js';
import { StoreStatus } from '../../actors/ports.js';
import { JournalEntry } from '../../machines/envelope.js';
import { SessionView, RigStatus } from '../../actors/protocol.js';
import { Vehicle } from '../../actors/catalog/schemas.js';
import { DamageReport, Id, IsoDateTime } from '../../machines/schemas.js';
import type { ErrorBody } from './errors.js';

/** Every refusal: `{error:{code, message, details?}}`, the code deciding the status. */
export const ErrorResponse = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string().min(1),
    details: z
      .unknown()
      .optional()
      .describe('What exactly was wrong: `[{path, message}]` for a body or query that failed'),
  }),
}) satisfies z.ZodType<ErrorBody>;

export const Health = z.object({
  status: z.literal('ok'),
  uptime_s: z.number().int().nonnegative(),
  stations: z.number().int().nonnegative(),
  store: StoreStatus,
});

/** One model of the catalog, as `GET /api/vehicles` lists it. */
export const VehicleSummary = z.object({
  ...Vehicle.pick({ id: true, name: true, variant: true, year: true }).shape,
  /** How many assemblies and components the catalog has for it. */
  assemblies: z.number().int().nonnegative(),
  components: z.number().int().nonnegative(),
});
export const VehicleList = z.object({ vehicles: z.array(VehicleSummary) });

/** A station and where its session is, for the picker and staff. */
export const StationSummary = z.object({
  id: Id,
  name: SessionView.shape.station_name,
  ...SessionView.pick({
    session_id: true,
    state: true,
    step: true,
    vehicle_model: true,
    vehicle_name: true,
    rig: true,
  }).shape,
  /** The kiosk page of the station, relative to the server. */
  kiosk_url: z.string(),
});
export const StationList = z.object({ stations: z.array(StationSummary) });

export const StationAnswer = z.object({ session: SessionView });

/** A crash analysed on a station: the ids and report its session holds once it has it. */
export const StationAnalysis = z.object({
  damage_id: SessionView.shape.damage_id,
  session_id: SessionView.shape.session_id,
  report: SessionView.shape.damage,
});

/** A crash analysed without a station: stored under the request id, no session moved. */
export const StatelessAnalysis = z.object({ damage_id: Id, report: DamageReport });

export const DamageAnalysis = z.union([StationAnalysis, StatelessAnalysis]);

/** `POST /stations/{id}/repair`: the analysis and the session view it led to. */
export const RepairAnswer = z.object({
  ...StationAnalysis.shape,
  state: SessionView.shape.state,
  session: SessionView,
});

export const CommandAnswer = z.object({ accepted: z.literal(true), session: SessionView });

/** A recorded crash staff can replay; the telemetry itself is not listed. */
export const TelemetrySample = z.object({
  id: z.string(),
  vehicle_model: Id,
  title_pt: z.string(),
  title_en: z.string(),
});
export const TelemetrySampleList = z.object({ samples: z.array(TelemetrySample) });

export const BeamngStatus = z.object({
  /** Stations with a simulator link, and its state. */
  stations: z.array(RigStatus),
  stations_without_simulator: z.array(Id),
});

/** The legacy crash-event was taken: the station holds the crash, waiting for a repair press. */
export const CrashEventAccepted = z.object({
  accepted: z.literal(true),
  ...SessionView.pick({ station_id: true, session_id: true, state: true, step: true }).shape,
});

/** The legacy crash-event arrived while the station was busy: logged by the mod, not applied. */
export const CrashEventBusy = z.object({
  accepted: z.literal(false),
  reason: z.string(),
  ...SessionView.pick({ station_id: true, session_id: true, state: true }).partial().shape,
});
export type CrashEventBusy = z.infer<typeof CrashEventBusy>;

/** An event type this build does not act on (e.g. vehicle_reset). */
export const CrashEventIgnored = z.object({
  accepted: z.literal(false),
  reason: z.string(),
  event_type: z.string().nullable(),
});

export const CrashEventAnswer = z.union([CrashEventAccepted, CrashEventBusy, CrashEventIgnored]);

/** `GET /api/sessions/{id}/journal`. */
export const JournalAnswer = z.object({ events: z.array(JournalEntry) });

/** `GET /api/sessions`: what the history is filtered by, and how it is paged. */
export const HistoryParams = z.object({
  from: IsoDateTime.optional().describe('Sessions that ended at or after this time'),
  to: IsoDateTime.optional().describe('Sessions that ended before this time'),
  station: Id.optional().describe('Only this station'),
  outcome: SessionOutcome.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50).describe('Sessions per page'),
  cursor: z.string().max(512).optional().describe('The `next_cursor` of the page before'),
  format: z
    .enum(['json', 'csv'])
    .optional()
    .describe('csv: the same page as CSV with a header row (as does `Accept: text/csv`)'),
});

/** `GET /api/sessions`: finished, abandoned and reset sessions, newest first. */
export const HistoryAnswer = z.object({
  sessions: z.array(SessionSummary),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next, older page'),
});

/** `GET /api/audit`. */
export const AuditParams = z.object({
  station: Id.optional().describe('Only this station'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional().describe('Entries older than this `seq`'),
});
export const AuditAnswer = z.object({ entries: z.array(AuditEntry) });
