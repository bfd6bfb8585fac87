/**
 * The kiosk pages and their static files: `/` (pick a station), `/station/{id}` (its kiosk),
 * `/ui/*` (the bundle built by `npm run build:ui`) and `/assets/*` (fonts and icons shipped in
 * the repo). Nothing is fetched from the internet.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
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

export interface PagesOptions {
  hasStation: (id: string) => boolean;
  uiDir?: string;
  /** The staff console's gate: the one-click login and the cookie check (staff-auth.ts). */
  staff: {
    login: (c: Context) => Response | 'wrong' | null;
    isStaff: (c: Context) => boolean;
  };
}

/** What a browser without the staff cookie gets at /staff: how to get in. */
const STAFF_ONLY_PAGE = `<!doctype html>
<html lang="pt-BR"><meta charset="utf-8"><title>Equipe — crash-to-repair</title>
<style>body{font:20px/1.5 system-ui,sans-serif;margin:10vh auto;max-width:40em;color:#001e50}</style>
<h1>Somente equipe / Staff only</h1>
<p>Abra o link de equipe que o servidor mostrou ao iniciar (<code>/staff?token=…</code>).</p>
<p>Open the staff link the server printed at start (<code>/staff?token=…</code>).</p>
</html>`;

export function pages(opts: PagesOptions) {
  const uiDir = opts.uiDir ?? UI_DIR;
  const page = async (name = 'index.html') => {
    const file = await fileUnder(uiDir, name);
    if (!file) throw new ApiError('not_found', `ui/${name} is missing`);
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
  const staffPage = (c: Context) =>
    opts.staff.isStaff(c) ? page('staff.html') : c.html(STAFF_ONLY_PAGE, 401);
  return (
    new Hono()
      .get('/', () => page())
      .get('/station/:id', (c) => {
        if (!opts.hasStation(c.req.param('id')))
          throw new ApiError('station_not_found', `No station "${c.req.param('id')}"`);
        return page();
      })
      // The one-click URL sets the cookie and comes back here without the token.
      .get('/staff', (c) => {
        const login = opts.staff.login(c);
        if (login === 'wrong') return c.html(STAFF_ONLY_PAGE, 401);
        return login ?? staffPage(c);
      })
      .get('/staff/sessions/:id', staffPage)
      .get('/ui/*', staticFrom('dist', '/ui/'))
      .get('/assets/*', staticFrom('assets', '/assets/'))
  );
}
