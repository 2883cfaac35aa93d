/** Axolotl YAML through the whole pipeline: base_model names, LoRA/QLoRA, N-D parallelism, DeepSpeed references, traps. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeText } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';
import { NATIVE_ADAPTER } from '../../server/src/dialects/nativeAdapter';
import { AXOLOTL_ADAPTER } from '../../server/src/dialects/axolotl';
import { boundedReader } from '../../server/src/host/files';

const CORPUS = resolve(import.meta.dirname, '../../../shared/corpus');
const DIR = resolve(CORPUS, 'axolotl');
const skip = existsSync(DIR) ? false : `corpus not found at ${DIR}`;
const adapters = [NATIVE_ADAPTER, AXOLOTL_ADAPTER];
const bounded = boundedReader([CORPUS]);
/** axolotl resolves `deepspeed:` from its repository root; the corpus keeps those JSONs next to the examples, renamed. */
const repoReader = (path: string, from: string) => bounded(path.replace(/^deepspeed_configs\//, 'deepspeed_'), from);
const run = (text: string, fileName: string, readFile = bounded) => analyzeText(text, fileName, { options: defaultOptions(), adapters, readFile });
const corpus = (name: string, readFile = bounded) => {
  const file = resolve(DIR, name);
  const text = readFileSync(file, 'utf8');
  return { text, a: run(text, file, readFile) };
};
const at = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);
const gqa = (h: number, heads: number, kv: number, d = h / heads) => h * heads * d + 2 * h * kv * d + heads * d * h;
const llama = (o: { layers: number; h: number; heads: number; kv: number; ffn: number; vocab: number; tied?: boolean; d?: number; extraPerLayer?: number }) =>
  o.vocab * o.h * (o.tied ? 1 : 2) + o.layers * (gqa(o.h, o.heads, o.kv, o.d) + 3 * o.h * o.ffn + 2 * o.h + (o.extraPerLayer ?? 0)) + o.h;
const LLAMA_31_8B = llama({ layers: 32, h: 4096, heads: 32, kv: 8, ffn: 14336, vocab: 128256 });

describe('axolotl dialect', { skip }, () => {
  test('every YAML example is detected (the DeepSpeed JSONs are not), with no errors', () => {
    for (const f of readdirSync(DIR)) {
      const { a } = corpus(f);
      if (f.endsWith('.json')) {
        assert.equal(AXOLOTL_ADAPTER.detect(a.parsed!, f), undefined, f);
        continue;
      }
      assert.equal(a.dialect?.id, 'axolotl', f);
      assert.match(a.dialect!.reason, /^base_model, /, f);
      assert.ok(a.plan!.training.finetune, f);
      assert.ok(!a.findings.some((x) => x.code === 'under-trained'), f);
      assert.deepEqual(a.findings.filter((x) => x.severity === 'error'), [], f);
    }
  });

  test('fft-8b.yaml: full fine-tuning of Llama-3.1-8B, bf16: auto, 8-bit paged AdamW, recompute, epochs need the dataset', () => {
    const { text, a } = corpus('fft-8b.yaml');
    assert.equal(a.analysis!.figures.params.value, LLAMA_31_8B);
    assert.equal(LLAMA_31_8B, 8_030_261_248);
    assert.equal(a.plan!.training.finetune!.value, 'full');
    const p = a.plan!.training.precision!;
    assert.equal(p.value, 'bf16-mixed');
    assert.equal(p.origin.kind === 'document' && at(text, p.origin.range), 'auto');
    assert.equal(a.plan!.training.optimizer!.value, 'adamw-8bit');
    assert.equal(a.plan!.training.activationCheckpointing!.value, 'full');
    assert.equal(a.plan!.model.seqLen!.value, 8192);
    assert.equal(a.plan!.training.gradAccum!.value, 8);
    const epochs = a.findings.find((f) => /dataset size/.test(f.message))!;
    assert.equal(at(text, epochs.range), 'num_epochs');
  });

  test('QLoRA on 70B and 405B: re-upload names resolve (-fp16, -BNB-NF4-BF16), rank, FSDP v1', () => {
    const a70 = corpus('qlora-fsdp-70b.yaml').a;
    assert.equal(a70.analysis!.figures.params.value, llama({ layers: 80, h: 8192, heads: 64, kv: 8, ffn: 28672, vocab: 128256 }));
    assert.equal(a70.plan!.training.finetune!.value, 'qlora');
    assert.equal(a70.plan!.training.loraRank!.value, 8);
    assert.equal(a70.plan!.parallelism.fsdp!.value, true);
    const a405 = corpus('qlora-fsdp-405b.yaml').a;
    assert.equal(a405.analysis!.figures.params.value, llama({ layers: 126, h: 16384, heads: 128, kv: 8, ffn: 53248, vocab: 128256 }));
    assert.equal(a405.plan!.training.loraRank!.value, 16);
  });

  test('N-D parallelism: dp_shard × dp_replicate × TP (× CP) GPUs; Qwen3-8B with q/k norms; FSDP2; FP8', () => {
    const hsdp = corpus('llama-3_1-8b-hsdp-tp.yaml').a;
    assert.equal(hsdp.analysis!.resolved.dp!.value, 8);
    assert.equal(hsdp.analysis!.resolved.gpus!.value, 16);
    assert.equal(hsdp.plan!.parallelism.tp!.value, 2);
    const q = corpus('qwen3-8b-fsdp-tp-cp.yaml').a;
    // Qwen3-8B: 36 layers, 4096, 32 heads × 128, 8 KV heads, FFN 12288, vocab 151936 untied, + q/k RMSNorm (2 × 128)
    assert.equal(q.analysis!.figures.params.value, llama({ layers: 36, h: 4096, heads: 32, kv: 8, ffn: 12288, vocab: 151936, extraPerLayer: 256 }));
    assert.equal(q.analysis!.figures.params.value, 8_190_735_360);
    assert.equal(q.analysis!.resolved.gpus!.value, 8);
    assert.equal(q.plan!.parallelism.fsdp!.value, true);
    const fp8 = corpus('3b-fp8-fsdp2.yaml').a;
    assert.equal(fp8.plan!.training.precision!.value, 'fp8-mixed');
    assert.equal(fp8.analysis!.figures.params.value, llama({ layers: 28, h: 3072, heads: 24, kv: 8, ffn: 8192, vocab: 128256, tied: true }));
  });

  test('expert parallel Qwen3-30B-A3B: 4 GPUs, max_steps tokens, warmup_steps: 0.1 flagged', () => {
    const { text, a } = corpus('qwen3_30ba3b_ep_fsdp_fft_4gpu.yaml');
    const h = 2048;
    const per = (k: number) => gqa(h, 32, 4, 128) + k * 3 * h * 768 + h * 128 + 2 * h + 2 * 128;
    assert.equal(a.analysis!.figures.params.value, 2 * 151936 * h + 48 * per(128) + h);
    assert.equal(a.analysis!.figures.activeParams.value, 2 * 151936 * h + 48 * per(8) + h);
    assert.equal(a.analysis!.resolved.gpus!.value, 4, 'world size = expert_parallel_size × dp_shard_size');
    assert.equal(a.analysis!.figures.tokens.value, 50 * 1 * 4 * 1 * 2048);
    const warm = a.findings.find((f) => f.code === 'invalid-value' && /warmup_ratio/.test(f.message))!;
    assert.equal(warm.severity, 'warning');
    assert.equal(at(text, warm.range), '0.1');
  });

  test('gpt-oss-20b with `deepspeed:`: the referenced JSON gives ZeRO-3; unreadable → missing-value at the key', () => {
    const { text, a } = corpus('gpt-oss-20b-fft-deepspeed-zero3.yaml', repoReader);
    const zero = a.plan!.parallelism.zero!;
    assert.equal(zero.value, 3);
    assert.ok(zero.origin.kind === 'document' && zero.origin.file?.endsWith('deepspeed_zero3_bf16.json'));
    // gpt-oss-20b: 24 layers, 2880, 64 heads × 64, 8 KV heads, 32 experts of 2880 (top-4), biases, sinks, router bias
    const h = 2880;
    const attn = h * 4096 + 2 * h * 512 + 4096 * h + (4096 + 2 * 512 + h) + 64;
    const expert = 3 * h * 2880 + 2 * 2880 + h;
    const layer = (k: number) => attn + k * expert + h * 32 + 32 + 2 * h;
    assert.equal(Math.round(a.analysis!.figures.params.value!), 2 * 201088 * h + 24 * layer(32) + h);
    assert.equal(Math.round(a.analysis!.figures.params.value!), 20_914_757_184);
    const unread = corpus('gpt-oss-20b-fft-deepspeed-zero3.yaml').a;
    assert.equal(unread.plan!.parallelism.zero, undefined);
    const note = unread.findings.find((f) => f.code === 'missing-value' && /could not read/.test(f.message))!;
    assert.equal(at(text, note.range), 'deepspeed_configs/zero3_bf16.json');
  });

  test('inline text: LoRA with max_steps and dp_shard_size tokens; QLoRA/4-bit and context-parallel traps', () => {
    const text = [
      'base_model: mistralai/Mistral-7B-v0.1',
      'adapter: lora',
      'lora_r: 32',
      'sequence_len: 4096',
      'sample_packing: true',
      'micro_batch_size: 2',
      'gradient_accumulation_steps: 4',
      'max_steps: 500',
      'dp_shard_size: 8',
      'fp16: true',
    ].join('\n');
    const a = run(text, 'lora.yml');
    assert.equal(a.dialect?.id, 'axolotl');
    assert.equal(a.analysis!.figures.params.value, llama({ layers: 32, h: 4096, heads: 32, kv: 8, ffn: 14336, vocab: 32000 }));
    assert.equal(a.plan!.training.finetune!.value, 'lora');
    assert.equal(a.plan!.training.loraRank!.value, 32);
    assert.equal(a.analysis!.figures.tokens.value, 500 * 2 * 8 * 4 * 4096);
    assert.equal(a.plan!.training.precision!.value, 'fp16-mixed');
    const traps = run('base_model: meta-llama/Llama-3.1-8B\nadapter: qlora\nload_in_4bit: false\nmicro_batch_size: 2\ncontext_parallel_size: 2\nsequence_len: 8192\n', 'q.yml');
    const msgs = traps.findings.filter((f) => f.code === 'invalid-value').map((f) => f.message);
    assert.ok(msgs.some((m) => /load_in_4bit: true/.test(m)), JSON.stringify(msgs));
    assert.ok(msgs.some((m) => /micro_batch_size 1/.test(m)), JSON.stringify(msgs));
    const full4 = run('base_model: meta-llama/Llama-3.1-8B\nload_in_4bit: true\nmicro_batch_size: 1\nsequence_len: 2048\n', 'f.yml');
    assert.equal(full4.plan!.training.finetune!.value, 'full');
    assert.ok(full4.findings.some((f) => f.code === 'invalid-value' && /without `adapter: qlora`/.test(f.message)));
  });

  test('unrelated YAML/JSON/TOML is not claimed', () => {
    for (const [name, text] of UNRELATED) assert.equal(AXOLOTL_ADAPTER.detect(run(text, name).parsed!, name), undefined, name);
  });
});

const UNRELATED: [string, string][] = [
  ['.github/workflows/ci.yml', 'name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n'],
  ['docker-compose.yml', 'services:\n  axolotl:\n    image: axolotlai/axolotl\n    volumes: ["./data:/data"]\n'],
  ['package.json', '{ "name": "x", "version": "1.0.0" }'],
  ['tsconfig.json', '{ "compilerOptions": { "strict": true } }'],
  ['Cargo.toml', '[package]\nname = "model"\nversion = "0.1.0"\n'],
  ['pyproject.toml', '[project]\nname = "axolotl-helper"\nversion = "0.1"\n'],
  ['mkdocs.yml', 'site_name: docs\nnav:\n  - base_model: index.md\n'],
];
