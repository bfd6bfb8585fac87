/**
 * Staff access: the one-click URL sets an HttpOnly, SameSite=Strict cookie and redirects; the
 * console pages and staff routes answer 401 without the token or with a wrong one, and take the
 * bearer header or the cookie; a token made at start is long and fresh each time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { staffAccess, tokenMatches } from '../../../adapters/http/staff-auth.js';
import { buildApp, STAFF, stopAll, TEST_STAFF_TOKEN, type TestApp } from './helpers.js';

const live: TestApp[] = [];
afterEach(() => stopAll(live));

describe('staff access', () => {
  it('logs a browser in with the one-click URL: HttpOnly SameSite cookie, redirect without the token', async () => {
    const { app } = buildApp(live);
    const res = await app.request(`/staff?token=${TEST_STAFF_TOKEN}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^c2r_staff=${TEST_STAFF_TOKEN};`));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    const withCookie = { headers: { Cookie: `c2r_staff=${TEST_STAFF_TOKEN}` } };
    for (const page of ['/staff', '/staff/sessions/1-abc-1']) {
      const ok = await app.request(page, withCookie);
      expect(ok.status, page).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^text\/html/);
    }
    // The cookie opens the staff API too.
    expect((await app.request('/api/audit', withCookie)).status).toBe(200);
  });

  it('answers 401 without the token, with a wrong one, and to a wrong one-click link', async () => {
    const { app } = buildApp(live);
    const attempts: RequestInit[] = [
      {},
      { headers: { Cookie: 'c2r_staff=nope' } },
      { headers: { Authorization: 'Bearer nope' } },
      { headers: { Authorization: TEST_STAFF_TOKEN } },
    ];
    for (const init of attempts) {
      const page = await app.request('/staff', init);
      expect(page.status).toBe(401);
      expect(await page.text()).toContain('Staff only');
      const api = await app.request('/api/audit', init);
      expect(api.status).toBe(401);
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    const wrong = await app.request('/staff?token=nope');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await app.request('/api/audit', { headers: STAFF })).status).toBe(200);
    expect(
      (
        await app.request('/api/audit', {
          headers: { Authorization: `bearer ${TEST_STAFF_TOKEN}` },
        })
      ).status,
    ).toBe(200);
  });

  it('keeps the routes rigs and the mod call open, and the kiosk pages', async () => {
    const { app } = buildApp(live);
    for (const path of ['/api/health', '/api/stations', '/api/beamng/status', '/', '/station/1']) {
      expect((await app.request(path)).status, path).toBe(200);
    }
  });

  it('makes a long random token when none is set, and compares by value', () => {
    const a = staffAccess(undefined);
    const b = staffAccess(undefined);
    expect(a.generated).toBe(true);
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.token).not.toBe(b.token);
    expect(staffAccess('a-configured-token-123')).toEqual({
      token: 'a-configured-token-123',
      generated: false,
    });
    expect(tokenMatches(a.token, a.token)).toBe(true);
    expect(tokenMatches(a.token, `${a.token}x`)).toBe(false);
    expect(tokenMatches(a.token, '')).toBe(false);
    expect(tokenMatches(a.token, undefined)).toBe(false);
  });
});
