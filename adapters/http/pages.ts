/**
 * The kiosk pages and their static files: `/` (pick a station), `/station/{id}` (its kiosk),
 * `/ui/*` (the bundle built by `npm run build:ui`) and `/assets/*` (fonts and icons shipped in
 * the repo). Nothing is fetched from the internet.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { ApiError } from './errors.js';

const UI_DIR = resolve(fileURLToPath(new URL('../../ui/', import.meta.url)));
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Reads a file under `root`, refusing any path that climbs out of it. */
async function fileUnder(
  root: string,
  relativePath: string,
): Promise<{ body: Buffer; type: string } | null> {
  const full = normalize(join(root, relativePath));
  if (!full.startsWith(root + sep)) return null;
  try {
    return {
      body: await readFile(full),
      type: CONTENT_TYPES[extname(full)] ?? 'application/octet-stream',
    };
  } catch {
    return null;
  }
}

export function pages(opts: { hasStation: (id: string) => boolean; uiDir?: string }) {
  const uiDir = opts.uiDir ?? UI_DIR;
  const page = async () => {
    const file = await fileUnder(uiDir, 'index.html');
    if (!file) throw new ApiError('not_found', 'ui/index.html is missing');
    return new Response(new Uint8Array(file.body), {
      headers: { 'content-type': file.type, 'cache-control': 'no-cache' },
    });
  };
  const staticFrom = (dir: string, prefix: string) => async (c: { req: { path: string } }) => {
    const file = await fileUnder(
      join(uiDir, dir),
      decodeURIComponent(c.req.path.slice(prefix.length)),
    );
    if (!file)
      throw new ApiError(
        'not_found',
        `No file ${c.req.path}${dir === 'dist' ? ' (did `npm run build:ui` run?)' : ''}`,
      );
    return new Response(new Uint8Array(file.body), {
      headers: { 'content-type': file.type, 'cache-control': 'no-cache' },
    });
  };
  return new Hono()
    .get('/', page)
    .get('/station/:id', (c) => {
      if (!opts.hasStation(c.req.param('id')))
        throw new ApiError('station_not_found', `No station "${c.req.param('id')}"`);
      return page();
    })
    .get('/ui/*', staticFrom('dist', '/ui/'))
    .get('/assets/*', staticFrom('assets', '/assets/'));
}
