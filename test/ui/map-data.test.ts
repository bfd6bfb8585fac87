/**
 * The shipped base maps (data/map/) read with the server's loader and with the browser's
 * schema, and hold the places the kiosk stands in: São Paulo Expo, Riocentro.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadMapRegions, regionFor } from '../../actors/dealers/map-region.js';
import * as wire from '../../ui/wire.js';

const dataDir = fileURLToPath(new URL('../../data/', import.meta.url));

describe('base maps', () => {
  const regions = loadMapRegions(dataDir);

  it('load, and read the same with the browser schema', () => {
    expect(regions.map((r) => r.id).sort()).toEqual(['greater-rio', 'greater-sao-paulo']);
    for (const region of regions) {
      const { $comment, ...rest } = JSON.parse(JSON.stringify(region)) as typeof region;
      expect($comment).toMatch(/approximate/i);
      expect(wire.MapRegion.parse(rest)).toEqual(rest);
    }
  });

  it('find the region around a venue, and none far away', () => {
    expect(regionFor(regions, { lat: -23.6467, lon: -46.6238 })?.id).toBe('greater-sao-paulo');
    expect(regionFor(regions, { lat: -22.9056, lon: -47.0608 })?.id).toBe('greater-sao-paulo');
    expect(regionFor(regions, { lat: -22.977, lon: -43.411 })?.id).toBe('greater-rio');
    expect(regionFor(regions, { lat: -19.92, lon: -43.94 })).toBeNull();
  });

  it('draw the reservoirs, the bay, the rivers and the highways the brief names', () => {
    const names = new Set(regions.flatMap((r) => r.features.map((f) => f.name)));
    for (const name of [
      'Represa Billings',
      'Represa Guarapiranga',
      'Rio Tietê',
      'Rio Pinheiros',
      'Anhanguera',
      'Bandeirantes',
      'Imigrantes',
      'Rodoanel',
      'Baía de Guanabara',
      'Ilha do Governador',
      'Lagoa Rodrigo de Freitas',
      'Linha Vermelha',
      'Ponte Rio–Niterói',
    ])
      expect(names, name).toContain(name);
  });

  it('refuse a file whose feature has too few points', async () => {
    const { MapFeature } = await import('../../actors/dealers/map-region.js');
    expect(MapFeature.safeParse({ kind: 'water', name: 'x', points: [[0, 0]] }).success).toBe(
      false,
    );
    expect(MapFeature.safeParse({ kind: 'place', name: 'x', points: [[0, 0]] }).success).toBe(true);
  });
});
