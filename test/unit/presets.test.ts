import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PRESETS, findPreset, presetIds } from '../../server/src/core/presets';
import type { ModelDims } from '../../server/src/core/plan';

/**
 * Local reference implementation of the parameter formula (deliberately independent of params.ts):
 * embeddings, attention (+ biases), MLP (+ biases), MoE experts + router, norms, final norm.
 */
function refCount(d: ModelDims): { total: number; active: number } {
  const q = d.heads * d.headDim;
  const kv = d.kvHeads * d.headDim;
  let attn = d.hidden * q + 2 * d.hidden * kv + q * d.hidden;
  if (d.bias) attn += q + 2 * kv + d.hidden;
  else if (d.qkvBias) attn += q + 2 * kv;

  const mlp = (ffn: number): number => {
    let n = (d.gated ? 3 : 2) * d.hidden * ffn;
    if (d.bias) n += d.gated ? 2 * ffn + d.hidden : ffn + d.hidden;
    return n;
  };
  const normSize = d.norm === 'nonparametric' ? 0 : d.norm === 'layernorm' && d.bias ? 2 * d.hidden : d.hidden;
  const norms = d.normsPerLayer * normSize;

  let mlpTotal: number;
  let mlpActive: number;
  if (d.experts > 1) {
    const router = d.hidden * d.experts;
    const shared = d.sharedExperts * mlp(d.ffnHidden);
    mlpTotal = d.experts * mlp(d.expertFfnHidden) + router + shared;
    mlpActive = d.topK * mlp(d.expertFfnHidden) + router + shared;
  } else {
    mlpTotal = mlpActive = mlp(d.ffnHidden);
  }

  let embedding = d.vocab * d.hidden * (d.tiedEmbeddings ? 1 : 2);
  if (d.learnedPositions) embedding += d.maxPositions * d.hidden;
  const fixed = embedding + normSize;
  return {
    total: fixed + d.layers * (attn + mlpTotal + norms),
    active: fixed + d.layers * (attn + mlpActive + norms),
  };
}

const relErr = (a: number, b: number): number => Math.abs(a - b) / b;

test('reference formula reproduces known exact checkpoint totals', () => {
  // Exact tensor totals of the published checkpoints (Pythia paper Table 1; HF safetensors metadata for the rest).
  const exact: Record<string, number> = {
    'pythia-70m': 70_426_624,
    'pythia-160m': 162_322_944,
    'pythia-410m': 405_334_016,
    'pythia-1b': 1_011_781_632,
    'pythia-1.4b': 1_414_647_808,
    'pythia-2.8b': 2_775_208_960,
    'pythia-6.9b': 6_857_302_016,
    'pythia-12b': 11_846_072_320,
    'llama-2-7b': 6_738_415_616,
    'llama-2-13b': 13_015_864_320,
    'llama-2-70b': 68_976_648_192,
    'llama-3-8b': 8_030_261_248,
    'llama-3-70b': 70_553_706_496,
    'llama-3.2-1b': 1_235_814_400,
    'llama-3.2-3b': 3_212_749_824,
    'mistral-7b': 7_241_732_096,
    'mixtral-8x7b': 46_702_792_704,
    'qwen2.5-0.5b': 494_032_768,
    'qwen2.5-1.5b': 1_543_714_304,
    'qwen2.5-3b': 3_085_938_688,
    'qwen2.5-7b': 7_615_616_512,
    'qwen2.5-72b': 72_706_203_648,
    'gemma-2b': 2_506_172_416,
    'gemma-7b': 8_537_680_896,
    'gemma-2-2b': 2_614_341_888,
    'gemma-2-9b': 9_241_705_984,
    'gemma-2-27b': 27_227_128_320,
    'tinyllama-1.1b': 1_100_048_384,
    'phi-3-mini': 3_821_079_552,
    'smollm2-135m': 134_515_008,
    'smollm2-360m': 361_821_120,
    'smollm2-1.7b': 1_711_376_384,
  };
  for (const [id, n] of Object.entries(exact)) {
    const p = PRESETS.find((x) => x.id === id);
    assert.ok(p, `missing preset ${id}`);
    assert.equal(refCount(p.dims).total, n, `${id}: dims-derived total`);
  }
});

test('Pythia totals match the paper exactly', () => {
  const pythias = PRESETS.filter((p) => p.id.startsWith('pythia-'));
  assert.equal(pythias.length, 8);
  for (const p of pythias) {
    assert.equal(refCount(p.dims).total, p.reportedParams, p.id);
  }
});

