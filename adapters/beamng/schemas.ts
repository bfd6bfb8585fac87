/**
 * The BeamNG payloads this project relies on, as zod schemas: a strict normalised shape (what the
 * rest of the project stores and reads) and a lenient wire parser in front of it that accepts what
 * the simulator really sends — snake_case or older camelCase keys, ids as floats, `part_damage` as
 * an empty array (an empty Lua table), vectors as arrays or `{x,y,z}` maps.
 *
 * The normalised damage keeps BeamNG's own snake_case names, so a stored reading is still a
 * `beamng_sensor` telemetry shape.
 */
import { z } from 'zod';

/** An integer id that may arrive as a float (10000.0, or 10000.0000001 after Lua arithmetic) or a digit string. */
export const WireInt = z.preprocess(
  (value) =>
    typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value,
  z
    .number()
    .refine(
      (n) => Number.isFinite(n) && Math.abs(n - Math.round(n)) < 1e-6,
      'expected an integer (a float id must be integral)',
    )
    .transform((n) => Math.round(n)),
);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** An empty Lua table arrives as `[]`: read it as an empty map. */
const emptyArrayAsMap = (value: unknown): unknown =>
  Array.isArray(value) && value.length === 0 ? {} : value;

/** First defined value among the given keys (snake_case first, then the older camelCase). */
function pick(source: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys) if (source[key] !== undefined && source[key] !== null) return source[key];
  return undefined;
}

/** A vector as an array, a `{x,y,z[,w]}` map, or a Lua table with integer keys (1-based or 0-based). */
function vectorOf(value: unknown, size: number): unknown {
  if (Array.isArray(value) || !isPlainObject(value)) return value;
  const axes = ['x', 'y', 'z', 'w'].slice(0, size);
  if (axes.every((axis) => axis in value)) return axes.map((axis) => value[axis]);
  for (const base of [1, 0]) {
    const keys = Array.from({ length: size }, (_, i) => String(i + base));
    if (keys.every((key) => key in value)) return keys.map((key) => value[key]);
  }
  return value;
}

const Vec3 = z.tuple([z.number(), z.number(), z.number()]);
const Quat = z.tuple([z.number(), z.number(), z.number(), z.number()]);

// ---------------------------------------------------------------------------------------------
// Damage sensor

/** One damaged part: BeamNG part id → display name and damage 0..1. */
export const PartDamage = z.object({ name: z.string().nullable(), damage: z.number() });
export type PartDamage = z.infer<typeof PartDamage>;

/** One deform group (every group is listed, damaged or not). */
export const DeformGroupDamage = z.object({
  damage: z.number(),
  eventCount: z.number(),
  maxEvents: z.number(),
  invMaxEvents: z.number(),
});
export type DeformGroupDamage = z.infer<typeof DeformGroupDamage>;

/** The normalised Damage sensor reading. */
export const DamageReading = z.object({
  /** Total beam-damage accumulator: 0 when new, thousands after a real crash. */
  damage: z.number(),
  damage_ext: z.number(),
  /** A tyre lost pressure. */
  lowpressure: z.boolean(),
  part_damage: z.record(z.string(), PartDamage),
  deform_group_damage: z.record(z.string(), DeformGroupDamage),
});
export type DamageReading = z.infer<typeof DamageReading>;

function normalisePartDamage(value: unknown): unknown {
  const map = emptyArrayAsMap(value ?? {});
  if (!isPlainObject(map)) return map;
  return Object.fromEntries(
    Object.entries(map).map(([id, entry]) => {
      if (typeof entry === 'number') return [id, { name: null, damage: entry }];
      if (isPlainObject(entry))
        return [
          id,
          {
            name: typeof entry['name'] === 'string' ? entry['name'] : null,
            damage: entry['damage'],
          },
        ];
      return [id, entry];
    }),
  );
}

