/**
 * The sim rig's options: how game-like it is (a frame loop, accept delays, blocking requests, the
 * game's own error replies) and how its in-game mod behaves. The texts the real game sends are
 * here too, word for word, so clients can be tested against them.
 *
 * The game-like settings can also be given as one string, `fps=20,unnamedVehicles,legacyMod`
 * (`parseSimRigSpec`), for an environment setting of the server's simulated rigs; the standalone
 * rig takes them as flags (`simRigCliOptions`).
 */
import type { RigClock } from './sim-rig-clock.js';
import type { SimVehicleSpec, SimWireQuirks } from './sim-vehicle.js';

// ---------------------------------------------------------------------------------------------
// What the real game answers, word for word (BeamNG.tech's tech Lua as shipped with game 0.33:
// lua/common/tech/techCommunication.lua, lua/ge/extensions/tech/techCore.lua). Every one of
// these goes out as `{bngError: <text>, _id}`, with no `type`.

export const SIM_GAME_TEXT = {
  /**
   * For a request no handler and no extension's `onSocketMessage` took: an unknown type, or our
   * mod's `VWRepairPressed` on a rig without the mod. Game and vehicle sockets alike.
   */
  notHandled: `The request was not handled by BeamNG.tech. This can mean:
- an incompatible version of BeamNG.tech/BeamNGpy
- an internal error in BeamNG.tech
- incorrectly implemented custom command`,
  /** The start of `notHandled`: what a client should match on. */
  notHandledPrefix: 'The request was not handled by BeamNG.tech',
  /**
   * For a second blocking request taken in the same frame as the first. The game names the *new*
   * request's reason here (`blockingReasons`), not the one it is blocked on.
   */
  alreadyBlocked: (reason: string): string =>
    `Cannot fullfill this request. It needs blocking, but BeamNG.tech is already blocked ('${reason}').`,
  /** GetPlayerVehicleID when there is no player vehicle. */
  noPlayerVehicle: 'There is no vehicle',
  /** A request map without `type`. */
  noType: 'Got message without message type.',
  /**
   * StartVehicleConnection for a vid the scene has no object for (also `''`, what an unnamed
   * vehicle is listed as): the handler indexes the nil object and its Lua error is the reply. The
   * line number is game 0.33.3's and moves between builds.
   */
  startVehicleNotFound:
    "lua/ge/extensions/tech/techCore.lua:859: attempt to index local 'veh' (a nil value)",
  /** The reasons the game blocks on, as it names them. */
  blockingReasons: {
    GetCurrentVehicles: 'vehicleInfo',
    StartVehicleConnection: 'vehicleConnection',
  },
} as const;

// ---------------------------------------------------------------------------------------------
// The in-game mod (adapters/beamng/mod/)

export const SIM_MOD = {
  /** The custom request the mod's GE extension answers. */
  request: 'VWRepairPressed',
  /** What the mod puts before its own Lua errors: `{bngError: "vwCrashToRepair: <Lua error>"}`. */
  errorPrefix: 'vwCrashToRepair: ',
  /** The `modFault` text used when it is given as `true`. */
  defaultFault:
    'vwCrashToRepair: lua/ge/extensions/vwCrashToRepair/repairButton.lua:1: simulated fault',
  /** With `fps` 0, `repairAnswerDelayFrames` counts frames of this many ms (20 fps) on the rig clock. */
  nominalFrameMs: 50,
} as const;

// ---------------------------------------------------------------------------------------------
// Options

