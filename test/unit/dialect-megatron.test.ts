/**
 * Megatron-LM (server/src/dialects/megatron.ts) end to end: the functional-test `model_config.yaml` files (flags and
 * NeMo-2 overrides), the experimental `--yaml-cfg` file and launch scripts. Parameter counts are worked out by hand
 * from Megatron's defaults: learned absolute positions, LayerNorm, GeLU 4h, linear biases, tied embeddings unless
 * `--untie-embeddings-and-output-weights`; vocab = tokenizer size padded to make-vocab-size-divisible-by × TP.
 *
 * Hand formulas (params.ts conventions): embeddings V·h (×2 untied) + maxPositions·h if learned; per layer attention
 * h·(a·d) + 2·h·(k·d) + (a·d)·h (+ q + 2·kv + h biases), MLP 2·h·f (+ f + h) or gated 3·h·f, two norms and a final one
 * (the core counts a LayerNorm bias only when linear biases are on); MoE layers: router h·E + E experts (+ shared).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeText } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';
import { NATIVE_ADAPTER } from '../../server/src/dialects/nativeAdapter';
import { MEGATRON_ADAPTER, expandLayout, moeLayerPattern } from '../../server/src/dialects/megatron';
import { fixToTextEdits } from '../../server/src/dialects/edits';
import { parseConfig } from '../../server/src/dialects/syntax/index';
import { boundedReader } from '../../server/src/host/files';
import type { ReadResult } from '../../server/src/dialects/types';

const corpus = resolve(import.meta.dirname, '../../../shared/corpus');
const skipCorpus = existsSync(corpus) ? false : `corpus not found at ${corpus}`;
const corpusReader = boundedReader([corpus]);
const adapters = [NATIVE_ADAPTER, MEGATRON_ADAPTER];
type Reader = (path: string, from: string) => ReadResult | undefined;
const run = (text: string, fileName: string, readFile: Reader = corpusReader) => analyzeText(text, fileName, { options: defaultOptions(), adapters, readFile });
const load = (name: string) => readFileSync(resolve(corpus, 'megatron-lm', name), 'utf8');
const runFile = (name: string) => run(load(name), resolve(corpus, 'megatron-lm', name));
const slice = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);
const padded = (v: number, multiple: number) => Math.ceil(v / multiple) * multiple;
const errors = (a: ReturnType<typeof run>) => a.findings.filter((x) => x.severity === 'error').map((x) => x.code);

describe('Megatron-LM corpus configs', { skip: skipCorpus }, () => {
  const all = existsSync(corpus) ? readdirSync(resolve(corpus, 'megatron-lm')) : [];
  for (const f of all) {
    test(`${f}: detected as Megatron-LM with a reason`, () => {
      const a = runFile(f);
      assert.equal(a.dialect?.id, 'megatron');
      const d = MEGATRON_ADAPTER.detect(a.parsed!, f)!;
      assert.ok(d.score >= 70 && d.score <= 90, `score ${d.score}`);
      assert.match(d.reason, /MODEL_ARGS with (Megatron flags --[a-z-]+|NeMo-2 recipe overrides)|language_model and model_parallel/);
      // No errors in the corpus (the DeepSeek-V3 proxy's explicit uneven pipeline layout is allowed).
      assert.deepEqual(errors(a), [], f);
    });
  }

  test('gpt3 7B memory/speed: NullTokenizer vocab + 1, GQA, learned positions by default; tokens = iters × GBS × seq', () => {
    const a = runFile('gpt3_7b_tp1_pp4_memory_speed.yaml');
    const h = 4096;
    const V = padded(131073 + 1, 128 * 1); // NullTokenizer: --vocab-size + 1 EOD → 131,200
    assert.equal(a.plan!.model.vocab!.value, V);
    const kv = 8 * 128; // --group-query-attention with 8 query groups, head dim 4096/32
    const attn = h * h + 2 * h * kv + h * h + (h + 2 * kv + h); // biases on (no --disable-bias-linear)
    const mlp = 2 * h * 4 * h + 4 * h + h; // GeLU 4h with biases (no --swiglu)
    const layer = attn + mlp + 2 * 2 * h; // two LayerNorms with bias
    const emb = 2 * V * h /* untied */ + 8192 * h; /* learned_absolute positions (Megatron default) */
    assert.equal(a.analysis!.figures.params.value, emb + 32 * layer + 2 * h);
    assert.equal(a.analysis!.figures.tokens.value, 25 * 8 * 8192);
    assert.equal(a.plan!.parallelism.vpp!.value, 32 / 4 / 1, '--num-layers-per-virtual-pipeline-stage 1 with PP 4');
    assert.equal(a.plan!.parallelism.distributedOptimizer!.value, true);
    assert.equal(a.plan!.training.precision!.value, 'bf16-mixed');
  });

  test('gpt3 7B: the under-trained fix edits `--train-iters` in the YAML', () => {
    const text = load('gpt3_7b_tp1_pp4_memory_speed.yaml');
    const a = run(text, 'model_config.yaml');
    const f = a.findings.find((x) => x.code === 'under-trained')!;
    assert.equal(slice(text, f.range), '--train-iters');
    const edits = fixToTextEdits(f.fixes![0]!, a.parsed!, MEGATRON_ADAPTER.renderValue)!;
    assert.equal(slice(text, edits[0]!.range), '25');
    const steps = Number(edits[0]!.newText);
    assert.equal(steps, Math.ceil((a.analysis!.figures.params.value! * 20) / (8 * 8192)));
    const after = text.slice(0, edits[0]!.range.start) + edits[0]!.newText + text.slice(edits[0]!.range.end);
    assert.ok(after.includes(`  --train-iters: ${steps}\n`));
    assert.equal(run(after, 'model_config.yaml').plan!.training.steps!.value, steps);
  });

  test('gpt3 mcore full recompute: GPT-2 BPE from --merge-file, tied embeddings, full recompute', () => {
    const a = runFile('gpt3_mcore_te_tp1_pp1_uniform_full_recompute.yaml');
    const h = 512;
    const V = padded(50257, 128); // 50,304
    const layer = 4 * h * h + 4 * h + 2 * h * 4 * h + 4 * h + h + 2 * 2 * h;
    assert.equal(a.analysis!.figures.params.value, V * h /* tied */ + 1024 * h /* learned positions */ + 12 * layer + 2 * h);
    assert.equal(a.plan!.training.activationCheckpointing!.value, 'full');
    assert.equal(a.analysis!.figures.tokens.value, 50 * 32 * 1024);
  });

  test('mixtral 8x7B: 46.7B total / 12.9B active; vpp 8; --finetune; tokens from --train-samples', () => {
    const a = runFile('mixtral_8x7b_tp1pp4ep8vpp8_release.yaml');
    const h = 4096;
    const attn = h * h + 2 * h * 1024 + h * h; // GQA 8 groups, --disable-bias-linear
    const expert = 3 * h * 14336; // SwiGLU expert of --ffn-hidden-size
    const common = attn + 2 * h /* RMSNorms */ + h * 8; /* router */
    const emb = 2 * 32000 * h + h; // Llama2Tokenizer 32,000 (a multiple of 128 × TP 2), untied; final RMSNorm
    assert.equal(a.analysis!.figures.params.value, emb + 32 * (common + 8 * expert));
    assert.equal(a.analysis!.figures.params.value, 46_702_792_704); // Mixtral-8x7B's published total
    assert.equal(a.analysis!.figures.activeParams.value, emb + 32 * (common + 2 * expert));
    assert.equal(a.plan!.parallelism.vpp!.value, 8);
    assert.equal(a.plan!.parallelism.ep!.value, 8);
    assert.equal(a.plan!.training.finetune!.value, 'full');
    assert.equal(a.analysis!.figures.tokens.value, 51200 * 4096);
    assert.ok(!a.findings.some((x) => x.code === 'under-trained'));
  });

  test('mixtral 8x22B', () => {
    const a = runFile('mixtral_8x22b_tp2pp8ep8vpp1_release.yaml');
    const h = 6144;
    const common = h * h + 2 * h * 1024 + h * h + 2 * h + h * 8;
    const emb = 2 * 32000 * h + h;
    assert.equal(a.analysis!.figures.params.value, emb + 56 * (common + 8 * 3 * h * 16384));
    assert.equal(a.analysis!.figures.activeParams.value, emb + 56 * (common + 2 * 3 * h * 16384));
  });

  test('gpt3 15B 8T: squared-ReLU 4h MLP, Nemotron 256k vocab, batch-size schedule, tokens = samples × seq', () => {
    const a = runFile('gpt3_15b_8t_release.yaml');
    const h = 6144;
    const V = padded(256000, 128 * 8); // 256,000
    // --disable-bias-linear; LayerNorm counted without its bias (the plan ties norm bias to linear biases).
    const layer = h * h + 2 * h * 1024 + h * h + 2 * h * 4 * h + 2 * h;
    assert.equal(a.plan!.model.activation!.value, 'squared-relu');
    assert.equal(a.analysis!.figures.params.value, 2 * V * h + 32 * layer + h);
    assert.equal(a.analysis!.figures.tokens.value, 19531250 * 4096);
    assert.equal(a.plan!.training.globalBatch, undefined);
    const sched = a.findings.find((x) => /global batch changes during training/.test(x.message))!;
    assert.equal(slice(a.parsed!.text, sched.range), '--step-batch-size-schedule');
    const ut = a.findings.find((x) => x.code === 'under-trained')!;
    assert.ok(ut, 'tokens derived from --train-samples are still checked');
  });

  test('DeepSeek proxy (FSDP, EP 2): dense-then-MoE pattern, shared expert, FP8, FSDP sharding as ZeRO-3', () => {
    const a = runFile('deepseek_proxy_fsdp_ep2_fsdp2.yaml');
    const h = 512;
    const ad = 8 * 128; // --kv-channels 128 × 8 heads (MLA approximated as standard attention)
    const attn = h * ad + 2 * h * ad + ad * h;
    const V = padded(50257, 64 * 1); // --make-vocab-size-divisible-by 64
    const dense = attn + 3 * h * 2048 + 2 * h;
    const moeCommon = attn + 2 * h + h * 8 + 3 * h * 1024; /* one shared expert of 1024 */
    const emb = 2 * V * h + h;
    assert.deepEqual(moeLayerPattern('([0]*3+[1]*5)', 8), [0, 0, 0, 1, 1, 1, 1, 1]);
    assert.equal(a.plan!.model.denseLayers!.value, 3);
    assert.equal(a.analysis!.figures.params.value, emb + 3 * dense + 5 * (moeCommon + 8 * 3 * h * 1024));
    assert.equal(a.analysis!.figures.activeParams.value, emb + 3 * dense + 5 * (moeCommon + 4 * 3 * h * 1024));
    assert.equal(a.plan!.training.precision!.value, 'fp8-mixed');
    assert.equal(a.plan!.parallelism.fsdp!.value, true);
    assert.equal(a.plan!.parallelism.zero!.value, 3);
    assert.ok(a.findings.some((x) => /Multi-latent attention/.test(x.message) && x.severity === 'information'));
  });

  test('DeepSeek-V3 proxy: padded 256k vocab over 3232 × TP 2, explicit pipeline layout → 2 virtual stages', () => {
    const a = runFile('deepseekv3_proxy_flex_tp1pp4emp16etp1cp1_release.yaml');
    assert.equal(a.plan!.model.vocab!.value, padded(256000, 3232 * 2)); // 258,560
    assert.equal(expandLayout('Et*2|(tt|)*5t|tmL'), 8);
    assert.equal(a.plan!.parallelism.vpp!.value, 2);
    assert.equal(a.plan!.model.denseLayers!.value, 3);
    assert.equal(a.analysis!.figures.tokens.value, 24414062 * 4096);
    assert.ok(a.findings.some((x) => /multi-token-prediction/.test(x.message)));
    assert.equal(a.plan!.parallelism.explicitLayout?.value, true);
    assert.ok(!a.findings.some((x) => x.code === 'layers-not-divisible'), 'an explicit layout may split layers unevenly');
  });

  test('--yaml-cfg gpt_config.yaml: sections read, swiglu via activation_func, unknown vocab named, tokens from samples', () => {
    const text = load('gpt_config.yaml');
    const a = run(text, 'examples/gpt3/gpt_config.yaml');
    assert.equal(a.plan!.model.layers!.value, 24);
    const o = a.plan!.model.layers!.origin;
    assert.equal(o.kind === 'document' && o.key, 'language_model.num_layers');
    assert.equal(a.plan!.model.ffnHidden!.value, Math.floor((4 * 1024 * 2) / 3 / 64) * 64); // 2688
    assert.equal(a.plan!.training.precision!.value, 'bf16-mixed');
    assert.equal(a.plan!.model.tiedEmbeddings!.value, false);
    assert.equal(a.analysis!.figures.params.value, null);
    const v = a.findings.find((x) => /vocabulary size comes from the tokenizer/.test(x.message))!;
    assert.match(v.message, /`vocab_size`/);
    assert.equal(a.analysis!.figures.tokens.value, 268554688 * 4096);
    // With a vocabulary: 24 layers of h 1024, 16 heads, SwiGLU 2688, no biases, LayerNorm (counted without bias).
    const withVocab = run(text.replace('vocab_size: null', 'vocab_size: 32000'), 'gpt_config.yaml');
    const h = 1024;
    const V = padded(32000, 128);
    assert.equal(withVocab.analysis!.figures.params.value, 2 * V * h + 24 * (4 * h * h + 3 * h * 2688 + 2 * h) + h);
  });

  test('NeMo-2 overrides (llama3-nemo 8B recipe): recipe preset + overridden dims, GPUs from trainer.*', () => {
    const a = runFile('llama3-nemo_8b_mbs4_gbs64_cp2.yaml');
    assert.equal(a.plan!.model.preset!.value, 'llama-3-8b');
    const h = 768;
    const d = 768 / 16; // the overrides change hidden and heads: head dim follows
    const kv = 8 * d; // Llama-3-8B keeps 8 KV groups
    const layer = h * h + 2 * h * kv + h * h + 3 * h * 3072 + 2 * h;
    assert.equal(a.analysis!.figures.params.value, 2 * 128256 * h + 12 * layer + h);
    assert.equal(a.analysis!.resolved.gpus!.value, 1 * 8);
    assert.equal(a.plan!.cluster.nodes!.origin.kind, 'document');
    assert.equal(a.plan!.parallelism.cp!.value, 2);
    assert.equal(a.analysis!.figures.tokens.value, 50 * 64 * 2048);
  });

  test('hardware from a functional-test directory name (…_dgx_h100_2N8G)', () => {
    const path = resolve(corpus, 'megatron-lm', 'gpt3_mcore_te_tp1_pp1_uniform_full_recompute.yaml');
    const a = run(readFileSync(path, 'utf8'), 'tests/functional_tests/test_cases/gpt/gpt3_mcore_te_dgx_h100_2N8G/model_config.yaml');
    assert.equal(a.analysis!.resolved.gpus!.value, 16);
    assert.equal(a.analysis!.resolved.accelerator!.memoryGiB, 80);
    assert.equal(a.plan!.cluster.nodes!.origin.kind, 'derived');
    // A `# scaling-lens:` directive wins over what the directory name suggests.
    const d = run(`# scaling-lens: gpu=A100-40GB count=4\n${readFileSync(path, 'utf8')}`, 'tests/functional_tests/test_cases/gpt/x_dgx_h100_2N8G/model_config.yaml');
    assert.equal(d.analysis!.resolved.gpus!.value, 4);
    assert.equal(d.analysis!.resolved.accelerator!.memoryGiB, 40);
  });
});

