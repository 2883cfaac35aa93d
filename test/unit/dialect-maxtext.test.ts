/** MaxText YAML through the whole pipeline: base_config/model_name layering, dims × scales, TPU topologies, batch, fixes. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { MAXTEXT_ADAPTER, parameterScales, tpuSlice } from '../../server/src/dialects/maxtext';
import { fixToTextEdits } from '../../server/src/dialects/edits';
import { at, dialectHarness, errors, params, repoReader } from '../helpers/corpus';

const { DIR, skip, run, corpus } = dialectHarness('maxtext', MAXTEXT_ADAPTER);


// Llama-style count: embeddings (untied ×2) + layers × (q, k, v, o + SwiGLU gate/up/down + 2 RMSNorms) + final norm.
function llamaParams(o: { layers: number; h: number; heads: number; kv: number; ffn: number; vocab: number; headDim?: number }): number {
  const d = o.headDim ?? o.h / o.heads;
  const attention = o.h * o.heads * d + 2 * o.h * o.kv * d + o.heads * d * o.h;
  return 2 * o.vocab * o.h + o.layers * (attention + 3 * o.h * o.ffn + 2 * o.h) + o.h;
}

// MoE count (RMSNorm, SwiGLU experts, router h × E, no biases); returns [total, active].
function moeParams(o: { layers: number; h: number; heads: number; kv: number; headDim: number; expertFfn: number; experts: number; topK: number; vocab: number }): [number, number] {
  const attention = 2 * o.h * o.heads * o.headDim + 2 * o.h * o.kv * o.headDim;
  const expert = 3 * o.h * o.expertFfn;
  const shared = attention + 2 * o.h + o.h * o.experts;
  const embed = 2 * o.vocab * o.h + o.h;
  return [embed + o.layers * (shared + o.experts * expert), embed + o.layers * (shared + o.topK * expert)];
}

const UNRELATED: Record<string, string> = {
  '.github/workflows/ci.yml': 'name: CI\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n',
  'docker-compose.yml': 'version: "3.8"\nservices:\n  web:\n    image: nginx:latest\n    ports: ["80:80"]\n    environment:\n      - MAX_BATCH=4\n',
  'package.json': '{ "name": "x", "version": "1.0.0", "scripts": { "test": "node --test" }, "dependencies": { "yaml": "^2.0.0" } }',
  'tsconfig.json': '{ "compilerOptions": { "target": "ES2022", "strict": true, "outDir": "dist" }, "include": ["src"] }',
  'Cargo.toml': '[package]\nname = "x"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = "1"\n',
  'pyproject.toml': '[project]\nname = "x"\nversion = "0.1"\ndependencies = ["torch"]\n\n[tool.ruff]\nline-length = 120\n',
};

describe('maxtext dialect', { skip }, () => {
  test('every corpus file is detected as maxtext (score 50–90) with a reason naming its keys, and has no errors', () => {
    for (const f of readdirSync(DIR)) {
      const { a } = corpus(f);
      assert.equal(a.dialect?.id, 'maxtext', f);
      assert.match(a.dialect!.reason, /^top-level (base_config|base_emb_dim|decoder_block|mesh_axes)/, f);
      const d = MAXTEXT_ADAPTER.detect(a.parsed!, f)!;
      assert.ok(d.score >= 50 && d.score <= 90, `${f}: ${d.score}`);
      assert.deepEqual(errors(a), [], f);
    }
  });

  test('unrelated YAML/JSON/TOML is not claimed', () => {
    for (const [name, text] of Object.entries(UNRELATED)) {
      const a = run(text, `/tmp/${name}`);
      assert.equal(a.dialect, undefined, name);
    }
  });

  test('model files: exact Llama parameter counts from base_* dims', () => {
    // configs/models/llama2-7b.yml: 32 layers, 4096, 32 heads (MHA), head_dim 128, SwiGLU 11008, vocab 32000, untied
    assert.equal(params(corpus('llama2-7b.yml').a), llamaParams({ layers: 32, h: 4096, heads: 32, kv: 32, ffn: 11008, vocab: 32000 }));
    assert.equal(params(corpus('llama2-7b.yml').a), 6_738_415_616);
    // llama3-70b: 80 layers, 8192, 64 heads / 8 KV, 28672, vocab 128256
    assert.equal(params(corpus('llama3-70b.yml').a), llamaParams({ layers: 80, h: 8192, heads: 64, kv: 8, ffn: 28672, vocab: 128256 }));
    // llama3.1-405b: 126 layers, 16384, 128 heads / 8 KV, 53248
    assert.equal(params(corpus('llama3.1-405b.yml').a), llamaParams({ layers: 126, h: 16384, heads: 128, kv: 8, ffn: 53248, vocab: 128256 }));
    // base.yml's own default model: 16 layers, 2048, 16 heads, head_dim 128, 7168, vocab 32000
    assert.equal(params(corpus('base.yml').a), llamaParams({ layers: 16, h: 2048, heads: 16, kv: 16, ffn: 7168, vocab: 32000 }));
  });

  test('MoE model files: Mixtral, Qwen3-235B-A22B (total and active)', () => {
    const mixtral = corpus('mixtral-8x7b.yml').a;
    const [mt, ma] = moeParams({ layers: 32, h: 4096, heads: 32, kv: 8, headDim: 128, expertFfn: 14336, experts: 8, topK: 2, vocab: 32000 });
    assert.equal(params(mixtral), mt);
    assert.equal(mixtral.analysis!.figures.activeParams.value, ma);
    assert.ok(Math.abs(mt / 46.7e9 - 1) < 0.01 && Math.abs(ma / 12.9e9 - 1) < 0.01);
    const qwen = corpus('qwen3-235b-a22b.yml').a;
    const [qt, qa] = moeParams({ layers: 94, h: 4096, heads: 64, kv: 4, headDim: 128, expertFfn: 1536, experts: 128, topK: 8, vocab: 151936 });
    assert.equal(params(qwen), qt);
    assert.equal(qwen.analysis!.figures.activeParams.value, qa);
    assert.ok(Math.abs(qt / 235e9 - 1) < 0.01 && Math.abs(qa / 22e9 - 1) < 0.02);
  });

  test('gpt3-175b.yml: biases, LayerNorm, tied embeddings and a 16,384-row trainable position table', () => {
    const h = 12288;
    const embeddings = 50304 * h + 16384 * h; // tied token table + trainable_position_size rows
    const attention = 4 * h * h + (3 * h + h); // qkv + out weights and biases
    const mlp = 2 * h * 49152 + (49152 + h); // GELU 2-matrix MLP with biases
    const norms = 2 * (2 * h); // two LayerNorms with bias
    assert.equal(params(corpus('gpt3-175b.yml').a), embeddings + 96 * (attention + mlp + norms) + 2 * h);
  });

  test('gpt-oss-20b.yml: attention and expert biases, head_dim 64, 32 experts top-4', () => {
    const h = 2880;
    const attention = 2 * h * 64 * 64 + 2 * h * 8 * 64 + (64 * 64 + 2 * 8 * 64 + h); // q, o + k, v; q/k/v/o biases (mlp_bias ⇒ biases)
    const expert = 3 * h * 2880 + (2 * 2880 + h); // gated expert with biases
    const perLayer = attention + 2 * h + h * 32;
    const embed = 2 * 201088 * h + h;
    const a = corpus('gpt-oss-20b.yml').a;
    assert.equal(params(a), embed + 24 * (perLayer + 32 * expert));
    assert.equal(a.analysis!.figures.activeParams.value, embed + 24 * (perLayer + 4 * expert));
  });

  test('deepseek3-671b.yml: MLA counted exactly, shared expert folded in as an always-active routed-width expert', () => {
    const h = 7168;
    const heads = 128;
    // MLA: q_a h·1536 + norm 1536 + q_b 1536·heads·(128+64); kv_a h·(512+64) + norm 512 + kv_b 512·heads·(128+128); o heads·128·h
    const mla = h * 1536 + 1536 + 1536 * heads * 192 + h * 576 + 512 + 512 * heads * 256 + heads * 128 * h;
    assert.equal(mla, 187_107_328);
    const expert = 3 * h * 2048;
    const denseLayer = mla + 3 * h * 18432 + 2 * h; // first_num_dense_layers 3
    const moeShared = mla + 2 * h + h * 257; // router over 256 routed + 1 shared (counted as an expert)
    const embed = 2 * 129280 * h + h;
    const a = corpus('deepseek3-671b.yml').a;
    assert.equal(params(a), embed + 3 * denseLayer + 58 * (moeShared + 257 * expert));
    assert.equal(a.analysis!.figures.activeParams.value, embed + 3 * denseLayer + 58 * (moeShared + 9 * expert));
    assert.ok(Math.abs(params(a)! / 671e9 - 1) < 0.001); // DeepSeek-V3: 671B total, 37B active
    assert.ok(Math.abs(a.analysis!.figures.activeParams.value! / 37.5e9 - 1) < 0.01);
  });

  test('gpu_llama3_70b.yml: base.yml and models/llama3-70b.yml layered; steps/seq from the file; hardware via directive; fix edits steps', () => {
    const { text, a } = corpus('gpu_llama3_70b.yml');
    const expected = llamaParams({ layers: 80, h: 8192, heads: 64, kv: 8, ffn: 28672, vocab: 128256 });
    assert.equal(params(a), expected);
    const layers = a.plan!.model.layers!.origin;
    assert.ok(layers.kind === 'document' && layers.file?.endsWith('llama3-70b.yml'), JSON.stringify(layers));
    const steps = a.plan!.training.steps!;
    assert.equal(steps.value, 30);
    assert.equal(steps.origin.kind === 'document' && at(text, steps.origin.range), '30');
    assert.equal(a.plan!.model.seqLen!.value, 8192);
    assert.equal(a.plan!.training.activationCheckpointing!.value, 'full');
    assert.equal(a.analysis!.figures.tokens.value, null); // devices come from the runtime
    const hw = a.findings.find((f) => /No accelerator/.test(f.message))!;
    assert.match(hw.message, /compile_topology/);
    assert.match(hw.message, /hardware: gpu/);

    // With the hardware given: global batch = per_device_batch_size 4 × 64 GPUs; tokens = 30 × 256 × 8192.
    const text2 = `${text}# scaling-lens: gpu=H100 count=64\n`;
    const b = run(text2, resolve(DIR, 'gpu_llama3_70b.yml'));
    assert.equal(b.analysis!.figures.tokens.value, 30 * 4 * 64 * 8192);
    const under = b.findings.find((f) => f.code === 'under-trained')!;
    assert.equal(at(text2, under.range), 'steps');
    const fix = under.fixes![0]!;
    assert.match(fix.title, /^Set training tokens to compute-optimal/);
    const edits = fixToTextEdits(fix, b.parsed!, MAXTEXT_ADAPTER.renderValue)!;
    assert.equal(edits.length, 1);
    assert.equal(at(text2, edits[0]!.range), '30');
    assert.equal(edits[0]!.newText, String(Math.ceil((20 * expected) / (256 * 8192))));
  });

  test('repository layout: configs/gpu/models/… finds ../../base.yml and configs/models/<name>.yml', () => {
    const { root, read } = repoReader('AI-Hypercomputer/maxtext', 'maxtext');
    const file = posix.join(root, 'src/maxtext/configs/gpu/models/mixtral_8x7b.yml');
    const a = run(readFileSync(resolve(DIR, 'gpu_mixtral_8x7b.yml'), 'utf8'), file, read);
    const [mt] = moeParams({ layers: 32, h: 4096, heads: 32, kv: 8, headDim: 128, expertFfn: 14336, experts: 8, topK: 2, vocab: 32000 });
    assert.equal(params(a), mt);
    const experts = a.plan!.model.experts!.origin;
    assert.ok(experts.kind === 'document' && experts.file === posix.join(root, 'src/maxtext/configs/models/mixtral-8x7b.yml'));
    const lr = a.plan!.training.precision!.origin; // dtype from base.yml
    assert.ok(lr.kind === 'document' && lr.file === posix.join(root, 'src/maxtext/configs/base.yml'));
    assert.equal(a.plan!.training.activationCheckpointing!.value, 'selective'); // remat_policy minimal_with_context
    assert.deepEqual(a.findings.filter((f) => f.code === 'missing-value' && /base_config|model_name/.test(f.message)), []);
  });

  test('llama3_70b_v5e-16.yml: an unreadable base_config is missing-value at the key; model_name still resolves', () => {
    const { text, a } = corpus('llama3_70b_v5e-16.yml');
    const miss = a.findings.find((f) => f.code === 'missing-value' && /inference_jetstream/.test(f.message))!;
    assert.equal(miss.severity, 'information');
    assert.equal(at(text, miss.range), '"inference/inference_jetstream.yml"');
    assert.equal(params(a), llamaParams({ layers: 80, h: 8192, heads: 64, kv: 8, ffn: 28672, vocab: 128256 }));
    const steps = a.plan!.training.steps!.origin; // base.yml unread: MaxText's built-in default
    assert.equal(steps.kind, 'default');
  });

  test('sft.yml: use_sft is full fine-tuning, no Chinchilla warning', () => {
    const { text, a } = corpus('sft.yml');
    const ft = a.plan!.training.finetune!;
    assert.equal(ft.value, 'full');
    assert.equal(ft.origin.kind === 'document' && at(text, ft.origin.keyRange!), 'use_sft');
    assert.ok(a.analysis!.isFinetune);
    assert.ok(!a.findings.some((f) => f.code === 'under-trained'));
  });

  test('inline: compile_topology v5p-256 × 2 slices → 256 TPU v5p chips, global batch, tokens, microbatch per TP group, fix keeps 5_000 style', () => {
    const text = [
      'base_config: "base.yml"',
      'model_name: "llama2-7b"',
      'steps: 5_000',
      'per_device_batch_size: 2',
      'max_target_length: 4096',
      'compile_topology: v5p-256',
      'compile_topology_num_slices: 2',
      'ici_tensor_parallelism: 4',
      '',
    ].join('\n');
    const a = run(text, resolve(DIR, 'my_run.yml'));
    assert.equal(a.dialect?.id, 'maxtext');
    const R = a.analysis!.resolved;
    assert.equal(R.gpuName!.value, 'TPU v5p');
    assert.equal(R.accelerator?.name, 'Google TPU v5p');
    assert.equal(R.gpus!.value, 256); // v5p-256 counts TensorCores: 128 chips per slice × 2 slices
    assert.equal(R.globalBatch!.value, 512); // int(256 × 2) × 1
    assert.equal(R.microBatch!.value, 8); // one TP-4 replica holds 4 devices × 2 sequences
    assert.equal(R.tp.value, 4);
    assert.equal(R.dp!.value, 64);
    assert.equal(R.zero.value, 3); // ici_fsdp_parallelism -1 from base.yml: FSDP
    const expected = llamaParams({ layers: 32, h: 4096, heads: 32, kv: 32, ffn: 11008, vocab: 32000 });
    assert.equal(a.analysis!.figures.tokens.value, 5000 * 512 * 4096);
    const under = a.findings.find((f) => f.code === 'under-trained')!;
    const edits = fixToTextEdits(under.fixes![0]!, a.parsed!, MAXTEXT_ADAPTER.renderValue)!;
    assert.equal(at(text, edits[0]!.range), '5_000');
    const newSteps = Math.ceil((20 * expected) / (512 * 4096));
    assert.equal(edits[0]!.newText, newSteps.toLocaleString('en-US').replace(/,/g, '_'));
    assert.deepEqual(errors(a), []);
  });

  test('inline: -1 sentinels are "auto", never errors; steps -1 falls back to learning_rate_schedule_steps', () => {
    const text = 'base_config: "base.yml"\nsteps: -1\nlearning_rate_schedule_steps: 1_000\nici_fsdp_parallelism: -1\ndcn_data_parallelism: -1\nper_device_batch_size: 1\n';
    const a = run(text, resolve(DIR, 'auto.yml'));
    assert.deepEqual(errors(a), []);
    assert.equal(a.plan!.training.steps!.value, 1000);
    assert.equal(a.analysis!.resolved.zero.value, 3);
    assert.equal(a.plan!.cluster.count, undefined);
  });

  test('inline: a fully explicit mesh gives the device count; global_parameter_scale doubles dims in turn', () => {
    const text = [
      'base_config: "base.yml"',
      'global_parameter_scale: 8', // 2^3: one full cycle → heads/MLP ×2, embed ×2, layers ×2
      'ici_fsdp_parallelism: 64',
      'dcn_data_parallelism: 2',
      'per_device_batch_size: 4',
      'steps: 100',
      '',
    ].join('\n');
    const a = run(text, resolve(DIR, 'scaled.yml'));
    assert.equal(a.analysis!.resolved.gpus!.value, 128);
    assert.equal(a.analysis!.resolved.globalBatch!.value, 512);
    const m = a.plan!.model;
    assert.deepEqual([m.layers!.value, m.hidden!.value, m.heads!.value, m.ffnHidden!.value], [32, 4096, 32, 14336]);
    assert.equal(m.headDim!.value, 128); // head_dim is its own key, not scaled
    assert.deepEqual(parameterScales(2), { emb: 0, heads: 1, mlp: 1, layers: 0 });
    assert.deepEqual(parameterScales(4), { emb: 1, heads: 1, mlp: 1, layers: 0 });
    assert.equal(parameterScales(6), undefined);
  });

  test('inline traps: run-file dims under model_name are replaced (warning); bad global_parameter_scale is an error', () => {
    const text = 'base_config: "base.yml"\nmodel_name: "llama2-7b"\nbase_emb_dim: 1024\nglobal_parameter_scale: 3\n';
    const a = run(text, resolve(DIR, 'trap.yml'));
    const w = a.findings.find((f) => f.code === 'invalid-value' && f.severity === 'warning')!;
    assert.equal(at(text, w.range), 'base_emb_dim');
    assert.match(w.message, /model_name "llama2-7b"/);
    assert.equal(a.plan!.model.hidden!.value, 4096);
    const e = errors(a).find((f) => /power of 2/.test(f.message))!;
    assert.equal(at(text, e.range), 'global_parameter_scale');
  });

  test('inline: model_name without a model file falls back to the MaxText table, then to presets, else says so', () => {
    const outside = '/nowhere/run.yml';
    const none = () => undefined;
    const q = run('base_config: "base.yml"\nmodel_name: qwen3-235b-a22b\nmax_target_length: 4096\n', outside, none);
    const [qt] = moeParams({ layers: 94, h: 4096, heads: 64, kv: 4, headDim: 128, expertFfn: 1536, experts: 128, topK: 8, vocab: 151936 });
    assert.equal(params(q), qt);
    assert.equal(q.plan!.model.hidden!.origin.kind, 'preset');
    const l = run('base_config: "base.yml"\nmodel_name: llama2-13b\nper_device_batch_size: 1\n', outside, none);
    assert.equal(l.plan!.model.preset!.value, 'llama2-13b');
    assert.equal(params(l), llamaParams({ layers: 40, h: 5120, heads: 40, kv: 40, ffn: 13824, vocab: 32000 }));
    const u = run('base_config: "base.yml"\nmodel_name: my-secret-model\nper_device_batch_size: 1\n', outside, none);
    assert.equal(params(u), null);
    assert.ok(u.findings.some((f) => f.code === 'missing-value' && /my-secret-model/.test(f.message)));
  });

  test('inline: LoRA via lora.enable_lora with rank; QLoRA with lora_weight_qtype', () => {
    const lora = run('base_config: "base.yml"\nuse_sft: true\nlora:\n  enable_lora: true\n  lora_rank: 32\n', resolve(DIR, 'lora.yml'));
    assert.equal(lora.plan!.training.finetune!.value, 'lora');
    assert.equal(lora.plan!.training.loraRank!.value, 32);
    const q = run('base_config: "base.yml"\nuse_sft: true\nlora:\n  enable_lora: true\n  lora_rank: 8\n  lora_weight_qtype: nf4\n', resolve(DIR, 'qlora.yml'));
    assert.equal(q.plan!.training.finetune!.value, 'qlora');
  });

  test('TPU slice names: v4/v5p count TensorCores (2 per chip), v5e/v6e count chips', () => {
    assert.deepEqual(tpuSlice('v5p-256'), { gpu: 'TPU v5p', devicesPerSlice: 128 });
    assert.deepEqual(tpuSlice('v4-64'), { gpu: 'TPU v4', devicesPerSlice: 32 });
    assert.deepEqual(tpuSlice('v5e-16'), { gpu: 'TPU v5e', devicesPerSlice: 16 });
    assert.deepEqual(tpuSlice('v5litepod-256'), { gpu: 'TPU v5e', devicesPerSlice: 256 });
    assert.deepEqual(tpuSlice('v6e-256'), { gpu: 'TPU v6e', devicesPerSlice: 256 });
    assert.deepEqual(tpuSlice('a3'), { gpu: 'H100', devicesPerSlice: 8 });
    assert.equal(tpuSlice('v9x-1'), undefined);
  });
});
