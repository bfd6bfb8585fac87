/**
 * Keeping a screen's socket honest. A pulled cable closes nothing, so every `every_ms` the
 * server sends a heartbeat message (a screen that hears none for three reconnects) and a
 * WebSocket ping; a socket that has not answered the previous ping is terminated, so dead
 * screens do not pile up. Returns the stop, for the socket's close.
 */
import type { WSContext } from 'hono/ws';
import type { WebSocket } from 'ws';

export const HEARTBEAT_MS = 10_000;

export function keepAlive(ws: WSContext, every_ms: number = HEARTBEAT_MS): () => void {
  const raw = ws.raw as WebSocket | undefined;
  let answered = true;
  raw?.on('pong', () => (answered = true));
  const timer = setInterval(() => {
    if (!answered) {
      raw?.terminate();
      return;
    }
    answered = false;
    raw?.ping();
    ws.send(JSON.stringify({ type: 'heartbeat', at: new Date().toISOString(), every_ms }));
  }, every_ms);
  timer.unref();
  return () => clearInterval(timer);
}
