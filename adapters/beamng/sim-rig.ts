/**
 * A simulated BeamNG.tech rig: a small TCP server speaking the same wire protocol as the
 * simulator (a game port, plus one port per vehicle opened on StartVehicleConnection), playing
 * recorded drives on demand. The tests use it, and so does `npm start` when no simulator is
 * configured, so the link path that runs by default is the real one.
 *
 * Answers: Hello (configurable version), GetPlayerVehicleID, GetCurrentVehicles,
 * StartVehicleConnection, GameStateRequest, GetCurrentScenario (bngValueError, as with no
 * scenario loaded), Echo, the in-game mod's VWRepairPressed; on vehicle sockets Hello,
 * SensorRequest (Damage, State), Recover, Echo. Unknown types get no reply at all, as in BeamNG.
 *
 * Time goes through an injectable `RigClock` (playback and reply delays), so tests play a
 * ten-second drive in microseconds (`immediateClock`) or step it by hand (`ManualClock`).
 *
 * Standalone: `tsx adapters/beamng/sim-rig.ts --port 25252 [--model vw_tcross] [--vid thePlayer]
 *   [--protocol v1.23] [--play tcross-front-crash] [--speed 1]`; then type `play <name|file>`,
 * `press`, `drop`, `recover` or `quit` on stdin.
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
import { REPAIR_PRESSED_REQUEST } from './client.js';
import { DamageSensorPayload, type DamageReading } from './schemas.js';

// ---------------------------------------------------------------------------------------------
// Clocks

/** The timer the rig schedules playback and delayed replies with. */
export interface RigClock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Wall-clock timers. */
export const realClock: RigClock = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Every delay becomes "next turn of the event loop": a whole recording plays in a few ticks, in order. */
export const immediateClock: RigClock = {
  setTimeout: (callback) => setImmediate(callback),
  clearTimeout: (handle) => clearImmediate(handle as NodeJS.Immediate),
};

interface ManualTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/** A clock that moves only when told: `advance(ms)` runs what fell due, in time order. */
export class ManualClock implements RigClock {
  #now = 0;
  #seq = 0;
  #timers = new Set<ManualTimer>();

  get now(): number {
    return this.#now;
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { at: this.#now + Math.max(0, ms), seq: this.#seq++, callback };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as ManualTimer);
  }

  /** Moves time forward by `ms`, running every timer due by then (including ones they schedule). */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: ManualTimer | null = null;
      for (const timer of this.#timers) {
        if (
          timer.at <= target &&
          (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
        )
          next = timer;
      }
      if (!next) break;
      this.#timers.delete(next);
      this.#now = next.at;
      next.callback();
    }
    this.#now = target;
  }
}

// ---------------------------------------------------------------------------------------------
// Options

export interface SimVehicleSpec {
  /** Scene object name, what StartVehicleConnection takes. */
  vid: string;
  id: number;
  /** jbeam model name reported by GetCurrentVehicles, e.g. "vw_tcross" or "golf8". */
  model: string;
  /** Deform groups reported before any recording names its own. */
  deformGroups?: string[];
}

/** Wire shapes real builds produce, so clients can be tested against each. */
export interface SimWireQuirks {
  /** Encode every integer (ids, ports, `_id`) as a float64, as Lua may. Default false. */
  floatIds?: boolean;
  /** Damage keys in the current snake_case or the older camelCase. Default 'snake'. */
  damageKeys?: 'snake' | 'camel';
  /** An empty part_damage as `[]` (what an empty Lua table becomes) or `{}`. Default 'array'. */
  emptyPartDamage?: 'array' | 'object';
}

export interface SimRigOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Game port; 0 (default) picks a free one. */
  port?: number;
  /** Version answered to Hello. Default `DEFAULT_PROTOCOL_VERSION`. */
  protocolVersion?: string;
  /** Default: one T-Cross, `thePlayer`, id 10000. */
  vehicles?: SimVehicleSpec[];
  /** Which vehicle GetPlayerVehicleID names; null = none (it answers bngValueError). Default: the first. */
  playerVid?: string | null;
  clock?: RigClock;
  wire?: SimWireQuirks;
  maxFrameBytes?: number;
}

export type PlaybackResult = 'completed' | 'cancelled';

export interface ReceivedRequest {
  socket: 'game' | 'vehicle';
  type: string;
  fields: Record<string, unknown>;
}

export const DEFAULT_SIM_VEHICLE: SimVehicleSpec = {
  vid: 'thePlayer',
  id: 10000,
  model: 'vw_tcross',
};