test('every preset with a reported total is within 0.5% of its dims-derived total', () => {
  let checked = 0;
  for (const p of PRESETS) {
    const { total, active } = refCount(p.dims);
    if (p.reportedParams !== undefined) {
      checked++;
      assert.ok(
        relErr(total, p.reportedParams) <= 0.005,
        `${p.id}: dims give ${total.toLocaleString('en-US')}, reported ${p.reportedParams.toLocaleString('en-US')} (${(100 * relErr(total, p.reportedParams)).toFixed(2)}%)`,
      );
    }
    if (p.reportedActiveParams !== undefined) {
      assert.ok(p.dims.experts > 1, `${p.id}: reportedActiveParams on a dense model`);
      assert.ok(
        relErr(active, p.reportedActiveParams) <= 0.005,
        `${p.id}: active ${active.toLocaleString('en-US')} vs reported ${p.reportedActiveParams.toLocaleString('en-US')}`,
      );
    }
  }
  assert.ok(checked >= 35, `only ${checked} presets carry a reported total`);
});

test('GPT-3 175B: dims-derived ≈174.6B, learned positions, tied, biased', () => {
  const p = findPreset('gpt3-175b');
  assert.ok(p);
  const { total } = refCount(p.dims);
  assert.ok(total > 174.5e9 && total < 174.7e9, String(total));
  assert.equal(p.dims.learnedPositions, true);
  assert.equal(p.dims.maxPositions, 2048);
  assert.equal(p.dims.tiedEmbeddings, true);
  assert.equal(p.dims.bias, true);
  assert.equal(p.dims.gated, false);
  assert.equal(p.dims.norm, 'layernorm');
  assert.equal(p.dims.vocab, 50257);
});

test('Mixtral 8x7B: 8 experts, top-2, 46.70B total / 12.88B active', () => {
  const p = findPreset('mistralai/Mixtral-8x7B-v0.1');
  assert.ok(p);
  assert.equal(p.dims.experts, 8);
  assert.equal(p.dims.topK, 2);
  assert.equal(p.dims.expertFfnHidden, p.dims.ffnHidden);
  const { total, active } = refCount(p.dims);
  assert.equal(total, 46_702_792_704);
  assert.equal(active, 12_879_925_248);
});

test('specific architecture facts', () => {
  const get = (id: string) => {
    const p = findPreset(id);
    assert.ok(p, id);
    return p;
  };
  // Qwen2.5: QKV bias; small ones tie embeddings, 7B+ do not.
  for (const id of ['qwen2.5-0.5b', 'qwen2.5-1.5b', 'qwen2.5-3b']) assert.equal(get(id).dims.tiedEmbeddings, true, id);
  for (const id of ['qwen2.5-7b', 'qwen2.5-14b', 'qwen2.5-32b', 'qwen2.5-72b']) assert.equal(get(id).dims.tiedEmbeddings, false, id);
  for (const p of PRESETS.filter((x) => x.id.startsWith('qwen2.5'))) {
    assert.equal(p.dims.qkvBias, true, p.id);
    assert.equal(p.dims.bias, false, p.id);
  }
  // Gemma 2: GeGLU, tied, vocab 256000, 4 norms per layer, head_dim 256 / 256 / 128.
  for (const [id, hd] of [['gemma-2-2b', 256], ['gemma-2-9b', 256], ['gemma-2-27b', 128]] as const) {
    const d = get(id).dims;
    assert.equal(get(id).activation, 'geglu');
    assert.equal(d.headDim, hd, id);
    assert.equal(d.normsPerLayer, 4, id);
    assert.equal(d.tiedEmbeddings, true, id);
    assert.equal(d.vocab, 256000, id);
  }
  // OLMo 7B: true FFN width 11008 (config writes 22016), non-parametric norm, untied, no bias.
  const olmo = get('allenai/OLMo-7B').dims;
  assert.equal(olmo.ffnHidden, 11008);
  assert.equal(olmo.norm, 'nonparametric');
  assert.equal(olmo.tiedEmbeddings, false);
  assert.equal(olmo.vocab, 50304);
  assert.equal(olmo.bias, false);
  // Pythia vocab sizes.
  assert.equal(get('pythia-6.9b').dims.vocab, 50432);
  assert.equal(get('pythia-12b').dims.vocab, 50688);
  assert.equal(get('pythia-70m').dims.vocab, 50304);
  for (const p of PRESETS.filter((x) => x.id.startsWith('pythia-'))) {
    assert.equal(p.dims.learnedPositions, false, p.id);
    assert.equal(p.dims.bias, true, p.id);
    assert.equal(p.dims.norm, 'layernorm', p.id);
    assert.equal(p.dims.tiedEmbeddings, false, p.id);
    assert.equal(p.activation, 'gelu', p.id);
  }
});

