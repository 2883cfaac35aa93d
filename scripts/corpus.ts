/**
 * `npm run corpus`: every file of ../shared/corpus through the full pipeline — dialect, params, tokens, hardware,
 * findings — as a table, plus coverage totals. `--json` prints the rows as JSON.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { defaultOptions } from '../server/src/core/options';
import { formatCount } from '../server/src/core/units';
import { analyzeText } from '../server/src/dialects/index';
import { boundedReader } from '../server/src/host/files';

const root = resolve(import.meta.dirname, '..');
const corpus = resolve(root, '../shared/corpus');
if (!existsSync(corpus)) {
  console.log(`corpus SKIPPED: ${corpus} not present`);
  process.exit(0);
}
const walk = (d: string): string[] => readdirSync(d).sort().flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
const files = walk(corpus).filter((f) => /\.(ya?ml|json|toml|sh)$/i.test(f));
const readFile = boundedReader([corpus]);

export interface Row {
  file: string;
  dialect: string | null;
  reason: string;
  params: number | null;
  tokens: number | null;
  gpus: number | null;
  gpu: string | null;
  finetune: boolean;
  errors: number;
  warnings: number;
  parseErrors: number;
  missing: string[];
}

export function corpusRows(): Row[] {
  return files.map((f) => {
    const text = readFileSync(f, 'utf8');
    const r = analyzeText(text, f, { options: defaultOptions(), readFile });
    const a = r.analysis;
    return {
      file: relative(corpus, f),
      dialect: r.dialect?.id ?? null,
      reason: r.dialect?.reason ?? r.skipped ?? '',
      params: a?.figures.params.value ?? null,
      tokens: a?.figures.tokens.value ?? null,
      gpus: a?.resolved.gpus?.value ?? null,
      gpu: a?.resolved.accelerator?.name ?? a?.resolved.gpuName?.value ?? null,
      finetune: a?.isFinetune ?? false,
      errors: r.findings.filter((x) => x.severity === 'error').length,
      warnings: r.findings.filter((x) => x.severity === 'warning').length,
      parseErrors: r.findings.filter((x) => x.code === 'parse-error').length,
      missing: r.findings.filter((x) => x.code === 'missing-value').map((x) => x.message),
    };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const rows = corpusRows();
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(rows, null, 2));
    process.exit(0);
  }
  const w = Math.max(...rows.map((r) => r.file.length));
  console.log(`${'file'.padEnd(w)}  ${'dialect'.padEnd(16)} ${'params'.padStart(8)} ${'tokens'.padStart(8)} ${'hardware'.padEnd(22)} E  W  note`);
  for (const r of rows) {
    const hw = r.gpu ? `${r.gpus ?? '?'} × ${r.gpu}`.slice(0, 22) : r.gpus ? `${r.gpus} GPUs` : '—';
    console.log(
      `${r.file.padEnd(w)}  ${(r.dialect ?? '—').padEnd(16)} ${formatCount(r.params).padStart(8)} ${(r.finetune && r.tokens === null ? 'ft' : formatCount(r.tokens)).padStart(8)} ${hw.padEnd(22)} ${String(r.errors).padEnd(2)} ${String(r.warnings).padEnd(2)} ${r.finetune ? 'fine-tune' : ''}`,
    );
  }
  const n = rows.length;
  const pct = (k: number) => `${k}/${n} (${Math.round((k / n) * 100)}%)`;
  console.log(`\n${n} files: dialect ${pct(rows.filter((r) => r.dialect).length)}, params ${pct(rows.filter((r) => r.params !== null).length)}, tokens ${pct(rows.filter((r) => r.tokens !== null).length)}, hardware ${pct(rows.filter((r) => r.gpus !== null).length)}, fine-tuning ${rows.filter((r) => r.finetune).length}, with parse errors ${rows.filter((r) => r.parseErrors).length}`);
}