describe('Megatron-LM launch scripts', () => {
  const script = [
    '#!/bin/bash',
    '#SBATCH --nodes=64',
    'GPUS_PER_NODE=8',
    'NUM_NODES=${NUM_NODES:-64}',
    'TRAIN_ITERS=500000',
    'DISTRIBUTED_ARGS=(',
    '    --nproc_per_node $GPUS_PER_NODE',
    '    --nnodes $NUM_NODES',
    ')',
    'GPT_MODEL_ARGS=(',
    '    --num-layers 96',
    '    --hidden-size 12288',
    '    --num-attention-heads 96',
    '    --seq-length 2048',
    '    --max-position-embeddings 2048',
    ')',
    'TRAINING_ARGS=(',
    '    --micro-batch-size 1',
    '    --global-batch-size 1536',
    '    --train-iters $TRAIN_ITERS',
    '    --fp16',
    ')',
    'torchrun ${DISTRIBUTED_ARGS[@]} pretrain_gpt.py \\',
    '    ${GPT_MODEL_ARGS[@]} ${TRAINING_ARGS[@]} \\',
    '    --tensor-model-parallel-size 8 --pipeline-model-parallel-size 16 \\',
    '    --data-path $DATA_PATH --vocab-file $VOCAB_FILE --merge-file $MERGE_FILE',
    '',
  ].join('\n');

  test('GPT-3 175B example: 174.6B params, 512 GPUs from torchrun, tokens through $TRAIN_ITERS', () => {
    const a = run(script, 'examples/gpt3/train_gpt3_175b_distributed.sh');
    assert.equal(a.format, 'shell');
    assert.equal(a.dialect?.id, 'megatron');
    assert.match(a.dialect!.reason, /--num-layers/);
    const h = 12288;
    const V = padded(50257, 128 * 8); // GPT-2 BPE (--merge-file) padded to 128 × TP 8 = 51,200
    const layer = 4 * h * h + 4 * h + 2 * h * 4 * h + 4 * h + h + 2 * 2 * h;
    const expected = V * h /* tied */ + 2048 * h /* learned positions */ + 96 * layer + 2 * h;
    assert.equal(expected, 174_615_846_912); // GPT-3 175B ≈ 174.6B
    assert.equal(a.analysis!.figures.params.value, expected);
    assert.equal(a.analysis!.resolved.gpus!.value, 64 * 8);
    assert.equal(a.analysis!.figures.tokens.value, 500000 * 1536 * 2048);
    assert.equal(a.plan!.training.precision!.value, 'fp16-mixed');
    assert.equal(a.plan!.parallelism.pp!.value, 16);
  });

  test('the under-trained fix edits the TRAIN_ITERS assignment the flag refers to', () => {
    const a = run(script, 'train.sh');
    const f = a.findings.find((x) => x.code === 'under-trained')!;
    assert.equal(slice(script, f.range), '--train-iters');
    const edits = fixToTextEdits(f.fixes![0]!, a.parsed!, MEGATRON_ADAPTER.renderValue)!;
    assert.equal(slice(script, edits[0]!.range), '500000');
    assert.equal(script.lastIndexOf('\n', edits[0]!.range.start), script.indexOf('TRAIN_ITERS=') - 1, 'the edit is on the assignment line');
    const after = script.slice(0, edits[0]!.range.start) + edits[0]!.newText + script.slice(edits[0]!.range.end);
    assert.equal(run(after, 'train.sh').plan!.training.steps!.value, Number(edits[0]!.newText));
  });

  test('`${VAR:-default}` uses the default; unknown `$VAR` in a numeric flag is information, not an error', () => {
    const text = 'python pretrain_gpt.py --num-layers ${LAYERS:-24} --hidden-size $HIDDEN --num-attention-heads 16 --seq-length 1024\n';
    const a = run(text, 'run.sh');
    assert.equal(a.plan!.model.layers!.value, 24);
    const o = a.plan!.model.layers!.origin;
    assert.equal(o.kind === 'document' && slice(text, o.range), '24');
    const info = a.findings.find((x) => /\$HIDDEN/.test(x.message))!;
    assert.equal(info.severity, 'information');
    assert.deepEqual(errors(a), []);
  });

  test('torchrun elastic `--nnodes 1:4` counts the maximum; `--nproc-per-node gpu` is left to the launcher', () => {
    const a = run('torchrun --nnodes=1:4 --nproc-per-node gpu pretrain_gpt.py --num-layers 2 --hidden-size 64\n', 'run.sh');
    assert.equal(a.plan!.cluster.nodes!.value, 4);
    assert.equal(a.plan!.cluster.gpusPerNode, undefined);
    assert.deepEqual(errors(a), []);
  });

  test('Megatron-DeepSpeed: --deepspeed_config is read through readFile with file provenance', () => {
    const text = 'deepspeed pretrain_gpt.py --num-layers 2 --hidden-size 256 --num-attention-heads 4 --seq-length 512 --deepspeed_config ds_config.json\n';
    const files: Record<string, string> = { 'ds_config.json': '{ "train_micro_batch_size_per_gpu": 2, "zero_optimization": { "stage": 2 } }' };
    const read: Reader = (p) => (files[p] !== undefined ? { path: `/ws/${p}`, text: files[p] } : undefined);
    const a = run(text, 'run.sh', read);
    assert.equal(a.plan!.parallelism.zero!.value, 2);
    assert.equal(a.plan!.training.microBatch!.value, 2);
    const o = a.plan!.parallelism.zero!.origin;
    assert.equal(o.kind === 'document' && o.file, '/ws/ds_config.json');
    const missing = run(text, 'run.sh', () => undefined);
    const m = missing.findings.find((x) => /could not be read/.test(x.message))!;
    assert.equal(slice(text, m.range), 'ds_config.json');
  });
});

