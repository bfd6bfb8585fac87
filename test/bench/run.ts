/**
 * `npm run bench`: prints every speed and size figure beside the floor or target it is compared
 * with, measured against real servers started as child processes (so the load generator does not
 * share their event loop). Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
 *  1. 50 stations crash within one second: telemetry POST → `Estimated` on that station's
 *     WebSocket (p50 / p99 / max), on the first burst after start-up and warm.
 *  2. Analysis-only `POST /api/damage/analyze` throughput against the platform's floor: a bare
 *     node:http server (test/bench/floor-server.ts) that reads the same body, parses it and
 *     answers 201 with JSON of similar size, in the same run.
 *  3. How fast bounded input is refused: a body over 1 MB (413), telemetry over 2,000 parts (422).
 *  4. The kiosk bundle, gzip.
 *  5. Bounded memory (issue 7): a fresh server's RSS at start, after 20,000 and after 100,000
 *     analysis-only requests, and its growth over the second stretch.
 *  6. What the journal write adds to a session transition (`recordTransition`), in this process.
 *  7. Start-up with 200 stations whose sessions are live (the restore) beside start-up with 200
 *     fresh stations, and how many stations came back in their state (test/bench/store.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import WebSocket from 'ws';
import { measureKioskBundle } from './bundle.js';
import { measurePartsPlan } from './parts-plan.js';
import { cleanUp, measureRestore, measureTransitionWrites } from './store.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STATIONS = Number(process.env.BENCH_STATIONS ?? 50);
/** The server runs twice as many stations: the first burst (cold: JIT, lazy schemas) warms it up. */
const SERVER_STATIONS = STATIONS * 2;
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const LOG_LEVEL = process.env.LOG_LEVEL ?? 'info';
/** Issue 7's stretch: RSS after a fifth of these analysis-only requests and after all of them. */
const MEMORY_REQUESTS = Number(process.env.BENCH_MEMORY_REQUESTS ?? 100_000);
const MEMORY_MARK = Math.round(MEMORY_REQUESTS / 5);
/** Target for RSS growth from the mark to the end of the stretch, in per cent. */
const MEMORY_GROWTH_TARGET = 10;
const JOURNAL_WRITES = Number(process.env.BENCH_JOURNAL_WRITES ?? 5000);
/** The most stations the settings allow (adapters/config.ts), issue 7's restore case. */
const RESTORE_STATIONS = 200;
const RESTORE_ROUNDS = 3;
const benchStarted = performance.now();

function sample(file: string): unknown {
  return JSON.parse(readFileSync(`${ROOT}data/telemetry/${file}`, 'utf8'));
}

