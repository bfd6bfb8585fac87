/**
 * The drop folder on real temp directories: JSON and both CSV layouts reach the station as a
 * crash, broken files are rejected with their reason, a file dropped while the station is busy
 * waits, and scanning again does not report a file twice. Scans are driven with `scanNow()`
 * (pollMs is set high so the timer stays out of the way).
 */
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../../../adapters/config.js';
import {
  csvToTelemetry,
  watchDropFolder,
  type DropFolderEvent,
  type DropFolderWatcher,
} from '../../../adapters/dropfolder/drop-folder.js';
import { createRuntime, type Runtime } from '../../../adapters/runtime.js';
import { parseTelemetry } from '../../../actors/damage/telemetry.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'drop-folder-'));
  const runtime: Runtime = createRuntime(readConfig({ STATE_DIR: ':memory:', STATIONS: '2' }));
  const events: DropFolderEvent[] = [];
  const watcher: DropFolderWatcher = watchDropFolder({
    dir,
    station_id: '1',
    floor: runtime.floor,
    pollMs: 60_000,
    log: (e) => events.push(e),
  });
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  cleanup.push(() => runtime.floor.stop());
  cleanup.push(() => watcher.stop());
  /** Two scans: the first sees the file, the second finds it unchanged (complete). */
  const settle = async () => {
    await watcher.scanNow();
    await watcher.scanNow();
  };
  return { dir, floor: runtime.floor, watcher, events, settle };
}

const ls = async (dir: string) => (await readdir(dir)).sort();

const legacy = {
  event_type: 'manual_report',
  vehicle: { id: 7.0, name: 'VW T-Cross', model: 'tcross' },
  damage: {
    total_damage: 8200,
    part_damage: { tcross_bumper_F: 0.7, tcross_hood: { name: 'Hood', damage: 0.4 } },
  },
};

