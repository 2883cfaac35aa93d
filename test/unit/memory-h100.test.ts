/**
 * The memory model against reality: every case measured on one H100 (test/fixtures/gpu/*.jsonl, copies of
 * shared/gpu/results-h100*.jsonl; method in shared/gpu/README.md and measure*.py).
 *
 * Each record becomes a native `*.scaling.yaml` text (dims, sequence, micro-batch, precision mode, checkpointing, LoRA,
 * FSDP world size, TP/SP) with `training.framework: hf` (eager Hugging Face; FSDP2 and DTensor TP when sharded), goes
 * through analyzeText, and `analysis.memory.perGpuGiB` (reserved peak + CUDA context = what nvidia-smi shows) is compared
 * with the measured peak_reserved + 0.75 GiB. Every case that ran must be within 10%; every OOM case must not fit on the
 * H100 (79.18 GiB usable). The per-case table is printed for the release note.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeText } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';
import { CUDA_CONTEXT_GIB, usableMemoryGiB } from '../../server/src/core/memory';

const GIB = 2 ** 30;
const TOLERANCE = 0.1;

interface Rec {
  name: string;
  status: string;
  n_layers: number;
  d_model: number;
  n_heads: number;
  n_kv_heads: number;
  ffn: number;
  vocab: number;
  seq_len: number;
  micro_batch: number;
  mode: string;
  ckpt: boolean;
  tied_embeddings: boolean;
  n_params: number;
  peak_reserved?: number;
  peak_alloc?: number;
  finetune?: { method: string; rank: number; adapter_dtype: string; base_dtype: string };
  world_size?: number;
  tp?: number;
  sp?: boolean;
  dp_shard?: number;
  sharding?: string;
}

function load(file: string): Rec[] {
  return readFileSync(resolve(__dirname, '../fixtures/gpu', file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Rec);
}

const FILES = ['results-h100.jsonl', 'results-h100-lora.jsonl', 'results-h100-fsdp.jsonl', 'results-h100-tp.jsonl'];

/** The record as a native plan. */
export function nativeText(r: Rec): string {
  const fsdp = r.sharding !== undefined || r.mode.startsWith('fsdp');
  const lora = r.finetune?.method === 'lora';
  // mode a = fp32 params + bf16 autocast (bf16-mixed); b = pure bf16 (bf16-true); FSDP2 MixedPrecisionPolicy(bf16, fp32 reduce) over fp32 master = bf16-mixed.
  const precision = r.mode === 'b' ? 'bf16-true' : 'bf16-mixed';
  const gpus = fsdp ? (r.world_size ?? 1) : (r.tp ?? 1) * (r.dp_shard ?? 1);
  const lines = [
    'model:',
    `  layers: ${r.n_layers}`,
    `  hidden: ${r.d_model}`,
    `  heads: ${r.n_heads}`,
    `  kv_heads: ${r.n_kv_heads}`,
    `  ffn_hidden: ${r.ffn}`,
    `  vocab: ${r.vocab}`,
    `  seq_len: ${r.seq_len}`,
    `  tied_embeddings: ${r.tied_embeddings}`,
    '  activation: swiglu',
    'training:',
    '  framework: hf',
    `  micro_batch: ${r.micro_batch}`,
    `  precision: ${precision}`,
    '  optimizer: adamw',
    `  activation_checkpointing: ${r.ckpt ? 'full' : 'none'}`,
  ];
  if (lora && r.finetune) {
    lines.push('  finetune:', '    method: lora', `    rank: ${r.finetune.rank}`, `    adapter_dtype: ${r.finetune.adapter_dtype === 'bfloat16' ? 'bf16' : 'fp32'}`, `    bits: ${r.finetune.base_dtype === 'bfloat16' ? 16 : 4}`);
  }
  lines.push('cluster:', '  gpu: H100', `  count: ${gpus}`, 'parallelism:');
  if (fsdp) lines.push(`  dp: ${r.world_size ?? 1}`, '  fsdp: true');
  else lines.push(`  tp: ${r.tp ?? 1}`, `  sp: ${r.sp === true}`, `  dp: ${r.dp_shard ?? 1}`);
  return lines.join('\n') + '\n';
}

