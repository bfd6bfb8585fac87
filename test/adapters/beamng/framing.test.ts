import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from '../../../adapters/beamng/framing.js';
import { BeamNGFrameError } from '../../../adapters/beamng/errors.js';

const messages = [
  { type: 'Hello', protocolVersion: 'v1.23', _id: 0 },
  {
    type: 'SensorData',
    _id: 1,
    data: {
      damage: {
        damage: 7840.6,
        part_damage: { tcross_bumper_F: { name: 'Front Bumper', damage: 1 } },
      },
    },
  },
  { type: 'Echo', _id: 2, data: 'ünïcødé ✓' },
];

/** Frames built by hand: header + raw MessagePack bytes. */
function rawFrame(body: number[]): Buffer {
  const frame = Buffer.alloc(4 + body.length);
  frame.writeUInt32BE(body.length, 0);
  Buffer.from(body).copy(frame, 4);
  return frame;
}

describe('encodeFrame', () => {
  it('prefixes the MessagePack body with its length, 4 bytes big-endian', () => {
    const frame = encodeFrame({ type: 'Echo', _id: 7 });
    expect(frame.readUInt32BE(0)).toBe(frame.byteLength - 4);
    expect(new FrameDecoder().push(frame)).toEqual([{ type: 'Echo', _id: 7 }]);
  });

  it('leaves undefined fields out', () => {
    expect(
      new FrameDecoder().push(
        encodeFrame({ type: 'StartVehicleConnection', vid: 'a', exts: undefined }),
      ),
    ).toEqual([{ type: 'StartVehicleConnection', vid: 'a' }]);
  });

  it('can send integers as floats (as Lua does) and they decode to the same integers', () => {
    const plain = encodeFrame({ id: 10000 });
    const floats = encodeFrame({ id: 10000 }, { forceIntegerToFloat: true });
    expect(floats.byteLength).toBeGreaterThan(plain.byteLength); // float64 on the wire
    expect(new FrameDecoder().push(floats)).toEqual([{ id: 10000 }]);
  });
});

describe('FrameDecoder', () => {
  const stream = Buffer.concat(messages.map((m) => encodeFrame(m)));

  it('decodes glued frames from one chunk, in order', () => {
    expect(new FrameDecoder().push(stream)).toEqual(messages);
  });

  it('decodes the same messages wherever TCP splits the stream', () => {
    for (let cut = 0; cut <= stream.byteLength; cut++) {
      const decoder = new FrameDecoder();
      const out = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(out, `split at byte ${cut}`).toEqual(messages);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const decoder = new FrameDecoder();
    const out: unknown[] = [];
    for (const byte of stream) out.push(...decoder.push(Uint8Array.of(byte)));
    expect(out).toEqual(messages);
  });

  it('keeps a partial frame until the rest arrives', () => {
    const decoder = new FrameDecoder();
    const frame = encodeFrame(messages[1]);
    expect(decoder.push(frame.subarray(0, 10))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(10);
    expect(decoder.push(frame.subarray(10))).toEqual([messages[1]]);
  });

  it('rejects an oversize length as soon as the header arrives, and stays failed', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 });
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1025, 0);
    expect(() => decoder.push(header)).toThrow(BeamNGFrameError);
    expect(() => decoder.push(encodeFrame({ type: 'Echo' }))).toThrow(
      /exceeds the 1024-byte limit/,
    );
  });

  it('accepts a frame of exactly the maximum size', () => {
    const frame = encodeFrame({ data: 'x'.repeat(100) });
    const decoder = new FrameDecoder({ maxFrameBytes: frame.byteLength - 4 });
    expect(decoder.push(frame)).toEqual([{ data: 'x'.repeat(100) }]);
  });

  it('reports bytes that are not MessagePack as a frame error, not a crash', () => {
    expect(() => new FrameDecoder().push(rawFrame([0xc1]))).toThrow(BeamNGFrameError);
  });

  it('decodes binary values as UTF-8 strings where they decode, and keeps other bytes', () => {
    // {"part": bin "Front Bumper", "raw": bin ff fe}
    const name = [...Buffer.from('Front Bumper')];
    const body = [
      0x82,
      0xa4,
      ...Buffer.from('part'),
      0xc4,
      name.length,
      ...name,
      0xa3,
      ...Buffer.from('raw'),
      0xc4,
      2,
      0xff,
      0xfe,
    ];
    const [decoded] = new FrameDecoder().push(rawFrame(body)) as Array<Record<string, unknown>>;
    expect(decoded!['part']).toBe('Front Bumper');
    expect(decoded!['raw']).toEqual(Uint8Array.of(0xff, 0xfe));
  });

  it('accepts integer and binary map keys', () => {
    // {1: "a", 2: "b", bin "pos": [1, 2, 3]}
    const body = [
      0x83,
      0x01,
      0xa1,
      0x61,
      0x02,
      0xa1,
      0x62,
      0xc4,
      3,
      ...Buffer.from('pos'),
      0x93,
      1,
      2,
      3,
    ];
    expect(new FrameDecoder().push(rawFrame(body))).toEqual([{ 1: 'a', 2: 'b', pos: [1, 2, 3] }]);
  });
});
