import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataFileError } from '../../actors/catalog/read-data-file.js';
import { analyzeDamage, detectVehicleModel } from '../../actors/damage/analyze.js';
import {
  DEFAULT_DATA_DIR,
  loadComponentRefs,
  loadPartMapping,
} from '../../actors/damage/mapping.js';
import { loadTelemetrySamples } from '../../actors/damage/samples.js';
import { detectTelemetryShape, TelemetryError } from '../../actors/damage/telemetry.js';
import { DamageReport } from '../../machines/schemas.js';

const mapping = loadPartMapping();
const components = loadComponentRefs();
const NOW = new Date('2025-10-10T12:00:00.000Z');

/** Analyses with the rig's model (default tcross); pass null to make the analysis detect it. */
function analyze(telemetry: unknown, vehicle_model: string | null = 'tcross') {
  return analyzeDamage({
    telemetry,
    ...(vehicle_model ? { vehicle_model } : {}),
    damage_id: 'dmg-1',
    session_id: 'sess-1',
    now: NOW,
    mapping,
    components,
  });
}

/** component → level, for compact assertions. */
function levels(report: DamageReport): Record<string, number> {
  return Object.fromEntries(report.components.map((c) => [c.component_name, c.damage_level]));
}
function find(report: DamageReport, name: string) {
  const c = report.components.find((x) => x.component_name === name);
  if (!c)
    throw new Error(
      `${name} not in report: ${report.components.map((x) => x.component_name).join(', ')}`,
    );
  return c;
}
function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('detectTelemetryShape', () => {
  it('recognises each accepted shape and rejects others', () => {
    expect(detectTelemetryShape({ damage: 10, part_damage: [] })).toBe('beamng_sensor');
    expect(detectTelemetryShape({ partDamage: {} })).toBe('beamng_sensor');
    expect(detectTelemetryShape({ type: 'SensorData', data: {} })).toBe('beamng_sensor');
    expect(detectTelemetryShape({ damage: { deform_group_damage: {} }, state: {} })).toBe(
      'beamng_sensor',
    );
    expect(detectTelemetryShape({ event_type: 'crash_detected', damage: {} })).toBe('legacy_mod');
    expect(detectTelemetryShape({ damage: { total_damage: 3 } })).toBe('legacy_mod');
    expect(detectTelemetryShape({ components: [] })).toBe('normalized');
    expect(detectTelemetryShape({ manual: true, zones: [] })).toBe('manual');
    expect(detectTelemetryShape({ hello: 'world' })).toBeNull();
    expect(detectTelemetryShape([1, 2])).toBeNull();
    expect(detectTelemetryShape(null)).toBeNull();
  });
});

