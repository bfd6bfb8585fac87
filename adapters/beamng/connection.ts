/**
 * One BeamNG.tech socket (the game socket or a vehicle socket): connect, Hello handshake, and
 * request/reply matched by `_id`.
 *
 * Replies may come in any order: each request waits under its own `_id` in the pending table, so
 * a frame for another id is simply held for (delivered to) the request that owns it — that table
 * is the "parking" BeamNGpy does with a dict. A reply that comes after its request timed out is
 * counted (`stats.lateReplies`) and handed to the request's `onLateReply`, if it gave one, else
 * discarded; a frame for an id never sent is counted (`stats.unmatched`). When the socket ends (an
 * empty read), errors or is closed, every pending request is rejected with `BeamNGClosedError`
 * and the close listeners run once.
 *
 * Timing. The game is a frame loop, not a server: it accepts a new client on the game socket about
 * once a second, a car's socket only every 60 vehicle frames (seconds at a low frame rate), handles
 * socket messages once per frame, and nothing at all while a blocking request is pending. So
 * `connectTimeoutMs` is one generous limit for the TCP connect and the Hello together, and every
 * request carries its own timeout (the game answers every request, unknown ones with "not
 * handled", but a busy or hung game answers late or never).
 */
import { createConnection, type Socket } from 'node:net';
import { z } from 'zod';
import {
  BeamNGClosedError,
  BeamNGConnectError,
  BeamNGError,
  BeamNGFrameError,
  BeamNGNotHandledError,
  BeamNGProtocolMismatchError,
  BeamNGTimeoutError,
  BeamNGValueError,
  isNotHandledMessage,
} from './errors.js';
import { encodeFrame, FrameDecoder } from './framing.js';

/** The protocol string BeamNGpy 1.33 (BeamNG.tech 0.36) sends; newer builds may want "v1.24"+. */
export const DEFAULT_PROTOCOL_VERSION = 'v1.23';
export const DEFAULT_BEAMNG_PORT = 25252;
/** TCP connect + Hello on one socket. BeamNGpy waits for a vehicle's Hello without any limit. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** Any request without a timeout of its own; blocking game requests take whole frames. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface BeamNGConnectionOptions {
  host: string;
  port: number;
  /** Sent in Hello; the simulator's answer must match. Default `DEFAULT_PROTOCOL_VERSION`. */
  protocolVersion?: string;
  /** The TCP connect and the Hello handshake together. Default `DEFAULT_CONNECT_TIMEOUT_MS`. */
  connectTimeoutMs?: number;
  /** Default timeout of every request after Hello. Default `DEFAULT_REQUEST_TIMEOUT_MS`. */
  requestTimeoutMs?: number;
  /** Largest frame accepted from the simulator; a bigger one drops the connection. */
  maxFrameBytes?: number;
  /** Names the connection in errors and logs, e.g. "game" or "vehicle thePlayer". */
  label?: string;
}

export interface RequestOptions {
  /** Overrides the connection's default request timeout. */
  timeoutMs?: number;
  /**
   * Called with the reply (or the simulator's refusal, as an error) if it arrives after the
   * request timed out, so an answer that was only late is not lost. Called at most once.
   */
  onLateReply?: (late: BeamNGReply | BeamNGError) => void;
}

/** A decoded reply: a MessagePack map. Fields are whatever the simulator sent. */
export type BeamNGReply = Record<string, unknown>;

export interface ConnectionStats {
  sent: number;
  received: number;
  /** Replies that arrived after their request had timed out (to `onLateReply`, else discarded). */
  lateReplies: number;
  /** Frames without a known `_id` (discarded). */
  unmatched: number;
}

type CloseListener = (error: BeamNGClosedError) => void;

interface Pending {
  type: string;
  onLateReply: RequestOptions['onLateReply'];
  resolve: (reply: BeamNGReply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const HelloReply = z.object({ protocolVersion: z.string().nullish() });

/** How many timed-out ids we remember so their late replies are recognised, not "unmatched". */
const EXPIRED_IDS_KEPT = 256;

/** `_id` as an integer: Lua may send it as a float; strings of digits are accepted too. */
function replyId(frame: BeamNGReply): number | null {
  const raw = frame['_id'];
  const n =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && raw.trim() !== ''
        ? Number(raw)
        : NaN;
  return Number.isFinite(n) ? Math.round(n) : null;
}

function isRecord(value: unknown): value is BeamNGReply {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array)
  );
}

