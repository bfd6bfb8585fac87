/**
 * Packs the in-game mod folder `vw_crash_to_repair/` into `vw_crash_to_repair.zip`, the form
 * BeamNG loads from the user folder's `mods/`. Store-only ZIP (no compression: the mod is a few
 * kilobytes) with a hand-written CRC-32, so building the mod needs nothing beyond Node.
 * Entries are sorted and dated 2025-01-01 so the same sources give the same bytes.
 *
 *   tsx adapters/beamng/mod/build-zip.ts [out]   # out: a directory or a .zip path; default the cwd
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The mod folder shipped in the repo. */
export const MOD_DIR = join(dirname(fileURLToPath(import.meta.url)), 'vw_crash_to_repair');
export const ZIP_NAME = 'vw_crash_to_repair.zip';

export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  data: Uint8Array;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, the one ZIP uses) of `data`. */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// 2025-01-01 00:00:00 in MS-DOS format: fixed so builds are reproducible.
const DOS_TIME = 0;
const DOS_DATE = ((2025 - 1980) << 9) | (1 << 5) | 1;
const UTF8_NAMES = 0x0800;

/** A store-only ZIP archive of `entries`, in the order given. */
export function buildStoredZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = Buffer.from(entry.data);
    const crc = crc32(data);
    if (data.length > 0xfffffffe || offset > 0xfffffffe)
      throw new Error('archive too large for a ZIP without ZIP64');

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); // compressed size
    local.writeUInt32LE(data.length, 22); // uncompressed size
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28); // extra length
    locals.push(local, name, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by: 2.0, MS-DOS attributes
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra, comment, disk number, internal and external attributes: all zero
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8); // entries on this disk
  end.writeUInt16LE(entries.length, 10); // entries in total
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Every file under `dir`, named relative to it with `/`, sorted. */
export async function collectFiles(dir: string): Promise<ZipEntry[]> {
  const found: string[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const item of await readdir(at, { withFileTypes: true })) {
      const path = join(at, item.name);
      if (item.isDirectory()) await walk(path);
      else if (item.isFile()) found.push(path);
    }
  };
  await walk(dir);
  found.sort();
  return Promise.all(
    found.map(async (path) => ({
      name: relative(dir, path).split(sep).join('/'),
      data: await readFile(path),
    })),
  );
}

/**
 * Writes the mod zip (the folder's contents at the archive root, as BeamNG expects) to `out`:
 * a `.zip` path, or a directory to put `vw_crash_to_repair.zip` in; default the cwd.
 * Returns the path written.
 */
export async function buildModZip(
  out: string = process.cwd(),
  modDir: string = MOD_DIR,
): Promise<string> {
  const target = out.toLowerCase().endsWith('.zip') ? resolve(out) : resolve(out, ZIP_NAME);
  const isDir = await stat(target).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) throw new Error(`${target} is a directory`);
  await writeFile(target, buildStoredZip(await collectFiles(modDir)));
  return target;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  buildModZip(process.argv[2]).then(
    (path) => console.log(`wrote ${path}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
