import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { BeamNGConnection } from '../../../adapters/beamng/connection.js';
import {
  BeamNGClosedError,
  BeamNGConnectError,
  BeamNGError,
  BeamNGNotHandledError,
  BeamNGProtocolMismatchError,
  BeamNGTimeoutError,
  BeamNGValueError,
} from '../../../adapters/beamng/errors.js';
import { encodeFrame } from '../../../adapters/beamng/framing.js';
import { helloThen, ScriptedPeer, type Frame, type PeerSocket } from './scripted-peer.js';

let peer: ScriptedPeer | null = null;
const connections: BeamNGConnection[] = [];

afterEach(async () => {
  for (const connection of connections.splice(0)) connection.close();
  await peer?.close();
  peer = null;
});

async function open(
  handler: Parameters<typeof ScriptedPeer.start>[0],
  options: { protocolVersion?: string; requestTimeoutMs?: number; maxFrameBytes?: number } = {},
) {
  peer = await ScriptedPeer.start(handler);
  const connection = await BeamNGConnection.open({
    host: '127.0.0.1',
    port: peer.port,
    requestTimeoutMs: 1_000,
    ...options,
  });
  connections.push(connection);
  return connection;
}

const echo = (frame: Frame, p: PeerSocket) =>
  p.reply({ type: 'Echo', data: frame['data'], _id: frame['_id'] });

