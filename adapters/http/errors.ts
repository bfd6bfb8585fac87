/**
 * One error shape for every answer: `{ error: { code, message, details? } }`. Domain refusals
 * carry a code; the code decides the HTTP status. Nothing a client sends may produce a 500.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isErrorCode, type ErrorCode } from '../../actors/errors.js';

/** What both zod's classic and core errors have: the issues with their paths. */
interface ZodLikeError {
  issues: readonly { path: readonly PropertyKey[]; message: string }[];
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** HTTP status for every error code: keyed by the ErrorCode union, so a new code without a
 *  status does not compile. 5xx codes are our fault and are logged. */
export const STATUS_BY_CODE: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_body: 400,
  invalid_query: 400,
  invalid_json: 400,
  station_required: 400,
  payload_too_large: 413,
  unauthorized: 401,
  telemetry_invalid: 422,
  telemetry_empty: 422,
  telemetry_too_large: 422,
  unknown_vehicle_model: 422,
  vehicle_model_required: 422,
  unknown_market: 422,
  slot_not_offered: 422,
  estimate_mismatch: 422,
  dealer_not_offered: 422,
  unknown_place: 422,
  script_invalid: 422,
  not_found: 404,
  station_not_found: 404,
  session_not_found: 404,
  damage_not_found: 404,
  estimate_not_found: 404,
  dealer_not_found: 404,
  appointment_not_found: 404,
  invoice_not_found: 404,
  sample_not_found: 404,
  script_not_found: 404,
  replay_not_found: 404,
  no_map: 404,
  not_accepted: 409,
  no_telemetry: 409,
  no_crash: 409,
  slot_taken: 409,
  stock_changed: 409,
  appointment_cancelled: 409,
  session_ended: 409,
  replay_running: 409,
  timeout: 504,
  internal_error: 500,
  not_provided: 500,
};

/** A thrown error with a code and status, answered as JSON by `onError`. */
export class ApiError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(STATUS_BY_CODE[code], { message });
  }
}

/** Field paths and messages of a failed zod parse. */
export function zodDetails(error: ZodLikeError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** Validation hook (OpenAPIHono defaultHook): a failed parse becomes a 400 naming the fields. */
export function validationHook(target: 'json' | 'query' | 'param') {
  return (result: { success: boolean; error?: ZodLikeError }, _c: Context) => {
    if (!result.success && result.error) {
      const code = target === 'json' ? 'invalid_body' : 'invalid_query';
      throw new ApiError(
        code,
        `The ${target === 'json' ? 'request body' : target} is not valid`,
        zodDetails(result.error),
      );
    }
  };
}

/** Maps anything thrown inside a handler to the JSON error answer. */
export function toErrorResponse(err: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (err instanceof ApiError) {
    return {
      status: err.status as ContentfulStatusCode,
      body: {
        error: {
          code: err.code,
          message: err.message,
          ...(err.details !== undefined ? { details: err.details } : {}),
        },
      },
    };
  }
  if (err instanceof HTTPException) {
    // Hono's own refusals, e.g. a malformed JSON body.
    const code = err.status === 400 ? 'invalid_json' : `http_${err.status}`;
    return {
      status: err.status as ContentfulStatusCode,
      body: { error: { code, message: err.message || 'Bad request' } },
    };
  }
  if (err instanceof Error && isErrorCode((err as { code?: unknown }).code)) {
    // DomainError, TelemetryError (issues as details), SlotTakenError: refusals with our codes.
    const e = err as Error & { code: ErrorCode; details?: unknown; issues?: unknown };
    const status = STATUS_BY_CODE[e.code];
    if (status !== 500) {
      const details = e.details ?? e.issues;
      return {
        status,
        body: {
          error: {
            code: e.code,
            message: e.message || e.code,
            ...(details !== undefined ? { details } : {}),
          },
        },
      };
    }
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'internal_error',
        message: 'Something went wrong on the server; it has been logged',
      },
    },
  };
}
