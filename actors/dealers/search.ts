/** Dealer locator: nearest first, within a radius, optionally filtered by a free-text query. */
import type { Dealer, DealerHit } from '../../machines/schemas.js';

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km (haversine). */
export function distanceKm(
  a: { lat: number; lon: number },
  b: { lat: number; lon: number },
): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Folds accents and case so "sao paulo" finds "São Paulo". */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

export interface DealerQuery {
  lat: number;
  lon: number;
  radius_km?: number;
  q?: string;
  limit?: number;
}

export function searchDealers(dealers: readonly Dealer[], query: DealerQuery): DealerHit[] {
  const needle = query.q ? foldText(query.q.trim()) : '';
  const hits: DealerHit[] = [];
  for (const dealer of dealers) {
    const distance_km = Math.round(distanceKm(query, dealer) * 10) / 10;
    if (query.radius_km !== undefined && distance_km > query.radius_km) continue;
    if (needle) {
      const haystack = foldText(
        [
          dealer.name,
          dealer.city,
          dealer.state,
          dealer.cep,
          dealer.street,
          ...dealer.services,
        ].join(' '),
      );
      if (!haystack.includes(needle)) continue;
    }
    hits.push({ ...dealer, distance_km });
  }
  hits.sort((a, b) => a.distance_km - b.distance_km || a.dealer_id.localeCompare(b.dealer_id));
  return query.limit ? hits.slice(0, query.limit) : hits;
}
