/**
 * The HTTP API and the pages, as one Hono app. One sub-app per resource, every body and query
 * validated by zod, every error answered as `{error:{code, message, details?}}`.
 * Field names follow the client's seed data models (snake_case); money is a decimal string.
 */
import { randomUUID } from 'node:crypto';
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Floor } from '../../actors/floor.js';
import { ClientCommand } from '../../actors/protocol.js';
import { Id, IsoDateTime } from '../../machines/schemas.js';
import { ApiError, toErrorResponse, validationHook } from './errors.js';
import { pages } from './pages.js';
import { rigRoutes } from './rig-routes.js';
import { stationSocket } from './ws.js';

export interface AppDeps {
  floor: Floor;
  /** Recorded telemetry samples, listed for staff. */
  samples: { id: string; vehicle_model: string; title_pt: string; title_en: string }[];
  /** Where dealer searches without a position start: the event venue. */
  venue: { lat: number; lon: number };
  startedAt?: Date;
  /** Log of unexpected errors (our bugs); defaults to console.error. */
  logError?: (err: unknown) => void;
}

const AnalyzeBody = z.object({
  station_id: Id.optional(),
  vehicle_model: Id.optional(),
  request_id: Id.optional(),
  telemetry: z.unknown().refine((t) => t !== undefined && t !== null, 'telemetry is required'),
});

const DealerSearchQuery = z
  .object({
    lat: z.coerce.number().min(-90).max(90).optional(),
    lon: z.coerce.number().min(-180).max(180).optional(),
    radius_km: z.coerce.number().positive().max(5000).optional(),
    q: z.string().max(100).optional(),
    limit: z.coerce.number().int().positive().max(100).optional(),
  })
  .refine((q) => (q.lat === undefined) === (q.lon === undefined), {
    message: 'give both lat and lon, or neither',
    path: ['lat'],
  });

const BookBody = z.object({
  estimate_id: Id,
  dealer_id: Id,
  slot_start: IsoDateTime,
  session_id: Id.optional(),
  request_id: Id.optional(),
});

/** The request id for an idempotent write: the client's (header or body) or a fresh one. */
function requestIdOf(header: string | undefined, body: string | undefined): string {
  return body ?? header ?? randomUUID();
}

