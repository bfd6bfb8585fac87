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
import { Hono, type Context } from 'hono';
import type { Floor } from '../../actors/floor.js';
import {
  ClientCommand,
  commandInput,
  type ServerMessage,
  type SessionView,
} from '../../actors/protocol.js';
import { actionOfCommand, recordAudit } from './audit.js';
import { ApiError } from './errors.js';
import { HEARTBEAT_MS, keepAlive } from './heartbeat.js';

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

/** Commands only staff may send from a kiosk (its staff area). */
const STAFF_COMMANDS = new Set<ClientCommand['type']>(['STAFF_RESET', 'SIMULATE_CRASH']);

export interface StationSocketOptions {
  heartbeat_ms?: number;
  /** Whether the upgrade request comes from a staff browser (the staff cookie). */
  isStaff: (c: Context) => boolean;
}

export function stationSocket(floor: Floor, options: StationSocketOptions) {
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
      // Decided once, at the upgrade: the cookie came with it.
      const staff = options.isStaff(c);
      let unsubscribe = () => {};
      let stopHeartbeat = () => {};
      return {
        onOpen(_event, ws) {
          unsubscribe = floor.subscribe(station, (view) => ws.send(sessionMessage(view)));
          // Who is watching first: the kiosk shows its staff area only to staff.
          ws.send(JSON.stringify({ type: 'viewer', staff } satisfies ServerMessage));
          ws.send(sessionMessage(floor.view(station)!));
          stopHeartbeat = keepAlive(ws, every_ms);
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
          const command = parsed.data;
          const isStaffCommand = STAFF_COMMANDS.has(command.type);
          if (isStaffCommand && !staff) {
            ws.send(
              errorMessage(
                'unauthorized',
                `${command.type} is a staff command: open the staff link in this browser first`,
              ),
            );
            return;
          }
          const session_id = floor.view(station)?.session_id ?? null;
          const result = floor.intake(
            floor.envelope(station, commandInput(command), {
              source: isStaffCommand ? 'staff' : 'kiosk',
            }),
          );
          if (isStaffCommand) {
            recordAudit(floor, {
              who: 'staff (kiosk)',
              action: actionOfCommand(command.type),
              station_id: station,
              session_id,
              result: result.ok ? 'ok' : result.error.code,
              details: { ...command },
              correlation_id: result.envelope.correlation_id,
            });
          }
          if (!result.ok) ws.send(errorMessage(result.error.code, result.error.message));
        },
        onClose() {
          stopHeartbeat();
          unsubscribe();
        },
      };
    }),
  );
}
