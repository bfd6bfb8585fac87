/**
 * Owns one station's WebSocket: connects to `/ws?station={id}` on the page's host, validates
 * every message with the browser's `ServerMessage` schema (ui/wire.ts), keeps the latest
 * SessionView, reconnects with capped exponential backoff when the socket drops, and sends
 * commands.
 * The host re-renders on every change (`requestUpdate`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ClientCommand, SessionView } from '../actors/protocol.js';
import type { SessionError } from '../machines/schemas.js';
import { ServerMessage } from './wire.js';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/** Backoff before reconnect attempt `attempt` (0-based): 0.5 s doubling to 10 s, ±20% jitter. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 500 * 2 ** attempt);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** How long a refused-command message stays on screen. */
const ERROR_TOAST_MS = 6_000;

export class SessionController implements ReactiveController {
  /** Latest session the server sent; null until the first message arrives. */
  session: SessionView | null = null;
  connection: ConnectionState = 'connecting';
  /** Last refused command or protocol problem, shown briefly as a toast. */
  lastError: SessionError | null = null;

  private _socket: WebSocket | null = null;
  private _attempt = 0;
  private _retryTimer: ReturnType<typeof setTimeout> | undefined;
  private _errorTimer: ReturnType<typeof setTimeout> | undefined;
  private _active = false;

  constructor(
    private readonly _host: ReactiveControllerHost,
    private readonly _stationId: () => string,
  ) {
    _host.addController(this);
  }

  hostConnected(): void {
    this._active = true;
    this._connect();
  }

  hostDisconnected(): void {
    this._active = false;
    clearTimeout(this._retryTimer);
    clearTimeout(this._errorTimer);
    const socket = this._socket;
    this._socket = null;
    socket?.close(1000, 'screen closed');
  }

  /**
   * Sends a command if the socket is open; returns false (and shows why) if it could not.
   * Only its type checks the command here: the server parses it with the full ClientCommand
   * schema and answers a malformed one with an `invalid_command` error, shown like any refusal.
   */
  send(command: ClientCommand): boolean {
    if (this._socket?.readyState !== WebSocket.OPEN) {
      this._showError({ code: 'not_connected', message: 'not connected' });
      return false;
    }
    this._socket.send(JSON.stringify(command));
    return true;
  }

  /** Reconnects now, e.g. when the station id changes. */
  reconnect(): void {
    clearTimeout(this._retryTimer);
    const socket = this._socket;
    this._socket = null;
    socket?.close(1000, 'reconnecting');
    this.session = null;
    this._attempt = 0;
    this.connection = 'connecting';
    this._host.requestUpdate();
    if (this._active) this._connect();
  }

  private _connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/ws?station=${encodeURIComponent(this._stationId())}`;
    const socket = new WebSocket(url);
    this._socket = socket;
    socket.addEventListener('open', () => {
      if (this._socket !== socket) return;
      this._attempt = 0;
      this.connection = 'open';
      this._host.requestUpdate();
    });
    socket.addEventListener('message', (event) => {
      if (this._socket !== socket) return;
      this._onMessage(event.data);
    });
    socket.addEventListener('close', () => {
      if (this._socket !== socket || !this._active) return;
      this._socket = null;
      this.connection = 'reconnecting';
      this._host.requestUpdate();
      this._retryTimer = setTimeout(() => this._connect(), reconnectDelay(this._attempt++));
    });
    // 'error' is always followed by 'close', where the retry is scheduled.
  }

  private _onMessage(data: unknown): void {
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      this._showError({ code: 'bad_message', message: 'server sent something that is not JSON' });
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      console.error('server message does not match the protocol', parsed.error.issues);
      this._showError({
        code: 'bad_message',
        message: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
      });
      return;
    }
    const message = parsed.data;
    if (message.type === 'session') {
      this.session = message.session;
      this._host.requestUpdate();
    } else {
      this._showError(message.error);
    }
  }

  private _showError(error: SessionError): void {
    this.lastError = error;
    clearTimeout(this._errorTimer);
    this._errorTimer = setTimeout(() => {
      this.lastError = null;
      this._host.requestUpdate();
    }, ERROR_TOAST_MS);
    this._host.requestUpdate();
  }
}
