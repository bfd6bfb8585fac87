/**
 * BeamNGClient: the game socket plus the vehicle sockets it opens, with typed, zod-checked
 * replies. One client is one session with the simulator: when the game socket closes, the client
 * closes its vehicle sockets and is done; to reconnect, make a new client (the link actor's
 * connect step does exactly that, so a restart of the simulator is just another attempt).
 *
 * Timing follows the game's frame loop (see connection.ts): one limit for connect + Hello on
 * each socket (`connectTimeoutMs`), one for ordinary and blocking game requests
 * (`requestTimeoutMs`: GetCurrentVehicles waits for every car's Lua, StartVehicleConnection for
 * the car's socket to start), one for sensor reads and the mod's poll (`sensorTimeoutMs`, handled
 * once per frame). A car's socket accepts a client only every 60 vehicle frames, so opening it is
 * tried `vehicleConnectAttempts` times, `vehicleRetryMs` apart (BeamNGpy: 25 times, 5 s apart).
 */
import type { z } from 'zod';
import {
  BeamNGConnection,
  DEFAULT_BEAMNG_PORT,
  type BeamNGConnectionOptions,
  type BeamNGReply,
  type OpenHooks,
  type RequestOptions,
} from './connection.js';
import {
  BeamNGAmbiguousVehicleError,
  BeamNGClosedError,
  BeamNGConnectError,
  BeamNGError,
  BeamNGLinkError,
  BeamNGNoVehicleError,
  BeamNGReplyError,
  BeamNGTimeoutError,
  BeamNGWrongVehicleError,
} from './errors.js';
import {
  CurrentVehiclesReply,
  DamageSensorPayload,
  GameState,
  isUnnamedVehicle,
  PlayerVehicleIdReply,
  RepairPressedReply,
  SensorDataReply,
  StartVehicleConnectionReply,
  StateSensorPayload,
  type SensorReading,
  type VehicleInfo,
} from './schemas.js';

/** Sensor reads and the mod's poll: answered within a frame or two, late at a low frame rate. */
export const DEFAULT_SENSOR_TIMEOUT_MS = 2_000;
/** Connect + Hello attempts on a vehicle socket before opening the vehicle fails. */
export const DEFAULT_VEHICLE_CONNECT_ATTEMPTS = 5;
/** Wait between those attempts. */
export const DEFAULT_VEHICLE_RETRY_MS = 2_000;

export type BeamNGClientOptions = Omit<BeamNGConnectionOptions, 'label'> & {
  /** Timeout of GetPlayerVehicleID before falling back to GetCurrentVehicles. Default: `requestTimeoutMs`. */
  playerVehicleTimeoutMs?: number;
  /** Timeout of sensor reads and of the mod's poll. Default `DEFAULT_SENSOR_TIMEOUT_MS`. */
  sensorTimeoutMs?: number;
  /** Connect + Hello attempts on a vehicle socket. Default `DEFAULT_VEHICLE_CONNECT_ATTEMPTS`. */
  vehicleConnectAttempts?: number;
  /** Wait between vehicle connect attempts. Default `DEFAULT_VEHICLE_RETRY_MS`. */
  vehicleRetryMs?: number;
};

/**
 * The custom request the in-game mod's GE extension answers: `{presses}` (a running count, never
 * cleared) from the current mod, `{pressed}` (true once per press) from an older one.
 */
export const REPAIR_PRESSED_REQUEST = 'VWRepairPressed';

/** What a late answer to the mod's poll turned out to be: the answer, or why it is unusable. */
export type LateRepairAnswer = RepairPressedReply | BeamNGLinkError;

/** Waits `ms`, or rejects with `BeamNGClosedError` as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new BeamNGClosedError(label, 'closed by the client'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Failures of one connect + Hello attempt that another attempt may get past. */
function isRetriable(err: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return false;
  return (
    err instanceof BeamNGConnectError ||
    err instanceof BeamNGTimeoutError ||
    err instanceof BeamNGClosedError
  );
}

/** The player's vehicle id, and which request found it. */
export interface PlayerVehicleId {
  /** Numeric scene object id. */
  id: number;
  /** Scene object name (what StartVehicleConnection takes), when the reply named it. */
  vid: string | null;
  via: 'GetPlayerVehicleID' | 'GetCurrentVehicles';
}

/** A vehicle found for the player, with how it was found. */
export interface PlayerVehicle extends VehicleInfo {
  via: PlayerVehicleId['via'];
}

/** Parses a reply with a schema, turning a mismatch into `BeamNGReplyError`. */
export function parseReply<S extends z.ZodType>(
  requestType: string,
  schema: S,
  reply: unknown,
): z.output<S> {
  const parsed = schema.safeParse(reply);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new BeamNGReplyError(
    requestType,
    issue ? issue.path.map(String).join('.') : '',
    issue?.message ?? 'invalid reply',
  );
}

