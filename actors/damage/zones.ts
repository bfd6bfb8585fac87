/**
 * The car zones and severities staff may type in by hand, as plain lists: the server's zod
 * enums (`ManualZone`, `ManualSeverity` in telemetry.ts) are built from them, and the kiosk
 * imports them from here so its bundle carries no zod.
 */
export const MANUAL_ZONES = [
  'front',
  'front_left',
  'front_right',
  'left',
  'right',
  'rear',
  'rear_left',
  'rear_right',
  'roof',
] as const;

export const MANUAL_SEVERITIES = ['light', 'moderate', 'severe'] as const;
