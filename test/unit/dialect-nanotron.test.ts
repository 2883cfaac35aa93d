/**
 * nanotron adapter end to end: detection, dims from `model.model_config` (Llama/Qwen2 + MoE), tokens from
 * train_steps × micro_batch × accumulation × dp × sequence_length, GPUs from dp × tp × pp, the LR-schedule trap and
 * the under-trained fix on `tokens.train_steps`. Expected numbers are worked out here by hand.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeText, type DocumentAnalysis } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';
import { NATIVE_ADAPTER } from '../../server/src/dialects/nativeAdapter';
import { NANOTRON_ADAPTER } from '../../server/src/dialects/nanotron';
import { fixToTextEdits } from '../../server/src/dialects/edits';
import { boundedReader } from '../../server/src/host/files';
import { parseConfig } from '../../server/src/dialects/syntax/index';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');
const SKIP = existsSync(resolve(CORPUS, 'nanotron')) ? false : `${CORPUS} not present beside the checkout; nanotron corpus tests skipped`;
const adapters = [NATIVE_ADAPTER, NANOTRON_ADAPTER];

const run = (text: string, fileName: string): DocumentAnalysis => analyzeText(text, fileName, { options: defaultOptions(), adapters, readFile: boundedReader([CORPUS]) });
const corpus = (name: string): DocumentAnalysis => {
  const path = resolve(CORPUS, 'nanotron', name);
  return run(readFileSync(path, 'utf8'), path);
};
const at = (a: DocumentAnalysis, r: { start: number; end: number }) => a.parsed!.text.slice(r.start, r.end);
const fig = (a: DocumentAnalysis, name: 'params' | 'activeParams' | 'tokens') => a.analysis!.figures[name].value;

/** Llama/Qwen2 decoder layer in nanotron: q,k,v,o without biases, gated MLP (gate_up + down), 2 RMSNorms. */
function llamaLayer(h: number, heads: number, kv: number, f: number): number {
  const d = h / heads;
  return h * heads * d + 2 * h * kv * d + heads * d * h + 3 * h * f + 2 * h;
}

describe('nanotron: detection', { skip: SKIP }, () => {
  for (const f of ['config_tiny_llama.yaml', 'config_qwen_with_moe.yaml', 'config_2.8b_llama.yaml', 'sp_350m_llama_config.yaml']) {
    test(f, () => {
      const a = corpus(f);
      assert.equal(a.dialect?.id, 'nanotron');
      const d = NANOTRON_ADAPTER.detect(a.parsed!, f)!;
      assert.equal(d.score, 90);
      assert.equal(d.reason, 'tokens.sequence_length, tokens.train_steps, tokens.micro_batch_size, tokens.batch_accumulation_per_replica');
    });
  }
  test('NeMo files are not nanotron', () => {
    for (const f of ['nemo/gpt3_5b.yaml', 'nemo/peft_llama_squad.yaml', 'megatron-lm/llama3-nemo_8b_mbs4_gbs64_cp2.yaml']) {
      const text = readFileSync(resolve(CORPUS, f), 'utf8');
      assert.equal(NANOTRON_ADAPTER.detect(parseConfig(text, 'yaml'), f), undefined, f);
    }
  });
});

describe('nanotron: unrelated files are not claimed', () => {
  const cases: [string, string, 'yaml' | 'json' | 'toml'][] = [
    ['ci.yml', 'name: CI\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n', 'yaml'],
    ['docker-compose.yml', 'version: "3"\nservices:\n  web:\n    image: nginx\n    ports: ["80:80"]\n', 'yaml'],
    ['package.json', '{ "name": "tokens", "version": "0.0.1", "main": "index.js" }', 'json'],
    ['tsconfig.json', '{ "compilerOptions": { "outDir": "out" } }', 'json'],
    ['Cargo.toml', '[package]\nname = "tokens"\nversion = "0.1.0"\n[dependencies]\n', 'toml'],
    ['pyproject.toml', '[project]\nname = "nanotron"\nversion = "0.4"\ndependencies = ["torch"]\n', 'toml'],
    ['tokens.yaml', 'tokens:\n  sequence_length: 4096\nparallelism:\n  threads: 4\n', 'yaml'],
  ];
  for (const [name, text, format] of cases) {
    test(name, () => {
      assert.equal(NANOTRON_ADAPTER.detect(parseConfig(text, format), name), undefined);
      assert.equal(run(text, name).dialect, undefined);
    });
  }
});

