/**
 * GPT-NeoX configs (`configs/*.yml`: a brace-wrapped JSON-ish flow mapping with `#` comments, trailing commas and
 * Python `True`; `autotuning_configs/*.json`). Keys may be written with `-` or `_` interchangeably.
 *
 * Defaults and conventions are NeoX's own (megatron/neox_arguments/neox_args.py, megatron/model/transformer.py,
 * megatron/model/moe_mlp.py, megatron/tokenizer/tokenizer.py):
 * - `pos_emb` "learned", `norm` "layernorm", `activation` "gelu", `no_weight_tying` false (tied),
 *   `use_bias_in_attn_linear` / `use_bias_in_mlp` / `use_bias_in_norms` true, `make_vocab_size_divisible_by` 128,
 *   `mlp_multiple_of` 1, `pipe_parallel_size` 0 (= no pipeline engine), `moe_num_experts` 1, `moe_top_k` 1,
 *   `tokenizer_type` "GPT2BPETokenizer";
 * - MLP width (ParallelMLP): `intermediate_size`, else `expansion_factor × h`, else 4h. With a gated activation
 *   (swiglu, geglu, reglu, bilinear, glu) NeoX then takes `int(width × 2/3)` for the fused gate+up projection and half
 *   of that for the real per-branch width, each rounded up to (2×)`mlp_multiple_of`: `intermediate_size` is ≈3× the
 *   true width (Llama-2-7B's 11008 is written 32768). A config that writes the true width (Mistral's 14336) silently
 *   gets a third of it: warned.
 * - MoE experts (megablocks grouped MLP) use `intermediate_size` as is (default 8h/3 gated or 4h, rounded to 256);
 *   layer i is MoE when i % `moe_expert_interval` == 0.
 * - vocabulary = the tokenizer's size padded to a multiple of `make_vocab_size_divisible_by × model_parallel_size`.
 * - the DeepSpeed keys (batch, ZeRO, fp16/bf16, optimizer) are read by ./deepspeed.ts.
 * NeoX merges every YAML given on the command line (a model file plus `local_setup.yml`); this adapter analyses the one
 * file it is given and says so when the file is evidently a part.
 */
import type { Finding } from '../core/findings';
import { FILE_START } from '../core/findings';
import { derived, dflt, doc, sv, type Activation, type Origin, type TrainingPlan } from '../core/plan';
import { formatNumber } from '../core/units';
import { applyRules, bool, hasField, hintsFrom, isSentinel, lookup, numberOf, setField, size, str, topKeys, type KeyRule } from './common';
import { applyDeepSpeed, boolOf } from './deepspeed';
import type { SourceEntry } from './syntax/tree';
import type { DialectAdapter } from './types';

const GATED = new Set(['swiglu', 'geglu', 'reglu', 'bilinear', 'glu']);

function activationOf(v: unknown): Activation | undefined {
  const a = String(v).toLowerCase();
  if (a === 'swiglu' || a === 'geglu' || a === 'gelu' || a === 'relu' || a === 'silu') return a;
  if (a === 'swish') return 'silu';
  if (GATED.has(a)) return 'swiglu'; // reglu/bilinear/glu: gated, 3 matrices like SwiGLU
  return 'gelu'; // softsign, mish: plain 2-matrix MLP
}

