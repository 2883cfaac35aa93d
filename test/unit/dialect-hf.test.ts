/**
 * Hugging Face files through the whole pipeline: model config.json (incl. DeepSeek's inference ModelArgs JSON with MLA),
 * TRL / alignment-handbook recipes, and accelerate configs.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeText } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';
import { NATIVE_ADAPTER } from '../../server/src/dialects/nativeAdapter';
import { HF_ADAPTER } from '../../server/src/dialects/hf';
import { ACCELERATE_ADAPTER } from '../../server/src/dialects/accelerate';
import { boundedReader } from '../../server/src/host/files';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');
const skip = existsSync(resolve(CORPUS, 'hf-trl')) ? false : `corpus not found at ${CORPUS}`;
const adapters = [NATIVE_ADAPTER, HF_ADAPTER, ACCELERATE_ADAPTER];
const reader = boundedReader([CORPUS]);
const run = (text: string, fileName: string) => analyzeText(text, fileName, { options: defaultOptions(), adapters, readFile: reader });
const corpus = (rel: string) => {
  const file = resolve(CORPUS, rel);
  const text = readFileSync(file, 'utf8');
  return { text, a: run(text, file) };
};
const at = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);
const errors = (a: ReturnType<typeof run>) => a.findings.filter((f) => f.severity === 'error');
const gqa = (h: number, heads: number, kv: number, d = h / heads) => h * heads * d + 2 * h * kv * d + heads * d * h;
const llama = (o: { layers: number; h: number; heads: number; kv: number; ffn: number; vocab: number; tied?: boolean; d?: number }) =>
  o.vocab * o.h * (o.tied ? 1 : 2) + o.layers * (gqa(o.h, o.heads, o.kv, o.d) + 3 * o.h * o.ffn + 2 * o.h) + o.h;

/** DeepSeek MLA parameters per layer: wq (or wq_a + q_norm + wq_b), wkv_a, kv_norm, wkv_b, wo. */
const mla = (h: number, heads: number, qLora: number) =>
  (qLora ? h * qLora + qLora + qLora * heads * 192 : h * heads * 192) + h * (512 + 64) + 512 + 512 * heads * (128 + 128) + heads * 128 * h;

