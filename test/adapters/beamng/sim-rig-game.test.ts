/**
 * The sim rig behaving like the game: the frame loop at 20 fps (accept delays on the game and the
 * vehicle socket, one request per socket per frame, blocking requests that block), the game's own
 * error replies, unnamed vehicles, and the in-game mod (running press count, an older mod, a
 * missing or failing mod, a late answer).
 *
 * Talks to the rig over raw framing (framing.ts), not through the client, so the rig's wire
 * behaviour is what is tested. Frame-loop tests run on a ManualClock: time moves only when the test
 * advances it, and replies are awaited with a generous real timeout. "Nothing came" is checked by
 * order where it can be (a later reply on the same socket arrived first) and otherwise by a short
 * real wait, which can only make such a check pass wrongly, never fail wrongly.
 */
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from '../../../adapters/beamng/framing.js';
import { loadBundledRecordings } from '../../../adapters/beamng/recording.js';
import {
  ManualClock,
  SIM_GAME_TEXT,
  SIM_MOD,
  SimRig,
  type SimRigOptions,
} from '../../../adapters/beamng/sim-rig.js';

type Message = Record<string, unknown>;

const REPLY_WAIT_MS = 5_000;
const FRAME_MS = 50; // 20 fps

const rigs: SimRig[] = [];
const peers: RawPeer[] = [];

afterEach(async () => {
  for (const peer of peers.splice(0)) peer.close();
  await Promise.all(rigs.splice(0).map((rig) => rig.close()));
});

async function startRig(options: SimRigOptions = {}): Promise<SimRig> {
  const rig = await SimRig.start(options);
  rigs.push(rig);
  return rig;
}

