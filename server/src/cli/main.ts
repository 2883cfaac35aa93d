/**
 * `scaling-lens` — the CLI over the same engine as the language server.
 *
 *   scaling-lens check [--format text|json|sarif] [--gpu NAME] [--gpus N] [--mfu X] [--price USD] FILE|DIR...
 *   scaling-lens explain [--gpu …] FILE
 *
 * Exit codes: 0 = no error-severity findings, 1 = some, 2 = usage or I/O error.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { explainAnalysis } from '../core/explain';
import { OptionsSchema, type Options, type Overrides } from '../core/options';
import { buildFileReport, type FileReport, type Report } from '../core/report';
import { parseQuantity } from '../core/units';
import { analyzeText, DIALECTS, NATIVE_FILE, type DocumentAnalysis } from '../dialects/index';
import { boundedReader, projectRoot } from '../host/files';
import { toSarif } from './sarif';
import { renderText } from './text';

declare const SCALING_LENS_VERSION: string;
const VERSION = typeof SCALING_LENS_VERSION === 'string' ? SCALING_LENS_VERSION : '0.0.0-dev';

const USAGE = `Usage:
  scaling-lens check [--format text|json|sarif] [--gpu NAME] [--gpus N] [--mfu X] [--price USD] [--dialect ID] FILE|DIR...
  scaling-lens explain [--gpu NAME] [--gpus N] [--mfu X] [--price USD] [--dialect ID] FILE
  scaling-lens lsp --stdio
  scaling-lens --version | --help

check    estimates params, tokens, FLOPs, time, cost, energy and memory per GPU; exit 1 if any error-severity finding
explain  every figure with its formula, inputs and where each input came from
lsp      the language server over stdio (for Neovim, Helix, Emacs, …)

Directories are searched for *.scaling.{yaml,yml,json,toml} files.`;

export class UsageError extends Error {}

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: string;
  readFile?: (path: string) => string;
}

const EXPAND_LIMIT = 10_000;

export function runCli(argv: string[], io: CliIO): number {
  try {
    return run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`scaling-lens: ${e.message}\n`);
      return 2;
    }
    io.stderr(`scaling-lens: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

function run(argv: string[], io: CliIO): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (command !== 'check' && command !== 'explain') throw new UsageError(`unknown command "${command}" (try --help)`);

  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        gpu: { type: 'string' },
        gpus: { type: 'string' },
        mfu: { type: 'string' },
        price: { type: 'string' },
        dialect: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.split('\n')[0]! : String(e));
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const format = v.format ?? 'text';
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif (got "${format}")`);
  if (command === 'explain' && v.format) throw new UsageError('explain has no --format; use check --format json for machine output');
  if (v.dialect && !DIALECTS.some((d) => d.id === v.dialect)) throw new UsageError(`unknown --dialect "${v.dialect}" (known: ${DIALECTS.map((d) => d.id).join(', ')})`);
  const overrides = parseOverrides(v);
  if (parsed.positionals.length === 0) throw new UsageError(`no FILE given (try: scaling-lens ${command} examples/)`);

  const files = expand(parsed.positionals, io.cwd);
  if (command === 'explain' && files.length !== 1) throw new UsageError(`explain takes exactly one file (got ${files.length})`);
  const options: Options = OptionsSchema.parse({});
  const read = io.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const analyses: { display: string; result: DocumentAnalysis }[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = read(f);
    } catch (e) {
      throw new UsageError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const display = relative(io.cwd, f) || f;
    const readFile = boundedReader([projectRoot(f), io.cwd]);
    const result = analyzeText(text, f, { options, overrides, readFile, ...(v.dialect ? { dialect: v.dialect } : {}) });
    if (!result.dialect && !result.skipped?.includes('large')) {
      result.findings.push({
        code: 'missing-value',
        severity: 'information',
        message: `Not recognised as a training config (no dialect matched). Name it *.scaling.yaml or pass --dialect (known: ${DIALECTS.map((d) => d.id).join(', ')}).`,
        range: { start: 0, end: 0 },
      });
    }
    analyses.push({ display, result });
  }

  if (command === 'explain') {
    const { display, result } = analyses[0]!;
    io.stdout(`${display} (${result.dialect?.name ?? 'not analysed'}${result.dialect ? `: ${result.dialect.reason}` : ''})\n\n`);
    if (result.analysis) io.stdout(`${explainAnalysis(result.analysis, (o) => result.lines.positionAt(o).line)}\n`);
    const text = renderText(analyses.map(({ display: d, result: r }) => ({ display: d, result: r, report: reportOf(d, r) })), { findingsOnly: true });
    if (text.trim()) io.stdout(`\n${text}`);
    return hasErrors(analyses) ? 1 : 0;
  }

  const reports = analyses.map(({ display, result }) => ({ display, result, report: reportOf(display, result) }));
  if (format === 'json') {
    const out: Report = { version: 1, files: reports.map((r) => r.report) };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else if (format === 'sarif') {
    io.stdout(`${JSON.stringify(toSarif(reports, VERSION), null, 2)}\n`);
  } else {
    io.stdout(renderText(reports, {}));
  }
  return hasErrors(analyses) ? 1 : 0;
}

function reportOf(display: string, r: DocumentAnalysis): FileReport {
  return buildFileReport(display, r.dialect?.id ?? null, r.analysis, r.findings, (o) => r.lines.positionAt(o));
}

function hasErrors(a: { result: DocumentAnalysis }[]): boolean {
  return a.some(({ result }) => result.findings.some((f) => f.severity === 'error'));
}

function parseOverrides(v: { gpu?: string | undefined; gpus?: string | undefined; mfu?: string | undefined; price?: string | undefined }): Overrides {
  const o: Overrides = {};
  if (v.gpu !== undefined) {
    if (!v.gpu.trim()) throw new UsageError('--gpu needs a name, e.g. --gpu H100');
    o.gpu = v.gpu;
  }
  if (v.gpus !== undefined) {
    const r = parseQuantity(v.gpus);
    if (!r.ok || !Number.isInteger(r.value) || r.value < 1 || r.value > 10_000_000) throw new UsageError(`--gpus must be a whole number from 1 to 10M (got "${v.gpus}")`);
    o.gpus = r.value;
  }
  if (v.mfu !== undefined) {
    const r = parseQuantity(v.mfu);
    if (!r.ok || r.value <= 0 || r.value > 1) throw new UsageError(`--mfu must be in (0, 1], e.g. 0.4 (got "${v.mfu}")`);
    o.mfu = r.value;
  }
  if (v.price !== undefined) {
    const r = parseQuantity(v.price.replace(/^\$/, ''));
    if (!r.ok || r.value < 0 || r.value > 10_000) throw new UsageError(`--price must be USD per GPU-hour, e.g. 2.5 (got "${v.price}")`);
    o.price = r.value;
  }
  return o;
}

/** Files as given; directories searched (bounded) for *.scaling.* files, sorted. */
function expand(paths: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = join(p.startsWith('/') ? '' : cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      throw new UsageError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (st.isDirectory()) {
      const found = walk(abs, 0).filter((f) => NATIVE_FILE.test(f)).sort();
      if (found.length === 0) throw new UsageError(`no *.scaling.{yaml,yml,json,toml} files in ${p}`);
      out.push(...found);
    } else out.push(abs);
  }
  return out;
}

function walk(dir: string, depth: number, acc: string[] = []): string[] {
  if (depth > 8 || acc.length > EXPAND_LIMIT) return acc;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    let st;
    try {
      st = statSync(full);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(full, depth + 1, acc);
    else acc.push(full);
  }
  return acc;
}
