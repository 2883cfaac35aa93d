/**
 * GPT-NeoX (server/src/dialects/neox.ts) end to end: every corpus config, parameter counts worked out by hand from
 * NeoX's own conventions, tokens and hardware, the intermediate_size trap, fine-tuning, the quick fix on `train_iters`
 * in NeoX's JSON-ish flow mapping, sentinels, and negative detection.
 *
 * Hand formulas (params.ts conventions): embeddings V·h (×2 untied); per layer attention h·(a·d) + 2·h·(k·d) + (a·d)·h
 * (+ q + 2·kv + h biases), MLP 2·h·f (+ f + h) or gated 3·h·f, two norms per layer and a final one (LayerNorm with
 * bias 2h, RMSNorm h). NeoX vocab = tokenizer size padded to a multiple of make_vocab_size_divisible_by × TP.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeText } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';
import { NATIVE_ADAPTER } from '../../server/src/dialects/nativeAdapter';
import { NEOX_ADAPTER, neoxMlpShape } from '../../server/src/dialects/neox';
import { DEEPSPEED_ADAPTER } from '../../server/src/dialects/deepspeed';
import { fixToTextEdits } from '../../server/src/dialects/edits';
import { parseConfig } from '../../server/src/dialects/syntax/index';
import { boundedReader } from '../../server/src/host/files';

const corpus = resolve(import.meta.dirname, '../../../shared/corpus');
const skipCorpus = existsSync(corpus) ? false : `corpus not found at ${corpus}`;
const readFile = boundedReader([corpus]);
const adapters = [NATIVE_ADAPTER, NEOX_ADAPTER, DEEPSPEED_ADAPTER];
const run = (text: string, fileName = 'configs/model.yml') => analyzeText(text, fileName, { options: defaultOptions(), adapters, readFile });
const load = (name: string) => readFileSync(resolve(corpus, 'gpt-neox', name), 'utf8');
const runFile = (name: string, prefix = '') => run(prefix + load(name), resolve(corpus, 'gpt-neox', name));
const slice = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);
const padded = (v: number, multiple: number) => Math.ceil(v / multiple) * multiple;

/** GPT-NeoX/Pythia layer: biases everywhere, LayerNorm with bias, GeLU MLP of 4h. */
const pythiaLayer = (h: number) => 4 * h * h + 4 * h /* QKV + out, with biases */ + 2 * h * 4 * h + 4 * h + h /* MLP + biases */ + 2 * 2 * h; /* two LayerNorms */

