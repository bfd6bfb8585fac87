/**
 * The HTTP API and the pages, as one Hono app. One sub-app per resource, every body and query
 * validated by zod, every error answered as `{error:{code, message, details?}}`.
 * Field names follow the client's seed data models (snake_case); money is a decimal string.
 */
import { zValidator } from '@hono/zod-validator';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Floor } from '../../actors/floor.js';
import { ClientCommand, commandInput } from '../../actors/protocol.js';
import { Id, IsoDateTime } from '../../machines/schemas.js';
import { createLogger, type Logger } from '../log.js';
import { apiDocs } from './docs.js';
import { ApiError, toErrorResponse, validationHook } from './errors.js';
import { originOf } from './origin.js';
import { pages } from './pages.js';
import { requestLog, type RequestEnv } from './request-log.js';
import { rigRoutes } from './rig-routes.js';
import { stationSocket } from './ws.js';

export interface AppDeps {
  floor: Floor;
  /** Recorded telemetry samples, listed for staff. */
  samples: { id: string; vehicle_model: string; title_pt: string; title_en: string }[];
  /** Where dealer searches without a position start: the event venue. */
  venue: { lat: number; lon: number };
  startedAt?: Date;
  /** Structured log (one line per request, with its correlation id); silent when not given. */
  logger?: Logger;
}

/** Request bodies above this are refused (413) before they are read in full. */
export const MAX_BODY_BYTES = 1024 * 1024;

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

  /** The answer to a crash a station took: once its session has analysed it (and estimated). */
  async function analysed(station_id: string, request_id: string) {
    const view = await floor.analysisOf(station_id, request_id);
    return {
      damage_id: view.damage_id,
      session_id: view.session_id,
      state: view.state,
      report: view.damage,
      session: view,
    };
  }

  const stations = new Hono<RequestEnv>()
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
      const { request_id } = floor.submit(
        id,
        { type: 'REPAIR_REQUESTED', payload: {} },
        originOf(c, 'api'),
      );
      return c.json(await analysed(id, request_id), 201);
    })
    .post('/:id/commands', zValidator('json', ClientCommand, validationHook('json')), async (c) => {
      const id = c.req.param('id');
      stationOr404(id);
      floor.submit(id, commandInput(c.req.valid('json')), originOf(c, 'staff'));
      return c.json({ accepted: true, session: floor.view(id) }, 202);
    });

  const sessions = new Hono<RequestEnv>().get('/:id', (c) => {
    const view = floor.sessionView(c.req.param('id'));
    if (!view) throw new ApiError('session_not_found', `No session "${c.req.param('id')}"`);
    return c.json(view);
  });

  const damage = new Hono<RequestEnv>().post(
    '/analyze',
    zValidator('json', AnalyzeBody, validationHook('json')),
    async (c) => {
      const body = c.req.valid('json');
      // A rig set up for the earlier build may name its station in a header instead of the body.
      const station_id = body.station_id ?? c.req.header('x-station-id');
      const origin = originOf(c, 'api', body.request_id);
      if (station_id === undefined) {
        // No station: a stateless analysis, stored under the request id (a repeat finds it).
        const report = services.analyze({
          request_id: origin.request_id ?? crypto.randomUUID(),
          session_id: null,
          telemetry: body.telemetry,
          vehicle_model: body.vehicle_model ?? null,
        });
        return c.json({ damage_id: report.damage_id, report }, 201);
      }
      stationOr404(station_id);
      const { request_id } = floor.submit(
        station_id,
        {
          type: 'CRASH_REPORTED',
          payload: { telemetry: body.telemetry, vehicle_model: body.vehicle_model ?? null },
        },
        origin,
      );
      const done = await analysed(station_id, request_id);
      return c.json(
        { damage_id: done.damage_id, session_id: done.session_id, report: done.report },
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

  const appointments = new Hono<RequestEnv>().post(
    '/book',
    zValidator('json', BookBody, validationHook('json')),
    async (c) => {
      const body = c.req.valid('json');
      const origin = originOf(c, 'api', body.request_id);
      if (body.session_id === undefined) {
        const appointment = services.book({
          request_id: origin.request_id ?? crypto.randomUUID(),
          session_id: null,
          estimate_id: body.estimate_id,
          dealer_id: body.dealer_id,
          slot_start: body.slot_start,
        });
        return c.json(appointment, 201);
      }
      // A live session books itself, so every screen of its station follows.
      const station_id = floor.stationOfSession(body.session_id);
      if (station_id === undefined) {
        if (floor.sessionView(body.session_id)) {
          throw new ApiError(
            'session_ended',
            `Session ${body.session_id} has ended: book without session_id, or on the station's new session`,
          );
        }
        throw new ApiError('session_not_found', `No session "${body.session_id}"`);
      }
      const { request_id } = floor.submit(
        station_id,
        {
          type: 'BOOKING_REQUESTED',
          payload: {
            estimate_id: body.estimate_id,
            dealer_id: body.dealer_id,
            slot_start: body.slot_start,
          },
        },
        origin,
      );
      return c.json(await floor.bookingOf(station_id, request_id), 201);
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

  const api = new Hono<RequestEnv>()
    .use(
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: () => {
          throw new ApiError(
            'payload_too_large',
            `Request bodies are limited to ${MAX_BODY_BYTES / 1024 / 1024} MB`,
          );
        },
      }),
    )
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
    .route('/docs', apiDocs({ specUrl: '/api/openapi.json' }))
    .route('/', rigRoutes({ floor }));

  const logger = deps.logger ?? createLogger({ level: 'silent' });
  const app = new Hono<RequestEnv>()
    .use(requestLog(logger))
    .route('/api', api)
    .route('/ws', stationSocket(floor))
    .route('/', pages({ hasStation: (id) => floor.hasStation(id) }));

  app.onError((err, c) => {
    const { status, body } = toErrorResponse(err);
    if (status >= 500) c.get('log').error({ err }, 'unexpected error');
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
