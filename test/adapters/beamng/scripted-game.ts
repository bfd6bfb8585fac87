/**
 * A scripted BeamNG.tech for client and rig-connection tests: a game socket and one vehicle
 * socket (two `ScriptedPeer`s), answering like the game by default, each request type
 * replaceable by the test, so the game can be slow, silent or odd exactly where a test needs it.
 */
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { ScriptedPeer, type Frame, type PeerSocket } from './scripted-peer.js';

/** Answers one request: `reply(fields)` sends `{...fields, _id}`. */
export type RequestScript = (
  frame: Frame,
  reply: (fields: Frame) => void,
  peer: PeerSocket,
) => void;

/** The game's text for a request no handler took (techCommunication.lua). */
export const NOT_HANDLED =
  'The request was not handled by BeamNG.tech. This can mean:\n' +
  '- an incompatible version of BeamNG.tech/BeamNGpy\n' +
  '- an internal error in BeamNG.tech\n' +
  '- incorrectly implemented custom command';

export const PROTOCOL = 'v1.23';

export const quietDamage = {
  damage: 0,
  damage_ext: 0,
  lowpressure: false,
  part_damage: [],
  deform_group_damage: {},
};

export const still = { time: 1, pos: [0, 0, 0], vel: [0, 0, 0] };

/** A free TCP port on 127.0.0.1 that nothing listens on (yet). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

export const later = (ms: number, fn: () => void): void => void setTimeout(fn, ms);

export class ScriptedGame {
  game!: ScriptedPeer;
  vehicle: ScriptedPeer | null = null;
  /** Game socket handlers by request type; a type without one is answered "not handled". */
  readonly onGame: Record<string, RequestScript>;
  /** Vehicle socket handlers by request type (Hello included). */
  readonly onVehicle: Record<string, RequestScript>;
  /** The port StartVehicleConnection answers (default: the vehicle peer's). */
  vehiclePort = 0;
  /** The mod's running press count (the default VWRepairPressed answer). */
  presses = 0;

  static async start(
    options: { vehicle?: boolean; vehiclePort?: number } = {},
  ): Promise<ScriptedGame> {
    const game = new ScriptedGame();
    await game.#start(options);
    return game;
  }

  private constructor() {
    const hello: RequestScript = (_frame, reply) =>
      reply({ type: 'Hello', protocolVersion: PROTOCOL });
    this.onGame = {
      Hello: hello,
      GetPlayerVehicleID: (_frame, reply) =>
        reply({ type: 'getPlayerVehicleID', id: 10000, vid: 'thePlayer' }),
      GetCurrentVehicles: (_frame, reply) =>
        reply({
          type: 'GetCurrentVehicles',
          result: { thePlayer: { id: 10000, model: 'vw_tcross', name: 'thePlayer', options: [] } },
        }),
      StartVehicleConnection: (frame, reply) =>
        reply({ type: 'StartVehicleConnection', vid: frame['vid'], result: this.vehiclePort }),
      VWRepairPressed: (_frame, reply) =>
        reply({ type: 'VWRepairPressed', presses: this.presses, pressed: false }),
    };
    this.onVehicle = {
      Hello: hello,
      SensorRequest: (_frame, reply) =>
        reply({ type: 'SensorData', data: { damage: quietDamage, state: still } }),
      Recover: (_frame, reply) => reply({ type: 'Recovered' }),
    };
  }

  async #start(options: { vehicle?: boolean; vehiclePort?: number }): Promise<void> {
    this.game = await ScriptedPeer.start((frame, peer) => this.#answer(this.onGame, frame, peer));
    if (options.vehicle !== false) await this.listenVehicle(options.vehiclePort ?? 0);
    else this.vehiclePort = options.vehiclePort ?? (await freePort());
  }

  /** Starts the vehicle socket (on `port`, e.g. one StartVehicleConnection already named). */
  async listenVehicle(port = 0): Promise<void> {
    this.vehicle = await ScriptedPeer.start(
      (frame, peer) => this.#answer(this.onVehicle, frame, peer),
      port,
    );
    this.vehiclePort = this.vehicle.port;
  }

  #answer(handlers: Record<string, RequestScript>, frame: Frame, peer: PeerSocket): void {
    const type = String(frame['type']);
    const reply = (fields: Frame) => peer.reply({ ...fields, _id: frame['_id'] });
    const handler = handlers[type];
    if (handler) handler(frame, reply, peer);
    else reply({ bngError: NOT_HANDLED });
  }

  get host(): string {
    return '127.0.0.1';
  }

  get port(): number {
    return this.game.port;
  }

  /** Frames of `type` the game socket (or the vehicle socket) received. */
  received(type: string, socket: 'game' | 'vehicle' = 'game'): Frame[] {
    const peer = socket === 'game' ? this.game : this.vehicle;
    return (peer?.frames ?? []).filter((f) => f['type'] === type);
  }

  async close(): Promise<void> {
    await Promise.all([this.game.close(), this.vehicle?.close()]);
  }
}
