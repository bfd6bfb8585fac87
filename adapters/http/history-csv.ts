/**
 * The session history as CSV (RFC 4180: comma-separated, CRLF line ends, a header row, fields
 * quoted when they hold a comma, a quote or a line break), for staff who open it in a
 * spreadsheet. Money stays the decimal string of the JSON; lists are joined with ";".
 */
import type { SessionSummary } from '../../actors/history.js';
import { TopLevelState } from '../../actors/protocol.js';

type Cell = string | number | boolean | null;

const COLUMNS: readonly [string, (s: SessionSummary) => Cell][] = [
  ['session_id', (s) => s.session_id],
  ['station_id', (s) => s.station_id],
  ['started_at', (s) => s.started_at],
  ['ended_at', (s) => s.ended_at],
  ['outcome', (s) => s.outcome],
  ['rehearsal', (s) => s.rehearsal],
  ['vehicle_model', (s) => s.vehicle_model],
  ['last_step', (s) => s.last_step],
  ['severity', (s) => s.severity],
  ['components', (s) => s.components.join(';')],
  ['estimate_id', (s) => s.estimate?.estimate_id ?? null],
  ['currency', (s) => s.estimate?.currency ?? null],
  ['parts_total', (s) => s.estimate?.parts_total ?? null],
  ['labor_total', (s) => s.estimate?.labor_total ?? null],
  ['tax', (s) => s.estimate?.tax ?? null],
  ['grand_total', (s) => s.estimate?.grand_total ?? null],
  ['total_loss', (s) => s.estimate?.total_loss ?? null],
  ['dealer_id', (s) => s.dealer?.dealer_id ?? null],
  ['dealer_name', (s) => s.dealer?.name ?? null],
  ['appointment_id', (s) => s.appointment?.appointment_id ?? null],
  ['slot_start', (s) => s.appointment?.slot_start ?? null],
  ['invoice_id', (s) => s.appointment?.invoice_id ?? null],
  ...TopLevelState.options.map((state): [string, (s: SessionSummary) => Cell] => [
    `ms_in_${state}`,
    (s) => s.time_in_state_ms[state] ?? 0,
  ]),
];

/** One field: empty for null; quoted when it must be; a text that a spreadsheet would run as a
 *  formula (=, +, @, or a tab/CR first) is prefixed with a quote mark. */
function cell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function historyCsv(sessions: readonly SessionSummary[]): string {
  const rows = [COLUMNS.map(([name]) => name).join(',')];
  for (const s of sessions) rows.push(COLUMNS.map(([, get]) => cell(get(s))).join(','));
  return `${rows.join('\r\n')}\r\n`;
}