describe('handshake', () => {
  it('sends Hello first with _id 0 and our protocol version, and keeps the server version', async () => {
    const connection = await open(helloThen(echo));
    expect(peer!.frames[0]).toEqual({ type: 'Hello', protocolVersion: 'v1.23', _id: 0 });
    expect(connection.serverProtocolVersion).toBe('v1.23');
    expect(connection.isClosed).toBe(false);
  });

  it('sends a configured protocol version', async () => {
    const connection = await open(helloThen(echo, 'v1.24'), { protocolVersion: 'v1.24' });
    expect(peer!.frames[0]).toMatchObject({ type: 'Hello', protocolVersion: 'v1.24' });
    expect(connection.serverProtocolVersion).toBe('v1.24');
  });

  it('refuses a mismatched version with a typed error carrying both versions, and closes the socket', async () => {
    peer = await ScriptedPeer.start(helloThen(echo, 'v1.24'));
    const error = await BeamNGConnection.open({ host: '127.0.0.1', port: peer.port }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BeamNGProtocolMismatchError);
    expect(error).toMatchObject({
      code: 'beamng_protocol_mismatch',
      expected: 'v1.23',
      actual: 'v1.24',
    });
    expect((error as Error).message).toMatch(/v1\.24.*v1\.23/);
    await expect.poll(() => peer!.sockets.size).toBe(0);
  });

  it('treats a Hello without a version as a mismatch', async () => {
    peer = await ScriptedPeer.start((frame, p) => p.reply({ type: 'Hello', _id: frame['_id'] }));
    await expect(
      BeamNGConnection.open({ host: '127.0.0.1', port: peer.port }),
    ).rejects.toMatchObject({ code: 'beamng_protocol_mismatch', actual: null });
  });

  it('times out a Hello that is never answered, within the connect limit', async () => {
    peer = await ScriptedPeer.start(() => {});
    const error = await BeamNGConnection.open({
      host: '127.0.0.1',
      port: peer.port,
      connectTimeoutMs: 50,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamNGTimeoutError);
    expect(error).toMatchObject({ requestType: 'Hello', connectionLabel: 'game' });
    await expect.poll(() => peer!.sockets.size).toBe(0);
  });

  it('waits for a late Hello as long as the connect limit, not the request timeout', async () => {
    // A car's socket answers Hello only when its Lua accepts the client (every 60 vehicle frames).
    peer = await ScriptedPeer.start((frame, p) =>
      setTimeout(
        () => p.reply({ type: 'Hello', protocolVersion: 'v1.23', _id: frame['_id'] }),
        300,
      ),
    );
    const connection = await BeamNGConnection.open({
      host: '127.0.0.1',
      port: peer.port,
      connectTimeoutMs: 2_000,
      requestTimeoutMs: 50,
    });
    connections.push(connection);
    expect(connection.serverProtocolVersion).toBe('v1.23');
  });

  it('reports a refused connection as unreachable', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((done) => server.close(() => done()));
    const error = await BeamNGConnection.open({ host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamNGConnectError);
    expect(error).toMatchObject({ code: 'beamng_unreachable', reason: 'ECONNREFUSED' });
  });
});

describe('requests', () => {
  it('numbers requests per connection and resolves with the reply', async () => {
    const connection = await open(helloThen(echo));
    await expect(connection.request('Echo', { data: 'a' })).resolves.toEqual({
      type: 'Echo',
      data: 'a',
      _id: 1,
    });
    await expect(connection.request('Echo', { data: 'b' })).resolves.toMatchObject({
      data: 'b',
      _id: 2,
    });
    expect(peer!.frames.map((f) => f['_id'])).toEqual([0, 1, 2]);
  });

  it('times out a request that is never answered, and the connection stays usable', async () => {
    const connection = await open(
      helloThen((frame, p) => (frame['type'] === 'Echo' ? echo(frame, p) : undefined)),
    );
    const error = await connection
      .request('NoSuchRequest', {}, { timeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamNGTimeoutError);
    expect(error).toMatchObject({
      code: 'beamng_timeout',
      requestType: 'NoSuchRequest',
      timeoutMs: 50,
    });
    expect(connection.pendingCount).toBe(0);
    await expect(connection.request('Echo', { data: 'still here' })).resolves.toMatchObject({
      data: 'still here',
    });
  });

  it('discards a reply that comes after its request timed out, without confusing later requests', async () => {
    const held: Frame[] = [];
    let holder: PeerSocket | null = null;
    const connection = await open(
      helloThen((frame, p) => {
        if (frame['type'] === 'Slow') {
          held.push(frame);
          holder = p;
        } else echo(frame, p);
      }),
    );
    await expect(connection.request('Slow', {}, { timeoutMs: 50 })).rejects.toBeInstanceOf(
      BeamNGTimeoutError,
    );
    const next = connection.request('Echo', { data: 'mine' });
    holder!.reply({ type: 'Slow', data: 'late', _id: held[0]!['_id'] });
    await expect(next).resolves.toMatchObject({ data: 'mine' });
    await expect.poll(() => connection.stats.lateReplies).toBe(1);
  });

  it('matches out-of-order replies by _id', async () => {
    const held: Frame[] = [];
    const connection = await open(
      helloThen((frame, p) => {
        held.push(frame);
        if (held.length === 3)
          for (const i of [2, 0, 1])
            p.reply({ type: 'Echo', data: held[i]!['data'], _id: held[i]!['_id'] });
      }),
    );
    const replies = await Promise.all(
      ['a', 'b', 'c'].map((data) => connection.request('Echo', { data })),
    );
    expect(replies.map((r) => r['data'])).toEqual(['a', 'b', 'c']);
  });

  it('reads replies glued into one write and split across writes', async () => {
    const held: Frame[] = [];
    const connection = await open(
      helloThen((frame, p) => {
        held.push(frame);
        if (held.length < 2) return;
        const bytes = Buffer.concat(
          held.map((f) => encodeFrame({ type: 'Echo', data: f['data'], _id: f['_id'] })),
        );
        p.writeRaw(bytes.subarray(0, 3));
        setImmediate(() => p.writeRaw(bytes.subarray(3)));
      }),
    );
    const replies = await Promise.all(
      ['x', 'y'].map((data) => connection.request('Echo', { data })),
    );
    expect(replies.map((r) => r['data'])).toEqual(['x', 'y']);
  });

  it('accepts an _id sent back as a float', async () => {
    const connection = await open(
      helloThen((frame, p) =>
        p.writeRaw(encodeFrame({ type: 'Echo', _id: frame['_id'] }, { forceIntegerToFloat: true })),
      ),
    );
    await expect(connection.request('Echo')).resolves.toMatchObject({ type: 'Echo' });
  });

  it('turns bngError and bngValueError into typed errors, and the connection stays usable', async () => {
    const connection = await open(
      helloThen((frame, p) => {
        if (frame['type'] === 'Broken')
          p.reply({ bngError: 'Lua error: attempt to index nil', _id: frame['_id'] });
        else if (frame['type'] === 'GetCurrentScenario')
          p.reply({ bngValueError: 'No scenario loaded.', _id: frame['_id'] });
        else echo(frame, p);
      }),
    );
    const error = await connection.request('Broken').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamNGError);
    expect(error).not.toBeInstanceOf(BeamNGValueError);
    expect(error).toMatchObject({
      code: 'beamng_error',
      requestType: 'Broken',
      simulatorMessage: 'Lua error: attempt to index nil',
    });

    const valueError = await connection.request('GetCurrentScenario').catch((e: unknown) => e);
    expect(valueError).toBeInstanceOf(BeamNGValueError);
    expect(valueError).toBeInstanceOf(BeamNGError);
    expect(valueError).toMatchObject({
      code: 'beamng_value_error',
      simulatorMessage: 'No scenario loaded.',
    });

    await expect(connection.request('Echo', { data: 'ok' })).resolves.toMatchObject({ data: 'ok' });
  });
});

describe('"not handled" and late replies', () => {
  const NOT_HANDLED =
    'The request was not handled by BeamNG.tech. This can mean:\n' +
    '- an incompatible version of BeamNG.tech/BeamNGpy\n' +
    '- an internal error in BeamNG.tech\n' +
    '- incorrectly implemented custom command';

  it.each([
    NOT_HANDLED,
    '\n  the request was NOT handled by BeamNG.drive.',
    'Request was not handled by BeamNG.tech',
  ])('reads the game\'s "not handled" bngError as BeamNGNotHandledError: %j', async (text) => {
    const connection = await open(
      helloThen((frame, p) => p.reply({ bngError: text, _id: frame['_id'] })),
    );
    const error = await connection.request('VWRepairPressed').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamNGNotHandledError);
    expect(error).toBeInstanceOf(BeamNGError);
    expect(error).toMatchObject({ code: 'beamng_not_handled', requestType: 'VWRepairPressed' });
  });

  it('keeps other bngErrors that mention "not handled" elsewhere as plain refusals', async () => {
    const connection = await open(
      helloThen((frame, p) =>
        p.reply({ bngError: 'vw mod: request was not handled by BeamNG', _id: frame['_id'] }),
      ),
    );
    const error = await connection.request('VWRepairPressed').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BeamNGError);
    expect(error).not.toBeInstanceOf(BeamNGNotHandledError);
    expect(error).toMatchObject({ code: 'beamng_error' });
  });

  it('hands a reply that comes after its timeout to onLateReply, once, and a late refusal as an error', async () => {
    let held: Array<{ frame: Frame; p: PeerSocket }> = [];
    const connection = await open(helloThen((frame, p) => held.push({ frame, p })));
    const late: unknown[] = [];
    await expect(
      connection.request('Slow', {}, { timeoutMs: 30, onLateReply: (r) => late.push(r) }),
    ).rejects.toBeInstanceOf(BeamNGTimeoutError);
    await expect(
      connection.request('Refused', {}, { timeoutMs: 30, onLateReply: (r) => late.push(r) }),
    ).rejects.toBeInstanceOf(BeamNGTimeoutError);
    const [slow, refused] = held;
    held = [];
    slow!.p.reply({ type: 'Slow', value: 1, _id: slow!.frame['_id'] });
    slow!.p.reply({ type: 'Slow', value: 1, _id: slow!.frame['_id'] }); // sent twice
    refused!.p.reply({ bngError: NOT_HANDLED, _id: refused!.frame['_id'] });
    await expect.poll(() => late.length).toBe(2);
    expect(late[0]).toEqual({ type: 'Slow', value: 1, _id: slow!.frame['_id'] });
    expect(late[1]).toBeInstanceOf(BeamNGNotHandledError);
    await expect.poll(() => connection.stats.unmatched).toBe(1); // the duplicate
    expect(connection.stats.lateReplies).toBe(2);
  });
});

