import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BeamNGClient, parseBeamNGAddress } from '../../../adapters/beamng/client.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let child: ChildProcess | null = null;
let client: BeamNGClient | null = null;

afterEach(async () => {
  client?.close();
  client = null;
  if (child && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  child = null;
});

describe('sim-rig standalone', () => {
  it('prints its address and serves a client there', async () => {
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'adapters/beamng/sim-rig.ts', '--port', '0', '--model', 'golf8'],
      {
        cwd: root,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout! });
    const [firstLine] = (await once(lines, 'line')) as [string];
    const match = /listening on (\S+)/.exec(firstLine);
    expect(match, firstLine).not.toBeNull();

    client = await BeamNGClient.connect(parseBeamNGAddress(match![1]!));
    await expect(client.findPlayerVehicle()).resolves.toMatchObject({ model: 'golf8' });
  });
});
