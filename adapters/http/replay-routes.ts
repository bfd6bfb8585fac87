/**
 * Replays over HTTP (staff only; mounted under /api behind the staff token):
 *
 * - `GET /replays` — the shipped scripts and the replays started (running, and the last ended).
 * - `POST /replays {script, station_id?, speed?}` — runs a shipped script (its name) or a
 *   script given inline on the floor: 202 with its progress (`replay_id`); every screen of its
 *   stations follows as it goes. An `Idempotency-Key` makes it safe to repeat: the same key, the
 *   same replay.
 * - `GET /replays/{id}` — its progress; `DELETE /replays/{id}` stops it (the stations stay where
 *   they are).
 * - `GET /sessions/{id}/script` — any session's journal as a script that replays to the same
 *   result (actors/replay/export.ts).
 *
 * A body that is not `{script, station_id?, speed?}` is a 400 naming its fields; a script that
 * does not validate, or names what this floor lacks, is a 422 `script_invalid` naming the
 * script's fields (e.g. `steps.3.action`).
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Replays } from '../../actors/replay/registry.js';
import { ReplayProgress } from '../../actors/replay/runner.js';
import { ReplayScript, ScriptName } from '../../actors/replay/script.js';
import { Id } from '../../machines/schemas.js';
import { ApiError, zodDetails } from './errors.js';
import {
  answer,
  apiRoutes,
  component,
  jsonOnly,
  pathId,
  refTo,
  refusal,
  staffOnly,
  staffRefusal,
  unexpected,
  WriteHeaders,
  writeRefusals,
} from './openapi.js';

const Script = component(
  'ReplayScript',
  ReplayScript,
  'A replay script: timed steps (crash, repair, continue, dealer, slot, book, next driver…) for one or several stations',
);
const Progress = component('ReplayProgress', ReplayProgress, 'Where a replay is');

/** How fast a replay may run: 1 plays the script's times as written. */
const Speed = z.number().positive().max(100);

/** `POST /replays` as documented: a shipped script's name or a script. */
const ReplayRequestDoc = component(
  'ReplayRequest',
  z.object({
    script: z
      .union([ScriptName, Script])
      .describe('A shipped script’s name (GET /api/replays lists them), or a script'),
    station_id: Id.optional().describe('The station of lane 0 (the floor’s first by default)'),
    speed: Speed.optional().describe(
      '1 (the default) plays the script’s times; 10 ten times faster',
    ),
  }),
);

/** `POST /replays` as first read: the script itself is checked after, as a 422. */
const ReplayRequest = z.object({
  script: z.union([ScriptName, z.record(z.string(), z.unknown())], {
    error: 'script: a shipped script’s name, or a script object',
  }),
  station_id: Id.optional(),
  speed: Speed.optional(),
});

const ScriptSummary = z.object({
  name: ScriptName,
  title: z.string(),
  description: z.string().nullable(),
  stations: z.union([z.number().int().positive(), z.literal('all')]),
  steps: z.number().int().positive(),
});
const ReplayList = z.object({
  scripts: z.array(ScriptSummary),
  /** Newest first. */
  replays: z.array(Progress),
});

const ReplayParams = z.object({ id: pathId('Replay id, e.g. "rpl-…"') });
const SessionParams = z.object({ id: pathId('Session id') });

export interface ReplayRouteDeps {
  replays: Replays;
}

