/**
 * Issue 3's promise, end to end on a real server: with BEAMNG_ADDR pointing at a process that
 * speaks BeamNG's protocol, station 1 connects; a crash in its telemetry followed by
 * `POST /api/stations/1/repair` yields an estimate holding the damaged components; when that
 * process dies and comes back on the same port, the link reconnects on its own and the server
 * keeps answering meanwhile.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadBundledRecordings } from '../../../adapters/beamng/recording.js';
import { SimRig } from '../../../adapters/beamng/sim-rig.js';
import { startServer, type RunningServer } from '../../../adapters/http/server.js';
import { RepairEstimate } from '../../../machines/schemas.js';
import { RigStatus, SessionView } from '../../../actors/protocol.js';

let server: RunningServer | null = null;
const rigs: SimRig[] = [];
afterEach(async () => {
  await server?.close();
  server = null;
  await Promise.all(rigs.splice(0).map((r) => r.close()));
});

async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 8000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function rigOf(url: string): Promise<RigStatus> {
  const body = (await (await fetch(`${url}/api/beamng/status`)).json()) as { stations: unknown[] };
  return RigStatus.parse(
    body.stations.find((s) => (s as { station_id: string }).station_id === '1'),
  );
}

async function sessionOf(url: string, station: string): Promise<SessionView> {
  const body = (await (await fetch(`${url}/api/stations/${station}`)).json()) as {
    session: unknown;
  };
  return SessionView.parse(body.session);
}

describe('BEAMNG_ADDR', () => {
  it('connects, turns a crash into an estimate, and reconnects after the simulator restarts', async () => {
    const rig = await SimRig.start({
      vehicles: [{ vid: 'thePlayer', id: 10000, model: 'vw_tcross' }],
    });
    rigs.push(rig);
    const port = rig.port;
    server = await startServer({
      PORT: 0,
      HOST: '127.0.0.1',
      STATIONS: 2,
      BEAMNG_ADDR: `127.0.0.1:${port}`,
      BEAMNG_POLL_MS: 40,
      BEAMNG_BACKOFF_MS: 50,
      BEAMNG_BACKOFF_MAX_MS: 400,
    });
    const url = server.url;

    const connected = await until(async () => {
      const r = await rigOf(url);
      return r.status === 'connected' ? r : undefined;
    }, 'station 1 connected');
    expect(connected).toMatchObject({
      simulated: false,
      address: `127.0.0.1:${port}`,
      vehicle: { vehicle_model: 'tcross' },
    });

    void rig.play(loadBundledRecordings().get('tcross-front-crash')!, { speed: 25 });
    await until(
      async () => ((await sessionOf(url, '1')).step === 'Waiting.crashDetected' ? true : undefined),
      'the crash',
    );
    const repaired = await fetch(`${url}/api/stations/1/repair`, { method: 'POST' });
    expect(repaired.status).toBe(201);
    const { damage_id } = (await repaired.json()) as { damage_id: string };
    const estimate = RepairEstimate.parse(
      await (await fetch(`${url}/api/parts/estimate/${damage_id}`)).json(),
    );
    const components = new Set(estimate.lines.map((l) => l.component_name));
    expect(components).toContain('front_bumper');
    expect(components).toContain('hood');
    expect(Number(estimate.grand_total)).toBeGreaterThan(5000);

    // The simulator dies: the status says so, the server keeps answering, the session keeps its data.
    await rig.close();
    rigs.splice(0);
    const down = await until(async () => {
      const r = await rigOf(url);
      return r.status === 'disconnected' ? r : undefined;
    }, 'station 1 disconnected');
    expect(down.last_error).not.toBeNull();
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect((await sessionOf(url, '1')).damage_id).toBe(damage_id);

    // It comes back on the same port: the link reconnects by itself.
    rigs.push(
      await SimRig.start({ port, vehicles: [{ vid: 'thePlayer', id: 10000, model: 'vw_tcross' }] }),
    );
    const back = await until(async () => {
      const r = await rigOf(url);
      return r.status === 'connected' && r.attempt === 0 ? r : undefined;
    }, 'station 1 reconnected');
    expect(back.last_error).toBeNull();
  });

  it('at 20 fps, with the game’s accept delays: connects, detects a crash, and an in-game press yields an estimate', async () => {
    const rig = await SimRig.start({
      fps: 20,
      // The car's socket takes its 60 frames (3 s) to accept; the game socket once a second.
      vehicleAcceptEveryFrames: 60,
      gameAcceptEveryMs: 1000,
      repairAnswerDelayFrames: 12,
      vehicles: [{ vid: 'thePlayer', id: 10000, model: 'vw_tcross' }],
    });
    rigs.push(rig);
    server = await startServer({
      PORT: 0,
      HOST: '127.0.0.1',
      STATIONS: 1,
      BEAMNG_ADDR: `127.0.0.1:${rig.port}`,
      BEAMNG_POLL_MS: 100,
    });
    const url = server.url;
    const connected = await until(
      async () => {
        const r = await rigOf(url);
        return r.status === 'connected' && r.mod === 'installed' ? r : undefined;
      },
      'station 1 connected with its mod',
      20_000,
    );
    expect(connected.vehicle).toMatchObject({ vehicle_model: 'tcross' });
    const before = (await sessionOf(url, '1')).session_id;
    void rig.play(loadBundledRecordings().get('tcross-front-crash')!, { speed: 25 });
    await until(
      async () => ((await sessionOf(url, '1')).step === 'Waiting.crashDetected' ? true : undefined),
      'the crash',
      20_000,
    );
    // "Repair My Car" in the game: answered 12 frames late, still one repair.
    rig.pressRepair();
    const estimated = await until(
      async () => {
        const v = await sessionOf(url, '1');
        return v.state === 'Estimated' ? v : undefined;
      },
      'the estimate',
      20_000,
    );
    expect(estimated.session_id).toBe(before);
    expect(estimated.estimate?.lines.map((l) => l.component_name)).toContain('front_bumper');
  }, 60_000);

  it('reports a protocol mismatch as a status, and the server stays up', async () => {
    const rig = await SimRig.start({ protocolVersion: 'v1.99' });
    rigs.push(rig);
    server = await startServer({
      PORT: 0,
      HOST: '127.0.0.1',
      STATIONS: 1,
      BEAMNG_ADDR: rig.address,
      BEAMNG_BACKOFF_MS: 50,
      BEAMNG_BACKOFF_MAX_MS: 200,
    });
    const url = server.url;
    const status = await until(async () => {
      const r = await rigOf(url);
      return r.last_error?.code === 'beamng_protocol_mismatch' ? r : undefined;
    }, 'the mismatch');
    expect(status.status).not.toBe('connected');
    expect(status.last_error!.message).toMatch(/v1\.99/);
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
  });
});
