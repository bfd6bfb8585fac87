/**
 * The real rig connection (adapters/beamng/rig-connection.ts) against a scripted game that is
 * slow exactly where the game is slow: a car's socket that accepts late, a sensor read answered
 * after 800 ms, a mod whose answer comes late or twice, a mod that is not installed or broken, and
 * vehicles without names. The actor runs under a small parent machine that records what it sends
 * back and passes it commands, so these tests do not depend on the link machine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, setup, type AnyActorRef, type AnyEventObject } from 'xstate';
import { loadPartMapping } from '../../../actors/damage/mapping.js';
import {
  createRigConnection,
  type RigConnectionOptions,
} from '../../../adapters/beamng/rig-connection.js';
import type { RigCommand } from '../../../machines/link.js';
import { later, quietDamage, ScriptedGame, still } from './scripted-game.js';

const mapping = loadPartMapping();

let game: ScriptedGame | null = null;
const running: Array<{ stop: () => void }> = [];

afterEach(async () => {
  for (const actor of running.splice(0)) actor.stop();
  await game?.close();
  game = null;
});

/** Small timings for the tests that are not about the defaults. */
const fast: RigConnectionOptions = {
  mapping,
  connectTimeoutMs: 1_000,
  requestTimeoutMs: 1_000,
  sensorTimeoutMs: 1_000,
  vehicleRetryMs: 50,
};

/** Runs the rig connection under a recording parent; `send` passes it a command. */
function startRig(logic: ReturnType<typeof createRigConnection>, target: ScriptedGame) {
  const events: AnyEventObject[] = [];
  const parent = setup({ actors: { rig: logic } }).createMachine({
    invoke: {
      id: 'rig',
      src: 'rig',
      input: { address: { host: target.host, port: target.port }, protocol_version: 'v1.23' },
    },
    on: { '*': { actions: ({ event }) => void events.push(event) } },
  });
  const actor = createActor(parent).start();
  running.push(actor);
  const child = (): AnyActorRef => actor.getSnapshot().children['rig'] as AnyActorRef;
  const ofType = (type: string) => events.filter((e) => e.type === type);
  const poll = (ask_repair_button = true) =>
    child().send({ type: 'POLL', ask_repair_button } satisfies RigCommand);
  return { actor, events, ofType, poll };
}