/** Resolves once `predicate` holds (real time, checked every few ms). */
async function until(predicate: () => boolean, what: string, timeoutMs = REPLY_WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A short real wait for "nothing arrives" checks. */
const settle = () => new Promise((r) => setTimeout(r, 40));

/** A client socket speaking the framing by hand. */
class RawPeer {
  readonly frames: Message[] = [];
  #nextId = 0;
  readonly #decoder = new FrameDecoder();

  private constructor(
    readonly socket: Socket,
    readonly rig: SimRig,
  ) {
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.#decoder.push(chunk)) this.frames.push(frame as Message);
    });
    socket.on('error', () => undefined);
  }

  static async connect(rig: SimRig, port = rig.port): Promise<RawPeer> {
    const socket = createConnection({ host: rig.host, port });
    await once(socket, 'connect');
    const peer = new RawPeer(socket, rig);
    peers.push(peer);
    return peer;
  }

  /** Sends a request and waits until the rig has it (not until it is answered); returns its `_id`. */
  async send(type: string, fields: Message = {}): Promise<number> {
    const id = this.#nextId++;
    const before = this.rig.received.length;
    this.socket.write(encodeFrame({ type, _id: id, ...fields }));
    await until(() => this.rig.received.length > before, `the rig to receive ${type}`);
    return id;
  }

  /** Sends several requests in one write (they arrive together); waits until the rig has them all. */
  async sendAll<const T extends ReadonlyArray<readonly [string, Message?]>>(
    requests: T,
  ): Promise<{ [K in keyof T]: number }> {
    const before = this.rig.received.length;
    const ids = requests.map(() => this.#nextId++);
    this.socket.write(
      Buffer.concat(
        requests.map(([type, fields], i) => encodeFrame({ type, _id: ids[i], ...(fields ?? {}) })),
      ),
    );
    await until(
      () => this.rig.received.length >= before + requests.length,
      'the rig to receive them',
    );
    return ids as { [K in keyof T]: number };
  }

  replyTo(id: number): Message | undefined {
    return this.frames.find((f) => f['_id'] === id);
  }

  async reply(id: number): Promise<Message> {
    await until(() => this.replyTo(id) !== undefined, `the reply to request ${id}`);
    return this.replyTo(id)!;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Starts a 20 fps rig on a manual clock. */
async function framedRig(options: SimRigOptions = {}) {
  const clock = new ManualClock();
  const rig = await startRig({ clock, fps: 20, ...options });
  return { rig, clock };
}

/**
 * StartVehicleConnection on a framed rig: the frame that takes it starts the vehicle's server
 * listening (real I/O, awaited here so the manual clock does not run past it), and the reply
 * comes `blockingFrames` after that frame. Returns the reply.
 */
async function startVehicle(rig: SimRig, clock: ManualClock, game: RawPeer): Promise<Message> {
  const id = await game.send('StartVehicleConnection', { vid: 'thePlayer' });
  const taken = rig.frame + 1;
  clock.advance(FRAME_MS);
  await until(() => rig.vehiclePort() !== null, 'the vehicle port to open');
  clock.advance((taken + rig.timing.blockingFrames - rig.frame) * FRAME_MS);
  return game.reply(id);
}

/** A game socket past its accept and Hello on a framed rig. */
async function helloGame(rig: SimRig, clock: ManualClock): Promise<RawPeer> {
  const game = await RawPeer.connect(rig);
  const hello = await game.send('Hello', { protocolVersion: 'v1.23' });
  clock.advance(rig.timing.gameAcceptEveryMs + FRAME_MS);
  expect(await game.reply(hello)).toMatchObject({ type: 'Hello', protocolVersion: 'v1.23' });
  return game;
}

describe('sim rig at 20 fps: accepts', () => {
  it('answers the game socket only from its first accept, a second after the start', async () => {
    const { rig, clock } = await framedRig();
    expect(rig.timing).toMatchObject({ fps: 20, frameMs: 50, gameAcceptEveryMs: 1000 });
    const game = await RawPeer.connect(rig); // the TCP connect itself succeeds at once
    const hello = await game.send('Hello', { protocolVersion: 'v1.23' });

    clock.advance(950); // 19 frames: not accepted yet
    expect(rig.frame).toBe(19);
    await settle();
    expect(game.frames).toEqual([]);

    clock.advance(50); // frame 20, t = 1000 ms: accepted, and its Hello handled on that frame
    expect(await game.reply(hello)).toEqual({
      type: 'Hello',
      protocolVersion: 'v1.23',
      _id: hello,
    });
  });

  it('a client connecting later waits for the next once-a-second accept', async () => {
    const { rig, clock } = await framedRig();
    await helloGame(rig, clock); // t = 1050 ms
    const second = await RawPeer.connect(rig);
    const hello = await second.send('Hello', { protocolVersion: 'v1.23' });
    clock.advance(900); // t = 1950: the next accept is at 2000
    await settle();
    expect(second.frames).toEqual([]);
    clock.advance(50);
    await expect(second.reply(hello)).resolves.toMatchObject({ type: 'Hello' });
  });

  it("answers a vehicle socket's Hello only after 60 vehicle frames (3 s at 20 fps)", async () => {
    const { rig, clock } = await framedRig();
    expect(rig.timing.vehicleAcceptFrames).toBe(60);
    const game = await helloGame(rig, clock);
    const started = await startVehicle(rig, clock, game); // blocking: answered two frames later
    expect(started).toMatchObject({ type: 'StartVehicleConnection', vid: 'thePlayer' });

    const vehicle = await RawPeer.connect(rig, started['result'] as number);
    const hello = await vehicle.send('Hello', { protocolVersion: 'v1.23' });
    clock.advance(2_800); // ~58 frames after the port opened
    await settle();
    expect(vehicle.frames).toEqual([]);
    clock.advance(200);
    await expect(vehicle.reply(hello)).resolves.toMatchObject({ type: 'Hello' });

    const read = await vehicle.send('SensorRequest', { sensors: { d: { type: 'Damage' } } });
    clock.advance(FRAME_MS);
    await expect(vehicle.reply(read)).resolves.toMatchObject({
      type: 'SensorData',
      data: { d: { damage: 0 } },
    });
  });

  it('takes the vehicle accept delay as a time too (vehicleAcceptDelayMs)', async () => {
    const { rig, clock } = await framedRig({ vehicleAcceptDelayMs: 1_000 });
    expect(rig.timing.vehicleAcceptFrames).toBe(20);
    const game = await helloGame(rig, clock);
    const port = (await startVehicle(rig, clock, game))['result'] as number;
    const vehicle = await RawPeer.connect(rig, port);
    const hello = await vehicle.send('Hello', { protocolVersion: 'v1.23' });
    clock.advance(800);
    await settle();
    expect(vehicle.frames).toEqual([]);
    clock.advance(200);
    await expect(vehicle.reply(hello)).resolves.toMatchObject({ type: 'Hello' });
  });
});

describe('sim rig at 20 fps: frames and blocking', () => {
  it('handles one request per socket per frame', async () => {
    const { rig, clock } = await framedRig();
    const game = await helloGame(rig, clock);
    const ids = await game.sendAll([
      ['Echo', { data: 'a' }],
      ['Echo', { data: 'b' }],
      ['Echo', { data: 'c' }],
    ]);
    for (const [i, id] of ids.entries()) {
      const frame = i + 1;
      clock.advance(FRAME_MS);
      await game.reply(id);
      await settle();
      expect(game.frames.filter((f) => f['type'] === 'Echo')).toHaveLength(frame);
    }
    expect(game.frames.filter((f) => f['type'] === 'Echo').map((f) => f['data'])).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('with requestsPerFrame 0 handles every queued request on one frame', async () => {
    const { rig, clock } = await framedRig({ requestsPerFrame: 0 });
    const game = await helloGame(rig, clock);
    const ids = await game.sendAll([['Echo', { data: 'a' }], ['Echo', { data: 'b' }], ['Echo']]);
    clock.advance(FRAME_MS);
    for (const id of ids) await game.reply(id);
  });

  it('a blocking request blocks every other request on the game socket until it is answered', async () => {
    const { rig, clock } = await framedRig({ blockingFrames: 4 });
    const game = await helloGame(rig, clock);
    const other = await helloGame(rig, clock);

    const [vehicles, echo] = await game.sendAll([
      ['GetCurrentVehicles', { include_config: false }],
      ['Echo', { data: 'queued behind' }],
    ]);
    clock.advance(FRAME_MS); // GetCurrentVehicles taken: the game blocks
    expect(rig.blockedOn).toBe('vehicleInfo');
    const otherEcho = await other.send('Echo', { data: 'other socket' });
    clock.advance(3 * FRAME_MS); // still blocked: nothing else is handled, on any game socket
    await settle();
    expect(game.replyTo(vehicles)).toBeUndefined();
    expect(game.replyTo(echo)).toBeUndefined();
    expect(other.replyTo(otherEcho)).toBeUndefined();

    clock.advance(FRAME_MS); // the fourth frame: answered, and the game goes on in that frame
    expect(await game.reply(vehicles)).toMatchObject({
      type: 'GetCurrentVehicles',
      result: { thePlayer: { id: 10000, model: 'vw_tcross', name: 'thePlayer' } },
    });
    expect(rig.blockedOn).toBeNull();
    await game.reply(echo);
    await other.reply(otherEcho);
    // the blocking reply went out before the echo queued behind it
    expect(game.frames.indexOf(game.replyTo(vehicles)!)).toBeLessThan(
      game.frames.indexOf(game.replyTo(echo)!),
    );
  });

  it('refuses a second blocking request taken in the same frame, as the game does', async () => {
    const { rig, clock } = await framedRig();
    const first = await helloGame(rig, clock);
    const second = await helloGame(rig, clock);
    const vehicles = await first.send('GetCurrentVehicles');
    const start = await second.send('StartVehicleConnection', { vid: 'thePlayer' });
    clock.advance(FRAME_MS); // both taken in one frame's pass over the sockets
    expect(await second.reply(start)).toEqual({
      bngError: SIM_GAME_TEXT.alreadyBlocked('vehicleConnection'),
      _id: start,
    });
    clock.advance(2 * FRAME_MS);
    await expect(first.reply(vehicles)).resolves.toMatchObject({ type: 'GetCurrentVehicles' });
  });

  it('keeps vehicle sockets going while the game socket is blocked', async () => {
    const { rig, clock } = await framedRig({ vehicleAcceptEveryFrames: 1, blockingFrames: 10 });
    const game = await helloGame(rig, clock);
    const started = await startVehicle(rig, clock, game);
    const vehicle = await RawPeer.connect(rig, started['result'] as number);
    const hello = await vehicle.send('Hello', { protocolVersion: 'v1.23' });
    clock.advance(2 * FRAME_MS);
    await vehicle.reply(hello);

    const vehicles = await game.send('GetCurrentVehicles');
    clock.advance(FRAME_MS);
    expect(rig.blockedOn).toBe('vehicleInfo');
    const read = await vehicle.send('SensorRequest', { sensors: { s: { type: 'State' } } });
    clock.advance(FRAME_MS);
    await expect(vehicle.reply(read)).resolves.toMatchObject({ type: 'SensorData' });
    expect(game.replyTo(vehicles)).toBeUndefined();
    expect(rig.blockedOn).toBe('vehicleInfo');
  });
});

describe("sim rig: the game's own error replies", () => {
  it.each([0, 20])(
    'answers an unknown request with bngError "not handled" (fps %i)',
    async (fps) => {
      const clock = new ManualClock();
      const rig = await startRig({ clock, fps });
      const game = fps ? await helloGame(rig, clock) : await RawPeer.connect(rig);
      const id = await game.send('QueueLuaCommandGE', { chunk: 'print(1)' });
      clock.advance(FRAME_MS);
      expect(await game.reply(id)).toEqual({ bngError: SIM_GAME_TEXT.notHandled, _id: id });
      expect(SIM_GAME_TEXT.notHandled.startsWith(SIM_GAME_TEXT.notHandledPrefix)).toBe(true);
      expect(SIM_GAME_TEXT.notHandled.split('\n')).toEqual([
        'The request was not handled by BeamNG.tech. This can mean:',
        '- an incompatible version of BeamNG.tech/BeamNGpy',
        '- an internal error in BeamNG.tech',
        '- incorrectly implemented custom command',
      ]);
    },
  );

  it('answers an unknown request on a vehicle socket the same way (vehicle sockets have no Echo)', async () => {
    const rig = await startRig();
    const game = await RawPeer.connect(rig);
    const port = (
      await game.reply(await game.send('StartVehicleConnection', { vid: 'thePlayer' }))
    )['result'] as number;
    const vehicle = await RawPeer.connect(rig, port);
    const echo = await vehicle.send('Echo', { data: 'x' });
    expect(await vehicle.reply(echo)).toEqual({ bngError: SIM_GAME_TEXT.notHandled, _id: echo });
  });

  it("with unknownRequest 'silence' answers nothing, and the connection goes on", async () => {
    const rig = await startRig({ unknownRequest: 'silence' });
    const game = await RawPeer.connect(rig);
    const unknown = await game.send('NoSuchRequest');
    const echo = await game.send('Echo', { data: 'after' });
    await game.reply(echo); // answered in order: had the unknown one been answered, it came first
    expect(game.replyTo(unknown)).toBeUndefined();
    expect(game.frames).toHaveLength(1);
  });

  it('answers GetPlayerVehicleID without a player vehicle with bngError "There is no vehicle"', async () => {
    const rig = await startRig({ playerVid: null });
    const game = await RawPeer.connect(rig);
    const id = await game.send('GetPlayerVehicleID');
    expect(await game.reply(id)).toEqual({ bngError: 'There is no vehicle', _id: id });
  });

  it('answers a request without a type with bngError', async () => {
    const rig = await startRig();
    const game = await RawPeer.connect(rig);
    game.socket.write(encodeFrame({ _id: 7, vid: 'thePlayer' }));
    expect(await game.reply(7)).toEqual({ bngError: SIM_GAME_TEXT.noType, _id: 7 });
  });
});

describe('sim rig: unnamed vehicles', () => {
  const twoCars = [
    { vid: 'first', id: 10000, model: 'vw_tcross' },
    { vid: 'second', id: 10001, model: 'golf8' },
  ];

  it('lists named vehicles by name', async () => {
    const rig = await startRig({ vehicles: twoCars });
    const game = await RawPeer.connect(rig);
    const reply = await game.reply(await game.send('GetCurrentVehicles'));
    expect(Object.keys(reply['result'] as Message).sort()).toEqual(['first', 'second']);
  });

  it('keys unnamed vehicles by "" as the game does, so two of them collide', async () => {
    const rig = await startRig({ vehicles: twoCars, unnamedVehicles: true, playerVid: 'first' });
    const game = await RawPeer.connect(rig);
    const listed = await game.reply(await game.send('GetCurrentVehicles'));
    expect(listed['result']).toEqual({
      '': expect.objectContaining({ id: 10001, model: 'golf8', name: '' }),
    });
    const player = await game.reply(await game.send('GetPlayerVehicleID'));
    expect(player).toMatchObject({ type: 'getPlayerVehicleID', id: 10000, vid: '' });

    // by the listed "name" the game finds no object
    const byName = await game.send('StartVehicleConnection', { vid: '' });
    expect(await game.reply(byName)).toEqual({
      bngError: SIM_GAME_TEXT.startVehicleNotFound,
      _id: byName,
    });
    const byOldName = await game.send('StartVehicleConnection', { vid: 'first' });
    expect(await game.reply(byOldName)).toMatchObject({
      bngError: SIM_GAME_TEXT.startVehicleNotFound,
    });
    // by its id it does, and the reply names the vid as the id
    const byId = await game.send('StartVehicleConnection', { vid: 10000 });
    expect(await game.reply(byId)).toMatchObject({
      type: 'StartVehicleConnection',
      vid: '10000',
      result: expect.any(Number),
    });
    const byIdText = await game.send('StartVehicleConnection', { vid: '10001' });
    expect(await game.reply(byIdText)).toMatchObject({ vid: '10001' });
  });
});

describe('sim rig: the in-game mod', () => {
  it('answers a running press count that is never cleared on read, and whether there was a press since the last answer', async () => {
    const rig = await startRig();
    const game = await RawPeer.connect(rig);
    const poll = async () => {
      const { _id: _ignored, ...answer } = await game.reply(await game.send(SIM_MOD.request));
      return answer;
    };
    expect(await poll()).toEqual({ type: 'VWRepairPressed', presses: 0, pressed: false });
    rig.pressRepair();
    rig.pressRepair();
    expect(await poll()).toEqual({ type: 'VWRepairPressed', presses: 2, pressed: true });
    expect(await poll()).toEqual({ type: 'VWRepairPressed', presses: 2, pressed: false });
    rig.pressRepair();
    expect(await poll()).toEqual({ type: 'VWRepairPressed', presses: 3, pressed: true });
    expect(rig.repairPresses).toBe(3);
    rig.dropConnections(); // the sockets go, the count stays
    expect(rig.repairPresses).toBe(3);
    rig.restartMod(); // the mod reloaded: it starts again from 0
    const again = await RawPeer.connect(rig);
    const answer = await again.reply(await again.send(SIM_MOD.request));
    expect(answer).toMatchObject({ presses: 0, pressed: false });
  });

  it('as an older mod (legacyMod) answers only {pressed} and clears it on read', async () => {
    const rig = await startRig({ legacyMod: true });
    const game = await RawPeer.connect(rig);
    const poll = async () => game.reply(await game.send(SIM_MOD.request));
    expect(await poll()).toEqual({ type: 'VWRepairPressed', pressed: false, _id: 0 });
    rig.pressRepair();
    rig.pressRepair();
    expect(await poll()).toEqual({ type: 'VWRepairPressed', pressed: true, _id: 1 });
    expect(await poll()).toEqual({ type: 'VWRepairPressed', pressed: false, _id: 2 });
  });

  it('without the mod, VWRepairPressed gets the game\'s "not handled" bngError', async () => {
    const rig = await startRig({ modInstalled: false });
    const game = await RawPeer.connect(rig);
    const id = await game.send(SIM_MOD.request);
    expect(await game.reply(id)).toEqual({ bngError: SIM_GAME_TEXT.notHandled, _id: id });
    rig.setMod({ installed: true });
    await expect(game.reply(await game.send(SIM_MOD.request))).resolves.toMatchObject({
      presses: 0,
    });
  });

  it('a failing mod answers its own bngError, not the "not handled" one', async () => {
    const rig = await startRig({ modFault: true });
    const game = await RawPeer.connect(rig);
    const id = await game.send(SIM_MOD.request);
    const answer = await game.reply(id);
    expect(answer).toEqual({ bngError: SIM_MOD.defaultFault, _id: id });
    expect(String(answer['bngError'])).toMatch(/^vwCrashToRepair: /);
    expect(String(answer['bngError'])).not.toContain(SIM_GAME_TEXT.notHandledPrefix);

    rig.setMod({
      fault: 'vwCrashToRepair: [string "chunk"]:1: attempt to call a nil value (global \'x\')',
    });
    await expect(game.reply(await game.send(SIM_MOD.request))).resolves.toMatchObject({
      bngError: expect.stringContaining('attempt to call a nil value'),
    });
    rig.setMod({ fault: null });
    await expect(game.reply(await game.send(SIM_MOD.request))).resolves.toMatchObject({
      presses: 0,
    });
  });

  it('a late answer (repairAnswerDelayFrames) arrives after later requests, with the count as it was asked', async () => {
    const { rig, clock } = await framedRig({ repairAnswerDelayFrames: 10 });
    const game = await helloGame(rig, clock);
    rig.pressRepair();
    const [poll, echo] = await game.sendAll([[SIM_MOD.request], ['Echo', { data: 'later' }]]);
    clock.advance(2 * FRAME_MS); // the poll is taken, then the echo
    await game.reply(echo);
    expect(game.replyTo(poll)).toBeUndefined();
    rig.pressRepair(); // a press while the answer is on its way
    const poll2 = await game.send(SIM_MOD.request);
    clock.advance(10 * FRAME_MS);
    expect(await game.reply(poll)).toMatchObject({ presses: 1, pressed: true });
    clock.advance(2 * FRAME_MS);
    expect(await game.reply(poll2)).toMatchObject({ presses: 2, pressed: true });
    expect(game.frames.indexOf(game.replyTo(echo)!)).toBeLessThan(
      game.frames.indexOf(game.replyTo(poll)!),
    );
  });

  it('a late answer without the frame loop waits on the rig clock (frames of 50 ms)', async () => {
    const clock = new ManualClock();
    const rig = await startRig({ clock, repairAnswerDelayFrames: 4 });
    const game = await RawPeer.connect(rig);
    const poll = await game.send(SIM_MOD.request);
    const echo = await game.send('Echo');
    await game.reply(echo);
    expect(game.replyTo(poll)).toBeUndefined();
    clock.advance(4 * 50);
    await expect(game.reply(poll)).resolves.toMatchObject({ presses: 0 });
  });
});

describe('sim rig at 20 fps on the real clock', () => {
  it('walks the handshake a client does, with short accept delays', async () => {
    const recording = loadBundledRecordings().get('tcross-front-crash')!;
    const rig = await startRig({ fps: 20, gameAcceptEveryMs: 100, vehicleAcceptDelayMs: 300 });
    const game = await RawPeer.connect(rig);
    await game.reply(await game.send('Hello', { protocolVersion: 'v1.23' }));
    const player = await game.reply(await game.send('GetPlayerVehicleID'));
    expect(player).toMatchObject({ id: 10000, vid: 'thePlayer' });
    const start = await game.reply(await game.send('StartVehicleConnection', { vid: 'thePlayer' }));
    const vehicle = await RawPeer.connect(rig, start['result'] as number);
    await vehicle.reply(await vehicle.send('Hello', { protocolVersion: 'v1.23' }));
    await rig.play(recording, { speed: 1000 });
    const read = await vehicle.reply(
      await vehicle.send('SensorRequest', { sensors: { d: { type: 'Damage' } } }),
    );
    expect((read['data'] as { d: { damage: number } }).d.damage).toBeGreaterThan(5000);
    expect(rig.frame).toBeGreaterThan(0);
  });
});
