/**
 * The telemetry shapes the damage analysis accepts, as zod schemas, and the one entry point
 * that recognises and validates them (`parseTelemetry`).
 *
 * Four shapes (see /work/shared/BEAMNG.md):
 *  - `beamng_sensor`: BeamNG's Damage sensor payload, bare, beside a State payload, under a
 *    `damage` key, or inside a `SensorData` reply; snake_case or the older camelCase keys;
 *    `part_damage` / `deform_group_damage` may arrive as an empty array (an empty Lua table).
 *  - `legacy_mod`: the crash-event the earlier build's `vw_damage_reporter` mod posts.
 *  - `normalized`: a list of components with levels, for other tools and tests.
 *  - `manual`: zones and severities typed by staff when no simulator data exists.
 *
 * Schemas are tolerant where the real world varies (extra keys are ignored, Lua's empty
 * tables, floats where integers are meant, numbers or `{name, damage}` objects) and strict
 * where a wrong value would change the estimate (damage must be a finite number).
 */
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { DamageType, IsoDateTime } from '../../machines/schemas.js';
import type { TelemetryShape } from '../../machines/schemas.js';
import { MANUAL_SEVERITIES, MANUAL_ZONES } from './zones.js';

/** A Lua table that was empty and got encoded as a JSON array instead of an object. */
const EmptyLuaTable = z
  .array(z.unknown())
  .max(0, 'expected an object (only an empty array is accepted in its place)');

/** An id that Lua may send as a float (12.0), an integer, or a string. */
const LooseId = z.union([z.number(), z.string()]);

const Vec3Array = z.array(z.number()).min(3);
const XYZ = z.object({ x: z.number(), y: z.number(), z: z.number() });

// ---------------------------------------------------------------------------------------------
// beamng_sensor

/** One `part_damage` value: BeamNG sends `{name, damage}`; a bare number is accepted too.
 *  The common shape goes first: a union stops at the first option that fits, and a failed
 *  option costs an issue object (measured: 2 µs per entry the other way round). */
export const PartDamageValue = z.union([
  z.object({ name: z.string().nullish(), damage: z.number() }),
  z.number(),
]);
export type PartDamageValue = z.infer<typeof PartDamageValue>;

/** `part_damage`: only damaged parts; an empty one may arrive as `[]`. */
export const PartDamageMap = z.union([z.record(z.string(), PartDamageValue), EmptyLuaTable]);

/** One deform group: `{damage 0..1, eventCount, maxEvents, invMaxEvents}` (counts may be floats). */
export const DeformGroupValue = z.union([
  z.object({
    damage: z.number(),
    eventCount: z.number().optional(),
    maxEvents: z.number().optional(),
    invMaxEvents: z.number().optional(),
  }),
  z.number(),
]);
export const DeformGroupMap = z.union([z.record(z.string(), DeformGroupValue), EmptyLuaTable]);

/** Keys that mark an object as a Damage sensor payload (either spelling). */
const DAMAGE_PAYLOAD_KEYS = [
  'part_damage',
  'partDamage',
  'deform_group_damage',
  'deformGroupDamage',
  'damage_ext',
  'damageExt',
] as const;

/** A part or deform group as the analysis sees it, whatever spelling it arrived in. */
export interface DamageEntry {
  id: string;
  name: string | null;
  damage: number;
}

/** The Damage sensor payload, both spellings, normalised to snake_case entries. */
export const BeamngDamagePayload = z
  .object({
    damage: z.number().optional(),
    damage_ext: z.number().optional(),
    damageExt: z.number().optional(),
    lowpressure: z.union([z.boolean(), z.number()]).optional(),
    part_damage: PartDamageMap.optional(),
    partDamage: PartDamageMap.optional(),
    deform_group_damage: DeformGroupMap.optional(),
    deformGroupDamage: DeformGroupMap.optional(),
  })
  .refine(
    (p) => p.damage !== undefined || DAMAGE_PAYLOAD_KEYS.some((k) => p[k] !== undefined),
    'a Damage sensor payload needs `damage`, `part_damage` or `deform_group_damage`',
  )
  .transform((p) => ({
    damage: p.damage ?? null,
    damage_ext: p.damage_ext ?? p.damageExt ?? null,
    lowpressure: Boolean(p.lowpressure),
    part_damage: partEntries(p.part_damage ?? p.partDamage),
    deform_group_damage: groupEntries(p.deform_group_damage ?? p.deformGroupDamage),
  }));
