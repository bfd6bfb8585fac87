/**
 * The in-game mod's zip: built with our store-only writer, then read back by `unzip` when the
 * machine has it, and always by parsing the central directory here (CRCs and sizes checked
 * against the files in the repo).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildModZip,
  buildStoredZip,
  collectFiles,
  crc32,
  MOD_DIR,
} from '../../../adapters/beamng/mod/build-zip.js';

const run = promisify(execFile);
const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mod-zip-'));
  temps.push(dir);
  return dir;
}

interface CentralEntry {
  name: string;
  crc: number;
  size: number;
  method: number;
  offset: number;
}

/** Reads the end record and central directory, and checks each local header against it. */
function readZip(zip: Buffer): { entries: CentralEntry[]; data: (e: CentralEntry) => Buffer } {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    entries.push({
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      size: zip.readUInt32LE(at + 24),
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      offset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extra + comment;
  }
  const data = (e: CentralEntry) => {
    expect(zip.readUInt32LE(e.offset)).toBe(0x04034b50);
    const start = e.offset + 30 + zip.readUInt16LE(e.offset + 26) + zip.readUInt16LE(e.offset + 28);
    return zip.subarray(start, start + e.size);
  };
  return { entries, data };
}

describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
    expect(crc32(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });
});

describe('build-zip', () => {
  it('packs the mod folder at the archive root with the files BeamNG needs', async () => {
    const path = await buildModZip(await tempDir());
    expect(path.endsWith('vw_crash_to_repair.zip')).toBe(true);
    const zip = await readFile(path);
    const { entries, data } = readZip(zip);
    const names = entries.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'lua/ge/extensions/vwCrashToRepair/repairButton.lua',
        'lua/ge/extensions/core/input/actions/vwCrashToRepair.json',
        'settings/inputmaps/keyboard_vwCrashToRepair.json',
        'scripts/vw_crash_to_repair/modScript.lua',
      ]),
    );
    const sources = await collectFiles(MOD_DIR);
    expect(names).toEqual(sources.map((s) => s.name));
    for (const entry of entries) {
      const source = sources.find((s) => s.name === entry.name)!;
      expect(entry.method).toBe(0);
      expect(data(entry).equals(Buffer.from(source.data)), entry.name).toBe(true);
      expect(entry.crc).toBe(crc32(source.data));
    }
    const lua = data(entries.find((e) => e.name.endsWith('repairButton.lua'))!).toString('utf8');
    expect(lua).toContain('VWRepairPressed');
    expect(lua).toContain('request:sendResponse');
    // The JSON files in the mod are valid JSON (BeamNG reads them leniently; we keep them strict).
    for (const entry of entries.filter((e) => e.name.endsWith('.json')))
      expect(() => JSON.parse(data(entry).toString('utf8'))).not.toThrow();
  });

  it('is reproducible: the same sources give the same bytes', async () => {
    const entries = await collectFiles(MOD_DIR);
    expect(buildStoredZip(entries).equals(buildStoredZip(entries))).toBe(true);
  });

  it('is read by unzip when the machine has it', async () => {
    const dir = await tempDir();
    const path = await buildModZip(join(dir, 'mod.zip'));
    const has = await run('unzip', ['-v']).then(
      () => true,
      () => false,
    );
    if (!has) return; // parsing the central directory above covers this machine
    const listed = (await run('unzip', ['-l', path])).stdout;
    expect(listed).toContain('lua/ge/extensions/vwCrashToRepair/repairButton.lua');
    const tested = (await run('unzip', ['-t', path])).stdout;
    expect(tested).toContain('No errors detected');
  });
});
