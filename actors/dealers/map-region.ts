/**
 * The kiosk's base maps (data/map/*.json): a metropolitan region's coast, bays, lakes, rivers,
 * highways and town labels, drawn by hand from the real geography and marked approximate.
 * The dealer map frames the venue and the dealers and draws what falls inside; the server
 * answers `GET /api/map?lat=&lon=` with the region that holds the venue (`regionFor`).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DataFileError, readDataFile } from '../catalog/read-data-file.js';

/** A point as GeoJSON writes it: [longitude, latitude]. */
export const LonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

/** How a feature is drawn: areas (sea, inland water, land such as islands over a bay), lines
 *  (rivers, highways) or a label at one point (a town). */
export const MapFeatureKind = z.enum(['sea', 'water', 'land', 'river', 'highway', 'place']);
export type MapFeatureKind = z.infer<typeof MapFeatureKind>;

const AREAS: ReadonlySet<MapFeatureKind> = new Set(['sea', 'water', 'land']);

export const MapFeature = z
  .object({
    kind: MapFeatureKind,
    name: z.string().min(1),
    points: z.array(LonLat).min(1),
  })
  .refine(
    (f) =>
      f.kind === 'place' ? f.points.length === 1 : f.points.length >= (AREAS.has(f.kind) ? 3 : 2),
    {
      message: 'a place has one point, a river or highway at least two, an area at least three',
      path: ['points'],
    },
  );
export type MapFeature = z.infer<typeof MapFeature>;

export const MapBounds = z
  .object({
    south: z.number().min(-90).max(90),
    west: z.number().min(-180).max(180),
    north: z.number().min(-90).max(90),
    east: z.number().min(-180).max(180),
  })
  .refine((b) => b.south < b.north && b.west < b.east, {
    message: 'south must lie below north and west left of east',
  });
export type MapBounds = z.infer<typeof MapBounds>;

export const MapRegion = z.object({
  /** Why the file is what it is (its sources, its accuracy). */
  $comment: z.string(),
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  name: z.string().min(1),
  /** Always true: hand-drawn outlines, for orientation; the screen says so. */
  approximate: z.literal(true),
  bounds: MapBounds,
  features: z.array(MapFeature).min(1),
});
export type MapRegion = z.infer<typeof MapRegion>;

/** Reads and checks every region in `<dataDir>/map/`; a bad file stops start-up naming it. */
export function loadMapRegions(dataDir: string): MapRegion[] {
  const dir = join(dataDir, 'map');
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const regions = files.map((name) => readDataFile(join(dir, name), MapRegion));
  const seen = new Set<string>();
  regions.forEach((region, index) => {
    if (seen.has(region.id))
      throw new DataFileError(join(dir, files[index]!), 'id', `region id "${region.id}" twice`);
    seen.add(region.id);
  });
  return regions;
}

/** Whether `point` lies inside `bounds` (edges included). */
export function inBounds(bounds: MapBounds, point: { lat: number; lon: number }): boolean {
  return (
    point.lat >= bounds.south &&
    point.lat <= bounds.north &&
    point.lon >= bounds.west &&
    point.lon <= bounds.east
  );
}

/** The region whose bounds hold `point` (the smallest, should two overlap), or null. */
export function regionFor(
  regions: readonly MapRegion[],
  point: { lat: number; lon: number },
): MapRegion | null {
  const area = (b: MapBounds) => (b.north - b.south) * (b.east - b.west);
  let best: MapRegion | null = null;
  for (const region of regions) {
    if (!inBounds(region.bounds, point)) continue;
    if (best === null || area(region.bounds) < area(best.bounds)) best = region;
  }
  return best;
}