export type BeamngDamagePayload = z.output<typeof BeamngDamagePayload>;

/** The State sensor payload; every field optional because we only keep it for context. */
export const BeamngStatePayload = z.object({
  time: z.number().optional(),
  pos: Vec3Array.optional(),
  dir: Vec3Array.optional(),
  up: Vec3Array.optional(),
  vel: Vec3Array.optional(),
  front: Vec3Array.optional(),
  rotation: z.array(z.number()).min(4).optional(),
});
export type BeamngStatePayload = z.infer<typeof BeamngStatePayload>;

function partEntries(map: z.infer<typeof PartDamageMap> | undefined): DamageEntry[] {
  if (!map || Array.isArray(map)) return [];
  return Object.entries(map).map(([id, v]) =>
    typeof v === 'number'
      ? { id, name: null, damage: v }
      : { id, name: v.name ?? null, damage: v.damage },
  );
}

function groupEntries(map: z.infer<typeof DeformGroupMap> | undefined): DamageEntry[] {
  if (!map || Array.isArray(map)) return [];
  return Object.entries(map).map(([id, v]) => ({
    id,
    name: null,
    damage: typeof v === 'number' ? v : v.damage,
  }));
}

// ---------------------------------------------------------------------------------------------
// legacy_mod

/** A `broken_parts` item: a part id, or an object naming one. */
const BrokenPart = z.union([
  z.string().min(1),
  z.object({ id: z.string().optional(), name: z.string().optional(), part: z.string().optional() }),
]);

/** The crash-event JSON posted by the earlier build's `vw_damage_reporter` mod, accepted as it is. */
export const LegacyCrashEvent = z.object({
  event_type: z.string().optional(),
  /** Unix seconds (Lua may send a float). */
  timestamp: z.number().optional(),
  timestamp_iso: z.string().optional(),
  vehicle: z
    .object({
      id: LooseId.optional(),
      name: z.string().nullish(),
      model: z.string().nullish(),
      brand: z.string().nullish(),
      year: LooseId.nullish(),
      config: z.unknown().optional(),
    })
    .optional(),
  position: XYZ.optional(),
  velocity: z
    .object({
      x: z.number(),
      y: z.number(),
      z: z.number(),
      speed_ms: z.number().optional(),
      speed_kmh: z.number().optional(),
      speed_mph: z.number().optional(),
    })
    .optional(),
  rotation: z.object({ x: z.number(), y: z.number(), z: z.number(), w: z.number() }).optional(),
  damage: z.object({
    total_damage: z.number().optional(),
    previous_damage: z.number().optional(),
    damage_delta: z.number().optional(),
    part_damage: PartDamageMap.optional(),
    damage_by_zone: z.union([z.record(z.string(), z.number()), EmptyLuaTable]).optional(),
    broken_parts: z.union([z.array(BrokenPart), z.object({}).strict()]).optional(),
    broken_parts_count: z.number().optional(),
  }),
  metadata: z
    .object({
      mod_version: z.string().optional(),
      beamng_version: z.string().optional(),
      damage_threshold: z.number().optional(),
    })
    .optional(),
});
export type LegacyCrashEvent = z.infer<typeof LegacyCrashEvent>;

/** The legacy event's parts as entries (numbers and `{name, damage}` objects alike). */
export function legacyPartEntries(event: LegacyCrashEvent): DamageEntry[] {
  return partEntries(event.damage.part_damage);
}

