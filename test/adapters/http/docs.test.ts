/**
 * The offline API reference page through `app.request()`: the page and its start-up script name
 * only local /api/docs/ URLs (no internet on the event floor), every file they reference answers
 * with the right type and caching, and nothing outside the allow-list is served.
 */
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { apiDocs } from '../../../adapters/http/docs.js';

function build() {
  return new Hono().route('/api/docs', apiDocs({ specUrl: '/api/openapi.json' }));
}

/** Every href and src in the page. */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1]!);
}

const ABSOLUTE_URL = /https?:\/\//i;

describe('apiDocs', () => {
  it('serves the page as HTML under a CSP that allows only this origin', async () => {
    const res = await build().request('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-eval/);
    const html = await res.text();
    expect(html).toContain('<div id="swagger-ui"></div>');
  });

  it('references only local /api/docs/ files, and runs no inline script', async () => {
    const html = await (await build().request('/api/docs')).text();
    expect(html).not.toMatch(ABSOLUTE_URL);
    const urls = referencedUrls(html).filter((u) => u !== '/api/openapi.json');
    expect(urls.length).toBeGreaterThanOrEqual(4);
    for (const url of urls) expect(url).toMatch(/^\/api\/docs\/assets\//);
    // Every <script> has a src and an empty body.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(2);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\bon[a-z]+=/i);
  });

  it('answers every referenced file with 200 and its content type', async () => {
    const app = build();
    const html = await (await app.request('/api/docs')).text();
    const expected: Record<string, RegExp> = {
      '.css': /^text\/css; charset=utf-8$/,
      '.js': /^text\/javascript; charset=utf-8$/,
      '.png': /^image\/png$/,
    };
    const urls = referencedUrls(html).filter((u) => u.startsWith('/api/docs/'));
    for (const url of urls) {
      const res = await app.request(url);
      expect(res.status, url).toBe(200);
      const ext = url.slice(url.lastIndexOf('.'));
      expect(res.headers.get('content-type'), url).toMatch(expected[ext]!);
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect((await res.arrayBuffer()).byteLength, url).toBeGreaterThan(0);
    }
  });

  it('caches the versioned swagger-ui files for good, and revalidates its own', async () => {
    const app = build();
    const html = await (await app.request('/api/docs')).text();
    const bundle = referencedUrls(html).find((u) => u.endsWith('/swagger-ui-bundle.js'))!;
    expect(bundle).toMatch(/^\/api\/docs\/assets\/\d+\.\d+\.\d+\/swagger-ui-bundle\.js$/);
    const res = await app.request(bundle);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await res.text()).toContain('SwaggerUIBundle');
    const init = await app.request('/api/docs/assets/init.js');
    expect(init.headers.get('cache-control')).toBe('no-cache');
  });

  it('sends the bundle gzipped to a client that takes gzip', async () => {
    const app = build();
    const html = await (await app.request('/api/docs')).text();
    const bundle = referencedUrls(html).find((u) => u.endsWith('/swagger-ui-bundle.js'))!;
    const plain = Buffer.from(await (await app.request(bundle)).arrayBuffer());
    const res = await app.request(bundle, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toBe('accept-encoding');
    const zipped = Buffer.from(await res.arrayBuffer());
    expect(zipped.length).toBeLessThan(plain.length / 2);
    expect(gunzipSync(zipped).equals(plain)).toBe(true);
  });

  it('starts Swagger UI on the spec URL with the online validator off, from local code only', async () => {
    const res = await build().request('/api/docs/assets/init.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const js = await res.text();
    expect(js).not.toMatch(ABSOLUTE_URL);
    expect(js).toContain('"url": "/api/openapi.json"');
    expect(js).toContain('"validatorUrl": null');
    expect(js).toContain('SwaggerUIBundle(');
  });

  it('escapes the spec URL and title into the page and the script', async () => {
    const app = new Hono().route(
      '/api/docs',
      apiDocs({ specUrl: '/api/openapi.json?x="><script>', title: 'A & <B>' }),
    );
    const html = await (await app.request('/api/docs')).text();
    expect(html).toContain('<title>A &amp; &lt;B&gt;</title>');
    expect(html).not.toContain('"><script>');
    const js = await (await app.request('/api/docs/assets/init.js')).text();
    expect(js).toContain(JSON.stringify('/api/openapi.json?x="><script>'));
  });

  it('follows another mount point', async () => {
    const app = new Hono().route(
      '/reference',
      apiDocs({ specUrl: '/openapi.json', basePath: '/reference/' }),
    );
    const html = await (await app.request('/reference')).text();
    const urls = referencedUrls(html).filter((u) => u !== '/openapi.json');
    for (const url of urls) {
      expect(url).toMatch(/^\/reference\/assets\//);
      expect((await app.request(url)).status, url).toBe(200);
    }
  });

  it.each([
    '/api/docs/assets/0.0.1/swagger-ui.css',
    '/api/docs/assets/VERSION/package.json',
    '/api/docs/assets/VERSION/index.js',
    '/api/docs/assets/VERSION/..%2fpackage.json',
    '/api/docs/assets/VERSION/%2e%2e%2f%2e%2e%2fpackage.json',
    '/api/docs/assets/VERSION/constructor',
  ])('serves nothing outside the allow-list: %s', async (path) => {
    const app = build();
    const html = await (await app.request('/api/docs')).text();
    const version = /\/assets\/(\d+\.\d+\.\d+)\//.exec(html)![1]!;
    const res = await app.request(path.replace('VERSION', version));
    expect(res.status).toBe(404);
  });
});
