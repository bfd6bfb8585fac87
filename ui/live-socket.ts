/**
 * A screen's WebSocket to the server that comes back by itself: what the kiosk's session
 * controller and the staff floor's controller share.
 *
 * - Reconnects with capped exponential backoff (`reconnectDelay`), and at once when the browser
 *   says the network is back.
 * - Counts as `open` only when its owner says the server's first real message on the new socket
 *   has arrived (`markLive`), so a screen never claims to be connected while showing stale
 *   state; the backoff restarts from its first step then, so a server that accepts sockets and
 *   drops them at once is not hammered.
 * - Drops a socket that has been silent for three heartbeats (a pulled cable closes nothing),
 *   without waiting for a close handshake a dead link would never finish.
 *
 * The owner parses the messages; this class only carries them and keeps the connection state.
 */

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

/** Heartbeats a socket may miss before it counts as dead. */
const MISSED_HEARTBEATS = 3;

export interface LiveSocketOptions {
  /** The socket's path and query on the page's host, e.g. "/ws?station=1". */
  path: () => string;
  /** Every message the socket carries, as sent. */
  onMessage: (data: unknown) => void;
  /** The connection state changed (the owner re-renders). */
  onChange: () => void;
}

export class LiveSocket {
  connection: ConnectionState = 'connecting';
  /** Failed attempts since the last live connection (0 while live or on the first try). */
  attempt = 0;
  /** When the next attempt is due (epoch ms), or null while one is under way or the socket is live. */
  nextAttemptAt: number | null = null;
  /** When the link was lost (epoch ms), or null while live or before the first attempt failed. */
  offlineSince: number | null = null;

  private _socket: WebSocket | null = null;
  private _retryTimer: ReturnType<typeof setTimeout> | undefined;
  private _watchdog: ReturnType<typeof setInterval> | undefined;
  private _active = false;
  /** When the socket last carried anything from the server, and how often it promised to. */
  private _heardAt = 0;
  private _heartbeatMs = 10_000;
  private readonly _onOnline = () => {
    if (this._active && this.connection !== 'open' && this.nextAttemptAt !== null) this._retry();
  };

  constructor(private readonly _options: LiveSocketOptions) {}

  get live(): boolean {
    return this.connection === 'open';
  }

  start(): void {
    this._active = true;
    window.addEventListener('online', this._onOnline);
    this._watchdog = setInterval(() => {
      const socket = this._socket;
      if (this.connection !== 'open' || !socket) return;
      if (Date.now() - this._heardAt <= MISSED_HEARTBEATS * this._heartbeatMs) return;
      this._lost(socket);
      socket.close(4000, 'no heartbeat');
    }, 1_000);
    this._connect();
  }

  stop(reason: string): void {
    this._active = false;
    window.removeEventListener('online', this._onOnline);
    clearInterval(this._watchdog);
    clearTimeout(this._retryTimer);
    const socket = this._socket;
    this._socket = null;
    socket?.close(1000, reason);
  }

  /** Starts over now, e.g. when the screen's station changes. */
  restart(): void {
    clearTimeout(this._retryTimer);
    const socket = this._socket;
    this._socket = null;
    socket?.close(1000, 'reconnecting');
    this.attempt = 0;
    this.nextAttemptAt = null;
    this.offlineSince = null;
    this.connection = 'connecting';
    this._options.onChange();
    if (this._active) this._connect();
  }

  /** The owner read a message: the link is alive (and, for a heartbeat, its promised rhythm). */
  heard(heartbeatMs?: number): void {
    this._heardAt = Date.now();
    if (heartbeatMs !== undefined) this._heartbeatMs = heartbeatMs;
  }

  /** The server's first real message on this socket arrived: the screen is live again. */
  markLive(): void {
    if (this.connection === 'open') return;
    this.connection = 'open';
    this.attempt = 0;
    this.nextAttemptAt = null;
    this.offlineSince = null;
    this._options.onChange();
  }

  /** Sends if live; false when the socket is not (the owner says so on screen). */
  send(text: string): boolean {
    if (!this.live || this._socket?.readyState !== WebSocket.OPEN) return false;
    this._socket.send(text);
    return true;
  }

  private _retry(): void {
    clearTimeout(this._retryTimer);
    this.nextAttemptAt = null;
    this._options.onChange();
    this._connect();
  }

  private _connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}${this._options.path()}`);
    this._socket = socket;
    socket.addEventListener('message', (event) => {
      if (this._socket === socket) this._options.onMessage(event.data);
    });
    // 'error' is always followed by 'close', where the retry is scheduled.
    socket.addEventListener('close', () => this._lost(socket));
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
    this._options.onChange();
    this._retryTimer = setTimeout(() => this._retry(), delay);
  }
}
