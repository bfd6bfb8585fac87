/** The kiosk's reading of the rig link and the staff's manual damage request (no browser). */
import { describe, expect, it } from 'vitest';
import type { RigStatus } from '../../actors/protocol.js';
import { formatClock } from '../../ui/format.js';
import { t } from '../../ui/i18n.js';
import { acceptsManualDamage, manualDamageBody, postManualDamage } from '../../ui/manual-damage.js';
import { rigBadge, staleTelemetryAt } from '../../ui/rig-status.js';

const rig: RigStatus = {
  station_id: '1',
  status: 'connected',
  address: '127.0.0.1:64256',
  simulated: false,
  vehicle: null,
  last_telemetry_at: '2025-12-01T16:04:10.000Z',
  last_error: null,
  connected_at: '2025-12-01T16:00:00.000Z',
  attempt: 0,
  mod: 'installed',
  mod_error: null,
};
const live = { total_damage: 5210, received_at: '2025-12-01T16:04:12.000Z' };

describe('rig badge', () => {
  it('is green when connected, amber while connecting or handshaking, red when offline', () => {
    expect(rigBadge({ status: 'connected' })).toEqual({ tone: 'ok', label: 'rig.connected' });
    expect(rigBadge({ status: 'connecting' })).toEqual({
      tone: 'pending',
      label: 'rig.connecting',
    });
    expect(rigBadge({ status: 'handshaking' })).toEqual({
      tone: 'pending',
      label: 'rig.connecting',
    });
    expect(rigBadge({ status: 'disconnected' })).toEqual({
      tone: 'down',
      label: 'rig.disconnected',
    });
    expect(t('pt-BR', 'rig.disconnected')).toBe('Simulador offline');
    expect(t('en', 'rig.connecting')).toBe('Connecting to simulator…');
  });
});

describe('stale telemetry notice', () => {
  it('gives the last reading time when the rig is down and the session holds telemetry', () => {
    const at = staleTelemetryAt({
      rig: { ...rig, status: 'disconnected' },
      has_telemetry: true,
      live_damage: live,
    });
    expect(at).toBe(live.received_at);
    // São Paulo time, with seconds, as the notice prints it.
    expect(t('pt-BR', 'rig.staleTelemetry', { time: formatClock(at!, 'pt-BR') })).toBe(
      'Simulador desconectado — usando a última telemetria recebida às 13:04:12',
    );
  });

  it('says nothing when connected, without telemetry, or for a station with no simulator', () => {
    expect(staleTelemetryAt({ rig, has_telemetry: true, live_damage: live })).toBeNull();
    expect(
      staleTelemetryAt({
        rig: { ...rig, status: 'connecting' },
        has_telemetry: false,
        live_damage: null,
      }),
    ).toBeNull();
    expect(staleTelemetryAt({ rig: null, has_telemetry: true, live_damage: live })).toBeNull();
  });
});

describe('manual damage entry', () => {
  it('is offered while waiting and after a failed analysis only', () => {
    expect(acceptsManualDamage({ state: 'Waiting', step: 'Waiting.crashDetected' })).toBe(true);
    expect(acceptsManualDamage({ state: 'Crashed', step: 'Crashed.failed' })).toBe(true);
    expect(acceptsManualDamage({ state: 'Crashed', step: 'Crashed.analysing' })).toBe(false);
    expect(acceptsManualDamage({ state: 'Estimated', step: 'Estimated.reviewingDamage' })).toBe(
      false,
    );
  });

  it('sends the chosen zones in grid order to the station', async () => {
    const calls: [string, RequestInit][] = [];
    const fetchStub = (async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return new Response(JSON.stringify({ damage_id: 'dmg-1', session_id: 's', report: {} }), {
        status: 201,
      });
    }) as typeof fetch;
    const result = await postManualDamage('st 1', { rear: 'light', front: 'severe' }, fetchStub);
    expect(result).toEqual({ ok: true, damageId: 'dmg-1' });
    expect(calls[0]![0]).toBe('/api/stations/st%201/manual-damage');
    expect(calls[0]![1].method).toBe('POST');
    expect(JSON.parse(String(calls[0]![1].body))).toEqual({
      zones: [
        { zone: 'front', severity: 'severe' },
        { zone: 'rear', severity: 'light' },
      ],
    });
    expect(manualDamageBody({})).toEqual({ zones: [] });
  });

  it("returns the server's error message when refused, and a value for network failures", async () => {
    const refused = (async () =>
      new Response(
        JSON.stringify({ error: { code: 'not_accepted', message: 'Station 1 is busy' } }),
        { status: 409 },
      )) as typeof fetch;
    expect(await postManualDamage('1', { front: 'severe' }, refused)).toEqual({
      ok: false,
      error: { code: 'not_accepted', message: 'Station 1 is busy' },
    });
    const html = (async () =>
      new Response('<h1>Bad gateway</h1>', {
        status: 502,
        statusText: 'Bad Gateway',
      })) as typeof fetch;
    expect(await postManualDamage('1', { front: 'severe' }, html)).toEqual({
      ok: false,
      error: { code: 'http_502', message: 'HTTP 502 Bad Gateway' },
    });
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await postManualDamage('1', { front: 'severe' }, offline)).toEqual({
      ok: false,
      error: { code: 'network', message: 'Failed to fetch' },
    });
  });
});
