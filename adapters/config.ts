/**
 * Runtime settings from the environment, validated: a bad value stops start-up with a message
 * naming the variable. Every setting is listed in the README.
 */
import { z } from 'zod';
import { LOG_LEVELS } from './log.js';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  STATIONS: z.coerce.number().int().min(1).max(200).default(3),
  /** Vehicle models of the stations in turn, e.g. "tcross,golf" → 1 T-Cross, 2 Golf, 3 T-Cross. */
  STATION_MODELS: z.string().default('tcross,golf'),
  MARKET: z.string().default('BR-SP'),
  /** The venue: where the kiosk's dealer search starts (default São Paulo Expo). */
  EVENT_LAT: z.coerce.number().min(-90).max(90).default(-23.6467),
  EVENT_LON: z.coerce.number().min(-180).max(180).default(-46.6238),
  /** How phones on the event network reach this server: the invoice QR code opens
   *  PUBLIC_BASE_URL/api/invoice/{appointment}. Unset: http://HOST:PORT (fine on the server
   *  itself; set the server's LAN address for phones, e.g. http://192.168.0.10:8080). */
  PUBLIC_BASE_URL: z.url().optional(),
  /** Seeds every dealer's simulated stock: the same seed, the same shelves (rehearsals see
   *  what the show will see). */
  INVENTORY_SEED: z.string().min(1).default('vw-brand-day-2026'),
  IDLE_TIMEOUT_S: z.coerce.number().positive().default(180),
  CONFIRMATION_TIMEOUT_S: z.coerce.number().positive().default(60),
  DATA_DIR: z.string().optional(),
  /** Runtime state (the SQLite database); ":memory:" keeps it in memory (tests, throwaway demos). */
  STATE_DIR: z.string().min(1).default('var'),
  /** Analysis-only reports (no session) older than this are pruned at start-up. */
  RETAIN_DAYS: z.coerce.number().positive().default(30),
  /** host:port of the BeamNG.tech that station 1 links to (started with -tcom -tport <port>). */
  BEAMNG_ADDR: z.string().optional(),
  /** host:port per station, comma-separated in station order; an empty entry means a simulated rig. */
  BEAMNG_ADDRS: z.string().optional(),
  /** Protocol version sent in Hello; newer BeamNG.tech builds may expect a later one. */
  BEAMNG_PROTOCOL: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v1.23'),
  BEAMNG_POLL_MS: z.coerce.number().int().min(20).max(10_000).default(250),
  /** TCP connect + Hello on the game socket and on a vehicle socket (a car accepts every 60 frames). */
  BEAMNG_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1000).default(10_000),
  /** Blocking game requests (GetCurrentVehicles, StartVehicleConnection) and Recover. */
  BEAMNG_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(10_000),
  /** Sensor reads (a timeout drops the link) and the mod's press poll (a late answer still counts). */
  BEAMNG_SENSOR_TIMEOUT_MS: z.coerce.number().int().min(1000).default(2000),
  /** Connect + Hello attempts on the vehicle socket before the link fails and reconnects. */
  BEAMNG_VEHICLE_CONNECT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  /** Wait between those attempts. */
  BEAMNG_VEHICLE_RETRY_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  /** After the in-game mod was missing, faulty or silent, ask it again after this long. */
  BEAMNG_MOD_RETRY_MS: z.coerce.number().int().min(1000).default(30_000),
  BEAMNG_BACKOFF_MS: z.coerce.number().int().min(10).default(250),
  BEAMNG_BACKOFF_MAX_MS: z.coerce.number().int().min(10).default(4000),
  /** Rise in BeamNG's damage total that counts as a crash. */
  CRASH_THRESHOLD: z.coerce.number().positive().default(500),
  /** A crash is a rise past CRASH_THRESHOLD within this many ms; slower rises (scrapes) are not. */
  CRASH_WINDOW_MS: z.coerce.number().int().min(100).default(3000),
  /** How the server's simulated rigs behave, e.g. "fps=20,unnamedVehicles,modInstalled=false"
   *  (the options of adapters/beamng/sim-rig-options.ts); empty: answers at once. */
  SIM_RIG_OPTIONS: z.string().default(''),
  /** Ask for the repair by itself once a crashed car has stood still this long (off when unset). */
  AUTO_REPAIR_STILL_S: z.coerce.number().positive().optional(),
  /** Stations without a BeamNG address get a simulated rig (set to "false" for API-only stations). */
  SIMULATED_RIGS: z.stringbool().default(true),
  /** A folder with one sub-folder per station (DROP_DIR/1, DROP_DIR/2, …) watched for exported damage reports (JSON or CSV). */
  DROP_DIR: z.string().optional(),
  DROP_POLL_MS: z.coerce.number().int().min(50).default(1000),
  /** How often an idle screen socket hears from the server; a screen reconnects after 3 missed. */
  WS_HEARTBEAT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Playback speed of the simulated rigs' recorded drives. */
  SIM_RIG_SPEED: z.coerce.number().positive().max(100).default(3),
  /** The staff token (console, staff routes); when unset, one is made at start and printed once. */
  STAFF_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  /** A session this long in one step shows as stuck on the staff console. */
  STUCK_AFTER_S: z.coerce.number().positive().default(300),
  /** Stately's inspector (ws:// URL) to stream XState's inspection events to; off when unset. */
  INSPECT_URL: z.string().url().optional(),
  /** Log level: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});
export type RuntimeConfig = z.infer<typeof Env>;

export class ConfigError extends Error {}

/** Reads the settings from `env` (process.env by default); throws ConfigError naming the variable. */
export function readConfig(env: Record<string, string | undefined> = process.env): RuntimeConfig {
  const parsed = Env.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
