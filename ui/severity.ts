/** Severity bands shared by the damage list, the car diagram and the severity score. */
import type { ComponentDamage } from '../machines/schemas.js';
import type { MessageKey } from './i18n.js';

export type SeverityBand = 'light' | 'moderate' | 'severe' | 'destroyed';

/** The band of a component's damage: destroyed parts stand out whatever their level. */
export function severityBand(level: number, type?: ComponentDamage['damage_type']): SeverityBand {
  if (type === 'destroyed') return 'destroyed';
  if (level >= 0.6) return 'severe';
  if (level >= 0.3) return 'moderate';
  return 'light';
}

/** Label for the overall score's band. */
export function severityLabel(score: number): MessageKey {
  const band = severityBand(score);
  return band === 'light'
    ? 'severity.light'
    : band === 'moderate'
      ? 'severity.moderate'
      : 'severity.severe';
}

/** CSS colour variable of a band (defined in theme.ts). */
export function severityColour(band: SeverityBand): string {
  return `var(--sev-${band})`;
}
