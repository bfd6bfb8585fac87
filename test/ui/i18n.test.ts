import { describe, expect, it } from 'vitest';
import { en, ptBR, t, tCount } from '../../ui/i18n.js';
import * as staff from '../../ui/i18n-staff.js';
import { Operation, LaborCategory, DamageType } from '../../machines/schemas.js';
import { TopLevelState } from '../../actors/protocol.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n dictionary', () => {
  it('has every key in both languages, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ptBR).sort());
    for (const [key, text] of [...Object.entries(ptBR), ...Object.entries(en)]) {
      expect(text.trim(), key).not.toBe('');
    }
  });
  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(ptBR) as (keyof typeof ptBR)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(ptBR[key]));
    }
  });
  it('names every operation, labour category, damage type and state the schemas allow', () => {
    const keys = new Set(Object.keys(ptBR));
    const needed = [
      ...Operation.options.map((o) => `op.${o}`),
      ...LaborCategory.options.map((c) => `labor.${c}`),
      ...DamageType.options.map((d) => `damage.type.${d}`),
      ...TopLevelState.options.map((s) => `state.${s}`),
    ];
    expect(needed.filter((key) => !keys.has(key))).toEqual([]);
  });
  it('speaks the Portuguese operation names estimators use', () => {
    expect(t('pt-BR', 'op.replace')).toBe('troca');
    expect(t('pt-BR', 'op.repair')).toBe('recuperação');
    expect(t('pt-BR', 'op.blend')).toBe('pintura de transição');
    expect(t('pt-BR', 'op.remove_install')).toBe('R&I');
  });
  it('fills placeholders and picks singular or plural', () => {
    expect(tCount('pt-BR', 'damage.unmapped', 3)).toBe('3 peças não mapeadas');
    expect(tCount('pt-BR', 'damage.unmapped', 1)).toBe('1 peça não mapeada');
    expect(t('en', 'estimate.version', { v: 2 })).toBe('version 2');
  });
});

describe('staff console dictionary', () => {
  it('has every key in both languages, none empty', () => {
    expect(Object.keys(staff.en).sort()).toEqual(Object.keys(staff.ptBR).sort());
    for (const [key, text] of [...Object.entries(staff.ptBR), ...Object.entries(staff.en)]) {
      expect(text.trim(), key).not.toBe('');
    }
  });
  it('uses the same placeholders in both languages', () => {
    for (const key of Object.keys(staff.ptBR) as staff.StaffMessageKey[]) {
      expect(placeholders(staff.en[key]), key).toEqual(placeholders(staff.ptBR[key]));
    }
  });
  it('shares no key with the kiosk dictionary, which it extends', () => {
    const kiosk = new Set(Object.keys(ptBR));
    expect(Object.keys(staff.ptBR).filter((key) => kiosk.has(key))).toEqual([]);
  });
  it('looks up its own strings and the kiosk ones it shows, in either language', () => {
    expect(staff.t('en', 'staff.count.stuck', { n: 2 })).toBe(
      staff.en['staff.count.stuck'].replace('{n}', '2'),
    );
    expect(staff.t('pt-BR', 'inspector.title')).toBe(staff.ptBR['inspector.title']);
    expect(staff.t('en', 'conn.connecting')).toBe(t('en', 'conn.connecting'));
    expect(staff.tCount('pt-BR', 'damage.unmapped', 1)).toBe('1 peça não mapeada');
    expect(staff.hasKey('staff.audit.action.reset')).toBe(true);
    expect(staff.hasKey('state.Booked')).toBe(true);
    expect(staff.hasKey('staff.nope')).toBe(false);
  });
  it('stays out of the kiosk dictionary', () => {
    expect(Object.keys(ptBR).filter((key) => /^(staff|inspector)\./.test(key))).toEqual([]);
  });
});