/** Parses `host:port` (or `host`, or `[v6]:port`) as BEAMNG_ADDR gives it. */
export function parseBeamNGAddress(
  address: string,
  defaultPort = DEFAULT_BEAMNG_PORT,
): { host: string; port: number } {
  const trimmed = address.trim();
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed) ?? /^([^:]+)(?::(\d+))?$/.exec(trimmed);
  if (!match || !match[1])
    throw new Error(`not a BeamNG address: "${address}" (expected host:port)`);
  const port = match[2] === undefined ? defaultPort : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`not a TCP port in "${address}"`);
  return { host: match[1], port };
}

export class BeamNGClient {
  readonly options: BeamNGClientOptions;
  #game: BeamNGConnection | null = null;
  #connecting = false;
  readonly #vehicles = new Set<BeamNGConnection>();
  /** Aborted by `close()`: cancels a connect or a vehicle socket still opening. */
  readonly #abort = new AbortController();

  /** Creates a client and connects it (TCP + Hello). */
  static async connect(
    options: BeamNGClientOptions,
    hooks: Pick<OpenHooks, 'onTcpConnected'> = {},
  ): Promise<BeamNGClient> {
    const client = new BeamNGClient(options);
    await client.connect(hooks);
    return client;
  }

  constructor(options: BeamNGClientOptions) {
    this.options = options;
  }

  /** `host:port` of the game socket. */
  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  get isConnected(): boolean {
    return this.#game !== null && !this.#game.isClosed;
  }

