/** The estimate's descriptions and notes in each market locale. */
import type { Decimal } from 'decimal.js';

export const TEXT = {
  'pt-BR': {
    replace: 'Troca',
    repair: 'Recuperação',
    refinish: 'Pintura',
    blend: 'Pintura de transição',
    remove_install: 'R&I (remoção e instalação)',
    sublet: 'Serviço terceirizado',
    clearCoat: 'Verniz (ciclo de pintura)',
    panels: 'painel(is)',
    hours: (h: Decimal) => `${h.toFixed(2).replace('.', ',')} h`,
    overlap: (h: string, with_: string) => `−${h} sobreposição com ${with_}`,
    overlapApart: (h: string) => `−${h} sobreposição, painel adicional não adjacente`,
    access: (of: string) => `acesso a ${of}`,
    forRepair: 'para a recuperação',
    check: 'Verificação e medição (sem troca)',
    ac_evacuate_recharge: 'Evacuação e recarga do ar-condicionado (R-1234yf)',
    tyre_mount_balance: 'Montagem e balanceamento do pneu',
    front_radar: 'Calibração do radar dianteiro (ADAS)',
    front_camera: 'Calibração da câmera frontal (ADAS)',
    alignment: 'Alinhamento de direção',
    illustrative: 'Números de peça e preços são ilustrativos (não são de uma tabela VW).',
    unknown: (c: string) => `Componente "${c}" não consta do catálogo deste veículo: ignorado.`,
    duplicate: (c: string) =>
      `Componente "${c}" informado mais de uma vez: considerado o dano mais grave.`,
    ignored: (c: string) => `${c}: dano abaixo do limite, nenhuma operação.`,
    cosmetic: (c: string) => `${c}: risco leve em peça não pintada, sem operação.`,
    otherModel: (d: string, v: string) =>
      `O laudo de danos é do modelo "${d}", o orçamento usa "${v}".`,
    lead: (d: number) => `Prazo inclui ${d} dia(s) úteis para peças sem estoque.`,
    totalLoss: (pct: string) => `Custo do reparo = ${pct}% do valor do veículo: perda total.`,
    taxIncluded:
      'Preços com impostos incluídos; os impostos contidos são informados (ICMS nas peças, ISS nos serviços).',
  },
  en: {
    replace: 'Replace',
    repair: 'Repair',
    refinish: 'Refinish',
    blend: 'Blend',
    remove_install: 'Remove & install',
    sublet: 'Sublet',
    clearCoat: 'Clear coat (paint cycle)',
    panels: 'panel(s)',
    hours: (h: Decimal) => `${h.toFixed(2)} h`,
    overlap: (h: string, with_: string) => `−${h} overlap with ${with_}`,
    overlapApart: (h: string) => `−${h} overlap, further panel not adjacent`,
    access: (of: string) => `access to ${of}`,
    forRepair: 'for the repair',
    check: 'Check and measure (no replacement)',
    ac_evacuate_recharge: 'A/C evacuate and recharge (R-1234yf)',
    tyre_mount_balance: 'Tyre mount and balance',
    front_radar: 'Front radar calibration (ADAS)',
    front_camera: 'Front camera calibration (ADAS)',
    alignment: 'Wheel alignment',
    illustrative: 'Part numbers and prices are illustrative (not from a VW price list).',
    unknown: (c: string) => `Component "${c}" is not in this vehicle's catalogue: skipped.`,
    duplicate: (c: string) =>
      `Component "${c}" was reported more than once: the worst damage is used.`,
    ignored: (c: string) => `${c}: damage below the threshold, no operation.`,
    cosmetic: (c: string) => `${c}: light scratch on an unpainted part, no operation.`,
    otherModel: (d: string, v: string) =>
      `The damage report is for "${d}", the estimate uses "${v}".`,
    lead: (d: number) => `Duration includes ${d} working day(s) for parts not in stock.`,
    totalLoss: (pct: string) => `Repair cost is ${pct}% of the vehicle's value: total loss.`,
    taxIncluded: 'Prices include tax; the tax contained is shown.',
  },
} as const;

/** The texts of one locale. */
export type Text = (typeof TEXT)[keyof typeof TEXT];

/** A canonical component's display name in the estimate's locale (its id when unknown). */
export type NameOf = (id: string) => string;
