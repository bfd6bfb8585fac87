/** Which staff page a path is: the floor view, a session's inspector, or neither. */
export type StaffRoute =
  { page: 'floor' } | { page: 'inspector'; session_id: string } | { page: 'unknown' };

/** `/staff` → the floor; `/staff/sessions/{id}` → that session's inspector. */
export function staffRoute(pathname: string): StaffRoute {
  if (/^\/staff\/?$/.test(pathname)) return { page: 'floor' };
  const match = /^\/staff\/sessions\/([^/]+)\/?$/.exec(pathname);
  if (match) {
    try {
      return { page: 'inspector', session_id: decodeURIComponent(match[1]!) };
    } catch {
      return { page: 'unknown' };
    }
  }
  return { page: 'unknown' };
}
