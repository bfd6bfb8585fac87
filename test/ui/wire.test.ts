/**
 * The browser's schemas (ui/wire.ts, zod/mini) against the server's (actors/protocol.ts): the
 * same server-shaped messages must read the same with both, so a change on one side that the
 * other misses fails here rather than as a "bad message" toast at the brand day.
 */
import { describe, expect, it } from 'vitest';
import { AuditEntry } from '../../actors/audit.js';
import * as server from '../../actors/protocol.js';
import { ReplayProgress } from '../../actors/replay/runner.js';
import { toStationSummary } from '../../adapters/http/floor-socket.js';
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

  it('reads the booked sessions’ invoices (NF-e + NFS-e, Rechnung) as the server schema does', () => {
    const booked = FIXTURES.filter(({ view }) => view.invoice !== null);
    expect(booked.map(({ view }) => view.invoice!.documents.map((d) => d.kind))).toEqual([
      ['nfe', 'nfse'],
      ['rechnung'],
    ]);
    for (const { view } of booked) {
      const parsed = wire.ServerMessage.parse(sessionMessage(view));
      expect(parsed.type === 'session' && parsed.session.invoice).toEqual(view.invoice);
    }
  });

  it('refuses an invoice without its documents (the shape from before them), as the server does', () => {
    const view = FIXTURES.find(({ view }) => view.invoice !== null)!.view;
    const { documents: _documents, ...withoutDocuments } = view.invoice!;
    for (const invoice of [withoutDocuments, { ...view.invoice!, documents: [] }]) {
      const message = sessionMessage({ ...view, invoice } as server.SessionView);
      expect(server.ServerMessage.safeParse(message).success).toBe(false);
      const fromWire = wire.ServerMessage.safeParse(message);
      expect(fromWire.success).toBe(false);
      expect(fromWire.error?.issues[0]?.path).toEqual(['session', 'invoice']);
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

describe('client floor schemas (staff console)', () => {
  /** What /ws/floor sends for these views, built by the server's own function. */
  function floorMessage(views: server.SessionView[]): unknown {
    const at = new Date('2025-12-01T16:10:00.000Z');
    return overTheWire({
      type: 'floor',
      stations: views.map((view, i) =>
        toStationSummary(view, view.updated_at, 60_000 * (i + 1), at),
      ),
      at: at.toISOString(),
      stuck_after_ms: 300_000,
    } satisfies server.FloorMessage);
  }

  it('reads a floor message built from every fixture session as the server schema does', () => {
    const message = floorMessage(FIXTURES.map(({ view }) => view));
    const fromServer = server.FloorMessage.parse(message);
    expect(fromServer.type === 'floor' && fromServer.stations.length).toBe(FIXTURES.length);
    expect(wire.FloorMessage.parse(message)).toEqual(fromServer);
    // The rig, the estimate, a dealer, an error and stuck stations are all among them.
    const stations = fromServer.type === 'floor' ? fromServer.stations : [];
    expect(stations.some((s) => s.rig !== null)).toBe(true);
    expect(stations.some((s) => s.estimate_total !== null)).toBe(true);
    expect(stations.some((s) => s.dealer_name !== null)).toBe(true);
    expect(stations.some((s) => s.stuck)).toBe(true);
    const heartbeat = overTheWire({
      type: 'heartbeat',
      at: new Date(0).toISOString(),
      every_ms: 10,
    });
    expect(wire.FloorMessage.parse(heartbeat)).toEqual(server.FloorMessage.parse(heartbeat));
  });

  it('knows the same station summary fields as the server', () => {
    expect(Object.keys(wire.StationSummary.shape).sort()).toEqual(
      Object.keys(server.StationSummary.shape).sort(),
    );
  });

  it('refuses what the floor view relies on at the same path as the server', () => {
    const good = floorMessage([FIXTURES[0]!.view]) as {
      stations: Record<string, unknown>[];
    };
    const station = good.stations[0]!;
    const bad = [
      { ...good, type: 'floors' },
      { ...good, stations: [{ ...station, state: 'Repaired' }] },
      { ...good, stations: [{ ...station, stuck: 'yes' }] },
      { ...good, stations: [{ ...station, since: undefined }] },
      { ...good, stations: [{ ...station, can: 'RETRY' }] },
    ];
    for (const message of bad) {
      const fromServer = server.FloorMessage.safeParse(message);
      const fromWire = wire.FloorMessage.safeParse(message);
      expect(fromServer.success).toBe(false);
      expect(fromWire.success).toBe(false);
      expect(fromWire.error?.issues[0]?.path).toEqual(fromServer.error?.issues[0]?.path);
    }
  });

  it('reads audit entries with the fields of the server schema', () => {
    expect(Object.keys(wire.AuditEntry.shape).sort()).toEqual(Object.keys(AuditEntry.shape).sort());
    const entry = AuditEntry.parse({
      seq: 7,
      at: '2025-12-01T16:00:00.000Z',
      who: 'Ana',
      action: 'reset',
      station_id: '1',
      session_id: '1-abc-3',
      result: 'ok',
      details: { type: 'STAFF_RESET' },
      correlation_id: null,
    });
    expect(wire.AuditList.parse(overTheWire({ entries: [entry] }))).toEqual({ entries: [entry] });
  });

  it('reads the replay fields the cards use from the server’s replay progress', () => {
    const fields = Object.keys(wire.ReplayRun.shape);
    const serverFields = Object.keys(ReplayProgress.shape);
    expect(fields.filter((f) => !serverFields.includes(f))).toEqual([]);
    expect(wire.ReplayRun.shape.status.options).toEqual(ReplayProgress.shape.status.options);
  });
});
