/** Starts the HTTP + WebSocket server on top of a runtime; `close()` stops both and the floor. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import { readConfig, type RuntimeConfig } from '../config.js';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { watchDropFolder, type DropFolderWatcher } from '../dropfolder/drop-folder.js';
import { startRigs } from '../rigs.js';
import { createRuntime, stationsOf, type Runtime, type RuntimeOptions } from '../runtime.js';
import { floorLogger } from '../floor-log.js';
import { createLogger, type Logger } from '../log.js';
import { createApp } from './app.js';
import { sessionStatechartLayout } from './statechart-layout.js';
import { staffAccess, type StaffAccess } from './staff-auth.js';

export interface ServerOptions extends Omit<RuntimeOptions, 'rigs' | 'observe'> {
  /** Where the server logs; by default JSON lines on stdout (readable on a terminal) at LOG_LEVEL. */
  logger?: Logger;
}

export interface RunningServer {
  url: string;
  /** The staff token (made at start when STAFF_TOKEN is unset: then `generated`). */
  staff: StaffAccess;
  port: number;
  runtime: Runtime;
  logger: Logger;
  close(): Promise<void>;
}

/** Starts everything; settings default to the environment's, overridden by `overrides`. */
export async function startServer(
  overrides: Partial<RuntimeConfig> = {},
  options: ServerOptions = {},
): Promise<RunningServer> {
  const config = { ...readConfig(), ...overrides };
  const { logger: given, ...runtimeOptions } = options;
  const logger =
    given ?? createLogger({ level: config.LOG_LEVEL, pretty: Boolean(process.stdout.isTTY) });
  const rigs = await startRigs(config, stationsOf(config));
  let runtime: Runtime;
  try {
    runtime = createRuntime(config, { ...runtimeOptions, rigs, observe: floorLogger(logger) });
  } catch (err) {
    await rigs.close();
    throw err;
  }
  const staff = staffAccess(config.STAFF_TOKEN);
  const app = createApp({
    floor: runtime.floor,
    venue: runtime.venue,
    maps: runtime.maps,
    outbox: runtime.outbox,
    ...(config.PUBLIC_BASE_URL ? { public_base_url: config.PUBLIC_BASE_URL } : {}),
    samples: runtime.samples.map(({ id, vehicle_model, title_pt, title_en }) => ({
      id,
      vehicle_model,
      title_pt,
      title_en,
    })),
    logger,
    heartbeat_ms: config.WS_HEARTBEAT_MS,
    staff,
    replays: runtime.replays,
    stuck_after_ms: config.STUCK_AFTER_S * 1000,
  });
  // The inspector's statechart layout (about a second of ELK) before the first staff asks.
  void sessionStatechartLayout();
  const dropFolders: DropFolderWatcher[] = [];
  if (config.DROP_DIR) {
    for (const station_id of runtime.floor.stations) {
      const dir = join(config.DROP_DIR, station_id);
      mkdirSync(dir, { recursive: true });
      dropFolders.push(
        watchDropFolder({
          dir,
          station_id,
          floor: runtime.floor,
          pollMs: config.DROP_POLL_MS,
          log: (e) => logger.info({ ...e, drop_dir: dir }, 'drop folder'),
        }),
      );
    }
  }
  const wss = new WebSocketServer({ noServer: true });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      { fetch: app.fetch, port: config.PORT, hostname: config.HOST, websocket: { server: wss } },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return {
    url: `http://${host}:${port}`,
    port,
    staff,
    runtime,
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        for (const watcher of dropFolders) void watcher.stop();
        for (const client of wss.clients) client.terminate();
        wss.close();
        runtime.close();
        server.close(() => void rigs.close().then(resolve));
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
