/**
 * Assembles the running system: data files (validated; a broken one stops start-up naming the
 * file and field), the store and inventory adapters, the domain services and the floor.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from './invoicing/outbox.js';
import { z } from 'zod';
import { loadCatalog } from '../actors/catalog/load.js';
import { readDataFile } from '../actors/catalog/read-data-file.js';
import { DEFAULT_DATA_DIR, loadPartMapping } from '../actors/damage/mapping.js';
import { CitiesFile, dealerProblems } from '../actors/dealers/identifiers.js';
import { loadMapRegions, type MapRegion } from '../actors/dealers/map-region.js';
import { PartsNetworkFile } from '../actors/dealers/parts-plan.js';
import { CepPrefixesFile, resolvePlace } from '../actors/dealers/places.js';
import { loadTelemetrySamples } from '../actors/damage/samples.js';
import { Floor, type FloorOptions, type StationConfig } from '../actors/floor.js';
import { Replays } from '../actors/replay/registry.js';
import { linkMachine } from '../machines/link.js';
import { createRigConnection } from './beamng/rig-connection.js';
import { rigConnectionOptionsOf, type Rigs } from './rigs.js';
import { createServices, type Services } from '../actors/services.js';
import { Dealer } from '../machines/schemas.js';
import type { RuntimeConfig } from './config.js';
import { startStatelyInspector } from './stately-inspect.js';
import { SeededInventory } from './inventory/seeded-inventory.js';
import { MemoryStore } from './store/memory-store.js';
import { IN_MEMORY, SqliteStore } from './store/sqlite-store.js';
import { loadReplayScripts } from './replay-scripts.js';
import type { RecordStore } from '../actors/ports.js';

const DealersFile = z.object({ $comment: z.string().optional(), dealers: z.array(Dealer).min(1) });

/** The outbox folder under STATE_DIR. */
export const OUTBOX_DIR = 'outbox';

/** The database file under STATE_DIR. */
export const DATABASE_FILE = 'crash-to-repair.sqlite';

/** The SQLite store under STATE_DIR (created if missing), pruned of old analysis-only reports. */
function openStore(config: RuntimeConfig, now: () => Date): SqliteStore {
  const path = config.STATE_DIR === IN_MEMORY ? IN_MEMORY : join(config.STATE_DIR, DATABASE_FILE);
  const store = new SqliteStore({ path, now });
  store.pruneAnalysisOnly(new Date(now().getTime() - config.RETAIN_DAYS * 86_400_000));
  return store;
}

export interface Runtime {
  floor: Floor;
  samples: ReturnType<typeof loadTelemetrySamples>;
  venue: { lat: number; lon: number };
  /** The offline maps of the regions (data/map/). */
  maps: MapRegion[];
  /** Where "send by e-mail" writes its .eml files: STATE_DIR/outbox (a temporary folder when
   *  the state is in memory). */
  outbox: Outbox;
  store: RecordStore;
  /** The replays: the shipped scripts (data/replays/), the running ones, the export. */
  replays: Replays;
  /** Stops the replays and the floor, and closes the store. */
  close(): void;
}

/** The stations the settings ask for: ids "1".."N", models taken in turn from STATION_MODELS. */
export function stationsOf(config: RuntimeConfig): StationConfig[] {
  const models = config.STATION_MODELS.split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const venue = { lat: config.EVENT_LAT, lon: config.EVENT_LON };
  return Array.from({ length: config.STATIONS }, (_, i) => ({
    id: String(i + 1),
    name: `Estação ${i + 1}`,
    vehicle_model: models[i % models.length] ?? 'tcross',
    market: config.MARKET,
    location: venue,
  }));
}

export interface RuntimeOptions extends Pick<FloorOptions, 'clock' | 'now' | 'observe'> {
  /** Simulator links (see adapters/rigs.ts); without them stations take telemetry by API only. */
  rigs?: Pick<Rigs, 'links' | 'playCrash'>;
  /** Run the recorded crashes through analysis and estimating before the first driver (`npm start`). */
  warmUp?: boolean;
}

/** Rounds of the recorded crashes run through analysis and estimating at start-up. */
const WARM_UP_ROUNDS = 10;

/**
 * Runs the recorded crashes through analysis and estimating a few times on scratch services,
 * so the first drivers after start-up do not wait for the JIT (the first burst of crashes on a
 * cold server was 1.5–2× slower than a warm one). Nothing is stored in the real store.
 */
