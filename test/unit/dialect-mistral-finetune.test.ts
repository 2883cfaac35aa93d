/** mistral-finetune YAML through the whole pipeline: LoRA rank, seq_len × batch_size × num_microbatches × world, model path. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeText } from '../../server/src/dialects/index';
import { defaultOptions } from '../../server/src/core/options';
import { NATIVE_ADAPTER } from '../../server/src/dialects/nativeAdapter';
import { MISTRAL_FINETUNE_ADAPTER } from '../../server/src/dialects/mistralFinetune';

const FILE = resolve(import.meta.dirname, '../../../shared/corpus/mistral-finetune/7B.yaml');
const skip = existsSync(FILE) ? false : `corpus not found at ${FILE}`;
const adapters = [NATIVE_ADAPTER, MISTRAL_FINETUNE_ADAPTER];
const run = (text: string, fileName = '7B.yaml') => analyzeText(text, fileName, { options: defaultOptions(), adapters });
const at = (text: string, r: { start: number; end: number }) => text.slice(r.start, r.end);

describe('mistral-finetune dialect', () => {
  test('example/7B.yaml: detected, LoRA rank 64, 300 steps of 32768 tokens, empty model path is a missing value', { skip }, () => {
    const text = readFileSync(FILE, 'utf8');
    const a = run(text, FILE);
    assert.equal(a.dialect?.id, 'mistral-finetune');
    assert.match(a.dialect!.reason, /^model_id_or_path, seq_len, batch_size, max_steps/);
    const d = MISTRAL_FINETUNE_ADAPTER.detect(a.parsed!, FILE)!;
    assert.ok(d.score >= 70 && d.score <= 90);
    assert.equal(a.plan!.training.finetune!.value, 'lora');
    const rank = a.plan!.training.loraRank!;
    assert.equal(rank.value, 64);
    assert.equal(rank.origin.kind === 'document' && at(text, rank.origin.range), '64');
    assert.equal(a.plan!.training.steps!.value, 300);
    assert.equal(a.plan!.model.seqLen!.value, 32768);
    assert.equal(a.plan!.training.microBatch!.value, 1);
    const empty = a.findings.find((f) => f.code === 'missing-value' && /names no model/.test(f.message))!;
    assert.equal(at(text, empty.range), 'model_id_or_path');
    assert.deepEqual(a.findings.filter((f) => f.severity === 'error'), []);
    assert.ok(!a.findings.some((f) => f.code === 'under-trained' || /Training tokens unknown/.test(f.message)));
    // with the world size from a directive, tokens = max_steps × seq_len × batch_size × num_microbatches × GPUs
    const withHw = run(`# scaling-lens: gpu=H100 count=8\n${text}`, FILE);
    assert.equal(withHw.analysis!.figures.tokens.value, 300 * 32768 * 1 * 1 * 8);
  });

  test('inline text: a local model folder named after Mistral-7B-v0.3, num_microbatches, lora.enable: false = full', () => {
    const text = [
      'model_id_or_path: /mnt/models/mistral-7B-v0.3/',
      'seq_len: 8192',
      'batch_size: 2',
      'num_microbatches: 4',
      'max_steps: 1000',
      'lora:',
      '  enable: false',
      '  rank: 16',
      'optim:',
      '  lr: 1.e-5',
    ].join('\n');
    const a = run(text, 'full.yaml');
    assert.equal(a.dialect?.id, 'mistral-finetune');
    // Mistral-7B-v0.3: 32 layers, 4096, 32 heads, 8 KV heads, FFN 14336, vocab 32768, untied
    const h = 4096;
    const attention = h * h + 2 * h * 1024 + h * h;
    const expected = 2 * 32768 * h + 32 * (attention + 3 * h * 14336 + 2 * h) + h;
    assert.equal(a.analysis!.figures.params.value, expected);
    assert.equal(a.plan!.training.finetune!.value, 'full');
    assert.equal(a.plan!.training.loraRank, undefined);
    assert.equal(a.plan!.training.gradAccum!.value, 4);
    const hw = run(`# scaling-lens: gpu=H100 count=8\n${text}`, 'full.yaml');
    assert.equal(hw.analysis!.figures.tokens.value, 1000 * 8192 * 2 * 4 * 8);
  });

  test('unrelated YAML/JSON/TOML is not claimed', () => {
    for (const [name, text] of UNRELATED) assert.equal(MISTRAL_FINETUNE_ADAPTER.detect(run(text, name).parsed!, name), undefined, name);
  });
});

const UNRELATED: [string, string][] = [
  ['.github/workflows/ci.yml', 'name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n'],
  ['docker-compose.yml', 'services:\n  web:\n    image: nginx\n'],
  ['package.json', '{ "name": "x", "version": "1.0.0" }'],
  ['tsconfig.json', '{ "compilerOptions": { "strict": true } }'],
  ['Cargo.toml', '[package]\nname = "model"\nversion = "0.1.0"\n'],
  ['pyproject.toml', '[project]\nname = "mistral-finetune"\nversion = "0.1"\n'],
];
