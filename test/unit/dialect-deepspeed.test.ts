/**
 * DeepSpeed JSON (server/src/dialects/deepspeed.ts): corpus files end to end, the batch arithmetic, "auto" sentinels,
 * ZeRO / precision / offload, the reusable `applyDeepSpeed` / `applyDeepSpeedRef`, and negative detection.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeText } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';
import { emptyPlan } from '../../server/src/core/plan';
import { NATIVE_ADAPTER } from '../../server/src/dialects/nativeAdapter';
import { DEEPSPEED_ADAPTER, applyDeepSpeed, applyDeepSpeedRef } from '../../server/src/dialects/deepspeed';
import { parseConfig } from '../../server/src/dialects/syntax/index';
import { boundedReader } from '../../server/src/host/files';

const corpus = resolve(import.meta.dirname, '../../../shared/corpus');
const haveCorpus = existsSync(corpus);
const skipCorpus = haveCorpus ? false : `corpus not found at ${corpus}`;
const readFile = boundedReader([corpus]);
const adapters = [NATIVE_ADAPTER, DEEPSPEED_ADAPTER];
const run = (text: string, fileName: string, read = readFile) => analyzeText(text, fileName, { options: defaultOptions(), adapters, readFile: read });
const runFile = (rel: string) => {
  const path = resolve(corpus, rel);
  return { a: run(readFileSync(path, 'utf8'), path), path };
};
const slice = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);

describe('DeepSpeed corpus files', { skip: skipCorpus }, () => {
  const files = [
    'deepspeed/deepspeed_bsz64k_lamb_config_seq128.json',
    'deepspeed/ds_config_fp16_z3.json',
    'deepspeed/ds_config_tune.json',
    'deepspeed/pipeline_parallelism_ds_config.json',
    'axolotl/deepspeed_zero2.json',
    'axolotl/deepspeed_zero3_bf16.json',
    'axolotl/deepspeed_zero3_bf16_cpuoffload_all.json',
  ];
  for (const f of files) {
    test(`${f}: detected as DeepSpeed with a reason, no errors`, () => {
      const { a } = runFile(f);
      assert.equal(a.dialect?.id, 'deepspeed');
      const d = DEEPSPEED_ADAPTER.detect(a.parsed!, f)!;
      assert.ok(d.score >= 70 && d.score <= 90, `score ${d.score}`);
      assert.match(d.reason, /^top-level (zero_optimization|train_micro_batch_size_per_gpu)/);
      assert.deepEqual(a.findings.filter((x) => x.severity === 'error'), [], '"auto" and missing model keys are never errors');
    });
  }

  test('bing_bert bsz64k: global 65,536, micro 64, fp16 mixed, LAMB → AdamW-like optimizer state', () => {
    const { a } = runFile('deepspeed/deepspeed_bsz64k_lamb_config_seq128.json');
    const t = a.plan!.training;
    assert.equal(t.globalBatch!.value, 65536);
    assert.equal(t.microBatch!.value, 64);
    assert.equal(t.precision!.value, 'fp16-mixed');
    assert.equal(t.optimizer!.value, 'adamw');
    // Two of the three batch keys: DP × accumulation = 65,536 ÷ 64 = 1,024, split unknown without the GPU count.
    assert.equal(a.plan!.parallelism.dp, undefined);
    const gpus = analyzeText(a.parsed!.text, 'x.json', { options: defaultOptions(), adapters, overrides: { gpus: 256 } });
    assert.equal(gpus.analysis!.resolved.globalBatch!.value, 65536);
    assert.deepEqual(gpus.findings.filter((x) => x.code === 'batch-mismatch'), [], '65,536 = 64 × 256 × 4');
  });

  test('ds_config_fp16_z3: ZeRO-3 and fp16; micro-batch "auto" is not set and not an error', () => {
    const { a } = runFile('deepspeed/ds_config_fp16_z3.json');
    assert.equal(a.plan!.parallelism.zero!.value, 3);
    assert.equal(a.plan!.training.precision!.value, 'fp16-mixed');
    assert.equal(a.plan!.training.microBatch, undefined);
    const auto = a.findings.find((x) => /"auto"/.test(x.message))!;
    assert.equal(auto.severity, 'information');
    assert.equal(slice(a.parsed!.text, auto.range), '"auto"');
  });

  test('axolotl zero2: "auto" precision leaves the precision unset; CPU optimizer offload is noted', () => {
    const { a } = runFile('axolotl/deepspeed_zero2.json');
    assert.equal(a.plan!.parallelism.zero!.value, 2);
    assert.equal(a.plan!.training.precision, undefined);
    assert.equal(a.plan!.training.globalBatch, undefined);
    const off = a.findings.find((x) => /offloads the optimizer states to CPU/.test(x.message))!;
    assert.equal(slice(a.parsed!.text, off.range), '"cpu"');
  });

  test('axolotl zero3 bf16 offload-all: bf16 mixed, ZeRO-3, optimizer and parameter offload', () => {
    const { a } = runFile('axolotl/deepspeed_zero3_bf16_cpuoffload_all.json');
    assert.equal(a.plan!.training.precision!.value, 'bf16-mixed');
    const o = a.plan!.training.precision!.origin;
    assert.equal(o.kind === 'document' && slice(a.parsed!.text, o.range), 'true');
    assert.equal(a.plan!.parallelism.zero!.value, 3);
    assert.equal(a.findings.filter((x) => /offloads the/.test(x.message)).length, 2);
  });

  test('pipeline ds_config: global 256 / micro 8; 8 GPUs fit it (accumulation 4), 3 GPUs do not', () => {
    const { a } = runFile('deepspeed/pipeline_parallelism_ds_config.json');
    assert.equal(a.plan!.training.globalBatch!.value, 256);
    assert.equal(a.plan!.training.microBatch!.value, 8);
    const with8 = analyzeText(a.parsed!.text, 'x.json', { options: defaultOptions(), adapters, overrides: { gpus: 8 } });
    assert.deepEqual(with8.findings.filter((x) => x.code === 'batch-mismatch'), []); // 256 = 8 × 8 × 4
    const with3 = analyzeText(a.parsed!.text, 'x.json', { options: defaultOptions(), adapters, overrides: { gpus: 3 } });
    assert.equal(with3.findings.filter((x) => x.code === 'batch-mismatch').length, 1); // 256 is not a multiple of 8 × 3
  });
});

describe('DeepSpeed batch arithmetic and inline configs', () => {
  test('all three batch keys: DP = train_batch_size ÷ (micro × accumulation)', () => {
    const text = '{ "train_batch_size": 512, "train_micro_batch_size_per_gpu": 4, "gradient_accumulation_steps": 8, "zero_optimization": { "stage": 1 }, "bf16": { "enabled": true } }';
    const a = run(text, 'ds.json');
    const dp = a.plan!.parallelism.dp!;
    assert.equal(dp.value, 512 / (4 * 8)); // 16 data-parallel ranks
    assert.equal(dp.origin.kind, 'derived');
    assert.equal(a.analysis!.resolved.gpus!.value, 16, 'GPUs follow from DP when nothing else is given');
    assert.equal(a.plan!.parallelism.zero!.value, 1);
    assert.equal(a.plan!.training.precision!.value, 'bf16-mixed');
  });

  test('a global batch that is not a multiple of micro × accumulation is an error at train_batch_size', () => {
    const text = '{\n  "train_batch_size": 1000,\n  "train_micro_batch_size_per_gpu": 3,\n  "gradient_accumulation_steps": 7\n}';
    const a = run(text, 'ds.json');
    const f = a.findings.find((x) => x.code === 'batch-mismatch')!;
    assert.equal(f.severity, 'error');
    assert.equal(slice(text, f.range), '"train_batch_size"');
    assert.match(f.message, /3 × 7 = 21/);
  });

  test('neither half-precision block enabled = fp32; "auto" everywhere = nothing set, no errors', () => {
    assert.equal(run('{ "zero_optimization": {"stage": 0}, "fp16": {"enabled": false}, "bf16": {"enabled": false} }', 'a.json').plan!.training.precision!.value, 'fp32');
    const auto = run('{ "train_batch_size": "auto", "train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": "auto", "zero_optimization": {"stage": "auto"} }', 'b.json');
    assert.equal(auto.dialect?.id, 'deepspeed');
    assert.deepEqual(auto.plan!.training, {});
    assert.equal(auto.plan!.parallelism.zero, undefined);
    assert.ok(auto.findings.every((x) => x.severity === 'information'));
  });

  test('an invalid ZeRO stage is an error at its value', () => {
    const text = '{ "train_micro_batch_size_per_gpu": 2, "zero_optimization": { "stage": 5 } }';
    const a = run(text, 'ds.json');
    const f = a.findings.find((x) => x.code === 'invalid-value')!;
    assert.equal(f.severity, 'error');
    assert.equal(slice(text, f.range), '5');
  });
});

describe('applyDeepSpeed / applyDeepSpeedRef for other dialects', () => {
  test('an inline block under a prefix (e.g. `deepspeed:` in YAML)', () => {
    const parsed = parseConfig('deepspeed:\n  train_micro_batch_size_per_gpu: 2\n  zero_optimization:\n    stage: 3\n  bf16:\n    enabled: true\n', 'yaml');
    const plan = emptyPlan();
    applyDeepSpeed(parsed, plan, { prefix: 'deepspeed.' });
    assert.equal(plan.training.microBatch!.value, 2);
    assert.equal(plan.parallelism.zero!.value, 3);
    assert.equal(plan.training.precision!.value, 'bf16-mixed');
    const o = plan.parallelism.zero!.origin;
    assert.equal(o.kind === 'document' && o.key, 'deepspeed.zero_optimization.stage');
  });

  test('fields the embedding dialect already set are kept', () => {
    const parsed = parseConfig('{ "train_micro_batch_size_per_gpu": 2, "fp16": {"enabled": true} }', 'json');
    const plan = emptyPlan();
    plan.training.precision = { value: 'bf16-mixed', origin: { kind: 'default', name: 'x', doc: 'y' } };
    applyDeepSpeed(parsed, plan);
    assert.equal(plan.training.precision.value, 'bf16-mixed');
    assert.equal(plan.training.microBatch!.value, 2);
  });

  test('a referenced JSON file is read through ctx.readFile with file provenance; a missing one is a missing-value', () => {
    const parsed = parseConfig('deepspeed: configs/zero3.json\nother: 1\n', 'yaml');
    const ref = parsed.entries.get('deepspeed')!;
    const files: Record<string, string> = { 'configs/zero3.json': '{ "zero_optimization": { "stage": 3 }, "gradient_accumulation_steps": 4 }' };
    const plan = emptyPlan();
    const findings = applyDeepSpeedRef(ref, parsed, plan, { fileName: 'x.yaml', readFile: (p) => (files[p] !== undefined ? { path: `/ws/${p}`, text: files[p] } : undefined) });
    assert.deepEqual(findings, []);
    assert.equal(plan.parallelism.zero!.value, 3);
    assert.equal(plan.training.gradAccum!.value, 4);
    const o = plan.parallelism.zero!.origin;
    assert.equal(o.kind === 'document' && o.file, '/ws/configs/zero3.json');

    const missing = applyDeepSpeedRef(ref, parsed, emptyPlan(), { fileName: 'x.yaml', readFile: () => undefined });
    assert.equal(missing.length, 1);
    assert.equal(missing[0]!.code, 'missing-value');
    assert.equal(slice(parsed.text, missing[0]!.range), 'configs/zero3.json');
  });

  test('the corpus axolotl config references its DeepSpeed JSON by path', { skip: skipCorpus }, () => {
    const parsed = parseConfig('deepspeed: deepspeed_zero3_bf16.json\n', 'yaml');
    const plan = emptyPlan();
    const from = resolve(corpus, 'axolotl/config.yaml');
    applyDeepSpeedRef(parsed.entries.get('deepspeed')!, parsed, plan, { fileName: from, readFile: (p) => readFile(p, from) });
    assert.equal(plan.parallelism.zero!.value, 3);
    assert.equal(plan.training.precision!.value, 'bf16-mixed');
  });
});

describe('DeepSpeed detection leaves unrelated files alone', () => {
  const unrelated: Array<[string, string]> = [
    ['package.json', '{ "name": "x", "version": "1.0.0", "scripts": { "test": "node --test" }, "dependencies": { "yaml": "^2" } }'],
    ['tsconfig.json', '{ "compilerOptions": { "strict": true, "target": "ES2022" }, "include": ["src"] }'],
    ['.github/workflows/ci.yml', 'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n'],
    ['docker-compose.yml', 'services:\n  web:\n    image: nginx\n    ports: ["80:80"]\n'],
    ['Cargo.toml', '[package]\nname = "x"\nversion = "0.1.0"\n[dependencies]\nserde = "1"\n'],
    ['pyproject.toml', '[project]\nname = "x"\nversion = "0.1"\n[tool.ruff]\nline-length = 100\n'],
    ['hparams.json', '{ "train_batch_size": 32, "learning_rate": 0.001 }'],
  ];
  for (const [name, text] of unrelated) {
    test(name, () => {
      const parsed = parseConfig(text, name.endsWith('.toml') ? 'toml' : name.endsWith('.json') ? 'json' : 'yaml');
      assert.equal(DEEPSPEED_ADAPTER.detect(parsed, name), undefined);
    });
  }
});
