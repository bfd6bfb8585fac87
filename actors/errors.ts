/**
 * The error codes a person (or a client) can act on, as one union: the HTTP status table is keyed
 * by it (adapters/http/errors.ts), so a new code without a status, or two spellings of one error,
 * do not compile.
 */
export const ERROR_CODES = [
  // The request itself is malformed.
  'invalid_body',
  'invalid_query',
  'invalid_json',
  'payload_too_large',
  'station_required',
  // Staff only: no staff token, or a wrong one.
  'unauthorized',
  // Well-formed, but cannot be processed.
  'telemetry_invalid',
  'telemetry_empty',
  'telemetry_too_large',
  'unknown_vehicle_model',
  'vehicle_model_required',
  'unknown_market',
  'slot_not_offered',
  'estimate_mismatch',
  'dealer_not_offered',
  // A CEP or place name the offline table does not know.
  'unknown_place',
  // A replay script that does not validate, or cannot run on this floor.
  'script_invalid',
  // Something named does not exist.
  'not_found',
  'station_not_found',
  'session_not_found',
  'damage_not_found',
  'estimate_not_found',
  'dealer_not_found',
  'appointment_not_found',
  'invoice_not_found',
  'sample_not_found',
  'script_not_found',
  'replay_not_found',
  'no_map',
  // The session cannot take it now.
  'not_accepted',
  'no_telemetry',
  'no_crash',
  'slot_taken',
  'stock_changed',
  'appointment_cancelled',
  'session_ended',
  // A station a replay wants is being driven by another replay.
  'replay_running',
  // The server's side.
  'timeout',
  'internal_error',
  'not_provided',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN = new Set<string>(ERROR_CODES);

/** True when `code` is one of ours (and so has an HTTP status). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}

/** A refusal a person can act on: a stable code, a message, and what exactly was wrong. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