/** The legacy event's broken parts as ids (objects give their id, part or name). */
export function legacyBrokenParts(
  event: LegacyCrashEvent,
): Array<{ id: string; name: string | null }> {
  const list = event.damage.broken_parts;
  if (!list || !Array.isArray(list)) return [];
  const out: Array<{ id: string; name: string | null }> = [];
  for (const item of list) {
    if (typeof item === 'string') out.push({ id: item, name: null });
    else {
      const id = item.id ?? item.part ?? item.name;
      if (id) out.push({ id, name: item.name ?? null });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// normalized and manual

export const NormalizedTelemetry = z.object({
  components: z.array(
    z.object({
      component_name: z.string().min(1),
      damage_level: z.number().min(0).max(1),
      damage_type: DamageType.optional(),
      /** Accepted but not used: locations come from data/components.json. */
      location: z.array(z.number()).optional(),
    }),
  ),
  vehicle_model: z.string().min(1).optional(),
  crash_timestamp: IsoDateTime.optional(),
});
export type NormalizedTelemetry = z.infer<typeof NormalizedTelemetry>;

export const ManualZone = z.enum(MANUAL_ZONES);
export type ManualZone = z.infer<typeof ManualZone>;
export const ManualSeverity = z.enum(MANUAL_SEVERITIES);
export type ManualSeverity = z.infer<typeof ManualSeverity>;

/** Staff's manual entry: zones of the car and how badly each was hit. */
export const ManualTelemetry = z.object({
  manual: z.literal(true),
  zones: z.array(z.object({ zone: ManualZone, severity: ManualSeverity })).min(1),
  vehicle_model: z.string().min(1).optional(),
});
export type ManualTelemetry = z.infer<typeof ManualTelemetry>;

// ---------------------------------------------------------------------------------------------
// Recognising and parsing

/** A validated telemetry payload, tagged with its shape. */
export type ParsedTelemetry =
  | { shape: 'beamng_sensor'; payload: BeamngDamagePayload; state: BeamngStatePayload | null }
  | { shape: 'legacy_mod'; event: LegacyCrashEvent }
  | { shape: 'normalized'; telemetry: NormalizedTelemetry }
  | { shape: 'manual'; telemetry: ManualTelemetry };

export type TelemetryErrorCode = Extract<
  ErrorCode,
  'telemetry_invalid' | 'telemetry_empty' | 'telemetry_too_large' | 'vehicle_model_required'
>;

/** One problem in a payload: the field path (as zod gives it) and what is wrong there. */
export interface TelemetryIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * Telemetry that cannot be analysed. `code` says why: `telemetry_invalid` (not a known shape,
 * or a field is wrong: see `issues`), `telemetry_empty` (valid, but nothing is damaged), or
 * `vehicle_model_required` (no model given and none could be read from the payload).
 * The HTTP layer answers 422 with `code`, `message` and the issue paths.
 */
export class TelemetryError extends Error {
  constructor(
    readonly code: TelemetryErrorCode,
    message: string,
    readonly issues: TelemetryIssue[] = [],
  ) {
    super(message);
    this.name = 'TelemetryError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function looksLikeDamagePayload(v: unknown): boolean {
  return isRecord(v) && (typeof v.damage === 'number' || DAMAGE_PAYLOAD_KEYS.some((k) => k in v));
}

function looksLikeLegacyEvent(v: Record<string, unknown>): boolean {
  if ('event_type' in v) return true;
  const d = v.damage;
  return isRecord(d) && ('total_damage' in d || 'damage_by_zone' in d || 'broken_parts' in d);
}

/**
 * Which shape a raw payload claims to be, from its structure alone (before validation), or
 * null when it looks like none of them. Detection is loose on purpose so that a payload with
 * a wrong field is reported against its own schema, with that field's path.
 */
export function detectTelemetryShape(raw: unknown): TelemetryShape | null {
  if (!isRecord(raw)) return null;
  if (raw.manual === true || (Array.isArray(raw.zones) && !('components' in raw))) return 'manual';
  if (Array.isArray(raw.components)) return 'normalized';
  if (looksLikeLegacyEvent(raw)) return 'legacy_mod';
  if (raw.type === 'SensorData' && isRecord(raw.data)) return 'beamng_sensor';
  if (looksLikeDamagePayload(raw)) return 'beamng_sensor';
  if (looksLikeDamagePayload(raw.damage)) return 'beamng_sensor';
  return null;
}

function issuesOf(error: z.ZodError, prefix: Array<string | number> = []): TelemetryIssue[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    message: i.message,
  }));
}

function parseWith<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  shape: TelemetryShape,
  prefix: Array<string | number> = [],
): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issues = issuesOf(result.error, prefix);
    const first = issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    throw new TelemetryError(
      'telemetry_invalid',
      `invalid ${shape} telemetry${where}: ${first?.message ?? 'invalid'}`,
      issues,
    );
  }
  return result.data;
}

/**
 * Finds the Damage payload (and a State payload, if any) in the accepted sensor wrappings:
 * a SensorData reply, `{damage: {...}, state: {...}}`, or a bare payload with State fields
 * beside it.
 */
