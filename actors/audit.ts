/**
 * The audit log: every staff action — reset, retry, manual damage, next driver, a replay
 * started or stopped, a crash simulated — with who, when, what, station, session and result.
 * Written by the staff routes (adapters/http), read by `GET /api/audit` and the console.
 */
import { z } from 'zod';
import { Id, IsoDateTime } from '../machines/schemas.js';

export const AuditAction = z.enum([
  'reset',
  'retry',
  'manual_damage',
  'next_driver',
  'simulate_crash',
  'command',
  'replay_start',
  'replay_stop',
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  at: IsoDateTime,
  /** The operator's name the console sent, else "staff". */
  who: z.string(),
  action: AuditAction,
  station_id: Id.nullable(),
  session_id: Id.nullable(),
  /** `ok`, or the error code it was refused with. */
  result: z.string(),
  /** What the action carried (a command's type, a replay's script and id…). */
  details: z.record(z.string(), z.unknown()),
  correlation_id: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.object({
  station: Id.optional(),
  limit: z.number().int().min(1).max(1000),
  /** Entries older than this sequence number (the `seq` of the last one of the page before). */
  before: z.number().int().positive().optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
