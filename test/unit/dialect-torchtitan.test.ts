/** torchtitan TOML (2024–2026 layouts) through the whole pipeline: flavors → dims, DP fill, hardware directives, fixes. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeText } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';
import { NATIVE_ADAPTER } from '../../server/src/dialects/nativeAdapter';
import { TORCHTITAN_ADAPTER } from '../../server/src/dialects/torchtitan';
import { fixToTextEdits } from '../../server/src/dialects/edits';

const DIR = resolve(import.meta.dirname, '../../../shared/corpus/torchtitan');
const skip = existsSync(DIR) ? false : `corpus not found at ${DIR}`;
const adapters = [NATIVE_ADAPTER, TORCHTITAN_ADAPTER];
const run = (text: string, fileName = 'train.toml') => analyzeText(text, fileName, { options: defaultOptions(), adapters });
const file = (name: string) => readFileSync(resolve(DIR, name), 'utf8');
const at = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);

/** torchtitan FeedForward width: int(2·4·dim/3), × ffn_dim_multiplier (int), rounded up to multiple_of. */
const ffn = (dim: number, multipleOf: number, mult?: number) => {
  let h = Math.trunc((2 * 4 * dim) / 3);
  if (mult) h = Math.trunc(mult * h);
  return Math.ceil(h / multipleOf) * multipleOf;
};
const gqa = (h: number, heads: number, kv: number, d = h / heads) => h * heads * d + 2 * h * kv * d + heads * d * h;

