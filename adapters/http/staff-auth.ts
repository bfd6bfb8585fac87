/**
 * Staff access: one token for the staff console and every staff route (`STAFF_TOKEN`; when it
 * is unset, one is made at start and printed once with a one-click URL, the way notebook
 * servers do). The API takes `Authorization: Bearer <token>`; a browser gets it once through
 * `GET /staff?token=…`, which sets an HttpOnly, SameSite=Strict cookie and redirects to
 * `/staff`, so the token leaves the address bar and the history at once. Tokens are compared
 * in constant time (SHA-256 of both, then `timingSafeEqual`).
 *
 * Who did something (for the audit log) is the operator's name the console sends in
 * `X-Operator` (checked: letters, digits, spaces and a few marks), else "staff".
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { ApiError } from './errors.js';

export const STAFF_COOKIE = 'c2r_staff';
export const OPERATOR_HEADER = 'X-Operator';

export interface StaffAccess {
  token: string;
  /** True when no STAFF_TOKEN was set and this one was made at start. */
  generated: boolean;
}

/** The configured token, or a fresh random one (32 bytes, base64url). */
export function staffAccess(configured: string | undefined): StaffAccess {
  return configured
    ? { token: configured, generated: false }
    : { token: randomBytes(32).toString('base64url'), generated: true };
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Whether `given` is the token, in time that does not depend on where they differ. */
export function tokenMatches(token: string, given: string | undefined | null): boolean {
  if (!given) return false;
  return timingSafeEqual(digest(token), digest(given));
}

/** The token a request carries: its bearer header, else its staff cookie. */
export function tokenOf(c: Context): string | undefined {
  const auth = c.req.header('Authorization');
  const bearer = auth?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  return bearer ?? getCookie(c, STAFF_COOKIE);
}

/** Whether the request comes from staff. */
export function isStaff(c: Context, access: StaffAccess): boolean {
  return tokenMatches(access.token, tokenOf(c));
}

/** Whether a raw Cookie header (a WebSocket upgrade) holds the staff cookie. */
export function cookieIsStaff(cookieHeader: string | undefined, access: StaffAccess): boolean {
  const value = cookieHeader
    ?.split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === STAFF_COOKIE)?.[1];
  return tokenMatches(access.token, value ? decodeURIComponent(value) : undefined);
}

/** Middleware for staff routes: 401 `unauthorized` without the token or with a wrong one. */
export function requireStaff(access: StaffAccess) {
  return createMiddleware(async (c, next) => {
    if (!isStaff(c, access)) {
      throw new ApiError(
        'unauthorized',
        'Staff only: send Authorization: Bearer <STAFF_TOKEN>, or open the one-click staff URL the server printed',
      );
    }
    await next();
  });
}

const OPERATOR = /^[\p{L}\p{N} ._@'-]{1,60}$/u;

/** Who is acting, for the audit log: the console's operator name, else "staff". */
export function operatorOf(c: Context): string {
  const name = c.req.header(OPERATOR_HEADER)?.trim();
  return name && OPERATOR.test(name) ? name : 'staff';
}

/**
 * `GET /staff?token=…`: with the right token, sets the staff cookie and redirects to `/staff`
 * without it; with a wrong one, `'wrong'`. Null when the request carries no token parameter
 * (the page itself then decides: the cookie, or a 401).
 */
export function loginWithToken(c: Context, access: StaffAccess): Response | 'wrong' | null {
  const given = c.req.query('token');
  if (given === undefined) return null;
  if (!tokenMatches(access.token, given)) return 'wrong';
  setCookie(c, STAFF_COOKIE, access.token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    // Over plain HTTP on the event network the cookie cannot be Secure; behind TLS it is.
    secure: new URL(c.req.url).protocol === 'https:',
  });
  return c.redirect('/staff', 303);
}
