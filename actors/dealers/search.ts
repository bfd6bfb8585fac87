/** Dealer locator: nearest first by great-circle distance, within a radius, filtered by service
 *  and by the days a dealer opens. */
import type { Dealer, DealerHit, DealerService } from '../../machines/schemas.js';
import { opensOn } from './slots.js';

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
  /** No result farther than this (km). */
  radius_km?: number;
  /** Only dealers offering this service. */
  service?: DealerService;
  /** Only dealers open on this local date (yyyy-mm-dd). */
  open_on?: string;
  limit?: number;
}

/** Dealers within the radius that match the filters, nearest first (great-circle). */
export function searchDealers(dealers: readonly Dealer[], query: DealerQuery): DealerHit[] {
  const found: { dealer: Dealer; km: number }[] = [];
  for (const dealer of dealers) {
    const km = distanceKm(query, dealer);
    if (query.radius_km !== undefined && km > query.radius_km) continue;
    if (query.service && !dealer.services.includes(query.service)) continue;
    if (query.open_on && !opensOn(dealer, query.open_on)) continue;
    found.push({ dealer, km });
  }
  found.sort((a, b) => a.km - b.km || a.dealer.dealer_id.localeCompare(b.dealer.dealer_id));
  const hits = found.map(({ dealer, km }): DealerHit => ({
    ...dealer,
    distance_km: Math.round(km * 10) / 10,
    availability: null,
  }));
  return query.limit ? hits.slice(0, query.limit) : hits;
}
