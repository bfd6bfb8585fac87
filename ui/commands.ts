/**
 * How views ask for something: they dispatch a bubbling, composed `kiosk-command` event
 * carrying a ClientCommand; `<station-kiosk>` forwards it to the server. Views never talk
 * to the socket themselves, so they can be rendered alone (tests, screenshots).
 */
import type { ClientCommand } from '../actors/protocol.js';
import type { SessionView } from '../actors/protocol.js';

export const COMMAND_EVENT = 'kiosk-command';

/** The event a view dispatches to send `command`. */
export function commandEvent(command: ClientCommand): CustomEvent<ClientCommand> {
  return new CustomEvent(COMMAND_EVENT, { detail: command, bubbles: true, composed: true });
}

/** Whether the session accepts `type` now (SIMULATE_CRASH is a server-side staff action, accepted while Waiting). */
export function canSend(session: SessionView, type: ClientCommand['type']): boolean {
  if (session.can.includes(type)) return true;
  if (type === 'SIMULATE_CRASH') return session.state === 'Waiting';
  // The language is a display preference the contract offers on every view.
  if (type === 'SET_LOCALE') return true;
  return false;
}

declare global {
  interface HTMLElementEventMap {
    [COMMAND_EVENT]: CustomEvent<ClientCommand>;
  }
}
