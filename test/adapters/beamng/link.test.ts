/**
 * The link machine (machines/link.ts) with its real rig connection against the simulated rig,
 * on the real clock with small timings (eventual states only, never timings); and the machine
 * alone on a SimulatedClock with a scripted rig connection (exact delays and thresholds).
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  createActor,
  fromCallback,
  SimulatedClock,
  waitFor,
  type ActorRefFrom,
  type CallbackActorLogic,
  type AnyEventObject,
  type SnapshotFrom,
} from 'xstate';
import { loadPartMapping } from '../../../actors/damage/mapping.js';
import { loadBundledRecordings } from '../../../adapters/beamng/recording.js';
import {
  createRigConnection,
  type RigConnectionOptions,
} from '../../../adapters/beamng/rig-connection.js';
import { SimRig, type SimRigOptions } from '../../../adapters/beamng/sim-rig.js';
import {
  backoffMs,
  linkMachine,
  linkStatusOf,
  type LinkConfig,
  type LinkInput,
  type RigCommand,
  type RigConnectionInput,
  type RigEvent,
} from '../../../machines/link.js';

const mapping = loadPartMapping();
const recordings = loadBundledRecordings();
const frontCrash = recordings.get('tcross-front-crash')!;

const baseConfig: LinkConfig = {
  poll_ms: 20,
  crash_threshold: 500,
  backoff_initial_ms: 20,
  backoff_max_ms: 200,
  auto_repair_after_ms: null,
  still_speed_ms: 0.5,
  poll_repair_button: true,
};

type LinkRef = ActorRefFrom<typeof linkMachine>;
type LinkSnapshot = SnapshotFrom<typeof linkMachine>;

/** A link in its own actor system, recording the inputs it emits for its station (flattened:
 *  type, payload fields, source and request id), as the floor's intake would receive them. */
function startFloor(
  rigConnection: CallbackActorLogic<RigCommand, RigConnectionInput>,
  input: Partial<LinkInput> & Pick<LinkInput, 'address'>,
  clock?: SimulatedClock,
) {
  const received: AnyEventObject[] = [];
  const root = createActor(linkMachine.provide({ actors: { rigConnection } }), {
    input: {
      station_id: '1',
      simulated: true,
      protocol_version: 'v1.23',
      config: baseConfig,
      id_base: 'test',
      ...input,
    },
    ...(clock ? { clock } : {}),
  });
  root.on('input', ({ input: emitted, origin }) => {
    received.push({ type: emitted.type, ...emitted.payload, ...origin });
  });
  root.start();
  const link: LinkRef = root;
  const statuses: string[] = [linkStatusOf(link.getSnapshot().value)];
  link.subscribe((snapshot) => {
    const status = linkStatusOf(snapshot.value);
    if (statuses.at(-1) !== status) statuses.push(status);
  });
  running.push(root);
  const ofType = (type: string) => received.filter((e) => e.type === type);
  return { root, link, received, statuses, ofType };
}

const running: Array<{ stop: () => void }> = [];
const rigs: SimRig[] = [];

afterEach(async () => {
  for (const actor of running.splice(0)) actor.stop();
  await Promise.all(rigs.splice(0).map((rig) => rig.close()));
});

async function startRig(options: SimRigOptions = {}): Promise<SimRig> {
  const rig = await SimRig.start(options);
  rigs.push(rig);
  return rig;
}

const fastRig = (extra: RigConnectionOptions = {}) =>
  createRigConnection({
    mapping,
    connectTimeoutMs: 500,
    requestTimeoutMs: 300,
    playerVehicleTimeoutMs: 200,
    repairPollTimeoutMs: 50,
    sensorTimeoutMs: 300,
    ...extra,
  });

const isPolling = (s: LinkSnapshot) => s.matches({ online: 'polling' });
const WAIT = { timeout: 5_000 };

