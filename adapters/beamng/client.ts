/**
 * BeamNGClient: the game socket plus the vehicle sockets it opens, with typed, zod-checked
 * replies. One client is one session with the simulator: when the game socket closes, the client
 * closes its vehicle sockets and is done; to reconnect, make a new client (the link actor's
 * connect step does exactly that, so a restart of the simulator is just another attempt).
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
  BeamNGClosedError,
  BeamNGLinkError,
  BeamNGNoVehicleError,
  BeamNGReplyError,
} from './errors.js';
import {
  CurrentVehiclesReply,
  DamageSensorPayload,
  GameState,
  PlayerVehicleIdReply,
  RepairPressedReply,
  SensorDataReply,
  StartVehicleConnectionReply,
  StateSensorPayload,
  type SensorReading,
  type VehicleInfo,
} from './schemas.js';

export type BeamNGClientOptions = Omit<BeamNGConnectionOptions, 'label'> & {
  /** Timeout of GetPlayerVehicleID before falling back to GetCurrentVehicles. Default 2000 ms. */
  playerVehicleTimeoutMs?: number;
};

/** The custom request the in-game mod's GE extension answers with `{pressed}`. */
export const REPAIR_PRESSED_REQUEST = 'VWRepairPressed';

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
   * A closed connection is not retried. Rejects with `BeamNGNoVehicleError` when there is no vehicle.
   */
  async getPlayerVehicleId(): Promise<PlayerVehicleId> {
    try {
      const reply = await this.game.request(
        'GetPlayerVehicleID',
        {},
        { timeoutMs: this.options.playerVehicleTimeoutMs ?? 2_000 },
      );
      const { id, vid } = parseReply('GetPlayerVehicleID', PlayerVehicleIdReply, reply);
      if (id >= 0)
        return {
          id,
          vid: typeof vid === 'string' && vid !== '' ? vid : null,
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
   * The player's vehicle with its model (from GetCurrentVehicles), ready for `openVehicle(v.vid)`.
   * When the player id is not among the listed vehicles, the first listed vehicle is used.
   */
  async findPlayerVehicle(): Promise<PlayerVehicle> {
    const player = await this.getPlayerVehicleId();
    const vehicles = await this.getCurrentVehicles();
    const match =
      vehicles.find((v) => v.id === player.id) ??
      vehicles.find((v) => v.vid === player.vid) ??
      vehicles[0];
    if (!match)
      throw new BeamNGNoVehicleError(`vehicle ${player.id} is not listed by GetCurrentVehicles`);
    return { ...match, via: player.via };
  }

  /**
   * Asks the game for the vehicle's socket (StartVehicleConnection), connects to that port on the
   * game's host and performs Hello there. The returned connection is closed with the client.
   */
  async openVehicle(
    vid: string | number,
    options: { extensions?: string[] } = {},
  ): Promise<BeamNGConnection> {
    const reply = await this.game.request('StartVehicleConnection', {
      vid,
      exts: options.extensions,
    });
    const { result: port } = parseReply(
      'StartVehicleConnection',
      StartVehicleConnectionReply,
      reply,
    );
    const vehicle = await BeamNGConnection.open(
      { ...this.options, port, label: `vehicle ${vid}` },
      { signal: this.#abort.signal },
    );
    if (!this.isConnected) {
      vehicle.close('game connection closed while opening the vehicle');
      throw new BeamNGClosedError('game', 'closed while opening the vehicle');
    }
    this.#vehicles.add(vehicle);
    vehicle.onClose(() => this.#vehicles.delete(vehicle));
    return vehicle;
  }

  /** Reads the Damage and State sensors of an open vehicle, normalised (see schemas.ts). */
  async readSensors(
    vehicle: BeamNGConnection,
    options: RequestOptions = {},
  ): Promise<SensorReading> {
    const reply = await vehicle.request(
      'SensorRequest',
      { sensors: { damage: { type: 'Damage' }, state: { type: 'State' } } },
      options,
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
   * Polls the in-game mod: true once after each press of its "Repair My Car" action. Without the
   * mod the simulator does not answer: expect `BeamNGTimeoutError`, so pass a short timeout.
   */
  async pollRepairPressed(options: RequestOptions = {}): Promise<boolean> {
    const reply = await this.game.request(REPAIR_PRESSED_REQUEST, {}, options);
    return parseReply(REPAIR_PRESSED_REQUEST, RepairPressedReply, reply).pressed;
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
