import { describe, expect, it } from 'vitest';
import {
  CurrentVehiclesReply,
  DamageSensorPayload,
  PlayerVehicleIdReply,
  StateSensorPayload,
  WireInt,
  speedOf,
} from '../../../adapters/beamng/schemas.js';

const groups = {
  radiator_damage: { damage: 0.55, eventCount: 6, maxEvents: 10, invMaxEvents: 0.1 },
};

describe('DamageSensorPayload', () => {
  it('keeps a snake_case payload as it is', () => {
    const reading = DamageSensorPayload.parse({
      damage: 7840.6,
      damage_ext: 164.6,
      lowpressure: false,
      part_damage: { tcross_bumper_F: { name: 'Front Bumper', damage: 1 } },
      deform_group_damage: groups,
    });
    expect(reading).toEqual({
      damage: 7840.6,
      damage_ext: 164.6,
      lowpressure: false,
      part_damage: { tcross_bumper_F: { name: 'Front Bumper', damage: 1 } },
      deform_group_damage: groups,
    });
  });

  it('reads the older camelCase keys into the same shape', () => {
    const reading = DamageSensorPayload.parse({
      damage: 120,
      damageExt: 3,
      lowPressure: true,
      partDamage: { vwgolf_door_FL: { name: 'Front Left Door', damage: 0.86 } },
      deformGroupDamage: groups,
    });
    expect(reading).toMatchObject({
      damage_ext: 3,
      lowpressure: true,
      deform_group_damage: groups,
    });
    expect(reading.part_damage).toEqual({
      vwgolf_door_FL: { name: 'Front Left Door', damage: 0.86 },
    });
  });

  it('reads part_damage sent as an empty array (an empty Lua table) as no damaged parts', () => {
    const reading = DamageSensorPayload.parse({
      damage: 0,
      damage_ext: 0,
      lowpressure: false,
      part_damage: [],
      deform_group_damage: [],
    });
    expect(reading.part_damage).toEqual({});
    expect(reading.deform_group_damage).toEqual({});
  });

  it('defaults what an older build leaves out, and accepts bare numbers for parts', () => {
    const reading = DamageSensorPayload.parse({ damage: 50, part_damage: { etk800_hood: 0.4 } });
    expect(reading).toEqual({
      damage: 50,
      damage_ext: 0,
      lowpressure: false,
      part_damage: { etk800_hood: { name: null, damage: 0.4 } },
      deform_group_damage: {},
    });
  });

  it('refuses a payload without a total damage', () => {
    expect(DamageSensorPayload.safeParse({ part_damage: {} }).success).toBe(false);
  });
});

describe('StateSensorPayload', () => {
  const state = {
    time: 12.5,
    pos: [1, 2, 3],
    dir: [0, 1, 0],
    up: [0, 0, 1],
    vel: [0, 3, 4],
    front: [1, 4.1, 3],
    rotation: [0, 0, 0, 1],
  };

  it('reads arrays as they are and gives the speed', () => {
    const reading = StateSensorPayload.parse(state);
    expect(reading).toEqual(state);
    expect(speedOf(reading)).toBe(5);
  });

  it('accepts {x,y,z} maps, 1-based Lua tables, a {state} wrapper, and missing optional vectors', () => {
    const reading = StateSensorPayload.parse({
      state: { pos: { x: 1, y: 2, z: 3 }, vel: { 1: 0, 2: 3, 3: 4 } },
    });
    expect(reading).toEqual({
      time: null,
      pos: [1, 2, 3],
      dir: null,
      up: null,
      vel: [0, 3, 4],
      front: null,
      rotation: null,
    });
  });
});

describe('ids from Lua', () => {
  it('turns float and string ids into integers, and refuses fractional ones', () => {
    expect(WireInt.parse(10000)).toBe(10000);
    expect(WireInt.parse(10000.0000001)).toBe(10000);
    expect(WireInt.parse('10000')).toBe(10000);
    expect(WireInt.safeParse(10000.5).success).toBe(false);
    expect(
      PlayerVehicleIdReply.parse({ type: 'getPlayerVehicleID', id: 10000.0, vid: 'thePlayer' }),
    ).toEqual({ id: 10000, vid: 'thePlayer' });
  });

  it('normalises GetCurrentVehicles: map by name, float ids and ports, sorted by id', () => {
    const vehicles = CurrentVehiclesReply.parse({
      type: 'GetCurrentVehicles',
      result: {
        traffic1: { id: 10412.0, model: 'etk800', name: 'traffic1', options: [] },
        thePlayer: {
          id: 10000.0000001,
          model: 'vw_tcross',
          name: 'thePlayer',
          options: { licenseText: 'VW 2026' },
          port: 51234.0,
        },
      },
    });
    expect(vehicles).toEqual([
      {
        vid: 'thePlayer',
        id: 10000,
        model: 'vw_tcross',
        name: 'thePlayer',
        options: { licenseText: 'VW 2026' },
        port: 51234,
      },
      { vid: 'traffic1', id: 10412, model: 'etk800', name: 'traffic1', options: {}, port: null },
    ]);
  });

  it('reads an empty vehicle table sent as [] as no vehicles', () => {
    expect(CurrentVehiclesReply.parse({ result: [] })).toEqual([]);
  });
});
