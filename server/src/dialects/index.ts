/**
 * Text → dialect detection → TrainingPlan → Analysis. The single entry point the CLI and the language server use.
 * No LSP, no file system: callers pass the text and the file name.
 */
import { analyze, type Analysis, type KeyHints } from '../core/analyze';
import type { Finding, Fix } from '../core/findings';
import type { Options, Overrides } from '../core/options';
import { dflt, sv, type Framework, type TrainingPlan } from '../core/plan';
import { applyDirectives } from './directives';
import { fixToTextEdits, type TextEdit } from './edits';
import { ADAPTERS } from './registry';
import type { AdapterContext, DialectAdapter } from './types';
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
  /** Reads files a config references (base configs, includes), bounded by the caller; absent = not available. */
  readFile?: (path: string, from: string) => ReturnType<NonNullable<AdapterContext['readFile']>>;
  /** Adapters to detect among (tests); default: the registry. */
  adapters?: readonly DialectAdapter[];
}

export { NATIVE_FILE } from './nativeAdapter';

/**
 * The memory profile of each dialect that declares one (`DialectAdapter.memoryProfile`). Megatron/NeMo/NeoX/DeepSpeed
 * declare none yet: the `megatron` profile flags NVIDIA's own Llama-3.1-405B NeMo recipe at 86 GiB on an 80 GB H100,
 * which is not credible, so it waits for measurements. A native file can still choose any profile.
 */
export const DIALECT_PROFILE: Partial<Record<string, Framework>> = Object.fromEntries(
  ADAPTERS.flatMap((a) => (a.memoryProfile ? [[a.id, a.memoryProfile]] : [])),
);

export const DIALECTS: readonly { id: string; name: string }[] = ADAPTERS.map((a) => ({ id: a.id, name: a.name }));

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

  const adapters = opts.adapters ?? ADAPTERS;
  const detected = detect(parsed, fileName, opts.dialect, adapters);
  if (!detected) return { ...base, format, parsed, findings: [], skipped: 'not a recognised training config' };
  const { adapter, dialect } = detected;

  let result;
  try {
    const read = opts.readFile;
    result = adapter.adapt(parsed, { fileName, ...(read ? { readFile: (p: string, from?: string) => read(p, from ?? fileName) } : {}) });
  } catch (e) {
    // An adapter bug must not take the editor down: report it and analyse nothing.
    const message = `Scaling Lens could not read this ${dialect.name} file: ${e instanceof Error ? e.message : String(e)}`;
    return { ...base, format, parsed, dialect, findings: [...syntaxFindings, { code: 'parse-error', severity: 'error', message, range: { start: 0, end: 0 } }] };
  }
  const { plan, findings: adapterFindings, keyHints } = result;
  const profile = adapter.memoryProfile;
  if (profile && !plan.training.framework) plan.training.framework = sv(profile, dflt('memory profile', `${profile} (how ${dialect.name} lays out memory; set training.framework in a native file to change)`));
  const directiveFindings = applyDirectives(parsed.comments, plan, text);
  const analysis = analyze(plan, {
    options: opts.options,
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
    keyHints,
    ...(result.hardwareHint ? { hardwareHint: result.hardwareHint } : {}),
  });
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

function detect(parsed: ParsedDocument, fileName: string, forced: string | undefined, adapters: readonly DialectAdapter[]): { adapter: DialectAdapter; dialect: DialectInfo } | undefined {
  if (forced) {
    const a = adapters.find((x) => x.id === forced);
    return a ? { adapter: a, dialect: { id: a.id, name: a.name, reason: `forced (${forced})` } } : undefined;
  }
  let best: { adapter: DialectAdapter; score: number; reason: string } | undefined;
  for (const a of adapters) {
    let d;
    try {
      d = a.detect(parsed, fileName);
    } catch {
      d = undefined;
    }
    if (d && (!best || d.score > best.score)) best = { adapter: a, score: d.score, reason: d.reason };
  }
  return best ? { adapter: best.adapter, dialect: { id: best.adapter.id, name: best.adapter.name, reason: best.reason } } : undefined;
}

/** The adapter with this id. */
export function adapterById(id: string | undefined): DialectAdapter | undefined {
  return ADAPTERS.find((a) => a.id === id);
}

/** A fix as text edits in this document's dialect and style (its adapter's renderer); undefined when not expressible. */
export function editsForFix(result: DocumentAnalysis, fix: Fix): TextEdit[] | undefined {
  if (!result.parsed || !result.dialect) return undefined;
  return fixToTextEdits(fix, result.parsed, adapterById(result.dialect.id)?.renderValue, result.dialect.id);
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
