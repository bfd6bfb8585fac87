/**
 * Runtime settings from the environment, validated: a bad value stops start-up with a message
 * naming the variable. Every setting is listed in the README.
 */
import { z } from 'zod';

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
  IDLE_TIMEOUT_S: z.coerce.number().positive().default(180),
  CONFIRMATION_TIMEOUT_S: z.coerce.number().positive().default(60),
  DATA_DIR: z.string().optional(),
});
export type RuntimeConfig = z.infer<typeof Env>;

export class ConfigError extends Error {}

/** Reads the settings from `env` (process.env by default); throws ConfigError naming the variable. */
export function readConfig(env: Record<string, string | undefined> = process.env): RuntimeConfig {
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}