describe('analyzeDamage: BeamNG Damage sensor', () => {
  it('maps snake_case part_damage with an unknown prefix by suffix, and deform groups exactly', () => {
    const r = analyze({
      damage: 5000,
      damage_ext: 0,
      lowpressure: false,
      part_damage: {
        xyz_fender_FL: { name: 'Whatever', damage: 0.4 },
        someprefix_headlight_R: { name: 'Lamp', damage: 0.3 },
      },
      deform_group_damage: {
        windshield_break: { damage: 1, eventCount: 1, maxEvents: 1, invMaxEvents: 1 },
      },
    });
    expect(r.source_shape).toBe('beamng_sensor');
    expect(levels(r)).toEqual({ windscreen: 1, left_fender: 0.4, right_headlight: 0.3 });
    expect(find(r, 'left_fender').confidence).toBe(0.85);
    expect(find(r, 'windscreen')).toMatchObject({
      damage_type: 'destroyed',
      confidence: 0.95,
      sources: ['windshield_break'],
    });
    expect(find(r, 'left_fender').location).toEqual([-0.8, 1.5, 0.8]);
    expect(r.unmapped_parts).toEqual([]);
  });

  it('accepts the camelCase keys of older builds and float counters', () => {
    const r = analyze(
      {
        damage: 1200.5,
        damageExt: 3.0,
        lowpressure: 0,
        partDamage: { golf8_door_RR: { name: 'Rear Right Door', damage: 0.47 } },
        deformGroupDamage: {
          mirrorsignal_R_break: { damage: 1.0, eventCount: 1.0, maxEvents: 1.0, invMaxEvents: 1.0 },
        },
      },
      'golf',
    );
    expect(levels(r)).toEqual({ right_rear_door: 0.47, right_mirror: 0.5 });
    // A broken mirror indicator is a hit on the mirror, not a destroyed mirror (weight 0.5 in data).
    expect(find(r, 'right_mirror').damage_type).toBe('impact');
  });

  it('accepts part_damage as an empty array (an empty Lua table)', () => {
    const r = analyze({
      damage: 300,
      part_damage: [],
      deform_group_damage: {
        headlightglass_L_break: { damage: 1, eventCount: 1, maxEvents: 1, invMaxEvents: 1 },
      },
    });
    expect(levels(r)).toEqual({ left_headlight: 1 });
  });

  it('unwraps a SensorData reply with a State payload and float ids', () => {
    const r = analyze(
      {
        type: 'SensorData',
        _id: 7.0,
        data: {
          st: {
            time: 12.5,
            pos: [1, 2, 3],
            dir: [0, 1, 0],
            up: [0, 0, 1],
            vel: [0, 0, 0],
            front: [1, 3, 3],
            rotation: [0, 0, 0, 1],
          },
          dmg: {
            damage: 2500.75,
            part_damage: { golf_taillight_L: { name: 'Left Taillight', damage: 0.66 } },
            deform_group_damage: [],
          },
        },
      },
      'golf',
    );
    expect(levels(r)).toEqual({ left_tail_light: 0.66 });
  });

  it('unwraps {damage: <payload>, state: <payload>}', () => {
    const r = analyze({
      damage: { damage: 900, part_damage: { tcross_hood: { name: 'Hood', damage: 0.33 } } },
      state: { pos: [0, 0, 0] },
    });
    expect(levels(r)).toEqual({ hood: 0.33 });
  });

  it('falls back to the display name when the id says nothing', () => {
    const r = analyze({
      damage: 100,
      part_damage: { abc_widget_7: { name: 'Left Headlight', damage: 0.5 } },
    });
    expect(find(r, 'left_headlight')).toMatchObject({
      damage_level: 0.5,
      confidence: 0.7,
      sources: ['abc_widget_7'],
    });
  });

  it('lets the display name decide when the core is known but its side is missing', () => {
    const r = analyze({
      damage: 100,
      part_damage: { xyz_door: { name: 'Rear Left Door', damage: 0.4 } },
    });
    expect(levels(r)).toEqual({ left_rear_door: 0.4 });
  });

  it('reports what it cannot map instead of dropping it, and ignores noise', () => {
    const r = analyze({
      damage: 100,
      part_damage: {
        xyz_spoiler: { damage: 0.6 },
        xyz_licenseplate_R: { name: 'Rear License Plate', damage: 0.3 },
        xyz_bumper_F: { name: 'Front Bumper', damage: 0.01 },
      },
      deform_group_damage: { driveshaft: { damage: 0.4 }, sunroof_break: { damage: 0 } },
    });
    expect(r.components).toEqual([]);
    expect(r.unmapped_parts).toEqual([
      { id: 'xyz_spoiler', name: null, damage: 0.6 },
      { id: 'driveshaft', name: null, damage: 0.4 },
      { id: 'xyz_licenseplate_R', name: 'Rear License Plate', damage: 0.3 },
    ]);
  });

  it('merges several sources into one component with the max level and all sources', () => {
    const r = analyze({
      damage: 4000,
      part_damage: {
        tcross_bumper_F: { name: 'Front Bumper', damage: 0.3 },
        tcross_bumper_F_lower: { name: 'Front Bumper Lower', damage: 0.62 },
        other_thing: { name: 'Front Bumper', damage: 0.5 },
      },
    });
    const bumper = find(r, 'front_bumper');
    expect(bumper.damage_level).toBe(0.62);
    expect(bumper.sources).toEqual(['tcross_bumper_F', 'tcross_bumper_F_lower', 'other_thing']);
    expect(bumper.confidence).toBe(0.85);
    expect(r.components).toHaveLength(1);
  });

  it('classifies scratch / impact / destroyed by the thresholds in data', () => {
    const r = analyze({
      damage: 100,
      part_damage: {
        a_door_FL: { damage: 0.1 },
        a_door_FR: { damage: 0.5 },
        a_door_RL: { damage: 0.9 },
      },
    });
    expect(find(r, 'left_front_door').damage_type).toBe('scratch');
    expect(find(r, 'right_front_door').damage_type).toBe('impact');
    expect(find(r, 'left_rear_door').damage_type).toBe('destroyed');
  });

  it('applies a model override only to its own model', () => {
    const payload = { damage: 100, part_damage: { tcross_ledstrip_F: { damage: 0.4 } } };
    expect(levels(analyze(payload, 'tcross'))).toEqual({ grille: 0.4 });
    expect(analyze(payload, 'golf').unmapped_parts.map((u) => u.id)).toEqual(['tcross_ledstrip_F']);
  });

  it('scores severity from component levels and the damage accumulator', () => {
    const parts = { part_damage: { x_hood: { damage: 0.5 } } };
    const low = analyze({ damage: 500, ...parts }).severity_score;
    const high = analyze({ damage: 30000, ...parts }).severity_score;
    expect(high).toBeGreaterThan(low);
    // 0.6 * (1 - e^(-0.5/4)) + 0.4 * (1 - e^(-500/10000))
    expect(low).toBeCloseTo(0.6 * (1 - Math.exp(-0.5 / 4)) + 0.4 * (1 - Math.exp(-0.05)), 3);
  });
});

