/** The history's CSV: RFC 4180 quoting, empty cells for nothing, no formulas for spreadsheets. */
import { expect, it } from 'vitest';
import type { SessionSummary } from '../../../actors/history.js';
import { historyCsv } from '../../../adapters/http/history-csv.js';

const summary: SessionSummary = {
  session_id: '1-abc-1',
  station_id: '1',
  started_at: '2026-12-01T13:00:00.000Z',
  ended_at: '2026-12-01T13:05:00.000Z',
  outcome: 'completed',
  rehearsal: false,
  vehicle_model: 'tcross',
  last_step: 'Booked.closed',
  severity: 0.5,
  components: ['hood', 'front_bumper'],
  estimate: null,
  dealer: { dealer_id: 'vw-sp-001', name: 'Auto "Sul", Ltda\nFilial' },
  appointment: null,
  time_in_state_ms: { Waiting: 1000, Booked: 2000 },
};

it('quotes what must be quoted and leaves nothing out', () => {
  const [header, row, end] = historyCsv([summary]).split('\r\n');
  expect(end).toBe('');
  const names = header!.split(',');
  expect(names).toContain('dealer_name');
  expect(row).toContain(',"Auto ""Sul"", Ltda\nFilial",');
  expect(row).toContain(',hood;front_bumper,');
  // No estimate: empty cells; a state never entered: 0 ms.
  expect(row).toContain(',,,,,,,');
  expect(row!.endsWith(',1000,0,0,0,2000')).toBe(true);
});

it('does not let a spreadsheet run a cell as a formula', () => {
  const row = historyCsv([{ ...summary, dealer: { dealer_id: 'x', name: '=HYPERLINK("x")' } }]);
  expect(row).toContain(`,"'=HYPERLINK(""x"")",`);
});

it('is a header alone when there are no sessions', () => {
  expect(historyCsv([]).split('\r\n')).toHaveLength(2);
});
