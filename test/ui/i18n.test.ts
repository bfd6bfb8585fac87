import { describe, expect, it } from 'vitest';
import { en, ptBR, t, tCount } from '../../ui/i18n.js';
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
