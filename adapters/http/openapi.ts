/**
 * The API described from its own zod schemas (@hono/zod-openapi): every route under /api is
 * declared with `createRoute` (params, query, headers, body, and every status it can answer), and
 * the OpenAPI 3.1 document is served at `GET /api/openapi.json`, which /api/docs renders.
 *
 * Also here: what every route shares — the validation hook that keeps the API's 400 answers, the
 * write headers, the error answers — and the names the document gives the shared schemas.
 */
import { createRequire } from 'node:module';
import { OpenApiGeneratorV31, zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { OpenAPIHono } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { ClientCommand, RigStatus, SessionView, TopLevelState } from '../../actors/protocol.js';
import { JournalEntry } from '../../machines/envelope.js';
import type { ErrorCode } from '../../actors/errors.js';
import {
  Appointment,
  ComponentDamage,
  DamageReport,
  DealerHit,
  EstimateLine,
  Invoice,
  LiveDamage,
  Locale,
  Money,
  PartsRequirement,
  RepairEstimate,
  SessionError,
  Slot,
} from '../../machines/schemas.js';
import { validationHook } from './errors.js';
import { REQUEST_ID_HEADER, type RequestEnv } from './request-log.js';
import * as answers from './schemas.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export const OPENAPI_PATH = '/api/openapi.json';

export type OpenAPIDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/** Schemas the document names (components/schemas), in the order they are generated. */
const components = new Map<string, z.ZodType>();

/**
 * Gives `schema` a name in the document: wherever it appears, nested ones included, it becomes a
 * `$ref`. zod-to-openapi's `.openapi(name)` would name a copy, and the shared schemas nest the
 * originals (SessionView holds DamageReport...), so the originals are marked in its registry.
 */
export function component<T extends z.ZodType>(name: string, schema: T, description?: string): T {
  zodToOpenAPIRegistry.add(schema, {
    _internal: { refId: name },
    ...(description && { description }),
  });
  components.set(name, schema);
  return schema;
}

/** A `$ref` to a named schema, for a body documented but not validated by the route. */
export function refTo(schema: z.ZodType): { $ref: string } {
  const name = [...components].find(([, named]) => named === schema)?.[0];
  if (name === undefined) throw new Error('refTo: the schema has no name (see `component`)');
  return { $ref: `#/components/schemas/${name}` };
}

// The generator builds a component where it first meets it, and a first meeting as a nullable
// field would make the component itself nullable: so each comes before the schemas that nest it.
// (The test checks no component accepts null.)
component('Money', Money, 'A decimal amount as a string with two decimals, e.g. "1234.50"');
component('Locale', Locale);
component('TopLevelState', TopLevelState, "The session's top-level state: which screen to show");
component('SessionError', SessionError, 'An error a person can act on');
component('LiveDamage', LiveDamage, 'Live damage shown while the attendee drives');
component('Slot', Slot);
component('ComponentDamage', ComponentDamage, 'One damaged component of the car');
component('DamageReport', DamageReport);
component('EstimateLine', EstimateLine, 'One numbered estimate line: an operation on a component');
component('PartsRequirement', PartsRequirement, 'One priced part');
component('RepairEstimate', RepairEstimate);
component('DealerHit', DealerHit, 'A dealer, with its distance from the place searched');
component('Appointment', Appointment);
component('Invoice', Invoice, 'An illustrative invoice of an appointment');
component('RigStatus', RigStatus, "A station's link to its simulator rig");
component('SessionView', SessionView, "Everything a screen needs to draw one station's session");
component('ClientCommand', ClientCommand, 'A command a kiosk (or staff) sends to its station');
component(
  'JournalEntry',
  JournalEntry,
  'One input or transition of a session, and the state it led to',
);
component('Error', answers.ErrorResponse, 'Every refusal; the code decides the status');
component('Health', answers.Health);
component('VehicleSummary', answers.VehicleSummary);
component('StationSummary', answers.StationSummary);
component('StationAnalysis', answers.StationAnalysis);
component('StatelessAnalysis', answers.StatelessAnalysis);
component('RepairAnswer', answers.RepairAnswer);
component('TelemetrySample', answers.TelemetrySample);
component('BeamngStatus', answers.BeamngStatus);
component('CrashEventAccepted', answers.CrashEventAccepted);
component('CrashEventBusy', answers.CrashEventBusy);
component('CrashEventIgnored', answers.CrashEventIgnored);

/**
 * A sub-app of the API. A failed parse of its params, query, headers or body throws the API's
 * validation error (invalid_body / invalid_query, 400, the fields in details), as it always has.
 */
export function apiRoutes() {
  return new OpenAPIHono<RequestEnv>({
    defaultHook: (result, c) =>
      validationHook(
        result.target === 'json' ? 'json' : result.target === 'param' ? 'param' : 'query',
      )(result, c),
  });
}

/** hono/validator's test for a JSON body: anything else is read as `{}`. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Route middleware for a JSON body. @hono/zod-openapi answers a body of another media type with
 * a bare 415; this API has always read such a body as `{}` and refused it as invalid_body naming
 * the missing fields, so it still does, before that gate.
 */
export function jsonOnly(schema: z.ZodType) {
  return createMiddleware<RequestEnv>(async (c, next) => {
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) validationHook('json')(schema.safeParse({}), c);
    await next();
  });
}

