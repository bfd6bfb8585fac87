/**
 * Shared by the store tests: a one-station runtime and its app on a STATE_DIR, and temporary
 * state folders, all closed and removed after each test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { readConfig } from '../../../adapters/config.js';
import { createApp } from '../../../adapters/http/app.js';
import { createRuntime, type Runtime } from '../../../adapters/runtime.js';

const dirs: string[] = [];
const live: Runtime[] = [];
afterEach(() => {
  for (const runtime of live.splice(0)) runtime.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempStateDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** A one-station runtime with its app on `STATE_DIR`; `stop()` closes it as a shutdown would. */
export function boot(STATE_DIR: string) {
  const runtime = createRuntime(readConfig({ STATE_DIR, STATIONS: '1' }));
  live.push(runtime);
  const app = createApp({ floor: runtime.floor, venue: runtime.venue, samples: [] });
  const stop = () => {
    runtime.close();
    live.splice(live.indexOf(runtime), 1);
  };
  return { runtime, app, stop };
}