const DEFAULT_DEFORM_GROUPS = [
  'windshield_break',
  'radiator_damage',
  'radtube_break',
  'driveshaft',
  'headlightglass_L_break',
  'headlightglass_R_break',
  'taillightglass_L_break',
  'taillightglass_R_break',
  'doorglass_FL_break',
  'doorglass_FR_break',
  'mirrorsignal_L_break',
  'mirrorsignal_R_break',
  'tailgateglass_break',
];

const RECEIVED_KEPT = 1000;

type Message = Record<string, unknown>;
type Vec3 = [number, number, number];

const isRecord = (value: unknown): value is Message =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------
// One simulated vehicle

class SimVehicle {
  server: Server | null = null;
  port: number | null = null;
  readonly sockets = new Set<Socket>();
  deformGroups: string[];
  total = 0;
  damageExt = 0;
  lowpressure = false;
  readonly parts = new Map<string, { name: string; damage: number }>();
  readonly groups = new Map<string, number>();
  time = 0;
  pos: Vec3 = [0, 0, 0.35];
  vel: Vec3 = [0, 0, 0];
  dir: Vec3 = [0, 1, 0];
  playback: { timer: unknown; finish: (result: PlaybackResult) => void } | null = null;

  constructor(readonly spec: SimVehicleSpec) {
    this.deformGroups = [...(spec.deformGroups ?? DEFAULT_DEFORM_GROUPS)];
  }

  /** As after Recover: no damage, standing still where it is. */
  repair(): void {
    this.total = 0;
    this.damageExt = 0;
    this.lowpressure = false;
    this.parts.clear();
    this.groups.clear();
    this.vel = [0, 0, 0];
  }

  apply(frame: Recording['frames'][number]): void {
    this.time = frame.t;
    this.pos = frame.pos;
    this.vel = frame.vel;
    if (frame.dir) this.dir = frame.dir;
    if (frame.damage !== undefined) this.total = frame.damage;
    if (frame.damage_ext !== undefined) this.damageExt = frame.damage_ext;
    if (frame.lowpressure !== undefined) this.lowpressure = frame.lowpressure;
    for (const [id, part] of Object.entries(frame.part_damage ?? {})) this.parts.set(id, part);
    for (const [group, damage] of Object.entries(frame.deform_group_damage ?? {}))
      this.groups.set(group, damage);
  }

  damagePayload(wire: SimWireQuirks): Message {
    const partDamage =
      this.parts.size === 0 && (wire.emptyPartDamage ?? 'array') === 'array'
        ? []
        : Object.fromEntries(this.parts);
    const deformGroupDamage = Object.fromEntries(
      this.deformGroups.map((group) => {
        const damage = this.groups.get(group) ?? 0;
        // glass "…_break" groups break at one event; others accumulate several
        const maxEvents = group.endsWith('_break') ? 1 : 10;
        return [
          group,
          {
            damage,
            eventCount: damage > 0 ? Math.ceil(damage * maxEvents) : 0,
            maxEvents,
            invMaxEvents: 1 / maxEvents,
          },
        ];
      }),
    );
    return wire.damageKeys === 'camel'
      ? {
          damage: this.total,
          damageExt: this.damageExt,
          lowpressure: this.lowpressure,
          partDamage,
          deformGroupDamage,
        }
      : {
          damage: this.total,
          damage_ext: this.damageExt,
          lowpressure: this.lowpressure,
          part_damage: partDamage,
          deform_group_damage: deformGroupDamage,
        };
  }

  statePayload(): Message {
    const [dx, dy] = this.dir;
    const yaw = Math.atan2(-dx, dy);
    return {
      time: this.time,
      pos: this.pos,
      dir: this.dir,
      up: [0, 0, 1],
      vel: this.vel,
      front: [
        this.pos[0] + 2.1 * this.dir[0],
        this.pos[1] + 2.1 * this.dir[1],
        this.pos[2] + 2.1 * this.dir[2],
      ],
      rotation: [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)],
    };
  }
}

// ---------------------------------------------------------------------------------------------
// The rig

export class SimRig {
  readonly host: string;
  /** Every request received (bounded to the last 1000), for tests to assert on. */
  readonly received: ReceivedRequest[] = [];

  readonly #server: Server;
  readonly #clock: RigClock;
  readonly #wire: SimWireQuirks;
  readonly #maxFrameBytes: number | undefined;
  readonly #vehicles: SimVehicle[];
  readonly #gameSockets = new Set<Socket>();
  readonly #ignored = new Set<string>();
  readonly #failures = new Map<string, { message: string; kind: 'error' | 'value' }>();
  readonly #delayed = new Set<unknown>();
  #protocolVersion: string;
  #playerVid: string | null;
  #replyDelayMs = 0;
  #repairPressed = false;
  #closed = false;