describe('Hugging Face model config JSON', { skip }, () => {
  test('DeepSeek-V3 ModelArgs JSON: MLA counted exactly, 3 dense + 58 MoE layers, information finding', () => {
    const { text, a } = corpus('model-config-json/deepseek_v3_config_671B.json');
    assert.equal(a.dialect?.id, 'huggingface');
    assert.match(a.dialect!.reason, /DeepSeek/);
    const h = 7168;
    const expert = 3 * h * 2048;
    const dense = mla(h, 128, 1536) + 3 * h * 18432 + 2 * h;
    const moe = (k: number) => mla(h, 128, 1536) + k * expert + expert + h * 256 + 2 * h; // k routed + 1 shared + router
    const emb = 2 * 129280 * h;
    assert.equal(Math.round(a.analysis!.figures.params.value!), emb + 3 * dense + 58 * moe(256) + h);
    assert.equal(Math.round(a.analysis!.figures.activeParams.value!), emb + 3 * dense + 58 * moe(8) + h);
    const note = a.findings.find((f) => /Latent Attention/.test(f.message))!;
    assert.equal(note.severity, 'information');
    assert.equal(at(text, note.range), '"kv_lora_rank"');
    assert.deepEqual(errors(a), []);
  });

  test('DeepSeek-V2-Lite ModelArgs JSON: q_lora_rank 0, 2 shared experts', () => {
    const a = corpus('model-config-json/deepseek_v2_lite_config_16B.json').a;
    const h = 2048;
    const expert = 3 * h * 1408;
    const expected = 2 * 102400 * h + (mla(h, 16, 0) + 3 * h * 10944 + 2 * h) + 26 * (mla(h, 16, 0) + 64 * expert + 2 * expert + h * 64 + 2 * h) + h;
    assert.equal(Math.round(a.analysis!.figures.params.value!), expected);
    assert.equal(mla(h, 16, 0), 13_763_072);
  });

  test('config.json families: GPT-2 (learned positions, biases, tied), Qwen2 (qkv bias), Qwen3-MoE (q/k norms, experts)', () => {
    const gpt2 = run('{ "architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_layer": 12, "n_embd": 768, "n_head": 12, "n_positions": 1024, "n_inner": null, "vocab_size": 50257 }', 'config.json');
    const h = 768;
    const layer = 2 * h + (h * 3 * h + 3 * h) + (h * h + h) + 2 * h + (h * 4 * h + 4 * h) + (4 * h * h + h); // ln1, c_attn, c_proj, ln2, c_fc, c_proj
    assert.equal(gpt2.analysis!.figures.params.value, 50257 * h + 1024 * h + 12 * layer + 2 * h);
    assert.equal(gpt2.analysis!.figures.params.value, 124_439_808);

    const qwen2 = run('{ "model_type": "qwen2", "num_hidden_layers": 24, "hidden_size": 896, "num_attention_heads": 14, "num_key_value_heads": 2, "intermediate_size": 4864, "vocab_size": 151936, "tie_word_embeddings": true }', 'config.json');
    const qkvBias = 896 + 2 * 128;
    assert.equal(qwen2.analysis!.figures.params.value, llama({ layers: 24, h: 896, heads: 14, kv: 2, ffn: 4864, vocab: 151936, tied: true }) + 24 * qkvBias);

    const q3 = run('{ "model_type": "qwen3_moe", "num_hidden_layers": 48, "hidden_size": 2048, "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128, "intermediate_size": 6144, "moe_intermediate_size": 768, "num_experts": 128, "num_experts_per_tok": 8, "decoder_sparse_step": 1, "mlp_only_layers": [], "vocab_size": 151936, "tie_word_embeddings": false }', 'config.json');
    const attn = 2048 * 4096 + 2 * 2048 * 512 + 4096 * 2048;
    const per = (k: number) => attn + k * 3 * 2048 * 768 + 2048 * 128 + 2 * 2048 + 2 * 128; // + router, norms, q/k norms
    assert.equal(q3.analysis!.figures.params.value, 2 * 151936 * 2048 + 48 * per(128) + 2048);
    assert.equal(q3.analysis!.figures.activeParams.value, 2 * 151936 * 2048 + 48 * per(8) + 2048);

    // no model_type: the longest architectures[0] prefix picks the family (Gemma2ForCausalLM → gemma2: GeGLU, 4 norms, tied)
    const g2 = run('{ "architectures": ["Gemma2ForCausalLM"], "num_hidden_layers": 26, "hidden_size": 2304, "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256, "intermediate_size": 9216, "vocab_size": 256000 }', 'config.json');
    const g2Layer = gqa(2304, 8, 4, 256) + 3 * 2304 * 9216 + 4 * 2304;
    assert.equal(g2.analysis!.figures.params.value, 256000 * 2304 + 26 * g2Layer + 2304);
    assert.equal(g2.analysis!.figures.params.value, 2_614_341_888);

    const unknown = run('{ "model_type": "mystery", "num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100 }', 'config.json');
    assert.ok(unknown.findings.some((f) => f.code === 'missing-value' && /mystery/.test(f.message)));
    assert.equal(unknown.analysis!.figures.params.value, llama({ layers: 2, h: 64, heads: 4, kv: 4, ffn: 128, vocab: 100 }));
  });
});