describe('analyzeDamage: legacy mod crash-event', () => {
  const event = {
    event_type: 'crash_detected',
    timestamp: 1760112345,
    timestamp_iso: '2025-10-10T16:05:45Z',
    vehicle: {
      id: '42',
      name: 'Volkswagen Golf GTI',
      model: 'vw_golf_mk8',
      brand: 'Volkswagen',
      year: '2025',
      config: null,
    },
    position: { x: 1, y: 2, z: 3 },
    velocity: { x: 0, y: 0, z: 0, speed_ms: 0, speed_kmh: 0, speed_mph: 0 },
    rotation: { x: 0, y: 0, z: 0, w: 1 },
    damage: {
      total_damage: 6000,
      previous_damage: 0,
      damage_delta: 6000,
      part_damage: { golf_hood: 0.45, golf_fender_L: { name: 'Left Fender', damage: 0.3 } },
      damage_by_zone: { front: 0.5, rear: 0.3, left: 0.05, right: 0, top: 0, bottom: 0.2 },
      broken_parts: ['golf_headlight_L'],
      broken_parts_count: 1,
    },
    metadata: { mod_version: '1.0.0', beamng_version: '0.32', damage_threshold: 500 },
  };

  it('maps numbers and {name, damage} alike, broken parts as destroyed, zones as a fallback', () => {
    const r = analyze(event, null);
    expect(r.source_shape).toBe('legacy_mod');
    expect(r.vehicle_model).toBe('golf');
    expect(r.crash_timestamp).toBe('2025-10-10T16:05:45.000Z');
    // front is covered by parts; rear is not, so rear_bumper comes from the zone; left is spill-over.
    expect(levels(r)).toEqual({
      left_headlight: 1,
      hood: 0.45,
      left_fender: 0.3,
      rear_bumper: 0.3,
    });
    expect(find(r, 'left_headlight').damage_type).toBe('destroyed');
    expect(find(r, 'rear_bumper')).toMatchObject({
      confidence: 0.5,
      sources: ['damage_by_zone.rear'],
    });
    expect(r.unmapped_parts).toEqual([
      { id: 'damage_by_zone.bottom', name: 'bottom', damage: 0.2 },
    ]);
  });

  it('uses the unix timestamp when timestamp_iso is missing', () => {
    const { timestamp_iso: _iso, ...rest } = event;
    expect(analyze(rest).crash_timestamp).toBe('2025-10-10T16:05:45.000Z');
  });
});

