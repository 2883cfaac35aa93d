/**
 * NeMo adapter end to end (text → detection → plan → analysis → fixes): NeMo 1.x / NeMo-Framework-Launcher Hydra
 * files, the launcher's conf/config.yaml, PEFT/SFT files and NeMo 2 dotted overrides. Expected numbers are worked
 * out here by hand from the file's dims and NeMo's conventions (padded vocabulary, ffn_hidden_size per branch).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeText, type DocumentAnalysis } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';
import { NATIVE_ADAPTER } from '../../server/src/dialects/nativeAdapter';
import { NEMO_ADAPTER } from '../../server/src/dialects/nemo';
import { fixToTextEdits } from '../../server/src/dialects/edits';
import { boundedReader } from '../../server/src/host/files';
import { parseConfig } from '../../server/src/dialects/syntax/index';
import type { ReadResult } from '../../server/src/dialects/types';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');
const HAVE_CORPUS = existsSync(resolve(CORPUS, 'nemo'));
const SKIP = HAVE_CORPUS ? false : `${CORPUS} not present beside the checkout; NeMo corpus tests skipped`;
const adapters = [NATIVE_ADAPTER, NEMO_ADAPTER];

type Reader = (path: string, from: string) => ReadResult | undefined;
const run = (text: string, fileName: string, readFile?: Reader): DocumentAnalysis =>
  analyzeText(text, fileName, { options: defaultOptions(), adapters, ...(readFile ? { readFile } : {}) });
const corpus = (rel: string): DocumentAnalysis => {
  const path = resolve(CORPUS, rel);
  return run(readFileSync(path, 'utf8'), path, boundedReader([CORPUS]));
};
const at = (a: DocumentAnalysis, r: { start: number; end: number }) => a.parsed!.text.slice(r.start, r.end);
const fig = (a: DocumentAnalysis, name: 'params' | 'activeParams' | 'tokens') => a.analysis!.figures[name].value;
const errors = (a: DocumentAnalysis) => a.findings.filter((f) => f.severity === 'error');

/** Megatron / NeMo GPT layer: q,k,v,o + MLP (+ biases) + norms. */
function layer(h: number, heads: number, kv: number, headDim: number, f: number, o: { gated: boolean; bias: boolean; lnBias: boolean }) {
  const q = heads * headDim;
  const k = kv * headDim;
  const attn = h * q + 2 * h * k + q * h + (o.bias ? q + 2 * k + h : 0);
  const mlp = (o.gated ? 3 : 2) * h * f + (o.bias ? (o.gated ? 2 * f : f) + h : 0);
  const norms = 2 * (o.lnBias ? 2 * h : h);
  return { attn, mlp, norms, total: attn + mlp + norms };
}

describe('NeMo: detection', { skip: SKIP }, () => {
  const files = [
    'nemo/gpt3_5b.yaml',
    'nemo/gpt3_175b.yaml',
    'nemo/gpt3_7b_improved.yaml',
    'nemo/llama2_7b.yaml',
    'nemo/llama2_70b.yaml',
    'nemo/llama3_1_70b.yaml',
    'nemo/llama3_1_405b.yaml',
    'nemo/mixtral_8x7b.yaml',
    'nemo/nemotron_340b.yaml',
    'nemo/megatron_gpt_config.yaml',
    'nemo/megatron_llama_config.yaml',
    'nemo/megatron_gpt_finetuning_config.yaml',
    'nemo/fine_tuning_llama_squad.yaml',
    'nemo/peft_llama_squad.yaml',
  ];
  for (const f of files) {
    test(`${f} is NeMo 1.x by its trainer/model telltales`, () => {
      const a = corpus(f);
      assert.equal(a.dialect?.id, 'nemo');
      const d = NEMO_ADAPTER.detect(a.parsed!, f)!;
      assert.ok(d.score >= 80 && d.score <= 90, `score ${d.score}`);
      assert.match(d.reason, /^top-level trainer, model with model\./);
      assert.deepEqual(errors(a), [], 'sentinels (null, ???, -1) and ${…} references are never errors');
    });
  }
  test('launcher_config.yaml is the launcher (stages + defaults training: gpt3/5b)', () => {
    const a = corpus('nemo/launcher_config.yaml');
    assert.equal(a.dialect?.id, 'nemo');
    assert.equal(a.dialect?.reason, 'NeMo-Framework-Launcher config: stages, defaults (training: gpt3/5b)');
    assert.equal(NEMO_ADAPTER.detect(a.parsed!, 'x')!.score, 80);
  });
  test('Megatron-LM gpt-nemo test: NeMo 2 dotted overrides under MODEL_ARGS', () => {
    const a = corpus('megatron-lm/llama3-nemo_8b_mbs4_gbs64_cp2.yaml');
    assert.equal(a.dialect?.id, 'nemo');
    assert.equal(a.dialect?.reason, 'NeMo 2 dotted overrides under MODEL_ARGS: trainer.strategy.*, model.config.*, data.*');
    assert.equal(NEMO_ADAPTER.detect(a.parsed!, 'x')!.score, 85);
  });
  test('nanotron files are not NeMo', () => {
    for (const f of ['config_tiny_llama.yaml', 'config_2.8b_llama.yaml', 'sp_350m_llama_config.yaml']) {
      const text = readFileSync(resolve(CORPUS, 'nanotron', f), 'utf8');
      assert.equal(NEMO_ADAPTER.detect(parseConfig(text, 'yaml'), f), undefined, f);
    }
  });
});