export function createApp(deps: AppDeps) {
  const { floor } = deps;
  const services = floor.services;
  const startedAt = deps.startedAt ?? new Date();

  function stationOr404(id: string) {
    if (!floor.hasStation(id))
      throw new ApiError(
        'station_not_found',
        `No station "${id}" (stations: ${floor.stations.join(', ')})`,
      );
  }

  const health = new Hono().get('/', (c) =>
    c.json({
      status: 'ok',
      uptime_s: Math.round((Date.now() - startedAt.getTime()) / 1000),
      stations: floor.stations.length,
    }),
  );

  const vehicles = new Hono().get('/', (c) =>
    c.json({
      vehicles: services.supportedModels().map((id) => services.vehicleSummary(id)),
    }),
  );

  const stations = new Hono()
    .get('/', (c) =>
      c.json({
        stations: floor.stations.map((id) => {
          const v = floor.view(id)!;
          return {
            id,
            name: v.station_name,
            session_id: v.session_id,
            state: v.state,
            step: v.step,
            vehicle_model: v.vehicle_model,
            vehicle_name: v.vehicle_name,
            rig: v.rig,
            kiosk_url: `/station/${encodeURIComponent(id)}`,
          };
        }),
      }),
    )
    .get('/:id', (c) => {
      stationOr404(c.req.param('id'));
      return c.json({ session: floor.view(c.req.param('id')) });
    })
    .post('/:id/repair', async (c) => {
      const id = c.req.param('id');
      stationOr404(id);
      const request_id = requestIdOf(c.req.header('idempotency-key'), undefined);
      const view = floor.view(id)!;
      // A retry of a press this session already answered gets the same answer.
      if (view.damage_id === `dmg-${request_id}`) {
        return c.json(
          {
            session_id: view.session_id,
            damage_id: view.damage_id,
            state: view.state,
            session: view,
          },
          201,
        );
      }
      if (view.state !== 'Waiting') {
        throw new ApiError(
          'not_accepted',
          `Station ${id} is not waiting for a crash (session is in ${view.step})`,
          { state: view.state },
        );
      }
      if (!view.has_telemetry)
        throw new ApiError('no_telemetry', `Station ${id} holds no telemetry yet: crash first`);
      if (view.step !== 'Waiting.crashDetected') {
        throw new ApiError(
          'no_crash',
          `Station ${id} has live telemetry but no crash yet (damage ${view.live_damage?.total_damage ?? 0})`,
        );
      }
      floor.dispatchOrThrow(id, { type: 'REPAIR_REQUESTED', request_id, source: 'api' });
      const done = await floor.analysisOf(id, request_id);
      return c.json(
        {
          session_id: done.session_id,
          damage_id: done.damage_id,
          state: done.state,
          session: done,
        },
        201,
      );
    })
    .post('/:id/commands', zValidator('json', ClientCommand, validationHook('json')), async (c) => {
      const id = c.req.param('id');
      stationOr404(id);
      const command = c.req.valid('json');
      const request_id = requestIdOf(c.req.header('idempotency-key'), undefined);
      const event =
        command.type === 'REPAIR_REQUESTED' || command.type === 'SLOT_CHOSEN'
          ? { ...command, request_id, source: 'staff' as const }
          : { ...command, source: 'staff' as const };
      floor.dispatchOrThrow(id, event);
      return c.json({ accepted: true, session: floor.view(id) }, 202);
    });

  const sessions = new Hono().get('/:id', (c) => {
    const view = floor.sessionView(c.req.param('id'));
    if (!view) throw new ApiError('session_not_found', `No session "${c.req.param('id')}"`);
    return c.json(view);
  });

  const damage = new Hono().post(
    '/analyze',
    zValidator('json', AnalyzeBody, validationHook('json')),
    async (c) => {
      const parsed = c.req.valid('json');
      // A rig set up for the earlier build may name its station in a header instead of the body.
      const headerStation = c.req.header('x-station-id');
      const body =
        parsed.station_id === undefined && headerStation
          ? { ...parsed, station_id: headerStation }
          : parsed;
      const request_id = requestIdOf(c.req.header('idempotency-key'), body.request_id);
      // Bad telemetry is refused (422, TelemetryError) by the analysis before anything is stored.
      if (body.station_id === undefined) {
        const report = services.analyze({
          request_id,
          session_id: null,
          telemetry: body.telemetry,
          vehicle_model: body.vehicle_model ?? null,
        });
        return c.json({ damage_id: report.damage_id, report }, 201);
      }
      const station_id = body.station_id;
      stationOr404(station_id);
      const view = floor.view(station_id)!;
      // A repeat of a request this session already analysed (a client retrying after a lost answer) gets the same answer.
      if (view.damage_id === `dmg-${request_id}`) {
        return c.json(
          { damage_id: view.damage_id, session_id: view.session_id, report: view.damage },
          201,
        );
      }
      const vehicle_model = services.resolveVehicleModel({
        telemetry: body.telemetry,
        vehicle_model: body.vehicle_model ?? null,
        fallback_model: view.vehicle_model,
      });
      if (view.state !== 'Waiting') {
        throw new ApiError(
          'not_accepted',
          `Station ${station_id} is busy with a session in ${view.step}: wait or reset it`,
          { state: view.state },
        );
      }
      // Telemetry that parses but cannot make a report (nothing damaged) is refused before the station moves.
      services.dryRunAnalysis({
        telemetry: body.telemetry,
        vehicle_model,
        session_id: view.session_id,
      });
      floor.dispatchOrThrow(station_id, {
        type: 'CRASH_REPORTED',
        request_id,
        telemetry: body.telemetry,
        vehicle_model,
        source: 'api',
      });
      const done = await floor.analysisOf(station_id, request_id);
      return c.json(
        { damage_id: done.damage_id, session_id: done.session_id, report: done.damage },
        201,
      );
    },
  );

  const parts = new Hono().get(
    '/estimate/:damage_id',
    zValidator('query', z.object({ market: z.string().optional() }), validationHook('query')),
    (c) => {
      const report = floor.services.damage(c.req.param('damage_id'));
      const { market } = c.req.valid('query');
      return c.json(services.estimate(report, market));
    },
  );

  const dealers = new Hono()
    .get('/search', zValidator('query', DealerSearchQuery, validationHook('query')), (c) => {
      const q = c.req.valid('query');
      const at =
        q.lat !== undefined && q.lon !== undefined ? { lat: q.lat, lon: q.lon } : deps.venue;
      const hits = services.findDealers(at, {
        radius_km: q.radius_km,
        q: q.q,
        limit: q.limit ?? 100,
      });
      return c.json({ dealers: hits });
    })
    .get('/:id/slots', (c) => {
      const slots = services.checkDealer(c.req.param('id'), null);
      return c.json({ dealer_id: c.req.param('id'), slots });
    });

  const appointments = new Hono().post(
    '/book',
    zValidator('json', BookBody, validationHook('json')),
    (c) => {
      const body = c.req.valid('json');
      const request_id = requestIdOf(c.req.header('idempotency-key'), body.request_id);
      const appointment = services.book({
        ...body,
        session_id: body.session_id ?? null,
        request_id,
      });
      return c.json(appointment, 201);
    },
  );

  const invoice = new Hono().get('/:appointment_id', (c) => {
    const appointment = services.appointment(c.req.param('appointment_id'));
    return c.json(services.invoice(appointment));
  });

  const telemetry = new Hono().get('/samples', (c) => c.json({ samples: deps.samples }));

  const beamng = new Hono().get('/status', (c) => {
    const rigs = floor.stations.map((id) => ({ id, rig: floor.rigStatus(id) }));
    return c.json({
      stations: rigs.flatMap(({ rig }) => (rig ? [rig] : [])),
      stations_without_simulator: rigs.filter(({ rig }) => rig === null).map(({ id }) => id),
    });
  });

  const api = new Hono()
    .route('/health', health)
    .route('/vehicles', vehicles)
    .route('/stations', stations)
    .route('/sessions', sessions)
    .route('/damage', damage)
    .route('/parts', parts)
    .route('/dealers', dealers)
    .route('/appointments', appointments)
    .route('/invoice', invoice)
    .route('/telemetry', telemetry)
    .route('/beamng', beamng)
    .route('/', rigRoutes({ floor }));

  const app = new Hono()
    .route('/api', api)
    .route('/ws', stationSocket(floor))
    .route('/', pages({ hasStation: (id) => floor.hasStation(id) }));

  app.onError((err, c) => {
    const { status, body } = toErrorResponse(err);
    if (status >= 500) (deps.logError ?? console.error)(err);
    return c.json(body, status);
  });
  app.notFound((c) =>
    c.json(
      { error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );
  return app;
}

export type App = ReturnType<typeof createApp>;
