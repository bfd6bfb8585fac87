/**
 * A simulated BeamNG.tech rig: a small TCP server speaking the same wire protocol as the
 * simulator (a game port, plus one port per vehicle opened on StartVehicleConnection), playing
 * recorded drives on demand. The tests use it, and so does `npm start` when no simulator is
 * configured, so the link path that runs by default is the real one.
 *
 * Answers: Hello (configurable version), GetPlayerVehicleID, GetCurrentVehicles,
 * StartVehicleConnection, GameStateRequest, GetCurrentScenario (bngValueError, as with no
 * scenario loaded), Echo, the in-game mod's VWRepairPressed; on vehicle sockets Hello,
 * SensorRequest (Damage, State), Recover (no Echo there, as in the game). Any other request gets
 * the game's own "not handled" bngError (or, with `unknownRequest: 'silence'`, nothing).
 *
 * Game-like timing, when `fps` is set (see sim-rig-options.ts for every option and its default):
 * the rig runs a frame loop. The game socket accepts new clients once a second and handles at most
 * one request per socket per frame; a blocking request (GetCurrentVehicles, StartVehicleConnection)
 * is answered a few frames later and until then the game socket accepts and handles nothing. Each
 * vehicle socket accepts new clients only every 60 frames (3 s at 20 fps) and handles requests on
 * frames too. A TCP connect succeeds at once either way (the OS accepts into the backlog): what
 * waits is the Hello. Without `fps` every request is answered as soon as it arrives.
 *
 * The mod's VWRepairPressed answers `{type, presses, pressed}`: `presses` is the running count of
 * presses since the mod loaded (never cleared), `pressed` whether there was one since the previous
 * answer. `legacyMod` answers the older `{type, pressed}` and clears it on read.
 *
 * Time goes through an injectable `RigClock` (frames, playback and reply delays), so tests play a
 * ten-second drive in microseconds (`immediateClock`, without `fps`) or step it by hand
 * (`ManualClock`).
 *
 * Standalone: `tsx adapters/beamng/sim-rig.ts --port 25252 [--model vw_tcross] [--vid thePlayer]
 *   [--protocol v1.23] [--play tcross-front-crash] [--speed 1] [--fps 20] [--vehicle-accept-delay-ms 3000]
 *   [--unnamed-vehicles] [--no-mod] [--mod-fault <text>] [--legacy-mod] [--rig fps=20,…] …`
 * (every option: `simRigCliOptions` in sim-rig-options.ts); then type `play <name|file>`, `press`,
 * `reset-mod`, `drop`, `recover` or `quit` on stdin.
 */
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PROTOCOL_VERSION } from './connection.js';
import { encodeFrame, FrameDecoder } from './framing.js';
import { loadBundledRecordings, loadRecording, type Recording } from './recording.js';
import { DamageSensorPayload, type DamageReading } from './schemas.js';
import { immediateClock, realClock, type RigClock } from './sim-rig-clock.js';
import {
  modFaultMessage,
  resolveTiming,
  SIM_GAME_TEXT,
  SIM_MOD,
  simRigCliOptions,
  simRigTunablesFromCli,
  type ResolvedTiming,
  type SimRigOptions,
} from './sim-rig-options.js';
import {
  DEFAULT_SIM_VEHICLE,
  SimVehicle,
  type PlaybackResult,
  type SimWireQuirks,
} from './sim-vehicle.js';

export { immediateClock, ManualClock, realClock, type RigClock } from './sim-rig-clock.js';
export {
  parseSimRigSpec,
  SIM_GAME_TEXT,
  SIM_MOD,
  simRigCliOptions,
  simRigTunablesFromCli,
  type SimRigOptions,
  type SimRigTunables,
} from './sim-rig-options.js';
export {
  DEFAULT_SIM_VEHICLE,
  type PlaybackResult,
  type SimVehicleSpec,
  type SimWireQuirks,
} from './sim-vehicle.js';

export interface ReceivedRequest {
  socket: 'game' | 'vehicle';
  type: string;
  fields: Record<string, unknown>;
}