describe('NeMo: unrelated files are not claimed', () => {
  const cases: [string, string, 'yaml' | 'json' | 'toml'][] = [
    ['ci.yml', 'name: CI\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n', 'yaml'],
    ['docker-compose.yml', 'services:\n  trainer:\n    image: nvcr.io/nvidia/nemo:24.09\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 8\n', 'yaml'],
    ['package.json', '{ "name": "x", "version": "1.0.0", "scripts": { "test": "node --test" }, "dependencies": { "yaml": "^2" } }', 'json'],
    ['tsconfig.json', '{ "compilerOptions": { "strict": true, "target": "ES2022", "module": "NodeNext" }, "include": ["src"] }', 'json'],
    ['Cargo.toml', '[package]\nname = "x"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = "1"\n', 'toml'],
    ['pyproject.toml', '[project]\nname = "trainer"\nversion = "0.1"\n[tool.ruff]\nline-length = 100\n[tool.pytest.ini_options]\naddopts = "-q"\n', 'toml'],
    ['lightning.yaml', 'trainer:\n  devices: 8\n  max_steps: 1000\nmodel:\n  lr: 0.001\n  hidden_dim: 512\n', 'yaml'],
  ];
  for (const [name, text, format] of cases) {
    test(name, () => {
      assert.equal(NEMO_ADAPTER.detect(parseConfig(text, format), name), undefined);
      assert.equal(run(text, name).dialect, undefined);
    });
  }
});