describe('closing', () => {
  it('rejects pending requests with a closed error when the peer dies, and tells listeners once', async () => {
    const connection = await open(helloThen(() => {}));
    const reasons: string[] = [];
    connection.onClose((error) => reasons.push(error.reason));
    const pending = [connection.request('A'), connection.request('B')];
    await expect.poll(() => peer!.frames.length).toBe(3);
    peer!.killSockets();
    for (const request of pending) await expect(request).rejects.toBeInstanceOf(BeamNGClosedError);
    expect(await connection.closed).toBeInstanceOf(BeamNGClosedError);
    expect(reasons).toHaveLength(1);
    expect(connection.isClosed).toBe(true);
    await expect(connection.request('Echo')).rejects.toMatchObject({ code: 'beamng_closed' });
  });

  it('detects the peer ending its side (an empty read)', async () => {
    const connection = await open(helloThen((_frame, p) => p.socket.end()));
    await expect(connection.request('Anything')).rejects.toBeInstanceOf(BeamNGClosedError);
    expect((await connection.closed).reason).toMatch(/closed the connection|socket closed/);
  });

  it('drops the connection on an oversize frame instead of crashing', async () => {
    const connection = await open(
      helloThen((_frame, p) => {
        const header = Buffer.alloc(4);
        header.writeUInt32BE(1 << 20, 0);
        p.writeRaw(header);
      }),
      { maxFrameBytes: 1024 },
    );
    await expect(connection.request('SensorRequest')).rejects.toBeInstanceOf(BeamNGClosedError);
    expect((await connection.closed).reason).toMatch(/exceeds the 1024-byte limit/);
  });

  it('rejects pending requests when we close', async () => {
    const connection = await open(helloThen(() => {}));
    const pending = connection.request('Never');
    connection.close('station stopped');
    await expect(pending).rejects.toMatchObject({
      code: 'beamng_closed',
      reason: 'station stopped',
    });
    const late: string[] = [];
    connection.onClose((error) => late.push(error.reason));
    expect(late).toEqual(['station stopped']);
  });
});
