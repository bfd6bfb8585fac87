import { describe, expect, it } from 'vitest';
import type { DealerAvailability, PlanShipment } from '../../machines/schemas.js';
import {
  availabilityWords,
  earliestWords,
  relativeDay,
  shipmentWords,
} from '../../ui/parts-words.js';

// Monday 1 December 2025, 13:05 in São Paulo.
const NOW = new Date('2025-12-01T13:05:00-03:00');

const base: DealerAvailability = {
  estimate_id: 'est-1',
  parts_count: 5,
  held: ['A', 'B', 'C', 'D', 'E'],
  missing: [],
  by_courier: [],
  from_parts_centre: 0,
  transfer_cost: '0.00',
  ready_date: '2025-12-01T13:00:00-03:00',
  earliest_start: '2025-12-01T15:00:00-03:00',
};

describe('relativeDay (São Paulo days)', () => {
  it('says today, tomorrow, the weekday within the week, else the date', () => {
    expect(relativeDay('2025-12-01T23:30:00-03:00', 'pt-BR', NOW)).toBe('hoje');
    expect(relativeDay('2025-12-02T08:00:00-03:00', 'pt-BR', NOW)).toBe('amanhã');
    expect(relativeDay('2025-12-04T09:00:00-03:00', 'pt-BR', NOW)).toBe('quinta-feira');
    expect(relativeDay('2025-12-04T09:00:00-03:00', 'en', NOW)).toBe('Thursday');
    expect(relativeDay('2025-12-15T09:00:00-03:00', 'en', NOW)).toBe('Mon 15 Dec');
  });
  it('counts days in São Paulo, not UTC: 22:30 on Monday there is still Monday', () => {
    // 01:30 UTC on Tuesday.
    expect(relativeDay('2025-12-02T01:30:00Z', 'en', NOW)).toBe('today');
  });
  it('says today for a date already past: what was due then is here', () => {
    expect(relativeDay('2025-11-28T09:00:00-03:00', 'en', NOW)).toBe('today');
  });
});

describe('availabilityWords', () => {
  it('all parts on the shelf: nothing to wait for, so no day', () => {
    expect(availabilityWords(base, 'pt-BR', NOW)).toEqual(['Todas as 5 peças aqui']);
  });
  it('some by courier from named districts, ready on a weekday', () => {
    const words = availabilityWords(
      {
        ...base,
        held: ['A', 'B', 'C'],
        missing: ['D', 'E'],
        by_courier: [{ dealer_id: 'd2', name: 'Paulista', district: 'Vila Mariana', count: 2 }],
        ready_date: '2025-12-04T10:00:00-03:00',
      },
      'pt-BR',
      NOW,
    );
    expect(words.join(' · ')).toBe(
      '3 de 5 peças aqui · 2 por courier de Vila Mariana · todas aqui quinta-feira',
    );
  });
  it('names every sending dealer and the parts centre, in English', () => {
    const words = availabilityWords(
      {
        ...base,
        held: ['A', 'B'],
        missing: ['C', 'D', 'E'],
        by_courier: [
          { dealer_id: 'd2', name: 'Paulista', district: 'Vila Mariana', count: 1 },
          { dealer_id: 'd3', name: 'Santo Amaro', district: 'Santo Amaro', count: 1 },
        ],
        from_parts_centre: 1,
        ready_date: '2025-12-02T10:00:00-03:00',
      },
      'en',
      NOW,
    );
    expect(words.join(' · ')).toBe(
      '2 of 5 parts here · 1 by courier from Vila Mariana and 1 from Santo Amaro · 1 from the VW parts centre · all here tomorrow',
    );
  });
  it('none on the shelf, and an estimate without parts', () => {
    expect(
      availabilityWords(
        { ...base, held: [], missing: ['A'], parts_count: 1, from_parts_centre: 1 },
        'en',
        NOW,
      )[0],
    ).toBe('The part is not here');
    expect(availabilityWords({ ...base, parts_count: 0, held: [] }, 'en', NOW)).toEqual([
      'No parts to replace',
    ]);
  });
});

describe('earliestWords', () => {
  it('says the first slot relative to today, or that there is none', () => {
    expect(earliestWords('2025-12-02T13:30:00-03:00', 'pt-BR', NOW)).toBe(
      'primeiro horário amanhã 13:30',
    );
    expect(earliestWords(null, 'en', NOW)).toBe('no slot in the next 30 days');
  });
});

describe('shipmentWords', () => {
  const shipment: PlanShipment = {
    source: { kind: 'dealer', dealer_id: 'd2' },
    from_name: 'Paulista Motors',
    from_district: 'Vila Mariana',
    from_position: { lat: -23.59, lon: -46.64 },
    distance_km: 2.1,
    part_numbers: ['A', 'B'],
    cost: '40.00',
    eta: '2025-12-01T17:30:00-03:00',
  };
  it('a courier trip by its district, the parts centre by name', () => {
    expect(shipmentWords(shipment, 'pt-BR')).toBe('2 por courier de Vila Mariana');
    expect(
      shipmentWords(
        { ...shipment, source: { kind: 'parts_centre' }, from_district: null, part_numbers: ['C'] },
        'en',
      ),
    ).toBe('1 from the VW parts centre');
  });
});