/** Starts a child process and resolves with the URL it announces on stdout. */
async function startChild(
  args: string[],
  env: Record<string, string>,
  urlOf: (line: string) => string | null,
): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args[0]} did not start within 30 s`)),
      30_000,
    );
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const found = urlOf(line);
        if (!found) continue;
        clearTimeout(timer);
        // Keep draining the log so the child never blocks on a full pipe.
        child.stdout.off('data', onData);
        child.stdout.on('data', () => {});
        resolve(found);
        return;
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** A free port on 127.0.0.1, so the server's address does not depend on what it logs. */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The crash-to-repair server, logging as it does on the event floor (info, one line a request). */
async function startServer() {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), 'bench-state-'));
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'adapters/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      STATIONS: String(SERVER_STATIONS),
      SIMULATED_RIGS: 'false',
      LOG_LEVEL: LOG_LEVEL,
      // A fresh database per run, as a fresh event day.
      STATE_DIR: stateDir,
    },
    // The log goes to /dev/null: written (and paid for) as on the floor, not read here.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const up = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error('server did not start within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  /** Stops the server, waits for it to exit (so the next one does not share the CPU with its
   *  shutdown) and removes its database: the memory stretch leaves hundreds of MB behind. */
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(forced);
    }
    rmSync(stateDir, { recursive: true, force: true });
  };
  return { url, pid: child.pid!, stop };
}

/** The bare node:http floor. */
function startFloor() {
  return startChild(
    ['test/bench/floor-server.ts'],
    {},
    (line) => /listening on (http:\/\/\S+)/.exec(line)?.[1] ?? null,
  );
}

/** A process's resident set (or, with `VmHWM`, its peak) in KiB, from /proc. */
function rssKiB(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

function rssMiB(pid: number): number {
  return Math.round(rssKiB(pid) / 1024);
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

function report(label: string, latencies: number[], targetP99: number): void {
  const p99 = percentile(latencies, 99);
  console.log(
    `${label}: ${STATIONS} stations within 1 s, POST → Estimated on the station WebSocket: ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms ` +
      `(target p99 ≤ ${targetP99} ms: ${p99 <= targetP99 ? 'met' : 'NOT met'})`,
  );
}

/**
 * `amount` analysis-only requests (a fixed count, not a duration, so every run does the same
 * work), each with its own X-Request-Id: autocannon puts a fresh id in for `[<id>]`. Without an
 * Idempotency-Key every one is a new request id, so a new report in the store. Returns seconds.
 */
async function analyzeRequests(url: string, body: unknown, amount: number): Promise<number> {
  const result = await autocannon({
    url: `${url}/api/damage/analyze`,
    connections: 20,
    amount,
    idReplacement: true,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'bench-memory-[<id>]' },
    body: JSON.stringify(body),
  });
  if (result.non2xx > 0 || result.errors > 0 || result['2xx'] < amount)
    throw new Error(
      `memory stretch: ${result['2xx']} of ${amount} answered 201, ${result.non2xx} other answers, ${result.errors} errors`,
    );
  return result.duration;
}

/** Runs `work` while sampling the process's RSS every 250 ms; the lowest and highest seen, KiB. */
async function sampledRss<T>(
  pid: number,
  work: () => Promise<T>,
): Promise<{ result: T; low: number; high: number }> {
  let low = rssKiB(pid);
  let high = low;
  const timer = setInterval(() => {
    const now = rssKiB(pid);
    low = Math.min(low, now);
    high = Math.max(high, now);
  }, 250);
  try {
    return { result: await work(), low, high };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Bounded memory (issue 7): a server of its own (fresh database, nothing else running against
 * it), its RSS at start, after MEMORY_MARK and after MEMORY_REQUESTS analysis-only requests. The
 * growth over the second stretch is the figure: the first pays for the JIT and the caches
 * filling, the second should cost nothing once the records live in the file. One reading of RSS
 * lands wherever the garbage collector happens to be (tens of MiB apart under this load), so RSS is also
 * sampled through each stretch, and the target counts as met only when both the readings at the
 * marks and the stretches' highs grow by no more than it.
 */
async function boundedMemory(body: unknown): Promise<void> {
  const server = await startServer();
  try {
    const start = rssKiB(server.pid);
    const first = await sampledRss(server.pid, () =>
      analyzeRequests(server.url, body, MEMORY_MARK),
    );
    const mark = rssKiB(server.pid);
    const second = await sampledRss(server.pid, () =>
      analyzeRequests(server.url, body, MEMORY_REQUESTS - MEMORY_MARK),
    );
    const end = rssKiB(server.pid);
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as {
      store?: { size_bytes?: number };
    };
    const percent = (from: number, to: number) => ((to - from) / from) * 100;
    const growth = percent(mark, end);
    const highGrowth = percent(first.high, second.high);
    const met = growth <= MEMORY_GROWTH_TARGET && highGrowth <= MEMORY_GROWTH_TARGET;
    const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
    const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)} %`;
    const count = (n: number) => n.toLocaleString('en');
    console.log(
      `memory (fresh server pid ${server.pid}, ${SERVER_STATIONS} stations, analysis-only POST /api/damage/analyze, ` +
        `20 connections, each request its own X-Request-Id): RSS at start ${mib(start)}, ` +
        `after ${count(MEMORY_MARK)} requests ${mib(mark)} (${first.result.toFixed(1)} s; ${mib(first.low)}–${mib(first.high)} on the way), ` +
        `after ${count(MEMORY_REQUESTS)} ${mib(end)} (${second.result.toFixed(1)} s more; ${mib(second.low)}–${mib(second.high)} on the way); ` +
        `database ${((health.store?.size_bytes ?? 0) / 1024 / 1024).toFixed(0)} MB`,
    );
    console.log(
      `memory growth ${count(MEMORY_MARK)} → ${count(MEMORY_REQUESTS)} requests: ${signed(growth)} at the marks, ` +
        `${signed(highGrowth)} high to high (target ≤ ${MEMORY_GROWTH_TARGET} %: ${met ? 'met' : 'NOT met'})`,
    );
  } finally {
    await server.stop();
  }
}

