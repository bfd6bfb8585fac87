/**
 * The staff floor socket (`/ws/floor`, adapters/http/floor-socket.ts) on a real server bound to
 * port 0, with the `ws` client: refused before the upgrade without staff access; every station
 * at once; a station's move seen live with its severity, estimate and a new `since`; bursts
 * coalesced; a session too long in one step marked stuck (never a driver in Waiting.driving);
 * the heartbeat.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { FloorMessage, type SessionView, type StationSummary } from '../../../actors/protocol.js';
import { readConfig } from '../../../adapters/config.js';
import { createApp } from '../../../adapters/http/app.js';
import { toErrorResponse } from '../../../adapters/http/errors.js';
import { isStaff, staffAccess } from '../../../adapters/http/staff-auth.js';
import { COALESCE_MS, floorSocket, toStationSummary } from '../../../adapters/http/floor-socket.js';
import { createRuntime, type Runtime } from '../../../adapters/runtime.js';

const ACCESS = staffAccess('floor-socket-test-token');
const STAFF = `Bearer ${ACCESS.token}`;

interface Running {
  url: string;
  runtime: Runtime;
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

let running: Running | null = null;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await running?.close();
  running = null;
});

/** Three API-only stations, the floor socket mounted at /ws/floor beside the API. */
async function start(
  options: {
    stuck_after_ms?: number;
    heartbeat_ms?: number;
    isRehearsal?: (view: SessionView) => boolean;
  } = {},
) {
  const runtime = createRuntime(readConfig({ STATE_DIR: ':memory:', STATIONS: '3' }));
  const api = createApp({
    floor: runtime.floor,
    venue: runtime.venue,
    maps: runtime.maps,
    outbox: runtime.outbox,
    samples: [],
    staff: ACCESS,
  });
  const app = new Hono()
    .route(
      '/ws/floor',
      floorSocket(runtime.floor, {
        isStaff: (c) => isStaff(c, ACCESS),
        stuck_after_ms: options.stuck_after_ms ?? 60_000,
        ...(options.heartbeat_ms ? { heartbeat_ms: options.heartbeat_ms } : {}),
        ...(options.isRehearsal ? { isRehearsal: options.isRehearsal } : {}),
      }),
    )
    .route('/', api);
  app.onError((err, c) => {
    const { status, body } = toErrorResponse(err);
    return c.json(body, status);
  });
  const wss = new WebSocketServer({ noServer: true });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve(
      { fetch: app.fetch, port: 0, hostname: '127.0.0.1', websocket: { server: wss } },
      () => resolve(s),
    );
  });
  const { port } = server.address() as AddressInfo;
  running = {
    url: `http://127.0.0.1:${port}`,
    runtime,
    app: api,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        runtime.close();
        server.close(() => resolve());
      }),
  };
  return running;
}

interface Received {
  message: FloorMessage;
  at: number;
}

/** Opens the floor socket as staff and collects every message (parsed with FloorMessage). */
async function connect(headers: Record<string, string> = { Authorization: STAFF }) {
  const ws = new WebSocket(`${running!.url.replace(/^http/, 'ws')}/ws/floor`, { headers });
  sockets.push(ws);
  const received: Received[] = [];
  ws.on('message', (data) =>
    received.push({ message: FloorMessage.parse(JSON.parse(String(data))), at: Date.now() }),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, received };
}

const floors = (received: Received[]) =>
  received.flatMap((r) => (r.message.type === 'floor' ? [{ ...r.message, received: r.at }] : []));

/** Waits until the latest floor message satisfies `done`; returns it. */
async function latestFloor(
  received: Received[],
  done: (stations: StationSummary[]) => boolean,
  timeoutMs = 4000,
) {
  let last: ReturnType<typeof floors>[number] | undefined;
  await expect
    .poll(
      () => {
        last = floors(received).at(-1);
        return last ? done(last.stations) : false;
      },
      { timeout: timeoutMs },
    )
    .toBe(true);
  return last!;
}

async function crash(station_id: string, request_id: string) {
  const sample = running!.runtime.samples.find((s) => s.id === 'tcross-front')!;
  const res = await running!.app.request('/api/damage/analyze', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': request_id },
    body: JSON.stringify({ station_id, telemetry: sample.telemetry }),
  });
  expect(res.status, await res.text()).toBe(201);
}

