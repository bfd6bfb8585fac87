/**
 * Routes for what reaches a station from the rig side rather than the kiosk:
 *  - `POST /v1/beamng/crash-event`: the earlier event build's `vw_damage_reporter` mod payload,
 *    accepted exactly as that mod posts it (see /work/shared/BEAMNG.md), routed to a station;
 *  - `POST /stations/:id/manual-damage`: staff typing zones and severities when no simulator
 *    data exists (or the analysis of the simulator's data failed).
 *
 * Mounted at `/api`. Each route turns the request into an input for the floor's intake; the
 * intake checks and analyses it once and refuses (4xx, station unchanged) what cannot be taken.
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Floor } from '../../actors/floor.js';
import type { SessionView } from '../../actors/protocol.js';
import { LegacyCrashEvent, ManualSeverity, ManualZone } from '../../actors/damage/telemetry.js';
import { Id } from '../../machines/schemas.js';
import type { MiddlewareHandler } from 'hono';
import { audited } from './audit.js';
import { originOf } from './origin.js';
import { ApiError, zodDetails } from './errors.js';
import {
  answer,
  apiRoutes,
  component,
  jsonBody,
  jsonOnly,
  refTo,
  refusal,
  staffOnly,
  staffRefusal,
  RigHeaders,
  StationParams,
  UNUSABLE_TELEMETRY,
  WriteHeaders,
  writeRefusals,
} from './openapi.js';
import { CrashEventAnswer, StationAnalysis, type CrashEventBusy } from './schemas.js';

export interface RigRouteDeps {
  floor: Floor;
  /** The staff routes' guard (manual damage is a staff action). */
  staffGate: MiddlewareHandler;
}

/** The envelope fields this route reads before the telemetry itself is validated. */
const CrashEventEnvelope = z.looseObject({
  event_type: z.string().optional(),
  station_id: z.union([Id, z.number().int().nonnegative()]).optional(),
});

/** `damage.total_damage` of a payload that already passed `vetCrash`; 0 when absent. */
function totalDamageOf(raw: unknown): number {
  const damage = (raw as { damage?: unknown }).damage;
  const total =
    typeof damage === 'object' && damage !== null
      ? (damage as { total_damage?: unknown }).total_damage
      : undefined;
  return typeof total === 'number' ? total : 0;
}

/**
 * The crash-event as the document shows it: the mod's payload with the envelope's fields. Not
 * validated as a body (the route reads it as text); the intake validates the telemetry.
 */
const CrashEventBody = component(
  'LegacyCrashEvent',
  LegacyCrashEvent.extend({
    event_type: z
      .string()
      .optional()
      .describe(
        '`crash_detected`: the station holds the crash until a repair press; `manual_report`: ' +
          'analysed at once; any other type is ignored',
      ),
    station_id: CrashEventEnvelope.shape.station_id,
    damage: LegacyCrashEvent.shape.damage
      .optional()
      .describe('Required for crash_detected and manual_report'),
  }).loose(),
);

/** Staff's manual entry: the same zone and severity vocabulary as ManualTelemetry. */
export const ManualDamageBody = component(
  'ManualDamageRequest',
  z.object({
    zones: z.array(z.object({ zone: ManualZone, severity: ManualSeverity })).min(1),
  }),
);
export type ManualDamageBody = z.infer<typeof ManualDamageBody>;

