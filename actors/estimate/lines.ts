/** Estimate lines: confidence, labour and sublet lines, and numbering them with their parts. */
import { Decimal } from 'decimal.js';
import type {
  EstimateLine,
  LaborCategory,
  Operation,
  PartsRequirement,
} from '../../machines/schemas.js';
import type { Market } from '../catalog/schemas.js';
import { money } from './money.js';

/** How much an operation's line is trusted, times the component's mapping confidence (chosen). */
export const OPERATION_CONFIDENCE: Readonly<Record<Operation, number>> = {
  replace: 0.95,
  repair: 0.85,
  refinish: 0.9,
  blend: 0.8,
  remove_install: 0.95,
  sublet: 0.9,
  check: 0.9,
  service: 0.95,
};

/** An estimate line before it is numbered. */
export type LineDraft = Omit<EstimateLine, 'line_no'>;

/** A parts requirement before its replace line is numbered. */
export type PartDraft = Omit<PartsRequirement, 'line_no'>;

/** A replace line together with the part it orders. */
export interface PartLine {
  line: LineDraft;
  part: PartDraft;
}

/** One labour-only operation on a component. */
export interface LabourWork {
  operation: Operation;
  component: string;
  description: string;
  hours: Decimal;
  category: LaborCategory;
  /** The component's damage confidence (before the operation's factor). */
  confidence: number;
}

/** A line's confidence: the component's times the operation's, rounded to 0.001. */
export function lineConfidence(confidence: number, operation: Operation): number {
  return Math.round(confidence * OPERATION_CONFIDENCE[operation] * 1000) / 1000;
}

/** The market's hourly rate for a labour category. */
export function labourRate(rates: Market['labour_rates'], category: LaborCategory): Decimal {
  return new Decimal(rates[category]);
}

/** A labour-only line: its hours at the category's rate, rounded to the cent. */
export function labourLine(work: LabourWork, rates: Market['labour_rates']): LineDraft {
  return {
    operation: work.operation,
    component_name: work.component,
    description: work.description,
    part_number: null,
    quantity: 0,
    unit_price: null,
    labor_hours: work.hours.toNumber(),
    labor_category: work.category,
    amount: money(work.hours.times(labourRate(rates, work.category))),
    confidence: lineConfidence(work.confidence, work.operation),
  };
}

/** A sublet line: one bought-in service at its price, no labour hours. */
export function subletLine(
  component: string,
  description: string,
  price: string,
  confidence: number,
): LineDraft {
  return {
    operation: 'sublet',
    component_name: component,
    description,
    part_number: null,
    quantity: 1,
    unit_price: money(price),
    labor_hours: 0,
    labor_category: null,
    amount: money(price),
    confidence: lineConfidence(confidence, 'sublet'),
  };
}

/** Numbers the lines from 1 in order; each part carries the number of its replace line. */
export function numberLines(entries: readonly (LineDraft | PartLine)[]): {
  lines: EstimateLine[];
  parts: PartsRequirement[];
} {
  const lines: EstimateLine[] = [];
  const parts: PartsRequirement[] = [];
  for (const entry of entries) {
    const line_no = lines.length + 1;
    if ('part' in entry) {
      lines.push({ line_no, ...entry.line });
      parts.push({ line_no, ...entry.part });
    } else {
      lines.push({ line_no, ...entry });
    }
  }
  return { lines, parts };
}