describe('analyzeDamage: normalized and manual', () => {
  it('takes a normalized list as it is, keeping stated damage types, locations from the catalogue', () => {
    const r = analyze(
      {
        vehicle_model: 'golf',
        components: [
          {
            component_name: 'hood',
            damage_level: 0.2,
            damage_type: 'destroyed',
            location: [9, 9, 9],
          },
          { component_name: 'Left Headlight', damage_level: 0.6 },
          { component_name: 'flux_capacitor', damage_level: 0.7 },
        ],
      },
      null,
    );
    expect(r.vehicle_model).toBe('golf');
    expect(find(r, 'hood')).toMatchObject({
      damage_type: 'destroyed',
      location: [0, 1.5, 0.95],
      confidence: 0.95,
    });
    expect(find(r, 'left_headlight').confidence).toBe(0.7);
    expect(r.unmapped_parts).toEqual([
      { id: 'flux_capacitor', name: 'flux_capacitor', damage: 0.7 },
    ]);
  });

  it('expands manual zones to components with levels by severity', () => {
    const severe = analyze({ manual: true, zones: [{ zone: 'front', severity: 'severe' }] });
    expect(levels(severe)).toEqual({
      front_bumper: 0.9,
      grille: 0.9,
      front_bumper_absorber: 0.9,
      front_bumper_beam: 0.9,
      left_headlight: 0.72,
      right_headlight: 0.72,
      front_panel: 0.72,
      radiator: 0.72,
      condenser: 0.72,
      hood: 0.63,
    });
    expect(find(severe, 'front_bumper')).toMatchObject({
      damage_type: 'destroyed',
      confidence: 0.5,
      sources: ['manual.front.severe'],
    });

    const light = analyze({ manual: true, zones: [{ zone: 'rear_right', severity: 'light' }] });
    expect(levels(light)).toEqual({ rear_bumper: 0.12, right_quarter_panel: 0.12 });
    expect(light.components.every((c) => c.damage_type === 'scratch')).toBe(true);
  });
});

describe('analyzeDamage: errors', () => {
  it('rejects an unrecognised payload as telemetry_invalid', () => {
    const err = catchError(() => analyze({ foo: 1 }));
    expect(err).toBeInstanceOf(TelemetryError);
    expect(err).toMatchObject({ code: 'telemetry_invalid', issues: [{ path: [] }] });
  });

  it('names the bad field of a normalized list', () => {
    const err = catchError(() =>
      analyze({ components: [{ component_name: 'hood', damage_level: 1.7 }] }),
    );
    expect(err).toMatchObject({ code: 'telemetry_invalid' });
    expect((err as TelemetryError).issues.map((i) => i.path)).toContainEqual([
      'components',
      0,
      'damage_level',
    ]);
  });

  it('names the bad field inside a SensorData reply, with the sensor name', () => {
    const err = catchError(() =>
      analyze({
        type: 'SensorData',
        data: { dmg: { damage: 10, part_damage: { x_hood: { name: 'Hood', damage: 'a lot' } } } },
      }),
    );
    expect((err as TelemetryError).issues[0]!.path).toEqual(['data', 'dmg', 'part_damage']);
  });

  it('names the bad field of a manual entry and of a legacy event', () => {
    const manual = catchError(() =>
      analyze({ manual: true, zones: [{ zone: 'underneath', severity: 'light' }] }),
    ) as TelemetryError;
    expect(manual.issues[0]!.path).toEqual(['zones', 0, 'zone']);
    const legacy = catchError(() =>
      analyze({ event_type: 'crash_detected', damage: { total_damage: 'big' } }),
    ) as TelemetryError;
    expect(legacy.issues[0]!.path).toEqual(['damage', 'total_damage']);
  });

  it('rejects a non-empty array where part_damage belongs', () => {
    const err = catchError(() =>
      analyze({ damage: 1, part_damage: [{ id: 'x', damage: 1 }] }),
    ) as TelemetryError;
    expect(err.issues[0]!.path).toEqual(['part_damage']);
  });

  it('answers telemetry_empty when nothing is above the noise threshold', () => {
    const err = catchError(() =>
      analyze({
        damage: 0,
        part_damage: [],
        deform_group_damage: { windshield_break: { damage: 0 } },
      }),
    );
    expect(err).toMatchObject({ code: 'telemetry_empty' });
  });

  it('answers vehicle_model_required when no model is given or readable', () => {
    const err = catchError(() =>
      analyze({ damage: 10, part_damage: { x_hood: { damage: 0.5 } } }, null),
    );
    expect(err).toMatchObject({
      code: 'vehicle_model_required',
      issues: [{ path: ['vehicle_model'] }],
    });
  });
});

