import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { MapRegion } from './wire.js';

export type MapStatus = 'idle' | 'loading' | 'ready' | 'none';

/** Regions already asked for, by venue: the map is fetched once per venue, not once per screen. */
const asked = new Map<string, Promise<MapRegion | null>>();

/** Fetches `/api/map` for `venue`: the region, or null when the server has no map there (404). */
async function fetchRegion(venue: { lat: number; lon: number }): Promise<MapRegion | null> {
  const query = new URLSearchParams({ lat: String(venue.lat), lon: String(venue.lon) });
  const response = await fetch(`/api/map?${query}`, { headers: { accept: 'application/json' } });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`GET /api/map answered HTTP ${response.status}`);
  return MapRegion.parse(await response.json());
}

/**
 * The base map under the dealer map: asks the server for the region around the venue when
 * the venue changes and updates the host when it arrives. No map (none there, or the server
 * could not say) leaves the plain background, and `error` says why for the staff.
 */
export class MapRegionController implements ReactiveController {
  region: MapRegion | null = null;
  status: MapStatus = 'idle';
  error: string | null = null;
  private _key: string | null = null;

  constructor(private readonly _host: ReactiveControllerHost) {
    _host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {}

  /** Shows the region around `venue`; the same venue again asks nothing. */
  want(venue: { lat: number; lon: number }): void {
    const key = `${venue.lat.toFixed(5)},${venue.lon.toFixed(5)}`;
    if (key === this._key) return;
    this._key = key;
    let pending = asked.get(key);
    if (!pending) {
      pending = fetchRegion(venue);
      asked.set(key, pending);
    }
    this.status = 'loading';
    pending.then(
      (region) => this._settle(key, region, null),
      (err: unknown) => {
        // Ask again next time: a server that was restarting may answer then.
        asked.delete(key);
        this._settle(key, null, err instanceof Error ? err.message : String(err));
      },
    );
  }

  private _settle(key: string, region: MapRegion | null, error: string | null) {
    if (key !== this._key) return;
    this.region = region;
    this.status = region ? 'ready' : 'none';
    this.error = error;
    this._host.requestUpdate();
  }
}
