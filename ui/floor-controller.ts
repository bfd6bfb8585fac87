/**
 * Owns the staff floor view's WebSocket (`/ws/floor`), the way SessionController owns a
 * kiosk's: validates every message with the browser's FloorMessage schema (ui/wire.ts), keeps
 * the latest stations, reconnects with the kiosk's backoff (0.5 s doubling to 5 s, at once when
 * the network returns), counts as `open` only once the server's first floor message on the new
 * socket has arrived, and drops a socket that missed three heartbeats. While reconnecting the
 * last stations stay, marked as not live.
 *
 * It also keeps the offset between the server's clock and the browser's (from each message's
 * `at`), so "time in step" is measured on the server's clock however wrong the laptop's is.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { reconnectDelay, type ConnectionState } from './session-controller.js';
import { FloorMessage, type StationSummary } from './wire.js';

export class FloorController implements ReactiveController {
  /** The stations as last sent; null until the first message. Kept while reconnecting. */
  stations: StationSummary[] | null = null;
  /** The server's stuck limit (ms), from its messages. */
  stuckAfterMs = 300_000;
  connection: ConnectionState = 'connecting';
  attempt = 0;
  nextAttemptAt: number | null = null;
  offlineSince: number | null = null;
  /** The server's clock minus the browser's, in ms (add it to Date.now()). */
  clockOffsetMs = 0;
  /** The last message that could not be read, shown in the header. */
  lastProblem: string | null = null;

  private _socket: WebSocket | null = null;
  private _retryTimer: ReturnType<typeof setTimeout> | undefined;
  private _watchdog: ReturnType<typeof setInterval> | undefined;
  private _active = false;
  private _heardAt = 0;
  private _heartbeatMs = 10_000;
  private readonly _onOnline = () => {
    if (this._active && this.connection !== 'open' && this.nextAttemptAt !== null) this._retry();
  };

  constructor(
    private readonly _host: ReactiveControllerHost,
    private readonly _path = '/ws/floor',
  ) {
    _host.addController(this);
  }

  /** Now on the server's clock. */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  get live(): boolean {
    return this.connection === 'open';
  }

  hostConnected(): void {
    this._active = true;
    window.addEventListener('online', this._onOnline);
    this._watchdog = setInterval(() => {
      const socket = this._socket;
      if (this.connection !== 'open' || !socket) return;
      if (Date.now() - this._heardAt <= 3 * this._heartbeatMs) return;
      this._lost(socket);
      socket.close(4000, 'no heartbeat');
    }, 1_000);
    this._connect();
  }

  hostDisconnected(): void {
    this._active = false;
    window.removeEventListener('online', this._onOnline);
    clearInterval(this._watchdog);
    clearTimeout(this._retryTimer);
    const socket = this._socket;
    this._socket = null;
    socket?.close(1000, 'page closed');
  }

  private _retry(): void {
    clearTimeout(this._retryTimer);
    this.nextAttemptAt = null;
    this._host.requestUpdate();
    this._connect();
  }

  private _connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}${this._path}`);
    this._socket = socket;
    socket.addEventListener('message', (event) => {
      if (this._socket === socket) this._onMessage(event.data);
    });
    socket.addEventListener('close', () => this._lost(socket));
  }

  private _lost(socket: WebSocket): void {
    if (this._socket !== socket || !this._active) return;
    this._socket = null;
    this.connection = 'reconnecting';
    this.offlineSince ??= Date.now();
    const delay = reconnectDelay(this.attempt++);
    this.nextAttemptAt = Date.now() + delay;
    this._host.requestUpdate();
    this._retryTimer = setTimeout(() => this._retry(), delay);
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
    this._heardAt = Date.now();
    const serverAt = Date.parse(message.at);
    if (Number.isFinite(serverAt)) this.clockOffsetMs = serverAt - Date.now();
    if (message.type === 'heartbeat') {
      this._heartbeatMs = message.every_ms;
      return;
    }
    this.stations = message.stations;
    this.stuckAfterMs = message.stuck_after_ms;
    this.lastProblem = null;
    if (this.connection !== 'open') {
      this.connection = 'open';
      this.attempt = 0;
      this.nextAttemptAt = null;
      this.offlineSince = null;
    }
    this._host.requestUpdate();
  }
}