describe('NeMo 1.x: golden numbers from the corpus', { skip: SKIP }, () => {
  test('gpt3_5b: GPT-2 BPE padded to 50,304, learned positions, tied, biases; 75,000 × 2048 × 2048 tokens on 16 × 8 GPUs', () => {
    const a = corpus('nemo/gpt3_5b.yaml');
    const h = 4096;
    const V = 50304; // GPT2BPETokenizer 50,257 rounded up to a multiple of make_vocab_size_divisible_by 128 × TP 1
    const f = 4 * h; // ffn_hidden_size: ${multiply:4, ${.hidden_size}}
    const l = layer(h, 32, 32, 128, f, { gated: false, bias: true, lnBias: true });
    const expected = V * h + 2048 * h + 24 * l.total + 2 * h; // tied embedding + learned positions + layers + final LayerNorm
    assert.equal(fig(a, 'params'), expected);
    assert.equal(fig(a, 'tokens'), 75000 * 2048 * 2048);
    assert.equal(a.analysis!.resolved.gpus?.value, 16 * 8);
    assert.equal(a.plan!.model.ffnHidden?.value, 16384);
    const ffn = a.plan!.model.ffnHidden!.origin;
    assert.ok(ffn.kind === 'document' && ffn.key.includes('${multiply:4, ${.hidden_size}} → 16384'), JSON.stringify(ffn));
    assert.equal(a.plan!.parallelism.distributedOptimizer?.value, true); // mcore_distributed_optim
    assert.equal(a.analysis!.resolved.precision.value, 'bf16-mixed');
  });

  test('gpt3_175b: ≈174.6B (vocab padded to a multiple of 128 × TP 4), under-trained fix edits trainer.max_steps', () => {
    const a = corpus('nemo/gpt3_175b.yaml');
    const h = 12288;
    const V = 50688; // 50,257 → multiple of 512
    const l = layer(h, 96, 96, 128, 4 * h, { gated: false, bias: true, lnBias: true });
    const expected = V * h + 2048 * h + 96 * l.total + 2 * h;
    assert.equal(fig(a, 'params'), expected);
    assert.ok(Math.abs(expected - 174.6e9) < 0.1e9);
    assert.equal(fig(a, 'tokens'), 75000 * 2048 * 2048);
    assert.equal(a.analysis!.resolved.gpus?.value, 128 * 8);
    assert.equal(a.analysis!.resolved.gpuName?.value, 'H100'); // optional tp_overlap@…: ub_cfg_h100_…
    assert.equal(a.analysis!.resolved.vpp.value, 6);
    const under = a.findings.find((x) => x.code === 'under-trained')!;
    assert.equal(at(a, under.range), 'max_steps');
    const fix = under.fixes![0]!;
    assert.match(fix.title, /^Set training tokens to compute-optimal/);
    const edits = fixToTextEdits(fix, a.parsed!, NEMO_ADAPTER.renderValue)!;
    assert.equal(edits.length, 1);
    const e = edits[0]!;
    assert.equal(a.parsed!.text.slice(e.range.start, e.range.end), '75000');
    assert.match(e.newText, /^\d+$/);
    const newSteps = Number(e.newText);
    assert.equal(newSteps, Math.ceil((20 * expected) / (2048 * 2048)));
    const after = a.parsed!.text.slice(0, e.range.start) + e.newText + a.parsed!.text.slice(e.range.end);
    assert.ok(after.includes(`max_steps: ${e.newText} # consumed_samples = global_step * global_batch_size`), 'comment kept');
    const b = run(after, 'gpt3_175b.yaml');
    assert.equal(b.dialect?.id, 'nemo');
    assert.ok(!b.findings.some((x) => x.code === 'under-trained'));
  });

  test('llama2_70b: GQA 8, SwiGLU (ffn_hidden_size per branch), vocab 32,000 from run.name padded to 32,256 for TP 4', () => {
    const a = corpus('nemo/llama2_70b.yaml');
    const h = 8192;
    const V = 32256; // llama2_70b → Llama-2 tokenizer 32,000, rounded up to a multiple of 128 × TP 4 = 512
    const l = layer(h, 64, 8, 128, 28672, { gated: true, bias: false, lnBias: false });
    const expected = 2 * V * h + 80 * l.total + h; // untied embedding + LM head, RMSNorm
    assert.equal(fig(a, 'params'), expected);
    assert.equal(fig(a, 'tokens'), 300000 * 2048 * 4096);
    assert.equal(a.analysis!.resolved.gpus?.value, 1024);
    assert.equal(a.plan!.model.activation?.value, 'swiglu');
    assert.equal(a.analysis!.resolved.sp.value, true);
  });

  test('llama3_1_405b: the file says 16 query groups (Meta ships 8): counted as written; HF tokenizer 128,256 → 129,024 for TP 8', () => {
    const a = corpus('nemo/llama3_1_405b.yaml');
    const h = 16384;
    const V = 129024; // 128,256 rounded up to a multiple of 128 × 8 = 1024
    const l = layer(h, 128, 16, 128, 53248, { gated: true, bias: false, lnBias: false });
    assert.equal(fig(a, 'params'), 2 * V * h + 126 * l.total + h);
    assert.equal(fig(a, 'tokens'), 300000 * 2016 * 8192);
    assert.equal(a.analysis!.resolved.gpus?.value, 576 * 8);
    assert.equal(a.analysis!.resolved.cp.value, 2);
  });

  test('mixtral_8x7b: 8 experts top-2 → 46.7B total / 12.9B active; sequence_parallel with TP 1 is flagged', () => {
    const a = corpus('nemo/mixtral_8x7b.yaml');
    const h = 4096;
    const attn = h * 4096 + 2 * h * 1024 + 4096 * h;
    const expert = 3 * h * 14336;
    const perLayerShared = attn + 2 * h + h * 8; // attention + 2 RMSNorms + router
    const emb = 2 * 32000 * h;
    assert.equal(fig(a, 'params'), emb + h + 32 * (perLayerShared + 8 * expert));
    assert.equal(fig(a, 'activeParams'), emb + h + 32 * (perLayerShared + 2 * expert));
    assert.equal(fig(a, 'tokens'), 300000 * 256 * 4096); // encoder_seq_length, not max_position_embeddings 32768
    assert.equal(a.analysis!.resolved.ep.value, 8);
    const sp = a.findings.find((x) => x.code === 'invalid-value')!;
    assert.equal(sp.severity, 'warning');
    assert.equal(at(a, sp.range), 'true');
    assert.match(sp.message, /^`model.sequence_parallel: true` has no effect with tensor parallelism 1/);
    assert.equal(a.analysis!.resolved.sp.value, false);
  });

  test('nemotron_340b: squared-ReLU (2 matrices of 4h), vocab from nemotron_2_256k.model, selective recompute', () => {
    const a = corpus('nemo/nemotron_340b.yaml');
    const h = 18432;
    const l = layer(h, 96, 8, 192, 4 * h, { gated: false, bias: false, lnBias: false });
    // NOTE: layernorm1p LayerNorms also carry a bias in Transformer Engine (+(2·96 + 1)·h = 3.56M params); the core
    // ties LayerNorm bias to linear biases, so the count below is the convention's.
    assert.equal(fig(a, 'params'), 2 * 256000 * h + 96 * l.total + h);
    assert.equal(a.analysis!.resolved.recompute.value, 'selective');
    assert.equal(fig(a, 'tokens'), 100000 * 2304 * 4096);
    assert.equal(a.analysis!.resolved.gpus?.value, 768 * 8);
  });

  test('megatron_gpt_config: GPT-2 small 124M with ${.encoder_seq_length} references, 1 GPU', () => {
    const a = corpus('nemo/megatron_gpt_config.yaml');
    const h = 768;
    const l = layer(h, 12, 12, 64, 3072, { gated: false, bias: true, lnBias: true });
    const expected = 50304 * h + 512 * h + 12 * l.total + 2 * h;
    assert.equal(fig(a, 'params'), expected);
    assert.equal(fig(a, 'tokens'), 100000 * 8 * 512);
    assert.equal(a.analysis!.resolved.gpus?.value, 1);
    assert.equal(a.plan!.model.maxPositions?.value, 512);
  });

  test('megatron_llama_config: tokenizer.model ??? → vocabulary of the model with these dims (Llama 2 7B), fp32', () => {
    const a = corpus('nemo/megatron_llama_config.yaml');
    const h = 4096;
    const l = layer(h, 32, 32, 128, 11008, { gated: true, bias: false, lnBias: false });
    assert.equal(fig(a, 'params'), 2 * 32000 * h + 32 * l.total + h);
    assert.equal(a.plan!.model.vocab?.origin.kind, 'preset');
    assert.equal(a.analysis!.resolved.precision.value, 'fp32');
  });
});