/** Resolves once `predicate` holds, checking every few ms (for the station's recorded events). */
async function eventually(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('link + rig connection against the simulated rig (real clock)', () => {
  it.each([
    ['vw_tcross', 'tcross'],
    ['golf8', 'golf'],
    ['etk800', null],
  ])('reaches polling and maps the model %s to %s', async (model, vehicleModel) => {
    const rig = await startRig({ vehicles: [{ vid: 'thePlayer', id: 10000, model }] });
    const { link, statuses } = startFloor(fastRig(), {
      address: { host: rig.host, port: rig.port },
    });
    const snapshot = await waitFor(link, isPolling, WAIT);
    expect(linkStatusOf(snapshot.value)).toBe('connected');
    expect(snapshot.context.vehicle).toEqual({
      model,
      name: 'thePlayer',
      vehicle_model: vehicleModel,
    });
    expect(snapshot.context.connected_at).not.toBeNull();
    expect(statuses).toEqual(['connecting', 'handshaking', 'connected']);
  });

  it('streams live damage while driving, then reports the crash with the risen damage', async () => {
    const rig = await startRig();
    const { link, ofType } = startFloor(fastRig(), { address: { host: rig.host, port: rig.port } });
    await waitFor(link, isPolling, WAIT);
    const playing = rig.play(frontCrash, { speed: 10 });
    await eventually(() => ofType('CRASH_DETECTED').length > 0);
    const live = ofType('TELEMETRY_RECEIVED');
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((e) => e['total_damage'] === 0 && e['simulator_model'] === 'tcross')).toBe(
      true,
    );
    const crash = ofType('CRASH_DETECTED')[0]!;
    expect(crash['total_damage']).toBeGreaterThanOrEqual(500);
    expect(crash).toMatchObject({
      simulator_model: 'tcross',
      source: 'simulator',
      telemetry: { damage: crash['total_damage'] },
    });
    expect(link.getSnapshot().context.crashed).toBe(true);
    await playing;
  });

  it('forwards the in-game "Repair My Car" press to the station', async () => {
    const rig = await startRig();
    const { link, ofType } = startFloor(fastRig(), { address: { host: rig.host, port: rig.port } });
    await waitFor(link, isPolling, WAIT);
    rig.pressRepair();
    await eventually(() => ofType('REPAIR_REQUESTED').length > 0);
    expect(ofType('REPAIR_REQUESTED')).toEqual([
      expect.objectContaining({ source: 'mod', request_id: expect.stringMatching(/^rig-1-test-/) }),
    ]);
  });

  it('asks for the repair when the crashed car stands still long enough', async () => {
    const rig = await startRig();
    const { link, ofType } = startFloor(fastRig(), {
      address: { host: rig.host, port: rig.port },
      config: { ...baseConfig, auto_repair_after_ms: 100 },
    });
    await waitFor(link, isPolling, WAIT);
    await rig.play(frontCrash, { speed: 20 });
    await eventually(() => ofType('REPAIR_REQUESTED').length > 0);
    expect(ofType('REPAIR_REQUESTED')).toEqual([expect.objectContaining({ source: 'timer' })]);
  });

  it('does not ask for the repair by itself when auto-repair is off', async () => {
    const rig = await startRig();
    const { link, ofType } = startFloor(fastRig(), { address: { host: rig.host, port: rig.port } });
    await waitFor(link, isPolling, WAIT);
    await rig.play(frontCrash, { speed: 20 });
    await eventually(() => ofType('CRASH_DETECTED').length > 0);
    const readingsSoFar = ofType('TELEMETRY_RECEIVED').length;
    // 30 more still readings ≈ 600 ms of standing still at 20 ms polls: well past any timer.
    await eventually(() => ofType('TELEMETRY_RECEIVED').length >= readingsSoFar + 30);
    expect(ofType('CRASH_DETECTED')).toHaveLength(1);
    expect(link.getSnapshot().context.still_polls).toBeGreaterThanOrEqual(30);
    expect(ofType('REPAIR_REQUESTED')).toEqual([]);
  });

  it('on a protocol mismatch stays disconnected with growing, capped backoff, and connects once the versions match', async () => {
    const rig = await startRig({ protocolVersion: 'v1.24' });
    const { link } = startFloor(fastRig(), { address: { host: rig.host, port: rig.port } });
    const failing = await waitFor(
      link,
      (s) => s.value === 'disconnected' && s.context.attempt >= 6,
      WAIT,
    );
    expect(linkStatusOf(failing.value)).toBe('disconnected');
    expect(failing.context.last_error?.code).toBe('beamng_protocol_mismatch');
    expect(failing.context.last_error?.message).toMatch(/v1\.24/);
    expect([1, 2, 3, 4, 5, failing.context.attempt].map((n) => backoffMs(baseConfig, n))).toEqual([
      20, 40, 80, 160, 200, 200,
    ]);

    rig.setProtocolVersion('v1.23');
    // The backoff resets at the first good reading after the handshake.
    const connected = await waitFor(link, (s) => isPolling(s) && s.context.attempt === 0, WAIT);
    expect(connected.context).toMatchObject({ attempt: 0, last_error: null });
  });

  it('goes disconnected when the rig drops its sockets and comes back to polling on its own', async () => {
    const rig = await startRig();
    const { link, statuses } = startFloor(fastRig(), {
      address: { host: rig.host, port: rig.port },
    });
    await waitFor(link, isPolling, WAIT);
    const dropped = waitFor(link, (s) => s.value === 'disconnected', WAIT);
    rig.dropConnections();
    expect((await dropped).context.last_error?.code).toBe('beamng_closed');
    await waitFor(link, isPolling, WAIT);
    expect(statuses.slice(0, 4)).toEqual([
      'connecting',
      'handshaking',
      'connected',
      'disconnected',
    ]);
    expect(statuses.at(-1)).toBe('connected');
  });

  it('survives the rig process dying and a new one starting on the same port', async () => {
    const first = await startRig();
    const port = first.port;
    const { link } = startFloor(fastRig(), { address: { host: first.host, port } });
    await waitFor(link, isPolling, WAIT);
    await first.close();
    const down = await waitFor(
      link,
      (s) =>
        s.value === 'disconnected' &&
        s.context.last_error?.code === 'beamng_unreachable' &&
        s.context.attempt >= 3,
      WAIT,
    );
    expect(down.context.vehicle).not.toBeNull(); // the last known vehicle stays on the status

    await startRig({ port });
    const back = await waitFor(link, (s) => isPolling(s) && s.context.attempt === 0, WAIT);
    expect(back.context).toMatchObject({ attempt: 0, last_error: null });
  });

  it('fails the link when a sensor read is never answered, reconnects, and polls again once the rig answers', async () => {
    const rig = await startRig();
    const { link, statuses, ofType } = startFloor(
      fastRig({ requestTimeoutMs: 100, sensorTimeoutMs: 100 }),
      {
        address: { host: rig.host, port: rig.port },
      },
    );
    await waitFor(link, isPolling, WAIT);
    rig.ignore('SensorRequest');
    const timedOut = await waitFor(link, (s) => s.value === 'disconnected', WAIT);
    expect(timedOut.context.last_error).toMatchObject({
      code: 'beamng_timeout',
      message: expect.stringMatching(/SensorRequest/),
    });
    await waitFor(link, isPolling, WAIT); // reconnected: Hello and the vehicle socket work, reads still hang
    expect(statuses).toContain('disconnected');

    rig.ignore('SensorRequest', false);
    const before = ofType('TELEMETRY_RECEIVED').length;
    await eventually(() => ofType('TELEMETRY_RECEIVED').length > before + 3);
    expect(linkStatusOf(link.getSnapshot().value)).toBe('connected');
  });

  it('keeps the link up when the rig has no in-game mod, and stops asking it for a while', async () => {
    const rig = await startRig();
    rig.ignore('VWRepairPressed');
    const missing: string[] = [];
    const { link, statuses, ofType } = startFloor(
      fastRig({ onModMissing: (_address, error) => missing.push(error.code) }),
      {
        address: { host: rig.host, port: rig.port },
      },
    );
    await waitFor(link, isPolling, WAIT);
    await eventually(() => ofType('TELEMETRY_RECEIVED').length >= 25);
    expect(statuses).toEqual(['connecting', 'handshaking', 'connected']);
    expect(link.getSnapshot().context.last_error).toBeNull();
    expect(missing).toEqual(['beamng_timeout']);
    expect(rig.received.filter((r) => r.type === 'VWRepairPressed')).toHaveLength(1);
  });

  it('closes its sockets when the link actor stops', async () => {
    const rig = await startRig();
    const { root, link } = startFloor(fastRig(), { address: { host: rig.host, port: rig.port } });
    await waitFor(link, isPolling, WAIT);
    expect(rig.connectionCount).toBe(2); // game + vehicle
    root.stop();
    await eventually(() => rig.connectionCount === 0);
  });

  it('closes a half-open socket when the link actor stops during the handshake', async () => {
    const rig = await startRig();
    rig.ignore('Hello');
    const { root, link } = startFloor(
      fastRig({ connectTimeoutMs: 60_000, requestTimeoutMs: 60_000 }),
      {
        address: { host: rig.host, port: rig.port },
      },
    );
    await waitFor(link, (s) => linkStatusOf(s.value) === 'handshaking', WAIT);
    await eventually(() => rig.connectionCount === 1);
    root.stop();
    await eventually(() => rig.connectionCount === 0, 2_000); // long before the Hello timeout
  });
});

