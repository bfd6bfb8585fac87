import { afterEach, describe, expect, it } from 'vitest';
import { BeamNGClient, parseBeamNGAddress } from '../../../adapters/beamng/client.js';
import {
  BeamNGClosedError,
  BeamNGNoVehicleError,
  BeamNGNotHandledError,
  BeamNGProtocolMismatchError,
  BeamNGValueError,
} from '../../../adapters/beamng/errors.js';
import { loadBundledRecordings } from '../../../adapters/beamng/recording.js';
import { speedOf } from '../../../adapters/beamng/schemas.js';
import {
  immediateClock,
  ManualClock,
  SimRig,
  type SimRigOptions,
} from '../../../adapters/beamng/sim-rig.js';

const recordings = loadBundledRecordings();
const frontCrash = recordings.get('tcross-front-crash')!;
const sideCrash = recordings.get('golf-side-crash')!;

let rig: SimRig | null = null;
const clients: BeamNGClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await rig?.close();
  rig = null;
});

async function startRig(options: SimRigOptions = {}): Promise<SimRig> {
  rig = await SimRig.start({ clock: immediateClock, ...options });
  return rig;
}

async function connect(
  options: {
    protocolVersion?: string;
    requestTimeoutMs?: number;
    playerVehicleTimeoutMs?: number;
  } = {},
): Promise<BeamNGClient> {
  const client = new BeamNGClient({
    host: rig!.host,
    port: rig!.port,
    requestTimeoutMs: 1_000,
    ...options,
  });
  clients.push(client);
  await client.connect();
  return client;
}

