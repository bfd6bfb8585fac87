/**
 * Owns one station's WebSocket: connects to `/ws?station={id}` on the page's host, validates
 * every message with the browser's `ServerMessage` schema (ui/wire.ts), keeps the latest
 * SessionView, reconnects with capped exponential backoff when the socket drops, and sends
 * commands.
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
import { ServerMessage } from './wire.js';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/** Longest wait between two reconnect attempts (before jitter). */
export const MAX_RECONNECT_MS = 5_000;

/**
 * Backoff before reconnect attempt `attempt` (0-based): 0.5 s doubling to 5 s, ±20% jitter, so
 * a screen finds a restarted server within about six seconds however long it was away.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RECONNECT_MS, 500 * 2 ** attempt);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The error a command gets when the socket is not live; the kiosk shows it in the screen's language. */
export const NOT_CONNECTED = 'not_connected';

/** How long a refused-command message stays on screen. */
const ERROR_TOAST_MS = 6_000;

export class SessionController implements ReactiveController {
  /** Latest session the server sent; null until the first message arrives. Kept while reconnecting. */
  session: SessionView | null = null;
  connection: ConnectionState = 'connecting';
  /** Whether the server counts this browser as staff (the staff cookie): the staff area shows then. */
  staff = false;
  /** Failed attempts since the last live connection (0 while live or on the first try). */
  attempt = 0;
  /** When the next attempt is due (epoch ms), or null while one is under way or the socket is live. */
  nextAttemptAt: number | null = null;
  /** When the link was lost (epoch ms), or null while live or before the first attempt failed. */
  offlineSince: number | null = null;
  /** Last refused command or protocol problem, shown briefly as a toast. */
  lastError: SessionError | null = null;

  private _socket: WebSocket | null = null;
  private _retryTimer: ReturnType<typeof setTimeout> | undefined;
  private _errorTimer: ReturnType<typeof setTimeout> | undefined;
  private _active = false;
  /** When the socket last carried anything from the server, and how often it promised to. */
  private _heardAt = 0;
  private _heartbeatMs = 10_000;
  private _watchdog: ReturnType<typeof setInterval> | undefined;
  /** The network came back (e.g. a kiosk's Wi-Fi): try at once instead of waiting out the backoff. */
  private readonly _onOnline = () => {
    if (this._active && this.connection !== 'open' && this.nextAttemptAt !== null) this._retry();
  };

  constructor(
    private readonly _host: ReactiveControllerHost,
    private readonly _stationId: () => string,
  ) {
    _host.addController(this);
  }

  hostConnected(): void {
    this._active = true;
    window.addEventListener('online', this._onOnline);
    // A dead link that closed nothing (a pulled cable): three heartbeats missed, start over.
    this._watchdog = setInterval(() => {
      const socket = this._socket;
      if (this.connection !== 'open' || !socket) return;
      if (Date.now() - this._heardAt <= 3 * this._heartbeatMs) return;
      // Not waiting for a close handshake a dead link would never finish.
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
    clearTimeout(this._errorTimer);
    const socket = this._socket;
    this._socket = null;
    socket?.close(1000, 'screen closed');
  }

  /** Whether the socket is live and the screen shows what the server last sent on it. */
  get live(): boolean {
    return this.connection === 'open';
  }

  /**
   * Sends a command if the connection is live; returns false (and says so on screen) if not:
   * a command pressed while offline is refused visibly, never queued or lost silently.
   * Only its type checks the command here: the server parses it with the full ClientCommand
   * schema and answers a malformed one with an `invalid_command` error, shown like any refusal.
   */
  send(command: ClientCommand): boolean {
    if (!this.live || this._socket?.readyState !== WebSocket.OPEN) {
      this._showError({ code: NOT_CONNECTED, message: `${command.type} not sent` });
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
    this.attempt = 0;
    this.nextAttemptAt = null;
    this.offlineSince = null;
    this.connection = 'connecting';
    this._host.requestUpdate();
    if (this._active) this._connect();
  }

  private _retry(): void {
    clearTimeout(this._retryTimer);
    this.nextAttemptAt = null;
    this._host.requestUpdate();
    this._connect();
  }

  private _connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${location.host}/ws?station=${encodeURIComponent(this._stationId())}`;
    const socket = new WebSocket(url);
    this._socket = socket;
    socket.addEventListener('message', (event) => {
      if (this._socket !== socket) return;
      this._onMessage(event.data);
    });
    socket.addEventListener('close', () => this._lost(socket));
    // 'error' is always followed by 'close', where the retry is scheduled.
  }

  /** The socket is gone (closed, or silent too long): show it and schedule the next attempt. */
  private _lost(socket: WebSocket): void {
    if (this._socket !== socket || !this._active) return;
    this._socket = null;
    // Also a fresh page's first failed attempt: from then on the screen is waiting on the server.
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
    this._heardAt = Date.now();
    if (message.type === 'heartbeat') {
      this._heartbeatMs = message.every_ms;
      return;
    }
    if (message.type === 'viewer') {
      this.staff = message.staff;
      this._host.requestUpdate();
      return;
    }
    if (message.type === 'session') {
      this.session = message.session;
      if (this.connection !== 'open') {
        // The server's current view is on screen: now the screen is live again.
        this.connection = 'open';
        this.attempt = 0;
        this.nextAttemptAt = null;
        this.offlineSince = null;
        if (this.lastError?.code === NOT_CONNECTED) this._clearError();
      }
      this._host.requestUpdate();
    } else {
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
