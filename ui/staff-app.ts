/**
 * Entry point of the staff console, a bundle of its own (ui/dist/staff.js) so the kiosks do not
 * download it: `/staff` shows the floor view, `/staff/sessions/{id}` that session's inspector.
 * The server serves ui/staff.html for both paths, to staff only.
 */
import './staff-floor.js';
import './staff-inspector.js';
import { staffRoute } from './staff-route.js';

const root = document.getElementById('app') ?? document.body;
const route = staffRoute(location.pathname);
if (route.page === 'inspector') {
  const inspector = document.createElement('staff-inspector');
  inspector.setAttribute('session-id', route.session_id);
  root.replaceChildren(inspector);
  document.title = `${route.session_id} · Equipe · Crash to repair`;
} else if (route.page === 'floor') {
  root.replaceChildren(document.createElement('staff-floor'));
} else {
  const message = document.createElement('p');
  message.className = 'not-found';
  message.innerHTML = 'Página não encontrada / Page not found — <a href="/staff">/staff</a>';
  root.replaceChildren(message);
}
