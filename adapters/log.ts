/**
 * The process log: one JSON object per line (for the machine that collects it), or short
 * human-readable lines when a person is watching a terminal. Built on pino.
 */
import { pino } from 'pino';
import pretty from 'pino-pretty';

export type Logger = pino.Logger;

/** pino's own levels; `silent` turns the log off. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** One of LOG_LEVELS, usually `process.env.LOG_LEVEL`; unset or empty means `info`. */
  level?: string;
  /** Where lines go; defaults to stdout. */
  destination?: NodeJS.WritableStream | pino.DestinationStream;
  /** Human-readable lines instead of JSON (pass `process.stdout.isTTY`). */
  pretty?: boolean;
}

/** Checks a LOG_LEVEL value, throwing an error that names the variable and the allowed values. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const level = (value ?? '').trim().toLowerCase();
  if (level === '') return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new Error(`LOG_LEVEL "${value}" is not a log level (use one of: ${LOG_LEVELS.join(', ')})`);
}

/** A pino logger writing JSON lines, or pretty lines when `pretty` is set. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const opts: pino.LoggerOptions = {
    level: parseLogLevel(options.level),
    // Level names rather than pino's numbers: easier to grep and to read in a collector.
    formatters: { level: (label) => ({ level: label }) },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (!options.pretty) {
    // pino.destination() writes synchronously, so the last lines before a crash are not lost.
    return pino(opts, options.destination ?? pino.destination({ dest: 1, sync: true }));
  }
  const destination = options.destination ?? process.stdout;
  const stream = pretty({
    destination,
    sync: true,
    // Colour codes only for a terminal; piped to a file or `less` they are noise.
    colorize: pretty.isColorSupported && isTty(destination),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    singleLine: true,
  });
  return pino(opts, stream);
}

function isTty(stream: object): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}
