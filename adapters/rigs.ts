/**
 * Which simulator each station talks to. A station named in BEAMNG_ADDR / BEAMNG_ADDRS links to
 * that BeamNG.tech; every other station gets a simulated rig (a small TCP server speaking the same
 * protocol, playing recorded drives), so the link path is the one that runs by default and
 * "simulate a crash" makes a rig drive and crash rather than skipping the simulator.
 */
import type { LinkBinding } from '../actors/floor.js';
import type { LinkConfig } from '../machines/link.js';
import { parseBeamNGAddress } from './beamng/client.js';
import { loadBundledRecordings, type Recording } from './beamng/recording.js';
import type { RigConnectionOptions } from './beamng/rig-connection.js';
import { parseSimRigSpec } from './beamng/sim-rig-options.js';
import { SimRig } from './beamng/sim-rig.js';
import type { RuntimeConfig } from './config.js';

/** The jbeam model name a simulated rig reports for each ontology model. */
const SIM_MODEL_NAMES: Record<string, string> = { tcross: 'vw_tcross', golf: 'golf8' };

export interface Rigs {
  links: LinkBinding[];
  /** Timing for `createRigConnection` (BEAMNG_*_TIMEOUT_MS, vehicle retries, mod retry). */
  connection: RigConnectionOptions;
  /** Plays a recorded crash on the station's simulated rig; false when it has none. */
  playCrash(station_id: string, sample?: string): boolean;
  close(): Promise<void>;
}

/** The link settings from the environment. */
export function linkConfigOf(config: RuntimeConfig): LinkConfig {
  return {
    poll_ms: config.BEAMNG_POLL_MS,
    crash_threshold: config.CRASH_THRESHOLD,
    crash_window_ms: config.CRASH_WINDOW_MS,
    backoff_initial_ms: config.BEAMNG_BACKOFF_MS,
    backoff_max_ms: config.BEAMNG_BACKOFF_MAX_MS,
    auto_repair_after_ms:
      config.AUTO_REPAIR_STILL_S === undefined ? null : config.AUTO_REPAIR_STILL_S * 1000,
    still_speed_ms: 0.5,
    poll_repair_button: true,
  };
}

/** The rig connection's timing from the environment: pass to `createRigConnection`. */
export function rigConnectionOptionsOf(config: RuntimeConfig): RigConnectionOptions {
  return {
    connectTimeoutMs: config.BEAMNG_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: config.BEAMNG_REQUEST_TIMEOUT_MS,
    sensorTimeoutMs: config.BEAMNG_SENSOR_TIMEOUT_MS,
    vehicleConnectAttempts: config.BEAMNG_VEHICLE_CONNECT_ATTEMPTS,
    vehicleRetryMs: config.BEAMNG_VEHICLE_RETRY_MS,
    modRetryAfterMs: config.BEAMNG_MOD_RETRY_MS,
  };
}

/** Real addresses per station: BEAMNG_ADDRS lists them in station order (empty = simulated); BEAMNG_ADDR binds the first. */
export function rigAddresses(config: RuntimeConfig, stationCount: number): (string | null)[] {
  const listed = (config.BEAMNG_ADDRS ?? '').split(',').map((a) => a.trim() || null);
  const addresses = Array.from({ length: stationCount }, (_, i) => listed[i] ?? null);
  if (config.BEAMNG_ADDR) addresses[0] = config.BEAMNG_ADDR;
  return addresses;
}

/** Starts a simulated rig for every station without a real simulator, and describes every link. */
export async function startRigs(
  config: RuntimeConfig,
  stations: { id: string; vehicle_model: string }[],
): Promise<Rigs> {
  const linkConfig = linkConfigOf(config);
  const addresses = rigAddresses(config, stations.length);
  const recordings = [...loadBundledRecordings().entries()];
  const sims = new Map<string, { rig: SimRig; recordings: [string, Recording][] }>();
  const links: LinkBinding[] = [];
  try {
    for (const [i, station] of stations.entries()) {
      const real = addresses[i];
      if (real) {
        links.push({
          input: {
            station_id: station.id,
            address: parseBeamNGAddress(real),
            simulated: false,
            protocol_version: config.BEAMNG_PROTOCOL,
            config: linkConfig,
          },
        });
        continue;
      }
      if (!config.SIMULATED_RIGS) continue;
      const model = SIM_MODEL_NAMES[station.vehicle_model] ?? station.vehicle_model;
      const rig = await SimRig.start({
        host: '127.0.0.1',
        port: 0,
        protocolVersion: config.BEAMNG_PROTOCOL,
        vehicles: [{ vid: 'thePlayer', id: 10000, model }],
        ...parseSimRigSpec(config.SIM_RIG_OPTIONS),
      });
      const own = recordings.filter(([, r]) => r.vehicle.model === model);
      sims.set(station.id, { rig, recordings: own.length > 0 ? own : recordings });
      links.push({
        input: {
          station_id: station.id,
          address: { host: '127.0.0.1', port: rig.port },
          simulated: true,
          protocol_version: config.BEAMNG_PROTOCOL,
          config: linkConfig,
        },
      });
    }
  } catch (err) {
    await Promise.all([...sims.values()].map((s) => s.rig.close()));
    throw err;
  }
  let turn = 0;
  return {
    links,
    connection: rigConnectionOptionsOf(config),
    playCrash(station_id, sample) {
      const sim = sims.get(station_id);
      if (!sim) return false;
      const chosen = sample
        ? sim.recordings.find(([name]) => name === sample)
        : sim.recordings[turn++ % sim.recordings.length];
      if (!chosen) return false;
      void sim.rig.play(chosen[1], { speed: config.SIM_RIG_SPEED });
      return true;
    },
    async close() {
      await Promise.all([...sims.values()].map((s) => s.rig.close()));
    },
  };
}
