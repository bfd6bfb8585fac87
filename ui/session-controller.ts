/**
 * Owns one station's WebSocket: connects to `/ws?station={id}` on the page's host, validates
 * every message with the browser's `ServerMessage` schema (ui/wire.ts), keeps the latest
 * SessionView, and sends commands; the socket itself, its backoff and heartbeats are a
 * LiveSocket (ui/live-socket.ts), shared with the staff floor.
 *
 * The connection counts as `open` only once the server's first SessionView on the new socket
 * has arrived (the server sends it on connect): until then the screen keeps the last view it
 * had, marked as not live, and never claims to be connected while showing stale state. The
 * backoff restarts from its first step at that moment too, so a server that accepts sockets
 * and drops them at once is not hammered.
 * The host re-renders on every change (`requestUpdate`).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ClientCommand, SessionView } from '../actors/protocol.js';
import type { SessionError } from '../machines/schemas.js';
import { LiveSocket } from './live-socket.js';
import { ServerMessage } from './wire.js';

export { MAX_RECONNECT_MS, reconnectDelay, type ConnectionState } from './live-socket.js';

/** The error a command gets when the socket is not live; the kiosk shows it in the screen's language. */
export const NOT_CONNECTED = 'not_connected';

/** How long a refused-command message stays on screen. */
const ERROR_TOAST_MS = 6_000;

export class SessionController implements ReactiveController {
  /** Latest session the server sent; null until the first message arrives. Kept while reconnecting. */
  session: SessionView | null = null;
  /** Whether the server counts this browser as staff (the staff cookie): the staff area shows then. */
  staff = false;
  /** Last refused command or protocol problem, shown briefly as a toast. */
  lastError: SessionError | null = null;

  private readonly _socket: LiveSocket;
  private _errorTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly _host: ReactiveControllerHost,
    stationId: () => string,
  ) {
    this._socket = new LiveSocket({
      path: () => `/ws?station=${encodeURIComponent(stationId())}`,
      onMessage: (data) => this._onMessage(data),
      onChange: () => _host.requestUpdate(),
    });
    _host.addController(this);
  }

  get connection() {
    return this._socket.connection;
  }
  /** Failed attempts since the last live connection (0 while live or on the first try). */
  get attempt() {
    return this._socket.attempt;
  }
  /** When the next attempt is due (epoch ms), or null while one is under way or the socket is live. */
  get nextAttemptAt() {
    return this._socket.nextAttemptAt;
  }
  /** When the link was lost (epoch ms), or null while live or before the first attempt failed. */
  get offlineSince() {
    return this._socket.offlineSince;
  }
  /** Whether the socket is live and the screen shows what the server last sent on it. */
  get live(): boolean {
    return this._socket.live;
  }

  hostConnected(): void {
    this._socket.start();
  }

  hostDisconnected(): void {
    clearTimeout(this._errorTimer);
    this._socket.stop('screen closed');
  }

  /**
   * Sends a command if the connection is live; returns false (and says so on screen) if not:
   * a command pressed while offline is refused visibly, never queued or lost silently.
   * Only its type checks the command here: the server parses it with the full ClientCommand
   * schema and answers a malformed one with an `invalid_command` error, shown like any refusal.
   */
  send(command: ClientCommand): boolean {
    if (this._socket.send(JSON.stringify(command))) return true;
    this._showError({ code: NOT_CONNECTED, message: `${command.type} not sent` });
    return false;
  }

  /** Reconnects now, e.g. when the station id changes. */
  reconnect(): void {
    this.session = null;
    this._socket.restart();
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
    this._socket.heard(message.type === 'heartbeat' ? message.every_ms : undefined);
    switch (message.type) {
      case 'heartbeat':
        return;
      case 'viewer':
        this.staff = message.staff;
        this._host.requestUpdate();
        return;
      case 'session':
        this.session = message.session;
        if (!this._socket.live) {
          // The server's current view is on screen: now the screen is live again.
          if (this.lastError?.code === NOT_CONNECTED) this._clearError();
          this._socket.markLive();
        }
        this._host.requestUpdate();
        return;
      case 'error':
        this._showError(message.error);
    }
  }

  private _showError(error: SessionError): void {
    this.lastError = error;
    clearTimeout(this._errorTimer);
    this._errorTimer = setTimeout(() => this._clearError(), ERROR_TOAST_MS);
    this._host.requestUpdate();
  }

  private _clearError(): void {
    clearTimeout(this._errorTimer);
    this.lastError = null;
    this._host.requestUpdate();
  }
}