export interface SimRigOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Game port; 0 (default) picks a free one. */
  port?: number;
  /** Version answered to Hello. Default `DEFAULT_PROTOCOL_VERSION`. */
  protocolVersion?: string;
  /** Default: one T-Cross, `thePlayer`, id 10000. */
  vehicles?: SimVehicleSpec[];
  /** Which vehicle GetPlayerVehicleID names; null = none (it answers bngError). Default: the first. */
  playerVid?: string | null;
  /** Timers of playback, frames and delays. Default the wall clock; with `fps` use it or a ManualClock. */
  clock?: RigClock;
  wire?: SimWireQuirks;
  maxFrameBytes?: number;

  // --- the frame loop (all of it off when `fps` is 0 or absent: every request answered at once)

  /**
   * Rendered frames per second. 0 or absent (default): no frame loop, every request is answered as
   * soon as it arrives and sockets are accepted at once (the rig as it always was). Set (e.g. 20):
   * the game accepts, handles and answers only on frames, as below.
   */
  fps?: number;
  /** The game socket accepts new clients once this often (ms), counted from the rig's start. Default 1000 when `fps` is set. */
  gameAcceptEveryMs?: number;
  /** A vehicle socket accepts new clients every this many frames, counted from when it opened. Default 60. */
  vehicleAcceptEveryFrames?: number;
  /** The same as a time: overrides `vehicleAcceptEveryFrames` with ceil(ms ÷ frame length) frames. */
  vehicleAcceptDelayMs?: number;
  /** Requests handled per socket per frame. Default 1; 0 = every queued one (game 0.33 drains its sockets each frame). */
  requestsPerFrame?: number;
  /**
   * Frames a blocking request (GetCurrentVehicles, StartVehicleConnection) takes to be answered;
   * until then the game socket accepts and handles nothing (vehicle sockets go on). Default 2.
   */
  blockingFrames?: number;

  // --- answers

  /** A request no handler takes: 'error' (default) answers the game's `SIM_GAME_TEXT.notHandled`; 'silence' answers nothing. */
  unknownRequest?: 'error' | 'silence';
  /**
   * Vehicles without a scene name (spawned unnamed): GetCurrentVehicles keys them by '' as the game
   * does (so several collide and only the last is listed), GetPlayerVehicleID answers `vid: ''`,
   * StartVehicleConnection finds them by id only and answers `vid: "<id>"`. Default false.
   */
  unnamedVehicles?: boolean;

  // --- the in-game mod

  /** Without the mod (false), VWRepairPressed is not handled (see `unknownRequest`). Default true. */
  modInstalled?: boolean;
  /** The mod fails: VWRepairPressed answers `{bngError: <this>}` (true: `SIM_MOD.defaultFault`). Default null. */
  modFault?: string | boolean | null;
  /** An older mod: answers only `{type, pressed}` and clears the press on read. Default false. */
  legacyMod?: boolean;
  /** The mod's answer leaves this many frames late (with `fps` 0: frames of `SIM_MOD.nominalFrameMs`). Default 0. */
  repairAnswerDelayFrames?: number;
}

/** The options a spec string or the CLI can set. */
export type SimRigTunables = Pick<
  SimRigOptions,
  | 'fps'
  | 'gameAcceptEveryMs'
  | 'vehicleAcceptEveryFrames'
  | 'vehicleAcceptDelayMs'
  | 'requestsPerFrame'
  | 'blockingFrames'
  | 'unknownRequest'
  | 'unnamedVehicles'
  | 'modInstalled'
  | 'modFault'
  | 'legacyMod'
  | 'repairAnswerDelayFrames'
>;

type TunableKey = keyof SimRigTunables;
type Kind = 'count' | 'boolean' | 'fault' | readonly string[];

const TUNABLES: Record<TunableKey, Kind> = {
  fps: 'count',
  gameAcceptEveryMs: 'count',
  vehicleAcceptEveryFrames: 'count',
  vehicleAcceptDelayMs: 'count',
  requestsPerFrame: 'count',
  blockingFrames: 'count',
  unknownRequest: ['error', 'silence'],
  unnamedVehicles: 'boolean',
  modInstalled: 'boolean',
  modFault: 'fault',
  legacyMod: 'boolean',
  repairAnswerDelayFrames: 'count',
};

/** The frame loop's settings with defaults applied. */
export interface ResolvedTiming {
  /** 0: no frame loop. */
  fps: number;
  frameMs: number;
  gameAcceptEveryMs: number;
  vehicleAcceptFrames: number;
  /** Infinity: no limit. */
  requestsPerFrame: number;
  blockingFrames: number;
}

function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`sim rig option ${name} must be a number ≥ 0, got ${value}`);
  return value;
}

export function resolveTiming(options: SimRigOptions): ResolvedTiming {
  const fps = count('fps', options.fps, 0);
  if (fps > 1000) throw new Error(`sim rig option fps must be at most 1000, got ${fps}`);
  const frameMs = fps > 0 ? 1000 / fps : 0;
  const delayMs = options.vehicleAcceptDelayMs;
  const vehicleAcceptFrames =
    delayMs !== undefined && fps > 0
      ? Math.ceil(count('vehicleAcceptDelayMs', delayMs, 0) / frameMs)
      : Math.round(count('vehicleAcceptEveryFrames', options.vehicleAcceptEveryFrames, 60));
  const perFrame = Math.round(count('requestsPerFrame', options.requestsPerFrame, 1));
  return {
    fps,
    frameMs,
    gameAcceptEveryMs: count('gameAcceptEveryMs', options.gameAcceptEveryMs, fps > 0 ? 1000 : 0),
    vehicleAcceptFrames,
    requestsPerFrame: perFrame === 0 ? Infinity : perFrame,
    blockingFrames: Math.round(count('blockingFrames', options.blockingFrames, 2)),
  };
}

