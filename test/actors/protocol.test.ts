/** Every kiosk command is an input of the intake: the same type with the same fields. */
import { describe, expect, it } from 'vitest';
import { ClientCommand, commandInput } from '../../actors/protocol.js';
import { Envelope } from '../../machines/envelope.js';

const meta = {
  station_id: '1',
  source: 'kiosk',
  request_id: 'r-1',
  correlation_id: 'c-1',
  at: '2026-12-01T10:00:00.000Z',
} as const;

const examples: unknown[] = [
  { type: 'REPAIR_REQUESTED' },
  { type: 'SIMULATE_CRASH', sample: 'tcross-front' },
  { type: 'SIMULATE_CRASH' },
  { type: 'CONTINUE' },
  { type: 'BACK' },
  { type: 'RETRY' },
  { type: 'DEALER_CHOSEN', dealer_id: 'vw-sp-001' },
  { type: 'CHANGE_DEALER' },
  { type: 'SLOT_CHOSEN', slot_start: '2026-12-02T09:00:00-03:00' },
  { type: 'NEXT_DRIVER' },
  { type: 'SET_LOCALE', locale: 'en' },
  { type: 'STAFF_RESET' },
];

describe('commandInput', () => {
  it('covers every command type', () => {
    const types = new Set(examples.map((e) => (e as { type: string }).type));
    expect([...types].sort()).toEqual(
      [...ClientCommand.options.map((o) => o.shape.type.value)].sort(),
    );
  });

  it.each(examples.map((e) => [(e as { type: string }).type, e]))(
    '%s becomes a valid envelope with the same fields',
    (_type, example) => {
      const command = ClientCommand.parse(example);
      const envelope = Envelope.parse({ ...commandInput(command), ...meta });
      const { type, ...fields } = command;
      expect(envelope).toMatchObject({ type, payload: fields });
    },
  );
});