/** How the mod behaves; change it while the rig runs with `setMod`. */
export interface SimModBehaviour {
  installed: boolean;
  /** The mod's error text (null: it works). */
  fault: string | null;
  legacy: boolean;
  answerDelayFrames: number;
}

const RECEIVED_KEPT = 1000;

type Message = Record<string, unknown>;

const isRecord = (value: unknown): value is Message =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** One client socket, game or vehicle. */
interface Peer {
  socket: Socket;
  /** null: the game socket. */
  endpoint: VehicleEndpoint | null;
  /** The game has accept()ed it; before that its requests wait (its TCP connect already succeeded). */
  accepted: boolean;
  /** Requests waiting for a frame (frame loop only). */
  queue: unknown[];
}

/** A vehicle and its own server, opened by StartVehicleConnection. */
interface VehicleEndpoint {
  vehicle: SimVehicle;
  server: Server | null;
  port: number | null;
  opening: Promise<number> | null;
  readonly peers: Set<Peer>;
  /** Frames until the next accept (frame loop only). */
  acceptIn: number;
}

/** What handling one request comes to. */
type Outcome =
  | { kind: 'reply'; message: Message }
  /** Never answered (`ignore`). */
  | { kind: 'none' }
  /** No handler took it: the game's "not handled" error (or silence). */
  | { kind: 'unhandled' }
  /** The mod's answer, some frames late. */
  | { kind: 'late'; frames: number; message: Message }
  /** A blocking request: `start` does the work, `answer` builds the reply once it is done. */
  | { kind: 'blocking'; reason: string; start: () => Promise<void> | void; answer: () => Message };

interface Blocking {
  reason: string;
  peer: Peer;
  id: unknown;
  answerAt: number;
  done: boolean;
  failed: string | null;
  answer: () => Message;
}

const reply = (message: Message): Outcome => ({ kind: 'reply', message });
const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

// ---------------------------------------------------------------------------------------------
// The rig

export class SimRig {
  readonly host: string;
  /** Every request received (bounded to the last 1000), in arrival order, for tests to assert on. */
  readonly received: ReceivedRequest[] = [];

  readonly #server: Server;
  readonly #clock: RigClock;
  readonly #wire: SimWireQuirks;
  readonly #maxFrameBytes: number | undefined;
  readonly #timing: ResolvedTiming;
  readonly #unknownRequest: 'error' | 'silence';
  readonly #unnamed: boolean;
  readonly #endpoints: VehicleEndpoint[];
  readonly #gamePeers = new Set<Peer>();
  readonly #ignored = new Set<string>();
  readonly #failures = new Map<string, { message: string; kind: 'error' | 'value' }>();
  readonly #delayed = new Set<unknown>();
  #protocolVersion: string;
  #playerVid: string | null;
  #replyDelayMs = 0;
  #mod: SimModBehaviour;
  #presses = 0;
  #answeredPresses = 0;
  #legacyPressed = false;
  #closed = false;
  // the frame loop
  #frame = 0;
  #frameTimer: unknown = null;
  #gameAcceptInMs: number;
  #blocking: Blocking | null = null;
  #scheduled: Array<{ at: number; run: () => void }> = [];

  /** Starts the game port (0 = any free port) and resolves once it listens. */
  static async start(options: SimRigOptions = {}): Promise<SimRig> {
    const rig = new SimRig(options);
    rig.#server.listen(options.port ?? 0, rig.host);
    await once(rig.#server, 'listening');
    if (rig.#timing.fps > 0) rig.#scheduleFrame();
    return rig;
  }

  private constructor(options: SimRigOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.#clock = options.clock ?? realClock;
    this.#wire = options.wire ?? {};
    this.#maxFrameBytes = options.maxFrameBytes;
    this.#timing = resolveTiming(options);
    if (this.#timing.fps > 0 && this.#clock === immediateClock)
      throw new Error(
        'a sim rig with fps needs a clock with real delays (realClock or a ManualClock)',
      );
    this.#gameAcceptInMs = this.#timing.gameAcceptEveryMs;
    this.#unknownRequest = options.unknownRequest ?? 'error';
    this.#unnamed = options.unnamedVehicles ?? false;
    this.#protocolVersion = options.protocolVersion ?? DEFAULT_PROTOCOL_VERSION;
    this.#endpoints = (options.vehicles ?? [DEFAULT_SIM_VEHICLE]).map((spec) => ({
      vehicle: new SimVehicle(spec),
      server: null,
      port: null,
      opening: null,
      peers: new Set<Peer>(),
      acceptIn: 0,
    }));
    this.#playerVid =
      options.playerVid === undefined
        ? (this.#endpoints[0]?.vehicle.spec.vid ?? null)
        : options.playerVid;
    this.#mod = {
      installed: options.modInstalled ?? true,
      fault: modFaultMessage(options.modFault),
      legacy: options.legacyMod ?? false,
      answerDelayFrames: Math.max(0, Math.round(options.repairAnswerDelayFrames ?? 0)),
    };
    this.#server = createServer((socket) => this.#serve(socket, null));
  }

