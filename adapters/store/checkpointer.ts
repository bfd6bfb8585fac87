/**
 * WAL checkpoints off the event loop. SQLite folds the write-ahead log back into the database
 * file when it reaches 1,000 pages, inside whichever commit crosses the mark, and that commit
 * waits for the copy and an fsync: measured here, a journal write that usually takes 0.1 ms took
 * up to 94 ms, and a burst of crashes on the floor paid for it in its p99. This worker thread,
 * on its own connection to the same file, runs a PASSIVE checkpoint every interval (it never
 * blocks the server's writes), so by the time a commit crosses the mark nearly every page is
 * already in the file and SQLite's own checkpoint has little left to do.
 *
 * SQLite's own stays on: it is what bounds the WAL. A passive checkpoint cannot restart the log
 * while writes keep arriving, and with only the worker a day of steady writes grew it to 1.6 GB
 * in the bench (100,000 analyses); with both it stays at a few MB.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointReport {
  at: string;
  /** Frames in the WAL, and how many of them are now in the database file. */
  log_frames: number;
  checkpointed_frames: number;
}

export interface Checkpointer {
  /** The last checkpoint the worker reported, or null before the first. */
  readonly last: CheckpointReport | null;
  /** Stops the worker (its connection closes with it). */
  stop(): Promise<void>;
}

/** The worker's code: plain JavaScript run in a worker thread (eval), no build step needed. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({
      type: 'checkpoint',
      at: new Date().toISOString(),
      log_frames: result.log,
      checkpointed_frames: result.checkpointed,
    });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) });
  }
}, workerData.interval_ms);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export function startCheckpointer(options: {
  path: string;
  interval_ms: number;
  /** Called once if the worker cannot go on (SQLite's own checkpoint still bounds the WAL). */
  onFailure: (reason: string) => void;
}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { path: options.path, interval_ms: options.interval_ms, driver },
  });
  // A server shutting down does not wait for it.
  worker.unref();
  let last: CheckpointReport | null = null;
  let stopping = false;
  let failed = false;
  const fail = (reason: string) => {
    if (failed || stopping) return;
    failed = true;
    options.onFailure(reason);
    void worker.terminate();
  };
  worker.on('message', (message: { type: string; message?: string } & CheckpointReport) => {
    if (message.type === 'checkpoint') {
      const { at, log_frames, checkpointed_frames } = message;
      last = { at, log_frames, checkpointed_frames };
    } else fail(message.message ?? 'the checkpoint failed');
  });
  worker.on('error', (err) => fail(err.message));
  worker.on('exit', (code) => {
    if (!stopping) fail(`the checkpoint worker exited (${code})`);
  });
  return {
    get last() {
      return last;
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
      await worker.terminate();
    },
  };
}