test('dims are complete and internally consistent', () => {
  const ints: (keyof ModelDims)[] = [
    'layers', 'hidden', 'heads', 'kvHeads', 'headDim', 'ffnHidden', 'vocab', 'maxPositions',
    'normsPerLayer', 'experts', 'topK', 'sharedExperts', 'expertFfnHidden', 'denseLayers',
  ];
  for (const p of PRESETS) {
    const d = p.dims;
    for (const k of ints) {
      const v = d[k];
      assert.ok(typeof v === 'number' && Number.isInteger(v) && v >= 0, `${p.id}.${k} = ${String(v)}`);
    }
    for (const k of ['layers', 'hidden', 'heads', 'kvHeads', 'headDim', 'ffnHidden', 'vocab'] as const) {
      assert.ok(d[k] > 0, `${p.id}.${k}`);
    }
    assert.equal(d.heads % d.kvHeads, 0, `${p.id}: heads divisible by kvHeads`);
    assert.equal(d.gated, p.activation === 'swiglu' || p.activation === 'geglu', `${p.id}: gated ⇔ GLU activation`);
    assert.ok(d.norm === 'rmsnorm' || d.norm === 'layernorm' || d.norm === 'nonparametric', p.id);
    if (d.experts > 1) {
      assert.ok(d.topK >= 1 && d.topK <= d.experts, `${p.id}: topK`);
      assert.equal(d.expertFfnHidden, d.ffnHidden, `${p.id}: expertFfnHidden`);
      assert.ok(p.reportedActiveParams !== undefined, `${p.id}: MoE without reportedActiveParams`);
    } else {
      assert.equal(d.experts, 0, `${p.id}: dense experts`);
      assert.equal(d.topK, 0, `${p.id}: dense topK`);
    }
    assert.equal(d.sharedExperts, 0, p.id);
    assert.equal(d.denseLayers, 0, p.id);
    assert.ok(!d.learnedPositions || p.id === 'gpt3-175b', `${p.id}: learnedPositions`);
    assert.ok(p.seqLen > 0 && Number.isInteger(p.seqLen), `${p.id}: seqLen`);
    assert.ok(p.seqLen <= d.maxPositions, `${p.id}: seqLen ≤ maxPositions`);
    assert.ok(p.source.length > 5, `${p.id}: source`);
    assert.ok(p.displayName.length > 0, `${p.id}: displayName`);
  }
});

test('ids are unique kebab-case and presetIds() lists them in order', () => {
  const ids = presetIds();
  assert.deepEqual(ids, PRESETS.map((p) => p.id));
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, id);
  for (const required of [
    'llama-2-7b', 'llama-2-13b', 'llama-2-70b', 'llama-3-8b', 'llama-3-70b', 'llama-3.1-8b', 'llama-3.1-70b',
    'llama-3.1-405b', 'mistral-7b', 'mixtral-8x7b', 'mixtral-8x22b', 'qwen2.5-7b', 'qwen2.5-72b', 'gemma-2-2b',
    'gemma-2-9b', 'gemma-2-27b', 'gpt3-175b', 'pythia-70m', 'pythia-160m', 'pythia-410m', 'pythia-1b',
    'pythia-1.4b', 'pythia-2.8b', 'pythia-6.9b', 'pythia-12b', 'olmo-7b', 'tinyllama-1.1b',
  ]) {
    assert.ok(ids.includes(required), `missing ${required}`);
  }
});

test('every id, alias and display name resolves to its own preset (no alias maps to two presets)', () => {
  const squash = (s: string) => {
    const t = s.trim().replace(/\/+$/, '');
    return t.slice(t.lastIndexOf('/') + 1).toLowerCase().replace(/[\s_.-]+/g, '');
  };
  const owner = new Map<string, string>();
  for (const p of PRESETS) {
    for (const n of [p.id, p.displayName, ...p.aliases]) {
      assert.equal(findPreset(n)?.id, p.id, `${JSON.stringify(n)} should resolve to ${p.id}`);
      const k = squash(n);
      const prev = owner.get(k);
      assert.ok(prev === undefined || prev === p.id, `${JSON.stringify(n)} (${k}) claimed by ${prev} and ${p.id}`);
      owner.set(k, p.id);
    }
  }
});

