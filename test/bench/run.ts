/**
 * `npm run bench`: prints the figures the core issue asks for, measured against a real server
 * started as a child process (so the load generator does not share its event loop).
 *  1. 50 stations crash within one second: time from the telemetry POST to the `Estimated`
 *     message on that station's WebSocket (p50 / p99 / max).
 *  2. Throughput of analysis-only `POST /api/damage/analyze` against `GET /api/health`, same run.
 * Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import WebSocket from 'ws';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STATIONS = Number(process.env.BENCH_STATIONS ?? 50);
/** The server runs twice as many stations: the first burst (cold: JIT, lazy schemas) warms it up. */
const SERVER_STATIONS = STATIONS * 2;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);

function sample(file: string): unknown {
  return JSON.parse(readFileSync(`${ROOT}data/telemetry/${file}`, 'utf8'));
}

async function startServer(): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'adapters/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      STATIONS: String(SERVER_STATIONS),
      SIMULATED_RIGS: 'false',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 30 s')), 30_000);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Crashes stations first..first+STATIONS-1 spread over one second; returns each POST → Estimated time. */
async function crashBurst(url: string, first: number): Promise<number[]> {
  const wsUrl = url.replace('http', 'ws');
  const telemetry = [sample('tcross-front-sensor.json'), sample('tcross-legacy-mod.json')];
  const sockets: WebSocket[] = [];
  const estimatedAt = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  for (let i = first; i < first + STATIONS; i++) {
    const id = String(i);
    const ws = new WebSocket(`${wsUrl}/ws?station=${id}`);
    sockets.push(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('message', () => resolve());
      ws.once('error', reject);
    });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { state?: string };
      if (message.state === 'Estimated' && !estimatedAt.has(id)) {
        estimatedAt.set(id, performance.now());
        waiters.get(id)?.();
      }
    });
  }
  const latencies: number[] = [];
  const gapMs = 1000 / STATIONS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: STATIONS }, async (_, i) => {
      const id = String(first + i);
      await new Promise((r) => setTimeout(r, Math.max(0, started + i * gapMs - performance.now())));
      const arrived = new Promise<void>((resolve) => waiters.set(id, resolve));
      const t0 = performance.now();
      const res = await fetch(`${url}/api/damage/analyze`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          station_id: id,
          vehicle_model: 'tcross',
          telemetry: telemetry[i % telemetry.length],
        }),
      });
      if (res.status !== 201)
        throw new Error(`station ${id}: analyze answered ${res.status} ${await res.text()}`);
      await Promise.race([
        arrived,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`station ${id}: no Estimated within 10 s`)), 10_000),
        ),
      ]);
      latencies.push(estimatedAt.get(id)! - t0);
    }),
  );
  for (const ws of sockets) ws.close();
  return latencies.sort((a, b) => a - b);
}

async function throughput(
  url: string,
  path: string,
  body?: unknown,
  expectRefusal = false,
): Promise<number> {
  const result = await autocannon({
    url: `${url}${path}`,
    connections: 20,
    duration: DURATION_S,
    ...(body
      ? {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }
      : {}),
  });
  const wrong = expectRefusal ? result['2xx'] : result.non2xx;
  if (wrong > 0 || result.errors > 0)
    throw new Error(`${path}: ${wrong} unexpected answers, ${result.errors} errors`);
  return result.requests.average;
}

function report(label: string, latencies: number[]): void {
  console.log(
    `${label}: ${STATIONS} stations within 1 s, POST → Estimated on the station WebSocket: ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms (target p99 < 50 ms)`,
  );
}

const server = await startServer();
try {
  console.log(
    `server ${server.url} (pid ${server.pid}), ${SERVER_STATIONS} stations, RSS at start ${rssMiB(server.pid)} MiB`,
  );
  report('first burst (cold server)', await crashBurst(server.url, STATIONS + 1));
  report('crash burst (warm server)', await crashBurst(server.url, 1));
  const telemetry = sample('tcross-front-sensor.json');
  const health = await throughput(server.url, '/api/health');
  // The floor for a POST of the same size: a body the server refuses at once (400), no analysis.
  const refused = await throughput(
    server.url,
    '/api/stations/1/commands',
    { type: 'NOT_A_COMMAND', telemetry },
    true,
  );
  const analyze = await throughput(server.url, '/api/damage/analyze', {
    vehicle_model: 'tcross',
    telemetry,
  });
  console.log(
    `throughput (${DURATION_S} s each, 20 connections): GET /api/health ${Math.round(health)} req/s; ` +
      `same-size POST refused at once ${Math.round(refused)} req/s; POST /api/damage/analyze ${Math.round(analyze)} req/s`,
  );
  console.log(
    `analysis / health = ${(analyze / health).toFixed(2)} (target ≥ 0.50); same-size refused POST / health = ${(refused / health).toFixed(2)}; ` +
      `analysis / refused POST = ${(analyze / refused).toFixed(2)}`,
  );
  console.log(`server RSS after the run: ${rssMiB(server.pid)} MiB`);
} finally {
  server.stop();
}