describe('TRL / alignment-handbook recipes', { skip }, () => {
  test('zephyr SFT full: Mistral-7B by HF id, full fine-tuning, epochs need the dataset size, -1 max_steps is a sentinel', () => {
    const { text, a } = corpus('hf-trl/zephyr-7b-beta_sft_config_full.yaml');
    assert.equal(a.dialect?.id, 'huggingface');
    assert.match(a.dialect!.reason, /TRL recipe: model_name_or_path/);
    assert.equal(a.analysis!.figures.params.value, llama({ layers: 32, h: 4096, heads: 32, kv: 8, ffn: 14336, vocab: 32000 }));
    assert.equal(a.plan!.training.finetune!.value, 'full');
    assert.equal(a.plan!.training.microBatch!.value, 16);
    assert.equal(a.plan!.model.seqLen!.value, 2048);
    assert.equal(a.plan!.training.precision!.value, 'bf16-mixed');
    assert.equal(a.plan!.training.activationCheckpointing!.value, 'full');
    assert.equal(a.plan!.training.steps, undefined);
    const epochs = a.findings.find((f) => /dataset size/.test(f.message))!;
    assert.equal(at(text, epochs.range), 'num_train_epochs');
    assert.ok(!a.findings.some((f) => f.code === 'under-trained' || /Training tokens unknown/.test(f.message)));
    assert.deepEqual(errors(a), []);
  });

  test('QLoRA recipe, ORPO on Mixtral-8x22B (8-bit AdamW), SmolLM3 mid-training', () => {
    const q = corpus('hf-trl/zephyr-7b-beta_sft_config_qlora.yaml').a;
    assert.equal(q.plan!.training.finetune!.value, 'qlora');
    assert.equal(q.plan!.training.loraRank!.value, 16);
    const orpo = corpus('hf-trl/zephyr-141b-A35b_orpo_config_full.yaml').a;
    const h = 6144;
    const expert = 3 * h * 16384;
    const per = (k: number) => gqa(h, 48, 8) + k * expert + h * 8 + 2 * h;
    assert.equal(orpo.analysis!.figures.params.value, 2 * 32768 * h + 56 * per(8) + h);
    assert.equal(orpo.analysis!.figures.activeParams.value, 2 * 32768 * h + 56 * per(2) + h);
    assert.equal(orpo.plan!.training.optimizer!.value, 'adamw-8bit');
    assert.equal(orpo.plan!.training.finetune!.value, 'full');
    const smol = corpus('hf-trl/smollm3_sft_mid.yaml').a;
    // SmolLM3-3B: 36 layers, 2048, 16 heads, 4 KV heads, FFN 11008, vocab 128256 tied
    assert.equal(smol.analysis!.figures.params.value, llama({ layers: 36, h: 2048, heads: 16, kv: 4, ffn: 11008, vocab: 128256, tied: true }));
    assert.equal(smol.plan!.model.seqLen!.value, 32768);
    assert.equal(smol.plan!.training.gradAccum!.value, 2);
  });

  test('inline recipe: max_steps tokens with a GPU directive; deepspeed JSON read for the ZeRO stage; LoRA', () => {
    const text = [
      '# scaling-lens: gpu=H100 count=8',
      'model_name_or_path: meta-llama/Llama-3.1-8B',
      'per_device_train_batch_size: 4',
      'gradient_accumulation_steps: 2',
      'max_steps: 1000',
      'max_length: 2048',
      'use_peft: true',
      'lora_r: 64',
      'learning_rate: 1.0e-4',
      'deepspeed: axolotl/deepspeed_zero3_bf16.json',
    ].join('\n');
    const a = run(text, resolve(CORPUS, 'recipe.yaml'));
    assert.equal(a.dialect?.id, 'huggingface');
    assert.equal(a.analysis!.figures.tokens.value, 1000 * 4 * 8 * 2 * 2048);
    assert.equal(a.plan!.training.finetune!.value, 'lora');
    assert.equal(a.plan!.training.loraRank!.value, 64);
    const zero = a.plan!.parallelism.zero!;
    assert.equal(zero.value, 3);
    assert.ok(zero.origin.kind === 'document' && zero.origin.file?.endsWith('deepspeed_zero3_bf16.json'));
    const missing = run(text.replace('axolotl/deepspeed_zero3_bf16.json', 'nowhere/ds.json'), resolve(CORPUS, 'recipe.yaml'));
    const m = missing.findings.find((f) => f.code === 'missing-value' && /could not read/.test(f.message))!;
    assert.equal(m.severity, 'information');
  });
});

