/**
 * Staff's manual damage entry, the browser side: which sessions take it, the zones in the order
 * the panel lays them out, and the POST to `/api/stations/{id}/manual-damage`. The server
 * answers 201 and moves the session (the change reaches the screens over the WebSocket), or a
 * JSON error whose message the panel shows as it is.
 */
import type { SessionView } from '../actors/protocol.js';
import type { ManualSeverity, ManualZone } from '../actors/damage/telemetry.js';
import { MANUAL_SEVERITIES } from '../actors/damage/zones.js';
import type { SessionError } from '../machines/schemas.js';
import { postJson, refusalOf } from './post-json.js';
import { inStep } from './steps.js';

export type { ManualSeverity, ManualZone };

/** The event a view dispatches to open the staff panel; `<station-kiosk>` shows it. */
export const OPEN_MANUAL_DAMAGE_EVENT = 'open-manual-damage';

/** The event the panel dispatches when it is done (sent or cancelled). */
export const CLOSE_MANUAL_DAMAGE_EVENT = 'close-manual-damage';

/** The nine zones as seen from above, front at the top: row by row, left to right. */
export const ZONE_GRID: readonly ManualZone[] = [
  'front_left',
  'front',
  'front_right',
  'left',
  'roof',
  'right',
  'rear_left',
  'rear',
  'rear_right',
];

export const SEVERITIES: readonly ManualSeverity[] = MANUAL_SEVERITIES;

/** Staff's choices: at most one severity per zone. */
export type ManualChoices = Partial<Record<ManualZone, ManualSeverity>>;

/** Whether the server takes a manual entry now (any Waiting step, or after a failed analysis). */
export function acceptsManualDamage(session: Pick<SessionView, 'state' | 'step'>): boolean {
  return session.state === 'Waiting' || inStep(session, 'Crashed.failed');
}

/** The request body for `choices`, zones in grid order. */
export function manualDamageBody(choices: ManualChoices): {
  zones: { zone: ManualZone; severity: ManualSeverity }[];
} {
  return {
    zones: ZONE_GRID.flatMap((zone) => {
      const severity = choices[zone];
      return severity ? [{ zone, severity }] : [];
    }),
  };
}

export type ManualDamageResult =
  { ok: true; damageId: string } | { ok: false; error: SessionError };

/** Sends staff's entry for `stationId`; never throws: a refusal or a network failure is an error value. */
export async function postManualDamage(
  stationId: string,
  choices: ManualChoices,
  fetchFn: typeof fetch = (...args) => fetch(...args),
): Promise<ManualDamageResult> {
  const posted = await postJson(
    fetchFn,
    `/api/stations/${encodeURIComponent(stationId)}/manual-damage`,
    manualDamageBody(choices),
  );
  if (!posted.ok) return posted;
  const { response, body } = posted.answer;
  if (response.ok) {
    const damageId = (body as { damage_id?: unknown } | null)?.damage_id;
    return { ok: true, damageId: typeof damageId === 'string' ? damageId : '' };
  }
  const { code, message } = refusalOf(posted.answer);
  return { ok: false, error: { code, message } };
}

declare global {
  interface HTMLElementEventMap {
    [OPEN_MANUAL_DAMAGE_EVENT]: Event;
    [CLOSE_MANUAL_DAMAGE_EVENT]: Event;
  }
}