/** What the journal write adds to a transition: a real session's writes replayed (store.ts). */
async function transitionWrites(): Promise<void> {
  const w = await measureTransitionWrites(JOURNAL_WRITES);
  const us = (sorted: number[], p: number) => `${percentile(sorted, p).toFixed(0)} µs`;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `journal write per transition (SqliteStore.recordTransition on a file, WAL): ` +
      `p50 ${us(w.sqlite_us, 50)}, p99 ${us(w.sqlite_us, 99)}, max ${w.sqlite_us.at(-1)!.toFixed(0)} µs, ` +
      `mean ${mean(w.sqlite_us).toFixed(0)} µs over ${JOURNAL_WRITES.toLocaleString('en')} writes ` +
      `(a real session's ${w.writes_per_crash} writes from Waiting to Estimated, replayed; largest snapshot ` +
      `${(w.snapshot_bytes / 1024).toFixed(1)} KB): about ${((mean(w.sqlite_us) * w.writes_per_crash) / 1000).toFixed(2)} ms per crash; ` +
      `floor: the in-memory store p50 ${percentile(w.memory_us, 50).toFixed(1)} µs, p99 ${percentile(w.memory_us, 99).toFixed(1)} µs`,
  );
}

/** Start-up with 200 live sessions beside start-up with 200 fresh stations (store.ts). */
async function restore(): Promise<void> {
  const r = await measureRestore(RESTORE_STATIONS, RESTORE_ROUNDS);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const ms = (xs: number[]) =>
    `${median(xs).toFixed(0)} ms median of ${xs.length} (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  const back = Math.min(...r.estimated);
  console.log(
    `restore: start-up on a STATE_DIR with ${r.stations} stations in Estimated ${ms(r.restore_ms)}; ` +
      `came back in Estimated ${r.estimated.join(', ')} of ${r.stations}, not in Waiting ${r.not_waiting.join(', ')} ` +
      `(${back === r.stations ? 'all restored' : 'NOT restored'}); ` +
      `floor: start-up with ${r.stations} fresh stations on an empty STATE_DIR ${ms(r.fresh_ms)}`,
  );
}

/** Sequential requests of one kind; each must get `status`. Returns sorted latencies in ms. */
async function refusalLatencies(
  url: string,
  body: string,
  status: number,
  count: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    // node:http rather than fetch: a server that refuses a big body early may close the socket
    // before the upload ends, and the answer must still be read.
    const answered = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/api/damage/analyze`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', (err) => (req.writableEnded ? undefined : reject(err)));
      req.end(body);
    });
    times.push(performance.now() - t0);
    if (answered !== status) throw new Error(`expected ${status}, got ${answered}`);
  }
  return times.sort((a, b) => a - b);
}

