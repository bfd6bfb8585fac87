/**
 * Entry point of the screens: `/` shows the station picker, `/station/{id}` that station's
 * kiosk. The server serves the same index.html for both paths.
 */
import './station-kiosk.js';
import './station-picker.js';

/** The station id in a `/station/{id}` path, or null for any other path. */
export function stationFromPath(pathname: string): string | null {
  const match = /^\/station\/([^/]+)\/?$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

const root = document.getElementById('app') ?? document.body;
const station = stationFromPath(location.pathname);
if (station) {
  const kiosk = document.createElement('station-kiosk');
  kiosk.station = station;
  root.replaceChildren(kiosk);
  document.title = `${station} · Crash to repair`;
} else {
  root.replaceChildren(document.createElement('station-picker'));
}