describe('NeMo: fine-tuning files', { skip: SKIP }, () => {
  const llama2_7b = 32 * layer(4096, 32, 32, 128, 11008, { gated: true, bias: false, lnBias: false }).total + 2 * 32000 * 4096 + 4096;
  test('peft_llama_squad: LoRA rank 32 on llama2_7b (run.model_train_name), no Chinchilla warning', () => {
    const a = corpus('nemo/peft_llama_squad.yaml');
    assert.equal(a.plan!.training.finetune?.value, 'lora');
    assert.equal(a.plan!.training.loraRank?.value, 32);
    assert.equal(a.plan!.model.preset?.value, 'llama-2-7b');
    assert.equal(fig(a, 'params'), llama2_7b);
    assert.equal(fig(a, 'tokens'), 20000 * 128 * 4096); // max_steps × GBS × train_ds.max_seq_length
    assert.equal(a.analysis!.resolved.gpus?.value, 8);
    assert.ok(!a.findings.some((x) => x.code === 'under-trained' || x.code === 'over-trained'));
  });
  test('fine_tuning_llama_squad: full SFT (restore_from_path + train_ds)', () => {
    const a = corpus('nemo/fine_tuning_llama_squad.yaml');
    assert.equal(a.plan!.training.finetune?.value, 'full');
    assert.equal(fig(a, 'params'), llama2_7b);
    assert.equal(fig(a, 'tokens'), 13000 * 32 * 4096);
    assert.ok(!a.findings.some((x) => x.code === 'under-trained'));
  });
  test('megatron_gpt_finetuning_config: adapter PEFT counted like LoRA (dim 32), fp16, model unknown (restore_from_path ???)', () => {
    const a = corpus('nemo/megatron_gpt_finetuning_config.yaml');
    assert.equal(a.plan!.training.finetune?.value, 'lora');
    const o = a.plan!.training.finetune!.origin;
    assert.ok(o.kind === 'document' && /adapter: parameter-efficient/.test(o.key));
    assert.equal(a.plan!.training.loraRank?.value, 32);
    assert.equal(a.analysis!.resolved.precision.value, 'fp16-mixed');
    assert.equal(fig(a, 'params'), null);
    assert.deepEqual(errors(a), []);
  });
});