const plans = measurePartsPlan();
console.log(
  `parts plan, ${plans.dealers} dealers × ${plans.parts} parts (${plans.plan_ms.length} plans, every dealer in turn; ` +
    `${plans.courier_lines} lines by courier and ${plans.centre_lines} from the parts centre in one round): ` +
    `p50 ${percentile(plans.plan_ms, 50).toFixed(2)} ms, p99 ${percentile(plans.plan_ms, 99).toFixed(2)} ms, ` +
    `max ${plans.plan_ms.at(-1)!.toFixed(2)} ms (target p99 well under 50 ms, read as under 10 ms: ${percentile(plans.plan_ms, 99) < 10 ? 'met' : 'NOT met'})`,
);

const bundle = await measureKioskBundle();
console.log(
  `kiosk bundle: ${(bundle.raw_bytes / 1024).toFixed(1)} KB raw, ${(bundle.gzip_bytes / 1024).toFixed(1)} KB gzip ` +
    `(target ≤ 60 KB gzip: ${bundle.gzip_bytes <= 60 * 1024 ? 'met' : 'NOT met'}), zod ${(bundle.zod_bytes / 1024).toFixed(1)} KB raw`,
);

const floor = await startFloor();
const server = await startServer();
try {
  console.log(
    `server ${server.url} (pid ${server.pid}), ${SERVER_STATIONS} stations, log level ${LOG_LEVEL}, ` +
      `RSS at start ${rssMiB(server.pid)} MiB`,
  );
  report('first burst (cold server)', await crashBurst(server.url, STATIONS + 1), 30);
  report('crash burst (warm server)', await crashBurst(server.url, 1), 15);

  const telemetry = sample('tcross-front-sensor.json');
  const body = { vehicle_model: 'tcross', telemetry };
  const floorRate = await throughput(floor.url, '/', body);
  const analyze = await throughput(server.url, '/api/damage/analyze', body);
  const health = await throughput(server.url, '/api/health');
  const size = JSON.stringify(body).length;
  console.log(
    `throughput (${DURATION_S} s each, 20 connections, ${(size / 1024).toFixed(1)} KB body): ` +
      `node:http floor (read, JSON.parse, 201 JSON) ${Math.round(floorRate)} req/s; ` +
      `POST /api/damage/analyze ${Math.round(analyze)} req/s; GET /api/health ${Math.round(health)} req/s`,
  );
  const ratio = analyze / floorRate;
  console.log(
    `analysis / node:http floor = ${ratio.toFixed(2)} (target ≥ 0.50: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
  );

  const tooBig = JSON.stringify({ telemetry: { pad: 'x'.repeat(1024 * 1024 + 1) } });
  const withParts = (count: number) =>
    JSON.stringify({
      vehicle_model: 'tcross',
      telemetry: {
        damage: 900,
        part_damage: Object.fromEntries(
          Array.from({ length: count }, (_, i) => [`part_${i}`, { damage: 0.5 }]),
        ),
      },
    });
  for (const [label, text, status] of [
    [`body of ${(tooBig.length / 1024 / 1024).toFixed(2)} MB → 413`, tooBig, 413],
    ['telemetry with 2,001 parts → 422', withParts(2001), 422],
    ['telemetry with 30,000 parts → 422', withParts(30_000), 422],
  ] as const) {
    const times = await refusalLatencies(server.url, text, status, 20);
    const p50 = percentile(times, 50);
    const max = times.at(-1)!;
    // The floor: parsing the same body once, in this process.
    const t0 = performance.now();
    JSON.parse(text);
    const parseMs = performance.now() - t0;
    console.log(
      `${label} (${(text.length / 1024).toFixed(0)} KB): p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms over 20 requests; ` +
        `JSON.parse of that body alone ${parseMs.toFixed(1)} ms (target well under 50 ms: ${max < 50 ? 'met' : 'NOT met'})`,
    );
  }
  console.log(`server RSS after the run: ${rssMiB(server.pid)} MiB`);
} finally {
  await server.stop();
  floor.stop();
}

await boundedMemory({ vehicle_model: 'tcross', telemetry: sample('tcross-front-sensor.json') });
try {
  await transitionWrites();
  await restore();
} finally {
  cleanUp();
}
console.log(`bench run time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