describe('GPT-NeoX corpus configs', { skip: skipCorpus }, () => {
  const all = existsSync(corpus) ? readdirSync(resolve(corpus, 'gpt-neox')) : [];
  for (const f of all) {
    test(`${f}: detected as GPT-NeoX (score, reason), no error findings`, () => {
      const a = runFile(f);
      assert.equal(a.dialect?.id, 'gpt-neox');
      const d = NEOX_ADAPTER.detect(a.parsed!, f)!;
      assert.ok(d.score >= 80 && d.score <= 92, `score ${d.score}`);
      assert.match(d.reason, /^top-level [a-z_-]+, [a-z_-]+, [a-z_-]+$/);
      assert.deepEqual(a.findings.filter((x) => x.severity === 'error').map((x) => x.message), []);
    });
  }

  test('125M: Pythia-160M architecture, GPT-2 vocab (NeoX default tokenizer) → 162,322,944', () => {
    const a = runFile('125M.yml');
    const h = 768;
    const V = padded(50257, 128 * 1); // GPT2BPETokenizer, make_vocab_size_divisible_by 128 × TP 1 = 50,304
    const expected = 2 * V * h /* untied: no_weight_tying true */ + 12 * pythiaLayer(h) + 2 * h; /* final LayerNorm */
    assert.equal(expected, 162_322_944); // Pythia-160M's published count (same architecture)
    assert.equal(a.analysis!.figures.params.value, expected);
    assert.equal(a.plan!.model.learnedPositions!.value, false, 'pos_emb rotary');
    assert.equal(a.plan!.training.precision!.value, 'fp16-mixed');
    assert.equal(a.plan!.parallelism.zero!.value, 1);
    assert.equal(a.plan!.training.activationCheckpointing!.value, 'full');
    const tok = a.findings.find((x) => /No tokenizer in this file/.test(x.message))!;
    assert.equal(tok.severity, 'information');
  });

  test('1-3B and its TransformerEngine variant: 1,414,647,808', () => {
    const h = 2048;
    const expected = 2 * 50304 * h + 24 * pythiaLayer(h) + 2 * h;
    for (const f of ['1-3B.yml', '1-3B-transformer-engine.yml']) assert.equal(runFile(f).analysis!.figures.params.value, expected, f);
  });

  test('20B: GPT-NeoX-20B (20B_tokenizer padded to 128 × TP 2) → 20,554,567,680; 96 A100s give the tokens', () => {
    const h = 6144;
    const V = padded(50277, 128 * 2); // 20B_tokenizer.json has 50,277 tokens → 50,432
    assert.equal(V, 50432);
    const expected = 2 * V * h + 44 * pythiaLayer(h) + 2 * h;
    assert.equal(expected, 20_554_567_680); // HF EleutherAI/gpt-neox-20b
    const plain = runFile('20B.yml');
    assert.equal(plain.analysis!.figures.params.value, expected);
    assert.equal(plain.analysis!.figures.tokens.value, null, 'DP needs the GPU count');
    const dpNote = plain.findings.find((x) => /Global batch = micro-batch 4 × accumulation 32/.test(x.message))!;
    assert.equal(slice(plain.parsed!.text, dpNote.range), '"train_micro_batch_size_per_gpu"');

    // The file's own header says it was trained on 96 × 40GB A100: DP = 96 ÷ (TP 2 × PP 4) = 12.
    const a = runFile('20B.yml', '# scaling-lens: gpu=A100-40GB count=96\n');
    assert.equal(a.analysis!.resolved.gpus!.value, 96);
    assert.equal(a.analysis!.resolved.accelerator!.memoryGiB, 40);
    assert.equal(a.analysis!.resolved.globalBatch!.value, 4 * 32 * 12);
    assert.equal(a.analysis!.figures.tokens.value, 150_000 * (4 * 32 * 12) * 2048);
    assert.ok(!a.findings.some((x) => /Global batch = micro-batch/.test(x.message)));
  });

  test('pythia 6.9B: HFTokenizer assumed to be the 20B tokenizer → 6,857,302,016', () => {
    const a = runFile('pythia_6-9B.yml');
    const h = 4096;
    const expected = 2 * padded(50277, 128 * 2) * h + 32 * pythiaLayer(h) + 2 * h;
    assert.equal(expected, 6_857_302_016); // Pythia-6.9B's published count
    assert.equal(a.analysis!.figures.params.value, expected);
    const f = a.findings.find((x) => /Vocabulary assumed/.test(x.message))!;
    assert.equal(slice(a.parsed!.text, f.range), '"tokenizer_type"');
  });

  test('llama 7B: intermediate_size 32768 is 3 × 11008 in NeoX\'s gated convention', () => {
    const a = runFile('llama_7B.yml');
    // int(32768·2/3) = 21845 → //2 = 10922 → rounded up to mlp_multiple_of 256 = 11008 (linear1: 22016 = 2 × 11008)
    assert.deepEqual(neoxMlpShape(32768, true, 256), { linear1: 22016, linear2: 11008 });
    assert.equal(a.plan!.model.ffnHidden!.value, 11008);
    const o = a.plan!.model.ffnHidden!.origin;
    assert.equal(o.kind === 'document' && slice(a.parsed!.text, o.range), '32768');
    const h = 4096;
    const layer = 4 * h * h /* no attention biases */ + 3 * h * 11008 /* SwiGLU, no MLP biases */ + 2 * h; /* two RMSNorms */
    const gpt2Vocab = 50257; // no tokenizer in the file: NeoX default GPT2BPETokenizer, make_vocab_size_divisible_by 1
    assert.equal(a.analysis!.figures.params.value, 2 * gpt2Vocab * h + 32 * layer + h);
    assert.ok(a.findings.some((x) => /NeoX merges every config/.test(x.message)), 'a model-only file says merging is not automatic');
    assert.ok(!a.findings.some((x) => x.code === 'invalid-value'), 'the NeoX convention is used correctly here');
    // With the real LLaMA vocabulary the count is LLaMA-7B's 6,738,415,616.
    const withVocab = run(load('llama_7B.yml').replace('"num_layers": 32,', '"num_layers": 32, "padded_vocab_size": 32000,'));
    assert.equal(withVocab.analysis!.figures.params.value, 2 * 32000 * h + 32 * layer + h);
    assert.equal(withVocab.analysis!.figures.params.value, 6_738_415_616);
  });

  test('llama2 70B: GQA 8 KV heads, 86016 → 28672; use_bias_in_mlp left at its default true is warned', () => {
    const a = runFile('llama2_70B.yml');
    assert.equal(a.plan!.model.ffnHidden!.value, 28672); // int(86016·2/3) = 57344 → //2 = 28672
    const h = 8192;
    const kv = 8 * 128;
    const layer = h * h + 2 * h * kv + h * h + 3 * h * 28672 + 2 * h;
    assert.equal(a.analysis!.figures.params.value, 2 * 50257 * h + 80 * layer + h);
    const w = a.findings.find((x) => /use_bias_in_mlp/.test(x.message))!;
    assert.equal(w.severity, 'warning');
    assert.equal(w.code, 'invalid-value');
    assert.equal(slice(a.parsed!.text, w.range), '"use_bias_in_attn_linear"');
  });

  test('mistral 7B: the true width 14336 written as intermediate_size gives a 4778-wide MLP — warned', () => {
    const a = runFile('mistral_7B.yml');
    // int(14336·2/3) = 9557 → //2 = 4778 (mlp_multiple_of default 1); linear1 9557 → 9558 ≠ 2 × 4778
    assert.deepEqual(neoxMlpShape(14336, true, 1), { linear1: 9558, linear2: 4778 });
    assert.equal(a.plan!.model.ffnHidden!.value, 4778);
    const trap = a.findings.find((x) => /does not give a 14,336-wide MLP/.test(x.message))!;
    assert.equal(trap.severity, 'warning');
    assert.equal(trap.code, 'invalid-value');
    assert.equal(slice(a.parsed!.text, trap.range), '"intermediate_size"');
    assert.match(trap.message, /write 43,008/);
    assert.ok(a.findings.some((x) => x.code === 'invalid-value' && /shape mismatch/.test(x.message)));
    const h = 4096;
    const layer = h * h + 2 * h * 1024 + h * h + 3 * h * 4778 + 2 * h;
    const V = 32000; // SPMTokenizer (assumed LLaMA/Mistral sentencepiece), divisible by 1
    assert.equal(a.analysis!.figures.params.value, 2 * V * h + 32 * layer + h);
    // Following the advice gives Mistral-7B's 7,241,732,096 parameters.
    const fixed = run(load('mistral_7B.yml').replace('"intermediate_size": 14336', '"intermediate_size": 43008'));
    assert.equal(fixed.plan!.model.ffnHidden!.value, 14336);
    assert.ok(!fixed.findings.some((x) => x.code === 'invalid-value' && /intermediate_size/.test(x.message)));
    assert.equal(fixed.analysis!.figures.params.value, 7_241_732_096);
  });

  test('llemma 34B: a gated MLP without intermediate_size defaults to 4h → 11008 per branch — warned', () => {
    const a = runFile('llemma_34B.yml');
    assert.equal(a.plan!.model.ffnHidden!.value, 11008); // int(32768·2/3)//2 = 10922 → multiple of 256 = 11008
    assert.ok(a.findings.some((x) => x.severity === 'warning' && /No "intermediate_size"/.test(x.message)));
    assert.equal(a.plan!.training.finetune!.value, 'full');
    assert.equal(a.plan!.parallelism.pp!.value, 1, 'pipe_parallel_size 0 = no pipeline engine');
    assert.equal(a.plan!.training.precision!.value, 'bf16-mixed');
  });

  test('125M dMoE: 8 experts, top-1, experts of 4h on every layer', () => {
    const a = runFile('125M-dmoe.yml');
    const h = 768;
    const f = 3072; // 4h rounded to 256 (grouped-MLP expert default)
    const attn = 4 * h * h + 4 * h;
    // Expert MLPs counted with biases, as for the dense layers (NeoX's grouped experts have none: 12 × 8 × (f + h) =
    // 368,640 fewer; the plan has one bias flag for all linears).
    const expert = 2 * h * f + f + h;
    const router = h * 8;
    const perLayerTotal = attn + 2 * 2 * h + router + 8 * expert;
    const perLayerActive = attn + 2 * 2 * h + router + 1 * expert;
    const emb = 2 * 50304 * h + 2 * h;
    assert.equal(a.analysis!.figures.params.value, emb + 12 * perLayerTotal);
    assert.equal(a.analysis!.figures.activeParams.value, emb + 12 * perLayerActive);
    assert.equal(a.plan!.model.topK!.value, 1, 'moe_top_k default 1');
  });

  test('tune 6.7B (autotuning JSON): dashed keys, TP 8 vocab padding, ZeRO stage list = search space', () => {
    const a = runFile('tune_6-7B.json');
    const h = 4096;
    const V = padded(50257, 128 * 8); // 51,200
    assert.equal(a.plan!.model.vocab!.value, 51200);
    assert.equal(a.analysis!.figures.params.value, 2 * V * h + 32 * pythiaLayer(h) + 2 * h);
    assert.equal(a.plan!.model.layers!.origin.kind === 'document' && a.plan!.model.layers!.origin.key, 'num-layers');
    assert.equal(a.plan!.training.steps!.value, 100);
    assert.equal(a.plan!.parallelism.zero, undefined);
    assert.ok(a.findings.some((x) => /autotuning search space/.test(x.message)));
  });

  test('fine-tuning configs set training.finetune and get no Chinchilla warning', () => {
    for (const f of ['finetuning_6-9B.yml', 'llama_train_config.yml']) {
      const a = runFile(f, '# scaling-lens: count=8\n');
      assert.equal(a.plan!.training.finetune!.value, 'full', f);
      assert.ok(!a.findings.some((x) => x.code === 'under-trained' || x.code === 'over-trained'), f);
    }
    const train = runFile('llama_train_config.yml');
    assert.equal(train.analysis!.figures.params.value, null);
    assert.ok(train.findings.some((x) => /no model dimensions/.test(x.message)));
  });
});