/** A required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T, description: string) {
  return { required: true, description, content: { 'application/json': { schema } } };
}

/** Every answer carries the request's correlation id. */
const RequestIdEcho = z.object({
  [REQUEST_ID_HEADER]: z
    .string()
    .describe('The correlation id: the caller’s own when it sent a sane one, else a fresh one'),
});

/** A JSON answer with this schema. */
export function answer<T extends z.ZodType>(schema: T, description: string) {
  return { description, headers: RequestIdEcho, content: { 'application/json': { schema } } };
}

/** An error answer, naming the codes it can carry (the test checks each against the status). */
export function refusal(codes: readonly ErrorCode[], note?: string) {
  const listed = codes.map((code) => `\`${code}\``).join(', ');
  return answer(answers.ErrorResponse, note ? `${listed}: ${note}` : listed);
}

/** The refusals of a crash whose telemetry cannot be analysed. */
export const UNUSABLE_TELEMETRY = [
  'telemetry_invalid',
  'telemetry_empty',
  'telemetry_too_large',
  'unknown_vehicle_model',
  'vehicle_model_required',
] as const satisfies readonly ErrorCode[];

/** What any route can answer besides its own: a bug of ours (logged, never the client's input). */
export const unexpected = {
  500: refusal(['internal_error'], 'a bug on the server; it is logged'),
} as const;

/** What every route that takes a body can also answer. */
export const writeRefusals = {
  413: refusal(['payload_too_large'], 'bodies are limited to 1 MB'),
  ...unexpected,
} as const;

/** A path id, taken as it comes: an id no record has is a 404 from the handler, as before. */
export const pathId = (description: string) => z.string().describe(description);
export const StationParams = z.object({ id: pathId('Station id, e.g. "1"') });

/** The write headers: never refused, so they only document what the routes read. */
const IdempotencyKey = z
  .string()
  .optional()
  .describe(
    'Makes a write safe to repeat: the same key gets the same answer and does its work once ' +
      '(a `request_id` body field, where there is one, wins over it)',
  );
const RequestId = z
  .string()
  .optional()
  .describe(
    'Correlation id for the logs, echoed in the answer; kept when it matches ' +
      '`^[A-Za-z0-9._:-]{1,128}$`, else replaced by a fresh one',
  );
const StationId = z
  .string()
  .optional()
  .describe('The station, for a rig set up for the earlier build (the body field wins)');

/** Headers of every write: its idempotency key and correlation id (never refused). */
export const WriteHeaders = z.object({
  'Idempotency-Key': IdempotencyKey,
  [REQUEST_ID_HEADER]: RequestId,
});
/** The write headers and the station header the rig-facing routes read. */
export const RigHeaders = WriteHeaders.extend({ 'X-Station-Id': StationId });

const DESCRIPTION = `The kiosk floor's HTTP API: stations and their sessions, damage analysis, repair estimates, dealers, appointments and invoices.

- **Fields** are snake_case, as in the client's seed data models.
- **Money** is a decimal string with two decimals (\`"1234.50"\`), never a number; times are ISO-8601 with an offset.
- **Errors** are all \`{"error": {"code", "message", "details"?}}\`; the code decides the status: 400 malformed (validation errors list \`{path, message}\` in details), 404 unknown id, 409 not now (the session is elsewhere, the slot is taken), 413 body over 1 MB, 422 well-formed but unusable (telemetry, model, market, slot), 504 the session did not get there in time. Each answer below names its codes.
- **X-Request-Id** (optional) is the correlation id of a request, echoed in every answer and on every log line.
- **Idempotency-Key** (optional, on writes) makes a write safe to repeat: the same key gets the same answer, and the side effect happens once.
- **Live views**: the WebSocket \`/ws?station={id}\` sends a station's SessionView at once and on every change, and takes ClientCommand messages; it is not described here. Neither are the kiosk pages nor this reference (\`/api/docs\`).`;