describe('watchDropFolder', () => {
  it('reports a complete JSON file to a waiting station and moves it to processed/', async () => {
    const t = await setup();
    await writeFile(join(t.dir, 'crash-1.json'), JSON.stringify(legacy));
    await t.watcher.scanNow();
    // Seen once: not yet known to be complete.
    expect(t.floor.view('1')!.state).toBe('Waiting');
    await t.watcher.scanNow();
    const view = await t.floor.waitFor('1', (v) => v.state === 'Estimated');
    expect(view.damage?.components.map((c) => c.component_name)).toEqual(
      expect.arrayContaining(['front_bumper', 'hood']),
    );
    expect(await ls(join(t.dir, 'processed'))).toEqual(['crash-1.json']);
    expect(await ls(t.dir)).toEqual(['processed', 'rejected']);
    expect(t.events.map((e) => e.type)).toEqual(['processed']);
  });

  it('reads the component_name,damage_level,damage_type CSV (semicolons, BOM, quotes, decimal commas)', async () => {
    const t = await setup();
    const csv =
      '\uFEFFcomponent_name;damage_level;damage_type\r\nfront_bumper;0,7;impact\r\n"hood";"0.4";\r\n\r\n"right_headlight";0.9;destroyed\r\n';
    await writeFile(join(t.dir, 'workshop.csv'), csv);
    await t.settle();
    const view = await t.floor.waitFor('1', (v) => v.state === 'Estimated');
    const byName = new Map(view.damage!.components.map((c) => [c.component_name, c]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['front_bumper', 'hood', 'right_headlight']),
    );
    expect(await ls(join(t.dir, 'processed'))).toEqual(['workshop.csv']);
  });

  it('reads the part,damage,name CSV as BeamNG part damage', async () => {
    const t = await setup();
    await writeFile(
      join(t.dir, 'export.csv'),
      'part,damage,name\ntcross_bumper_F,0.74,"Front Bumper, painted"\ntcross_fender_R,0.58,\n',
    );
    await t.settle();
    const view = await t.floor.waitFor('1', (v) => v.state === 'Estimated');
    expect(view.damage!.components.map((c) => c.component_name)).toEqual(
      expect.arrayContaining(['front_bumper']),
    );
  });

  it('rejects a broken file with the reason beside it, and the station does not move', async () => {
    const t = await setup();
    await writeFile(join(t.dir, 'half.json'), '{"event_type": "manual_rep');
    await writeFile(join(t.dir, 'wrong.csv'), 'colour,size\nred,3\n');
    await writeFile(join(t.dir, 'bad-level.csv'), 'component_name,damage_level\nhood,lots\n');
    await t.settle();
    expect(await ls(join(t.dir, 'rejected'))).toEqual([
      'bad-level.csv',
      'bad-level.csv.error.txt',
      'half.json',
      'half.json.error.txt',
      'wrong.csv',
      'wrong.csv.error.txt',
    ]);
    expect(await readFile(join(t.dir, 'rejected', 'half.json.error.txt'), 'utf8')).toContain(
      'not valid JSON',
    );
    expect(await readFile(join(t.dir, 'rejected', 'wrong.csv.error.txt'), 'utf8')).toContain(
      'unknown CSV header',
    );
    expect(await readFile(join(t.dir, 'rejected', 'bad-level.csv.error.txt'), 'utf8')).toContain(
      'line 2: damage_level "lots" is not a number',
    );
    expect(t.floor.view('1')!.step).toBe('Waiting.driving');
  });

  it('rejects valid JSON that is not telemetry, naming the field', async () => {
    const t = await setup();
    await writeFile(
      join(t.dir, 'odd.json'),
      JSON.stringify({ components: [{ component_name: 'hood', damage_level: 3 }] }),
    );
    await t.settle();
    const reason = await readFile(join(t.dir, 'rejected', 'odd.json.error.txt'), 'utf8');
    expect(reason).toContain('telemetry_invalid');
    expect(reason).toContain('components.0.damage_level');
    expect(t.floor.view('1')!.step).toBe('Waiting.driving');
  });

  it('a file dropped while the station is busy waits, then goes in once the station waits again', async () => {
    const t = await setup();
    await writeFile(join(t.dir, 'first.json'), JSON.stringify(legacy));
    await t.settle();
    const first = await t.floor.waitFor('1', (v) => v.state === 'Estimated');

    await writeFile(join(t.dir, 'second.csv'), 'component_name,damage_level\nroof,0.5\n');
    await t.settle();
    await t.watcher.scanNow();
    expect(await ls(t.dir)).toEqual(['processed', 'rejected', 'second.csv']);
    expect(t.floor.view('1')!.damage_id).toBe(first.damage_id);
    expect(t.events.filter((e) => e.type === 'waiting')).toHaveLength(1);

    t.floor.submit('1', { type: 'STAFF_RESET', payload: {} }, { source: 'staff' });
    await t.floor.waitFor('1', (v) => v.state === 'Waiting');
    await t.watcher.scanNow();
    const second = await t.floor.waitFor('1', (v) => v.state === 'Estimated');
    expect(second.session_id).not.toBe(first.session_id);
    expect(second.damage!.components.map((c) => c.component_name)).toContain('roof');
    expect(await ls(join(t.dir, 'processed'))).toEqual(['first.json', 'second.csv']);
  });

  it('a file still being written (size changing) is not taken until it stops changing', async () => {
    const t = await setup();
    const path = join(t.dir, 'slow.json');
    await writeFile(path, '{"event_type": "manual_report",');
    await t.watcher.scanNow();
    await writeFile(path, JSON.stringify(legacy));
    await t.watcher.scanNow();
    expect(await ls(t.dir)).toContain('slow.json');
    expect(t.floor.view('1')!.state).toBe('Waiting');
    await t.watcher.scanNow();
    await t.floor.waitFor('1', (v) => v.state === 'Estimated');
    expect(await ls(join(t.dir, 'processed'))).toEqual(['slow.json']);
  });

  it('is idempotent: the same file (name and mtime) dropped again in the same session is not reported twice', async () => {
    const t = await setup();
    const path = join(t.dir, 'crash.json');
    await writeFile(path, JSON.stringify(legacy));
    const mtime = new Date('2025-10-10T16:05:45Z');
    await utimes(path, mtime, mtime);
    await t.settle();
    const first = await t.floor.waitFor('1', (v) => v.state === 'Estimated');
    expect(first.damage_id).toMatch(/^dmg-drop-crash_json-/);

    // The same export copied in again (a re-run of the export tool, or a move that was interrupted).
    await writeFile(path, JSON.stringify(legacy));
    await utimes(path, mtime, mtime);
    await t.settle();
    await t.settle();
    expect(t.floor.view('1')!.damage_id).toBe(first.damage_id);
    expect(
      t.events
        .filter((e) => e.type === 'processed')
        .map((e) => (e as { request_id: string }).request_id),
    ).toEqual([first.damage_id!.replace(/^dmg-/, ''), first.damage_id!.replace(/^dmg-/, '')]);
    expect(await ls(join(t.dir, 'processed'))).toEqual(['crash-1.json', 'crash.json']);
  });

  it('picks files up on its own with the polling timer', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'drop-folder-'));
    const runtime = createRuntime(readConfig({ STATE_DIR: ':memory:', STATIONS: '1' }));
    const watcher = watchDropFolder({
      dir,
      station_id: '1',
      floor: runtime.floor,
      pollMs: 20,
      log: () => {},
    });
    cleanup.push(
      () => rm(dir, { recursive: true, force: true }),
      () => runtime.floor.stop(),
      () => watcher.stop(),
    );
    await writeFile(join(dir, 'auto.json'), JSON.stringify(legacy));
    await runtime.floor.waitFor('1', (v) => v.state === 'Estimated', 5000);
  });

  it('never throws out of the loop when the folder disappears', async () => {
    const t = await setup();
    await rm(t.dir, { recursive: true, force: true });
    await expect(t.watcher.scanNow()).resolves.toBeUndefined();
    expect(t.events.at(-1)).toMatchObject({ type: 'error', file: null });
  });
});

describe('csvToTelemetry', () => {
  it('gives telemetry the analysis accepts for both layouts', () => {
    expect(
      parseTelemetry(csvToTelemetry('component_name,damage_level,damage_type\nhood,0.4,scratch\n'))
        .shape,
    ).toBe('normalized');
    const parts = csvToTelemetry('Part;Damage;Name\n"wheel_FL_5";0,2;"Roda; dianteira"\n');
    expect(parts).toEqual({
      part_damage: { wheel_FL_5: { name: 'Roda; dianteira', damage: 0.2 } },
    });
    expect(parseTelemetry(parts).shape).toBe('beamng_sensor');
  });

  it('keeps "" escapes inside quoted fields and names the line of a bad value', () => {
    expect(csvToTelemetry('part,damage,name\nx_hood,0.1,"the ""big"" one"\n')).toEqual({
      part_damage: { x_hood: { name: 'the "big" one', damage: 0.1 } },
    });
    expect(() => csvToTelemetry('part,damage\n\nx_hood,\n')).toThrow(
      'line 3: damage "" is not a number',
    );
    expect(() => csvToTelemetry('')).toThrow('empty');
  });
});