const RULES: readonly KeyRule[] = [
  { field: 'model.layers', keys: ['num_layers'], kind: size(1, 100_000) },
  { field: 'model.hidden', keys: ['hidden_size'], kind: size(1, 10_000_000) },
  { field: 'model.heads', keys: ['num_attention_heads'], kind: size(1, 100_000) },
  { field: 'model.kvHeads', keys: ['num_kv_heads'], kind: size(1, 100_000) },
  { field: 'model.seqLen', keys: ['seq_length'], kind: size(1, 100_000_000) },
  { field: 'model.maxPositions', keys: ['max_position_embeddings'], kind: size(1, 100_000_000) },
  { field: 'model.tiedEmbeddings', keys: ['no_weight_tying'], kind: bool, map: (v) => !v, note: '(no_weight_tying: true = separate LM head)' },
  { field: 'model.activation', keys: ['activation'], kind: str, map: activationOf },
  { field: 'model.learnedPositions', keys: ['pos_emb'], kind: str, map: (v) => String(v).toLowerCase() === 'learned' },
  {
    field: 'model.norm',
    keys: ['norm'],
    kind: str,
    map: (v) => {
      const n = String(v).toLowerCase();
      return n.includes('rms') ? 'rmsnorm' : n === 'scalenorm' ? 'nonparametric' : 'layernorm';
    },
  },
  { field: 'model.experts', keys: ['moe_num_experts'], kind: size(1, 1_000_000) },
  { field: 'model.topK', keys: ['moe_top_k'], kind: size(1, 1_000_000) },
  { field: 'training.steps', keys: ['train_iters'], kind: size(1, 1e12) },
  {
    field: 'training.precision',
    keys: ['precision'],
    kind: str,
    map: (v) => ({ bfloat16: 'bf16-mixed', bf16: 'bf16-mixed', fp16: 'fp16-mixed', fp32: 'fp32' })[String(v).toLowerCase()],
  },
  { field: 'training.activationCheckpointing', keys: ['checkpoint_activations'], kind: bool, map: (v) => (v ? 'full' : 'none') },
  { field: 'training.finetune', keys: ['finetune'], kind: bool, map: (v) => (v ? 'full' : undefined), note: '(continues from the `load` checkpoint)' },
  { field: 'training.finetune', keys: ['train_impl'], kind: str, map: (v) => (/^(dpo|kto|rm)$/i.test(String(v)) ? 'full' : undefined), note: '(preference / reward-model training)' },
  { field: 'parallelism.tp', keys: ['model_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.pp', keys: ['pipe_parallel_size'], kind: size(0, 100_000), map: (v) => Math.max(1, Number(v)), note: '(0 = no pipeline engine)' },
  { field: 'parallelism.sp', keys: ['sequence_parallel'], kind: bool },
  { field: 'cluster.count', keys: ['global_num_gpus'], kind: size(1, 10_000_000) },
  { field: 'cluster.nodes', keys: ['num_nodes'], kind: size(1, 10_000_000) },
  { field: 'cluster.gpusPerNode', keys: ['num_gpus'], kind: size(1, 1024) },
];

const KEY_HINTS: Record<string, string> = {
  ...hintsFrom(RULES),
  'model.params': 'num_layers',
  'model.preset': 'hidden_size',
  'model.vocab': 'padded_vocab_size',
  'model.ffnHidden': 'intermediate_size',
  'training.tokens': '# scaling-lens: tokens=<N>',
  'training.globalBatch': 'train_batch_size',
  'training.microBatch': 'train_micro_batch_size_per_gpu',
  'training.gradAccum': 'gradient_accumulation_steps',
  'parallelism.zero': 'zero_optimization.stage',
  'parallelism.dp': 'train_batch_size',
  'cluster.gpu': '# scaling-lens: gpu=<name>',
  'cluster.count': 'num_gpus × num_nodes',
};

/** Keys no other framework writes at the top level. */
const STRONG = [
  'pipe_parallel_size',
  'model_parallel_size',
  'gpt_j_residual',
  'pos_emb',
  'no_weight_tying',
  'attention_config',
  'checkpoint_factor',
  'output_layer_parallelism',
  'train_micro_batch_size_per_gpu',
  'synchronize_each_layer',
  'partition_activations',
  'scaled_upper_triang_masked_softmax_fusion',
  'use_bias_in_attn_linear',
  'rotary_pct',
  'mlp_multiple_of',
  'checkpoint_num_layers',
];
const WEAK = ['num_layers', 'hidden_size', 'num_attention_heads', 'seq_length', 'train_iters', 'lr_decay_iters', 'zero_optimization', 'norm', 'precision'];

export const NEOX_ADAPTER: DialectAdapter = {
  id: 'gpt-neox',
  name: 'GPT-NeoX',
  detect(parsed) {
    if (parsed.format !== 'yaml' && parsed.format !== 'json') return undefined;
    // Top-level keys only, `-` and `_` equal: one pass however large the document.
    const top = new Set(topKeys(parsed).map((k) => k.replace(/-/g, '_')));
    const strong = STRONG.filter((k) => top.has(k));
    const weak = WEAK.filter((k) => top.has(k));
    if (strong.length < 2 && !(strong.length === 1 && weak.length >= 2)) return undefined;
    const braced = /^(?:\s*#[^\n]*\n)*\s*\{/.test(parsed.text) ? 2 : 0;
    return { score: Math.min(92, 76 + 2 * strong.length + braced), reason: `top-level ${[...strong, ...weak].slice(0, 3).join(', ')}` };
  },
  adapt(parsed) {
    const { plan, findings } = applyRules(parsed, RULES, { dashes: true });
    const get = (key: string) => lookup(parsed, key, true);
    findings.push(...applyDeepSpeed(parsed, plan, { dashes: true }).findings);
    applyDefaults(plan);
    findings.push(...applyBias(plan, get));
    findings.push(...applyFfn(plan, get));
    findings.push(...applyMoe(plan, get));
    findings.push(...applyVocab(plan, get));
    if (plan.training.microBatch && !plan.training.gradAccum && !plan.training.globalBatch)
      setField(plan, 'training.gradAccum', sv(1, dflt('gradient_accumulation_steps', '1 (DeepSpeed default)')));
    findings.push(...partNotes(plan, get, parsed.comments.some((c) => /^\s*scaling-lens\s*:.*\b(count|gpus)\s*=/i.test(c.text))));
    return {
      plan,
      findings,
      keyHints: KEY_HINTS,
      hardwareHint: 'which the NeoX launcher takes from its hostfile unless the config sets them',
    };
  },
};

type Get = (key: string) => SourceEntry | undefined;

/** NeoX defaults that differ from the core's (Llama-style) ones. */
function applyDefaults(plan: TrainingPlan): void {
  const set = (field: string, value: unknown, name: string, text: string) => {
    if (!hasField(plan, field)) setField(plan, field, sv(value, dflt(name, text)));
  };
  set('model.learnedPositions', true, 'pos_emb', '"learned" (NeoX default: learned absolute positions)');
  set('model.norm', 'layernorm', 'norm', '"layernorm" (NeoX default)');
  set('model.activation', 'gelu', 'activation', '"gelu" (NeoX default, 2-matrix MLP)');
  set('model.tiedEmbeddings', true, 'no_weight_tying', 'false (NeoX default: input and output embeddings tied)');
  if (plan.model.experts && plan.model.experts.value > 1) set('model.topK', 1, 'moe_top_k', '1 (NeoX default)');
}

/** `use_bias_in_attn_linear` / `use_bias_in_mlp` (both default true) → linear biases; a half-set pair is a trap. */
function applyBias(plan: TrainingPlan, get: Get): Finding[] {
  const attnE = get('use_bias_in_attn_linear');
  const mlpE = get('use_bias_in_mlp');
  const attn = boolOf(attnE) ?? true;
  const mlp = boolOf(mlpE) ?? true;
  const origin = (e: SourceEntry | undefined, note: string): Origin => (e ? doc(`${e.dotted} ${note}`, e.valueRange, e.keyRange) : dflt('use_bias_in_attn_linear / use_bias_in_mlp', note));
  const findings: Finding[] = [];
  if (attn && mlp) setField(plan, 'model.bias', sv(true, origin(attnE ?? mlpE, '(NeoX default true: biases in QKV, output and MLP linears)')));
  else if (!attn && !mlp) setField(plan, 'model.bias', sv(false, origin(attnE, '(no linear biases)')));
  else if (attn) {
    setField(plan, 'model.bias', sv(false, origin(mlpE, '(no MLP biases)')));
    setField(plan, 'model.qkvBias', sv(true, origin(attnE, '(attention biases only)')));
  } else {
    setField(plan, 'model.bias', sv(false, origin(attnE, '(attention without biases; MLP biases not counted)')));
    if (!mlpE && attnE) {
      findings.push({
        code: 'invalid-value',
        severity: 'warning',
        message: '`use_bias_in_attn_linear` is false but `use_bias_in_mlp` is not set: NeoX defaults it to true, so the MLP layers get biases (Llama-style models have none, and converted checkpoints will not load them). Add `"use_bias_in_mlp": false`.',
        range: attnE.keyRange ?? attnE.valueRange,
      });
    }
  }
  return findings;
}

interface MlpShape {
  /** Output width of linear1 (the fused gate+up projection when gated). */
  linear1: number;
  /** Input width of linear2 = the true per-branch width. */
  linear2: number;
}

/** NeoX ParallelMLP: base width, the gated 2/3 rescale, rounding to (2×)mlp_multiple_of. */
export function neoxMlpShape(base: number, gated: boolean, multipleOf: number): MlpShape {
  let ffn = base;
  let ffnIn = base;
  if (gated) {
    ffn = Math.floor((ffn * 2) / 3);
    ffnIn = Math.floor(ffn / 2);
  }
  const m = Math.max(1, Math.floor(multipleOf));
  return { linear1: 2 * m * Math.ceil(ffn / (2 * m)), linear2: m * Math.ceil(ffnIn / m) };
}

function applyFfn(plan: TrainingPlan, get: Get): Finding[] {
  const h = plan.model.hidden?.value;
  if (h === undefined || hasField(plan, 'model.ffnHidden')) return [];
  const gated = GATED.has(String(get('activation')?.value ?? 'gelu').toLowerCase());
  const interE = get('intermediate_size');
  const expE = get('expansion_factor');
  const inter = interE && !isSentinel(interE) ? numberOf(interE) : undefined;
  const expansion = expE && !isSentinel(expE) ? numberOf(expE) : undefined;
  const multE = get('mlp_multiple_of');
  const multiple = numberOf(multE) ?? 1;
  const base = inter ?? (expansion !== undefined ? Math.floor(expansion * h) : 4 * h);
  if (!(base > 0)) return [];
  const shape = neoxMlpShape(base, gated, multiple);
  const rule = gated
    ? `gated: int(${formatNumber(base)} × 2/3) // 2 → ${formatNumber(shape.linear2)} per branch (multiple of ${multiple})`
    : `→ ${formatNumber(shape.linear2)} (multiple of ${multiple})`;
  const src = inter !== undefined ? interE! : expansion !== undefined ? expE! : undefined;
  const origin: Origin = src ? doc(`${src.dotted} (NeoX ${rule})`, src.valueRange, src.keyRange) : derived(`4 × hidden_size (NeoX default${gated ? `, ${rule}` : ''})`, ['hidden_size']);
  setField(plan, 'model.ffnHidden', sv(shape.linear2, origin));
  const findings: Finding[] = [];
  const at = src ?? get('activation') ?? get('hidden_size');
  const range = at ? (at.keyRange ?? at.valueRange) : FILE_START;
  if (gated && inter !== undefined && (plan.model.experts?.value ?? 1) <= 1 && inter < 6 * h) {
    findings.push({
      code: 'invalid-value',
      severity: 'warning',
      message: `"intermediate_size": ${inter} with the gated activation "${String(get('activation')?.value)}" does not give a ${formatNumber(inter)}-wide MLP: NeoX treats intermediate_size as ≈3× the true width and builds int(${inter} × 2/3) // 2 = ${formatNumber(shape.linear2)} per branch (Llama-2-7B's 11008 is written 32768). For a true width of ${formatNumber(inter)} write ${formatNumber(3 * inter)}.`,
      range,
    });
  }
  if (gated && inter === undefined && expansion === undefined && (plan.model.experts?.value ?? 1) <= 1) {
    findings.push({
      code: 'invalid-value',
      severity: 'warning',
      message: `No "intermediate_size" with the gated activation "${String(get('activation')?.value)}": NeoX starts from 4 × hidden_size = ${formatNumber(base)} and builds int(${base} × 2/3) // 2 = ${formatNumber(shape.linear2)} per branch (≈${formatNumber(shape.linear2 / h, 2)} × hidden), much narrower than Llama-style MLPs (≈2.7 × hidden). Set "intermediate_size" to 3 × the width you intend (Llama-2-7B: 32768 for 11008).`,
      range,
    });
  }
  if (gated && shape.linear1 !== 2 * shape.linear2) {
    findings.push({
      code: 'invalid-value',
      severity: 'warning',
      message: `With "mlp_multiple_of": ${multiple} the gated MLP's projections disagree: linear1 has ${formatNumber(shape.linear1)} outputs (two halves of ${formatNumber(shape.linear1 / 2)}) but linear2 expects ${formatNumber(shape.linear2)} inputs, so NeoX fails with a shape mismatch. Set "mlp_multiple_of": 256 (as the Llama configs do).`,
      range: multE ? (multE.keyRange ?? multE.valueRange) : range,
    });
  }
  return findings;
}

/** dMoE: experts use intermediate_size as is; layer i is MoE when i % moe_expert_interval == 0. */
function applyMoe(plan: TrainingPlan, get: Get): Finding[] {
  const experts = plan.model.experts?.value ?? 1;
  const h = plan.model.hidden?.value;
  const layers = plan.model.layers?.value;
  if (experts <= 1 || h === undefined) return [];
  const gated = GATED.has(String(get('activation')?.value ?? 'gelu').toLowerCase());
  const interE = get('intermediate_size');
  const inter = interE && !isSentinel(interE) ? numberOf(interE) : undefined;
  if (inter !== undefined && interE) {
    setField(plan, 'model.expertFfnHidden', sv(inter, doc(`${interE.dotted} (MoE experts use it as is)`, interE.valueRange, interE.keyRange)));
  } else {
    const raw = gated ? Math.floor((8 * h) / 3) : 4 * h;
    const width = 256 * Math.ceil(raw / 256);
    setField(plan, 'model.expertFfnHidden', sv(width, derived(`${gated ? 'int(8·h/3)' : '4·h'} rounded up to 256 (NeoX grouped-MLP expert default)`, ['hidden_size'])));
  }
  const intervalE = get('moe_expert_interval') ?? get('expert_interval');
  const interval = Math.max(1, Math.floor(numberOf(intervalE) ?? 1));
  if (layers !== undefined && interval > 1 && intervalE) {
    const moeLayers = Math.ceil(layers / interval);
    setField(plan, 'model.denseLayers', sv(layers - moeLayers, doc(`${intervalE.dotted} (${moeLayers} of ${layers} layers are MoE: i % ${interval} == 0)`, intervalE.valueRange, intervalE.keyRange)));
  }
  return [];
}

interface TokenizerGuess {
  size: number;
  what: string;
  /** True when the size is an assumption about a file this config only names. */
  assumed: boolean;
}

function tokenizerSize(type: string | undefined, vocabFile: string | undefined): TokenizerGuess | undefined {
  const file = vocabFile?.split(/[\\/]/).pop()?.toLowerCase() ?? '';
  if (/gpt2-vocab\.json$/.test(file)) return { size: 50257, what: 'GPT-2 BPE vocab', assumed: false };
  if (/20b_tokenizer\.json$/.test(file)) return { size: 50277, what: 'GPT-NeoX-20B tokenizer', assumed: false };
  switch ((type ?? '').toLowerCase()) {
    case 'gpt2bpetokenizer':
    case 'hfgpt2tokenizer':
      return { size: 50257, what: 'GPT-2 BPE', assumed: false };
    case 'hftokenizer':
      return { size: 50277, what: 'the GPT-NeoX-20B tokenizer (Pythia) assumed', assumed: true };
    case 'spmtokenizer':
      return { size: 32000, what: 'a LLaMA/Mistral SentencePiece model assumed', assumed: true };
    case 'charleveltokenizer':
      return { size: 512, what: 'NeoX character-level tokenizer', assumed: false };
    default:
      return undefined;
  }
}

/** Vocabulary: `padded_vocab_size` if written, else the tokenizer's size padded like NeoX's `_vocab_size_with_padding`. */
function applyVocab(plan: TrainingPlan, get: Get): Finding[] {
  if (hasField(plan, 'model.vocab')) return [];
  const padded = get('padded_vocab_size');
  const paddedN = padded && !isSentinel(padded) ? numberOf(padded) : undefined;
  if (padded && paddedN !== undefined && paddedN > 0) {
    setField(plan, 'model.vocab', sv(paddedN, doc(padded.dotted, padded.valueRange, padded.keyRange)));
    return [];
  }
  const typeE = get('tokenizer_type');
  const fileE = get('vocab_file');
  const type = typeE?.kind === 'scalar' && typeof typeE.value === 'string' ? typeE.value : undefined;
  const file = fileE?.kind === 'scalar' && typeof fileE.value === 'string' ? fileE.value : undefined;
  const named = typeE ?? fileE;
  const guess = tokenizerSize(type ?? (named ? undefined : 'GPT2BPETokenizer'), file);
  if (!guess) {
    return named ? [{ code: 'missing-value', severity: 'information', message: `The vocabulary size comes from the tokenizer file, which Scaling Lens does not read: add "padded_vocab_size" for an exact parameter count.`, range: named.keyRange ?? named.valueRange }] : [];
  }
  const divisible = numberOf(get('make_vocab_size_divisible_by')) ?? 128;
  const tp = plan.parallelism.tp?.value ?? 1;
  const multiple = Math.max(1, divisible * tp);
  const vocab = multiple * Math.ceil(guess.size / multiple);
  const label = `${formatNumber(guess.size)} tokens (${guess.what}) padded to a multiple of ${divisible} × TP ${tp} → ${formatNumber(vocab)}`;
  const origin: Origin = named ? doc(`${named.dotted}: ${label}`, named.valueRange, named.keyRange) : dflt('tokenizer_type', `"GPT2BPETokenizer" (NeoX default): ${label}`);
  setField(plan, 'model.vocab', sv(vocab, origin));
  if (named && !guess.assumed) return [];
  const message = named
    ? `Vocabulary assumed: ${label}. NeoX reads the real size from "vocab_file"; add "padded_vocab_size" if yours differs.`
    : `No tokenizer in this file: NeoX's default GPT2BPETokenizer is assumed (${label}). NeoX usually gets "vocab_file"/"tokenizer_type" from another config on its command line (local_setup.yml); add "padded_vocab_size" if yours differs.`;
  return [{ code: 'missing-value', severity: 'information', message, range: named ? (named.keyRange ?? named.valueRange) : FILE_START }];
}

/** A model-only or training-only file is one part of a NeoX config set: say that merging is not automatic. */
function partNotes(plan: TrainingPlan, get: Get, directiveCount: boolean): Finding[] {
  const findings: Finding[] = [];
  const epochs = get('train_epochs');
  if (epochs && !plan.training.steps) {
    findings.push({ code: 'missing-value', severity: 'information', message: '`train_epochs`: the token count depends on the dataset size, which the config does not give; set "train_iters" for token and FLOP estimates.', range: epochs.keyRange ?? epochs.valueRange });
  }
  const micro = get('train_micro_batch_size_per_gpu');
  const t = plan.training;
  const gpusKnown = plan.cluster.count || (plan.cluster.nodes && plan.cluster.gpusPerNode) || directiveCount;
  if (t.steps && !t.globalBatch && t.microBatch && !gpusKnown && micro) {
    const tp = plan.parallelism.tp?.value ?? 1;
    const pp = plan.parallelism.pp?.value ?? 1;
    findings.push({
      code: 'missing-value',
      severity: 'information',
      message: `Global batch = micro-batch ${t.microBatch.value} × accumulation ${t.gradAccum?.value ?? 1} × data-parallel size, and DP = GPUs ÷ (TP ${tp} × PP ${pp}): give the GPU count ("num_gpus" × "num_nodes", or \`# scaling-lens: count=N\`) or "train_batch_size" for tokens and FLOPs.`,
      range: micro.keyRange ?? micro.valueRange,
    });
  }
  const noModel = !plan.model.layers;
  const noLength = !plan.training.steps && !epochs;
  if (noModel || noLength) {
    findings.push({
      code: 'missing-value',
      severity: 'information',
      message: `This file has no ${noModel ? 'model dimensions ("num_layers", "hidden_size", …)' : 'training length ("train_iters")'}: NeoX merges every config given on its command line (e.g. a model file plus local_setup.yml), but Scaling Lens analyses each file alone. Add the missing keys here, or a \`# scaling-lens:\` comment, to complete the estimate.`,
      range: FILE_START,
    });
  }
  return findings;
}
