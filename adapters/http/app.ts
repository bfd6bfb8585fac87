/**
 * The HTTP API and the pages, as one Hono app. One sub-app per resource, every route declared
 * with its zod schemas (adapters/http/openapi.ts): params, query and body validated, every answer
 * typed and documented at /api/openapi.json, every error answered as
 * `{error:{code, message, details?}}`. Field names follow the client's seed data models
 * (snake_case); money is a decimal string.
 */
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { MapRegion } from '../../actors/dealers/map-region.js';
import type { Floor } from '../../actors/floor.js';
import { decodeCursor } from '../../actors/history.js';
import type { Replays } from '../../actors/replay/registry.js';
import { ClientCommand, commandInput, SessionView } from '../../actors/protocol.js';
import { Id, RepairEstimate } from '../../machines/schemas.js';
import { createLogger, type Logger } from '../log.js';
import { actionOfCommand, audited, auditReplay } from './audit.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from '../invoicing/outbox.js';
import { dealerRoutes } from './dealer-routes.js';
import { invoiceRoutes } from './invoice-routes.js';
import { floorSocket } from './floor-socket.js';
import { inspectorRoutes } from './inspector-routes.js';
import { replayRoutes } from './replay-routes.js';
import { apiDocs } from './docs.js';
import { historyCsv } from './history-csv.js';
import { limitBody } from './body-limit.js';
import { ApiError, toErrorResponse } from './errors.js';
import {
  answer,
  apiRoutes,
  component,
  jsonBody,
  jsonOnly,
  OPENAPI_PATH,
  pathId,
  refusal,
  RigHeaders,
  serveOpenApi,
  staffOnly,
  staffRefusal,
  StationParams,
  unexpected,
  UNUSABLE_TELEMETRY,
  WriteHeaders,
  writeRefusals,
} from './openapi.js';
import { originOf } from './origin.js';
import { pages } from './pages.js';
import { requestLog, type RequestEnv } from './request-log.js';
import { rigRoutes } from './rig-routes.js';
import {
  isStaff,
  loginWithToken,
  requireStaff,
  staffAccess,
  type StaffAccess,
} from './staff-auth.js';
import {
  AuditAnswer,
  AuditParams,
  BeamngStatus,
  CommandAnswer,
  DamageAnalysis,
  Health,
  HistoryAnswer,
  HistoryParams,
  JournalAnswer,
  RepairAnswer,
  StationAnswer,
  StationList,
  type TelemetrySample,
  TelemetrySampleList,
  VehicleList,
} from './schemas.js';
import { stationSocket } from './ws.js';

export interface AppDeps {
  floor: Floor;
  /** Recorded telemetry samples, listed for staff. */
  samples: z.infer<typeof TelemetrySample>[];
  /** Where dealer searches without a position start: the event venue. */
  venue: { lat: number; lon: number };
  /** The offline maps of the regions (data/map/); without them /api/map answers 404. */
  maps?: readonly MapRegion[];
  /** Where "send by e-mail" writes its messages (STATE_DIR/outbox). */
  outbox?: Outbox;
  /** How phones on the event network reach this server (the invoice QR code). */
  public_base_url?: string;
  startedAt?: Date;
  /** Structured log (one line per request, with its correlation id); silent when not given. */
  logger?: Logger;
  /** How often an idle screen socket hears from the server (adapters/http/ws.ts). */
  heartbeat_ms?: number;
  /** The staff token; without one a random token nobody knows is made (staff routes: 401). */
  staff?: StaffAccess;
  /** A session this long in one step shows as stuck on the staff console. */
  stuck_after_ms?: number;
  /** Rehearsal replays (actors/replay); without them the replay routes are not mounted. */
  replays?: Replays;
}

/** Request bodies above this are refused (413) before they are read in full. */
export const MAX_BODY_BYTES = 1024 * 1024;

const AnalyzeBody = component(
  'AnalyzeRequest',
  z.object({
    station_id: Id.optional(),
    vehicle_model: Id.optional(),
    request_id: Id.optional(),
    telemetry: z
      .unknown()
      .refine((t) => t !== undefined && t !== null, 'telemetry is required')
      .describe(
        "BeamNG Damage sensor payload, the earlier mod's crash-event, normalized components, " +
          'or manual zones: the shape is recognised',
      ),
  }),
);