  /** The game port. */
  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** `host:port` of the game port, as BEAMNG_ADDR takes it. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Open client sockets, game and vehicle. */
  get connectionCount(): number {
    return this.#gamePeers.size + this.#endpoints.reduce((n, e) => n + e.peers.size, 0);
  }

  /** Frames rendered since the start (0 without `fps`). */
  get frame(): number {
    return this.#frame;
  }

  /** The frame loop's settings in force (`fps` 0: none). */
  get timing(): Readonly<ResolvedTiming> {
    return this.#timing;
  }

  /** The reason the game socket is blocked on ('vehicleInfo', 'vehicleConnection'), or null. */
  get blockedOn(): string | null {
    return this.#blocking?.reason ?? null;
  }

  /** The port of a vehicle's own socket once StartVehicleConnection opened it (default: the player's), else null. */
  vehiclePort(vid?: string): number | null {
    const vehicle = this.#vehicle(vid);
    return this.#endpoints.find((e) => e.vehicle === vehicle)?.port ?? null;
  }

  /** The mod's running press count since it (re)loaded. */
  get repairPresses(): number {
    return this.#presses;
  }

  /** The mod's behaviour in force. */
  get mod(): Readonly<SimModBehaviour> {
    return this.#mod;
  }

  /** The version answered to Hello from now on. */
  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
  }

  /** Which vehicle GetPlayerVehicleID names (null: none). */
  setPlayerVehicle(vid: string | null): void {
    this.#playerVid = vid;
  }

  /** Delays every reply by `ms` on the rig clock (0 = answer at once, or on the frame). */
  setReplyDelay(ms: number): void {
    this.#replyDelayMs = Math.max(0, ms);
  }

  /** Never answers `type` (like a game that hangs), or answers again with `ignoring = false`. */
  ignore(type: string, ignoring = true): void {
    if (ignoring) this.#ignored.add(type);
    else this.#ignored.delete(type);
  }

  /** Answers `type` with `{bngError}` (`kind: 'value'` → `{bngValueError}`); `message = null` stops. */
  fail(type: string, message: string | null, kind: 'error' | 'value' = 'error'): void {
    if (message === null) this.#failures.delete(type);
    else this.#failures.set(type, { message, kind });
  }

  /** Changes the mod's behaviour (installed, fault text or null, legacy, answer delay). */
  setMod(change: Partial<SimModBehaviour>): void {
    this.#mod = {
      ...this.#mod,
      ...change,
      answerDelayFrames: Math.max(
        0,
        Math.round(change.answerDelayFrames ?? this.#mod.answerDelayFrames),
      ),
    };
  }

  /** The in-game "Repair My Car" press: the mod's running count goes up by one. */
  pressRepair(): void {
    this.#presses += 1;
    this.#legacyPressed = true;
  }

  /** The mod reloaded (a game restart, a Lua reload): its count starts again from 0. */
  restartMod(): void {
    this.#presses = 0;
    this.#answeredPresses = 0;
    this.#legacyPressed = false;
  }

  /** The vehicle's damage as a client would read it (normalised). */
  readDamage(vid?: string): DamageReading {
    return DamageSensorPayload.parse(this.#vehicle(vid).damagePayload({}));
  }

  /** Repairs a vehicle from the rig side (the socket's Recover does the same). */
  recover(vid?: string): void {
    const vehicle = this.#vehicle(vid);
    this.#stopPlayback(vehicle);
    vehicle.repair();
  }

  /**
   * Plays a recording on a vehicle (default: the player's) from a repaired car: frame 0 at once,
   * the next ones after their time gaps divided by `speed`, on the rig clock. A new play on the
   * same vehicle cancels the running one. Resolves when the last frame is applied (or cancelled).
   */
  play(
    recording: Recording,
    options: { vid?: string; speed?: number } = {},
  ): Promise<PlaybackResult> {
    const vehicle = this.#vehicle(options.vid);
    const speed = options.speed ?? 1;
    if (!(speed > 0)) throw new Error(`playback speed must be positive, got ${speed}`);
    this.#stopPlayback(vehicle);
    vehicle.repair();
    vehicle.deformGroups = [...new Set([...vehicle.deformGroups, ...recording.deform_groups])];
    const frames = recording.frames;
    return new Promise<PlaybackResult>((resolvePlayback) => {
      const playback = { timer: null as unknown, finish: resolvePlayback };
      vehicle.playback = playback;
      const step = (index: number): void => {
        const frame = frames[index]!;
        vehicle.apply(frame);
        const next = frames[index + 1];
        if (!next) {
          vehicle.playback = null;
          resolvePlayback('completed');
          return;
        }
        playback.timer = this.#clock.setTimeout(
          () => step(index + 1),
          ((next.t - frame.t) * 1000) / speed,
        );
      };
      step(0);
    });
  }

  /** Stops a running playback (the car keeps its current damage). */
  stopPlayback(vid?: string): void {
    this.#stopPlayback(this.#vehicle(vid));
  }

  /**
   * Kills every client socket and the vehicle ports, like a simulator restart; the game port stays
   * up. Pending and late answers are dropped. The mod's press count is kept (`restartMod` resets it).
   */
  dropConnections(): void {
    for (const handle of this.#delayed) this.#clock.clearTimeout(handle);
    this.#delayed.clear();
    this.#scheduled = [];
    this.#blocking = null;
    for (const peer of this.#gamePeers) peer.socket.destroy();
    for (const endpoint of this.#endpoints) {
      for (const peer of endpoint.peers) peer.socket.destroy();
      endpoint.server?.close();
      endpoint.server = null;
      endpoint.port = null;
      endpoint.opening = null;
    }
  }

  /** Stops playback and the frame loop, drops every connection and closes every port. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#frameTimer !== null) this.#clock.clearTimeout(this.#frameTimer);
    this.#frameTimer = null;
    for (const endpoint of this.#endpoints) this.#stopPlayback(endpoint.vehicle);
    const servers = [this.#server, ...this.#endpoints.flatMap((e) => (e.server ? [e.server] : []))];
    this.dropConnections();
    await Promise.all(
      servers.map((server) =>
        server.listening
          ? new Promise<void>((done) => server.close(() => done()))
          : Promise.resolve(),
      ),
    );
  }

  #vehicle(vid?: string): SimVehicle {
    const wanted = vid ?? this.#playerVid ?? this.#endpoints[0]?.vehicle.spec.vid;
    const endpoint = this.#endpoints.find((e) => e.vehicle.spec.vid === wanted);
    if (!endpoint) throw new Error(`the sim rig has no vehicle "${wanted}"`);
    return endpoint.vehicle;
  }

  #stopPlayback(vehicle: SimVehicle): void {
    if (!vehicle.playback) return;
    this.#clock.clearTimeout(vehicle.playback.timer);
    const { finish } = vehicle.playback;
    vehicle.playback = null;
    finish('cancelled');
  }

  /** The scene name the game reports: '' for an unnamed vehicle. */
  #nameOf(vehicle: SimVehicle): string {
    return this.#unnamed ? '' : vehicle.spec.vid;
  }

  // -------------------------------------------------------------------------------------------
  // Sockets

  #serve(socket: Socket, endpoint: VehicleEndpoint | null): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const framed = this.#timing.fps > 0;
    const peer: Peer = { socket, endpoint, accepted: !framed, queue: [] };
    const peers = endpoint ? endpoint.peers : this.#gamePeers;
    peers.add(peer);
    const decoder = new FrameDecoder(
      this.#maxFrameBytes === undefined ? {} : { maxFrameBytes: this.#maxFrameBytes },
    );
    socket.on('data', (chunk: Buffer) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch {
        socket.destroy(); // out of sync for good, as the simulator would drop us
        return;
      }
      for (const frame of frames) {
        this.#record(peer, frame);
        if (framed) peer.queue.push(frame);
        else this.#dispatch(peer, frame);
      }
    });
    socket.on('error', () => socket.destroy()); // a client resetting its socket is normal here
    socket.on('close', () => peers.delete(peer));
  }

  #record(peer: Peer, frame: unknown): void {
    if (!isRecord(frame) || typeof frame['type'] !== 'string') return;
    const { type, _id: _ignored, ...fields } = frame as Message & { type: string };
    this.received.push({ socket: peer.endpoint ? 'vehicle' : 'game', type, fields });
    if (this.received.length > RECEIVED_KEPT) this.received.shift();
  }

  #send(peer: Peer, message: Message): void {
    const { socket } = peer;
    const frame = encodeFrame(message, { forceIntegerToFloat: this.#wire.floatIds ?? false });
    const write = (): void => {
      if (!socket.destroyed) socket.write(frame);
    };
    if (this.#replyDelayMs <= 0) return write();
    const handle = this.#clock.setTimeout(() => {
      this.#delayed.delete(handle);
      write();
    }, this.#replyDelayMs);
    this.#delayed.add(handle);
  }

  #answer(peer: Peer, id: unknown, message: Message): void {
    this.#send(peer, { ...message, _id: id });
  }

  // -------------------------------------------------------------------------------------------
  // The frame loop (fps > 0)

  #scheduleFrame(): void {
    if (this.#closed) return;
    this.#frameTimer = this.#clock.setTimeout(() => {
      this.#frameTimer = null;
      this.#renderFrame();
      this.#scheduleFrame();
    }, this.#timing.frameMs);
  }

  #renderFrame(): void {
    this.#frame += 1;
    // Late answers of the mod go out whatever the game socket is doing.
    const due = this.#scheduled.filter((s) => s.at <= this.#frame);
    this.#scheduled = this.#scheduled.filter((s) => s.at > this.#frame);
    for (const item of due) item.run();
    this.#gameFrame();
    for (const endpoint of this.#endpoints) this.#vehicleFrame(endpoint);
  }

  /** The game engine's update: a blocked game does nothing else; then accept, then messages. */
  #gameFrame(): void {
    const blocking = this.#blocking;
    if (blocking) {
      if (this.#frame < blocking.answerAt || !blocking.done) return;
      this.#blocking = null;
      this.#answer(
        blocking.peer,
        blocking.id,
        blocking.failed === null ? blocking.answer() : { bngError: blocking.failed },
      );
    }
    this.#gameAcceptInMs -= this.#timing.frameMs;
    if (this.#gameAcceptInMs <= 0) {
      this.#gameAcceptInMs = this.#timing.gameAcceptEveryMs;
      for (const peer of this.#gamePeers) peer.accepted = true;
    }
    this.#handleQueued(this.#gamePeers);
  }

  /** A vehicle's update: accept every N frames once its server is open, messages every frame. */
  #vehicleFrame(endpoint: VehicleEndpoint): void {
    if (!endpoint.server || endpoint.port === null) return;
    if (endpoint.acceptIn <= 0) {
      endpoint.acceptIn = this.#timing.vehicleAcceptFrames;
      for (const peer of endpoint.peers) peer.accepted = true;
    } else {
      endpoint.acceptIn -= 1;
    }
    this.#handleQueued(endpoint.peers);
  }

  #handleQueued(peers: Set<Peer>): void {
    for (const peer of [...peers]) {
      if (!peer.accepted) continue;
      for (let n = 0; n < this.#timing.requestsPerFrame && peer.queue.length > 0; n++)
        this.#dispatch(peer, peer.queue.shift());
    }
  }

  // -------------------------------------------------------------------------------------------
  // Requests

  #dispatch(peer: Peer, frame: unknown): void {
    if (!isRecord(frame)) return;
    const id = frame['_id'];
    if (typeof frame['type'] !== 'string') {
      this.#answer(peer, id, { bngError: SIM_GAME_TEXT.noType });
      return;
    }
    const { type, _id: _ignored, ...fields } = frame as Message & { type: string };
    if (this.#ignored.has(type)) return;
    const failure = this.#failures.get(type);
    let outcome: Outcome;
    try {
      outcome = failure
        ? reply({ [failure.kind === 'value' ? 'bngValueError' : 'bngError']: failure.message })
        : peer.endpoint
          ? this.#vehicleOutcome(peer.endpoint, type, fields)
          : this.#gameOutcome(type, fields);
    } catch (err) {
      outcome = reply({ bngError: `sim rig failed on ${type}: ${errorMessage(err)}` });
    }
    this.#settle(peer, id, outcome);
  }

  #settle(peer: Peer, id: unknown, outcome: Outcome): void {
    const framed = this.#timing.fps > 0;
    switch (outcome.kind) {
      case 'reply':
        return this.#answer(peer, id, outcome.message);
      case 'none':
        return;
      case 'unhandled':
        if (this.#unknownRequest === 'error')
          this.#answer(peer, id, { bngError: SIM_GAME_TEXT.notHandled });
        return;
      case 'late': {
        const send = (): void => this.#answer(peer, id, outcome.message);
        if (framed) {
          this.#scheduled.push({ at: this.#frame + outcome.frames, run: send });
          return;
        }
        const handle = this.#clock.setTimeout(() => {
          this.#delayed.delete(handle);
          send();
        }, outcome.frames * SIM_MOD.nominalFrameMs);
        this.#delayed.add(handle);
        return;
      }
      case 'blocking': {
        if (!framed) {
          Promise.resolve()
            .then(outcome.start)
            .then(
              () => this.#answer(peer, id, outcome.answer()),
              (err: unknown) => this.#answer(peer, id, { bngError: errorMessage(err) }),
            );
          return;
        }
        if (this.#blocking) {
          // taken in the same frame as another blocking request, as the game's block() refuses it
          this.#answer(peer, id, { bngError: SIM_GAME_TEXT.alreadyBlocked(outcome.reason) });
          return;
        }
        const blocking: Blocking = {
          reason: outcome.reason,
          peer,
          id,
          answerAt: this.#frame + this.#timing.blockingFrames,
          done: false,
          failed: null,
          answer: outcome.answer,
        };
        this.#blocking = blocking;
        const failed = (err: unknown): void => {
          blocking.failed = errorMessage(err);
          blocking.done = true;
        };
        try {
          const started = outcome.start();
          if (started === undefined) blocking.done = true;
          else
            started.then(() => {
              blocking.done = true;
            }, failed);
        } catch (err) {
          failed(err);
        }
        return;
      }
    }
  }

  #gameOutcome(type: string, fields: Message): Outcome {
    switch (type) {
      case 'Hello':
        return reply({ type: 'Hello', protocolVersion: this.#protocolVersion });
      case 'Echo':
        return reply({ type: 'Echo', data: fields['data'] });
      case 'GameStateRequest':
        return reply({
          type: 'GameState',
          state: 'scenario',
          scenario_state: 'running',
          level: 'gridmap_v2',
        });
      case 'GetCurrentScenario':
        return reply({ bngValueError: 'No scenario loaded.' });
      case 'GetPlayerVehicleID': {
        const player = this.#endpoints.find((e) => e.vehicle.spec.vid === this.#playerVid);
        return player
          ? reply({
              type: 'getPlayerVehicleID',
              id: player.vehicle.spec.id,
              vid: this.#nameOf(player.vehicle),
            })
          : reply({ bngError: SIM_GAME_TEXT.noPlayerVehicle });
      }
      case 'GetCurrentVehicles':
        // With no vehicle the game answers at once; otherwise it waits for every car's Lua.
        if (this.#endpoints.length === 0) return reply({ type: 'GetCurrentVehicles', result: [] });
        return {
          kind: 'blocking',
          reason: SIM_GAME_TEXT.blockingReasons.GetCurrentVehicles,
          start: () => undefined,
          answer: () => this.#currentVehicles(fields),
        };
      case 'StartVehicleConnection': {
        const endpoint = this.#endpointFor(fields['vid']);
        if (!endpoint) return reply({ bngError: SIM_GAME_TEXT.startVehicleNotFound });
        let port = 0;
        return {
          kind: 'blocking',
          reason: SIM_GAME_TEXT.blockingReasons.StartVehicleConnection,
          start: async () => {
            port = await this.#openVehiclePort(endpoint);
          },
          answer: () => ({
            type: 'StartVehicleConnection',
            vid: this.#nameOf(endpoint.vehicle) || String(endpoint.vehicle.spec.id),
            result: port,
          }),
        };
      }
      case SIM_MOD.request:
        return this.#modOutcome();
      default:
        return { kind: 'unhandled' };
    }
  }

  /** GetCurrentVehicles' result: keyed by scene name, as the game does (unnamed ones collide on ''). */
  #currentVehicles(fields: Message): Message {
    const result: Message = {};
    for (const { vehicle, port } of this.#endpoints) {
      const { id, model } = vehicle.spec;
      const name = this.#nameOf(vehicle);
      result[name] = {
        id,
        model,
        name,
        options: {
          color: '0.8 0.8 0.8 1.2',
          licenseText: 'VW 2026',
          partConfigFilename: `vehicles/${model}/base.pc`,
        },
        ...(fields['include_config']
          ? { config: { model, partConfigFilename: `vehicles/${model}/base.pc` } }
          : {}),
        ...(port === null ? {} : { port }),
      };
    }
    return { type: 'GetCurrentVehicles', result };
  }

  /** The vehicle StartVehicleConnection means: by scene name (none when unnamed) or by id. */
  #endpointFor(wanted: unknown): VehicleEndpoint | undefined {
    const byId =
      typeof wanted === 'number'
        ? wanted
        : typeof wanted === 'string' && /^\d+$/.test(wanted)
          ? Number(wanted)
          : null;
    return this.#endpoints.find(
      ({ vehicle }) =>
        (!this.#unnamed && typeof wanted === 'string' && vehicle.spec.vid === wanted) ||
        (byId !== null && vehicle.spec.id === byId),
    );
  }

  /** The mod's onSocketMessage (or the game's "not handled" when the mod is not installed). */
  #modOutcome(): Outcome {
    if (!this.#mod.installed) return { kind: 'unhandled' };
    if (this.#mod.fault !== null) return reply({ bngError: this.#mod.fault });
    let message: Message;
    if (this.#mod.legacy) {
      message = { type: SIM_MOD.request, pressed: this.#legacyPressed };
      this.#legacyPressed = false;
    } else {
      message = {
        type: SIM_MOD.request,
        presses: this.#presses,
        pressed: this.#presses > this.#answeredPresses,
      };
      this.#answeredPresses = this.#presses;
    }
    return this.#mod.answerDelayFrames > 0
      ? { kind: 'late', frames: this.#mod.answerDelayFrames, message }
      : reply(message);
  }

  #vehicleOutcome(endpoint: VehicleEndpoint, type: string, fields: Message): Outcome {
    const { vehicle } = endpoint;
    switch (type) {
      case 'Hello':
        return reply({ type: 'Hello', protocolVersion: this.#protocolVersion });
      case 'Recover':
        this.#stopPlayback(vehicle);
        vehicle.repair();
        return reply({ type: 'Recovered' });
      case 'SensorRequest': {
        const sensors = isRecord(fields['sensors']) ? fields['sensors'] : {};
        const data: Message = {};
        for (const [name, sensor] of Object.entries(sensors)) {
          const sensorType = isRecord(sensor) ? sensor['type'] : undefined;
          if (sensorType === 'Damage') data[name] = vehicle.damagePayload(this.#wire);
          else if (sensorType === 'State') data[name] = vehicle.statePayload();
          else return reply({ bngValueError: `Unsupported sensor type: ${String(sensorType)}` });
        }
        return reply({ type: 'SensorData', data });
      }
      default:
        return { kind: 'unhandled' };
    }
  }

  /** Opens the vehicle's own server (once; later calls get the same port). */
  #openVehiclePort(endpoint: VehicleEndpoint): Promise<number> {
    if (endpoint.server && endpoint.port !== null) return Promise.resolve(endpoint.port);
    if (endpoint.opening) return endpoint.opening;
    const server = createServer((socket) => this.#serve(socket, endpoint));
    endpoint.server = server;
    const opening = (async () => {
      server.listen(0, this.host);
      await once(server, 'listening');
      if (endpoint.server !== server) throw new Error('the vehicle connection was dropped');
      endpoint.port = (server.address() as AddressInfo).port;
      endpoint.acceptIn = this.#timing.vehicleAcceptFrames;
      endpoint.opening = null;
      return endpoint.port;
    })();
    endpoint.opening = opening;
    return opening;
  }
}

// ---------------------------------------------------------------------------------------------
// Standalone

function findRecording(nameOrPath: string): Recording {
  return loadBundledRecordings().get(nameOrPath) ?? loadRecording(resolve(nameOrPath));
}

async function runStandalone(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '25252' },
      model: { type: 'string', default: DEFAULT_SIM_VEHICLE.model },
      vid: { type: 'string', default: DEFAULT_SIM_VEHICLE.vid },
      protocol: { type: 'string', default: DEFAULT_PROTOCOL_VERSION },
      play: { type: 'string' },
      speed: { type: 'string', default: '1' },
      ...simRigCliOptions(),
    },
  });
  const speed = Number(values.speed);
  const tunables = simRigTunablesFromCli(values as Record<string, string | boolean | undefined>);
  const rig = await SimRig.start({
    host: values.host,
    port: Number(values.port),
    protocolVersion: values.protocol,
    vehicles: [{ vid: values.vid, id: DEFAULT_SIM_VEHICLE.id, model: values.model }],
    ...tunables,
  });
  const { timing } = rig;
  const pace =
    timing.fps > 0
      ? `${timing.fps} fps, game accepts every ${timing.gameAcceptEveryMs} ms, vehicle every ${timing.vehicleAcceptFrames} frames`
      : 'no frame loop';
  const mod = rig.mod.installed
    ? `mod ${rig.mod.legacy ? 'legacy' : 'current'}${rig.mod.fault ? ', failing' : ''}`
    : 'no mod';
  console.log(
    `sim-rig listening on ${rig.address} (protocol ${values.protocol}, vehicle ${values.vid} model ${values.model}; ${pace}; ${mod})`,
  );
  const play = (name: string, playSpeed = speed): void => {
    const recording = findRecording(name);
    console.log(`playing ${recording.name} at x${playSpeed}`);
    void rig
      .play(recording, { speed: playSpeed })
      .then((result) => console.log(`${recording.name}: ${result}`));
  };
  if (values.play) play(values.play);

  const shutdown = async (): Promise<void> => {
    await rig.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
  const input = createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const [command, argument, playSpeed] = line.trim().split(/\s+/);
    try {
      if (command === 'play' && argument) play(argument, playSpeed ? Number(playSpeed) : speed);
      else if (command === 'press') {
        rig.pressRepair();
        console.log(`presses: ${rig.repairPresses}`);
      } else if (command === 'reset-mod') rig.restartMod();
      else if (command === 'drop') rig.dropConnections();
      else if (command === 'recover') rig.recover();
      else if (command === 'quit') void shutdown();
      else if (command)
        console.log(
          'commands: play <recording|file> [speed] | press | reset-mod | drop | recover | quit',
        );
    } catch (err) {
      console.error(errorMessage(err));
    }
  });
}

function isMainModule(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMainModule()) {
  runStandalone(process.argv.slice(2)).catch((err: unknown) => {
    console.error(errorMessage(err));
    process.exit(1);
  });
}
