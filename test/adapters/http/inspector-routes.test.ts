/**
 * The staff inspector's routes in a Hono app of their own around a real runtime: the session
 * statechart laid out by ELK (coordinates for every state, children inside their parents, no
 * sibling boxes overlapping, every transition routed), and one session inspected — live (its
 * context, its invoked actors in flight, its timers) and ended (what the store kept).
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { statechartOf } from '../../../actors/statechart.js';
import { toErrorResponse } from '../../../adapters/http/errors.js';
import {
  inspect,
  inspectorRoutes,
  SessionInspection,
} from '../../../adapters/http/inspector-routes.js';
import {
  sessionStatechartLayout,
  StatechartLayout,
  type LaidOutNode,
} from '../../../adapters/http/statechart-layout.js';
import type { Runtime } from '../../../adapters/runtime.js';
import { sessionMachine } from '../../../machines/session.js';
import { boot, drive } from '../store/helpers.js';

function inspectorApp(runtime: Runtime) {
  const app = new OpenAPIHono();
  app.route('/api/staff', inspectorRoutes(runtime.floor));
  app.onError((err, c) => {
    const { status, body } = toErrorResponse(err);
    return c.json(body, status);
  });
  return app;
}

async function getJson(app: OpenAPIHono, url: string) {
  const res = await app.request(url);
  return { status: res.status, body: (await res.json()) as unknown };
}

const inside = (child: LaidOutNode, parent: LaidOutNode) =>
  child.x >= parent.x &&
  child.y >= parent.y + parent.header - 0.5 &&
  child.x + child.width <= parent.x + parent.width + 0.5 &&
  child.y + child.height <= parent.y + parent.height + 0.5;

const overlap = (a: LaidOutNode, b: LaidOutNode) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('GET /api/staff/statechart', () => {
  it('lays out every state of the machine, children inside parents, siblings apart', async () => {
    const { runtime } = boot(':memory:');
    const app = inspectorApp(runtime);
    const { status, body } = await getJson(app, '/api/staff/statechart');
    expect(status).toBe(200);
    const layout = StatechartLayout.parse(body);
    expect(layout.graph).toEqual(statechartOf(sessionMachine));
    expect(layout.width).toBeGreaterThan(0);
    expect(layout.height).toBeGreaterThan(0);

    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const state of layout.graph.nodes) {
      const box = byId.get(state.id);
      expect(box, state.id).toBeDefined();
      for (const v of [box!.x, box!.y, box!.width, box!.height]) {
        expect(Number.isFinite(v), state.id).toBe(true);
      }
      expect(box!.width, state.id).toBeGreaterThan(0);
      expect(box!.height, state.id).toBeGreaterThan(0);
      expect(box!.x + box!.width, state.id).toBeLessThanOrEqual(layout.width + 0.5);
      expect(box!.y + box!.height, state.id).toBeLessThanOrEqual(layout.height + 0.5);
      // Children (and the initial dot) sit inside their parent, below its name.
      const kids = [...state.children, ...(state.initial ? [`${state.id}#initial`] : [])];
      for (const kid of kids)
        expect(inside(byId.get(kid)!, box!), `${kid} in ${state.id}`).toBe(true);
      // Siblings do not overlap.
      const siblings = kids.map((k) => byId.get(k)!);
      for (let i = 0; i < siblings.length; i++) {
        for (let j = i + 1; j < siblings.length; j++) {
          expect(
            overlap(siblings[i]!, siblings[j]!),
            `${siblings[i]!.id} × ${siblings[j]!.id}`,
          ).toBe(false);
        }
      }
    }
    // A parent is listed before its children, so drawn in order the children are on top.
    const order = layout.nodes.map((n) => n.id);
    for (const state of layout.graph.nodes) {
      for (const kid of state.children) {
        expect(order.indexOf(state.id)).toBeLessThan(order.indexOf(kid));
      }
    }

    // Every transition with a target is routed, once per target, with its label placed.
    const routed = new Map(layout.edges.map((e) => [e.id, e]));
    for (const t of layout.graph.edges.filter((e) => !e.internal)) {
      t.targets.forEach((target, i) => {
        const edge = routed.get(`${t.id}#${i}`);
        expect(edge, t.id).toBeDefined();
        expect(edge!.points.length, t.id).toBeGreaterThanOrEqual(2);
        expect(edge!.target).toBe(target);
        expect(edge!.label?.lines[0], t.id).toBe(t.label);
        expect(edge!.label!.width).toBeGreaterThan(0);
      });
    }
    for (const edge of layout.edges) {
      expect(edge.points.length, edge.id).toBeGreaterThanOrEqual(2);
      for (const p of edge.points) {
        expect(Number.isFinite(p.x) && Number.isFinite(p.y), edge.id).toBe(true);
      }
    }
    // The initial arrows, one per compound state.
    const compounds = layout.graph.nodes.filter((n) => n.initial);
    expect(layout.edges.filter((e) => e.kind === 'initial')).toHaveLength(compounds.length);
    // Transitions that stay are written inside their state.
    expect(byId.get('session.Estimated.reviewingDamage')!.lines).toContainEqual(
      expect.objectContaining({ kind: 'internal', text: expect.stringContaining('after idle') }),
    );
    expect(byId.get('session.DealerChosen.booking')!.lines).toContainEqual({
      kind: 'invoke',
      text: 'invoke bookAppointment',
    });
  });

  it('is laid out once and kept', async () => {
    const first = await sessionStatechartLayout();
    expect(await sessionStatechartLayout()).toBe(first);
  });
});

describe('GET /api/staff/sessions/{id}', () => {
  it('inspects a live session at Estimated: its context, timers and children', async () => {
    const { runtime } = boot(':memory:');
    const app = inspectorApp(runtime);
    const view = await drive(runtime, '1', 'Estimated');
    const { status, body } = await getJson(app, `/api/staff/sessions/${view.session_id}`);
    expect(status).toBe(200);
    const found = SessionInspection.parse(body);
    expect(found).toMatchObject({
      live: true,
      station_id: '1',
      station_session_id: view.session_id,
      step: 'Estimated.reviewingDamage',
      value: { Estimated: 'reviewingDamage' },
      status: 'active',
      children: [],
      link: null,
    });
    expect(found.session.session_id).toBe(view.session_id);
    expect(found.context).toMatchObject({
      session_id: view.session_id,
      station_id: '1',
      crash_request_id: 'crash-1',
    });
    expect((found.context!.damage as { damage_id: string }).damage_id).toBe(view.damage_id);
    expect((found.context!.estimate as { estimate_id: string }).estimate_id).toBe(view.estimate_id);
    // The attendee's idle timer is running.
    expect(found.timers).toEqual([
      expect.objectContaining({
        label: 'after idle',
        state: 'Estimated.reviewingDamage',
        event: 'xstate.after.idle.session.Estimated.reviewingDamage',
      }),
    ]);
    expect(found.timers[0]!.delay_ms).toBe(runtime.floor.config.timeouts.idle_ms);

    // On to the dealers: the search is in flight until its promise settles.
    const kiosk = { source: 'kiosk' as const };
    runtime.floor.submit('1', { type: 'CONTINUE', payload: {} }, kiosk);
    runtime.floor.submit('1', { type: 'CONTINUE', payload: {} }, kiosk);
    const loading = inspect(runtime.floor, view.session_id)!;
    expect(loading.step).toBe('Estimated.choosingDealer.loading');
    expect(loading.children).toEqual([
      { id: 'findDealers', src: 'findDealers', status: 'active', state: loading.step },
    ]);
    expect(loading.timers).toEqual([]);
    await runtime.floor.waitFor('1', (v) => v.step === 'Estimated.choosingDealer.ready');
    const ready = SessionInspection.parse(
      (await getJson(app, `/api/staff/sessions/${view.session_id}`)).body,
    );
    expect(ready.children).toEqual([]);
    expect(ready.timers.map((t) => t.state)).toEqual(['Estimated.choosingDealer.ready']);
  });

  it('inspects an ended session as the store kept it, naming the station’s new one', async () => {
    const { runtime } = boot(':memory:');
    const app = inspectorApp(runtime);
    const view = await drive(runtime, '1', 'Estimated');
    runtime.floor.submit('1', { type: 'STAFF_RESET', payload: {} }, { source: 'staff' });
    const fresh = await runtime.floor.waitFor('1', (v) => v.session_id !== view.session_id);
    const { status, body } = await getJson(app, `/api/staff/sessions/${view.session_id}`);
    expect(status).toBe(200);
    const found = SessionInspection.parse(body);
    expect(found).toMatchObject({
      live: false,
      station_id: '1',
      station_session_id: fresh.session_id,
      step: 'Estimated.reviewingDamage',
      context: null,
      children: [],
      timers: [],
      link: null,
    });
    expect(found.session.can).toEqual([]);
  });

  it('answers 404 session_not_found for an id no session has', async () => {
    const { runtime } = boot(':memory:');
    const { status, body } = await getJson(inspectorApp(runtime), '/api/staff/sessions/nope');
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'session_not_found' } });
  });
});
