/**
 * Findings: diagnostics as plain data with stable codes (DESIGN §5), each optionally carrying fixes as data.
 * The LSP layer turns them into Diagnostics/CodeActions; the CLI into text/JSON/SARIF. Never parse messages.
 */
import type { OffsetRange } from './plan';

export const FINDING_CODES = [
  'under-trained',
  'over-trained',
  'does-not-fit',
  'parallelism-mismatch',
  'batch-mismatch',
  'heads-not-divisible',
  'layers-not-divisible',
  'tp-across-nodes',
  'unknown-gpu',
  'unknown-preset',
  'missing-value',
  'invalid-value',
  'parse-error',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];
export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Plan fields a fix can set; the dialect knows which key (and which text) sets each. */
export type FixField =
  | 'training.tokens'
  | 'training.steps'
  | 'training.microBatch'
  | 'training.gradAccum'
  | 'training.activationCheckpointing'
  | 'parallelism.tp'
  | 'parallelism.dp'
  | 'parallelism.zero'
  | 'parallelism.offloadOptimizer'
  | 'cluster.count';

export interface FixEdit {
  field: FixField;
  value: number | string | boolean;
  /** Where the current value is written (a document origin range), absent when the key must be added. */
  range?: OffsetRange;
  /** The key as written in the document, when known. */
  key?: string;
}

export interface Fix {
  title: string;
  edits: FixEdit[];
  /** Preferred fix (VS Code shows it first / applies it with the auto-fix shortcut). */
  preferred?: boolean;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  range: OffsetRange;
  fixes?: Fix[];
}

/** Documentation anchor for each code (README section "Diagnostics"). */
export function docsAnchor(code: FindingCode): string {
  return `diagnostic-${code}`;
}

export const DOCS_BASE = 'https://github.com/scaling-lens/scaling-lens/blob/main/README.md';
export const docsUrl = (code: FindingCode): string => `${DOCS_BASE}#${docsAnchor(code)}`;

export const FILE_START: OffsetRange = { start: 0, end: 0 };