interface Row {
  file: string;
  name: string;
  status: string;
  measured: number | null;
  predicted: number;
  allocMeasured: number | null;
  allocPredicted: number;
  phase: string;
  err: number | null;
}

function run(): Row[] {
  const rows: Row[] = [];
  for (const file of FILES) {
    for (const r of load(file)) {
      const text = nativeText(r);
      const a = analyzeText(text, `${r.name}.scaling.yaml`, { options: defaultOptions() });
      const bad = a.findings.filter((f) => f.severity === 'error' && f.code !== 'does-not-fit');
      assert.deepEqual(bad, [], `${r.name}: ${bad.map((f) => f.message).join('; ')}`);
      assert.equal(a.analysis?.figures.params.value, r.n_params, `${r.name}: parameter count`);
      const mem = a.analysis?.memory;
      assert.ok(mem && mem.perGpuGiB !== null && mem.allocatedGiB !== null, `${r.name}: no estimate`);
      const ok = r.status === 'ok' && r.peak_reserved !== undefined;
      const measured = ok ? r.peak_reserved! / GIB + CUDA_CONTEXT_GIB : null;
      rows.push({
        file,
        name: r.name,
        status: r.status,
        measured,
        predicted: mem.perGpuGiB!,
        allocMeasured: ok && r.peak_alloc !== undefined ? r.peak_alloc / GIB : null,
        allocPredicted: mem.allocatedGiB!,
        phase: mem.peakPhase ?? '',
        err: measured === null ? null : mem.perGpuGiB! / measured - 1,
      });
    }
  }
  return rows;
}

function table(rows: Row[]): string {
  const out = [
    '| case | measured GiB (peak reserved + 0.75) | predicted GiB | error | peak alloc measured / predicted GiB | predicted peak phase |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    out.push(
      `| ${r.name} | ${r.measured === null ? `${r.status} (must not fit: usable ${usableMemoryGiB(80).toFixed(2)})` : r.measured.toFixed(2)} | ${r.predicted.toFixed(2)} | ${r.err === null ? (r.predicted > usableMemoryGiB(80) ? 'does not fit ✓' : 'FITS ✗') : `${r.err >= 0 ? '+' : ''}${(r.err * 100).toFixed(1)}%`} | ${r.allocMeasured === null ? '—' : r.allocMeasured.toFixed(2)} / ${r.allocPredicted.toFixed(2)} | ${r.phase} |`,
    );
  }
  const errs = rows.filter((r) => r.err !== null).map((r) => Math.abs(r.err!));
  out.push('', `${errs.length} measured cases: mean |error| ${((errs.reduce((a, b) => a + b, 0) / errs.length) * 100).toFixed(1)}%, max ${(Math.max(...errs) * 100).toFixed(1)}%; ${rows.length - errs.length} OOM cases.`);
  return out.join('\n');
}

describe('memory model vs one H100 (shared/gpu measurements)', () => {
  const rows = run();
  test('per-case table (measured vs predicted)', () => {
    console.log(`\n${table(rows)}\n`);
    assert.equal(rows.length, 29);
  });
  for (const r of rows) {
    test(`${r.name}: ${r.measured === null ? 'predicted not to fit (OOM on the card)' : `within ${TOLERANCE * 100}% of peak reserved + 0.75 GiB`}`, () => {
      if (r.measured === null) {
        assert.equal(r.status, 'OOM');
        assert.ok(r.predicted > usableMemoryGiB(80), `${r.predicted.toFixed(2)} GiB predicted, usable ${usableMemoryGiB(80).toFixed(2)}`);
      } else {
        assert.ok(Math.abs(r.err!) <= TOLERANCE, `${r.name}: measured ${r.measured.toFixed(2)} GiB, predicted ${r.predicted.toFixed(2)} GiB (${(r.err! * 100).toFixed(1)}%)`);
      }
    });
  }
  test('usable memory of an "80 GB" H100 is what the driver reported (79.18 GiB)', () => {
    assert.ok(Math.abs(usableMemoryGiB(80) - 79.18) < 1e-9);
  });
});
