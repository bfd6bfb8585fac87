/**
 * The browser's schemas (ui/wire.ts, zod/mini) against the server's (actors/protocol.ts): the
 * same server-shaped messages must read the same with both, so a change on one side that the
 * other misses fails here rather than as a "bad message" toast at the brand day.
 */
import { describe, expect, it } from 'vitest';
import * as server from '../../actors/protocol.js';
import { Locale as ServerLocale } from '../../machines/schemas.js';
import * as wire from '../../ui/wire.js';
import { FIXTURES, fixtureView } from '../browser/fixtures/sessions.js';

/** What the browser receives: the value as JSON text, parsed again. */
function overTheWire(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function sessionMessage(view: server.SessionView): unknown {
  return overTheWire({
    type: 'session',
    state: view.state,
    session: view,
  } satisfies server.ServerMessage);
}

describe('client ServerMessage schema', () => {
  it('reads every fixture session as the server schema does, in both languages', () => {
    const views = FIXTURES.flatMap(({ name }) =>
      ServerLocale.options.map((locale) => fixtureView(name, locale)!),
    );
    expect(views.length).toBeGreaterThan(10);
    for (const view of views) {
      const message = sessionMessage(view);
      const fromServer = server.ServerMessage.parse(message);
      expect(wire.ServerMessage.parse(message)).toEqual(fromServer);
    }
  });

  it('reads an error message as the server schema does', () => {
    const message = overTheWire({
      type: 'error',
      error: { code: 'invalid_command', message: 'Unknown or malformed command' },
    } satisfies server.ServerMessage);
    expect(wire.ServerMessage.parse(message)).toEqual(server.ServerMessage.parse(message));
  });

  it('knows the same session fields, rig fields and enum values as the server', () => {
    expect(Object.keys(wire.SessionView.shape).sort()).toEqual(
      Object.keys(server.SessionView.shape).sort(),
    );
    expect(Object.keys(wire.RigStatus.shape).sort()).toEqual(
      Object.keys(server.RigStatus.shape).sort(),
    );
    expect(wire.TopLevelState.options).toEqual(server.TopLevelState.options);
    expect(wire.Locale.options).toEqual(ServerLocale.options);
    expect(wire.RigStatus.shape.status.options).toEqual(server.RigStatus.shape.status.options);
  });

  it('refuses what the screens rely on at the same path as the server, with its message', () => {
    const view = FIXTURES[0]!.view;
    const bad = [
      { type: 'hello' },
      { type: 'session', state: 'Repaired', session: view },
      { type: 'session', state: view.state, session: { ...view, step: 7 } },
      { type: 'session', state: view.state, session: { ...view, locale: 'de' } },
      {
        type: 'session',
        state: view.state,
        session: { ...view, rig: { ...view.rig, status: 'asleep' } },
      },
      { type: 'error', error: { code: 'refused' } },
    ];
    for (const message of bad) {
      const fromServer = server.ServerMessage.safeParse(message);
      const fromWire = wire.ServerMessage.safeParse(message);
      expect(fromServer.success).toBe(false);
      expect(fromWire.success).toBe(false);
      const serverIssue = fromServer.error?.issues[0];
      const wireIssue = fromWire.error?.issues[0];
      expect({ path: wireIssue?.path, message: wireIssue?.message }).toEqual({
        path: serverIssue?.path,
        message: serverIssue?.message,
      });
    }
  });
});

describe('client StationList schema', () => {
  it('reads GET /api/stations as adapters/http/app.ts builds it, rig link included', () => {
    const entries = FIXTURES.map(({ view }) => ({
      id: view.station_id,
      name: view.station_name,
      session_id: view.session_id,
      state: view.state,
      step: view.step,
      vehicle_model: view.vehicle_model,
      vehicle_name: view.vehicle_name,
      rig: view.rig,
      kiosk_url: `/station/${encodeURIComponent(view.station_id)}`,
    }));
    const parsed = wire.StationList.parse(overTheWire({ stations: entries }));
    expect(parsed.stations).toEqual(entries);
  });
});
