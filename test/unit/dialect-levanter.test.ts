/** Levanter YAML through the whole pipeline: model.type defaults, tokenizer vocab, !include, batch schedules, LoRA/SFT, fixes. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { LEVANTER_ADAPTER, precisionOf, scheduledSequences } from '../../server/src/dialects/levanter';
import { fixToTextEdits } from '../../server/src/dialects/edits';
import { at, dialectHarness, errors, params, repoReader } from '../helpers/corpus';

const { DIR, skip, run, corpus } = dialectHarness('levanter', LEVANTER_ADAPTER);


// Llama-family count: embeddings (untied ×2) + layers × (q, k, v, o + gated MLP + `norm`-sized norms × 2) + final norm.
function llamaParams(o: { layers: number; h: number; heads: number; kv: number; ffn: number; vocab: number; norm?: number }): number {
  const d = o.h / o.heads;
  const attention = 2 * o.h * o.heads * d + 2 * o.h * o.kv * d;
  const norm = o.norm ?? o.h;
  return 2 * o.vocab * o.h + o.layers * (attention + 3 * o.h * o.ffn + 2 * norm) + norm;
}

// GPT-2 count: tied token table + learned positions (seq_len rows) + layers × (attention + 2-matrix MLP + 2 LayerNorms) + ln_f.
function gpt2Params(o: { layers: number; h: number; seq: number; vocab: number; bias: boolean }): number {
  const b = o.bias ? 1 : 0;
  const attention = 4 * o.h * o.h + b * 4 * o.h; // c_attn (qkv) + c_proj, with their biases
  const mlp = 2 * o.h * 4 * o.h + b * (4 * o.h + o.h); // c_fc + c_proj (mlp_scale 4)
  const norm = o.bias ? 2 * o.h : o.h; // LayerNorm weight (+ bias when use_bias)
  return o.vocab * o.h + o.seq * o.h + o.layers * (attention + mlp + 2 * norm) + norm;
}

const UNRELATED: Record<string, string> = {
  '.github/workflows/release.yml': 'on:\n  release:\n    types: [published]\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm publish\n',
  'docker-compose.yml': 'services:\n  trainer:\n    image: pytorch/pytorch\n    deploy:\n      resources:\n        reservations:\n          devices: [{ driver: nvidia, count: 8 }]\n',
  'package.json': '{ "name": "trainer-ui", "version": "0.0.1", "scripts": { "build": "tsc" } }',
  'tsconfig.json': '{ "extends": "./base.json", "compilerOptions": { "noEmit": true } }',
  'Cargo.toml': '[workspace]\nmembers = ["a", "b"]\n\n[profile.release]\nlto = true\n',
  'pyproject.toml': '[project]\nname = "levanter-like"\nversion = "1.0"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n',
};

describe('levanter dialect', { skip }, () => {
  test('every corpus file is detected as levanter (score 50–90) with a reason naming its keys, and has no errors', () => {
    for (const f of readdirSync(DIR)) {
      const { a } = corpus(f);
      assert.equal(a.dialect?.id, 'levanter', f);
      assert.match(a.dialect!.reason, /trainer\.|train_urls/, f);
      const d = LEVANTER_ADAPTER.detect(a.parsed!, f)!;
      assert.ok(d.score >= 50 && d.score <= 90, `${f}: ${d.score}`);
      assert.deepEqual(errors(a), [], f);
    }
  });

  test('unrelated YAML/JSON/TOML is not claimed', () => {
    for (const [name, text] of Object.entries(UNRELATED)) assert.equal(run(text, `/tmp/${name}`).dialect, undefined, name);
  });

  test('gpt2_20b.yaml: data: !include gives the tokenizer (gpt-neox-20b, 50,277 tokens); no biases; steps × batch × seq', () => {
    const { root, read } = repoReader('stanford-crfm/levanter', 'levanter');
    const { text, a } = corpus('gpt2_20b.yaml', read, posix.join(root, 'config/gpt2_20b.yaml'));
    const vocab = a.plan!.model.vocab!;
    assert.equal(vocab.value, 50277);
    assert.ok(vocab.origin.kind === 'document' && vocab.origin.file === posix.join(root, 'config/data/pile_source_old.yaml'));
    assert.equal(params(a), gpt2Params({ layers: 44, h: 6144, seq: 2048, vocab: 50277, bias: false }));
    assert.equal(a.analysis!.figures.tokens.value, 100000 * 1024 * 2048);
    assert.equal(a.plan!.training.precision!.value, 'bf16-mixed'); // mp: p=f32,c=bfloat16
    assert.equal(a.analysis!.resolved.zero.value, 3); // parameter_axis_resources embed: data ("ZERO-3")
    const steps = a.plan!.training.steps!;
    assert.equal(steps.origin.kind === 'document' && at(text, steps.origin.range), '100000');
  });

  test('gpt2_20b.yaml in the flat corpus: the unreadable !include is missing-value at the key, not a crash', () => {
    const { text, a } = corpus('gpt2_20b.yaml');
    const miss = a.findings.find((f) => f.code === 'missing-value' && /!include/.test(f.message))!;
    assert.equal(miss.severity, 'information');
    assert.equal(at(text, miss.range), 'data/pile_source_old.yaml');
    assert.equal(params(a), null); // the vocabulary is the tokenizer's
  });

  test('gpt2_small_fast_batch_schedule.yaml: GPT-2 small defaults (biases), a batch schedule summed over the steps', () => {
    const { a } = corpus('gpt2_small_fast_batch_schedule.yaml');
    assert.equal(params(a), gpt2Params({ layers: 12, h: 768, seq: 1024, vocab: 50257, bias: true }));
    assert.equal(params(a), 124_439_808); // = openai-community/gpt2
    // 64 for steps 0–63, 128 for 64–255, 64 for 256–1023, 256 for 1024–19999
    const sequences = 64 * 64 + 192 * 128 + 768 * 64 + (20000 - 1024) * 256;
    assert.equal(a.analysis!.figures.tokens.value, sequences * 1024);
    assert.equal(a.plan!.training.microBatch, undefined); // per_device_parallelism -1: a sentinel
    assert.deepEqual(errors(a), []);
  });

  test('llama2_7b.yaml: explicit dims (GQA 8, 14336) with the Llama-2 tokenizer; under-trained fix edits trainer.num_train_steps', () => {
    const { text, a } = corpus('llama2_7b.yaml');
    const expected = llamaParams({ layers: 32, h: 4096, heads: 32, kv: 8, ffn: 14336, vocab: 32000 });
    assert.equal(params(a), expected);
    assert.equal(a.analysis!.figures.tokens.value, 10000 * 1024 * 4096);
    assert.equal(a.plan!.training.microBatch!.value, 2);
    assert.equal(a.plan!.training.precision!.value, 'bf16-mixed'); // compute=bfloat16,params=float32
    const under = a.findings.find((f) => f.code === 'under-trained')!;
    assert.equal(at(text, under.range), 'num_train_steps');
    const edits = fixToTextEdits(under.fixes![0]!, a.parsed!, LEVANTER_ADAPTER.renderValue)!;
    assert.equal(at(text, edits[0]!.range), '10000');
    assert.equal(edits[0]!.newText, String(Math.ceil((20 * expected) / (1024 * 4096))));
  });

  test('mistral/mixtral: model.type alone gives the dataclass defaults; the v4-64 comment is only a hint', () => {
    const mistral = corpus('mistral_7b.yaml').a;
    assert.equal(params(mistral), llamaParams({ layers: 32, h: 4096, heads: 32, kv: 8, ffn: 14336, vocab: 32000 }));
    assert.equal(mistral.analysis!.figures.tokens.value, 1000 * 256 * 8192);
    assert.equal(mistral.plan!.cluster.gpu, undefined);
    const hint = mistral.findings.find((f) => /No accelerator/.test(f.message))!;
    assert.match(hint.message, /v4-64 slice \(32 chips\)/);
    assert.match(hint.message, /# scaling-lens: gpu="TPU v4" count=32/);
    const mixtral = corpus('mixtral_8x7b.yaml').a;
    const h = 4096;
    const expert = 3 * h * 14336;
    const shared = 2 * h * h + 2 * h * 1024 + 2 * h + h * 8; // attention (32 q heads, 8 KV heads × 128) + norms + router
    const embed = 2 * 32000 * h + h;
    assert.equal(params(mixtral), embed + 32 * (shared + 8 * expert));
    assert.equal(mixtral.analysis!.figures.activeParams.value, embed + 32 * (shared + 2 * expert));
  });

  test('hardware from the comment once the directive confirms it', () => {
    const text = `${readFileSync(resolve(DIR, 'mistral_7b.yaml'), 'utf8')}# scaling-lens: gpu="TPU v4" count=32\n`;
    const a = run(text, resolve(DIR, 'mistral_7b.yaml'));
    assert.equal(a.analysis!.resolved.accelerator?.name, 'Google TPU v4');
    assert.equal(a.analysis!.resolved.gpus!.value, 32);
  });

  test('olmo_7b_repro / llama_7b_tulu: parameter-free RMSNorm (use_layer_norm_weight false), OLMo tokenizer; tulu SFT data is fine-tuning', () => {
    const expected = llamaParams({ layers: 32, h: 4096, heads: 32, kv: 32, ffn: 11008, vocab: 50280, norm: 0 });
    const repro = corpus('olmo_7b_repro.yaml').a;
    assert.equal(params(repro), expected);
    assert.equal(repro.analysis!.figures.tokens.value, 750000 * 2048 * 2048);
    assert.equal(repro.plan!.training.finetune, undefined);
    const { text, a } = corpus('llama_7b_tulu.yaml');
    assert.equal(params(a), expected);
    const ft = a.plan!.training.finetune!;
    assert.equal(ft.value, 'full');
    assert.match(ft.origin.kind === 'document' ? at(text, ft.origin.range) : '', /tulu-v2-sft-mixture/);
    assert.ok(!a.findings.some((f) => f.code === 'under-trained' || f.code === 'over-trained'));
  });

  test('sft_llama3.1_tulu3.yaml: supervised data is full fine-tuning; vocab from the top-level tokenizer', () => {
    const { a } = corpus('sft_llama3.1_tulu3.yaml');
    assert.equal(params(a), llamaParams({ layers: 32, h: 4096, heads: 32, kv: 8, ffn: 14336, vocab: 128256 }));
    assert.equal(params(a), 8_030_261_248);
    assert.equal(a.plan!.training.finetune!.value, 'full');
    assert.equal(a.analysis!.figures.tokens.value, 1845 * 128 * 4096);
  });

  test('lora_llama2.yaml: LoRA on the HF model named by initialize_from_hf (rank 8 default), max_train_length, batch -1 is not an error', () => {
    const { text, a } = corpus('lora_llama2.yaml');
    assert.equal(a.plan!.training.finetune!.value, 'lora');
    assert.equal(a.analysis!.resolved.loraRank.value, 8);
    const preset = a.plan!.model.preset!;
    assert.equal(preset.value, 'NousResearch/Llama-2-7b-hf');
    assert.equal(preset.origin.kind === 'document' && at(text, preset.origin.range), '"NousResearch/Llama-2-7b-hf"');
    assert.equal(params(a), llamaParams({ layers: 32, h: 4096, heads: 32, kv: 32, ffn: 11008, vocab: 32000 }));
    assert.equal(a.plan!.model.seqLen!.value, 2048);
    assert.equal(a.plan!.training.globalBatch, undefined);
    assert.deepEqual(errors(a), []);
    // With the device count, the global batch is per_device_parallelism × devices.
    const b = run(`${text}# scaling-lens: gpu=A100 count=8\n`, resolve(DIR, 'lora_llama2.yaml'));
    assert.equal(b.analysis!.figures.tokens.value, 5000 * 4 * 8 * 2048);
  });

  test('inline: a small llama run; gradient checkpointing fix renders true; TP from model_axis_size', () => {
    const text = [
      'data:',
      '  tokenizer: gpt2',
      '  cache_dir: /tmp/cache',
      'model:',
      '  type: llama',
      '  seq_len: 1024',
      '  hidden_dim: 512',
      '  intermediate_dim: 1536',
      '  num_layers: 8',
      '  num_heads: 8',
      '  num_kv_heads: 3',
      'trainer:',
      '  mp: p=f32,c=bfloat16',
      '  model_axis_size: 2',
      '  train_batch_size: 64',
      '  num_train_steps: 1_000',
      '',
    ].join('\n');
    const a = run(text);
    assert.equal(a.dialect?.id, 'levanter');
    assert.equal(a.analysis!.resolved.tp.value, 2);
    const err = errors(a).find((f) => /num_kv_heads/.test(f.message))!; // 8 heads are not divisible by 3 KV heads
    assert.equal(at(text, err.range), 'num_kv_heads');
    assert.equal(LEVANTER_ADAPTER.renderValue!('training.activationCheckpointing', 'full', 'false'), 'true');
    const steps = a.plan!.training.steps!;
    assert.equal(steps.origin.kind === 'document' && at(text, steps.origin.range), '1_000');
  });

  test('helpers: jmp policies and batch schedules', () => {
    assert.equal(precisionOf('p=f32,c=bfloat16'), 'bf16-mixed');
    assert.equal(precisionOf('compute=bfloat16,params=float32,output=bfloat16'), 'bf16-mixed');
    assert.equal(precisionOf('p=bf16,c=bf16'), 'bf16-true');
    assert.equal(precisionOf('f32'), 'fp32');
    assert.equal(precisionOf('p=f32,c=f16'), 'fp16-mixed');
    assert.equal(precisionOf('nonsense'), undefined);
    assert.equal(scheduledSequences([{ start: 0, value: 8 }, { start: 10, value: 16 }], 20), 10 * 8 + 10 * 16);
    assert.equal(scheduledSequences([{ start: 0, value: 8 }, { start: 10, value: 16 }], 5), 5 * 8);
  });
});