describe('BeamNGClient against the sim rig', () => {
  it('connects, finds the player vehicle, and reads damage before and after a crash', async () => {
    await startRig();
    const client = await connect();
    expect(client.serverProtocolVersion).toBe('v1.23');

    const player = await client.findPlayerVehicle();
    expect(player).toMatchObject({
      vid: 'thePlayer',
      id: 10000,
      model: 'vw_tcross',
      via: 'GetPlayerVehicleID',
    });

    const vehicle = await client.openVehicle(player.vid);
    expect(vehicle.port).not.toBe(rig!.port);
    expect(rig!.received.filter((r) => r.socket === 'vehicle').map((r) => r.type)).toEqual([
      'Hello',
    ]);

    const before = await client.readSensors(vehicle);
    expect(before.damage.damage).toBe(0);
    expect(before.damage.part_damage).toEqual({}); // the rig sends [] like Lua
    expect(before.damage.deform_group_damage['radiator_damage']).toMatchObject({ damage: 0 });

    await expect(rig!.play(frontCrash, { speed: 1000 })).resolves.toBe('completed');

    const after = await client.readSensors(vehicle);
    expect(after.damage.damage).toBeGreaterThan(5000);
    expect(after.damage.part_damage['tcross_bumper_F']).toEqual({
      name: 'Front Bumper',
      damage: 1,
    });
    expect(after.damage.part_damage['tcross_headlight_L']?.name).toBe('Left Headlight');
    expect(after.damage.deform_group_damage['headlightglass_L_break']).toMatchObject({
      damage: 1,
      eventCount: 1,
    });
    expect(after.damage.deform_group_damage['windshield_break']).toMatchObject({ damage: 0 });
    expect(speedOf(after.state)).toBe(0);

    await client.recover(vehicle);
    expect((await client.readSensors(vehicle)).damage.damage).toBe(0);
  });

  it('shows the drive, the crash and the standstill frame by frame on a manual clock', async () => {
    const clock = new ManualClock();
    await startRig({ clock });
    const client = await connect();
    const vehicle = await client.openVehicle((await client.findPlayerVehicle()).vid);

    const playing = rig!.play(frontCrash);
    const driving = await client.readSensors(vehicle);
    expect(driving.damage.damage).toBe(0);
    expect(speedOf(driving.state)).toBeGreaterThan(10);

    clock.advance(5_560); // first crash frame (t = 5.55 s)
    const impact = (await client.readSensors(vehicle)).damage.damage;
    clock.advance(100);
    const later = (await client.readSensors(vehicle)).damage.damage;
    expect(impact).toBeGreaterThan(0);
    expect(later).toBeGreaterThan(impact);

    clock.advance(60_000);
    await expect(playing).resolves.toBe('completed');
    const still = await client.readSensors(vehicle);
    expect(speedOf(still.state)).toBe(0);
    expect(still.damage.damage).toBe(
      frontCrash.frames.filter((f) => f.damage !== undefined).at(-1)!.damage,
    );
  });

  it('falls back to GetCurrentVehicles when GetPlayerVehicleID never answers', async () => {
    await startRig();
    rig!.ignore('GetPlayerVehicleID');
    const client = await connect({ playerVehicleTimeoutMs: 50 });
    await expect(client.getPlayerVehicleId()).resolves.toEqual({
      id: 10000,
      vid: 'thePlayer',
      via: 'GetCurrentVehicles',
    });
    await expect(client.findPlayerVehicle()).resolves.toMatchObject({
      model: 'vw_tcross',
      via: 'GetCurrentVehicles',
    });
  });

  it('falls back to GetCurrentVehicles when there is no player vehicle, and picks the lowest id', async () => {
    await startRig({
      vehicles: [
        { vid: 'parked', id: 10231, model: 'etk800' },
        { vid: 'golf', id: 10007, model: 'golf8' },
      ],
      playerVid: null,
    });
    const client = await connect();
    await expect(client.findPlayerVehicle()).resolves.toMatchObject({
      vid: 'golf',
      id: 10007,
      model: 'golf8',
      via: 'GetCurrentVehicles',
    });
  });

  it('says so when the scene has no vehicle at all', async () => {
    await startRig({ vehicles: [], playerVid: null });
    const client = await connect();
    await expect(client.findPlayerVehicle()).rejects.toBeInstanceOf(BeamNGNoVehicleError);
  });

  it('reports a protocol mismatch as a typed error and stays disconnected', async () => {
    await startRig({ protocolVersion: 'v1.24' });
    const client = new BeamNGClient({ host: rig!.host, port: rig!.port });
    clients.push(client);
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamNGProtocolMismatchError);
    expect(error).toMatchObject({ expected: 'v1.23', actual: 'v1.24' });
    expect(client.isConnected).toBe(false);

    const matching = await connect({ protocolVersion: 'v1.24' });
    expect(matching.isConnected).toBe(true);
  });

  it('reads an older build: camelCase damage, integers as floats, empty part_damage as {}', async () => {
    await startRig({
      vehicles: [{ vid: 'golf', id: 10007, model: 'golf8' }],
      wire: { damageKeys: 'camel', floatIds: true, emptyPartDamage: 'object' },
    });
    const client = await connect();
    const player = await client.findPlayerVehicle();
    expect(player).toMatchObject({ id: 10007, model: 'golf8' });
    const vehicle = await client.openVehicle(player.vid);
    expect((await client.readSensors(vehicle)).damage.part_damage).toEqual({});
    await rig!.play(sideCrash, { speed: 1000 });
    const reading = await client.readSensors(vehicle);
    expect(reading.damage.part_damage['vwgolf_door_FL']).toEqual({
      name: 'Front Left Door',
      damage: 0.86,
    });
    expect(reading.damage.lowpressure).toBe(true);
    expect(reading.damage.damage_ext).toBeGreaterThan(0);
  });

  it('answers the in-game "Repair My Car" poll with a running count, and "pressed" once per press', async () => {
    await startRig();
    const client = await connect();
    await expect(client.pollRepairButton()).resolves.toEqual({ presses: 0, pressed: false });
    rig!.pressRepair();
    await expect(client.pollRepairButton()).resolves.toEqual({ presses: 1, pressed: true });
    await expect(client.pollRepairButton()).resolves.toEqual({ presses: 1, pressed: false });
  });

  it('answers an unknown request "not handled", as the game does, and keeps the connection usable', async () => {
    await startRig();
    const client = await connect();
    await expect(
      client.request('QueueLuaCommandGE', { chunk: 'print(1)' }, { timeoutMs: 500 }),
    ).rejects.toBeInstanceOf(BeamNGNotHandledError);
    await expect(client.ping()).resolves.toBeUndefined();
    await expect(client.getGameState()).resolves.toMatchObject({
      state: 'scenario',
      level: 'gridmap_v2',
    });
    await expect(client.request('GetCurrentScenario')).rejects.toBeInstanceOf(BeamNGValueError);
  });

  it('surfaces a refused request from the rig as a typed error', async () => {
    await startRig();
    rig!.fail('StartVehicleConnection', 'vehicle is being respawned', 'value');
    const client = await connect();
    await expect(client.openVehicle('thePlayer')).rejects.toMatchObject({
      code: 'beamng_value_error',
      simulatorMessage: 'vehicle is being respawned',
    });
  });

  it('rejects pending requests and closes the vehicle socket when the simulator restarts; a new client reconnects', async () => {
    const clock = new ManualClock();
    await startRig({ clock });
    const client = await connect();
    const vehicle = await client.openVehicle('thePlayer');
    const closes: string[] = [];
    client.onClose((error) => closes.push(error.reason));

    rig!.setReplyDelay(1_000); // replies wait on the manual clock, which we never advance
    const pending = client.readSensors(vehicle);
    await expect.poll(() => rig!.received.filter((r) => r.type === 'SensorRequest').length).toBe(1);
    rig!.dropConnections();

    await expect(pending).rejects.toBeInstanceOf(BeamNGClosedError);
    expect((await client.closed).code).toBe('beamng_closed');
    expect(closes).toHaveLength(1);
    expect(vehicle.isClosed).toBe(true);
    expect(client.isConnected).toBe(false);

    rig!.setReplyDelay(0);
    const again = await connect();
    const reopened = await again.openVehicle('thePlayer');
    expect((await again.readSensors(reopened)).damage.damage).toBe(0);
  });
});

describe('parseBeamNGAddress', () => {
  it('reads BEAMNG_ADDR forms', () => {
    expect(parseBeamNGAddress('192.168.0.20:25252')).toEqual({ host: '192.168.0.20', port: 25252 });
    expect(parseBeamNGAddress('rig-2')).toEqual({ host: 'rig-2', port: 25252 });
    expect(parseBeamNGAddress('[::1]:64256')).toEqual({ host: '::1', port: 64256 });
    expect(() => parseBeamNGAddress('rig:99999')).toThrow(/port/);
  });
});