describe('torchtitan dialect', { skip }, () => {
  test('every corpus file is detected, with [model] flavor dims and no errors (-1 DP is a sentinel)', () => {
    for (const f of readdirSync(DIR)) {
      const a = run(file(f), f);
      assert.equal(a.dialect?.id, 'torchtitan', f);
      assert.match(a.dialect!.reason, /\[model\] name \+ flavor, \[training\]/, f);
      assert.ok(a.analysis!.figures.params.value! > 0, f);
      assert.deepEqual(a.findings.filter((x) => x.severity === 'error'), [], f);
    }
  });

  test('llama3 flavors: FFN arithmetic and exact parameter counts', () => {
    assert.equal(ffn(4096, 1024, 1.3), 14336);
    assert.equal(ffn(8192, 4096, 1.3), 28672);
    assert.equal(ffn(16384, 4096, 1.2), 53248);
    const llama = (layers: number, h: number, heads: number, kv: number, f: number, vocab: number) => 2 * vocab * h + layers * (gqa(h, heads, kv) + 3 * h * f + 2 * h) + h;
    const cases: [string, number][] = [
      ['llama3_8b.toml', llama(32, 4096, 32, 8, 14336, 128256)],
      ['llama3_8b_2024-04.toml', llama(32, 4096, 32, 8, 14336, 128256)],
      ['llama3_8b_2025-03.toml', llama(32, 4096, 32, 8, 14336, 128256)],
      ['llama3_70b.toml', llama(80, 8192, 64, 8, 28672, 128256)],
      ['llama3_405b.toml', llama(126, 16384, 128, 8, 53248, 128256)],
      ['llama3_debug_model.toml', llama(6, 256, 16, 16, ffn(256, 256), 2048)],
    ];
    for (const [f, expected] of cases) assert.equal(run(file(f), f).analysis!.figures.params.value, expected, f);
    assert.equal(cases[0]![1], 8_030_261_248);
  });

  test('llama4 flavors: MoE width ÷ (top-1 + 1 shared), every layer (16e) or every 2nd layer (128e)', () => {
    const h = 5120;
    const moe = Math.ceil(Math.trunc(Math.trunc(1.2 * Math.trunc((2 * 4 * h) / 3)) / 2) / 2048) * 2048;
    assert.equal(moe, 8192);
    const attn = gqa(h, 40, 8);
    const expert = 3 * h * moe;
    const norms = 2 * h;
    const emb = 2 * 202048 * h;
    const a16 = run(file('llama4_17bx16e.toml')).analysis!.figures;
    // 48 MoE layers: 16 routed + 1 shared expert, router h·16
    assert.equal(a16.params.value, emb + 48 * (attn + 17 * expert + h * 16 + norms) + h);
    assert.equal(a16.activeParams.value, emb + 48 * (attn + 2 * expert + h * 16 + norms) + h);
    const a128 = run(file('llama4_17bx128e.toml')).analysis!.figures;
    // 24 dense layers (FFN 16384) + 24 MoE layers (128 routed + 1 shared of 8192)
    const dense = attn + 3 * h * ffn(h, 2048, 1.2) + norms;
    assert.equal(ffn(h, 2048, 1.2), 16384);
    assert.equal(a128.params.value, emb + 24 * dense + 24 * (attn + 129 * expert + h * 128 + norms) + h);
    assert.equal(a128.activeParams.value, emb + 24 * dense + 24 * (attn + 2 * expert + h * 128 + norms) + h);
  });

  test('deepseek_v3 671B: MLA counted exactly (information finding), 3 dense + 58 MoE layers, 1 shared expert', () => {
    const text = file('deepseek_v3_671b.toml');
    const a = run(text);
    const h = 7168;
    const mla = h * 1536 + 1536 + 1536 * 128 * (128 + 64) + h * (512 + 64) + 512 + 512 * 128 * (128 + 128) + 128 * 128 * h;
    assert.equal(mla, 187_107_328);
    const norms = 2 * h;
    const expert = 3 * h * 2048;
    const total = 2 * 129280 * h + 3 * (mla + 3 * h * 18432 + norms) + 58 * (mla + 256 * expert + expert + h * 256 + norms) + h;
    const active = 2 * 129280 * h + 3 * (mla + 3 * h * 18432 + norms) + 58 * (mla + 8 * expert + expert + h * 256 + norms) + h;
    assert.equal(Math.round(a.analysis!.figures.params.value!), total);
    assert.equal(Math.round(a.analysis!.figures.activeParams.value!), active);
    const note = a.findings.find((f) => f.code === 'missing-value' && /Latent Attention/.test(f.message))!;
    assert.equal(note.severity, 'information');
    assert.equal(at(text, note.range), 'flavor');
  });

  test('qwen3 and gpt_oss flavors: q/k norms, head_dim 128, MoE, biases and sinks', () => {
    const q = run(file('qwen3_32b.toml')).analysis!.figures;
    const qAttn = 5120 * 8192 + 2 * 5120 * 1024 + 8192 * 5120;
    assert.equal(q.params.value, 2 * 151936 * 5120 + 64 * (qAttn + 3 * 5120 * 25600 + 2 * 5120 + 2 * 128) + 5120);
    const moe = run(file('qwen3_moe_debug.toml')).analysis!.figures;
    const mAttn = 256 * 2048 + 2 * 256 * 1024 + 2048 * 256;
    assert.equal(moe.params.value, 2 * 2048 * 256 + 8 * (mAttn + 64 * 3 * 256 * 768 + 256 * 64 + 2 * 256 + 256) + 256);
    assert.equal(moe.activeParams.value, 2 * 2048 * 256 + 8 * (mAttn + 8 * 3 * 256 * 768 + 256 * 64 + 2 * 256 + 256) + 256);
    const g = run(file('gpt_oss_debug_model.toml')).analysis!.figures;
    // 4 layers, dim 256, 64 heads × 64, 8 KV heads, 8 experts of 2880 (biased), router h·8 + bias 8, 64 sinks
    const attn = 256 * 4096 + 2 * 256 * 512 + 4096 * 256 + (4096 + 2 * 512 + 256);
    const experts = 8 * (3 * 256 * 2880 + 2 * 2880 + 256);
    const expected = 2 * 201088 * 256 + 4 * (attn + experts + 256 * 8 + 8 + 64 + 2 * 256) + 256;
    assert.equal(Math.round(g.params.value!), expected);
  });

  test('the NOTE comment is not hardware; a scaling-lens directive is; tokens = steps × local × DP × seq; fix edits `steps`', () => {
    const plain = run(file('llama3_8b.toml'));
    assert.equal(plain.analysis!.resolved.gpus, undefined);
    assert.equal(plain.analysis!.figures.tokens.value, null);
    const hw = plain.findings.find((f) => /No accelerator/.test(f.message))!;
    assert.match(hw.message, /gpu=A100-80GB count=64/);
    const dpNote = plain.findings.find((f) => f.code === 'missing-value' && /data_parallel_shard_degree = -1/.test(f.message))!;
    assert.equal(dpNote.severity, 'information');

    const text = `# scaling-lens: gpu=A100-80GB count=64\n${file('llama3_8b.toml')}`;
    const a = run(text);
    assert.equal(a.analysis!.resolved.dp!.value, 64);
    assert.equal(a.analysis!.figures.tokens.value, 1000 * 1 * 64 * 8192);
    assert.equal(a.plan!.training.activationCheckpointing!.value, 'selective');
    assert.equal(a.plan!.parallelism.fsdp!.value, true);
    const under = a.findings.find((f) => f.code === 'under-trained')!;
    assert.equal(at(text, under.range), 'steps');
    const edits = fixToTextEdits(under.fixes![0]!, a.parsed!, TORCHTITAN_ADAPTER.renderValue)!;
    assert.equal(at(text, edits[0]!.range), '1000');
    assert.match(edits[0]!.newText, /^\d+$/);
    assert.ok(Number(edits[0]!.newText) * 64 * 8192 >= 20 * 8_030_261_248);

    const ds = `# scaling-lens: gpu=H100 count=64\n${file('deepseek_v3_671b.toml')}`;
    const d = run(ds);
    assert.equal(d.analysis!.figures.tokens.value, 10_000 * 4 * 64 * 4096);
    const fix = d.findings.find((f) => f.code === 'under-trained')!.fixes![0]!;
    const e = fixToTextEdits(fix, d.parsed!, TORCHTITAN_ADAPTER.renderValue)!;
    assert.equal(at(ds, e[0]!.range), '10_000');
    assert.match(e[0]!.newText, /^\d{1,3}(_\d{3})+$/, 'keeps the digit-separator style');
  });

  test('TP with a directive: DP = GPUs ÷ TP; 405B reads FP8 from model.converters', () => {
    const a = run(`# scaling-lens: gpu=H100 count=64\n${file('llama3_70b.toml')}`);
    assert.equal(a.plan!.parallelism.tp!.value, 8);
    assert.equal(a.analysis!.resolved.dp!.value, 8);
    assert.equal(a.analysis!.figures.tokens.value, 1000 * 8 * 8 * 8192);
    const b = run(file('llama3_405b.toml'));
    assert.equal(b.plan!.training.precision!.value, 'fp8-mixed');
    assert.match(b.findings.find((f) => /No accelerator/.test(f.message))!.message, /count=128/);
    const old = run(file('llama3_8b_2024-04.toml'));
    assert.equal(old.plan!.training.microBatch!.value, 2);
    assert.equal(old.plan!.training.activationCheckpointing!.value, 'full');
  });

  test('inline text: explicit replicate × shard degrees, global batch, float32, schedule and flavor traps', () => {
    const text = [
      '[model]',
      'name = "llama3"',
      'flavor = "8B"',
      '[training]',
      'local_batch_size = 4',
      'global_batch_size = 64',
      'seq_len = 4096',
      'steps = 100',
      'mixed_precision_param = "float32"',
      '[lr_scheduler]',
      'warmup_steps = 200',
      '[parallelism]',
      'data_parallel_replicate_degree = 2',
      'data_parallel_shard_degree = 4',
      'tensor_parallel_degree = 2',
    ].join('\n');
    const a = run(text);
    assert.equal(a.analysis!.resolved.dp!.value, 8);
    assert.equal(a.analysis!.resolved.gpus!.value, 16);
    assert.equal(a.analysis!.figures.tokens.value, 100 * 64 * 4096);
    assert.equal(a.plan!.training.precision!.value, 'fp32');
    assert.ok(!a.findings.some((f) => f.code === 'batch-mismatch'), '64 = 4 × 8 × 2 accumulation');
    const warm = a.findings.find((f) => f.code === 'invalid-value' && /warmup/.test(f.message))!;
    assert.equal(warm.severity, 'warning');
    assert.equal(at(text, warm.range), '200');
    const unknown = run('[model]\nname = "llama2"\nflavor = "7B"\n[training]\nsteps = 10\nseq_len = 2048\n');
    const u = unknown.findings.find((f) => f.code === 'unknown-preset')!;
    assert.equal(u.severity, 'warning');
  });

  test('unrelated TOML/YAML/JSON is not claimed', () => {
    for (const [name, text] of UNRELATED) assert.equal(TORCHTITAN_ADAPTER.detect(run(text, name).parsed!, name), undefined, name);
  });
});

const UNRELATED: [string, string][] = [
  ['.github/workflows/ci.yml', 'name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n'],
  ['docker-compose.yml', 'services:\n  web:\n    image: nginx\n'],
  ['package.json', '{ "name": "x", "version": "1.0.0" }'],
  ['tsconfig.json', '{ "compilerOptions": { "strict": true } }'],
  ['Cargo.toml', '[package]\nname = "model"\nversion = "0.1.0"\n[dependencies]\nserde = "1"\n[profile.release]\nlto = true\n'],
  ['pyproject.toml', '[project]\nname = "torchtitan-fork"\nversion = "0.1"\n[tool.model]\nname = "llama3"\nflavor = "8B"\n'],
];
