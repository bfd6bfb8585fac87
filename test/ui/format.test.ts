import { describe, expect, it } from 'vitest';
import {
  appointmentReference,
  dayKey,
  formatDateTime,
  formatDuration,
  formatHours,
  formatItemCount,
  formatMoney,
  formatOpeningHours,
  formatPartNumber,
  formatRate,
  formatTime,
  groupByDay,
} from '../../ui/format.js';

// Intl separates the currency symbol with a no-break space; compare with plain spaces.
const plain = (text: string) => text.replace(/\u00a0|\u202f/g, ' ');

describe('formatMoney', () => {
  it('prints reais the Brazilian way', () => {
    expect(plain(formatMoney('15472.40', 'BRL', 'pt-BR'))).toBe('R$ 15.472,40');
  });
  it('prints reais in English with English separators', () => {
    expect(plain(formatMoney('15472.40', 'BRL', 'en'))).toBe('R$15,472.40');
  });
  it('uses the estimate currency', () => {
    expect(plain(formatMoney('2474.00', 'EUR', 'pt-BR'))).toBe('€ 2.474,00');
  });
  it('keeps negative amounts negative', () => {
    expect(plain(formatMoney('-10.50', 'BRL', 'pt-BR'))).toBe('-R$ 10,50');
  });
});

describe('formatPartNumber', () => {
  it('joins VW groups with hyphens as VW do Brasil prints them', () => {
    expect(formatPartNumber('5H0 807 221')).toBe('5H0-807-221');
    expect(formatPartNumber('5H0 807 221 GRU')).toBe('5H0-807-221-GRU');
    expect(formatPartNumber('5H0 941 005 A')).toBe('5H0-941-005-A');
  });
  it('splits numbers written without separators', () => {
    expect(formatPartNumber('5H0807221GRU')).toBe('5H0-807-221-GRU');
    expect(formatPartNumber('2GM853601')).toBe('2GM-853-601');
  });
  it('leaves things that are not VW numbers alone and shows a dash for none', () => {
    expect(formatPartNumber('ADAS-CAL')).toBe('ADAS-CAL');
    expect(formatPartNumber('SUBLET')).toBe('SUBLET');
    expect(formatPartNumber(null)).toBe('—');
  });
});

describe('formatDuration', () => {
  it('reads days and hours in Portuguese', () => {
    expect(formatDuration('P2DT4H', 'pt-BR')).toBe('2 dias e 4 h');
    expect(formatDuration('P1D', 'pt-BR')).toBe('1 dia');
    expect(formatDuration('PT3H30M', 'pt-BR')).toBe('3 h e 30 min');
    expect(formatDuration('P1DT2H15M', 'pt-BR')).toBe('1 dia, 2 h e 15 min');
  });
  it('reads them in English', () => {
    expect(formatDuration('P2DT4H', 'en')).toBe('2 days and 4 h');
    expect(formatDuration('P1D', 'en')).toBe('1 day');
  });
  it('passes unknown shapes through rather than inventing a duration', () => {
    expect(formatDuration('P1W', 'pt-BR')).toBe('P1W');
  });
});

describe('dates in São Paulo', () => {
  // 02:30 UTC on 2 Dec is still 1 Dec, 23:30 in São Paulo (UTC−3).
  const lateEvening = '2025-12-02T02:30:00.000Z';
  it('shows São Paulo clock time whatever the machine zone', () => {
    expect(formatTime(lateEvening, 'pt-BR')).toBe('23:30');
    expect(formatTime('2025-12-02T12:00:00.000Z', 'en')).toBe('09:00');
  });
  it('puts an instant on its São Paulo calendar day', () => {
    expect(dayKey(lateEvening)).toBe('2025-12-01');
    expect(formatDateTime(lateEvening, 'pt-BR')).toBe('segunda-feira, 1 de dezembro · 23:30');
  });
  it('groups slots by São Paulo day in order', () => {
    const slots = ['2025-12-01T11:00:00Z', '2025-12-02T02:30:00Z', '2025-12-02T12:00:00Z'];
    expect(groupByDay(slots, (s) => s).map((g) => [g.day, g.items.length])).toEqual([
      ['2025-12-01', 2],
      ['2025-12-02', 1],
    ]);
  });
});

describe('formatOpeningHours', () => {
  const week = (): [string, string] => ['08:00', '18:00'];
  it('compresses runs of equal days and drops closed days', () => {
    const hours = {
      mon: week(),
      tue: week(),
      wed: week(),
      thu: week(),
      fri: week(),
      sat: ['08:00', '12:00'] as [string, string],
      sun: null,
    };
    expect(formatOpeningHours(hours, 'pt-BR')).toBe('Seg–Sex 08:00–18:00 · Sáb 08:00–12:00');
    expect(formatOpeningHours(hours, 'en')).toBe('Mon–Fri 08:00–18:00 · Sat 08:00–12:00');
  });
  it('does not join days across a closed day', () => {
    expect(formatOpeningHours({ mon: week(), tue: null, wed: week() }, 'pt-BR')).toBe(
      'Seg 08:00–18:00 · Qua 08:00–18:00',
    );
  });
});

describe('formatRate', () => {
  it("reads the server's percent strings", () => {
    expect(plain(formatRate('18.00', 'pt-BR'))).toBe('18%');
    expect(plain(formatRate('30.42', 'pt-BR'))).toBe('30,42%');
    expect(plain(formatRate('5.00', 'en'))).toBe('5%');
  });
  it('keeps small percentages small (0.65 is 0.65%, not 65%)', () => {
    expect(plain(formatRate('0.65', 'pt-BR'))).toBe('0,65%');
    expect(plain(formatRate('1.00', 'en'))).toBe('1%');
  });
});

describe('appointmentReference', () => {
  it('reads the first 8 letters and digits after "apt-", upper-case', () => {
    expect(appointmentReference('apt-e6514702-b1e2-44e3-a268-6c4a79d0cf55')).toBe('E6514702');
    expect(appointmentReference('apt-slot-pt-BR')).toBe('SLOTPTBR');
  });
  it('keeps a short id whole', () => {
    expect(appointmentReference('APT-42')).toBe('42');
    expect(appointmentReference('apt-')).toBe('APT-');
  });
});

describe('formatHours', () => {
  it('shows labour hours to the hundredth (ZE), as VW bills them', () => {
    // 5.17 h × R$ 240,00 = R$ 1.240,80: one decimal ("5,2 h") would not multiply out.
    expect(formatHours(5.17, 'pt-BR')).toBe('5,17 h');
    expect(formatHours(5.17, 'en')).toBe('5.17 h');
    expect(formatHours(2, 'pt-BR')).toBe('2,00 h');
    expect(formatHours(0.005, 'en')).toBe('0.01 h');
  });
});

describe('formatItemCount', () => {
  it('counts only lines with an amount', () => {
    const lines = [{ amount: '650.00' }, { amount: '0.00' }, { amount: '260.00' }];
    expect(formatItemCount(lines, 'pt-BR')).toBe('2 itens');
    expect(formatItemCount([{ amount: '0.00' }, { amount: '1.00' }], 'en')).toBe('1 line');
  });
});