describe('accelerate configs', { skip }, () => {
  test('alignment-handbook FSDP and ZeRO-3 configs: 8 processes on 1 machine, bf16', () => {
    const fsdp = corpus('hf-trl/accelerate_fsdp.yaml');
    assert.equal(fsdp.a.dialect?.id, 'accelerate');
    assert.match(fsdp.a.dialect!.reason, /distributed_type/);
    assert.equal(fsdp.a.analysis!.resolved.gpus!.value, 8);
    const count = fsdp.a.plan!.cluster.count!;
    assert.equal(count.origin.kind === 'document' && at(fsdp.text, count.origin.range), '8');
    assert.equal(fsdp.a.plan!.cluster.gpusPerNode!.value, 8);
    assert.equal(fsdp.a.plan!.parallelism.fsdp!.value, true);
    assert.equal(fsdp.a.plan!.training.precision!.value, 'bf16-mixed');
    const z3 = corpus('hf-trl/accelerate_zero3.yaml').a;
    assert.equal(z3.plan!.parallelism.zero!.value, 3);
    assert.deepEqual(errors(z3), []);
  });

  test('inline: num_processes is the total over machines; NO with several processes; SHARD_GRAD_OP ≡ ZeRO-2', () => {
    const base = 'compute_environment: LOCAL_MACHINE\nmachine_rank: 0\n';
    const two = run(`${base}distributed_type: FSDP\nnum_machines: 2\nnum_processes: 16\nmixed_precision: fp16\nfsdp_config:\n  fsdp_sharding_strategy: SHARD_GRAD_OP\n`, 'accelerate.yaml');
    assert.equal(two.plan!.cluster.gpusPerNode!.value, 8);
    assert.equal(two.plan!.parallelism.zero!.value, 2);
    assert.equal(two.plan!.training.precision!.value, 'fp16-mixed');
    const odd = run(`${base}distributed_type: MULTI_GPU\nnum_machines: 8\nnum_processes: 12\n`, 'accelerate.yaml');
    assert.ok(odd.findings.some((f) => f.code === 'invalid-value' && /TOTAL/.test(f.message)));
    const no = run(`${base}distributed_type: 'NO'\nnum_machines: 1\nnum_processes: 4\nmixed_precision: 'no'\n`, 'accelerate.yaml');
    assert.ok(no.findings.some((f) => f.code === 'invalid-value' && /single process/.test(f.message)));
    assert.equal(no.plan!.training.precision!.value, 'fp32');
  });
});

describe('detection', () => {
  test('unrelated YAML/JSON/TOML is not claimed by the Hugging Face or accelerate adapters', () => {
    for (const [name, text] of UNRELATED) {
      const parsed = run(text, name).parsed!;
      assert.equal(HF_ADAPTER.detect(parsed, name), undefined, name);
      assert.equal(ACCELERATE_ADAPTER.detect(parsed, name), undefined, name);
    }
  });
});

const UNRELATED: [string, string][] = [
  ['.github/workflows/ci.yml', 'name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n'],
  ['docker-compose.yml', 'services:\n  train:\n    image: pytorch\n    environment:\n      - NUM_PROCESSES=8\n'],
  ['package.json', '{ "name": "x", "version": "1.0.0", "dependencies": { "transformers.js": "1" } }'],
  ['tsconfig.json', '{ "compilerOptions": { "strict": true } }'],
  ['Cargo.toml', '[package]\nname = "model"\nversion = "0.1.0"\n'],
  ['pyproject.toml', '[project]\nname = "trainer"\ndependencies = ["transformers", "accelerate"]\n'],
  ['tokenizer_config.json', '{ "model_max_length": 2048, "tokenizer_class": "LlamaTokenizer", "bos_token": "<s>" }'],
];