/** Resolves once `predicate` holds, checking every few ms. */
async function eventually(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('timing as the game has it', () => {
  it('connects to a car whose socket accepts only after 3 s (default limits), without failing', async () => {
    game = await ScriptedGame.start();
    game.onVehicle['Hello'] = (_f, reply) =>
      later(3_000, () => reply({ type: 'Hello', protocolVersion: 'v1.23' }));
    const { ofType, poll } = startRig(createRigConnection({ mapping }), game);
    await eventually(() => ofType('RIG.READY').length > 0, 8_000);
    expect(ofType('RIG.FAILED')).toEqual([]);
    expect(ofType('RIG.READY')[0]).toMatchObject({
      vehicle: { model: 'vw_tcross', name: 'thePlayer', vehicle_model: 'tcross' },
    });
    poll();
    await eventually(() => ofType('RIG.READING').length > 0);
  }, 10_000);

  it('retries the vehicle connect while the car refuses it, then reports ready', async () => {
    game = await ScriptedGame.start({ vehicle: false });
    const port = game.vehiclePort;
    later(200, () => void game!.listenVehicle(port));
    const { ofType } = startRig(createRigConnection({ ...fast, vehicleConnectAttempts: 20 }), game);
    await eventually(() => ofType('RIG.READY').length > 0);
    expect(ofType('RIG.FAILED')).toEqual([]);
  });

  it('fails the link once the vehicle connect attempts are used up', async () => {
    game = await ScriptedGame.start();
    game.onVehicle['Hello'] = () => {};
    const { ofType } = startRig(
      createRigConnection({ ...fast, connectTimeoutMs: 50, vehicleConnectAttempts: 3 }),
      game,
    );
    await eventually(() => ofType('RIG.FAILED').length > 0);
    expect(ofType('RIG.FAILED')[0]).toMatchObject({
      error: { code: 'beamng_timeout', message: expect.stringMatching(/after 3 attempts/) },
    });
    expect(game.received('Hello', 'vehicle')).toHaveLength(3);
    expect(ofType('RIG.READY')).toEqual([]);
  });

  it('takes a sensor read and a mod answer that come after 800 ms, and sends neither again meanwhile', async () => {
    game = await ScriptedGame.start();
    game.onVehicle['SensorRequest'] = (_f, reply) =>
      later(800, () =>
        reply({
          type: 'SensorData',
          data: { damage: { ...quietDamage, damage: 42 }, state: still },
        }),
      );
    game.onGame['VWRepairPressed'] = (_f, reply) =>
      later(800, () => reply({ type: 'VWRepairPressed', presses: 0 }));
    const { ofType, poll } = startRig(createRigConnection({ mapping }), game); // default limits
    await eventually(() => ofType('RIG.READY').length > 0); // after the baseline, 800 ms late
    expect(game.received('VWRepairPressed')).toHaveLength(1);
    expect(ofType('RIG.MOD_STATUS')).toEqual([{ type: 'RIG.MOD_STATUS', mod: 'installed' }]);
    poll();
    await pause(200);
    poll();
    await pause(200);
    poll();
    await eventually(() => ofType('RIG.READING').length > 0);
    expect(ofType('RIG.READING')).toEqual([
      expect.objectContaining({
        reading: expect.objectContaining({ damage: expect.objectContaining({ damage: 42 }) }),
      }),
    ]);
    expect(game.received('SensorRequest', 'vehicle')).toHaveLength(1);
    expect(game.received('VWRepairPressed')).toHaveLength(2); // the baseline, then one for three POLLs
    await pause(450); // the mod's second answer, 800 ms after it was asked
    expect(ofType('RIG.FAILED')).toEqual([]);
    expect(ofType('RIG.MOD_STATUS')).toHaveLength(1);
  });
});

describe('presses never lost, never doubled', () => {
  /** One POLL, answered: waits for the reading and for the `asked`-th mod poll to be answered. */
  async function pollOnce(rig: ReturnType<typeof startRig>, asked?: number): Promise<void> {
    const readings = rig.ofType('RIG.READING').length;
    rig.poll();
    await eventually(() => rig.ofType('RIG.READING').length > readings);
    if (asked !== undefined)
      await eventually(() => game!.received('VWRepairPressed').length === asked);
    await pause(20);
  }

  it('fires one repair for a press answered late and twice', async () => {
    game = await ScriptedGame.start();
    let polls = 0;
    game.onGame['VWRepairPressed'] = (frame, reply, peer) => {
      polls += 1;
      if (polls === 1) return reply({ type: 'VWRepairPressed', presses: 4 }); // baseline, on connect
      if (polls === 2)
        // after the poll's timeout, and the same frame twice
        return later(400, () => {
          reply({ type: 'VWRepairPressed', presses: 5 });
          peer.reply({ type: 'VWRepairPressed', presses: 5, _id: frame['_id'] });
        });
      reply({ type: 'VWRepairPressed', presses: 5 }); // asked again: the same count
    };
    const rig = startRig(createRigConnection({ ...fast, repairPollTimeoutMs: 100 }), game);
    const { ofType } = rig;
    await eventually(() => ofType('RIG.READY').length > 0);
    expect(ofType('RIG.MOD_STATUS')).toHaveLength(1);
    expect(ofType('RIG.REPAIR_PRESSED')).toEqual([]); // a count from before: no press

    await pollOnce(rig, 2); // its mod poll times out after 100 ms: status fault
    await eventually(() => ofType('RIG.MOD_STATUS').length === 2);
    await pollOnce(rig); // resting after the timeout: not asked again
    expect(game.received('VWRepairPressed')).toHaveLength(2);

    await eventually(() => ofType('RIG.REPAIR_PRESSED').length > 0); // the late answer counts
    await pollOnce(rig, 3); // the mod answered after all: asked again at once, same count
    await pause(50);
    expect(ofType('RIG.REPAIR_PRESSED')).toHaveLength(1);
    expect(ofType('RIG.MOD_STATUS').map((e) => e['mod'])).toEqual([
      'installed',
      'fault',
      'installed',
    ]);
    expect(ofType('RIG.MOD_STATUS')[1]!['detail']).toMatch(
      /no answer to VWRepairPressed within 100 ms/,
    );
    expect(ofType('RIG.FAILED')).toEqual([]);
  });

  it('counts a press made right after RIG.READY', async () => {
    game = await ScriptedGame.start();
    const rig = startRig(createRigConnection(fast), game);
    await eventually(() => rig.ofType('RIG.READY').length > 0);
    game.presses = 1;
    await pollOnce(rig, 2);
    expect(rig.ofType('RIG.REPAIR_PRESSED')).toHaveLength(1);
  });

  it('remembers the count across a reconnect to the same rig, and a fresh server takes it as the baseline', async () => {
    game = await ScriptedGame.start();
    const logic = createRigConnection(fast);
    const first = startRig(logic, game);
    await eventually(() => first.ofType('RIG.MOD_STATUS').length > 0);
    first.actor.stop();

    game.presses = 1; // pressed while the link was down
    const second = startRig(logic, game);
    await eventually(() => second.ofType('RIG.REPAIR_PRESSED').length > 0);
    // sent after RIG.READY, so the link (polling by then) takes it
    expect(second.events.map((e) => e.type)).toEqual([
      'RIG.TCP_CONNECTED',
      'RIG.READY',
      'RIG.MOD_STATUS',
      'RIG.REPAIR_PRESSED',
    ]);

    game.presses = 2; // a press before this server ever linked to the rig belongs to nobody
    const fresh = startRig(createRigConnection(fast), game);
    await eventually(() => fresh.ofType('RIG.MOD_STATUS').length > 0);
    await pause(20);
    expect(fresh.ofType('RIG.REPAIR_PRESSED')).toEqual([]);
  });

  it('takes a lower count (the game restarted) as the new baseline, without firing', async () => {
    game = await ScriptedGame.start();
    game.presses = 7;
    const rig = startRig(createRigConnection(fast), game);
    await eventually(() => rig.ofType('RIG.READY').length > 0);
    let asked = 1;
    for (const presses of [7, 0, 1]) {
      game.presses = presses;
      await pollOnce(rig, ++asked);
    }
    expect(rig.ofType('RIG.REPAIR_PRESSED')).toHaveLength(1); // 0 → 1 only
  });

  it('fires for each "pressed" of an older mod, and says it is an older mod', async () => {
    game = await ScriptedGame.start();
    const answers = [false, true, false, true];
    game.onGame['VWRepairPressed'] = (_f, reply) =>
      reply({ type: 'VWRepairPressed', pressed: answers.shift() ?? false });
    const rig = startRig(createRigConnection(fast), game);
    await eventually(() => rig.ofType('RIG.READY').length > 0);
    for (const asked of [2, 3, 4]) await pollOnce(rig, asked);
    expect(rig.ofType('RIG.REPAIR_PRESSED')).toHaveLength(2);
    expect(rig.ofType('RIG.MOD_STATUS')).toEqual([
      { type: 'RIG.MOD_STATUS', mod: 'installed', detail: expect.stringMatching(/older mod/) },
    ]);
  });
});

describe('error replies from the mod', () => {
  it('reads "not handled" as the mod missing: says so once, stops asking a while, keeps polling damage', async () => {
    game = await ScriptedGame.start();
    delete game.onGame['VWRepairPressed']; // the game answers NOT_HANDLED
    const missing: string[] = [];
    const { ofType, poll } = startRig(
      createRigConnection({ ...fast, onModMissing: (_a, e) => missing.push(e.code) }),
      game,
    );
    await eventually(() => ofType('RIG.READY').length > 0);
    for (let i = 0; i < 5; i++) {
      const readings = ofType('RIG.READING').length;
      poll();
      await eventually(() => ofType('RIG.READING').length > readings);
    }
    expect(ofType('RIG.MOD_STATUS')).toEqual([
      {
        type: 'RIG.MOD_STATUS',
        mod: 'missing',
        detail: expect.stringMatching(/did not handle VWRepairPressed.*not handled by BeamNG/),
      },
    ]);
    expect(game.received('VWRepairPressed')).toHaveLength(1);
    expect(missing).toEqual(['beamng_not_handled']);
    expect(ofType('RIG.FAILED')).toEqual([]);
  });

  it('reports any other error from the mod as a mod fault, and keeps polling damage', async () => {
    game = await ScriptedGame.start();
    game.onGame['VWRepairPressed'] = (_f, reply) =>
      reply({
        bngError: "lua/ge/extensions/vw/repairButton.lua:42: attempt to index nil value 'ui'",
      });
    const { ofType, poll } = startRig(createRigConnection({ ...fast, modRetryAfterMs: 1 }), game);
    await eventually(() => ofType('RIG.READY').length > 0);
    for (let i = 0; i < 3; i++) {
      const readings = ofType('RIG.READING').length;
      poll();
      await eventually(() => ofType('RIG.READING').length > readings);
      await pause(5);
    }
    await eventually(() => game!.received('VWRepairPressed').length >= 2);
    expect(ofType('RIG.MOD_STATUS')).toEqual([
      {
        type: 'RIG.MOD_STATUS',
        mod: 'fault',
        detail: expect.stringMatching(/refused VWRepairPressed: .*attempt to index nil/),
      },
    ]); // reported once, not on every poll
    expect(ofType('RIG.FAILED')).toEqual([]);
  });
});

describe('vehicle identity', () => {
  it('opens an unnamed vehicle by its id, not by the empty name', async () => {
    game = await ScriptedGame.start();
    game.onGame['GetPlayerVehicleID'] = (_f, reply) =>
      reply({ type: 'getPlayerVehicleID', id: 10000, vid: '' });
    game.onGame['GetCurrentVehicles'] = (_f, reply) =>
      reply({
        type: 'GetCurrentVehicles',
        result: { '': { id: 10000, model: 'golf8', name: '', options: [] } },
      });
    game.onGame['StartVehicleConnection'] = (frame, reply) =>
      reply({ type: 'StartVehicleConnection', vid: frame['vid'], result: game!.vehiclePort });
    const { ofType } = startRig(createRigConnection(fast), game);
    await eventually(() => ofType('RIG.READY').length > 0);
    expect(game.received('StartVehicleConnection')).toEqual([
      expect.objectContaining({ vid: '10000' }),
    ]);
    expect(ofType('RIG.READY')[0]).toMatchObject({
      vehicle: { model: 'golf8', name: null, vehicle_model: 'golf' },
    });
  });

  it('reports two vehicles without names as ambiguous, and opens neither', async () => {
    game = await ScriptedGame.start();
    game.onGame['GetPlayerVehicleID'] = (_f, reply) =>
      reply({ type: 'getPlayerVehicleID', id: 10001, vid: '' });
    game.onGame['GetCurrentVehicles'] = (_f, reply) =>
      reply({
        type: 'GetCurrentVehicles',
        result: { '': { id: 10000, model: 'etk800', name: '', options: [] } },
      });
    const { ofType } = startRig(createRigConnection(fast), game);
    await eventually(() => ofType('RIG.FAILED').length > 0);
    expect(ofType('RIG.FAILED')[0]).toMatchObject({
      error: { code: 'beamng_vehicle_ambiguous', message: expect.stringMatching(/no name/) },
    });
    expect(game.received('StartVehicleConnection')).toEqual([]);
  });

  it('refuses a StartVehicleConnection reply that names another vehicle', async () => {
    game = await ScriptedGame.start();
    game.onGame['StartVehicleConnection'] = (_f, reply) =>
      reply({ type: 'StartVehicleConnection', vid: 'traffic1', result: game!.vehiclePort });
    const { ofType } = startRig(createRigConnection(fast), game);
    await eventually(() => ofType('RIG.FAILED').length > 0);
    expect(ofType('RIG.FAILED')[0]).toMatchObject({
      error: {
        code: 'beamng_wrong_vehicle',
        message: expect.stringMatching(/traffic1.*thePlayer/),
      },
    });
    expect(game.vehicle!.frames).toEqual([]);
    expect(ofType('RIG.READY')).toEqual([]);
  });
});
