/**
 * Stately's inspector, where there is a network: with `INSPECT_URL` set (a ws:// address of
 * Stately's inspector server), every XState inspection event of the floor — actors, events,
 * snapshots — is streamed there through `@statelyai/inspect`, the maintained XState 5
 * successor of `@xstate/inspect` (which supports only XState 4). Off when unset: the event
 * floor has no internet, and the staff console draws the statechart itself.
 */
import { createWebSocketInspector } from '@statelyai/inspect';
import type { InspectionEvent } from 'xstate';

export interface StatelyInspector {
  /** Passes one inspection event on. */
  inspect(event: InspectionEvent): void;
  stop(): void;
}

export function startStatelyInspector(url: string): StatelyInspector {
  // It connects at once (autoStart), keeps what happens before it is connected, and retries.
  const inspector = createWebSocketInspector({ url });
  return {
    inspect: (event) => inspector.inspect.next?.(event),
    stop: () => inspector.stop(),
  };
}