function warmUp(
  scratch: Services,
  samples: ReturnType<typeof loadTelemetrySamples>,
  markets: string[],
): void {
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    for (const sample of samples) {
      const report = scratch.analyze({
        request_id: `warm-up-${round}-${sample.id}`,
        session_id: null,
        telemetry: sample.telemetry,
        station_model: sample.vehicle_model,
      });
      for (const market of markets) scratch.estimate(report, market);
    }
  }
}

export function createRuntime(config: RuntimeConfig, options: RuntimeOptions = {}): Runtime {
  const dataDir = config.DATA_DIR ?? DEFAULT_DATA_DIR;
  const catalog = loadCatalog(dataDir);
  const mapping = loadPartMapping(dataDir);
  const samples = loadTelemetrySamples(dataDir);
  const scripts = loadReplayScripts(dataDir, samples);
  const { dealers } = readDataFile(join(dataDir, 'dealers.json'), DealersFile);
  // Identifiers checked by their real rules: a mistyped one stops start-up, naming it.
  const { cities } = readDataFile(join(dataDir, 'cities.json'), CitiesFile);
  const [problem] = dealerProblems(dealers, cities);
  if (problem) {
    throw new Error(
      `${join(dataDir, 'dealers.json')}: dealer ${problem.dealer_id}, field ${problem.field}: ${problem.problem}`,
    );
  }
  const { prefixes } = readDataFile(join(dataDir, 'cep-prefixes.json'), CepPrefixesFile);
  const network = readDataFile(join(dataDir, 'parts-network.json'), PartsNetworkFile);
  for (const dealer of dealers) {
    if (!catalog.markets.has(`BR-${dealer.state}`)) {
      throw new Error(
        `${join(dataDir, 'dealers.json')}: dealer ${dealer.dealer_id}, field state: no market BR-${dealer.state} in markets/ for its taxes`,
      );
    }
  }
  const maps = loadMapRegions(dataDir);
  if (!catalog.markets.has(config.MARKET)) {
    throw new Error(
      `environment variable MARKET: unknown market "${config.MARKET}" (known: ${[...catalog.markets.keys()].join(', ')})`,
    );
  }
  for (const m of config.STATION_MODELS.split(',')
    .map((x) => x.trim())
    .filter(Boolean)) {
    if (!catalog.vehicles.has(m)) {
      throw new Error(
        `environment variable STATION_MODELS: unknown model "${m}" (known: ${[...catalog.vehicles.keys()].join(', ')})`,
      );
    }
  }
  const now = options.now ?? (() => new Date());
  const store = openStore(config, now);
  const inventory = new SeededInventory({ seed: config.INVENTORY_SEED });
  const servicesOver = (store: RecordStore) =>
    createServices({
      catalog,
      mapping,
      dealers,
      store,
      inventory,
      network,
      resolvePlace: (q) => resolvePlace(q, cities, prefixes),
      now,
    });
  const services = servicesOver(store);
  if (options.warmUp) {
    warmUp(servicesOver(new MemoryStore()), samples, [...catalog.markets.keys()]);
  }
  const venue = { lat: config.EVENT_LAT, lon: config.EVENT_LON };
  const stations = stationsOf(config);
  const stately = config.INSPECT_URL ? startStatelyInspector(config.INSPECT_URL) : null;
  const floor = new Floor(
    {
      stations,
      timeouts: {
        idle_ms: config.IDLE_TIMEOUT_S * 1000,
        confirmation_ms: config.CONFIRMATION_TIMEOUT_S * 1000,
      },
    },
    {
      services,
      now,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.observe ? { observe: options.observe } : {}),
      persistence: store,
      ...(stately ? { inspect: stately.inspect } : {}),
      ...(options.rigs
        ? {
            links: options.rigs.links,
            playCrash: options.rigs.playCrash,
            linkLogic: linkMachine.provide({
              actors: {
                rigConnection: createRigConnection({ mapping, ...rigConnectionOptionsOf(config) }),
              },
            }),
          }
        : {}),
      crashSamples: (model) =>
        samples
          .filter((s) => s.vehicle_model === model)
          .map((s) => ({ id: s.id, telemetry: s.telemetry })),
    },
  );
  const replays = new Replays({
    floor,
    scripts,
    samples,
    records: store,
    now,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  return {
    floor,
    samples,
    venue,
    maps,
    outbox: new Outbox(
      config.STATE_DIR === IN_MEMORY
        ? join(tmpdir(), `crash-to-repair-outbox-${process.pid}`)
        : join(config.STATE_DIR, OUTBOX_DIR),
    ),
    store,
    replays,
    close() {
      replays.stopAll();
      floor.stop();
      store.close();
    },
  };
}