describe('GPT-NeoX inline configs', () => {
  const small = [
    '# 125M-style model, trained far too briefly',
    '{',
    '  "pipe_parallel_size": 1,',
    '  "model_parallel_size": 1,',
    '  "num_layers": 12, "hidden_size": 768, "num_attention_heads": 12,',
    '  "seq_length": 2048, "max_position_embeddings": 2048,',
    '  "pos_emb": "rotary", "no_weight_tying": true,',
    '  "train_batch_size": 256, "train_micro_batch_size_per_gpu": 4,',
    '  "train_iters": 1000,   # steps',
    '  "num_gpus": 8, "num_nodes": 8,',
    '}',
  ].join('\n');

  test('tokens = train_iters × train_batch_size × seq_length; hardware from num_gpus × num_nodes', () => {
    const a = run(small);
    assert.equal(a.dialect?.id, 'gpt-neox');
    assert.equal(a.analysis!.figures.tokens.value, 1000 * 256 * 2048);
    assert.equal(a.analysis!.resolved.gpus!.value, 64);
    assert.deepEqual(a.findings.filter((x) => x.code === 'batch-mismatch'), [], '256 = 4 × 64 × 1');
  });

  test('the under-trained fix edits train_iters in place and keeps the flow mapping intact', () => {
    const a = run(small);
    const f = a.findings.find((x) => x.code === 'under-trained')!;
    assert.equal(slice(small, f.range), '"train_iters"');
    const fix = f.fixes![0]!;
    assert.match(fix.title, /^Set training tokens to compute-optimal/);
    const edits = fixToTextEdits(fix, a.parsed!, NEOX_ADAPTER.renderValue)!;
    assert.equal(edits.length, 1);
    assert.equal(slice(small, edits[0]!.range), '1000');
    assert.match(edits[0]!.newText, /^\d+$/);
    const after = small.slice(0, edits[0]!.range.start) + edits[0]!.newText + small.slice(edits[0]!.range.end);
    assert.ok(after.includes(`"train_iters": ${edits[0]!.newText},   # steps`), 'comma and comment kept');
    const b = run(after);
    assert.deepEqual(b.parsed!.errors, []);
    assert.equal(b.plan!.training.steps!.value, Number(edits[0]!.newText));
    // 20 tokens per parameter: params × 20 ÷ (256 × 2048) steps, rounded up.
    const params = a.analysis!.figures.params.value!;
    assert.equal(Number(edits[0]!.newText), Math.ceil((params * 20) / (256 * 2048)));
    assert.ok(!b.findings.some((x) => x.code === 'under-trained'));
  });

  test('-1 sentinels ("num_nodes": -1 = all hosts in the hostfile) are not set and not errors', () => {
    const a = run(small.replace('"num_nodes": 8', '"num_nodes": -1'));
    assert.equal(a.plan!.cluster.nodes, undefined);
    assert.ok(!a.findings.some((x) => x.severity === 'error'));
  });

  test('keys with dashes and underscores are the same key; YAML 1.1 style numbers are read', () => {
    const a = run('{ "pipe-parallel-size": 2, "model-parallel-size": 1, "num-layers": 4, "hidden-size": 256, "num-attention-heads": 4, "seq_length": "1_024", "train-iters": 5e3 }');
    assert.equal(a.plan!.parallelism.pp!.value, 2);
    assert.equal(a.plan!.model.seqLen!.value, 1024);
    assert.equal(a.plan!.training.steps!.value, 5000);
  });

  test('an invalid value is an error at its token; never a throw on odd values', () => {
    const text = '{ "pipe_parallel_size": 1, "model_parallel_size": 1, "num_layers": "lots", "hidden_size": [1], "intermediate_size": -3, "activation": "swiglu", "mlp_multiple_of": "x" }';
    const a = run(text);
    const bad = a.findings.find((x) => x.code === 'invalid-value' && x.severity === 'error')!;
    assert.equal(slice(text, bad.range), '"lots"');
  });
});

