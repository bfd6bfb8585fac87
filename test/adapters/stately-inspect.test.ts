/**
 * With INSPECT_URL set, the floor's XState inspection events stream to Stately's inspector
 * through @statelyai/inspect (here a local WebSocket server stands in for it).
 */
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { readConfig } from '../../adapters/config.js';
import { createRuntime, type Runtime } from '../../adapters/runtime.js';

let server: WebSocketServer | null = null;
let runtime: Runtime | null = null;
afterEach(async () => {
  runtime?.close();
  runtime = null;
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
});

it('streams the floor’s inspection events to INSPECT_URL', async () => {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server!.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const received: { type: string; sessionId?: string }[] = [];
  server.on('connection', (socket) =>
    socket.on('message', (data) => received.push(JSON.parse(String(data)))),
  );
  runtime = createRuntime(
    readConfig({ STATE_DIR: ':memory:', STATIONS: '1', INSPECT_URL: `ws://127.0.0.1:${port}` }),
  );
  runtime.floor.submit('1', { type: 'SET_LOCALE', payload: { locale: 'en' } }, { source: 'kiosk' });
  await expect
    .poll(() => received.filter((e) => e.type === '@xstate.snapshot').length, { timeout: 10_000 })
    .toBeGreaterThan(0);
  expect(received.some((e) => e.type === '@xstate.actor')).toBe(true);
});
