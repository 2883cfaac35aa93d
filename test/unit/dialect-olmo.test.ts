/** OLMo YAML through the whole pipeline: fused SwiGLU width, norms, max_duration units, stop_at, FSDP, fixes in OLMo's style. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { OLMO_ADAPTER, parseDuration, renderOlmoValue } from '../../server/src/dialects/olmo';
import { fixToTextEdits } from '../../server/src/dialects/edits';
import { at, errors, params, dialectHarness } from '../helpers/corpus';

const { DIR, skip, run, corpus } = dialectHarness('olmo', OLMO_ADAPTER);

/** OLMo block: q, k, v, o (MHA) + MLP (gated: 3 matrices of the TRUE width) + norms of `norm` params each. */
function olmoParams(o: { layers: number; d: number; ffn: number; gated: boolean; vocab: number; tied: boolean; normsPerLayer: number; norm: number }): number {
  const attention = 4 * o.d * o.d;
  const mlp = (o.gated ? 3 : 2) * o.d * o.ffn;
  return o.vocab * o.d * (o.tied ? 1 : 2) + o.layers * (attention + mlp + o.normsPerLayer * o.norm) + o.norm;
}

const UNRELATED: Record<string, string> = {
  '.github/workflows/ci.yml': 'name: CI\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
  'docker-compose.yml': 'version: "3.8"\nservices:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n',
  'package.json': '{ "name": "x", "version": "1.0.0", "main": "index.js", "devDependencies": { "typescript": "^5" } }',
  'tsconfig.json': '{ "compilerOptions": { "module": "nodenext", "strict": true } }',
  'Cargo.toml': '[package]\nname = "x"\nversion = "0.1.0"\n\n[dependencies]\ntokio = { version = "1", features = ["full"] }\n',
  'pyproject.toml': '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "x"\nversion = "0.1"\n',
  // MosaicML llm-foundry shares Composer's key names but is not OLMo
  'mpt-125m.yaml': 'max_seq_len: 2048\nmodel:\n  name: mpt_causal_lm\n  d_model: 768\n  n_heads: 12\n  n_layers: 12\n  expansion_ratio: 4\nmax_duration: 4800ba\nglobal_train_batch_size: 256\ndevice_train_microbatch_size: 16\nprecision: amp_bf16\nfsdp_config:\n  sharding_strategy: FULL_SHARD\n',
};