export function createApp(deps: AppDeps) {
  const { floor } = deps;
  const services = floor.services;
  const startedAt = deps.startedAt ?? new Date();
  const staff = deps.staff ?? staffAccess(undefined);
  const staffGate = requireStaff(staff);

  function stationOr404(id: string) {
    if (!floor.hasStation(id))
      throw new ApiError(
        'station_not_found',
        `No station "${id}" (stations: ${floor.stations.join(', ')})`,
      );
  }

  const health = apiRoutes().openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'getHealth',
      tags: ['Floor'],
      summary: 'Is the server up',
      responses: { 200: answer(Health, 'Up, with its uptime and station count'), ...unexpected },
    }),
    (c) =>
      c.json(
        {
          status: 'ok' as const,
          uptime_s: Math.round((Date.now() - startedAt.getTime()) / 1000),
          stations: floor.stations.length,
          store: services.storeStatus(),
        },
        200,
      ),
  );

  const vehicles = apiRoutes().openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listVehicles',
      tags: ['Floor'],
      summary: 'The models the catalog can estimate',
      responses: { 200: answer(VehicleList, 'Every model, with its size'), ...unexpected },
    }),
    (c) =>
      c.json(
        { vehicles: services.supportedModels().map((id) => services.vehicleSummary(id)) },
        200,
      ),
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

  const stations = apiRoutes()
    .openapi(
      createRoute({
        method: 'get',
        path: '/',
        operationId: 'listStations',
        tags: ['Floor'],
        summary: 'The stations and where their sessions are',
        responses: { 200: answer(StationList, 'In configured order'), ...unexpected },
      }),
      (c) =>
        c.json(
          {
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
          },
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}',
        operationId: 'getStation',
        tags: ['Sessions'],
        summary: "A station's current session view",
        request: { params: StationParams },
        responses: {
          200: answer(StationAnswer, 'The view its screens draw'),
          404: refusal(['station_not_found']),
          ...unexpected,
        },
      }),
      (c) => {
        stationOr404(c.req.param('id'));
        // stationOr404 has checked the station exists, so it has a view.
        return c.json({ session: floor.view(c.req.param('id'))! }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/{id}/repair',
        operationId: 'requestRepair',
        tags: ['Damage'],
        summary: 'Analyse and estimate the crash the station holds',
        description:
          'What the attendee\'s "Repair my car" does: the telemetry the station holds (from its ' +
          'rig, or a crash-event) is analysed and estimated; answers once the session has both.',
        request: { params: StationParams, headers: WriteHeaders },
        responses: {
          201: answer(RepairAnswer, 'Analysed and estimated'),
          404: refusal(['station_not_found']),
          409: refusal(
            ['not_accepted', 'no_telemetry', 'no_crash', 'session_ended'],
            'the station is not waiting with a crash',
          ),
          422: refusal(UNUSABLE_TELEMETRY, 'the held telemetry could not be analysed'),
          504: refusal(['timeout']),
          ...writeRefusals,
        },
      }),
      async (c) => {
        // The intake refuses an unknown station (404) like any input it cannot take.
        const id = c.req.param('id');
        const { request_id } = floor.submit(
          id,
          { type: 'REPAIR_REQUESTED', payload: {} },
          originOf(c, 'api'),
        );
        return c.json(await analysed(id, request_id), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/{id}/commands',
        operationId: 'sendCommand',
        tags: ['Sessions'],
        summary: 'Send a kiosk or staff command to the station',
        description:
          'The commands a kiosk sends over /ws, for staff and scripts; each is written to the audit log.',
        ...staffOnly,
        middleware: [staffGate, jsonOnly(ClientCommand)] as const,
        request: {
          params: StationParams,
          headers: WriteHeaders,
          body: jsonBody(ClientCommand, 'One command; its type decides the other fields'),
        },
        responses: {
          202: answer(CommandAnswer, 'Taken; the view as it is now (it may move on after)'),
          400: refusal(['invalid_body', 'invalid_json']),
          404: refusal(['station_not_found', 'sample_not_found']),
          409: refusal(['not_accepted'], 'the session cannot take this command in its state'),
          422: refusal(UNUSABLE_TELEMETRY, 'a recorded crash that cannot be analysed'),
          ...staffRefusal,
          ...writeRefusals,
        },
      }),
      async (c) => {
        const id = c.req.param('id');
        const command = c.req.valid('json');
        await audited(
          c,
          floor,
          { action: actionOfCommand(command.type), station_id: id, details: { ...command } },
          () => floor.submit(id, commandInput(command), originOf(c, 'staff')),
        );
        // The intake took the command, so the station exists and has a view.
        return c.json({ accepted: true as const, session: floor.view(id)! }, 202);
      },
    );

  const sessions = apiRoutes()
    .openapi(
      createRoute({
        method: 'get',
        path: '/',
        operationId: 'listSessions',
        tags: ['Sessions'],
        summary: 'The history: every finished, abandoned or reset session, newest first, paged',
        ...staffOnly,
        middleware: staffGate,
        request: { query: HistoryParams },
        responses: {
          200: {
            ...answer(HistoryAnswer, 'One page of sessions; CSV when asked for'),
            content: {
              'application/json': { schema: HistoryAnswer },
              'text/csv': { schema: z.string().describe('A header row, then one row per session') },
            },
          },
          400: refusal(['invalid_query']),
          ...staffRefusal,
          ...unexpected,
        },
      }),
      (c) => {
        const { format, ...query } = c.req.valid('query');
        if (query.cursor !== undefined && !decodeCursor(query.cursor)) {
          throw new ApiError('invalid_query', 'cursor: not one this server gave out', [
            { path: 'cursor', message: 'unknown cursor' },
          ]);
        }
        const page = services.history(query);
        const csv =
          format === 'csv' || (!format && /\btext\/csv\b/i.test(c.req.header('Accept') ?? ''));
        if (!csv) return c.json(page, 200);
        if (page.next_cursor) c.header('X-Next-Cursor', page.next_cursor);
        c.header('Content-Disposition', 'inline; filename="sessions.csv"');
        return c.body(historyCsv(page.sessions), 200, {
          'Content-Type': 'text/csv; charset=utf-8',
        });
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}',
        operationId: 'getSession',
        tags: ['Sessions'],
        summary: 'A live or ended session by id',
        request: { params: z.object({ id: pathId('Session id') }) },
        responses: {
          200: answer(SessionView, 'The session view, as its screens last drew it'),
          404: refusal(['session_not_found']),
          ...unexpected,
        },
      }),
      (c) => {
        const view = floor.sessionView(c.req.param('id'));
        if (!view) throw new ApiError('session_not_found', `No session "${c.req.param('id')}"`);
        return c.json(view, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/journal',
        operationId: 'getSessionJournal',
        tags: ['Sessions'],
        summary: "A session's journal: every input and transition, in order",
        ...staffOnly,
        middleware: staffGate,
        request: { params: z.object({ id: pathId('Session id') }) },
        responses: {
          200: answer(JournalAnswer, 'The journal, oldest first'),
          404: refusal(['session_not_found']),
          ...staffRefusal,
          ...unexpected,
        },
      }),
      (c) => {
        const id = c.req.param('id');
        const events = services.journalOf(id);
        if (events.length === 0 && !floor.sessionView(id)) {
          throw new ApiError('session_not_found', `No session "${id}"`);
        }
        return c.json({ events }, 200);
      },
    );

  const audit = apiRoutes().openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'getAudit',
      tags: ['Staff'],
      summary: 'The audit log: every staff action, newest first',
      ...staffOnly,
      middleware: staffGate,
      request: { query: AuditParams },
      responses: {
        200: answer(AuditAnswer, 'Newest first; page on with `before` = the last `seq`'),
        400: refusal(['invalid_query']),
        ...staffRefusal,
        ...unexpected,
      },
    }),
    (c) => c.json({ entries: services.auditLog(c.req.valid('query')) }, 200),
  );

  const damage = apiRoutes().openapi(
    createRoute({
      method: 'post',
      path: '/analyze',
      operationId: 'analyzeDamage',
      tags: ['Damage'],
      summary: 'Turn crash telemetry into a damage report',
      description:
        'With a station (`station_id`, or the X-Station-Id header), the crash is reported to its ' +
        'session, which must be waiting; the answer comes once it is analysed and estimated. ' +
        'Without one, the analysis is stateless and stored under the request id.',
      middleware: jsonOnly(AnalyzeBody),
      request: { headers: RigHeaders, body: jsonBody(AnalyzeBody, 'The telemetry, and where') },
      responses: {
        201: answer(DamageAnalysis, 'Analysed (a repeat with the same key: the same report)'),
        400: refusal(['invalid_body', 'invalid_json']),
        404: refusal(['station_not_found']),
        409: refusal(['not_accepted', 'session_ended'], 'the station is busy with a session'),
        422: refusal(UNUSABLE_TELEMETRY),
        504: refusal(['timeout']),
        ...writeRefusals,
      },
    }),
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

  const parts = apiRoutes().openapi(
    createRoute({
      method: 'get',
      path: '/estimate/{damage_id}',
      operationId: 'getEstimate',
      tags: ['Estimates'],
      summary: 'The repair estimate of a damage report in a market',
      request: {
        params: z.object({ damage_id: pathId('Damage report id, e.g. "dmg-…"') }),
        query: z.object({
          market: z
            .string()
            .optional()
            .describe('Market id: "BR-SP" when not given, "BR-RJ", "DE"'),
        }),
      },
      responses: {
        200: answer(RepairEstimate, 'Made once per damage and market, the same on every ask'),
        400: refusal(['invalid_query']),
        404: refusal(['damage_not_found']),
        422: refusal(['unknown_market', 'unknown_vehicle_model']),
        ...unexpected,
      },
    }),
    (c) => {
      const report = floor.services.damage(c.req.param('damage_id'));
      const { market } = c.req.valid('query');
      return c.json(services.estimate(report, market), 200);
    },
  );

  const { dealers, estimates, appointments, map } = dealerRoutes({
    floor,
    venue: deps.venue,
    maps: deps.maps ?? [],
  });

  const invoice = invoiceRoutes({
    floor,
    outbox: deps.outbox ?? new Outbox(join(tmpdir(), 'crash-to-repair-outbox')),
    ...(deps.public_base_url ? { public_base_url: deps.public_base_url } : {}),
  });

  const telemetry = apiRoutes().openapi(
    createRoute({
      method: 'get',
      path: '/samples',
      operationId: 'listTelemetrySamples',
      tags: ['Damage'],
      summary: 'The recorded crashes "simulate a crash" can replay',
      responses: { 200: answer(TelemetrySampleList, 'Without their telemetry'), ...unexpected },
    }),
    (c) => c.json({ samples: deps.samples }, 200),
  );

  const beamng = apiRoutes().openapi(
    createRoute({
      method: 'get',
      path: '/status',
      operationId: 'getBeamngStatus',
      tags: ['Simulator'],
      summary: "The stations' simulator links",
      responses: {
        200: answer(BeamngStatus, 'Each link, and the stations without one'),
        ...unexpected,
      },
    }),
    (c) => {
      const rigs = floor.stations.map((id) => ({ id, rig: floor.rigStatus(id) }));
      return c.json(
        {
          stations: rigs.flatMap(({ rig }) => (rig ? [rig] : [])),
          stations_without_simulator: rigs.filter(({ rig }) => rig === null).map(({ id }) => id),
        },
        200,
      );
    },
  );

  const api = apiRoutes();
  api
    .use(limitBody(MAX_BODY_BYTES))
    .route('/health', health)
    .route('/vehicles', vehicles)
    .route('/stations', stations)
    .route('/sessions', sessions)
    .route('/damage', damage)
    .route('/parts', parts)
    .route('/dealers', dealers)
    .route('/estimates', estimates)
    .route('/appointments', appointments)
    .route('/map', map)
    .route('/invoice', invoice)
    .route('/telemetry', telemetry)
    .route('/beamng', beamng)
    .route('/audit', audit)
    .route('/docs', apiDocs({ specUrl: OPENAPI_PATH }))
    .route('/', rigRoutes({ floor, staffGate }));
  api.use('/staff/*', staffGate).route('/staff', inspectorRoutes(floor));
  if (deps.replays) {
    // `/replays/*` covers `/replays` too.
    api
      .use('/replays/*', staffGate)
      .use('/sessions/:id/script', staffGate)
      .use('/replays/*', auditReplay(floor))
      .route('/', replayRoutes({ replays: deps.replays }));
  }

  const logger = deps.logger ?? createLogger({ level: 'silent' });
  // An OpenAPIHono too, so the document names the API's paths as mounted (under /api).
  const app = new OpenAPIHono<RequestEnv>();
  app
    .use(requestLog(logger))
    .route('/api', api)
    .route(
      '/ws/floor',
      floorSocket(floor, {
        isStaff: (c) => isStaff(c, staff),
        stuck_after_ms: deps.stuck_after_ms ?? 300_000,
        isRehearsal: (view) => floor.isRehearsal(view.station_id),
        restoredSince: (view) => floor.restoredSince(view.session_id, view.step),
        ...(deps.heartbeat_ms ? { heartbeat_ms: deps.heartbeat_ms } : {}),
      }),
    )
    .route(
      '/ws',
      stationSocket(floor, {
        isStaff: (c) => isStaff(c, staff),
        ...(deps.heartbeat_ms ? { heartbeat_ms: deps.heartbeat_ms } : {}),
      }),
    )
    .route(
      '/',
      pages({
        hasStation: (id) => floor.hasStation(id),
        staff: {
          login: (c) => loginWithToken(c, staff),
          isStaff: (c) => isStaff(c, staff),
        },
      }),
    );
  serveOpenApi(app);

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