describe('Megatron-LM traps', () => {
  const base = 'MODEL_ARGS:\n  --num-layers: 4\n  --hidden-size: 256\n  --num-attention-heads: 8\n  --seq-length: 512\n  --vocab-size: 1000\n';

  test('--num-query-groups without --group-query-attention is ignored by Megatron: warned, MHA counted', () => {
    const text = `${base}  --num-query-groups: 2\n`;
    const a = run(text, 'model_config.yaml');
    const w = a.findings.find((x) => /ignored without --group-query-attention/.test(x.message))!;
    assert.equal(w.severity, 'warning');
    assert.equal(slice(text, w.range), '--num-query-groups');
    assert.equal(a.plan!.model.kvHeads, undefined);
    const on = run(`${text}  --group-query-attention: true\n`, 'model_config.yaml');
    assert.equal(on.plan!.model.kvHeads!.value, 2);
  });

  test('--train-iters together with --train-samples is rejected by Megatron', () => {
    const a = run(`${base}  --train-iters: 10\n  --train-samples: 100\n`, 'model_config.yaml');
    assert.ok(a.findings.some((x) => x.severity === 'error' && /Both --train-iters and --train-samples/.test(x.message)));
  });

  test('no --bf16/--fp16 means fp32; `${VAR}` placeholders in numeric flags are information', () => {
    const a = run(`${base}  --train-iters: \${TRAIN_ITERS}\n`, 'model_config.yaml');
    assert.equal(a.plan!.training.precision!.value, 'fp32');
    assert.ok(a.findings.some((x) => x.severity === 'information' && /TRAIN_ITERS/.test(x.message)));
    assert.deepEqual(errors(a), []);
  });

  test('--moe-layer-freq as an int and malformed layouts', () => {
    assert.deepEqual(moeLayerPattern(2, 4), [1, 0, 1, 0]);
    assert.deepEqual(moeLayerPattern('[1,0,1]', 3), [1, 0, 1]);
    assert.equal(moeLayerPattern('lambda x: 1', 3), undefined);
    assert.equal(expandLayout('t*4|t*4'), 2);
    assert.equal(expandLayout('(t|'), undefined);
  });
});

