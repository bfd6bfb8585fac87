/**
 * Routes for what reaches a station from the rig side rather than the kiosk:
 *  - `POST /v1/beamng/crash-event`: the earlier event build's `vw_damage_reporter` mod payload,
 *    accepted exactly as that mod posts it (see /work/shared/BEAMNG.md), routed to a station;
 *  - `POST /stations/:id/manual-damage`: staff typing zones and severities when no simulator
 *    data exists (or the analysis of the simulator's data failed).
 *
 * Mounted by the lead at `/api`. Errors are thrown (ApiError, DomainError, TelemetryError) and
 * answered by the app's one `onError` (adapters/http/errors.ts); every 4xx leaves the station as
 * it was: payloads are checked and dry-run analysed before anything is dispatched.
 */
import { randomUUID } from 'node:crypto';
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Floor } from '../../actors/floor.js';
import type { SessionView } from '../../actors/protocol.js';
import { ManualSeverity, ManualZone } from '../../actors/damage/telemetry.js';
import { Id } from '../../machines/schemas.js';
import { ApiError, validationHook, zodDetails } from './errors.js';

export interface RigRouteDeps {
  floor: Floor;
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

/** Staff's manual entry: the same zone and severity vocabulary as ManualTelemetry. */
export const ManualDamageBody = z.object({
  zones: z.array(z.object({ zone: ManualZone, severity: ManualSeverity })).min(1),
});
export type ManualDamageBody = z.infer<typeof ManualDamageBody>;

/** The answer to an event the mod sent that this build chose not to act on. */
interface NotAccepted {
  accepted: false;
  reason: string;
  station_id?: string;
  session_id?: string;
  state?: string;
}

/** Hono sub-app with the legacy crash-event route and manual damage entry; mount at `/api`. */
export function rigRoutes(deps: RigRouteDeps) {
  const { floor } = deps;
  const services = floor.services;

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
      400,
    );
  }

  const analysed = (view: SessionView) => ({
    damage_id: view.damage_id,
    session_id: view.session_id,
    report: view.damage,
  });

  return new Hono()
    .post('/v1/beamng/crash-event', async (c) => {
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
          { accepted: false, reason: 'ignored event_type', event_type: event_type ?? null },
          202,
        );
      }
      const station_id = stationFor(c.req.header('x-station-id'), envelope.data.station_id);
      const view = floor.view(station_id)!;

      if (event_type === 'crash_detected') {
        const vehicle_model = services.vetCrash(raw, view);
        if (view.state !== 'Waiting') {
          // The mod posts on every rise in damage and only logs our answer: a late event during
          // an estimate is normal, not the mod's fault.
          const answer: NotAccepted = {
            accepted: false,
            reason: `station ${station_id} is busy (session in ${view.step}); crash event not applied`,
            station_id,
            session_id: view.session_id,
            state: view.state,
          };
          return c.json(answer, 202);
        }
        floor.dispatchOrThrow(station_id, {
          type: 'CRASH_DETECTED',
          telemetry: raw,
          vehicle_model,
          total_damage: totalDamageOf(raw),
          received_at: new Date().toISOString(),
          source: 'mod',
        });
        const after = floor.view(station_id)!;
        return c.json(
          {
            accepted: true,
            station_id,
            session_id: after.session_id,
            state: after.state,
            step: after.step,
          },
          202,
        );
      }

      // manual_report: the in-game "Repair My Car", carrying the car's damage at that moment.
      const request_id = c.req.header('idempotency-key') || randomUUID();
      // A retry of a report this session already analysed gets the same answer.
      if (view.damage_id === `dmg-${request_id}`) return c.json(analysed(view), 201);
      const vehicle_model = services.vetCrash(raw, view);
      if (view.state !== 'Waiting') {
        throw new ApiError(
          'not_accepted',
          `Station ${station_id} is busy with a session in ${view.step}: wait or reset it`,
          { state: view.state },
        );
      }
      floor.dispatchOrThrow(station_id, {
        type: 'CRASH_REPORTED',
        request_id,
        telemetry: raw,
        vehicle_model,
        source: 'mod',
      });
      return c.json(analysed(await floor.analysisOf(station_id, request_id)), 201);
    })
    .post(
      '/stations/:id/manual-damage',
      zValidator('json', ManualDamageBody, validationHook('json')),
      async (c) => {
        const station_id = c.req.param('id');
        if (!floor.hasStation(station_id)) {
          throw new ApiError(
            'station_not_found',
            `No station "${station_id}" (stations: ${floor.stations.join(', ')})`,
          );
        }
        const { zones } = c.req.valid('json');
        const telemetry = { manual: true as const, zones };
        const request_id = c.req.header('idempotency-key') || randomUUID();
        const view = floor.view(station_id)!;
        if (view.damage_id === `dmg-${request_id}`) return c.json(analysed(view), 201);
        const vehicle_model = services.vetCrash(telemetry, view);
        if (view.step === 'Crashed.failed') {
          // The simulator's data could not be analysed: staff's entry replaces it.
          floor.dispatchOrThrow(station_id, {
            type: 'MANUAL_DAMAGE_ENTERED',
            request_id,
            telemetry,
            source: 'staff',
          });
        } else if (view.state === 'Waiting') {
          floor.dispatchOrThrow(station_id, {
            type: 'CRASH_REPORTED',
            request_id,
            telemetry,
            vehicle_model,
            source: 'staff',
          });
        } else {
          throw new ApiError(
            'not_accepted',
            `Station ${station_id} takes manual damage only while waiting or after a failed analysis (session is in ${view.step})`,
            { state: view.state },
          );
        }
        return c.json(analysed(await floor.analysisOf(station_id, request_id)), 201);
      },
    );
}

export type RigRoutes = ReturnType<typeof rigRoutes>;
