/**
 * The staff console's HTTP calls: station commands, replays and the audit log. Every call goes
 * to the same origin, so the browser sends the staff cookie (HttpOnly: the page never sees it),
 * plus `X-Operator` with the name typed in the console, which the audit log records. Nothing
 * here throws: a refusal, a missing route or a network failure comes back as an error value
 * the console shows as it is.
 */
import type { ClientCommand } from '../actors/protocol.js';
import type { SessionError } from '../machines/schemas.js';
import { AuditList, ReplayList, type AuditEntry, type ReplayRun } from './wire.js';

/** Where the operator's name is kept between visits. */
export const OPERATOR_KEY = 'c2r.staff.operator';

/** What the server accepts as an operator name (adapters/http/staff-auth.ts); else it says "staff". */
export const OPERATOR_PATTERN = /^[\p{L}\p{N} ._@'-]{1,60}$/u;

/** The replay scripts staff can start on a station (data/replays, served by POST /api/replays). */
export const REPLAY_SCRIPTS = [
  'tcross-front-crash',
  'golf-side-swipe',
  'rush-all-stations',
] as const;
export type ReplayScript = (typeof REPLAY_SCRIPTS)[number];

/** Whether the server will record `name` as it is. */
export function validOperator(name: string): boolean {
  return OPERATOR_PATTERN.test(name.trim());
}

/** The operator header for `name`, or none when the name is empty or not accepted. */
export function operatorHeaders(name: string): Record<string, string> {
  const trimmed = name.trim();
  return validOperator(trimmed) ? { 'X-Operator': trimmed } : {};
}

/** The saved operator name ('' when none, or when storage is unavailable). */
export function loadOperator(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): string {
  try {
    return storage?.getItem(OPERATOR_KEY) ?? '';
  } catch {
    return '';
  }
}

/** Keeps the operator name for the next visit (storage full or off: the name lasts this page). */
export function saveOperator(
  name: string,
  storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage,
): void {
  try {
    storage?.setItem(OPERATOR_KEY, name);
  } catch {
    // Private mode or storage off.
  }
}

/** A call's answer: the JSON body, or the error as the server worded it (status 0: no answer). */
export type ApiResult<T = unknown> =
  { ok: true; status: number; body: T } | { ok: false; status: number; error: SessionError };

/** A fetch that never throws: network failures and error answers become `{ok:false}`. */
export async function staffRequest(
  path: string,
  init: { method: 'GET' | 'POST' | 'DELETE'; body?: unknown; operator?: string },
  fetchFn: typeof fetch = (...args) => fetch(...args),
): Promise<ApiResult> {
  let response: Response;
  try {
    response = await fetchFn(path, {
      method: init.method,
      headers: {
        accept: 'application/json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...operatorHeaders(init.operator ?? ''),
      },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch (err) {
    return {
      ok: false,
      status: 0,
      error: { code: 'network', message: err instanceof Error ? err.message : String(err) },
    };
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, an empty 204): the status says enough.
  }
  if (response.ok) return { ok: true, status: response.status, body };
  const error = (body as { error?: Partial<SessionError> } | null)?.error;
  return {
    ok: false,
    status: response.status,
    error: {
      code: typeof error?.code === 'string' ? error.code : `http_${response.status}`,
      message:
        typeof error?.message === 'string'
          ? error.message
          : `HTTP ${response.status} ${response.statusText}`.trim(),
    },
  };
}

/** `POST /api/stations/{id}/commands`: a staff command to the station's session. */
export function sendCommand(
  station_id: string,
  command: ClientCommand,
  operator: string,
  fetchFn?: typeof fetch,
): Promise<ApiResult> {
  return staffRequest(
    `/api/stations/${encodeURIComponent(station_id)}/commands`,
    { method: 'POST', body: command, operator },
    fetchFn,
  );
}

/** `POST /api/replays`: plays a recorded script on the station at real speed. */
export function startReplay(
  station_id: string,
  script: string,
  operator: string,
  fetchFn?: typeof fetch,
): Promise<ApiResult> {
  return staffRequest(
    '/api/replays',
    { method: 'POST', body: { script, station_id, speed: 1 }, operator },
    fetchFn,
  );
}

/** `DELETE /api/replays/{id}`: stops a replay this console started. */
export function stopReplay(
  replay_id: string,
  operator: string,
  fetchFn?: typeof fetch,
): Promise<ApiResult> {
  return staffRequest(
    `/api/replays/${encodeURIComponent(replay_id)}`,
    { method: 'DELETE', operator },
    fetchFn,
  );
}

/** `GET /api/replays`: the scripts the server ships and the replays started, newest first. */
export async function fetchReplays(
  fetchFn?: typeof fetch,
): Promise<ApiResult<{ scripts: { name: string; title: string }[]; replays: ReplayRun[] }>> {
  const result = await staffRequest('/api/replays', { method: 'GET' }, fetchFn);
  if (!result.ok) return result;
  const parsed = ReplayList.safeParse(result.body);
  if (!parsed.success) return badAnswer(result.status, parsed.error.issues[0]);
  return { ok: true, status: result.status, body: parsed.data };
}

/** The replay running on a station, if any (the newest, should two overlap). */
export function runningReplayOn(
  replays: readonly ReplayRun[],
  station_id: string,
): ReplayRun | null {
  return replays.find((r) => r.status === 'running' && r.stations.includes(station_id)) ?? null;
}

function badAnswer(
  status: number,
  issue: { path: PropertyKey[]; message: string } | undefined,
): { ok: false; status: number; error: SessionError } {
  return {
    ok: false,
    status,
    error: {
      code: 'bad_message',
      message: `${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? ''}`,
    },
  };
}

/** `GET /api/audit?limit=…`: the latest staff actions, newest first. */
export async function fetchAudit(
  limit = 50,
  fetchFn?: typeof fetch,
): Promise<ApiResult<AuditEntry[]>> {
  const result = await staffRequest(`/api/audit?limit=${limit}`, { method: 'GET' }, fetchFn);
  if (!result.ok) return result;
  const parsed = AuditList.safeParse(result.body);
  if (!parsed.success) return badAnswer(result.status, parsed.error.issues[0]);
  return {
    ok: true,
    status: result.status,
    body: [...parsed.data.entries].sort((a, b) => b.seq - a.seq),
  };
}