describe('olmo dialect', { skip }, () => {
  test('every corpus file is detected as olmo (score 50–90) with a reason naming its keys, and has no errors', () => {
    for (const f of readdirSync(DIR)) {
      const { a } = corpus(f);
      assert.equal(a.dialect?.id, 'olmo', f);
      assert.match(a.dialect!.reason, /model\.d_model.*max_duration/, f);
      const d = OLMO_ADAPTER.detect(a.parsed!, f)!;
      assert.ok(d.score >= 50 && d.score <= 90, `${f}: ${d.score}`);
      assert.deepEqual(errors(a), [], f);
    }
  });

  test('unrelated YAML/JSON/TOML (and llm-foundry) is not claimed', () => {
    for (const [name, text] of Object.entries(UNRELATED)) assert.equal(run(text, `/tmp/${name}`).dialect, undefined, name);
  });

  test('OLMo-1B.yaml: mlp_ratio 8 → fused 16384 → SwiGLU width 8192, tied, parameter-free LayerNorms; 739_328 steps', () => {
    const { text, a } = corpus('OLMo-1B.yaml');
    const expected = olmoParams({ layers: 16, d: 2048, ffn: 8192, gated: true, vocab: 50304, tied: true, normsPerLayer: 2, norm: 0 });
    assert.equal(expected, 1_176_764_416); // allenai/OLMo-1B: 1.18B
    assert.equal(params(a), expected);
    const steps = a.plan!.training.steps!;
    assert.equal(steps.value, 739_328);
    assert.equal(steps.origin.kind === 'document' && at(text, steps.origin.range), '739_328');
    assert.equal(a.analysis!.figures.tokens.value, 739_328 * 2048 * 2048); // "3.1T tokens" says the comment
    assert.equal(a.plan!.training.precision!.value, 'bf16-mixed');
    assert.equal(a.analysis!.resolved.zero.value, 3); // FSDP FULL_SHARD by default
  });

  test('OLMo-7B.yaml: mlp_hidden_size 22016 ÷ 2 = 11008, untied; max_duration 2e12T is 2e12 tokens', () => {
    const { text, a } = corpus('OLMo-7B.yaml');
    const expected = olmoParams({ layers: 32, d: 4096, ffn: 11008, gated: true, vocab: 50304, tied: false, normsPerLayer: 2, norm: 0 });
    assert.equal(expected, 6_888_095_744); // allenai/OLMo-7B: 6.89B
    assert.equal(params(a), expected);
    const ffn = a.plan!.model.ffnHidden!;
    assert.equal(ffn.value, 11008);
    assert.equal(ffn.origin.kind === 'document' && at(text, ffn.origin.range), '22016');
    const tokens = a.plan!.training.tokens!;
    assert.equal(tokens.value, 2e12);
    assert.equal(tokens.origin.kind === 'document' && at(text, tokens.origin.range), '2e12T');
  });

  test('OLMo 2 stage 1: RMSNorm with QK-norm (4 norms per layer); 1ep is a missing value at max_duration', () => {
    const seven = corpus('OLMo2-7B-stage1.yaml');
    assert.equal(params(seven.a), olmoParams({ layers: 32, d: 4096, ffn: 11008, gated: true, vocab: 100352, tied: false, normsPerLayer: 4, norm: 4096 }));
    assert.equal(params(seven.a), 7_298_617_344); // allenai/OLMo-2-1124-7B
    const miss = seven.a.findings.find((f) => f.code === 'missing-value' && /1ep/.test(f.message))!;
    assert.equal(at(seven.text, miss.range), 'max_duration');
    assert.equal(seven.a.analysis!.figures.tokens.value, null);
    const thirteen = corpus('OLMo2-13B-stage1.yaml').a;
    assert.equal(params(thirteen), olmoParams({ layers: 40, d: 5120, ffn: 13824, gated: true, vocab: 100352, tied: false, normsPerLayer: 4, norm: 5120 }));
    const one = corpus('OLMo2-1B-stage1.yaml').a;
    assert.equal(params(one), olmoParams({ layers: 16, d: 2048, ffn: 8192, gated: true, vocab: 100352, tied: false, normsPerLayer: 4, norm: 2048 }));
    assert.equal(one.analysis!.figures.tokens.value, 4e12);
    assert.equal(one.analysis!.resolved.zero.value, 2); // SHARD_GRAD_OP
  });

  test('OLMo2-7B-stage2: a checkpoint loaded into a new data stage is continued training (no Chinchilla warning); stop_at after 50e9T', () => {
    const { text, a } = corpus('OLMo2-7B-stage2-seed42.yaml');
    assert.equal(a.plan!.training.finetune!.value, 'full');
    const o = a.plan!.training.finetune!.origin;
    assert.equal(o.kind === 'document' && at(text, o.keyRange!), 'load_path');
    assert.equal(a.analysis!.figures.tokens.value, 50e9); // stop_at 11931 × 1024 × 4096 > 50e9: the token budget ends first
    assert.ok(!a.findings.some((f) => f.code === 'under-trained'));
  });

  test('custom_dataset_example.yaml: GELU MLP (not halved), QK-norm LayerNorms without bias, 515 steps; fix edits max_duration as a plain int', () => {
    const { text, a } = corpus('custom_dataset_example.yaml');
    const expected = olmoParams({ layers: 32, d: 4096, ffn: 16384, gated: false, vocab: 32128, tied: false, normsPerLayer: 4, norm: 4096 });
    assert.equal(params(a), expected);
    assert.equal(a.analysis!.figures.tokens.value, 515 * 128 * 2048); // "135M tokens" says the comment
    assert.equal(a.plan!.training.activationCheckpointing!.value, 'full'); // whole_layer
    const under = a.findings.find((f) => f.code === 'under-trained')!;
    assert.equal(at(text, under.range), 'max_duration');
    const edits = fixToTextEdits(under.fixes![0]!, a.parsed!, OLMO_ADAPTER.renderValue)!;
    assert.equal(at(text, edits[0]!.range), '515');
    assert.equal(edits[0]!.newText, String(Math.ceil((20 * expected) / (128 * 2048))));
  });

  test('inline: the tokens fix keeps the 2e12T style; interpolation resolves; unresolvable is missing-value, not a crash', () => {
    const text = [
      'run_name: tiny',
      'model:',
      '  d_model: 1024',
      '  n_heads: 16',
      '  n_layers: 12',
      '  mlp_hidden_size: 5632',
      '  weight_tying: false',
      '  include_bias: false',
      '  layer_norm_type: rms',
      '  max_sequence_length: ${seq}',
      '  vocab_size: 50280',
      '  embedding_size: 50304',
      'seq: 2048',
      'max_duration: 1e9T  # far too few',
      'global_train_batch_size: ${batch}',
      'batch: 256',
      'device_train_microbatch_size: 8',
      'save_folder: ${oc.env:CHECKPOINTS}',
      'precision: amp_bf16',
      '',
    ].join('\n');
    const a = run(text);
    assert.equal(a.dialect?.id, 'olmo');
    assert.equal(a.plan!.model.seqLen!.value, 2048);
    assert.equal(a.plan!.training.globalBatch!.value, 256);
    const expected = olmoParams({ layers: 12, d: 1024, ffn: 2816, gated: true, vocab: 50304, tied: false, normsPerLayer: 2, norm: 1024 });
    assert.equal(params(a), expected);
    const under = a.findings.find((f) => f.code === 'under-trained')!;
    assert.equal(at(text, under.range), 'max_duration');
    const edits = fixToTextEdits(under.fixes![0]!, a.parsed!, OLMO_ADAPTER.renderValue)!;
    assert.equal(at(text, edits[0]!.range), '1e9T');
    assert.match(edits[0]!.newText, /^\d(\.\d+)?e\d+T$/);
    assert.ok(Number(edits[0]!.newText.slice(0, -1)) >= 20 * expected);
    assert.deepEqual(errors(a), []);
  });

  test('inline traps: 2T is two tokens, 2e12 without T is steps; stop_at caps a longer duration', () => {
    const base = 'model:\n  d_model: 512\n  n_heads: 8\n  n_layers: 4\nglobal_train_batch_size: 64\n';
    const t = run(`${base}max_duration: 2T\n`);
    assert.ok(t.findings.some((f) => f.code === 'invalid-value' && f.severity === 'warning' && /not "trillion"|"tokens"/.test(f.message)));
    const s = run(`${base}max_duration: 2e12\n`);
    assert.ok(s.findings.some((f) => f.code === 'invalid-value' && /steps/.test(f.message)));
    const text = `${base}max_duration: 100000\nstop_at: 500\n`;
    const c = run(text);
    const steps = c.plan!.training.steps!;
    assert.equal(steps.value, 500);
    assert.equal(steps.origin.kind === 'document' && at(text, steps.origin.range), '500');
    assert.equal(c.analysis!.figures.tokens.value, 500 * 64 * 1024); // max_sequence_length default 1024
  });

  test('defaults: a minimal model section gets OLMo ModelConfig defaults (swiglu, tied, biases, embedding_size 50304)', () => {
    const a = run('model:\n  d_model: 256\n  n_heads: 4\n  n_layers: 2\nmax_duration: 1000\n');
    const d = 256;
    // include_bias true: q/k/v/o biases + gated MLP biases; LayerNorm with bias (2d); ffn = 4·d·0.5
    const f = 512;
    const layer = 4 * d * d + 4 * d + (3 * d * f + 2 * f + d) + 2 * (2 * d);
    assert.equal(params(a), 50304 * d + 2 * layer + 2 * d);
    assert.equal(a.plan!.training.optimizer!.value, 'sgd'); // lionw: one state, like SGD with momentum
  });

  test('max_duration parsing and OLMo-style rendering', () => {
    assert.deepEqual(parseDuration(739328), { kind: 'steps', value: 739328 });
    assert.deepEqual(parseDuration('739_328'), { kind: 'steps', value: 739328 });
    assert.deepEqual(parseDuration('2e12T'), { kind: 'tokens', value: 2e12 });
    assert.deepEqual(parseDuration('50e9T'), { kind: 'tokens', value: 50e9 });
    assert.deepEqual(parseDuration('1ep'), { kind: 'epochs', value: 1 });
    assert.equal(parseDuration('lots'), undefined);
    assert.equal(renderOlmoValue('training.tokens', 1.46e11, '2e12T'), '1.46e11T');
    assert.equal(renderOlmoValue('training.tokens', 3.5e12, '"2e12T"'), '"3.5e12T"');
    assert.equal(renderOlmoValue('training.steps', 1234567, '739_328'), '1_234_567');
    assert.equal(renderOlmoValue('training.steps', 1234567, '515'), '1234567');
    assert.equal(renderOlmoValue('training.activationCheckpointing', 'full', 'null'), 'whole_layer');
    assert.equal(renderOlmoValue('parallelism.zero', 3, 'SHARD_GRAD_OP'), 'FULL_SHARD');
  });
});
