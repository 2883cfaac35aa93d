/** LitGPT config_hub YAML through the whole pipeline: detection, model names and inline model_config, tokens, hardware, fixes. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { LITGPT_ADAPTER } from '../../server/src/dialects/litgpt';
import { fixToTextEdits } from '../../server/src/dialects/edits';
import { at, errors, dialectHarness } from '../helpers/corpus';

const { DIR, skip, run, corpus } = dialectHarness('litgpt', LITGPT_ADAPTER);

// Llama-style parameter count: embeddings (untied ×2) + layers × (attention + SwiGLU MLP + 2 RMSNorms) + final norm.
function llamaParams(o: { layers: number; h: number; heads: number; kv: number; ffn: number; vocab: number; tied?: boolean; headDim?: number }): number {
  const d = o.headDim ?? o.h / o.heads;
  const attention = o.h * o.heads * d + 2 * o.h * o.kv * d + o.heads * d * o.h; // q, k, v, o
  const mlp = 3 * o.h * o.ffn; // gate, up, down
  const norms = 2 * o.h;
  return o.vocab * o.h * (o.tied ? 1 : 2) + o.layers * (attention + mlp + norms) + o.h;
}

describe('litgpt dialect', { skip }, () => {
  test('every corpus file is detected as litgpt with a reason naming its keys', () => {
    for (const f of readdirSync(DIR)) {
      const { a } = corpus(f);
      assert.equal(a.dialect?.id, 'litgpt', f);
      assert.match(a.dialect!.reason, /train\.global_batch_size/, f);
      const d = LITGPT_ADAPTER.detect(a.parsed!, f)!;
      assert.ok(d.score >= 70 && d.score <= 90, `${f}: ${d.score}`);
      assert.deepEqual(errors(a), [], f);
    }
  });

  test('debug.yaml: pythia-14m by name (litgpt config), max_tokens, under-trained fix edits train.max_tokens', () => {
    const { text, a } = corpus('debug.yaml');
    // litgpt pythia-14m: 6 layers, n_embd 128, 4 heads, GELU MLP 4·128, biases, LayerNorm (weight+bias),
    // vocab 50254 padded to a multiple of 128 = 50304, untied lm_head.
    const h = 128;
    const embeddings = 2 * 50304 * h;
    const attention = 4 * h * h + (3 * h + h); // qkv + proj weights, qkv + proj biases
    const mlp = 2 * h * (4 * h) + (4 * h + h); // fc + proj weights and biases
    const norms = 2 * (2 * h); // two LayerNorms with bias
    const expected = embeddings + 6 * (attention + mlp + norms) + 2 * h;
    assert.equal(expected, 14_067_712);
    assert.equal(a.analysis!.figures.params.value, expected);
    const tokens = a.plan!.training.tokens!;
    assert.equal(tokens.value, 100_000_000);
    assert.equal(tokens.origin.kind === 'document' && at(text, tokens.origin.range), '100000000');
    const under = a.findings.find((f) => f.code === 'under-trained')!;
    assert.equal(at(text, under.range), 'max_tokens');
    const edits = fixToTextEdits(under.fixes![0]!, a.parsed!, LITGPT_ADAPTER.renderValue)!;
    assert.equal(at(text, edits[0]!.range), '100000000');
    assert.match(edits[0]!.newText, /^\d+$/, 'a plain integer like the token it replaces');
    assert.ok(Number(edits[0]!.newText) >= 20 * expected);
    // `devices: auto` and the empty keys are sentinels: no hardware, no errors
    assert.equal(a.plan!.cluster.gpusPerNode, undefined);
    assert.ok(a.findings.some((f) => f.code === 'missing-value' && /devices/.test(f.message)));
  });

  test('tinystories.yaml: inline model_config wins, tie_embeddings, and the model_name clash is flagged', () => {
    const { text, a } = corpus('tinystories.yaml');
    // stories15M: 6 layers, n_embd 288, 6 heads (head 48), LLaMAMLP 768, RMSNorm, no bias, vocab 32000 tied
    const expected = llamaParams({ layers: 6, h: 288, heads: 6, kv: 6, ffn: 768, vocab: 32000, tied: true });
    assert.equal(expected, 15_191_712);
    assert.equal(a.analysis!.figures.params.value, expected);
    assert.equal(a.plan!.training.tokens!.value, 9_700_000_000);
    assert.equal(a.plan!.model.seqLen!.value, 256);
    const clash = a.findings.find((f) => f.code === 'invalid-value')!;
    assert.equal(clash.severity, 'warning');
    assert.equal(at(text, clash.range), 'model_name');
  });

  test('tinyllama.yaml and microllama.yaml: names resolved (core preset / litgpt table); 3T tokens is over-training, not a warning', () => {
    const tiny = corpus('tinyllama.yaml').a;
    assert.equal(tiny.analysis!.figures.params.value, llamaParams({ layers: 22, h: 2048, heads: 32, kv: 4, ffn: 5632, vocab: 32000 }));
    assert.equal(tiny.analysis!.figures.params.value, 1_100_048_384);
    assert.equal(tiny.plan!.training.tokens!.value, 3e12);
    assert.ok(tiny.findings.some((f) => f.code === 'over-trained'));
    assert.ok(!tiny.findings.some((f) => f.code === 'under-trained'));
    const micro = corpus('microllama.yaml').a;
    // litgpt micro-llama-300M: 12 layers, 1024, 16 heads, 4 query groups, LLaMAMLP 5632, vocab 32000
    assert.equal(micro.analysis!.figures.params.value, llamaParams({ layers: 12, h: 1024, heads: 16, kv: 4, ffn: 5632, vocab: 32000 }));
  });

  test('fine-tuning: checkpoint_dir names the model; full / LoRA / QLoRA; devices × num_nodes; FSDP + recompute; epochs need the dataset', () => {
    const full = corpus('llama-3.1-8b_full.yaml');
    const a = full.a;
    assert.equal(a.analysis!.figures.params.value, llamaParams({ layers: 32, h: 4096, heads: 32, kv: 8, ffn: 14336, vocab: 128256 }));
    assert.equal(a.plan!.training.finetune!.value, 'full');
    assert.equal(a.analysis!.resolved.gpus!.value, 4);
    assert.equal(a.plan!.parallelism.fsdp!.value, true);
    assert.equal(a.plan!.training.activationCheckpointing!.value, 'full');
    assert.equal(a.plan!.training.precision!.value, 'bf16-true');
    const epochs = a.findings.find((f) => f.code === 'missing-value' && /dataset size/.test(f.message))!;
    assert.equal(at(full.text, epochs.range), 'epochs');
    assert.ok(!a.findings.some((f) => f.code === 'under-trained' || /Training tokens unknown/.test(f.message)));

    const lora = corpus('llama-3.1-8b_lora.yaml').a;
    assert.equal(lora.plan!.training.finetune!.value, 'lora');
    assert.equal(lora.plan!.training.loraRank!.value, 32);
    assert.equal(lora.analysis!.resolved.gpus!.value, 1);
    assert.equal(lora.plan!.parallelism.fsdp, undefined);
    const qlora = corpus('llama-3.1-8b_qlora.yaml');
    assert.equal(qlora.a.plan!.training.finetune!.value, 'qlora');
    const o = qlora.a.plan!.training.finetune!.origin;
    assert.equal(o.kind === 'document' && at(qlora.text, o.range), 'bnb.nf4');
    assert.equal(corpus('mistral-7b_lora.yaml').a.plan!.training.finetune!.value, 'lora');
    assert.equal(corpus('phi-3_full.yaml').a.plan!.training.finetune!.value, 'full');
  });

  test('gemma-2b_full.yaml: max_steps × global batch × max_seq_length tokens', () => {
    const a = corpus('gemma-2b_full.yaml').a;
    assert.equal(a.analysis!.figures.tokens.value, 50 * 16 * 512);
    // Gemma 2B: 18 layers, 2048, 8 heads of 256, 1 KV head, GeGLU 16384, vocab 256000 tied
    assert.equal(a.analysis!.figures.params.value, llamaParams({ layers: 18, h: 2048, heads: 8, kv: 1, headDim: 256, ffn: 16384, vocab: 256000, tied: true }));
  });

  test('inline text: litgpt Config defaults (GptNeoxMLP, LayerNorm, bias, padded vocab), 1_000_000 tokens, devices × num_nodes', () => {
    const text = [
      'model_config:',
      '  n_layer: 2',
      '  n_embd: 64',
      '  n_head: 4',
      '  vocab_size: 1000',
      'train:',
      '  global_batch_size: 32',
      '  micro_batch_size: 2',
      '  max_tokens: 1_000_000',
      '  max_seq_length: 128',
      'precision: 16-mixed',
      'devices: 8',
      'num_nodes: 2',
    ].join('\n');
    const a = run(text, 'pretrain.yaml');
    assert.equal(a.dialect?.id, 'litgpt');
    const h = 64;
    const vocab = 1024; // 1000 rounded up to padding_multiple 512
    const attention = 4 * h * h + 4 * h; // q,k,v,o weights + biases (bias: true default)
    const mlp = 2 * h * 4 * h + 4 * h + h; // GptNeoxMLP fc/proj, intermediate 4·n_embd, with biases
    const norms = 2 * 2 * h; // LayerNorm weight + bias, ×2
    assert.equal(a.analysis!.figures.params.value, 2 * vocab * h + 2 * (attention + mlp + norms) + 2 * h);
    assert.equal(a.plan!.training.tokens!.value, 1_000_000);
    assert.equal(a.analysis!.resolved.gpus!.value, 16);
    assert.equal(a.plan!.training.precision!.value, 'fp16-mixed');
    assert.ok(!a.findings.some((f) => f.code === 'batch-mismatch'), '32 = 2 × 16 × 1');
    assert.deepEqual(errors(a), []);
  });

  test('traps: quantize with several devices, max_tokens in fine-tuning, epochs in pretraining', () => {
    const ft = run('checkpoint_dir: checkpoints/meta-llama/Meta-Llama-3.1-8B\nquantize: bnb.nf4\nlora_r: 8\ndevices: 2\ntrain:\n  global_batch_size: 8\n  micro_batch_size: 1\n  max_tokens: 1000\n', 'ft.yaml');
    assert.equal(ft.dialect?.id, 'litgpt');
    const warnings = ft.findings.filter((f) => f.code === 'invalid-value' && f.severity === 'warning').map((f) => f.message);
    assert.ok(warnings.some((m) => /multi-GPU/.test(m)), JSON.stringify(warnings));
    assert.ok(warnings.some((m) => /max_tokens/.test(m)), JSON.stringify(warnings));
    const pt = run('model_name: pythia-14m\ntrain:\n  global_batch_size: 8\n  epochs: 2\n  max_tokens: 1e9\n', 'pt.yaml');
    assert.ok(pt.findings.some((f) => f.code === 'invalid-value' && /epochs/.test(f.message)));
    assert.equal(pt.plan!.training.tokens!.value, 1e9);
    const list = run('model_name: pythia-14m\ntrain:\n  global_batch_size: 8\n  max_tokens: 1e9\ndevices: [0, 1, 2]\n', 'pt.yaml');
    assert.equal(list.analysis!.resolved.gpus!.value, 3);
  });

  test('unrelated YAML/JSON/TOML is not claimed', () => {
    for (const [name, text] of UNRELATED) assert.equal(LITGPT_ADAPTER.detect(run(text, name).parsed!, name), undefined, name);
  });
});

const UNRELATED: [string, string][] = [
  ['.github/workflows/ci.yml', 'name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n'],
  ['docker-compose.yml', 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n  train:\n    image: pytorch\n    command: python train.py --devices 8\n'],
  ['package.json', '{ "name": "x", "version": "1.0.0", "scripts": { "test": "node --test" }, "devDependencies": { "typescript": "^5" } }'],
  ['tsconfig.json', '{ "compilerOptions": { "strict": true, "target": "ES2022", "module": "NodeNext" }, "include": ["src"] }'],
  ['Cargo.toml', '[package]\nname = "model"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = "1"\n'],
  ['pyproject.toml', '[project]\nname = "trainer"\nversion = "0.1"\n[tool.ruff]\nline-length = 120\n[tool.pytest.ini_options]\naddopts = "-q"\n'],
];
