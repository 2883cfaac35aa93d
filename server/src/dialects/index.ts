/**
 * Text → dialect detection → TrainingPlan → Analysis. The single entry point the CLI and the language server use.
 * No LSP, no file system: callers pass the text and the file name.
 */
import { analyze, type Analysis, type KeyHints } from '../core/analyze';
import type { Finding } from '../core/findings';
import type { Options, Overrides } from '../core/options';
import type { TrainingPlan } from '../core/plan';
import { applyDirectives } from './directives';
import { looksNative, nativeAdapter, NATIVE_KEY_HINTS } from './native';
import { formatFromFileName, parseConfig } from './syntax/index';
import { LineIndex } from './syntax/lineIndex';
import { reparse } from './syntax/incremental';
import type { ConfigFormat, ParsedDocument } from './syntax/tree';

export interface DialectInfo {
  id: string;
  name: string;
  /** Why this dialect was chosen (shown in hover and the status item). */
  reason: string;
}

export interface DocumentAnalysis {
  fileName: string;
  format?: ConfigFormat;
  dialect?: DialectInfo;
  parsed?: ParsedDocument;
  plan?: TrainingPlan;
  analysis?: Analysis;
  keyHints: KeyHints;
  /** Syntax, adapter and analysis findings together, in document order of discovery. */
  findings: Finding[];
  lines: LineIndex;
  /** Set when the file was not analysed (too large, not a training config); says why. */
  skipped?: string;
}

export interface AnalyzeOptions {
  options: Options;
  overrides?: Overrides;
  /** Force a dialect id (CLI --dialect, setting per glob). */
  dialect?: string;
  /** The previous version's parse of the same document: typing inside a value patches it instead of re-parsing. */
  previous?: ParsedDocument;
}

export const NATIVE_FILE = /\.scaling\.(ya?ml|json|toml)$/i;

export const DIALECTS: readonly { id: string; name: string }[] = [{ id: 'native', name: 'Scaling Lens native' }];

export function analyzeText(text: string, fileName: string, opts: AnalyzeOptions): DocumentAnalysis {
  const lines = new LineIndex(text);
  const base = { fileName, lines, keyHints: {} as KeyHints };
  const format = formatFromFileName(fileName) ?? sniffFormat(text);
  if (text.length > opts.options.maxFileBytes) {
    return {
      ...base,
      format,
      findings: [{ code: 'missing-value', severity: 'information', message: `File not analysed: ${text.length.toLocaleString('en-US')} bytes is over the ${opts.options.maxFileBytes.toLocaleString('en-US')}-byte limit (setting scalingLens.maxFileBytes).`, range: { start: 0, end: 0 } }],
      skipped: 'file too large',
    };
  }
  const structure = countStructure(text);
  if (structure > MAX_STRUCTURE) {
    return {
      ...base,
      format,
      findings: [{ code: 'missing-value', severity: 'information', message: `File not analysed: ${structure.toLocaleString('en-US')} separators (',' ':' newlines) exceed the ${MAX_STRUCTURE.toLocaleString('en-US')} a training config can plausibly have; parsing it would take seconds.`, range: { start: 0, end: 0 } }],
      skipped: 'file too complex',
    };
  }
  const parsed = (opts.previous && opts.previous.format === format ? reparse(opts.previous, text) : undefined) ?? parseConfig(text, format);
  const syntaxFindings: Finding[] = parsed.errors.map((e) => ({ code: 'parse-error', severity: 'error', message: e.message, range: e.range }));
  if (parsed.truncated) {
    syntaxFindings.push({ code: 'missing-value', severity: 'information', message: 'Very large document: only its first 100,000 nodes are indexed; keys after that are not read.', range: { start: 0, end: 0 } });
  }

  const dialect = detect(parsed, fileName, opts.dialect);
  if (!dialect) return { ...base, format, parsed, findings: [], skipped: 'not a recognised training config' };

  const { plan, findings: adapterFindings } = nativeAdapter(parsed);
  const directiveFindings = applyDirectives(parsed.comments, plan, text);
  const keyHints = NATIVE_KEY_HINTS;
  const analysis = analyze(plan, { options: opts.options, ...(opts.overrides ? { overrides: opts.overrides } : {}), keyHints });
  return {
    ...base,
    keyHints,
    format,
    dialect,
    parsed,
    plan,
    analysis,
    findings: [...syntaxFindings, ...adapterFindings, ...directiveFindings, ...analysis.findings],
  };
}

function detect(parsed: ParsedDocument, fileName: string, forced: string | undefined): DialectInfo | undefined {
  if (forced) {
    const d = DIALECTS.find((x) => x.id === forced);
    return d ? { ...d, reason: `forced (${forced})` } : undefined;
  }
  if (NATIVE_FILE.test(fileName)) return { id: 'native', name: 'Scaling Lens native', reason: 'file name *.scaling.*' };
  if (looksNative(parsed)) return { id: 'native', name: 'Scaling Lens native', reason: 'top-level model/training/cluster/parallelism sections with native keys' };
  return undefined;
}

/**
 * Structural separators bound the parse cost of any format: a 10,000-line config has ≈40,000; a 5 MB one-line list of
 * millions of items is a paste accident (or an attack), not a config, and would cost the YAML parser tens of seconds.
 */
export const MAX_STRUCTURE = 400_000;

function countStructure(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 58 || c === 10) n++; // , : \n
  }
  return n;
}

function sniffFormat(text: string): ConfigFormat {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return 'json';
  return 'yaml';
}