test('findPreset accepts many spellings', () => {
  const cases: [string, string][] = [
    ['Llama-3-8B', 'llama-3-8b'],
    ['meta-llama/Meta-Llama-3-8B', 'llama-3-8b'],
    ['meta-llama/Meta-Llama-3-8B-Instruct', 'llama-3-8b'],
    ['llama3_8b', 'llama-3-8b'],
    ['llama3-8b', 'llama-3-8b'],
    ['LLAMA-3-8B', 'llama-3-8b'],
    ['Llama 3 8B', 'llama-3-8b'],
    ['  llama-3-8b  ', 'llama-3-8b'],
    ['meta-llama/Llama-3.1-8B', 'llama-3.1-8b'],
    ['meta-llama/Meta-Llama-3.1-8B-Instruct', 'llama-3.1-8b'],
    ['llama3.1-8b', 'llama-3.1-8b'],
    ['llama31_405b', 'llama-3.1-405b'],
    ['meta-llama/Llama-2-7b-hf', 'llama-2-7b'],
    ['meta-llama/Llama-2-70b-chat-hf', 'llama-2-70b'],
    ['llama2_13b', 'llama-2-13b'],
    ['meta-llama/Llama-3.2-1B-Instruct', 'llama-3.2-1b'],
    ['mistralai/Mistral-7B-v0.1', 'mistral-7b'],
    ['mistralai/Mistral-7B-Instruct-v0.1', 'mistral-7b'],
    ['mistral-7b', 'mistral-7b'],
    ['mistralai/Mixtral-8x7B-Instruct-v0.1', 'mixtral-8x7b'],
    ['mixtral_8x22b', 'mixtral-8x22b'],
    ['Qwen/Qwen2.5-7B', 'qwen2.5-7b'],
    ['Qwen/Qwen2.5-72B-Instruct', 'qwen2.5-72b'],
    ['qwen2.5_0.5b', 'qwen2.5-0.5b'],
    ['google/gemma-2-9b-it', 'gemma-2-9b'],
    ['gemma2-27b', 'gemma-2-27b'],
    ['google/gemma-7b', 'gemma-7b'],
    ['EleutherAI/pythia-6.9b', 'pythia-6.9b'],
    ['EleutherAI/pythia-1.4b-deduped', 'pythia-1.4b'],
    ['pythia-70m', 'pythia-70m'],
    ['gpt3-175b', 'gpt3-175b'],
    ['GPT-3', 'gpt3-175b'],
    ['gpt3_175b', 'gpt3-175b'],
    ['allenai/OLMo-7B', 'olmo-7b'],
    ['allenai/OLMo-7B-hf', 'olmo-7b'],
    ['allenai/OLMo-2-1124-13B-Instruct', 'olmo-2-13b'],
    ['TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T', 'tinyllama-1.1b'],
    ['TinyLlama/TinyLlama-1.1B-Chat-v1.0', 'tinyllama-1.1b'],
    ['microsoft/Phi-3-mini-4k-instruct', 'phi-3-mini'],
    ['HuggingFaceTB/SmolLM2-1.7B-Instruct', 'smollm2-1.7b'],
    ['/models/checkpoints/Meta-Llama-3-70B/', 'llama-3-70b'],
  ];
  for (const [name, id] of cases) {
    assert.equal(findPreset(name)?.id, id, JSON.stringify(name));
  }
});

test('findPreset returns undefined for unknown names', () => {
  for (const name of [
    '',
    '   ',
    'llama-3-9b',
    'gpt-4',
    'mistralai/Mistral-7B-v0.3', // vocab 32768: not the v0.1 preset
    'pythia-14m',
    'qwen2-57b-a14b',
    'my-custom-model',
    'instruct',
    '-hf',
    'llama',
  ]) {
    assert.equal(findPreset(name), undefined, JSON.stringify(name));
  }
});

test('presets.ts is a pure core module with a source comment per preset', () => {
  const path = fileURLToPath(new URL('../../server/src/core/presets.ts', import.meta.url));
  const text = readFileSync(path, 'utf8');
  const imports = [...text.matchAll(/^\s*import\s[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  assert.deepEqual(imports, ['./plan']);
  assert.match(text, /^import type \{[^}]*\} from '\.\/plan';$/m);
  assert.doesNotMatch(text, /\brequire\(|\bprocess\.|from ['"](?:node:|fs|path|vscode)/);
  const sourceComments = text.match(/^\s*\/\/ source: /gm) ?? [];
  assert.ok(sourceComments.length >= PRESETS.length, `${sourceComments.length} source comments for ${PRESETS.length} presets`);
});
