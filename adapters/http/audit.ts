/**
 * Staff actions written to the audit log: who (the operator's name), when, what, station,
 * session, and the result — `ok`, or the error code the action was refused with. The action
 * runs first; its entry is written whatever happened, and a refusal is thrown on as before.
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AuditAction, AuditEntry } from '../../actors/audit.js';
import type { Floor } from '../../actors/floor.js';
import { DomainError } from '../../actors/errors.js';
import { ApiError } from './errors.js';
import type { RequestEnv } from './request-log.js';
import { operatorOf } from './staff-auth.js';

/** Writes one audit entry, stamped now. */
export function recordAudit(floor: Floor, entry: Omit<AuditEntry, 'seq' | 'at'>): void {
  floor.services.audit({ at: new Date().toISOString(), ...entry });
}

export interface AuditedAction {
  action: AuditAction;
  station_id: string | null;
  details?: Record<string, unknown>;
}

/** Runs a staff action and writes its audit entry (with the session it found at the station). */
export async function audited<T>(
  c: Context<RequestEnv>,
  floor: Floor,
  what: AuditedAction,
  run: () => T | Promise<T>,
): Promise<T> {
  const session_id = what.station_id ? (floor.view(what.station_id)?.session_id ?? null) : null;
  const write = (result: string) =>
    recordAudit(floor, {
      who: operatorOf(c),
      action: what.action,
      station_id: what.station_id,
      session_id,
      result,
      details: what.details ?? {},
      correlation_id: c.get('correlation_id') ?? null,
    });
  try {
    const value = await run();
    write('ok');
    return value;
  } catch (err) {
    write(err instanceof DomainError || err instanceof ApiError ? err.code : 'internal_error');
    throw err;
  }
}

/** The audit action of a kiosk command sent by staff. */
export function actionOfCommand(type: string): AuditAction {
  switch (type) {
    case 'STAFF_RESET':
      return 'reset';
    case 'RETRY':
      return 'retry';
    case 'NEXT_DRIVER':
      return 'next_driver';
    case 'SIMULATE_CRASH':
      return 'simulate_crash';
    default:
      return 'command';
  }
}

/**
 * Middleware writing the audit entry of a replay started (POST /replays) or stopped (DELETE
 * /replays/{id}), from the answer: its replay id, script and station, or the refusal's code.
 */
export function auditReplay(floor: Floor) {
  return createMiddleware<RequestEnv>(async (c, next) => {
    const method = c.req.method;
    if (method !== 'POST' && method !== 'DELETE') return next();
    await next();
    const answer = (await c.res
      .clone()
      .json()
      .catch(() => ({}))) as {
      replay_id?: string;
      script?: string;
      lanes?: { station_id: string; session_id: string | null }[];
      error?: { code?: string };
    };
    const lane = answer.lanes?.[0];
    recordAudit(floor, {
      who: operatorOf(c),
      action: method === 'POST' ? 'replay_start' : 'replay_stop',
      station_id: lane?.station_id ?? null,
      session_id: lane?.session_id ?? null,
      result: c.res.status < 300 ? 'ok' : (answer.error?.code ?? String(c.res.status)),
      details: {
        ...(answer.replay_id ? { replay_id: answer.replay_id } : {}),
        ...(answer.script ? { script: answer.script } : {}),
      },
      correlation_id: c.get('correlation_id') ?? null,
    });
  });
}