describe('NeMo: launcher and NeMo 2 overrides', { skip: SKIP }, () => {
  test('launcher_config.yaml without its stage file: says which file holds the run, never an error', () => {
    const a = corpus('nemo/launcher_config.yaml');
    const msgs = a.findings.map((x) => x.message);
    assert.ok(msgs.some((m) => m.includes('`stages` runs conversion, not training')));
    const miss = a.findings.find((x) => x.message.startsWith('Stage config `training/gpt3/5b.yaml`'))!;
    assert.equal(at(a, miss.range), 'gpt3/5b');
    assert.deepEqual(errors(a), []);
  });
  test('launcher_config.yaml with training/gpt3/5b.yaml readable: the stage file is analysed, origins name it', () => {
    const stage = resolve(CORPUS, 'nemo/gpt3_5b.yaml');
    const reader: Reader = (path) => (path === 'training/gpt3/5b.yaml' ? { path: stage, text: readFileSync(stage, 'utf8') } : undefined);
    const path = resolve(CORPUS, 'nemo/launcher_config.yaml');
    const a = run(readFileSync(path, 'utf8'), path, reader);
    const direct = corpus('nemo/gpt3_5b.yaml');
    assert.equal(fig(a, 'params'), fig(direct, 'params'));
    assert.equal(fig(a, 'tokens'), 75000 * 2048 * 2048);
    const steps = a.plan!.training.steps!.origin;
    assert.ok(steps.kind === 'document' && steps.file === stage);
  });
  test('llama3-nemo_8b overrides: recipe llama3_8b from the name, overridden dims, 50 × 64 × 2048 tokens on 8 GPUs', () => {
    const a = corpus('megatron-lm/llama3-nemo_8b_mbs4_gbs64_cp2.yaml');
    const h = 768;
    // Llama 3 8B recipe: 8 query groups, vocab 128,256, untied, RMSNorm, SwiGLU; head dim = 768 / 16 = 48.
    const l = layer(h, 16, 8, 48, 3072, { gated: true, bias: false, lnBias: false });
    assert.equal(fig(a, 'params'), 2 * 128256 * h + 12 * l.total + h);
    assert.equal(fig(a, 'tokens'), 50 * 64 * 2048);
    assert.equal(a.analysis!.resolved.gpus?.value, 8);
    assert.equal(a.analysis!.resolved.cp.value, 2);
    assert.equal(a.plan!.model.preset?.value, 'llama-3-8b');
    const under = a.findings.find((x) => x.code === 'under-trained')!;
    assert.equal(at(a, under.range), 'trainer.max_steps');
    const e = fixToTextEdits(under.fixes![0]!, a.parsed!, NEMO_ADAPTER.renderValue)![0]!;
    assert.equal(at(a, e.range), '50');
  });
});