describe('GET /ws/floor', () => {
  it('refuses a request without staff access before upgrading (401 unauthorized)', async () => {
    await start();
    const ws = new WebSocket(`${running!.url.replace(/^http/, 'ws')}/ws/floor`);
    sockets.push(ws);
    const status = await new Promise<number>((resolve, reject) => {
      ws.once('open', () => reject(new Error('upgraded without staff access')));
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
        ws.terminate();
      });
      ws.once('error', (err) => reject(err));
    });
    expect(status).toBe(401);
    // The same refusal as JSON, as every route answers it (here without the upgrade headers).
    const plain = await fetch(`${running!.url}/ws/floor`);
    expect(plain.status).toBe(401);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('sends every station at once, then a station that moves, with its estimate and a new since', async () => {
    await start();
    const { received } = await connect();
    const first = await latestFloor(received, (s) => s.length === 3);
    expect(first.stations.map((s) => [s.station_id, s.state, s.step, s.stuck])).toEqual([
      ['1', 'Waiting', 'Waiting.driving', false],
      ['2', 'Waiting', 'Waiting.driving', false],
      ['3', 'Waiting', 'Waiting.driving', false],
    ]);
    expect(first.stuck_after_ms).toBe(60_000);
    const before = first.stations[0]!;
    expect(before).toMatchObject({
      station_name: 'Estação 1',
      severity: null,
      estimate_total: null,
      dealer_name: null,
      error: null,
      rig: null,
    });
    expect(before.can).toContain('STAFF_RESET');

    await crash('1', 'floor-socket-crash-1');
    const after = await latestFloor(received, (s) => s[0]!.state === 'Estimated');
    const one = after.stations[0]!;
    expect(one.step).toBe('Estimated.reviewingDamage');
    expect(one.session_id).toBe(before.session_id);
    expect(one.severity).toBeGreaterThan(0);
    expect(one.estimate_total).toMatchObject({ currency: 'BRL' });
    expect(one.estimate_total!.amount).toMatch(/^\d+\.\d{2}$/);
    expect(Date.parse(one.since)).toBeGreaterThan(Date.parse(before.since));
    // The other stations did not move, and their since stands.
    expect(after.stations[1]).toEqual(first.stations[1]);
  });

  it('coalesces a burst of changes: at most one message per COALESCE_MS', async () => {
    await start();
    const { received } = await connect();
    await latestFloor(received, (s) => s.length === 3);
    // Three crashes and three resets at once: a dozen transitions within a few milliseconds.
    await Promise.all(['1', '2', '3'].map((id) => crash(id, `burst-${id}`)));
    for (const id of ['1', '2', '3']) {
      const res = await running!.app.request(`/api/stations/${id}/commands`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: STAFF },
        body: JSON.stringify({ type: 'STAFF_RESET' }),
      });
      expect(res.status, await res.text()).toBe(202);
    }
    await latestFloor(received, (s) => s.every((x) => x.state === 'Waiting'));
    await new Promise((r) => setTimeout(r, 3 * COALESCE_MS));
    // When the server sent each (its `at`): a busy client could read two at once.
    const times = floors(received).map((f) => Date.parse(f.at));
    expect(times.length).toBeGreaterThanOrEqual(2);
    // The first message answers the connection; every later one keeps its distance.
    const gaps = times.slice(2).map((t, i) => t - times[i + 1]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(COALESCE_MS - 2);
    // Far fewer messages than transitions (each station went through analysis, estimate, reset).
    expect(times.length).toBeLessThan(8);
  });

  it('marks a session stuck once it has spent stuck_after_ms in one step, a driver never', async () => {
    await start({ stuck_after_ms: 300 });
    const { received } = await connect();
    await crash('2', 'stuck-crash-2');
    const moved = await latestFloor(received, (s) => s[1]!.state === 'Estimated');
    expect(moved.stations[1]!.stuck).toBe(false);
    const stuck = await latestFloor(received, (s) => s[1]!.stuck, 3000);
    expect(stuck.stations[1]!.step).toBe('Estimated.reviewingDamage');
    expect(stuck.stations.filter((s) => s.stuck).map((s) => s.station_id)).toEqual(['2']);
    // Reset: a fresh session in Waiting.driving, not stuck however long it waits.
    const res = await running!.app.request('/api/stations/2/commands', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: STAFF },
      body: JSON.stringify({ type: 'STAFF_RESET' }),
    });
    expect(res.status, await res.text()).toBe(202);
    const reset = await latestFloor(
      received,
      (s) => s[1]!.session_id !== moved.stations[1]!.session_id,
    );
    expect(reset.stations[1]).toMatchObject({ step: 'Waiting.driving', stuck: false });
  });

  it('marks rehearsals when told how to tell them, and leaves the field out otherwise', async () => {
    await start({ isRehearsal: (view) => view.station_id === '2' });
    const { received } = await connect();
    const first = await latestFloor(received, (s) => s.length === 3);
    expect(first.stations.map((s) => s.rehearsal)).toEqual([false, true, false]);
    await running!.close();
    running = null;
    await start();
    const plain = await connect();
    const without = await latestFloor(plain.received, (s) => s.length === 3);
    expect(without.stations.every((s) => !('rehearsal' in s))).toBe(true);
  });

  it('sends a heartbeat on an idle socket', async () => {
    await start({ heartbeat_ms: 150 });
    const { received } = await connect();
    await expect
      .poll(() => received.find((r) => r.message.type === 'heartbeat')?.message, { timeout: 2000 })
      .toMatchObject({ type: 'heartbeat', every_ms: 150 });
  });
});

describe('toStationSummary', () => {
  it('is never stuck while driving, stuck in any other step past the limit', async () => {
    const runtime = createRuntime(readConfig({ STATE_DIR: ':memory:', STATIONS: '1' }));
    try {
      const view = runtime.floor.view('1')!;
      const since = '2025-12-01T10:00:00.000Z';
      const late = new Date('2025-12-01T11:00:00.000Z');
      expect(toStationSummary(view, since, 1000, late).stuck).toBe(false);
      expect(
        toStationSummary({ ...view, step: 'Waiting.crashDetected' }, since, 1000, late).stuck,
      ).toBe(true);
      expect(
        toStationSummary(
          { ...view, step: 'Waiting.crashDetected' },
          since,
          1000,
          new Date('2025-12-01T10:00:00.500Z'),
        ).stuck,
      ).toBe(false);
    } finally {
      runtime.close();
    }
  });
});
