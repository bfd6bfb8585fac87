/**
 * Owns the staff floor view's WebSocket (`/ws/floor`), the way SessionController owns a
 * kiosk's: validates every message with the browser's FloorMessage schema (ui/wire.ts) and
 * keeps the latest stations; the socket, its backoff and heartbeats are the kiosk's LiveSocket
 * (ui/live-socket.ts). While reconnecting the last stations stay, marked as not live.
 *
 * It also keeps the offset between the server's clock and the browser's (from each message's
 * `at`), so "time in step" is measured on the server's clock however wrong the laptop's is.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { LiveSocket } from './live-socket.js';
import { FloorMessage, type StationSummary } from './wire.js';

export class FloorController implements ReactiveController {
  /** The stations as last sent; null until the first message. Kept while reconnecting. */
  stations: StationSummary[] | null = null;
  /** The server's stuck limit (ms), from its messages. */
  stuckAfterMs = 300_000;
  /** The server's clock minus the browser's, in ms (add it to Date.now()). */
  clockOffsetMs = 0;
  /** The last message that could not be read, shown in the header. */
  lastProblem: string | null = null;

  private readonly _socket: LiveSocket;

  constructor(
    private readonly _host: ReactiveControllerHost,
    path = '/ws/floor',
  ) {
    this._socket = new LiveSocket({
      path: () => path,
      onMessage: (data) => this._onMessage(data),
      onChange: () => _host.requestUpdate(),
    });
    _host.addController(this);
  }

  get connection() {
    return this._socket.connection;
  }
  get attempt() {
    return this._socket.attempt;
  }
  get nextAttemptAt() {
    return this._socket.nextAttemptAt;
  }
  get offlineSince() {
    return this._socket.offlineSince;
  }
  get live(): boolean {
    return this._socket.live;
  }

  /** Now on the server's clock. */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  hostConnected(): void {
    this._socket.start();
  }

  hostDisconnected(): void {
    this._socket.stop('page closed');
  }

  private _onMessage(data: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      this.lastProblem = 'server sent something that is not JSON';
      this._host.requestUpdate();
      return;
    }
    const parsed = FloorMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      console.error('floor message does not match the protocol', parsed.error.issues);
      this.lastProblem = `${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`;
      this._host.requestUpdate();
      return;
    }
    const message = parsed.data;
    this._socket.heard(message.type === 'heartbeat' ? message.every_ms : undefined);
    const serverAt = Date.parse(message.at);
    if (Number.isFinite(serverAt)) this.clockOffsetMs = serverAt - Date.now();
    if (message.type === 'heartbeat') return;
    this.stations = message.stations;
    this.stuckAfterMs = message.stuck_after_ms;
    this.lastProblem = null;
    this._socket.markLive();
    this._host.requestUpdate();
  }
}
