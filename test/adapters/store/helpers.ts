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
import { STAFF_ACCESS } from '../http/helpers.js';
import type { RuntimeConfig } from '../../../adapters/config.js';
import { createRuntime, type Runtime, type RuntimeOptions } from '../../../adapters/runtime.js';

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

/** A runtime (one station unless told) with its app on `STATE_DIR`; `stop()` closes it as a
 *  shutdown would. */
export function boot(
  STATE_DIR: string,
  settings: Record<string, string> = {},
  options: RuntimeOptions = {},
) {
  const config: RuntimeConfig = readConfig({ STATIONS: '1', ...settings, STATE_DIR });
  const runtime = createRuntime(config, options);
  live.push(runtime);
  const app = createApp({
    floor: runtime.floor,
    venue: runtime.venue,
    maps: runtime.maps,
    outbox: runtime.outbox,
    ...(config.PUBLIC_BASE_URL ? { public_base_url: config.PUBLIC_BASE_URL } : {}),
    samples: [],
    staff: STAFF_ACCESS,
  });
  const stop = () => {
    runtime.close();
    live.splice(live.indexOf(runtime), 1);
  };
  return { runtime, app, stop };
}

/** Where `drive` takes a station. */
export type Goal = 'Estimated' | 'choosingSlot' | 'Booked';

/**
 * Drives a station's session as an attendee would at the kiosk: a crash with a recorded sample
 * (request id `crash-<station>`), then on to the goal; the booking takes the first slot offered
 * (request id `book-<station>`). Resolves with the station's view once there.
 */
export async function drive(runtime: Runtime, station: string, goal: Goal) {
  const { floor } = runtime;
  const model = floor.view(station)!.vehicle_model;
  const telemetry = runtime.samples.find((s) => s.vehicle_model === model)!.telemetry;
  const kiosk = { source: 'kiosk' as const };
  floor.submit(
    station,
    { type: 'CRASH_REPORTED', payload: { telemetry } },
    { ...kiosk, request_id: `crash-${station}` },
  );
  const estimated = await floor.waitFor(station, (v) => v.step === 'Estimated.reviewingDamage');
  if (goal === 'Estimated') return estimated;
  floor.submit(station, { type: 'CONTINUE', payload: {} }, kiosk);
  floor.submit(station, { type: 'CONTINUE', payload: {} }, kiosk);
  const ready = await floor.waitFor(station, (v) => v.step === 'Estimated.choosingDealer.ready');
  floor.submit(
    station,
    { type: 'DEALER_CHOSEN', payload: { dealer_id: ready.dealers[0]!.dealer_id } },
    kiosk,
  );
  const choosing = await floor.waitFor(station, (v) => v.step === 'DealerChosen.choosingSlot');
  if (goal === 'choosingSlot') return choosing;
  floor.submit(
    station,
    { type: 'SLOT_CHOSEN', payload: { slot_start: choosing.slots[0]!.start } },
    { ...kiosk, request_id: `book-${station}` },
  );
  return floor.waitFor(station, (v) => v.step === 'Booked.confirmationShown');
}
