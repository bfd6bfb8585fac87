/**
 * BeamNGClient against a scripted game that is slow, unnamed or odd exactly where a test needs:
 * vehicle identity (empty names, the player's vid, two unnamed cars, a reply for another car),
 * the vehicle socket's connect retries, and the mod's press count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BeamNGClient, type BeamNGClientOptions } from '../../../adapters/beamng/client.js';
import {
  BeamNGAmbiguousVehicleError,
  BeamNGConnectError,
  BeamNGNotHandledError,
  BeamNGReplyError,
  BeamNGWrongVehicleError,
} from '../../../adapters/beamng/errors.js';
import { CurrentVehiclesReply } from '../../../adapters/beamng/schemas.js';
import { later, ScriptedGame, type RequestScript } from './scripted-game.js';

let game: ScriptedGame | null = null;
const clients: BeamNGClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await game?.close();
  game = null;
});

async function connect(options: Partial<BeamNGClientOptions> = {}): Promise<BeamNGClient> {
  const client = new BeamNGClient({
    host: game!.host,
    port: game!.port,
    connectTimeoutMs: 2_000,
    requestTimeoutMs: 1_000,
    sensorTimeoutMs: 1_000,
    vehicleRetryMs: 50,
    ...options,
  });
  clients.push(client);
  await client.connect();
  return client;
}

/** A GetCurrentVehicles answer with this `result`. */
const listing =
  (result: unknown): RequestScript =>
  (_frame, reply) =>
    reply({ type: 'GetCurrentVehicles', result });

describe('vehicle identity', () => {
  it('reads an empty name or key as missing: the vehicle is known by its id', () => {
    expect(
      CurrentVehiclesReply.parse({
        result: {
          '': { id: 10000, model: 'vw_tcross', name: '' },
          '10001': { id: 10001.0, model: 'golf8' },
          traffic: { id: 10002, model: 'etk800', name: 'traffic' },
        },
      }).map((v) => [v.vid, v.name]),
    ).toEqual([
      ['10000', '10000'],
      ['10001', '10001'],
      ['traffic', 'traffic'],
    ]);
    expect(CurrentVehiclesReply.parse({ result: [{ id: 7, name: ' ', model: 'x' }] })[0]!.vid).toBe(
      '7',
    );
  });

  it('opens an unnamed player vehicle by its id, not by the empty name', async () => {
    game = await ScriptedGame.start();
    game.onGame['GetPlayerVehicleID'] = (_f, reply) =>
      reply({ type: 'getPlayerVehicleID', id: 10000, vid: '' });
    game.onGame['GetCurrentVehicles'] = listing({
      '': { id: 10000, model: 'vw_tcross', name: '', options: [] },
    });
    // The game names an unnamed vehicle by its id in the reply (tostring(vehicleID)).
    game.onGame['StartVehicleConnection'] = (frame, reply) =>
      reply({
        type: 'StartVehicleConnection',
        vid: String(frame['vid']),
        result: game!.vehiclePort,
      });
    const client = await connect();
    const player = await client.findPlayerVehicle();
    expect(player).toMatchObject({ vid: '10000', id: 10000, model: 'vw_tcross' });
    const vehicle = await client.openVehicle(player.vid, { alsoKnownAs: [player.id, player.name] });
    expect(game.received('StartVehicleConnection')).toEqual([
      expect.objectContaining({ vid: '10000' }),
    ]);
    expect(vehicle.isClosed).toBe(false);
  });

  it("prefers GetPlayerVehicleID's non-empty vid to the listed key", async () => {
    game = await ScriptedGame.start();
    game.onGame['GetCurrentVehicles'] = listing({
      '10000': { id: 10000, model: 'vw_tcross', options: [] },
    });
    const client = await connect();
    await expect(client.findPlayerVehicle()).resolves.toMatchObject({
      vid: 'thePlayer',
      id: 10000,
      model: 'vw_tcross',
      via: 'GetPlayerVehicleID',
    });
  });

  it('reports two vehicles without names, where the game lists only one of them', async () => {
    game = await ScriptedGame.start();
    game.onGame['GetPlayerVehicleID'] = (_f, reply) =>
      reply({ type: 'getPlayerVehicleID', id: 10001, vid: '' });
    // resp[v.name] = v: the two unnamed cars share the key '' and only the last one survives.
    game.onGame['GetCurrentVehicles'] = listing({
      '': { id: 10000, model: 'etk800', name: '', options: [] },
    });
    const client = await connect();
    const error = await client.findPlayerVehicle().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamNGAmbiguousVehicleError);
    expect(error).toMatchObject({ code: 'beamng_vehicle_ambiguous' });
    expect((error as Error).message).toMatch(/10001.*10000.*no name/s);
  });

  it('refuses a StartVehicleConnection reply for another vehicle and does not connect to it', async () => {
    game = await ScriptedGame.start();
    game.onGame['StartVehicleConnection'] = (_f, reply) =>
      reply({ type: 'StartVehicleConnection', vid: 'traffic1', result: game!.vehiclePort });
    const client = await connect();
    const error = await client
      .openVehicle('thePlayer', { alsoKnownAs: [10000] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamNGWrongVehicleError);
    expect(error).toMatchObject({
      code: 'beamng_wrong_vehicle',
      requested: 'thePlayer',
      answered: 'traffic1',
    });
    expect(game.vehicle!.frames).toEqual([]);
  });

  it('takes a reply that names the vehicle by its id, or names none', async () => {
    game = await ScriptedGame.start();
    let answer: unknown = 10000;
    game.onGame['StartVehicleConnection'] = (_f, reply) =>
      reply({
        type: 'StartVehicleConnection',
        result: game!.vehiclePort,
        ...(answer === undefined ? {} : { vid: answer }),
      });
    const client = await connect();
    await expect(client.openVehicle('thePlayer', { alsoKnownAs: [10000] })).resolves.toBeTruthy();
    answer = undefined;
    await expect(client.openVehicle('thePlayer')).resolves.toBeTruthy();
  });
});

