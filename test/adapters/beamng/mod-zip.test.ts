/**
 * The in-game mod's zip: built with our store-only writer, then read back by `unzip` when the
 * machine has it, and always by parsing the central directory here (CRCs and sizes checked
 * against the files in the repo). The mod's Lua is compiled by `luajit` (BeamNG's Lua) when the
 * machine has it, and its GE extension run there on stand-ins for the few game functions it uses.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
    const text = (suffix: string) =>
      data(entries.find((e) => e.name.endsWith(suffix))!).toString('utf8');
    const lua = text('repairButton.lua');
    expect(lua).toContain('VWRepairPressed');
    expect(lua).toContain('request:sendResponse');
    expect(lua).toContain('presses = presses');
    // HTTP mode reads what BeamNG.tech's Damage sensor reads, in the vehicle VM
    expect(lua).toContain('beamstate.getPartDamageData()');
    expect(lua).toContain('beamstate.damage');
    expect(lua).toContain('veh:queueLuaCommand(vehicleDamageChunk)');
    // modScript.lua only marks the extension 'manual' (the game then loads it); no stray load()
    const modScript = text('modScript.lua');
    expect(modScript).not.toMatch(/^\s*load\(/m);
    expect(modScript).toContain("setExtensionUnloadMode('vwCrashToRepair_repairButton', 'manual')");
    // the default key: End (R is BeamNG's own reset_physics)
    expect(JSON.parse(text('keyboard_vwCrashToRepair.json'))).toMatchObject({
      devicetype: 'keyboard',
      bindings: [{ action: 'vwCrashToRepair_repairMyCar', control: 'end' }],
    });
    expect(Object.keys(JSON.parse(text('actions/vwCrashToRepair.json')))).toEqual([
      'vwCrashToRepair_repairMyCar',
    ]);
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

// Stand-ins for the game functions the GE extension and its vehicle chunk use; prints what the
// extension answers and what it posts.
const HARNESS = String.raw`
local modRoot, httpUrl, broken = arg[1], arg[2] ~= '' and arg[2] or nil, arg[3] == 'broken'

local function jsonEncode(v)
  local t = type(v)
  if t == 'table' then
    if next(v) == nil then return '{}' end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = string.format('%q', tostring(k)) .. ':' .. jsonEncode(v[k]) end
    return '{' .. table.concat(parts, ',') .. '}'
  elseif t == 'string' then return string.format('%q', v)
  elseif t == 'nil' then return 'null'
  else return tostring(v) end
end

local function serialize(v)
  local t = type(v)
  if t == 'table' then
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = '[' .. serialize(k) .. ']=' .. serialize(x) end
    return '{' .. table.concat(parts, ',') .. '}'
  elseif t == 'string' then return string.format('%q', v)
  else return tostring(v) end
end

local posted = {}
package.preload['socket.http'] = function()
  return { request = function(req)
    posted[#posted + 1] = { url = req.url, station = req.headers['X-Station-Id'], body = req.source() }
    return 1, 201
  end }
end
package.preload['ltn12'] = function()
  return {
    source = { string = function(s) return function() return s end end },
    sink = { null = function() return function() return 1 end end },
  }
end

local ge = setmetatable({
  log = function() end,
  ui_message = function() end,
  jsonEncode = jsonEncode,
  jsonReadFile = function() return nil end,
  setExtensionUnloadMode = function() end,
  settings = { getValue = function(key)
    if key == 'vwCrashToRepair.httpUrl' then return httpUrl end
    if key == 'vwCrashToRepair.stationId' then return '2' end
  end },
  extensions = {},
}, { __index = _G })
local vehicleVM = setmetatable({
  serialize = serialize,
  beamstate = (not broken) and {
    damage = 5300.5,
    getPartDamageData = function() return { tcross_bumper_F = { name = 'Front Bumper', damage = 1 } } end,
  } or nil,
  obj = { queueGameEngineLua = function(_, chunk) assert(load(chunk, 'ge', 't', ge))() end },
}, { __index = _G })
local veh = {
  queueLuaCommand = function(_, chunk) assert(load(chunk, 'vlua', 't', vehicleVM))() end,
  getJBeamFilename = function() return 'vw_tcross' end,
  getID = function() return 10000 end,
}
ge.getPlayerVehicle = function() return veh end

local M = assert(loadfile(modRoot .. '/lua/ge/extensions/vwCrashToRepair/repairButton.lua', 't', ge))()
ge.extensions.vwCrashToRepair_repairButton = M
M.onExtensionLoaded()

local function request(kind)
  local r = { type = kind, sent = {} }
  function r:sendResponse(m) self.sent[#self.sent + 1] = m end
  function r:sendBNGError(m) self.sent[#self.sent + 1] = { bngError = m } end
  return r
end
local function poll()
  local r = request('VWRepairPressed')
  M.onSocketMessage(r)
  print('answer ' .. jsonEncode(r.sent))
end

poll()
M.pressRepair()
M.pressRepair()
poll()
poll()
M.pressRepair()
poll()
local other = request('SomethingElse')
M.onSocketMessage(other)
print('other ' .. #other.sent)
for _, p in ipairs(posted) do print('posted ' .. p.url .. ' ' .. tostring(p.station) .. ' ' .. p.body) end
`;

describe('the mod Lua', () => {
  const luaFiles = [
    'lua/ge/extensions/vwCrashToRepair/repairButton.lua',
    'scripts/vw_crash_to_repair/modScript.lua',
  ];

  async function luajit(): Promise<boolean> {
    return run('luajit', ['-v']).then(
      () => true,
      () => false,
    );
  }

  it('compiles with luajit when the machine has it', async () => {
    if (!(await luajit())) return;
    for (const file of luaFiles) await run('luajit', ['-bl', join(MOD_DIR, file), '/dev/null']);
    const lua = await readFile(join(MOD_DIR, luaFiles[0]!), 'utf8');
    const chunk = /local vehicleDamageChunk = \[\[\n([\s\S]*?)\]\]/.exec(lua)?.[1];
    expect(chunk).toBeDefined();
    const dir = await tempDir();
    await writeFile(join(dir, 'chunk.lua'), chunk!);
    await run('luajit', ['-bl', join(dir, 'chunk.lua'), '/dev/null']);
  });

  it('answers a running press count it never clears, and posts the damage in HTTP mode', async () => {
    if (!(await luajit())) return;
    const dir = await tempDir();
    await writeFile(join(dir, 'harness.lua'), HARNESS);
    const runHarness = async (url: string, mode = '') =>
      (await run('luajit', [join(dir, 'harness.lua'), MOD_DIR, url, mode])).stdout
        .trim()
        .split('\n');

    const socketOnly = await runHarness('');
    expect(socketOnly).toEqual([
      'answer {"1":{"pressed":false,"presses":0,"type":"VWRepairPressed"}}',
      'answer {"1":{"pressed":true,"presses":2,"type":"VWRepairPressed"}}',
      'answer {"1":{"pressed":false,"presses":2,"type":"VWRepairPressed"}}',
      'answer {"1":{"pressed":true,"presses":3,"type":"VWRepairPressed"}}',
      'other 0', // another request type is left alone, for the game's "not handled" reply
    ]);

    const http = await runHarness('http://10.0.0.5:8080/');
    const posts = http.filter((line) => line.startsWith('posted '));
    expect(posts).toHaveLength(3);
    const [, url, station, body] = /^posted (\S+) (\S+) (.*)$/.exec(posts[0]!)!;
    expect(url).toBe('http://10.0.0.5:8080/api/v1/beamng/crash-event');
    expect(station).toBe('2');
    expect(JSON.parse(body!)).toMatchObject({
      event_type: 'manual_report',
      vehicle: { id: 10000, model: 'vw_tcross' },
      damage: {
        total_damage: 5300.5,
        part_damage: { tcross_bumper_F: { name: 'Front Bumper', damage: 1 } },
      },
    });

    // a vehicle VM that cannot read its damage: nothing is posted, and the socket answers go on
    const broken = await runHarness('http://10.0.0.5:8080', 'broken');
    expect(broken.filter((line) => line.startsWith('posted '))).toEqual([]);
    expect(broken.filter((line) => line.startsWith('answer '))).toHaveLength(4);
  });
});
