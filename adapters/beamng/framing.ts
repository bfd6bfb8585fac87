/**
 * BeamNG.tech framing: a 4-byte unsigned big-endian length, then exactly that many bytes of
 * MessagePack. TCP may split a frame anywhere or glue several together, so decoding is
 * incremental: push whatever bytes arrived, get back the whole messages they completed.
 */
import { Decoder, Encoder } from '@msgpack/msgpack';
import { BeamNGFrameError } from './errors.js';

export const FRAME_HEADER_BYTES = 4;
/** Damage readings are a few kilobytes; 16 MiB leaves room for big payloads yet stops a garbage length. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
const UINT32_MAX = 0xffff_ffff;

export interface EncodeFrameOptions {
  /** Encode every integer as a float64, as Lua sometimes does (the sim rig uses it to test clients). */
  forceIntegerToFloat?: boolean;
}

const plainEncoder = new Encoder({ ignoreUndefined: true });
const floatEncoder = new Encoder({ ignoreUndefined: true, forceIntegerToFloat: true });

/** One message → one frame (header + MessagePack body). `undefined` fields are left out. */
export function encodeFrame(message: unknown, options: EncodeFrameOptions = {}): Buffer {
  const body = (options.forceIntegerToFloat ? floatEncoder : plainEncoder).encode(message);
  if (body.byteLength > UINT32_MAX)
    throw new BeamNGFrameError(`message of ${body.byteLength} bytes does not fit a frame`);
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.byteLength);
  frame.writeUInt32BE(body.byteLength, 0);
  frame.set(body, FRAME_HEADER_BYTES);
  return frame;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Binary → string when the bytes are valid UTF-8 (Lua strings often travel as msgpack bin). */
function binaryToStringIfUtf8(bytes: Uint8Array): string | Uint8Array {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return new Uint8Array(bytes); // genuinely binary: keep a copy, not a view into the receive buffer
  }
}

/** Map keys: strings and integers as they are; binary keys as UTF-8 (or hex when not UTF-8). */
function mapKey(key: unknown): string | number {
  if (typeof key === 'string' || typeof key === 'number') return key;
  if (key instanceof Uint8Array) {
    const text = binaryToStringIfUtf8(key);
    return typeof text === 'string' ? text : Buffer.from(key).toString('hex');
  }
  if (typeof key === 'boolean' || typeof key === 'bigint') return String(key);
  throw new BeamNGFrameError(`unsupported map key of type ${key === null ? 'nil' : typeof key}`);
}

/** Walks a decoded value turning binary leaves into strings where they decode. */
function stringifyBinaries(value: unknown): unknown {
  if (value instanceof Uint8Array) return binaryToStringIfUtf8(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = stringifyBinaries(value[i]);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) record[key] = stringifyBinaries(record[key]);
  }
  return value;
}

export interface FrameDecoderOptions {
  /** Largest body accepted; a bigger length header is an error, before any body is buffered. */
  maxFrameBytes?: number;
}

/**
 * Incremental frame decoder. `push()` returns the messages completed by the new bytes and keeps
 * the rest. A bad frame (oversize or not MessagePack) throws `BeamNGFrameError`; the stream is then
 * out of sync for good, so the decoder stays failed and every later push throws the same error:
 * the owner must drop the connection.
 */
export class FrameDecoder {
  readonly maxFrameBytes: number;
  #pending: Buffer = Buffer.alloc(0);
  #failure: BeamNGFrameError | null = null;
  readonly #decoder = new Decoder({ mapKeyConverter: mapKey });

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes received but not yet part of a whole frame. */
  get bufferedBytes(): number {
    return this.#pending.byteLength;
  }

  /** Feeds bytes; returns every message they completed, in order. */
  push(chunk: Uint8Array): unknown[] {
    if (this.#failure) throw this.#failure;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.#pending = this.#pending.byteLength === 0 ? bytes : Buffer.concat([this.#pending, bytes]);

    const messages: unknown[] = [];
    let offset = 0;
    while (this.#pending.byteLength - offset >= FRAME_HEADER_BYTES) {
      const length = this.#pending.readUInt32BE(offset);
      if (length > this.maxFrameBytes) {
        return this.#fail(`frame of ${length} bytes exceeds the ${this.maxFrameBytes}-byte limit`);
      }
      if (this.#pending.byteLength - offset - FRAME_HEADER_BYTES < length) break;
      const body = this.#pending.subarray(
        offset + FRAME_HEADER_BYTES,
        offset + FRAME_HEADER_BYTES + length,
      );
      offset += FRAME_HEADER_BYTES + length;
      let decoded: unknown;
      try {
        decoded = this.#decoder.decode(body);
      } catch (err) {
        return this.#fail(
          `undecodable MessagePack frame of ${length} bytes: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      messages.push(stringifyBinaries(decoded));
    }
    // Copy the remainder so one small leftover does not pin a large chunk in memory.
    this.#pending = offset === 0 ? this.#pending : Buffer.from(this.#pending.subarray(offset));
    return messages;
  }

  #fail(message: string): never {
    this.#failure = new BeamNGFrameError(message);
    this.#pending = Buffer.alloc(0);
    throw this.#failure;
  }
}