function normaliseDeformGroups(value: unknown): unknown {
  const map = emptyArrayAsMap(value ?? {});
  if (!isPlainObject(map)) return map;
  return Object.fromEntries(
    Object.entries(map).map(([group, entry]) => {
      if (typeof entry === 'number')
        return [group, { damage: entry, eventCount: 0, maxEvents: 0, invMaxEvents: 0 }];
      if (isPlainObject(entry)) {
        return [
          group,
          {
            damage: entry['damage'],
            eventCount: pick(entry, 'eventCount', 'event_count') ?? 0,
            maxEvents: pick(entry, 'maxEvents', 'max_events') ?? 0,
            invMaxEvents: pick(entry, 'invMaxEvents', 'inv_max_events') ?? 0,
          },
        ];
      }
      return [group, entry];
    }),
  );
}

/** Lenient wire parser for a Damage sensor payload → `DamageReading`. */
export const DamageSensorPayload = z.preprocess((raw) => {
  if (!isPlainObject(raw)) return raw;
  return {
    damage: pick(raw, 'damage', 'totalDamage', 'total_damage'),
    damage_ext: pick(raw, 'damage_ext', 'damageExt') ?? 0,
    lowpressure: pick(raw, 'lowpressure', 'lowPressure', 'low_pressure') ?? false,
    part_damage: normalisePartDamage(pick(raw, 'part_damage', 'partDamage')),
    deform_group_damage: normaliseDeformGroups(
      pick(raw, 'deform_group_damage', 'deformGroupDamage'),
    ),
  };
}, DamageReading);

// ---------------------------------------------------------------------------------------------
// State sensor

/** The normalised State sensor reading (world frame, metres and m/s). */
export const VehicleState = z.object({
  /** Simulation time in seconds, when the simulator sent it. */
  time: z.number().nullable(),
  pos: Vec3,
  dir: Vec3.nullable(),
  up: Vec3.nullable(),
  vel: Vec3,
  front: Vec3.nullable(),
  rotation: Quat.nullable(),
});
export type VehicleState = z.infer<typeof VehicleState>;

/** Lenient wire parser for a State sensor payload → `VehicleState`. */
export const StateSensorPayload = z.preprocess((raw) => {
  // Some builds wrap the payload as {state: {...}}.
  const source =
    isPlainObject(raw) && isPlainObject(raw['state']) && !('pos' in raw) ? raw['state'] : raw;
  if (!isPlainObject(source)) return source;
  return {
    time: pick(source, 'time') ?? null,
    pos: vectorOf(source['pos'], 3),
    dir: vectorOf(pick(source, 'dir'), 3) ?? null,
    up: vectorOf(pick(source, 'up'), 3) ?? null,
    vel: vectorOf(source['vel'], 3),
    front: vectorOf(pick(source, 'front'), 3) ?? null,
    rotation: vectorOf(pick(source, 'rotation'), 4) ?? null,
  };
}, VehicleState);

/** Speed in m/s from a state reading. */
export function speedOf(state: VehicleState): number {
  const [x, y, z] = state.vel;
  return Math.hypot(x, y, z);
}

/** What `readSensors` returns. */
export const SensorReading = z.object({ damage: DamageReading, state: VehicleState });
export type SensorReading = z.infer<typeof SensorReading>;

// ---------------------------------------------------------------------------------------------
// Game socket replies

/**
 * One vehicle from GetCurrentVehicles. `vid` is what StartVehicleConnection takes: the scene
 * object name, or for a vehicle without one the id as a string (the game finds objects by either).
 */
export const VehicleInfo = z.object({
  vid: z.string().min(1),
  id: z.number().int(),
  /** The jbeam model name, e.g. "vw_tcross", "golf8", "etk800": picks the ontology. */
  model: z.string(),
  /** The scene object name; for a vehicle without one, the same as `vid` (its id). */
  name: z.string(),
  /** Part config as the simulator reports it (a .pc path or a table), when asked for. */
  config: z.unknown().optional(),
  options: z.record(z.string(), z.unknown()),
  /** The vehicle socket port, when the simulator already opened one. */
  port: z.number().int().nullable(),
});
export type VehicleInfo = z.infer<typeof VehicleInfo>;