  /** Starts the game port (0 = any free port) and resolves once it listens. */
  static async start(options: SimRigOptions = {}): Promise<SimRig> {
    const rig = new SimRig(options);
    rig.#server.listen(options.port ?? 0, rig.host);
    await once(rig.#server, 'listening');
    return rig;
  }

  private constructor(options: SimRigOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.#clock = options.clock ?? realClock;
    this.#wire = options.wire ?? {};
    this.#maxFrameBytes = options.maxFrameBytes;
    this.#protocolVersion = options.protocolVersion ?? DEFAULT_PROTOCOL_VERSION;
    this.#vehicles = (options.vehicles ?? [DEFAULT_SIM_VEHICLE]).map(
      (spec) => new SimVehicle(spec),
    );
    this.#playerVid =
      options.playerVid === undefined ? (this.#vehicles[0]?.spec.vid ?? null) : options.playerVid;
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
    return this.#gameSockets.size + this.#vehicles.reduce((n, v) => n + v.sockets.size, 0);
  }

  /** The version answered to Hello from now on. */
  setProtocolVersion(version: string): void {
    this.#protocolVersion = version;
  }

  /** Which vehicle GetPlayerVehicleID names (null: none). */
  setPlayerVehicle(vid: string | null): void {
    this.#playerVid = vid;
  }

  /** Delays every reply by `ms` on the rig clock (0 = answer at once). */
  setReplyDelay(ms: number): void {
    this.#replyDelayMs = Math.max(0, ms);
  }

  /** Never answers `type` (like an unknown request), or answers again with `ignoring = false`. */
  ignore(type: string, ignoring = true): void {
    if (ignoring) this.#ignored.add(type);
    else this.#ignored.delete(type);
  }

  /** Answers `type` with `{bngError}` (`kind: 'value'` → `{bngValueError}`); `message = null` stops. */
  fail(type: string, message: string | null, kind: 'error' | 'value' = 'error'): void {
    if (message === null) this.#failures.delete(type);
    else this.#failures.set(type, { message, kind });
  }

  /** The in-game "Repair My Car" press: the next VWRepairPressed poll answers `{pressed: true}`. */
  pressRepair(): void {
    this.#repairPressed = true;
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

  /** Kills every client socket and the vehicle ports, like a simulator restart; the game port stays up. */
  dropConnections(): void {
    for (const handle of this.#delayed) this.#clock.clearTimeout(handle);
    this.#delayed.clear();
    for (const socket of this.#gameSockets) socket.destroy();
    for (const vehicle of this.#vehicles) {
      for (const socket of vehicle.sockets) socket.destroy();
      vehicle.server?.close();
      vehicle.server = null;
      vehicle.port = null;
    }
  }

  /** Stops playback, drops every connection and closes every port. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const vehicle of this.#vehicles) this.#stopPlayback(vehicle);
    const servers = [this.#server, ...this.#vehicles.flatMap((v) => (v.server ? [v.server] : []))];
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
    const wanted = vid ?? this.#playerVid ?? this.#vehicles[0]?.spec.vid;
    const vehicle = this.#vehicles.find((v) => v.spec.vid === wanted);
    if (!vehicle) throw new Error(`the sim rig has no vehicle "${wanted}"`);
    return vehicle;
  }

  #stopPlayback(vehicle: SimVehicle): void {
    if (!vehicle.playback) return;
    this.#clock.clearTimeout(vehicle.playback.timer);
    const { finish } = vehicle.playback;
    vehicle.playback = null;
    finish('cancelled');
  }

  #serve(socket: Socket, vehicle: SimVehicle | null): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const sockets = vehicle ? vehicle.sockets : this.#gameSockets;
    sockets.add(socket);
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
      for (const frame of frames) void this.#handle(socket, vehicle, frame);
    });
    socket.on('error', () => socket.destroy()); // a client resetting its socket is normal here
    socket.on('close', () => sockets.delete(socket));
  }

  async #handle(socket: Socket, vehicle: SimVehicle | null, frame: unknown): Promise<void> {
    if (!isRecord(frame) || typeof frame['type'] !== 'string') return;
    const { type, _id: id, ...fields } = frame as Message & { type: string };
    this.received.push({ socket: vehicle ? 'vehicle' : 'game', type, fields });
    if (this.received.length > RECEIVED_KEPT) this.received.shift();
    if (this.#ignored.has(type)) return;
    const failure = this.#failures.get(type);
    let reply: Message | null;
    try {
      reply = failure
        ? { [failure.kind === 'value' ? 'bngValueError' : 'bngError']: failure.message }
        : vehicle
          ? this.#vehicleReply(vehicle, type, fields)
          : await this.#gameReply(type, fields);
    } catch (err) {
      reply = {
        bngError: `sim rig failed on ${type}: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    if (reply) this.#send(socket, { ...reply, _id: id });
  }

  async #gameReply(type: string, fields: Message): Promise<Message | null> {
    switch (type) {
      case 'Hello':
        return { type: 'Hello', protocolVersion: this.#protocolVersion };
      case 'Echo':
        return { type: 'Echo', data: fields['data'] };
      case 'GameStateRequest':
        return {
          type: 'GameState',
          state: 'scenario',
          scenario_state: 'running',
          level: 'gridmap_v2',
        };
      case 'GetCurrentScenario':
        return { bngValueError: 'No scenario loaded.' };
      case 'GetPlayerVehicleID': {
        const player = this.#vehicles.find((v) => v.spec.vid === this.#playerVid);
        return player
          ? { type: 'getPlayerVehicleID', id: player.spec.id, vid: player.spec.vid }
          : { bngValueError: 'No player vehicle.' };
      }
      case 'GetCurrentVehicles': {
        if (this.#vehicles.length === 0) return { type: 'GetCurrentVehicles', result: [] };
        const result = Object.fromEntries(
          this.#vehicles.map((v) => [
            v.spec.vid,
            {
              id: v.spec.id,
              model: v.spec.model,
              name: v.spec.vid,
              options: {
                color: '0.8 0.8 0.8 1.2',
                licenseText: 'VW 2026',
                partConfigFilename: `vehicles/${v.spec.model}/base.pc`,
              },
              ...(fields['include_config']
                ? {
                    config: {
                      model: v.spec.model,
                      partConfigFilename: `vehicles/${v.spec.model}/base.pc`,
                    },
                  }
                : {}),
              ...(v.port === null ? {} : { port: v.port }),
            },
          ]),
        );
        return { type: 'GetCurrentVehicles', result };
      }
      case 'StartVehicleConnection': {
        const wanted = fields['vid'];
        const vehicle = this.#vehicles.find((v) => v.spec.vid === wanted || v.spec.id === wanted);
        if (!vehicle) return { bngValueError: `Vehicle not found: ${String(wanted)}` };
        const port = await this.#openVehiclePort(vehicle);
        return { type: 'StartVehicleConnection', vid: vehicle.spec.vid, result: port };
      }
      case REPAIR_PRESSED_REQUEST: {
        const pressed = this.#repairPressed;
        this.#repairPressed = false;
        return { type: REPAIR_PRESSED_REQUEST, pressed };
      }
      default:
        return null; // as BeamNG: an unknown request type gets no answer
    }
  }

  #vehicleReply(vehicle: SimVehicle, type: string, fields: Message): Message | null {
    switch (type) {
      case 'Hello':
        return { type: 'Hello', protocolVersion: this.#protocolVersion };
      case 'Echo':
        return { type: 'Echo', data: fields['data'] };
      case 'Recover':
        this.#stopPlayback(vehicle);
        vehicle.repair();
        return { type: 'Recovered' };
      case 'SensorRequest': {
        const sensors = isRecord(fields['sensors']) ? fields['sensors'] : {};
        const data: Message = {};
        for (const [name, sensor] of Object.entries(sensors)) {
          const sensorType = isRecord(sensor) ? sensor['type'] : undefined;
          if (sensorType === 'Damage') data[name] = vehicle.damagePayload(this.#wire);
          else if (sensorType === 'State') data[name] = vehicle.statePayload();
          else return { bngValueError: `Unsupported sensor type: ${String(sensorType)}` };
        }
        return { type: 'SensorData', data };
      }
      default:
        return null;
    }
  }

  async #openVehiclePort(vehicle: SimVehicle): Promise<number> {
    if (vehicle.server && vehicle.port !== null) return vehicle.port;
    const server = createServer((socket) => this.#serve(socket, vehicle));
    vehicle.server = server;
    server.listen(0, this.host);
    await once(server, 'listening');
    vehicle.port = (server.address() as AddressInfo).port;
    return vehicle.port;
  }

  #send(socket: Socket, message: Message): void {
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
    },
  });
  const speed = Number(values.speed);
  const rig = await SimRig.start({
    host: values.host,
    port: Number(values.port),
    protocolVersion: values.protocol,
    vehicles: [{ vid: values.vid, id: DEFAULT_SIM_VEHICLE.id, model: values.model }],
  });
  console.log(
    `sim-rig listening on ${rig.address} (protocol ${values.protocol}, vehicle ${values.vid} model ${values.model})`,
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
      else if (command === 'press') rig.pressRepair();
      else if (command === 'drop') rig.dropConnections();
      else if (command === 'recover') rig.recover();
      else if (command === 'quit') void shutdown();
      else if (command)
        console.log('commands: play <recording|file> [speed] | press | drop | recover | quit');
    } catch (err) {
      console.error(err instanceof Error ? err.message : String(err));
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
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