describe('Megatron-LM detection leaves other files alone', () => {
  const unrelated: Array<[string, string]> = [
    ['package.json', '{ "name": "x", "scripts": { "build": "tsc" } }'],
    ['tsconfig.json', '{ "compilerOptions": { "strict": true } }'],
    ['.github/workflows/ci.yml', 'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test -- --num-layers 2\n'],
    ['docker-compose.yml', 'services:\n  web:\n    image: nginx\n'],
    ['Cargo.toml', '[package]\nname = "x"\n'],
    ['pyproject.toml', '[project]\nname = "x"\n'],
    ['build.sh', '#!/bin/bash\nset -euo pipefail\nnpm ci --no-audit\nnpx tsc --build --verbose\n'],
    ['maxtext.sh', 'python3 -m MaxText.train MaxText/configs/base.yml run_name=x steps=100 per_device_batch_size=4\n'],
  ];
  for (const [name, text] of unrelated) {
    test(name, () => {
      const format = name.endsWith('.toml') ? 'toml' : name.endsWith('.json') ? 'json' : name.endsWith('.sh') ? 'shell' : 'yaml';
      assert.equal(MEGATRON_ADAPTER.detect(parseConfig(text, format), name), undefined);
    });
  }

  test('no corpus file of another framework is claimed', { skip: skipCorpus }, () => {
    for (const dir of readdirSync(corpus)) {
      if (dir === 'megatron-lm' || dir.endsWith('.json')) continue;
      for (const f of readdirSync(resolve(corpus, dir))) {
        const text = readFileSync(resolve(corpus, dir, f), 'utf8');
        const parsed = parseConfig(text, f.endsWith('.toml') ? 'toml' : f.endsWith('.json') ? 'json' : 'yaml');
        assert.equal(MEGATRON_ADAPTER.detect(parsed, f), undefined, `${dir}/${f}`);
      }
    }
  });
});