describe('NeMo: inline configs', () => {
  const text = [
    'trainer:',
    '  devices: 8',
    '  num_nodes: 2',
    '  max_steps: 1000 # short run',
    '  precision: bf16-mixed',
    'model:',
    '  micro_batch_size: 2',
    '  global_batch_size: 256',
    '  tensor_model_parallel_size: 2',
    '  encoder_seq_length: 4096',
    '  num_layers: 16',
    '  hidden_size: 2048',
    '  ffn_hidden_size: ${multiply:${.hidden_size}, 3}',
    '  num_attention_heads: 16',
    '  num_query_groups: 4',
    '  activation: fast-swiglu',
    '  normalization: rmsnorm',
    '  bias: false',
    '  position_embedding_type: rope',
    '  share_embeddings_and_output_weights: false',
    '  activations_checkpoint_granularity: full',
    '  activations_checkpoint_method: uniform',
    '  activations_checkpoint_num_layers: 1',
    '  tokenizer:',
    '    library: huggingface',
    '    type: meta-llama/Meta-Llama-3-8B',
    '    model: ???',
    '  optim:',
    '    name: distributed_fused_adam',
    '',
  ].join('\n');

  test('dims, vocab padding, hardware, recompute, distributed optimizer', () => {
    const a = run(text, 'pretrain.yaml');
    assert.equal(a.dialect?.id, 'nemo');
    const h = 2048;
    const V = 128256; // 128,256 is already a multiple of 128 × TP 2 = 256
    const l = layer(h, 16, 4, 128, 3 * h, { gated: true, bias: false, lnBias: false });
    assert.equal(fig(a, 'params'), 2 * V * h + 16 * l.total + h);
    assert.equal(fig(a, 'tokens'), 1000 * 256 * 4096);
    const count = a.plan!.cluster.count!;
    assert.equal(count.value, 16);
    assert.ok(count.origin.kind === 'document' && at(a, count.origin.range) === '2');
    assert.equal(a.analysis!.resolved.dp?.value, 8);
    assert.equal(a.analysis!.resolved.recompute.value, 'full');
    assert.equal(a.analysis!.resolved.zero.value, 1);
    assert.deepEqual(errors(a), []);
    const steps = a.plan!.training.steps!;
    assert.ok(steps.origin.kind === 'document' && at(a, steps.origin.range) === '1000');
  });

  test('sentinels are "not set": max_steps -1, devices -1, null seq length → no errors, tokens unknown', () => {
    const t = text.replace('max_steps: 1000', 'max_steps: -1').replace('devices: 8', 'devices: -1');
    const a = run(t, 'pretrain.yaml');
    assert.deepEqual(errors(a), []);
    assert.equal(fig(a, 'tokens'), null);
    assert.equal(a.plan!.cluster.gpusPerNode, undefined);
    assert.ok(a.findings.some((x) => x.message.startsWith('Training tokens unknown: set `trainer.max_steps`')));
  });

  test('trainer.devices as a list of device ids counts them', () => {
    const a = run(text.replace('devices: 8', 'devices: [0, 1, 2, 3]'), 'pretrain.yaml');
    assert.equal(a.plan!.cluster.gpusPerNode?.value, 4);
    assert.equal(a.analysis!.resolved.gpus?.value, 8);
  });

  test('an unresolvable ${…} is a missing-value at its key, not a crash', () => {
    const t = text.replace('global_batch_size: 256', 'global_batch_size: ${training.model.gbs}');
    const a = run(t, 'pretrain.yaml');
    const f = a.findings.find((x) => x.code === 'missing-value' && x.message.startsWith('`model.global_batch_size`'))!;
    assert.equal(f.severity, 'information');
    assert.equal(at(a, f.range), '${training.model.gbs}');
    assert.deepEqual(errors(a), []);
  });

  test('launcher group references ${training.model.x} resolve inside a stage file', () => {
    const t = text.replace('global_batch_size: 256', 'global_batch_size: ${training.model.gbs}').replace('model:\n', 'model:\n  gbs: 512\n');
    const a = run(t, 'stage.yaml');
    assert.equal(a.plan!.training.globalBatch?.value, 512);
  });

  test('traps: accumulate_grad_batches ≠ 1, full recompute without layers, data.seq_length ≠ encoder_seq_length', () => {
    const t = text
      .replace('  precision: bf16-mixed', '  precision: bf16-mixed\n  accumulate_grad_batches: 4')
      .replace('activations_checkpoint_num_layers: 1', 'activations_checkpoint_num_layers: null')
      .replace('  optim:', '  data:\n    seq_length: 2048\n  optim:');
    const a = run(t, 'pretrain.yaml');
    const warnings = a.findings.filter((x) => x.code === 'invalid-value' && x.severity === 'warning').map((x) => at(a, x.range));
    assert.deepEqual(warnings.sort(), ['2048', '4', 'null'].sort());
    assert.equal(a.analysis!.resolved.recompute.value, 'none');
  });

  test('Hydra defaults: a root-level base config is composed (values carry its file), cycles are cut', () => {
    const base = 'defaults:\n  - main\ntrainer:\n  devices: 4\n  num_nodes: 1\n  max_steps: 10\nmodel:\n  num_layers: 2\n  hidden_size: 256\n';
    const main = 'defaults:\n  - base\n  - _self_\ntrainer:\n  max_steps: 500\nmodel:\n  tensor_model_parallel_size: 1\n  encoder_seq_length: 128\n  global_batch_size: 8\n  num_attention_heads: 4\n  ffn_hidden_size: 1024\n  mcore_gpt: true\n';
    const files: Record<string, string> = { 'base.yaml': base, 'main.yaml': main };
    let reads = 0;
    const reader: Reader = (p) => {
      reads++;
      return files[p] !== undefined ? { path: `/cfg/${p}`, text: files[p]! } : undefined;
    };
    const a = run(main, '/cfg/main.yaml', reader);
    assert.equal(reads, 2, 'base.yaml, then main.yaml from base (a cycle: not composed again)');
    assert.equal(a.dialect?.id, 'nemo');
    assert.equal(a.plan!.training.steps?.value, 500); // _self_ last: the file wins over its base
    const layers = a.plan!.model.layers!;
    assert.equal(layers.value, 2);
    assert.ok(layers.origin.kind === 'document' && layers.origin.file === '/cfg/base.yaml');
    assert.equal(a.analysis!.resolved.gpus?.value, 4);
    const missingBase = run(main, '/cfg/main.yaml', () => undefined);
    assert.ok(missingBase.findings.some((x) => x.code === 'missing-value' && x.message.startsWith('Base config `base.yaml`')));
  });

  test('NeMo 2 overrides at the root: dotted keys, GPUs from devices × nodes, LoRA from peft.dim', () => {
    const t = [
      'trainer.num_nodes: 2',
      'trainer.devices: 8',
      'trainer.max_steps: 2000',
      'trainer.strategy.tensor_model_parallel_size: 2',
      'model.config.num_layers: 4',
      'model.config.hidden_size: 512',
      'model.config.num_attention_heads: 8',
      'model.config.ffn_hidden_size: 2048',
      'model.config.vocab_size: 32000',
      'data.global_batch_size: 128',
      'data.seq_length: 1024',
      'peft.dim: 16',
      '',
    ].join('\n');
    const a = run(t, 'finetune_overrides.yaml');
    assert.equal(a.dialect?.id, 'nemo');
    // No recipe named: Megatron-Core defaults (GELU 2-matrix MLP, biases, LayerNorm with bias, tied, learned positions).
    const h = 512;
    const l = layer(h, 8, 8, 64, 2048, { gated: false, bias: true, lnBias: true });
    assert.equal(fig(a, 'params'), 32000 * h + 1024 * h + 4 * l.total + 2 * h);
    assert.equal(a.analysis!.resolved.gpus?.value, 16);
    assert.equal(a.plan!.training.finetune?.value, 'lora');
    assert.equal(a.plan!.training.loraRank?.value, 16);
    assert.equal(fig(a, 'tokens'), 2000 * 128 * 1024);
  });
});
