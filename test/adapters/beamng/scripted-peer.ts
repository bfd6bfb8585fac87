/**
 * A hand-driven BeamNG peer for connection tests: a TCP server on port 0 that decodes frames and
 * hands each to the test's handler, which answers (or not) through `reply`/`writeRaw`.
 */
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder } from '../../../adapters/beamng/framing.js';

export type Frame = Record<string, unknown>;

export interface PeerSocket {
  reply(message: Frame): void;
  writeRaw(bytes: Uint8Array): void;
  socket: Socket;
}

export type PeerHandler = (frame: Frame, peer: PeerSocket) => void;

/** Answers Hello with `version` and passes every other frame to `handler`. */
export function helloThen(handler: PeerHandler, version = 'v1.23'): PeerHandler {
  return (frame, peer) => {
    if (frame['type'] === 'Hello')
      peer.reply({ type: 'Hello', protocolVersion: version, _id: frame['_id'] });
    else handler(frame, peer);
  };
}

export class ScriptedPeer {
  readonly sockets = new Set<Socket>();
  readonly frames: Frame[] = [];
  readonly #server: Server;

  /** Listens on 127.0.0.1:`port` (default: any free port). */
  static async start(handler: PeerHandler, port = 0): Promise<ScriptedPeer> {
    const peer = new ScriptedPeer(handler);
    peer.#server.listen(port, '127.0.0.1');
    await once(peer.#server, 'listening');
    return peer;
  }

  private constructor(handler: PeerHandler) {
    this.#server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      const decoder = new FrameDecoder();
      const peer: PeerSocket = {
        socket,
        reply: (message) => {
          if (!socket.destroyed) socket.write(encodeFrame(message));
        },
        writeRaw: (bytes) => {
          if (!socket.destroyed) socket.write(bytes);
        },
      };
      socket.on('data', (chunk: Buffer) => {
        for (const frame of decoder.push(chunk) as Frame[]) {
          this.frames.push(frame);
          handler(frame, peer);
        }
      });
    });
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  /** Kills every accepted socket (the simulator dying). */
  killSockets(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.killSockets();
    await new Promise<void>((done) => this.#server.close(() => done()));
  }
}