/** The mod's fault text, or null when it works. */
export function modFaultMessage(fault: SimRigOptions['modFault']): string | null {
  if (fault === true) return SIM_MOD.defaultFault;
  if (typeof fault === 'string' && fault !== '') return fault;
  return null;
}

function parseValue(key: TunableKey, kind: Kind, raw: string | undefined): unknown {
  const word = raw?.trim().toLowerCase();
  if (kind === 'boolean') {
    if (word === undefined || word === 'true' || word === '1' || word === 'yes') return true;
    if (word === 'false' || word === '0' || word === 'no') return false;
    throw new Error(`sim rig option ${key} takes true or false, got "${raw}"`);
  }
  if (kind === 'fault') {
    if (word === undefined || word === 'true') return true;
    if (word === '' || word === 'false' || word === '0' || word === 'no') return null;
    return raw;
  }
  if (kind === 'count') {
    const n = word === undefined || word === '' ? NaN : Number(word);
    if (!Number.isFinite(n) || n < 0)
      throw new Error(`sim rig option ${key} takes a number ≥ 0, got "${raw ?? ''}"`);
    return n;
  }
  if (word === undefined || !kind.includes(word))
    throw new Error(`sim rig option ${key} takes one of ${kind.join(', ')}, got "${raw ?? ''}"`);
  return word;
}

/**
 * Reads `fps=20,vehicleAcceptDelayMs=3000,unnamedVehicles,modInstalled=false,modFault=<text>`
 * (comma-separated; a bare name means true; names as in `SimRigOptions`). Throws on an unknown
 * name or a bad value. An empty string gives `{}`.
 */
export function parseSimRigSpec(spec: string): SimRigTunables {
  const result: Record<string, unknown> = {};
  for (const item of spec.split(',')) {
    const trimmed = item.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    const name = (eq < 0 ? trimmed : trimmed.slice(0, eq)).trim();
    const raw = eq < 0 ? undefined : trimmed.slice(eq + 1).trim();
    if (!Object.hasOwn(TUNABLES, name))
      throw new Error(
        `unknown sim rig option "${name}" (known: ${Object.keys(TUNABLES).join(', ')})`,
      );
    const key = name as TunableKey;
    result[key] = parseValue(key, TUNABLES[key], raw);
  }
  return result as SimRigTunables;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The `node:util` parseArgs options of the standalone rig's tunables: `--fps 20`,
 * `--game-accept-every-ms 1000`, `--vehicle-accept-every-frames 60`, `--vehicle-accept-delay-ms 3000`,
 * `--requests-per-frame 1`, `--blocking-frames 2`, `--unknown-request error|silence`,
 * `--unnamed-vehicles`, `--no-mod`, `--mod-fault <text>`, `--legacy-mod`,
 * `--repair-answer-delay-frames 10`, and `--rig <spec>` (a `parseSimRigSpec` string).
 */
export function simRigCliOptions(): Record<string, { type: 'string' | 'boolean' }> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { rig: { type: 'string' } };
  for (const [key, kind] of Object.entries(TUNABLES) as [TunableKey, Kind][]) {
    if (key === 'modInstalled') options['no-mod'] = { type: 'boolean' };
    else options[kebab(key)] = { type: kind === 'boolean' ? 'boolean' : 'string' };
  }
  return options;
}

/** The tunables from parsed CLI values (see `simRigCliOptions`); `--rig` first, flags over it. */
export function simRigTunablesFromCli(
  values: Record<string, string | boolean | undefined>,
): SimRigTunables {
  const result: Record<string, unknown> = {
    ...(typeof values['rig'] === 'string' ? parseSimRigSpec(values['rig']) : {}),
  };
  for (const [key, kind] of Object.entries(TUNABLES) as [TunableKey, Kind][]) {
    if (key === 'modInstalled') {
      if (values['no-mod']) result[key] = false;
      continue;
    }
    const value = values[kebab(key)];
    if (value === undefined || value === false) continue;
    result[key] = parseValue(key, kind, value === true ? undefined : value);
  }
  return result as SimRigTunables;
}
