import { describe, expect, it } from 'vitest';
import {
  areaLabelPoint,
  clipPolygon,
  clipPolyline,
  frameFor,
  labelAnchor,
  scaleKm,
  spreadApart,
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

describe('frameFor around the venue', () => {
  const venue = { lat: -23.6467, lon: -46.6238 };
  const near = [
    { lat: -23.62, lon: -46.63 },
    { lat: -23.6, lon: -46.61 },
  ];
  it('centres on the preferred point when every point still shows', () => {
    const frame = frameFor([venue, ...near], plot, { minSpanKm: 26, prefer: venue });
    const at = frame.project(venue);
    expect(at.x).toBeCloseTo(400, 6);
    expect(at.y).toBeCloseTo(300, 6);
    // 26 km across the plot's shorter side.
    expect(frame.pxPerKm).toBeCloseTo(600 / 26, 6);
  });
  it('moves off it only as far as a far point needs', () => {
    const far = { lat: -23.4628, lon: -46.5333 };
    const frame = frameFor([venue, far], plot, { minSpanKm: 8, grow: 1.2, prefer: venue });
    for (const point of [venue, far]) {
      const { x, y } = frame.project(point);
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(800);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(600);
    }
  });
});

describe('spreadApart', () => {
  it('leaves discs that do not touch where they are', () => {
    const discs = [
      { x: 100, y: 100, r: 20 },
      { x: 200, y: 100, r: 20 },
    ];
    expect(spreadApart(discs)).toEqual([
      { x: 100, y: 100 },
      { x: 200, y: 100 },
    ]);
  });
  it('pushes overlapping discs apart, keeping their order, and clear of a fixed one', () => {
    const discs = [
      { x: 100, y: 100, r: 20 },
      { x: 100, y: 100, r: 20 },
      { x: 110, y: 100, r: 20 },
    ];
    const venue = { x: 100, y: 140, r: 20 };
    const at = spreadApart(discs, { fixed: [venue], gap: 4 });
    for (let i = 0; i < at.length; i++) {
      for (let j = i + 1; j < at.length; j++)
        expect(Math.hypot(at[i]!.x - at[j]!.x, at[i]!.y - at[j]!.y)).toBeGreaterThan(43.5);
      expect(Math.hypot(at[i]!.x - venue.x, at[i]!.y - venue.y)).toBeGreaterThan(43.5);
    }
    // Each stays near its own place: a nudge, not a reshuffle.
    at.forEach((p, i) => expect(Math.hypot(p.x - discs[i]!.x, p.y - discs[i]!.y)).toBeLessThan(80));
  });
  it('keeps discs inside the bounds', () => {
    const at = spreadApart(
      [
        { x: 5, y: 5, r: 20 },
        { x: 6, y: 5, r: 20 },
      ],
      { bounds: { left: 0, top: 0, right: 300, bottom: 300 } },
    );
    for (const p of at) {
      expect(p.x).toBeGreaterThanOrEqual(20);
      expect(p.y).toBeGreaterThanOrEqual(20);
    }
  });
});

describe('areaLabelPoint', () => {
  it('finds the roomiest point of an L-shaped lake, inside it', () => {
    const lake = [
      { x: 0, y: 0 },
      { x: 100, y: 0 },
      { x: 100, y: 20 },
      { x: 20, y: 20 },
      { x: 20, y: 200 },
      { x: 0, y: 200 },
    ];
    const spot = areaLabelPoint(lake)!;
    expect(spot.at.x).toBeLessThan(20);
    expect(spot.room).toBeGreaterThan(5);
    expect(spot.room).toBeLessThanOrEqual(10);
  });
  it('does not count the frame edge a sea was cut at as shore', () => {
    const frame: Rect = { left: 0, top: 0, right: 400, bottom: 300 };
    const sea = [
      { x: 0, y: 200 },
      { x: 400, y: 200 },
      { x: 400, y: 300 },
      { x: 0, y: 300 },
    ];
    const spot = areaLabelPoint(sea, frame)!;
    expect(spot.at.y).toBeGreaterThan(200);
    expect(spot.room).toBeGreaterThan(20);
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