/** The replay routes, to be mounted on the API (their paths are /replays… and /sessions/…). */
export function replayRoutes({ replays }: ReplayRouteDeps) {
  const found = (id: string) => {
    const progress = replays.get(id);
    if (!progress) throw new ApiError('replay_not_found', `No replay "${id}"`);
    return progress;
  };

  return apiRoutes()
    .openapi(
      createRoute({
        method: 'get',
        path: '/replays',
        operationId: 'listReplays',
        tags: ['Replays'],
        summary: 'The shipped replay scripts, and the replays started',
        ...staffOnly,
        responses: {
          200: answer(ReplayList, 'Scripts by name; replays newest first'),
          ...staffRefusal,
          ...unexpected,
        },
      }),
      (c) =>
        c.json(
          {
            scripts: replays.scripts().map((s) => ({
              name: s.name,
              title: s.title,
              description: s.description ?? null,
              stations: s.stations,
              steps: s.steps.length,
            })),
            replays: replays.list(),
          },
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/replays',
        operationId: 'startReplay',
        tags: ['Replays'],
        summary: 'Run a replay script on the floor (a rehearsal)',
        description:
          'Every input it sends goes through the same door as a kiosk’s, with source `replay`; ' +
          'the sessions it drives are rehearsals: their bookings hold no slot, their invoices ' +
          'are numbered apart, and the history marks them. Answers at once; follow it with ' +
          '`GET /api/replays/{id}`.',
        middleware: jsonOnly(ReplayRequest),
        ...staffOnly,
        request: {
          headers: WriteHeaders,
          body: {
            required: true,
            description: 'The script, where, and how fast',
            content: { 'application/json': { schema: refTo(ReplayRequestDoc) } },
          },
        },
        responses: {
          202: answer(Progress, 'Started (the same key again: the same replay)'),
          400: refusal(['invalid_body', 'invalid_json']),
          ...staffRefusal,
          404: refusal(['script_not_found', 'station_not_found']),
          409: refusal(['replay_running'], 'another replay drives one of its stations'),
          422: refusal(['script_invalid'], "the script's fields in details, e.g. steps.3.action"),
          ...writeRefusals,
        },
      }),
      async (c) => {
        // Read here, not by the validator: the script object is checked on its own (a 422).
        let raw: unknown;
        try {
          raw = JSON.parse(await c.req.text());
        } catch {
          throw new ApiError('invalid_json', 'The request body is not valid JSON');
        }
        const body = ReplayRequest.safeParse(raw);
        if (!body.success) {
          throw new ApiError(
            'invalid_body',
            'The request body is not valid',
            zodDetails(body.error),
          );
        }
        let script: string | ReplayScript;
        if (typeof body.data.script === 'string') {
          script = body.data.script;
        } else {
          const parsed = ReplayScript.safeParse(body.data.script);
          if (!parsed.success) {
            throw new ApiError(
              'script_invalid',
              'The script is not valid',
              zodDetails(parsed.error),
            );
          }
          script = parsed.data;
        }
        const progress = replays.start({
          script,
          station_id: body.data.station_id,
          speed: body.data.speed,
          key: c.req.header('idempotency-key'),
        });
        return c.json(progress, 202);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/replays/{id}',
        operationId: 'getReplay',
        tags: ['Replays'],
        summary: 'Where a replay is',
        ...staffOnly,
        request: { params: ReplayParams },
        responses: {
          200: answer(Progress, 'Its progress: steps taken of all, the sessions it drives'),
          ...staffRefusal,
          404: refusal(['replay_not_found']),
          ...unexpected,
        },
      }),
      (c) => c.json(found(c.req.param('id')), 200),
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/replays/{id}',
        operationId: 'stopReplay',
        tags: ['Replays'],
        summary: 'Stop a replay',
        description:
          'Its pending steps are dropped; the stations stay where they are (reset them to start ' +
          'afresh). A replay that has ended already is answered as it ended.',
        ...staffOnly,
        request: { params: ReplayParams },
        responses: {
          200: answer(Progress, 'Stopped (or as it had ended)'),
          ...staffRefusal,
          404: refusal(['replay_not_found']),
          ...unexpected,
        },
      }),
      (c) => {
        const id = c.req.param('id');
        found(id);
        return c.json(replays.stop(id)!, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/sessions/{id}/script',
        operationId: 'getSessionScript',
        tags: ['Replays'],
        summary: "A session's journal as a replay script",
        description:
          'Its inputs at the times they came, for one station: `POST /api/replays` with it ' +
          'drives a fresh session to the same estimate, dealer and totals (a rehearsal).',
        ...staffOnly,
        request: { params: SessionParams },
        responses: {
          200: answer(Script, 'The script'),
          ...staffRefusal,
          404: refusal(['session_not_found']),
          422: refusal(['script_invalid'], 'the session has no inputs yet'),
          ...unexpected,
        },
      }),
      (c) => c.json(replays.scriptOf(c.req.param('id')), 200),
    );
}