// ---------------------------------------------------------------------------------------------

/** A stand-in rig connection the test drives by hand: each start is one "connection". */
class ScriptedRig {
  starts = 0;
  readonly commands: RigCommand[] = [];
  /** Events sent synchronously on each start (e.g. an immediate failure). */
  onStart: () => RigEvent[] = () => [];
  #sendBack: ((event: RigEvent) => void) | null = null;

  readonly logic = fromCallback<RigCommand, RigConnectionInput>(({ sendBack, receive }) => {
    this.starts += 1;
    this.#sendBack = sendBack;
    receive((command) => this.commands.push(command));
    for (const event of this.onStart()) sendBack(event);
    return () => {
      this.#sendBack = null;
    };
  });

  emit(event: RigEvent): void {
    if (!this.#sendBack) throw new Error('no rig connection running');
    this.#sendBack(event);
  }
}

const unreachable: RigEvent = {
  type: 'RIG.FAILED',
  error: { code: 'beamng_unreachable', message: 'refused' },
};
const tcross = { model: 'vw_tcross', name: 'thePlayer', vehicle_model: 'tcross' };

describe('link machine on a simulated clock with a scripted rig', () => {
  function startScripted(config: Partial<LinkConfig> = {}) {
    const clock = new SimulatedClock();
    const rig = new ScriptedRig();
    const floor = {
      rig,
      clock,
      ...startFloor(
        rig.logic,
        { address: { host: 'rig', port: 1 }, config: { ...baseConfig, ...config } },
        clock,
      ),
    };
    /** Brings the scripted rig to polling. */
    const connect = () => {
      rig.emit({ type: 'RIG.TCP_CONNECTED' });
      rig.emit({ type: 'RIG.READY', vehicle: tcross, at: '2026-01-01T00:00:00.000Z' });
    };
    /** Waits one poll interval, checks the POLL went out, and answers it. */
    const answer = (damage: number, speed_ms = 0) => {
      const polls = rig.commands.filter((c) => c.type === 'POLL').length;
      clock.increment(baseConfig.poll_ms);
      expect(rig.commands.filter((c) => c.type === 'POLL')).toHaveLength(polls + 1);
      rig.emit({
        type: 'RIG.READING',
        reading: { damage: { damage }, speed_ms, received_at: new Date(clock.now()).toISOString() },
      });
      return floor.received.at(-1);
    };
    return { ...floor, connect, answer };
  }

  it('waits 1×, 2×, 4×… the first backoff between attempts, capped', () => {
    const { rig, clock, link } = startScripted();
    rig.onStart = () => [unreachable];
    rig.emit(unreachable);
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      expect(link.getSnapshot().value).toBe('disconnected');
      expect(link.getSnapshot().context.attempt).toBe(attempt);
      const starts = rig.starts;
      let waited = 0;
      while (rig.starts === starts) {
        clock.increment(1);
        waited += 1;
        if (waited > 1_000) throw new Error('no reconnect');
      }
      waits.push(waited);
    }
    expect(waits).toEqual([20, 40, 80, 160, 200, 200]);

    rig.onStart = () => [];
    clock.increment(200);
    expect(link.getSnapshot().value).toEqual({ online: 'connecting' });
    rig.emit({ type: 'RIG.TCP_CONNECTED' });
    expect(linkStatusOf(link.getSnapshot().value)).toBe('handshaking');
    rig.emit({ type: 'RIG.READY', vehicle: tcross, at: '2026-01-01T00:00:00.000Z' });
    // Handshaken but not yet proven: the backoff resets only at the first good reading.
    expect(link.getSnapshot().context).toMatchObject({
      attempt: 7,
      last_error: null,
      vehicle: tcross,
    });
    rig.emit({
      type: 'RIG.READING',
      reading: { damage: { damage: 0 }, speed_ms: 0, received_at: '2026-01-01T00:00:00.100Z' },
    });
    expect(link.getSnapshot().context.attempt).toBe(0);
  });

  it('detects a crash at the threshold, not just below it', () => {
    const { connect, answer } = startScripted();
    connect();
    expect(answer(0)).toMatchObject({
      type: 'TELEMETRY_RECEIVED',
      total_damage: 0,
      simulator_model: 'tcross',
    });
    expect(answer(499, 10)).toMatchObject({ type: 'TELEMETRY_RECEIVED', total_damage: 499 });
    expect(answer(500, 3)).toMatchObject({
      type: 'CRASH_DETECTED',
      total_damage: 500,
      telemetry: { damage: 500 },
    });
    // Reported once: further readings of the crashed car are live telemetry.
    expect(answer(7840)).toMatchObject({
      type: 'TELEMETRY_RECEIVED',
      total_damage: 7840,
      telemetry: { damage: 7840 },
    });
  });

  it('starts a new baseline when the car is recovered', () => {
    const { rig, link, connect, answer } = startScripted();
    connect();
    answer(0, 10);
    expect(answer(7840)).toMatchObject({ type: 'CRASH_DETECTED' });

    link.send({ type: 'RECOVER_CAR' });
    expect(rig.commands.at(-1)).toEqual({ type: 'RECOVER' });
    // recovered with a scratch left: that level is the new baseline
    expect(answer(100, 5)).toMatchObject({ type: 'TELEMETRY_RECEIVED', total_damage: 100 });
    expect(link.getSnapshot().context).toMatchObject({ crashed: false, baseline_damage: 100 });
    expect(answer(599, 10)).toMatchObject({ type: 'TELEMETRY_RECEIVED' });
    expect(answer(600, 2)).toMatchObject({ type: 'CRASH_DETECTED', total_damage: 600 });
  });

  it('takes a car already damaged when the link connects as its baseline, not as a crash', () => {
    const { connect, answer, ofType } = startScripted();
    connect();
    expect(answer(6200)).toMatchObject({ type: 'TELEMETRY_RECEIVED', total_damage: 6200 });
    expect(answer(6300, 5)).toMatchObject({ type: 'TELEMETRY_RECEIVED' });
    expect(ofType('CRASH_DETECTED')).toHaveLength(0);
    // A real hit on top of it is a crash.
    expect(answer(6900, 5)).toMatchObject({ type: 'CRASH_DETECTED', total_damage: 6900 });
  });

  it('takes the car as it is again after the rig reconnects', () => {
    const { rig, clock, connect, answer, ofType } = startScripted();
    connect();
    answer(0, 10);
    expect(answer(900, 5)).toMatchObject({ type: 'CRASH_DETECTED' });
    rig.emit({ type: 'RIG.FAILED', error: { code: 'rig_closed', message: 'game closed' } });
    rig.onStart = () => [];
    clock.increment(baseConfig.backoff_max_ms);
    // …restarted, with another car that was wrecked in a previous run.
    connect();
    answer(3000, 0);
    answer(3000, 0);
    expect(ofType('CRASH_DETECTED')).toHaveLength(1);
  });

  it('keeps a recover asked for while the simulator was away, and does it once it polls again', () => {
    const { rig, clock, link, connect, answer } = startScripted();
    connect();
    answer(0, 10);
    expect(answer(7840)).toMatchObject({ type: 'CRASH_DETECTED' });
    rig.emit({ type: 'RIG.FAILED', error: { code: 'rig_closed', message: 'game closed' } });
    expect(link.getSnapshot().value).toBe('disconnected');
    // The next driver's session starts: its fresh car is owed.
    link.send({ type: 'RECOVER_CAR' });
    expect(link.getSnapshot().context.recover_owed).toBe(true);
    expect(rig.commands.filter((c) => c.type === 'RECOVER')).toHaveLength(0);
    rig.onStart = () => [];
    clock.increment(baseConfig.backoff_max_ms);
    connect();
    // Paid as soon as the link polls again, once.
    expect(rig.commands.filter((c) => c.type === 'RECOVER')).toHaveLength(1);
    expect(link.getSnapshot().context.recover_owed).toBe(false);
    answer(7840, 0);
    answer(40, 0);
    expect(rig.commands.filter((c) => c.type === 'RECOVER')).toHaveLength(1);
    expect(link.getSnapshot().context).toMatchObject({ crashed: false, baseline_damage: 40 });
  });

  it('asks for the repair once after the crashed car stood still for auto_repair_after_ms', () => {
    const { connect, answer, ofType } = startScripted({ auto_repair_after_ms: 100 });
    connect();
    answer(0, 10);
    answer(5000, 0);
    for (let i = 0; i < 3; i++) answer(5000, 0);
    expect(ofType('REPAIR_REQUESTED')).toHaveLength(0);
    answer(5000, 0); // fifth still poll: 5 × 20 ms = 100 ms
    expect(ofType('REPAIR_REQUESTED')).toEqual([
      expect.objectContaining({ source: 'timer', request_id: 'rig-1-test-1' }),
    ]);
    for (let i = 0; i < 10; i++) answer(5000, 0);
    expect(ofType('REPAIR_REQUESTED')).toHaveLength(1);
  });

  it('goes back to disconnected when the rig fails while polling, keeping the vehicle and the error', () => {
    const { rig, clock, link, connect, answer } = startScripted();
    connect();
    answer(0, 10);
    rig.emit({ type: 'RIG.FAILED', error: { code: 'beamng_closed', message: 'socket closed' } });
    expect(link.getSnapshot().value).toBe('disconnected');
    expect(link.getSnapshot().context).toMatchObject({
      attempt: 1,
      vehicle: tcross,
      last_error: { code: 'beamng_closed' },
    });
    clock.increment(20);
    expect(rig.starts).toBe(2);
  });
});

describe('link machine when the rig connection actor itself crashes', () => {
  it('goes disconnected and retries instead of getting stuck', () => {
    const clock = new SimulatedClock();
    const crashing = fromCallback<RigCommand, RigConnectionInput>(() => {
      throw new Error('adapter bug');
    });
    const link = createActor(linkMachine.provide({ actors: { rigConnection: crashing } }), {
      clock,
      input: {
        station_id: '1',
        address: { host: '127.0.0.1', port: 1 },
        simulated: true,
        protocol_version: 'v1.23',
        config: { ...baseConfig },
        id_base: 't',
      },
    }).start();
    expect(link.getSnapshot().status).toBe('active');
    expect(link.getSnapshot().value).toBe('disconnected');
    expect(link.getSnapshot().context.last_error).toEqual({
      code: 'rig_connection_crashed',
      message: 'Error: adapter bug',
    });
    link.stop();
  });
});