/** The simulator's refusal in a reply frame, as a typed error; null for an ordinary reply. */
function refusalOf(requestType: string, frame: BeamNGReply): BeamNGError | null {
  if ('bngValueError' in frame)
    return new BeamNGValueError(requestType, String(frame['bngValueError']));
  if ('bngError' in frame) {
    const message = String(frame['bngError']);
    return isNotHandledMessage(message)
      ? new BeamNGNotHandledError(requestType, message)
      : new BeamNGError(requestType, message);
  }
  return null;
}

/** Hooks into `BeamNGConnection.open()`: progress and cancellation. */
export interface OpenHooks {
  /** Called once the TCP socket is up, before Hello (a link shows "handshaking" from here). */
  onTcpConnected?: () => void;
  /** Aborting closes the socket (connecting or in Hello); `open()` then rejects with `BeamNGClosedError`. */
  signal?: AbortSignal;
}

/** Why an abort signal fired, as a close reason. */
function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string') return reason;
  return reason instanceof Error && reason.name !== 'AbortError'
    ? reason.message
    : 'aborted by the client';
}

/** Opens a TCP socket with Nagle off, or fails with `BeamNGConnectError` (refused, timeout…). */
function connectSocket(
  host: string,
  port: number,
  timeoutMs: number,
  label: string,
  signal?: AbortSignal,
): Promise<Socket> {
  const address = `${host}:${port}`;
  if (signal?.aborted) return Promise.reject(new BeamNGClosedError(label, abortReason(signal)));
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    const settle = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      settle();
      socket.destroy();
      reject(new BeamNGClosedError(label, abortReason(signal!)));
    };
    const timer = setTimeout(() => {
      settle();
      socket.destroy();
      reject(
        new BeamNGConnectError(address, 'TIMEOUT', `no TCP connection within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      settle();
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      settle();
      socket.destroy();
      reject(new BeamNGConnectError(address, err.code ?? 'ERROR', err.message));
    });
  });
}

/** One socket to BeamNG.tech after a successful Hello. Create it with `BeamNGConnection.open()`. */
export class BeamNGConnection {
  readonly label: string;
  readonly host: string;
  readonly port: number;
  /** The version we sent in Hello. */
  readonly protocolVersion: string;
  /** Resolves (never rejects) once the connection is closed, with the reason. */
  readonly closed: Promise<BeamNGClosedError>;

  readonly #socket: Socket;
  readonly #decoder: FrameDecoder;
  readonly #requestTimeoutMs: number;
  readonly #pending = new Map<number, Pending>();
  /** Timed-out ids, with what to do with their late replies. */
  readonly #expired = new Map<number, Pick<Pending, 'type' | 'onLateReply'>>();
  readonly #closeListeners = new Set<CloseListener>();
  readonly #stats: ConnectionStats = { sent: 0, received: 0, lateReplies: 0, unmatched: 0 };
  #nextId = 0;
  #closeError: BeamNGClosedError | null = null;
  #serverProtocolVersion: string | null = null;
  #resolveClosed!: (error: BeamNGClosedError) => void;

  /**
   * Connects, turns Nagle off and performs the Hello handshake, both within `connectTimeoutMs`;
   * closes the socket on any failure.
   */
  static async open(
    options: BeamNGConnectionOptions,
    hooks: OpenHooks = {},
  ): Promise<BeamNGConnection> {
    const { signal } = hooks;
    const label = options.label ?? 'game';
    const limitMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const startedAt = Date.now();
    const socket = await connectSocket(options.host, options.port, limitMs, label, signal);
    const connection = new BeamNGConnection(socket, options);
    const onAbort = (): void => connection.close(abortReason(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    try {
      hooks.onTcpConnected?.();
      // An abort inside the hook has already closed the connection: Hello then rejects at once.
      await connection.#hello(Math.max(1, limitMs - (Date.now() - startedAt)));
    } catch (err) {
      connection.close(
        err instanceof Error ? `handshake failed: ${err.message}` : 'handshake failed',
      );
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return connection;
  }

  private constructor(socket: Socket, options: BeamNGConnectionOptions) {
    this.#socket = socket;
    this.host = options.host;
    this.port = options.port;
    this.label = options.label ?? 'game';
    this.protocolVersion = options.protocolVersion ?? DEFAULT_PROTOCOL_VERSION;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#decoder = new FrameDecoder(
      options.maxFrameBytes === undefined ? {} : { maxFrameBytes: options.maxFrameBytes },
    );
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });

    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    // An empty read: the simulator closed its side.
    socket.on('end', () => this.close('the simulator closed the connection'));
    socket.on('error', (err) => this.close(`socket error: ${err.message}`));
    socket.on('close', () => this.close('socket closed'));
  }

  /** `host:port` of the peer. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get isClosed(): boolean {
    return this.#closeError !== null;
  }

  /** The protocol version the simulator reported in Hello. */
  get serverProtocolVersion(): string | null {
    return this.#serverProtocolVersion;
  }

  get stats(): Readonly<ConnectionStats> {
    return { ...this.#stats };
  }

  /** Requests sent and not yet answered, failed or timed out. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /**
   * Sends `{...fields, type, _id}` and resolves with the reply carrying the same `_id`.
   * Rejects with `BeamNGError`/`BeamNGValueError`/`BeamNGNotHandledError` (the simulator refused;
   * "not handled" when no handler took the request type), `BeamNGTimeoutError` (no reply in time;
   * the connection stays usable; a reply that still comes goes to `onLateReply`) or
   * `BeamNGClosedError`.
   */
  request(
    type: string,
    fields: Record<string, unknown> = {},
    options: RequestOptions = {},
  ): Promise<BeamNGReply> {
    if (this.#closeError)
      return Promise.reject(new BeamNGClosedError(this.label, this.#closeError.reason));
    const id = this.#nextId++;
    const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
    let frame: Buffer;
    try {
      frame = encodeFrame({ ...fields, type, _id: id });
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<BeamNGReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        this.#rememberExpired(id, { type, onLateReply: options.onLateReply });
        reject(new BeamNGTimeoutError(type, timeoutMs, this.label));
      }, timeoutMs);
      this.#pending.set(id, { type, onLateReply: options.onLateReply, resolve, reject, timer });
      this.#stats.sent++;
      this.#socket.write(frame);
    });
  }

  /** Calls `listener` once when the connection closes (at once if it already is). Returns an unsubscribe. */
  onClose(listener: CloseListener): () => void {
    if (this.#closeError) {
      listener(this.#closeError);
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /** Closes the socket and rejects every pending request with `BeamNGClosedError`. Idempotent. */
  close(reason = 'closed by the client'): void {
    if (this.#closeError) return;
    const error = new BeamNGClosedError(this.label, reason);
    this.#closeError = error;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new BeamNGClosedError(this.label, reason));
    }
    this.#pending.clear();
    this.#socket.destroy();
    const listeners = [...this.#closeListeners];
    this.#closeListeners.clear();
    for (const listener of listeners) listener(error);
    this.#resolveClosed(error);
  }

  async #hello(timeoutMs: number): Promise<void> {
    const reply = await this.request(
      'Hello',
      { protocolVersion: this.protocolVersion },
      { timeoutMs },
    );
    const parsed = HelloReply.safeParse(reply);
    const theirs = parsed.success ? (parsed.data.protocolVersion ?? null) : null;
    this.#serverProtocolVersion = theirs;
    if (theirs !== this.protocolVersion)
      throw new BeamNGProtocolMismatchError(this.protocolVersion, theirs);
  }

  #onData(chunk: Buffer): void {
    let frames: unknown[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.close(err instanceof BeamNGFrameError ? err.message : `frame error: ${String(err)}`);
      return;
    }
    for (const frame of frames) this.#dispatch(frame);
  }

  #dispatch(frame: unknown): void {
    this.#stats.received++;
    const id = isRecord(frame) ? replyId(frame) : null;
    const pending = id === null ? undefined : this.#pending.get(id);
    if (!isRecord(frame) || id === null || !pending) {
      const expired = id === null ? undefined : this.#expired.get(id);
      if (!isRecord(frame) || id === null || !expired) {
        this.#stats.unmatched++;
        return;
      }
      this.#expired.delete(id);
      this.#stats.lateReplies++;
      if (expired.onLateReply) {
        const error = refusalOf(expired.type, frame);
        expired.onLateReply(error ?? frame);
      }
      return;
    }
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    const error = refusalOf(pending.type, frame);
    if (error) pending.reject(error);
    else pending.resolve(frame);
  }

  #rememberExpired(id: number, expired: Pick<Pending, 'type' | 'onLateReply'>): void {
    this.#expired.set(id, expired);
    if (this.#expired.size > EXPIRED_IDS_KEPT) {
      const oldest = this.#expired.keys().next().value;
      if (oldest !== undefined) this.#expired.delete(oldest);
    }
  }
}