  /** The game connection; throws `BeamNGClosedError` before `connect()` or after close. */
  get game(): BeamNGConnection {
    if (!this.#game || this.#game.isClosed)
      throw new BeamNGClosedError(
        'game',
        this.#game ? 'the game connection is closed' : 'not connected yet',
      );
    return this.#game;
  }

  /** The protocol version the simulator reported in Hello. */
  get serverProtocolVersion(): string | null {
    return this.#game?.serverProtocolVersion ?? null;
  }

  /**
   * Opens the game socket and performs Hello. Rejects with `BeamNGConnectError`,
   * `BeamNGProtocolMismatchError` or `BeamNGTimeoutError`, or `BeamNGClosedError` when `close()` is
   * called meanwhile. A client connects once. `onTcpConnected` runs when the socket is up, before Hello.
   */
  async connect(hooks: Pick<OpenHooks, 'onTcpConnected'> = {}): Promise<void> {
    if (this.#game || this.#connecting)
      throw new Error('BeamNGClient.connect() called twice: make a new client to reconnect');
    this.#connecting = true;
    try {
      const game = await BeamNGConnection.open(
        { ...this.options, label: 'game' },
        { ...hooks, signal: this.#abort.signal },
      );
      this.#game = game;
      game.onClose((error) => {
        for (const vehicle of this.#vehicles)
          vehicle.close(`game connection closed: ${error.reason}`);
      });
    } finally {
      this.#connecting = false;
    }
  }

  /** Calls `listener` once when the game connection closes (at once if it already has). Returns an unsubscribe. */
  onClose(listener: (error: BeamNGClosedError) => void): () => void {
    return this.#connected().onClose(listener);
  }

  /** Resolves (never rejects) when the game connection closes, with the reason. */
  get closed(): Promise<BeamNGClosedError> {
    return this.#connected().closed;
  }

  /** The game connection, open or closed; throws before `connect()` succeeded. */
  #connected(): BeamNGConnection {
    if (!this.#game) throw new BeamNGClosedError('game', 'not connected yet');
    return this.#game;
  }

  /** Any request on the game socket, e.g. a custom type answered by the in-game mod. */
  request(
    type: string,
    fields: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<BeamNGReply> {
    return this.game.request(type, fields, options);
  }

  /** Echo as a ping: resolves when the simulator answers. */
  async ping(options: RequestOptions = {}): Promise<void> {
    await this.game.request('Echo', { data: 'ping' }, options);
  }

  /** Game state (menu or scenario, and the level). */
  async getGameState(options: RequestOptions = {}): Promise<GameState> {
    return parseReply(
      'GameStateRequest',
      GameState,
      await this.game.request('GameStateRequest', {}, options),
    );
  }

  /** Every vehicle in the scene, sorted by id; ids sent as floats come back as integers. */
  async getCurrentVehicles(
    options: RequestOptions & { includeConfig?: boolean } = {},
  ): Promise<VehicleInfo[]> {
    const reply = await this.game.request(
      'GetCurrentVehicles',
      { include_config: options.includeConfig ?? false },
      options,
    );
    return parseReply('GetCurrentVehicles', CurrentVehiclesReply, reply);
  }

  /**
   * The player's vehicle id: GetPlayerVehicleID, or, when that is refused, times out, answers
   * badly or says "none" (a negative id), the first vehicle (lowest id) of GetCurrentVehicles.
   * A `vid` of '' (an unnamed vehicle) is no name: null. A closed connection is not retried.
   * Rejects with `BeamNGNoVehicleError` when there is no vehicle.
   */
  async getPlayerVehicleId(): Promise<PlayerVehicleId> {
    try {
      const timeoutMs = this.options.playerVehicleTimeoutMs;
      const reply = await this.game.request(
        'GetPlayerVehicleID',
        {},
        timeoutMs === undefined ? {} : { timeoutMs },
      );
      const { id, vid } = parseReply('GetPlayerVehicleID', PlayerVehicleIdReply, reply);
      if (id >= 0)
        return {
          id,
          vid:
            typeof vid === 'number'
              ? String(vid)
              : typeof vid === 'string' && vid.trim() !== ''
                ? vid
                : null,
          via: 'GetPlayerVehicleID',
        };
    } catch (err) {
      if (err instanceof BeamNGClosedError || !(err instanceof BeamNGLinkError)) throw err;
    }
    const first = (await this.getCurrentVehicles())[0];
    if (!first)
      throw new BeamNGNoVehicleError(
        'GetPlayerVehicleID gave no vehicle and GetCurrentVehicles lists none',
      );
    return { id: first.id, vid: first.vid, via: 'GetCurrentVehicles' };
  }

  /**
   * The player's vehicle with its model (from GetCurrentVehicles), ready for
   * `openVehicle(v.vid, { alsoKnownAs: [v.id, v.name] })`. Its `vid` is GetPlayerVehicleID's when
   * that named it, else the listed one (for an unnamed vehicle: its id). When the player id is
   * not among the listed vehicles, the first listed vehicle is used — unless the player's vehicle
   * has no name and an unnamed vehicle is listed: the game lists vehicles by name, so two unnamed
   * ones share one entry and the player's is the one left out (`BeamNGAmbiguousVehicleError`).
   */
  async findPlayerVehicle(): Promise<PlayerVehicle> {
    const player = await this.getPlayerVehicleId();
    const vehicles = await this.getCurrentVehicles();
    const match =
      vehicles.find((v) => v.id === player.id) ??
      (player.vid === null ? undefined : vehicles.find((v) => v.vid === player.vid));
    if (match) return { ...match, vid: player.vid ?? match.vid, via: player.via };
    const unnamed = vehicles.filter(isUnnamedVehicle);
    if (player.via === 'GetPlayerVehicleID' && player.vid === null && unnamed.length > 0)
      throw new BeamNGAmbiguousVehicleError(
        `the player drives vehicle ${player.id}, which GetCurrentVehicles does not list, and ` +
          `vehicle ${unnamed.map((v) => v.id).join(', ')} has no name: the game lists vehicles ` +
          'by name, so two vehicles without a name hide one another. Give the vehicles names ' +
          '(e.g. in the World Editor) or remove the extra one',
      );
    const first = vehicles[0];
    if (!first)
      throw new BeamNGNoVehicleError(`vehicle ${player.id} is not listed by GetCurrentVehicles`);
    return { ...first, via: player.via };
  }

  /**
   * Asks the game for the vehicle's socket (StartVehicleConnection), checks that the reply names
   * the vehicle asked for (`vid`, or one of `alsoKnownAs`, e.g. its id and name; a reply without a
   * `vid` is taken), then connects to that port on the game's host and performs Hello there, up to
   * `vehicleConnectAttempts` times, `vehicleRetryMs` apart (a car's socket accepts a client only
   * every 60 vehicle frames). The returned connection is closed with the client. Rejects with
   * `BeamNGWrongVehicleError` when the game opened another vehicle's socket.
   */
  async openVehicle(
    vid: string | number,
    options: { extensions?: string[]; alsoKnownAs?: Array<string | number> } = {},
  ): Promise<BeamNGConnection> {
    const requested = String(vid);
    const reply = await this.game.request('StartVehicleConnection', {
      vid,
      ...(options.extensions ? { exts: options.extensions } : {}),
    });
    const { result: port, vid: answered } = parseReply(
      'StartVehicleConnection',
      StartVehicleConnectionReply,
      reply,
    );
    if (answered !== null && answered !== undefined) {
      const accepted = new Set([requested, ...(options.alsoKnownAs ?? []).map(String)]);
      if (!accepted.has(String(answered)))
        throw new BeamNGWrongVehicleError(requested, String(answered));
    }
    const vehicle = await this.#openVehicleSocket(port, `vehicle ${requested}`);
    if (!this.isConnected) {
      vehicle.close('game connection closed while opening the vehicle');
      throw new BeamNGClosedError('game', 'closed while opening the vehicle');
    }
    this.#vehicles.add(vehicle);
    vehicle.onClose(() => this.#vehicles.delete(vehicle));
    return vehicle;
  }

  /** Connect + Hello on a vehicle port, retried on refusal, timeout or a dropped socket. */
  async #openVehicleSocket(port: number, label: string): Promise<BeamNGConnection> {
    const attempts = Math.max(
      1,
      Math.floor(this.options.vehicleConnectAttempts ?? DEFAULT_VEHICLE_CONNECT_ATTEMPTS),
    );
    const retryMs = Math.max(0, this.options.vehicleRetryMs ?? DEFAULT_VEHICLE_RETRY_MS);
    const signal = this.#abort.signal;
    for (let attempt = 1; ; attempt++) {
      try {
        return await BeamNGConnection.open({ ...this.options, port, label }, { signal });
      } catch (err) {
        if (attempt >= attempts || !isRetriable(err, signal)) {
          if (attempts > 1 && err instanceof BeamNGLinkError && isRetriable(err, signal))
            err.message += ` (after ${attempts} attempts, ${retryMs} ms apart)`;
          throw err;
        }
        await pause(retryMs, signal, label);
      }
    }
  }

  /** Reads the Damage and State sensors of an open vehicle, normalised (see schemas.ts). */
  async readSensors(
    vehicle: BeamNGConnection,
    options: RequestOptions = {},
  ): Promise<SensorReading> {
    const reply = await vehicle.request(
      'SensorRequest',
      { sensors: { damage: { type: 'Damage' }, state: { type: 'State' } } },
      {
        ...options,
        timeoutMs: options.timeoutMs ?? this.options.sensorTimeoutMs ?? DEFAULT_SENSOR_TIMEOUT_MS,
      },
    );
    const { data } = parseReply('SensorRequest', SensorDataReply, reply);
    return {
      damage: parseReply('SensorRequest(Damage)', DamageSensorPayload, data['damage']),
      state: parseReply('SensorRequest(State)', StateSensorPayload, data['state']),
    };
  }

  /** Repairs the vehicle in place and makes it drivable (ack "Recovered"): for the next attendee. */
  async recover(vehicle: BeamNGConnection, options: RequestOptions = {}): Promise<void> {
    await vehicle.request('Recover', {}, options);
  }

  /**
   * Polls the in-game mod's "Repair My Car": `presses` is the mod's running count (null from an
   * older mod), `pressed` an older mod's "pressed since the last poll". Without the mod the game
   * answers "not handled": `BeamNGNotHandledError`. Any other refusal, or an answer of another
   * shape (`BeamNGReplyError`), is the mod's fault. An answer that comes after the timeout
   * (default `sensorTimeoutMs`) goes to `onLateAnswer`, parsed, so it is not lost.
   */
  async pollRepairButton(
    options: { timeoutMs?: number; onLateAnswer?: (late: LateRepairAnswer) => void } = {},
  ): Promise<RepairPressedReply> {
    const { onLateAnswer } = options;
    const reply = await this.game.request(
      REPAIR_PRESSED_REQUEST,
      {},
      {
        timeoutMs: options.timeoutMs ?? this.options.sensorTimeoutMs ?? DEFAULT_SENSOR_TIMEOUT_MS,
        ...(onLateAnswer
          ? {
              onLateReply: (late) => {
                if (late instanceof BeamNGError) return onLateAnswer(late);
                let answer: LateRepairAnswer;
                try {
                  answer = parseReply(REPAIR_PRESSED_REQUEST, RepairPressedReply, late);
                } catch (err) {
                  answer = err as BeamNGReplyError;
                }
                onLateAnswer(answer);
              },
            }
          : {}),
      },
    );
    return parseReply(REPAIR_PRESSED_REQUEST, RepairPressedReply, reply);
  }

  /** An older mod's answer: true once after each press (false from a mod that only counts). */
  async pollRepairPressed(options: RequestOptions = {}): Promise<boolean> {
    return (await this.pollRepairButton(options)).pressed;
  }

  /**
   * Closes the vehicle sockets and the game socket, and cancels a connect or vehicle socket still
   * opening; pending requests reject with `BeamNGClosedError`. Final: make a new client to reconnect.
   */
  close(reason = 'closed by the client'): void {
    this.#abort.abort(reason);
    for (const vehicle of this.#vehicles) vehicle.close(reason);
    this.#vehicles.clear();
    this.#game?.close(reason);
  }
}