describe('GPT-NeoX detection leaves other files alone', () => {
  const unrelated: Array<[string, string]> = [
    ['package.json', '{ "name": "x", "version": "1.0.0", "scripts": { "test": "node --test" } }'],
    ['tsconfig.json', '{ "compilerOptions": { "strict": true } }'],
    ['.github/workflows/ci.yml', 'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n'],
    ['docker-compose.yml', 'services:\n  web:\n    image: nginx\n'],
    ['Cargo.toml', '[package]\nname = "x"\nversion = "0.1.0"\n'],
    ['pyproject.toml', '[project]\nname = "x"\n[tool.pytest.ini_options]\naddopts = "-q"\n'],
    ['ds.json', '{ "train_batch_size": 8, "train_micro_batch_size_per_gpu": 1, "zero_optimization": { "stage": 2 } }'],
  ];
  for (const [name, text] of unrelated) {
    test(name, () => {
      const parsed = parseConfig(text, name.endsWith('.toml') ? 'toml' : name.endsWith('.json') ? 'json' : 'yaml');
      assert.equal(NEOX_ADAPTER.detect(parsed, name), undefined);
    });
  }

  test('no corpus file of another framework is claimed', { skip: skipCorpus }, () => {
    for (const dir of readdirSync(corpus)) {
      if (dir === 'gpt-neox' || dir.endsWith('.json')) continue;
      for (const f of readdirSync(resolve(corpus, dir))) {
        const text = readFileSync(resolve(corpus, dir, f), 'utf8');
        const parsed = parseConfig(text, f.endsWith('.toml') ? 'toml' : f.endsWith('.json') ? 'json' : 'yaml');
        assert.equal(NEOX_ADAPTER.detect(parsed, f), undefined, `${dir}/${f}`);
      }
    }
  });
});