function unwrapSensor(raw: Record<string, unknown>): {
  payload: unknown;
  payloadPath: Array<string | number>;
  state: unknown;
  statePath: Array<string | number>;
} {
  if (raw.type === 'SensorData' && isRecord(raw.data)) {
    const entries = Object.entries(raw.data);
    const damage = entries.find(([, v]) => looksLikeDamagePayload(v));
    const state = entries.find(([, v]) => isRecord(v) && 'pos' in v && v !== damage?.[1]);
    if (!damage) {
      throw new TelemetryError(
        'telemetry_invalid',
        'SensorData reply holds no Damage sensor payload',
        [{ path: ['data'], message: 'no entry with part_damage, deform_group_damage or damage' }],
      );
    }
    return {
      payload: damage[1],
      payloadPath: ['data', damage[0]],
      state: state?.[1] ?? null,
      statePath: state ? ['data', state[0]] : [],
    };
  }
  if (isRecord(raw.damage) && looksLikeDamagePayload(raw.damage)) {
    return {
      payload: raw.damage,
      payloadPath: ['damage'],
      state: raw.state ?? null,
      statePath: ['state'],
    };
  }
  // A bare payload; State fields may sit beside it.
  return {
    payload: raw,
    payloadPath: [],
    state: 'pos' in raw ? raw : (raw.state ?? null),
    statePath: 'pos' in raw ? [] : ['state'],
  };
}

/** More parts than any real car reports (a T-Cross has a few hundred): refused unread. */
export const MAX_TELEMETRY_PARTS = 2000;

/** The keys under which every accepted shape lists its parts, groups, zones or components. */
const PART_COLLECTION_KEYS = new Set<string>([
  ...DAMAGE_PAYLOAD_KEYS,
  'damage_by_zone',
  'broken_parts',
  'components',
  'zones',
]);

/** The number of keys of `record`, counting no further than `max` (no 30,000-key array). */
function keysUpTo(record: object, max: number): number {
  let n = 0;
  for (const key in record) {
    if (Object.hasOwn(record, key) && ++n >= max) break;
  }
  return n;
}

/** Entries in the part collections of a payload, counted without reading the entries; stops
 *  counting past `limit`. Wrappers (SensorData, `{damage, state}`) are a few levels deep. */
function partCount(value: unknown, limit: number, depth = 0): number {
  if (!isRecord(value)) return 0;
  let n = 0;
  for (const [key, child] of Object.entries(value)) {
    if (PART_COLLECTION_KEYS.has(key) && typeof child === 'object' && child !== null) {
      n += Array.isArray(child) ? child.length : keysUpTo(child, limit - n + 1);
    } else if (depth < 3) {
      n += partCount(child, limit - n, depth + 1);
    }
    if (n > limit) return n;
  }
  return n;
}

/** Refuses telemetry listing more parts than a real car has, before any parsing: a 50,000-part
 *  body would otherwise hold the event loop (and every station's screen) for seconds. */
export function assertPlausibleSize(raw: unknown): void {
  const n = partCount(raw, MAX_TELEMETRY_PARTS);
  if (n > MAX_TELEMETRY_PARTS) {
    throw new TelemetryError(
      'telemetry_too_large',
      `the telemetry lists more than ${MAX_TELEMETRY_PARTS} parts; no real car has that many`,
      [{ path: [], message: `at most ${MAX_TELEMETRY_PARTS} parts` }],
    );
  }
}

/** Recognises and validates a telemetry payload; throws TelemetryError with field paths. */
export function parseTelemetry(raw: unknown): ParsedTelemetry {
  assertPlausibleSize(raw);
  const shape = detectTelemetryShape(raw);
  if (shape === null || !isRecord(raw)) {
    throw new TelemetryError(
      'telemetry_invalid',
      'unrecognised telemetry: expected a BeamNG Damage sensor payload, a crash-event, a components list or a manual entry',
      [{ path: [], message: 'unrecognised telemetry shape' }],
    );
  }
  switch (shape) {
    case 'manual':
      return { shape, telemetry: parseWith(ManualTelemetry, raw, shape) };
    case 'normalized':
      return { shape, telemetry: parseWith(NormalizedTelemetry, raw, shape) };
    case 'legacy_mod':
      return { shape, event: parseWith(LegacyCrashEvent, raw, shape) };
    case 'beamng_sensor': {
      const found = unwrapSensor(raw);
      const payload = parseWith(BeamngDamagePayload, found.payload, shape, found.payloadPath);
      const state =
        found.state === null
          ? null
          : parseWith(BeamngStatePayload, found.state, shape, found.statePath);
      return { shape, payload, state };
    }
  }
}
