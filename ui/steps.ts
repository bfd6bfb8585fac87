/**
 * Which of the five screens a session's state path belongs to. The server's `step` is the
 * full state path ("Estimated.reviewingEstimate"); screens switch on it, never on local state.
 */
import type { SessionView } from '../actors/protocol.js';
import type { MessageKey } from './i18n.js';

export type ScreenName = 'landing' | 'damage' | 'estimate' | 'dealer' | 'confirmation';

/** The five steps, in order, with their header labels. */
export const STEPS: readonly { screen: ScreenName; label: MessageKey }[] = [
  { screen: 'landing', label: 'step.crash' },
  { screen: 'damage', label: 'step.damage' },
  { screen: 'estimate', label: 'step.estimate' },
  { screen: 'dealer', label: 'step.dealer' },
  { screen: 'confirmation', label: 'step.appointment' },
];

/** The screen for a state path. */
export function screenFor(step: string): ScreenName {
  if (step.startsWith('Waiting')) return 'landing';
  if (step.startsWith('Crashed')) return 'damage';
  if (step.startsWith('Estimated.reviewingDamage')) return 'damage';
  if (step.startsWith('Estimated.reviewingEstimate')) return 'estimate';
  if (step.startsWith('Estimated.choosingDealer') || step.startsWith('DealerChosen'))
    return 'dealer';
  if (step.startsWith('Booked')) return 'confirmation';
  // A state path this screen does not know yet: show the screen of its top-level state.
  const top = step.split('.')[0];
  if (top === 'Estimated') return 'estimate';
  return 'landing';
}

/** Whether the state path is `prefix` or one of its sub-states. */
export function inStep(session: Pick<SessionView, 'step'>, prefix: string): boolean {
  return session.step === prefix || session.step.startsWith(`${prefix}.`);
}
