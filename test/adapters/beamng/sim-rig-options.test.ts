/**
 * The sim rig's options: defaults, the one-string form for an environment setting, and the
 * standalone rig's flags (run as a child process at 20 fps, talked to over raw framing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from '../../../adapters/beamng/framing.js';
import {
  parseSimRigSpec,
  SimRig,
  simRigCliOptions,
  simRigTunablesFromCli,
} from '../../../adapters/beamng/sim-rig.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let child: ChildProcess | null = null;
const rigs: SimRig[] = [];

afterEach(async () => {
  await Promise.all(rigs.splice(0).map((rig) => rig.close()));
  if (child && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  child = null;
});

describe('sim rig options', () => {
  it('keeps the immediate rig by default, and the game timing once fps is set', async () => {
    const plain = await SimRig.start();
    rigs.push(plain);
    expect(plain.timing).toEqual({
      fps: 0,
      frameMs: 0,
      gameAcceptEveryMs: 0,
      vehicleAcceptFrames: 60,
      requestsPerFrame: 1,
      blockingFrames: 2,
    });
    expect(plain.mod).toEqual({
      installed: true,
      fault: null,
      legacy: false,
      answerDelayFrames: 0,
    });

    const framed = await SimRig.start({ fps: 20 });
    rigs.push(framed);
    expect(framed.timing).toEqual({
      fps: 20,
      frameMs: 50,
      gameAcceptEveryMs: 1000,
      vehicleAcceptFrames: 60,
      requestsPerFrame: 1,
      blockingFrames: 2,
    });
    const tenFps = await SimRig.start({ fps: 10, vehicleAcceptDelayMs: 3_000 });
    rigs.push(tenFps);
    expect(tenFps.timing.vehicleAcceptFrames).toBe(30);
  });

  it('refuses nonsense', async () => {
    await expect(SimRig.start({ fps: -1 })).rejects.toThrow(/fps/);
    await expect(SimRig.start({ fps: 5000 })).rejects.toThrow(/fps/);
    await expect(SimRig.start({ fps: 20, blockingFrames: Number.NaN })).rejects.toThrow(
      /blockingFrames/,
    );
  });

  it('reads the one-string form', () => {
    expect(parseSimRigSpec('')).toEqual({});
    expect(
      parseSimRigSpec(
        ' fps=20, vehicleAcceptDelayMs=3000,unnamedVehicles, modInstalled=false,legacyMod=true,unknownRequest=silence,repairAnswerDelayFrames=5',
      ),
    ).toEqual({
      fps: 20,
      vehicleAcceptDelayMs: 3000,
      unnamedVehicles: true,
      modInstalled: false,
      legacyMod: true,
      unknownRequest: 'silence',
      repairAnswerDelayFrames: 5,
    });
    expect(parseSimRigSpec('modFault')).toEqual({ modFault: true });
    expect(parseSimRigSpec('modFault=boom')).toEqual({ modFault: 'boom' });
    expect(parseSimRigSpec('modFault=false')).toEqual({ modFault: null });
    expect(() => parseSimRigSpec('fps=fast')).toThrow(/fps/);
    expect(() => parseSimRigSpec('frameRate=20')).toThrow(/unknown sim rig option "frameRate"/);
    expect(() => parseSimRigSpec('unknownRequest=shout')).toThrow(/error, silence/);
    expect(() => parseSimRigSpec('legacyMod=maybe')).toThrow(/true or false/);
  });

  it('reads the standalone flags', () => {
    const { values } = parseArgs({
      args: [
        '--fps',
        '20',
        '--vehicle-accept-delay-ms',
        '3000',
        '--no-mod',
        '--unnamed-vehicles',
        '--mod-fault',
        'vwCrashToRepair: boom',
        '--rig',
        'legacyMod,fps=10',
      ],
      options: simRigCliOptions(),
    });
    expect(simRigTunablesFromCli(values)).toEqual({
      fps: 20, // a flag wins over --rig
      legacyMod: true,
      vehicleAcceptDelayMs: 3000,
      modInstalled: false,
      unnamedVehicles: true,
      modFault: 'vwCrashToRepair: boom',
    });
  });
});

describe('sim-rig standalone with game timing', () => {
  it('runs at 20 fps with the flags given, and answers as an older mod', async () => {
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'adapters/beamng/sim-rig.ts',
        '--port',
        '0',
        '--fps',
        '20',
        '--game-accept-every-ms',
        '100',
        '--legacy-mod',
      ],
      { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout! });
    const [firstLine] = (await once(lines, 'line')) as [string];
    expect(firstLine).toMatch(/20 fps, game accepts every 100 ms, vehicle every 60 frames/);
    expect(firstLine).toMatch(/mod legacy/);
    const [host, port] = /listening on (\S+):(\d+)/.exec(firstLine)!.slice(1) as [string, string];

    const socket = createConnection({ host, port: Number(port) });
    await once(socket, 'connect');
    const decoder = new FrameDecoder();
    const frames: Record<string, unknown>[] = [];
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) frames.push(frame as Record<string, unknown>);
    });
    socket.write(encodeFrame({ type: 'Hello', protocolVersion: 'v1.23', _id: 0 }));
    socket.write(encodeFrame({ type: 'VWRepairPressed', _id: 1 }));
    const deadline = Date.now() + 10_000;
    while (frames.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    expect(frames).toEqual([
      { type: 'Hello', protocolVersion: 'v1.23', _id: 0 },
      { type: 'VWRepairPressed', pressed: false, _id: 1 },
    ]);
  });
});