const TAGS = [
  { name: 'Floor', description: 'Health, vehicles and stations' },
  { name: 'Sessions', description: 'A station’s session: its view and the commands it takes' },
  { name: 'Damage', description: 'Crash telemetry in, damage report out' },
  { name: 'Estimates', description: 'Repair estimates of a damage report' },
  { name: 'Dealers', description: 'Dealers near a place and their open slots' },
  { name: 'Appointments', description: 'Booking a slot, and the invoice of an appointment' },
  { name: 'Simulator', description: 'What reaches a station from the rig side' },
  { name: 'Staff', description: 'The staff console: the audit log, inspection (staff token)' },
  { name: 'Replays', description: 'Scripted rehearsals on the stations (staff token)' },
];

/** The document's own fields; paths and components come from the routes. */
const DOCUMENT = {
  openapi: '3.1.0',
  info: { title: 'Crash-to-repair API', version, description: DESCRIPTION },
  tags: TAGS,
};

/** The security scheme of the staff routes: the staff token as a bearer token (or its cookie). */
export const STAFF_SCHEME = 'staffToken';

/** What a staff route declares: the scheme, and the 401 it answers without the token. */
export const staffOnly: { security: Record<string, string[]>[] } = {
  security: [{ [STAFF_SCHEME]: [] }],
};
export const staffRefusal = {
  401: refusal(['unauthorized'], 'no staff token, or a wrong one'),
} as const;

/**
 * The OpenAPI 3.1 document of `app` (the app with the API mounted at /api, so its paths are the
 * mounted ones). Pages, /ws and /api/docs are plain Hono sub-apps and so are not in it.
 */
export function openApiDocument(app: OpenAPIHono<RequestEnv>): OpenAPIDocument {
  // What app.getOpenAPI31Document does, with the named schemas first, in dependency order (see
  // `component`). Added as definitions directly: the registry's `register` would call
  // `.openapi()`, which only schemas made after @hono/zod-openapi loaded have.
  const named = [...components.values()].map((schema) => ({ type: 'schema' as const, schema }));
  const generator = new OpenApiGeneratorV31([...named, ...app.openAPIRegistry.definitions], {
    sortComponents: 'alphabetically',
  });
  const document = generator.generateDocument(DOCUMENT);
  document.components = {
    ...document.components,
    securitySchemes: {
      [STAFF_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        description:
          'The staff token (STAFF_TOKEN, or the one printed at start). Browsers send it as the ' +
          'HttpOnly cookie the one-click staff URL sets.',
      },
    },
  };
  nullableRefs(document);
  return document;
}

/** Serves `openApiDocument(app)` at `GET /api/openapi.json`, made on the first ask. */
export function serveOpenApi(app: OpenAPIHono<RequestEnv>) {
  let document: OpenAPIDocument | undefined;
  app.get(OPENAPI_PATH, (c) => c.json((document ??= openApiDocument(app))));
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * zod-to-openapi writes a nullable reference as `allOf: [{$ref}, {type: [..., 'null']}]`, which
 * no null satisfies (it must match the $ref too): rewritten, in place, as OpenAPI 3.1 says it,
 * `anyOf: [{$ref}, {type: 'null'}]`.
 */
function nullableRefs(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(nullableRefs);
  if (!isRecord(node)) return;
  for (const value of Object.values(node)) nullableRefs(value);
  const [ref, nullable, ...more] = Array.isArray(node.allOf) ? node.allOf : [];
  if (more.length > 0 || !isRecord(ref) || !isRecord(nullable)) return;
  const { type, ...other } = nullable;
  if (Object.keys(ref).join() !== '$ref' || !Array.isArray(type) || !type.includes('null')) return;
  if (Object.keys(other).some((key) => key !== 'description')) return;
  delete node.allOf;
  Object.assign(node, other, { anyOf: [ref, { type: 'null' }] });
}

/** The response schemas the routes declare: operationId → status → zod schema (for tests). */
export function responseSchemas(
  app: Pick<OpenAPIHono, 'openAPIRegistry'>,
): Record<string, Record<string, z.ZodType>> {
  const out: Record<string, Record<string, z.ZodType>> = {};
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== 'route' || !def.route.operationId) continue;
    const byStatus: Record<string, z.ZodType> = {};
    for (const [status, response] of Object.entries(def.route.responses)) {
      const schema = 'content' in response ? response.content?.['application/json'] : undefined;
      if (schema && 'schema' in schema && schema.schema instanceof z.ZodType) {
        byStatus[status] = schema.schema;
      }
    }
    out[def.route.operationId] = byStatus;
  }
  return out;
}