describe('nanotron: golden numbers from the corpus', { skip: SKIP }, () => {
  test('config_tiny_llama: 28 × (GQA 16/2, SwiGLU 11008), tied 128,256 vocab; 2000 × (3 × 1 × 4) × 4096 tokens on 4 × 2 × 1 GPUs', () => {
    const a = corpus('config_tiny_llama.yaml');
    const h = 2048;
    assert.equal(fig(a, 'params'), 128256 * h + 28 * llamaLayer(h, 16, 2, 11008) + h); // tied embedding + final RMSNorm
    assert.equal(fig(a, 'tokens'), 2000 * 3 * 1 * 4 * 4096);
    assert.equal(a.analysis!.resolved.gpus?.value, 8);
    assert.equal(a.analysis!.resolved.sp.value, true); // tp_mode REDUCE_SCATTER
    assert.equal(a.analysis!.resolved.precision.value, 'bf16-mixed'); // bfloat16 + accumulate_grad_in_fp32
    const lr = a.findings.find((x) => x.code === 'invalid-value' && x.severity === 'warning')!;
    assert.equal(at(a, lr.range), '13'); // lr_decay_steps: min LR after step 15 of 2000
    assert.match(lr.message, /reaches min_decay_lr at step 15/);
  });

  test('config_qwen_with_moe: the duplicate moe_config key is a parse error; the last one wins (8 experts, top-1, shared expert)', () => {
    const a = corpus('config_qwen_with_moe.yaml');
    const parse = a.findings.filter((x) => x.code === 'parse-error');
    assert.equal(parse.length, 1);
    assert.equal(at(a, parse[0]!.range), 'moe_config');
    const h = 256;
    const attn = 4 * h * h; // 4 heads × 64, MHA, attention_bias false
    const expert = 3 * h * 768;
    const shared = attn + 2 * h + h * 8 + expert; // attention + norms + router + one shared expert
    // (the shared expert's h × 1 gate, 256 params per layer, is below the model's resolution)
    const emb = 128256 * h + h; // tied + final norm
    assert.equal(fig(a, 'params'), emb + 12 * (shared + 8 * expert));
    assert.equal(fig(a, 'activeParams'), emb + 12 * (shared + 1 * expert));
    assert.equal(fig(a, 'tokens'), 32000 * 3 * 1 * 2 * 4096);
    assert.equal(a.analysis!.resolved.gpus?.value, 2);
  });

  test('config_2.8b_llama: 70_000 steps (YAML 1.1 digit separator) × 512 sequences × 1024; LR decays in 8 of 70,000 steps', () => {
    const a = corpus('config_2.8b_llama.yaml');
    const h = 4096;
    assert.equal(fig(a, 'params'), 49152 * h + 6 * llamaLayer(h, 32, 16, 24576) + h);
    assert.equal(fig(a, 'tokens'), 70000 * 64 * 1 * 8 * 1024);
    assert.equal(a.analysis!.resolved.gpus?.value, 8 * 2 * 1);
    assert.ok(a.findings.some((x) => x.code === 'invalid-value' && x.severity === 'warning' && at(a, x.range) === '8'));
    const pos = a.findings.find((x) => x.message.includes('max_position_embeddings'))!;
    assert.equal(pos.severity, 'information');
  });

  test('sp_350m_llama_config: untied, bf16 without fp32 accumulation = bf16-true; under-trained fix edits tokens.train_steps', () => {
    const a = corpus('sp_350m_llama_config.yaml');
    const h = 1024;
    const expected = 2 * 49152 * h + 14 * llamaLayer(h, 8, 4, 4096) + h;
    assert.equal(fig(a, 'params'), expected);
    const perStep = 32 * 8 * 4 * 1024; // micro × accumulation × dp × sequence_length
    assert.equal(fig(a, 'tokens'), 440 * perStep);
    assert.equal(a.analysis!.resolved.precision.value, 'bf16-true');
    const under = a.findings.find((x) => x.code === 'under-trained')!;
    assert.equal(at(a, under.range), 'train_steps');
    const edits = fixToTextEdits(under.fixes![0]!, a.parsed!, NANOTRON_ADAPTER.renderValue)!;
    assert.equal(at(a, edits[0]!.range), '440');
    assert.equal(edits[0]!.newText, String(Math.ceil((20 * expected) / perStep)));
  });
});

describe('nanotron: inline config', () => {
  const text = [
    'general:',
    '  project: demo',
    'model:',
    '  dtype: bfloat16',
    '  make_vocab_size_divisible_by: 64',
    '  model_config:',
    '    hidden_size: 1024',
    '    intermediate_size: 2816',
    '    num_attention_heads: 16',
    '    num_hidden_layers: 8',
    '    vocab_size: 50257',
    '    tie_word_embeddings: true',
    'optimizer:',
    '  accumulate_grad_in_fp32: true',
    '  zero_stage: 1',
    '  learning_rate_scheduler:',
    '    lr_warmup_steps: 100',
    '    lr_decay_steps: null',
    'parallelism:',
    '  dp: 8',
    '  tp: 2',
    '  pp: 2',
    'tokens:',
    '  sequence_length: 2048',
    '  micro_batch_size: 4',
    '  batch_accumulation_per_replica: 2',
    '  train_steps: 1_000',
    '',
  ].join('\n');

  test('defaults (MHA, no biases), vocab padded to 64 × TP 2, 32 GPUs, ZeRO-1; a null decay is not a trap', () => {
    const a = run(text, 'config.yaml');
    assert.equal(a.dialect?.id, 'nanotron');
    const h = 1024;
    const V = 50304; // 50,257 rounded up to a multiple of 64 × 2 = 128
    const expected = V * h + 8 * llamaLayer(h, 16, 16, 2816) + h;
    assert.equal(fig(a, 'params'), expected);
    assert.equal(a.analysis!.resolved.gpus?.value, 8 * 2 * 2);
    assert.equal(a.analysis!.resolved.zero.value, 1);
    const perStep = 4 * 2 * 8 * 2048;
    assert.equal(fig(a, 'tokens'), 1000 * perStep);
    assert.ok(!a.findings.some((x) => x.code === 'invalid-value' || x.severity === 'error'));
    const under = a.findings.find((x) => x.code === 'under-trained')!;
    const e = fixToTextEdits(under.fixes![0]!, a.parsed!, NANOTRON_ADAPTER.renderValue)![0]!;
    assert.equal(at(a, e.range), '1_000');
    const steps = Math.ceil((20 * expected) / perStep);
    assert.equal(e.newText, steps.toLocaleString('en-US').replace(/,/g, '_'), 'digit separators kept');
  });

  test('sentinels: tp -1 / null steps are "not set", never errors', () => {
    const a = run(text.replace('train_steps: 1_000', 'train_steps: null').replace('  tp: 2', '  tp: -1'), 'config.yaml');
    assert.equal(a.dialect?.id, 'nanotron');
    assert.ok(!a.findings.some((x) => x.severity === 'error'));
    assert.equal(fig(a, 'tokens'), null);
  });
});
