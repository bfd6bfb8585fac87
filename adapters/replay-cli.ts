/**
 * `npm run replay -- <script> [--station <id>] [--speed <n>]`: runs a replay on a running
 * server over its API and prints its progress until it ends.
 *
 * - `<script>` is a shipped script's name (data/replays/<name>.json on the server), or the path
 *   of a script file here (anything ending in `.json`), sent inline.
 * - `SERVER_URL` (default http://127.0.0.1:8080) is the server; `STAFF_TOKEN` its staff token,
 *   sent as `Authorization: Bearer`.
 * - Exits 0 when the replay is done, 1 when it failed or was stopped, 2 on bad arguments or a
 *   refusal; Ctrl-C stops the replay on the server before leaving.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ReplayProgress } from '../actors/replay/runner.js';

const USAGE = `usage: npm run replay -- <script> [--station <id>] [--speed <n>]
  <script>   a shipped script's name (e.g. tcross-front-crash), or a script file (.json)
  --station  the station of the script's first lane (the floor's first by default)
  --speed    1 plays the script's times as written, 10 ten times faster (at most 100)
env: SERVER_URL (default http://127.0.0.1:8080), STAFF_TOKEN (sent as Authorization: Bearer)`;

export const CliArgs = z.object({
  script: z.string().min(1),
  station: z.string().min(1).optional(),
  speed: z.coerce.number().positive().max(100).optional(),
});
export type CliArgs = z.infer<typeof CliArgs>;

/** Reads the command line (the arguments after the script's own name). */
export function parseArgs(argv: readonly string[]): CliArgs {
  const named: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const flag = /^--(station|speed)(?:=(.*))?$/.exec(arg);
    if (flag) {
      const value = flag[2] ?? argv[++i];
      if (value === undefined) throw new Error(`--${flag[1]} needs a value`);
      named[flag[1]!] = value;
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) throw new Error('give one script');
  const parsed = CliArgs.safeParse({ script: positional[0], ...named });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`--${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

const ErrorAnswer = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export interface CliDeps {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  out: (line: string) => void;
  /** Waits between two looks at the progress. */
  sleep: (ms: number) => Promise<void>;
  readFile?: (path: string) => string;
  /** Resolves when the user asks to stop (Ctrl-C). */
  interrupted?: Promise<void>;
}

/** How often the progress is asked for. */
const POLL_MS = 500;

function describe(p: ReplayProgress): string {
  const lanes = p.lanes
    .map((l) => `${l.station_id}:${l.next ? `${l.next.action}#${l.next.index}` : 'through'}`)
    .join(' ');
  return `[${p.step}/${p.of}] ${p.status} ${lanes}`;
}

/** Runs the CLI; resolves with its exit code. */
export async function runCli(deps: CliDeps): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(deps.argv);
  } catch (err) {
    deps.out(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const base = (deps.env.SERVER_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (deps.env.STAFF_TOKEN) headers.Authorization = `Bearer ${deps.env.STAFF_TOKEN}`;
  let script: unknown = args.script;
  if (args.script.endsWith('.json')) {
    try {
      script = JSON.parse((deps.readFile ?? ((p) => readFileSync(p, 'utf8')))(args.script));
    } catch (err) {
      deps.out(`cannot read ${args.script}: ${(err as Error).message}`);
      return 2;
    }
  }
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await deps.fetch(`${base}/api${path}`, {
      method,
      headers: method === 'POST' ? { ...headers, 'Idempotency-Key': randomUUID() } : headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const json: unknown = await res.json().catch(() => null);
    if (res.ok) return ReplayProgress.parse(json);
    const error = ErrorAnswer.safeParse(json);
    throw new Error(
      error.success
        ? `${res.status} ${error.data.error.code}: ${error.data.error.message}`
        : `${res.status} from ${method} ${path}`,
    );
  };

  let progress: ReplayProgress;
  try {
    progress = await call('POST', '/replays', {
      script,
      ...(args.station !== undefined ? { station_id: args.station } : {}),
      ...(args.speed !== undefined ? { speed: args.speed } : {}),
    });
  } catch (err) {
    deps.out(`could not start the replay: ${(err as Error).message}`);
    return 2;
  }
  deps.out(
    `replay ${progress.replay_id}: ${progress.script} (${progress.title}) on station(s) ${progress.stations.join(', ')} at speed ${progress.speed}`,
  );
  let stop = false;
  void deps.interrupted?.then(() => (stop = true));
  let last = '';
  for (;;) {
    const line = describe(progress);
    if (line !== last) deps.out((last = line));
    if (progress.status !== 'running') break;
    if (stop) {
      progress = await call('DELETE', `/replays/${encodeURIComponent(progress.replay_id)}`);
      continue;
    }
    await deps.sleep(POLL_MS);
    try {
      progress = await call('GET', `/replays/${encodeURIComponent(progress.replay_id)}`);
    } catch (err) {
      deps.out(`lost the replay: ${(err as Error).message}`);
      return 1;
    }
  }
  for (const s of progress.sessions) deps.out(`  station ${s.station_id}: session ${s.session_id}`);
  if (progress.error) {
    deps.out(
      `failed at step ${progress.error.step ?? '?'} on station ${progress.error.station_id ?? '?'}: ${progress.error.code}: ${progress.error.message}`,
    );
  }
  return progress.status === 'done' ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const interrupted = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  void runCli({
    argv: process.argv.slice(2),
    env: process.env,
    fetch: (url, init) => fetch(url, init),
    out: (line) => console.log(line),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    interrupted,
  }).then((code) => process.exit(code));
}
