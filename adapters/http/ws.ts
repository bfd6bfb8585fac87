/**
 * WebSocket `/ws?station={id}`: sends the station's session view at once and on every change;
 * takes kiosk commands, each parsed with the zod ClientCommand union before it reaches an actor.
 * One floor subscription per socket, dropped on close.
 *
 * A pulled cable closes nothing: every `heartbeat_ms` the server sends a heartbeat message (the
 * screen reconnects when several go missing) and a WebSocket ping; a socket that has not
 * answered the previous ping is terminated, so dead screens do not pile up.
 */
import { upgradeWebSocket } from '@hono/node-server';
import { Hono } from 'hono';
import type { Floor } from '../../actors/floor.js';
import {
  ClientCommand,
  commandInput,
  type ServerMessage,
  type SessionView,
} from '../../actors/protocol.js';
import type { WebSocket } from 'ws';
import { ApiError } from './errors.js';

/** How often an open socket hears from the server when nothing else happens. */
export const HEARTBEAT_MS = 10_000;

/** Serialised once per view, however many screens watch the station. */
const serialised = new WeakMap<SessionView, string>();
function sessionMessage(view: SessionView): string {
  let text = serialised.get(view);
  if (!text) {
    const message: ServerMessage = { type: 'session', state: view.state, session: view };
    text = JSON.stringify(message);
    serialised.set(view, text);
  }
  return text;
}

function errorMessage(code: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { code, message } } satisfies ServerMessage);
}

export function stationSocket(floor: Floor, options: { heartbeat_ms?: number } = {}) {
  const every_ms = options.heartbeat_ms ?? HEARTBEAT_MS;
  return new Hono().get(
    '/',
    async (c, next) => {
      const station = c.req.query('station');
      if (!station) throw new ApiError('invalid_query', 'Say which station: /ws?station={id}');
      if (!floor.hasStation(station))
        throw new ApiError('station_not_found', `No station "${station}"`);
      await next();
    },
    upgradeWebSocket((c) => {
      const station = c.req.query('station')!;
      let unsubscribe = () => {};
      let heartbeat: ReturnType<typeof setInterval> | undefined;
      return {
        onOpen(_event, ws) {
          unsubscribe = floor.subscribe(station, (view) => ws.send(sessionMessage(view)));
          ws.send(sessionMessage(floor.view(station)!));
          const raw = ws.raw as WebSocket | undefined;
          let answered = true;
          raw?.on('pong', () => (answered = true));
          heartbeat = setInterval(() => {
            if (!answered) {
              raw?.terminate();
              return;
            }
            answered = false;
            raw?.ping();
            const message: ServerMessage = {
              type: 'heartbeat',
              at: new Date().toISOString(),
              every_ms,
            };
            ws.send(JSON.stringify(message));
          }, every_ms);
          heartbeat.unref();
        },
        onMessage(event, ws) {
          let raw: unknown;
          try {
            raw = JSON.parse(String(event.data));
          } catch {
            ws.send(
              errorMessage('invalid_json', 'Commands are JSON objects, e.g. {"type":"CONTINUE"}'),
            );
            return;
          }
          const parsed = ClientCommand.safeParse(raw);
          if (!parsed.success) {
            ws.send(
              errorMessage(
                'invalid_command',
                `Unknown or malformed command: ${parsed.error.issues[0]?.message ?? ''}`.trim(),
              ),
            );
            return;
          }
          const result = floor.intake(
            floor.envelope(station, commandInput(parsed.data), { source: 'kiosk' }),
          );
          if (!result.ok) ws.send(errorMessage(result.error.code, result.error.message));
        },
        onClose() {
          clearInterval(heartbeat);
          unsubscribe();
        },
      };
    }),
  );
}
