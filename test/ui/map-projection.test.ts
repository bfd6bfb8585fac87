import { describe, expect, it } from 'vitest';
import {
  clipPolygon,
  clipPolyline,
  frameFor,
  labelAnchor,
  scaleKm,
  type Rect,
} from '../../ui/map-projection.js';

const plot: Rect = { left: 0, top: 0, right: 800, bottom: 600 };

describe('frameFor', () => {
  const venue = { lat: -23.6467, lon: -46.6238 };
  const guarulhos = { lat: -23.4628, lon: -46.5333 };

  it('fits every point inside the plot', () => {
    const frame = frameFor([venue, guarulhos], plot);
    for (const point of [venue, guarulhos]) {
      const { x, y } = frame.project(point);
      // A hair of rounding either way: the outermost points sit on the plot's edge.
      expect(x).toBeGreaterThan(-1e-6);
      expect(x).toBeLessThan(800 + 1e-6);
      expect(y).toBeGreaterThan(-1e-6);
      expect(y).toBeLessThan(600 + 1e-6);
    }
  });

  it('puts north up and east right', () => {
    const frame = frameFor([venue, guarulhos], plot);
    expect(frame.project(guarulhos).y).toBeLessThan(frame.project(venue).y);
    expect(frame.project(guarulhos).x).toBeGreaterThan(frame.project(venue).x);
  });

  it('draws a km as long across as up and down', () => {
    const frame = frameFor([venue, guarulhos], plot);
    // 0.01° of latitude is 1.113 km; at this latitude 0.01° of longitude is 1.113 × cos(lat).
    const north = frame.project({ lat: venue.lat + 0.01, lon: venue.lon });
    const east = frame.project({ lat: venue.lat, lon: venue.lon + 0.01 });
    const at = frame.project(venue);
    const cos = Math.cos((((venue.lat + guarulhos.lat) / 2) * Math.PI) / 180);
    expect((east.x - at.x) / (at.y - north.y)).toBeCloseTo(cos, 3);
    expect(frame.pxPerKm * 1.1132).toBeCloseTo(at.y - north.y, 2);
  });

  it('shows a lone point at the minimum span, centred', () => {
    const frame = frameFor([venue], plot, { minSpanKm: 10 });
    expect(frame.project(venue)).toEqual({ x: 400, y: 300 });
    expect(frame.pxPerKm).toBeCloseTo(60, 5);
  });

  it('shows more around the points when asked to grow', () => {
    expect(frameFor([venue, guarulhos], plot, { grow: 1.2 }).pxPerKm).toBeCloseTo(
      frameFor([venue, guarulhos], plot).pxPerKm / 1.2,
      6,
    );
  });
});

describe('scaleKm', () => {
  it('picks the longest round distance that fits', () => {
    expect(scaleKm(20, 160)).toBe(5);
    expect(scaleKm(20, 210)).toBe(10);
    expect(scaleKm(1, 160)).toBe(100);
  });
});

describe('clipping to the frame', () => {
  const rect: Rect = { left: 0, top: 0, right: 100, bottom: 100 };

  it('cuts an area reaching past the frame at its edges', () => {
    const sea = clipPolygon(
      [
        { x: -50, y: 50 },
        { x: 150, y: 50 },
        { x: 150, y: 200 },
        { x: -50, y: 200 },
      ],
      rect,
    );
    const xs = sea.map((p) => p.x);
    const ys = sea.map((p) => p.y);
    expect(Math.min(...xs)).toBe(0);
    expect(Math.max(...xs)).toBe(100);
    expect(Math.min(...ys)).toBe(50);
    expect(Math.max(...ys)).toBe(100);
  });

  it('drops an area wholly outside', () => {
    expect(
      clipPolygon(
        [
          { x: 200, y: 200 },
          { x: 300, y: 200 },
          { x: 300, y: 300 },
        ],
        rect,
      ),
    ).toEqual([]);
  });

  it('splits a line that leaves the frame and comes back', () => {
    const pieces = clipPolyline(
      [
        { x: 10, y: 50 },
        { x: 50, y: 50 },
        { x: 50, y: 150 },
        { x: 80, y: 150 },
        { x: 80, y: 50 },
      ],
      rect,
    );
    expect(pieces).toEqual([
      [
        { x: 10, y: 50 },
        { x: 50, y: 50 },
        { x: 50, y: 100 },
      ],
      [
        { x: 80, y: 100 },
        { x: 80, y: 50 },
      ],
    ]);
  });

  it('keeps a line that crosses the frame as the piece inside', () => {
    expect(
      clipPolyline(
        [
          { x: -100, y: 20 },
          { x: 200, y: 20 },
        ],
        rect,
      ),
    ).toEqual([
      [
        { x: 0, y: 20 },
        { x: 100, y: 20 },
      ],
    ]);
  });
});

describe('labelAnchor', () => {
  it('labels the longest segment and never upside down', () => {
    const anchor = labelAnchor([
      { x: 100, y: 0 },
      { x: 90, y: 0 },
      { x: 0, y: 0 },
    ]);
    expect(anchor.at).toEqual({ x: 45, y: 0 });
    expect(Math.abs(anchor.angle)).toBeLessThanOrEqual(90);
    expect(anchor.length).toBe(90);
  });
});
