/** How the kiosk reads a station's simulator link (RigStatus): badge tone and label, stale telemetry. */
import type { RigStatus, SessionView } from '../actors/protocol.js';
import type { MessageKey } from './i18n.js';

export type RigTone = 'ok' | 'pending' | 'down';

/** How a rig status reads on a badge: its colour and label (connecting and handshaking are one "connecting"). */
export function rigBadge(rig: Pick<RigStatus, 'status'>): { tone: RigTone; label: MessageKey } {
  switch (rig.status) {
    case 'connected':
      return { tone: 'ok', label: 'rig.connected' };
    case 'connecting':
    case 'handshaking':
      return { tone: 'pending', label: 'rig.connecting' };
    case 'disconnected':
      return { tone: 'down', label: 'rig.disconnected' };
  }
}

/**
 * When the simulator link is down but the session still holds telemetry from before, the time
 * of that last good reading (the estimate will use it); null otherwise, or when the station has
 * no simulator at all (its telemetry comes by API and "disconnected" means nothing).
 */
export function staleTelemetryAt(
  session: Pick<SessionView, 'rig' | 'has_telemetry' | 'live_damage'>,
): string | null {
  const rig = session.rig;
  if (!rig || rig.status === 'connected' || !session.has_telemetry) return null;
  return session.live_damage?.received_at ?? rig.last_telemetry_at ?? null;
}