describe('the vehicle socket', () => {
  it('retries the connect until the car accepts, within the attempts', async () => {
    game = await ScriptedGame.start({ vehicle: false });
    const port = game.vehiclePort;
    later(180, () => void game!.listenVehicle(port)); // refused for the first attempts
    const client = await connect({ vehicleConnectAttempts: 10, vehicleRetryMs: 50 });
    const vehicle = await client.openVehicle('thePlayer');
    expect(vehicle.port).toBe(port);
    expect(game.received('Hello', 'vehicle')).toHaveLength(1);
    expect(game.received('StartVehicleConnection')).toHaveLength(1); // the port is asked for once
  });

  it('retries a vehicle Hello that does not come in time, then gives up after the attempts', async () => {
    game = await ScriptedGame.start();
    game.onVehicle['Hello'] = () => {}; // never accepted
    const client = await connect({
      connectTimeoutMs: 60,
      vehicleConnectAttempts: 3,
      vehicleRetryMs: 10,
    });
    const error = await client.openVehicle('thePlayer').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'beamng_timeout', requestType: 'Hello' });
    expect((error as Error).message).toMatch(/after 3 attempts/);
    expect(game.received('Hello', 'vehicle')).toHaveLength(3);
  });

  it('fails with the connect error once the attempts are used up', async () => {
    game = await ScriptedGame.start({ vehicle: false });
    const client = await connect({ vehicleConnectAttempts: 2, vehicleRetryMs: 10 });
    const error = await client.openVehicle('thePlayer').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamNGConnectError);
    expect((error as Error).message).toMatch(/after 2 attempts/);
  });

  it('stops retrying when the client is closed', async () => {
    game = await ScriptedGame.start({ vehicle: false });
    const client = await connect({ vehicleConnectAttempts: 100, vehicleRetryMs: 20 });
    const opening = client.openVehicle('thePlayer').catch((e: unknown) => e);
    later(60, () => client.close('station stopped'));
    await expect(opening).resolves.toMatchObject({ code: 'beamng_closed' });
  });
});

describe('the mod poll', () => {
  it('reads the press count, an older mod\'s "pressed", and refuses other shapes', async () => {
    game = await ScriptedGame.start();
    const client = await connect();
    game.presses = 3;
    await expect(client.pollRepairButton()).resolves.toEqual({ presses: 3, pressed: false });
    game.onGame['VWRepairPressed'] = (_f, reply) =>
      reply({ type: 'VWRepairPressed', pressed: true });
    await expect(client.pollRepairButton()).resolves.toEqual({ presses: null, pressed: true });
    await expect(client.pollRepairPressed()).resolves.toBe(true);
    game.onGame['VWRepairPressed'] = (_f, reply) => reply({ type: 'VWRepairPressed' });
    await expect(client.pollRepairButton()).rejects.toBeInstanceOf(BeamNGReplyError);
  });

  it('says "not handled" when the mod is not installed', async () => {
    game = await ScriptedGame.start();
    delete game.onGame['VWRepairPressed'];
    const client = await connect();
    await expect(client.pollRepairButton()).rejects.toBeInstanceOf(BeamNGNotHandledError);
  });

  it('hands an answer that comes after the timeout to onLateAnswer, parsed', async () => {
    game = await ScriptedGame.start();
    game.presses = 2;
    game.onGame['VWRepairPressed'] = (_f, reply) =>
      later(120, () => reply({ type: 'VWRepairPressed', presses: 2 }));
    const client = await connect();
    const late: unknown[] = [];
    await expect(
      client.pollRepairButton({ timeoutMs: 30, onLateAnswer: (a) => late.push(a) }),
    ).rejects.toMatchObject({ code: 'beamng_timeout' });
    await expect.poll(() => late).toEqual([{ presses: 2, pressed: false }]);
  });
});