const WireVehicle = z.object({
  id: WireInt,
  model: z.string().optional(),
  jbeam: z.string().optional(),
  name: z.string().optional(),
  vid: z.string().optional(),
  options: z.preprocess(emptyArrayAsMap, z.record(z.string(), z.unknown())).optional(),
  config: z.unknown().optional(),
  port: WireInt.nullish(),
});

/** A string that says something: '' (what Lua gives for an unnamed object) counts as missing. */
const nonEmpty = (value: string | null | undefined): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/**
 * GetCurrentVehicles reply → vehicles sorted by id. Accepts `result` as a map by name, `[]`, or a
 * list. The game keys the map by vehicle name (the id as a string when the name is nil) and an
 * unnamed vehicle may come with name `''` under the key `''`: an empty name or key is missing, so
 * such a vehicle's `vid` is its id.
 */
export const CurrentVehiclesReply = z
  .object({
    result: z.preprocess(
      emptyArrayAsMap,
      z.union([z.record(z.string(), WireVehicle), z.array(WireVehicle)]),
    ),
  })
  .transform(({ result }): VehicleInfo[] => {
    const entries: Array<[string | null, z.infer<typeof WireVehicle>]> = Array.isArray(result)
      ? result.map((vehicle) => [null, vehicle])
      : Object.entries(result);
    return entries
      .map(([key, vehicle]) => {
        const name = nonEmpty(vehicle.name);
        const vid = nonEmpty(vehicle.vid) ?? name ?? nonEmpty(key) ?? String(vehicle.id);
        return {
          vid,
          id: vehicle.id,
          model: vehicle.model ?? vehicle.jbeam ?? 'unknown',
          name: name ?? vid,
          ...(vehicle.config === undefined ? {} : { config: vehicle.config }),
          options: vehicle.options ?? {},
          port: vehicle.port ?? null,
        };
      })
      .sort((a, b) => a.id - b.id);
  });

/** True for a vehicle the game gave no name: its `vid` is its id (see `CurrentVehiclesReply`). */
export function isUnnamedVehicle(vehicle: Pick<VehicleInfo, 'vid' | 'id'>): boolean {
  return vehicle.vid === String(vehicle.id);
}

/** GetPlayerVehicleID reply: `id` is the numeric object id, `vid` the object name (may be absent). */
export const PlayerVehicleIdReply = z.object({
  id: WireInt,
  vid: z.union([z.string(), WireInt]).nullish(),
});

/**
 * StartVehicleConnection reply: `result` is the vehicle socket's port; `vid` names the vehicle
 * whose socket it is (its name, or its id as a string when it has none), to be checked.
 */
export const StartVehicleConnectionReply = z.object({
  result: WireInt.pipe(z.number().int().min(1).max(65535)),
  vid: z.union([z.string(), WireInt]).nullish(),
});

/** SensorRequest reply: `{type:"SensorData", data:{<name>: payload}}`. */
export const SensorDataReply = z.object({ data: z.record(z.string(), z.unknown()) });

/** GameStateRequest reply. */
export const GameState = z.object({
  state: z.string(),
  scenario_state: z.string().nullish(),
  level: z.string().nullish(),
});
export type GameState = z.infer<typeof GameState>;

/**
 * The in-game mod's `VWRepairPressed` reply. The current mod answers `presses`, a running count
 * of "Repair My Car" presses it never clears on read (so a late or repeated answer loses or
 * doubles nothing); an older mod answers only `pressed`, true once after each press (cleared on
 * read). At least one of the two must be there.
 */
export const RepairPressedReply = z
  .object({
    presses: WireInt.pipe(z.number().int().min(0)).nullish(),
    pressed: z.boolean().nullish(),
  })
  .refine((reply) => typeof reply.presses === 'number' || typeof reply.pressed === 'boolean', {
    message: 'expected "presses" (a count) or "pressed" (a boolean)',
  })
  .transform((reply) => ({
    presses: typeof reply.presses === 'number' ? reply.presses : null,
    pressed: reply.pressed ?? false,
  }));
export type RepairPressedReply = z.output<typeof RepairPressedReply>;