/** Hono sub-app with the legacy crash-event route and manual damage entry; mount at `/api`. */
export function rigRoutes(deps: RigRouteDeps) {
  const { floor } = deps;

  /** Header, then body field, then the only station; 400 when several stations and none named. */
  function stationFor(header: string | undefined, field: string | number | undefined): string {
    const named = header?.trim() || (field === undefined ? undefined : String(field));
    if (named) {
      if (!floor.hasStation(named)) {
        throw new ApiError(
          'station_not_found',
          `No station "${named}" (stations: ${floor.stations.join(', ')})`,
          { stations: floor.stations },
        );
      }
      return named;
    }
    if (floor.stations.length === 1) return floor.stations[0]!;
    throw new ApiError(
      'station_required',
      `Several stations (${floor.stations.join(', ')}): name one with the X-Station-Id header or a station_id field`,
      { stations: floor.stations },
    );
  }

  const analysed = (view: SessionView) => ({
    damage_id: view.damage_id,
    session_id: view.session_id,
    report: view.damage,
  });

  return apiRoutes()
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/beamng/crash-event',
        operationId: 'postLegacyCrashEvent',
        tags: ['Simulator'],
        summary: "The earlier build's vw_damage_reporter mod posting a crash",
        description:
          'Accepted exactly as that mod posts it, with or without a JSON content type. The ' +
          'station: the X-Station-Id header, else a `station_id` field, else the only one.',
        request: {
          headers: RigHeaders,
          body: {
            required: true,
            description: "The mod's crash-event JSON",
            content: {
              'application/json': { schema: refTo(CrashEventBody) },
              'text/plain': { schema: refTo(CrashEventBody) },
            },
          },
        },
        responses: {
          201: answer(StationAnalysis, 'manual_report: analysed and estimated'),
          202: answer(
            CrashEventAnswer,
            'crash_detected: held by the station, or not applied (busy, or an ignored type)',
          ),
          400: refusal(['invalid_json', 'invalid_body', 'station_required']),
          404: refusal(['station_not_found']),
          409: refusal(['not_accepted', 'session_ended'], 'manual_report while not waiting'),
          422: refusal(UNUSABLE_TELEMETRY),
          504: refusal(['timeout']),
          ...writeRefusals,
        },
      }),
      async (c) => {
        // Read as text and parse here: the old mod's HTTP call may not send a JSON content type,
        // which would make the validator middleware see an empty body.
        const text = await c.req.text();
        let raw: unknown;
        try {
          raw = JSON.parse(text.replace(/^\uFEFF/, ''));
        } catch {
          throw new ApiError('invalid_json', 'The request body is not valid JSON');
        }
        const envelope = CrashEventEnvelope.safeParse(raw);
        if (!envelope.success)
          throw new ApiError(
            'invalid_body',
            'The request body is not a crash event',
            zodDetails(envelope.error),
          );
        const { event_type } = envelope.data;
        if (event_type !== 'crash_detected' && event_type !== 'manual_report') {
          return c.json(
            {
              accepted: false as const,
              reason: 'ignored event_type',
              event_type: event_type ?? null,
            },
            202,
          );
        }
        const station_id = stationFor(c.req.header('x-station-id'), envelope.data.station_id);

        if (event_type === 'crash_detected') {
          const result = floor.intake(
            floor.envelope(
              station_id,
              {
                type: 'CRASH_DETECTED',
                payload: {
                  telemetry: raw,
                  total_damage: totalDamageOf(raw),
                  received_at: new Date().toISOString(),
                },
              },
              originOf(c, 'mod'),
            ),
          );
          const view = floor.view(station_id)!;
          if (!result.ok && result.error.code !== 'not_accepted') throw result.error;
          if (!result.ok) {
            // The mod posts on every rise in damage and only logs our answer: a late event during
            // an estimate is normal, not the mod's fault.
            const busy: CrashEventBusy = {
              accepted: false,
              reason: `station ${station_id} is busy (session in ${view.step}); crash event not applied`,
              station_id,
              session_id: view.session_id,
              state: view.state,
            };
            return c.json(busy, 202);
          }
          return c.json(
            {
              accepted: true as const,
              station_id,
              session_id: view.session_id,
              state: view.state,
              step: view.step,
            },
            202,
          );
        }

        // manual_report: the in-game "Repair My Car", carrying the car's damage at that moment.
        const { request_id } = floor.submit(
          station_id,
          { type: 'CRASH_REPORTED', payload: { telemetry: raw } },
          originOf(c, 'mod'),
        );
        return c.json(analysed(await floor.analysisOf(station_id, request_id)), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/stations/{id}/manual-damage',
        operationId: 'enterManualDamage',
        tags: ['Damage'],
        summary: 'Staff enter the damage by zone and severity',
        description:
          'When no simulator data exists (station waiting) or its analysis failed ' +
          '(Crashed.failed); answers once analysed and estimated. Written to the audit log.',
        ...staffOnly,
        middleware: [deps.staffGate, jsonOnly(ManualDamageBody)] as const,
        request: {
          params: StationParams,
          headers: WriteHeaders,
          body: jsonBody(ManualDamageBody, 'The damaged zones'),
        },
        responses: {
          201: answer(StationAnalysis, 'Analysed and estimated'),
          400: refusal(['invalid_body', 'invalid_json']),
          404: refusal(['station_not_found']),
          409: refusal(
            ['not_accepted', 'session_ended'],
            'the session is neither waiting nor after a failed analysis',
          ),
          422: refusal(UNUSABLE_TELEMETRY),
          504: refusal(['timeout']),
          ...staffRefusal,
          ...writeRefusals,
        },
      }),
      async (c) => {
        // The intake refuses an unknown station (404) like any input it cannot take.
        const station_id = c.req.param('id');
        const { zones } = c.req.valid('json');
        const view = await audited(
          c,
          floor,
          { action: 'manual_damage', station_id, details: { zones } },
          () => {
            const { request_id } = floor.submit(
              station_id,
              { type: 'MANUAL_DAMAGE_ENTERED', payload: { telemetry: { manual: true, zones } } },
              originOf(c, 'staff'),
            );
            return floor.analysisOf(station_id, request_id);
          },
        );
        return c.json(analysed(view), 201);
      },
    );
}

export type RigRoutes = ReturnType<typeof rigRoutes>;
