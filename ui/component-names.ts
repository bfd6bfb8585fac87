/**
 * Human names of car components ("front_bumper" → "Para-choque dianteiro"), taken from the
 * canonical catalogue in data/components.json so the screens and the estimator agree.
 */
import catalogue from '../data/components.json' with { type: 'json' };
import type { Locale } from '../machines/schemas.js';

const names = new Map<string, Record<string, string>>(
  catalogue.components.map((component) => [component.id, component.name as Record<string, string>]),
);

/** The component's name in `locale`; an unknown id is shown with its underscores as spaces. */
export function componentName(id: string, locale: Locale): string {
  return names.get(id)?.[locale] ?? id.replaceAll('_', ' ');
}