describe('detectVehicleModel', () => {
  it('reads the legacy vehicle fields and part-id prefixes', () => {
    expect(
      detectVehicleModel(
        { event_type: 'x', vehicle: { name: 'VW T-Cross Highline' }, damage: {} },
        mapping,
      ),
    ).toBe('tcross');
    expect(
      detectVehicleModel({ event_type: 'x', vehicle: { model: 'golf8' }, damage: {} }, mapping),
    ).toBe('golf');
    expect(
      detectVehicleModel(
        {
          part_damage: {
            vw_tcross_hood: { damage: 1 },
            tcross_door_FL: { damage: 1 },
            golf_x: { damage: 1 },
          },
        },
        mapping,
      ),
    ).toBe('tcross');
    expect(detectVehicleModel({ part_damage: { etk800_hood: { damage: 1 } } }, mapping)).toBeNull();
    expect(detectVehicleModel({ nonsense: true }, mapping)).toBeNull();
  });
});

describe('recorded samples in data/telemetry', () => {
  const samples = loadTelemetrySamples();
  /** The components each sample must produce, with their levels. */
  const expected: Record<string, Record<string, number>> = {
    'tcross-front': {
      left_fog_light: 1,
      left_headlight: 1,
      front_bumper: 0.92,
      grille: 0.78,
      front_bumper_beam: 0.64,
      radiator: 0.6,
      hood: 0.55,
      right_headlight: 0.35,
      left_fender: 0.22,
    },
    'golf-side-left': {
      left_front_door_glass: 1,
      left_mirror: 0.9,
      left_front_door: 0.81,
      left_rear_door: 0.46,
      left_fender: 0.3,
      left_front_wheel: 0.25,
      left_quarter_panel: 0.18,
    },
    'golf-rear': {
      rear_window: 1,
      right_tail_light: 1,
      rear_bumper: 0.88,
      tailgate: 0.6,
      rear_bumper_beam: 0.52,
      left_tail_light: 0.45,
      right_quarter_panel: 0.2,
      rear_axle: 0.15,
    },
    'tcross-legacy': {
      right_headlight: 1,
      front_bumper: 0.74,
      right_fender: 0.58,
      grille: 0.4,
      right_mirror: 0.31,
      right_front_wheel: 0.2,
      right_front_door: 0.12,
    },
    'golf-normalized': {
      right_headlight: 0.9,
      front_bumper: 0.7,
      hood: 0.4,
      right_fender: 0.3,
      condenser: 0.25,
    },
    'golf-light-scrape': { left_tail_light: 1, left_mirror: 0.5, left_fender: 0.3 },
    'tcross-manual': {
      front_bumper: 0.5,
      left_fender: 0.5,
      left_fog_light: 0.5,
      left_headlight: 0.5,
      hood: 0.3,
      left_front_door: 0.12,
      left_rear_door: 0.12,
    },
  };
  const expectedUnmapped: Record<string, string[]> = {
    'tcross-front': ['tcross_licenseplate_F'],
    'golf-side-left': ['sideglass_L_break', 'golf8_sideskirt_L'],
    'golf-rear': ['chmsl_break', 'golf_exhaust'],
  };

  it('covers the required shapes and variants', () => {
    expect(samples.length).toBeGreaterThanOrEqual(6);
    expect(new Set(samples.map((s) => s.shape))).toEqual(
      new Set(['beamng_sensor', 'legacy_mod', 'normalized', 'manual']),
    );
    expect(Object.keys(expected).sort()).toEqual(samples.map((s) => s.id).sort());
  });

  it.each(samples.map((s) => [s.id, s] as const))(
    '%s gives a schema-valid report with its components',
    (id, sample) => {
      const report = analyze(sample.telemetry, sample.vehicle_model);
      expect(DamageReport.safeParse(report).success).toBe(true);
      expect(report.source_shape).toBe(sample.shape);
      expect(report.vehicle_model).toBe(sample.vehicle_model);
      expect(levels(report)).toEqual(expected[id]);
      expect(report.unmapped_parts.map((u) => u.id)).toEqual(expectedUnmapped[id] ?? []);
      expect(report.severity_score).toBeGreaterThan(0);
      expect(report.severity_score).toBeLessThan(1);
    },
  );

  it('reads the model from every sample that carries it', () => {
    const detected = Object.fromEntries(
      samples.map((s) => [s.id, detectVehicleModel(s.telemetry, mapping)]),
    );
    expect(detected).toEqual({
      'tcross-front': 'tcross',
      'golf-side-left': 'golf',
      'golf-rear': 'golf',
      'tcross-legacy': 'tcross',
      'golf-normalized': 'golf',
      'golf-light-scrape': null, // deform groups only: the rig must say which car it is
      'tcross-manual': 'tcross',
    });
  });

  it('takes crash_timestamp from the payload when it has one, else now', () => {
    const at = (id: string) => {
      const s = samples.find((x) => x.id === id)!;
      return analyze(s.telemetry, s.vehicle_model).crash_timestamp;
    };
    expect(at('tcross-legacy')).toBe('2025-10-10T16:05:45.000Z');
    expect(at('golf-normalized')).toBe('2025-10-11T17:20:00.000Z');
    expect(at('tcross-front')).toBe(NOW.toISOString());
  });
});

describe('loadPartMapping', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  function dataCopy(): string {
    dir = mkdtempSync(join(tmpdir(), 'ctr-mapping-'));
    cpSync(join(DEFAULT_DATA_DIR, 'components.json'), join(dir, 'components.json'));
    cpSync(join(DEFAULT_DATA_DIR, 'part-mapping'), join(dir, 'part-mapping'), { recursive: true });
    return dir;
  }

  it('names the file and field of a component id that is not in components.json', () => {
    const d = dataCopy();
    const path = join(d, 'part-mapping', 'common.json');
    const common = JSON.parse(readFileSync(path, 'utf8'));
    common.exact.windshield_break.components = 'windshield_glass';
    writeFileSync(path, JSON.stringify(common));
    const err = catchError(() => loadPartMapping(d));
    expect(err).toBeInstanceOf(DataFileError);
    expect((err as DataFileError).file).toMatch(/common\.json$/);
    expect((err as DataFileError).field).toBe('exact.windshield_break.components.0');
  });

  it('names the field of a model file that breaks its schema', () => {
    const d = dataCopy();
    const path = join(d, 'part-mapping', 'golf.json');
    const golf = JSON.parse(readFileSync(path, 'utf8'));
    golf.exact.golf8_spoiler_R.weight = 3;
    writeFileSync(path, JSON.stringify(golf));
    const err = catchError(() => loadPartMapping(d)) as DataFileError;
    expect(err.file).toMatch(/golf\.json$/);
    expect(err.field).toBe('exact.golf8_spoiler_R.weight');
  });
});
