/**
 * Hugging Face nanotron YAML (`examples/config_tiny_llama.yaml` and friends): `model.model_config` holds HF-style
 * dims, `tokens.*` the batch and duration, `parallelism.*` the layout, which is also the GPU count.
 *
 * Defaults are nanotron's own dataclasses (`src/nanotron/config/models_config.py`): LlamaConfig / Qwen2Config
 * `hidden_act` silu (the MLP is always gated: gate_up_proj + down_proj), `tie_word_embeddings` False,
 * `num_key_value_heads` None (= heads), `attention_bias` False (bias on the QKV projection only), `vocab_size` 32000,
 * RMSNorm, rotary positions, head dim = hidden ÷ heads; MoEConfig `num_experts` 8, `top_k` 2, `layers` [-1] (all),
 * `enable_shared_expert` False (one shared expert of `intermediate_size`). The vocabulary is padded to a multiple of
 * `make_vocab_size_divisible_by` × TP. Global batch = `micro_batch_size` × `batch_accumulation_per_replica` × `dp`;
 * tokens = `train_steps` × global batch × `sequence_length`; GPUs = `dp` × `tp` × `pp` × `context_parallel_size`.
 */
import type { Finding } from '../core/findings';
import { derived, dflt, sv, type Activation, type Precision, type TrainingPlan } from '../core/plan';
import { formatNumber } from '../core/units';
import { applyRules, bool, hintsFrom, size, str, type KeyRule } from './common';
import { atOrDefault, layered, originAt, padVocab, type Found, type Layered } from './nemoShared';
import type { DialectAdapter, DialectResult } from './types';

const MC = 'model.model_config';

function activationOf(v: unknown): Activation | undefined {
  const s = String(v).toLowerCase();
  if (s === 'silu' || s === 'swish') return 'swiglu';
  if (s.startsWith('gelu')) return 'geglu';
  return undefined;
}

function optimizerOf(v: unknown): 'adamw' | 'sgd' | undefined {
  const s = String(v).toLowerCase();
  if (s.startsWith('adam')) return 'adamw';
  if (s === 'sgd') return 'sgd';
  return undefined;
}

const RULES: KeyRule[] = [
  { field: 'model.layers', keys: [`${MC}.num_hidden_layers`], kind: size(1, 100_000) },
  { field: 'model.hidden', keys: [`${MC}.hidden_size`], kind: size(1, 10_000_000) },
  { field: 'model.heads', keys: [`${MC}.num_attention_heads`], kind: size(1, 100_000) },
  { field: 'model.kvHeads', keys: [`${MC}.num_key_value_heads`], kind: size(1, 100_000) },
  { field: 'model.ffnHidden', keys: [`${MC}.intermediate_size`], kind: size(1, 1e8) },
  { field: 'model.maxPositions', keys: [`${MC}.max_position_embeddings`], kind: size(1, 1e9) },
  { field: 'model.tiedEmbeddings', keys: [`${MC}.tie_word_embeddings`], kind: bool },
  { field: 'model.activation', keys: [`${MC}.hidden_act`], kind: str, map: activationOf, note: '(gated MLP)' },
  { field: 'model.qkvBias', keys: [`${MC}.attention_bias`], kind: bool },
  { field: 'model.experts', keys: [`${MC}.moe_config.num_experts`, `${MC}.moe_num_experts`], kind: size(1, 1_000_000) },
  { field: 'model.topK', keys: [`${MC}.moe_config.top_k`, `${MC}.num_experts_per_tok`], kind: size(1, 1_000_000) },
  { field: 'model.seqLen', keys: ['tokens.sequence_length'], kind: size(1, 1e9) },
  { field: 'training.steps', keys: ['tokens.train_steps'], kind: size(1, 1e12) },
  { field: 'training.microBatch', keys: ['tokens.micro_batch_size'], kind: size(1, 1e7) },
  { field: 'training.gradAccum', keys: ['tokens.batch_accumulation_per_replica'], kind: size(1, 1e7) },
  { field: 'training.optimizer', keys: ['optimizer.optimizer_factory.name'], kind: str, map: optimizerOf },
  { field: 'training.activationCheckpointing', keys: ['parallelism.recompute_layer'], kind: bool, map: (v) => (v ? 'full' : 'none') },
  { field: 'parallelism.dp', keys: ['parallelism.dp'], kind: size(1, 10_000_000) },
  { field: 'parallelism.tp', keys: ['parallelism.tp'], kind: size(1, 100_000) },
  { field: 'parallelism.pp', keys: ['parallelism.pp'], kind: size(1, 100_000) },
  { field: 'parallelism.cp', keys: ['parallelism.context_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.ep', keys: ['parallelism.expert_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.sp', keys: ['parallelism.tp_mode'], kind: str, map: (v) => String(v).toUpperCase() === 'REDUCE_SCATTER', note: '(REDUCE_SCATTER = sequence parallel)' },
  { field: 'parallelism.zero', keys: ['optimizer.zero_stage'], kind: { type: 'zero' } },
];

const KEY_HINTS: Record<string, string> = {
  ...hintsFrom(RULES),
  'model.vocab': `${MC}.vocab_size`,
  'training.tokens': 'tokens.train_steps',
  'training.globalBatch': 'tokens.micro_batch_size × tokens.batch_accumulation_per_replica × parallelism.dp',
  'cluster.count': 'parallelism.dp × parallelism.tp × parallelism.pp',
  'model.preset': `${MC}`,
  'model.params': `${MC}`,
};

const HARDWARE_HINT = 'nanotron runs on parallelism.dp × tp × pp (× context_parallel_size) GPUs; the GPU model is not recorded in nanotron configs';

const TELLTALES = ['tokens.sequence_length', 'tokens.train_steps', 'tokens.micro_batch_size', 'tokens.batch_accumulation_per_replica', 'parallelism.dp', 'parallelism.tp_mode', MC, 'checkpoints.checkpoints_path', 'general.project', 'optimizer.learning_rate_scheduler'];

export const NANOTRON_ADAPTER: DialectAdapter = {
  id: 'nanotron',
  name: 'nanotron',
  detect(parsed) {
    const found = TELLTALES.filter((k) => parsed.entries.has(k));
    const hasTokens = parsed.entries.has('tokens.sequence_length') || parsed.entries.has('tokens.train_steps');
    if (!hasTokens || !parsed.entries.has('parallelism.dp') || found.length < 3) return undefined;
    return { score: Math.min(90, 60 + 3 * found.length), reason: found.slice(0, 4).join(', ') };
  },
  adapt(parsed) {
    const L = layered([{ parsed }]);
    const { plan, findings } = applyRules(parsed, RULES);
    if (parsed.entries.get(MC)?.kind === 'map') setModelDefaults(plan, L);
    setVocab(plan, L);
    setMoe(plan, L);
    setPrecision(plan, L);
    checkSchedule(plan, L, findings);
    checkPositions(plan, L, findings);
    return { plan, findings, keyHints: KEY_HINTS, hardwareHint: HARDWARE_HINT } satisfies DialectResult;
  },
};

/** nanotron's dataclass defaults for dims a `model_config` leaves out (LlamaConfig / Qwen2Config). */
function setModelDefaults(plan: TrainingPlan, L: Layered): void {
  const m = plan.model;
  const src = 'nanotron LlamaConfig/Qwen2Config default';
  m.layers ??= sv(32, dflt('num_hidden_layers', `32 (${src})`));
  m.hidden ??= sv(4096, dflt('hidden_size', `4096 (${src})`));
  m.heads ??= sv(32, dflt('num_attention_heads', `32 (${src})`));
  m.ffnHidden ??= sv(11008, dflt('intermediate_size', `11008 (${src})`));
  m.kvHeads ??= atOrDefault(m.heads.value, L.get(`${MC}.num_key_value_heads`), `${MC}.num_key_value_heads (null → = heads)`, 'num_key_value_heads', 'None (= heads)');
  if (m.hidden.value % m.heads.value === 0) m.headDim = sv(m.hidden.value / m.heads.value, derived('hidden ÷ heads (nanotron head_dim)', [`${MC}.hidden_size`, `${MC}.num_attention_heads`]));
  m.activation ??= sv<Activation>('swiglu', dflt('hidden_act', `silu, gated MLP (${src})`));
  m.tiedEmbeddings ??= sv(false, dflt('tie_word_embeddings', `False (${src})`));
  m.qkvBias ??= sv(false, dflt('attention_bias', `False (${src})`));
  m.bias = sv(false, dflt('bias', 'no biases in MLP and output projections (nanotron Llama/Qwen2)'));
  m.norm = sv<'rmsnorm'>('rmsnorm', dflt('norm', 'RMSNorm (nanotron Llama/Qwen2)'));
  m.learnedPositions = sv(false, dflt('positions', 'rotary (nanotron Llama/Qwen2)'));
}

function setVocab(plan: TrainingPlan, L: Layered): void {
  const found = L.get(`${MC}.vocab_size`);
  const v = L.num(`${MC}.vocab_size`);
  const inModel = L.get(MC)?.entry.kind === 'map';
  if ((v === undefined || !Number.isInteger(v) || v < 1) && !inModel) return;
  const vocab = v !== undefined && Number.isInteger(v) && v >= 1 ? v : 32000;
  const divisible = L.num('model.make_vocab_size_divisible_by') ?? 1;
  const tp = plan.parallelism.tp?.value ?? 1;
  const padded = padVocab(vocab, divisible, tp);
  const note = padded === vocab ? '' : ` (padded to a multiple of ${divisible} × TP ${tp} → ${formatNumber(padded)})`;
  plan.model.vocab = found && v !== undefined ? sv(padded, originAt(found, `${MC}.vocab_size${note}`)) : sv(padded, dflt('vocab_size', `32000 (nanotron default)${note}`));
}

/** `moe_config.enable_shared_expert` adds one always-on MLP; `moe_config.layers` lists the MoE layers. */
function setMoe(plan: TrainingPlan, L: Layered): void {
  const m = plan.model;
  if (!m.experts) return;
  m.topK ??= sv(2, dflt('top_k', '2 (nanotron MoEConfig default)'));
  const shared = L.get(`${MC}.moe_config.enable_shared_expert`);
  if (shared) m.sharedExperts = sv(L.bool(`${MC}.moe_config.enable_shared_expert`) ? 1 : 0, originAt(shared, `${MC}.moe_config.enable_shared_expert`));
  const layers = moeLayers(L);
  if (layers && m.layers && layers.count < m.layers.value) m.denseLayers = sv(m.layers.value - layers.count, originAt(layers.found, `${MC}.moe_config.layers (${layers.count} MoE layers)`));
}

function moeLayers(L: Layered): { count: number; found: Found } | undefined {
  const key = `${MC}.moe_config.layers`;
  const found = L.get(key);
  if (!found || found.entry.kind !== 'seq') return undefined;
  let count = 0;
  while (L.get(`${key}.${count}`)) count++;
  if (count === 1 && L.num(`${key}.0`) === -1) return undefined;
  return { count, found };
}

/** `model.dtype` bfloat16 with `accumulate_grad_in_fp32` keeps fp32 master weights and grads (mixed precision). */
function setPrecision(plan: TrainingPlan, L: Layered): void {
  const dtype = L.get('model.dtype');
  const v = String(L.value('model.dtype') ?? '').toLowerCase();
  if (!dtype || !v) return;
  const fp32Accum = L.bool('optimizer.accumulate_grad_in_fp32') ?? false;
  let p: Precision | undefined;
  if (v === 'float32' || v === 'fp32') p = 'fp32';
  else if (v === 'bfloat16' || v === 'bf16') p = fp32Accum ? 'bf16-mixed' : 'bf16-true';
  else if (v === 'float16' || v === 'fp16') p = 'fp16-mixed';
  if (p) plan.training.precision = sv(p, originAt(dtype, `model.dtype (${v}${p === 'bf16-true' ? ', accumulate_grad_in_fp32 false' : ''})`));
}

function warn(findings: Finding[], found: Found | undefined, message: string, severity: 'warning' | 'information' = 'warning'): void {
  if (found) findings.push({ code: 'invalid-value', severity, message, range: found.entry.valueRange });
}

/** The LR schedule runs warmup + decay steps (from lr_decay_starting_step); past that the LR stays at min_decay_lr. */
function checkSchedule(plan: TrainingPlan, L: Layered, findings: Finding[]): void {
  const s = 'optimizer.learning_rate_scheduler';
  const steps = plan.training.steps?.value;
  const decay = L.num(`${s}.lr_decay_steps`);
  if (steps === undefined || decay === undefined) return;
  const warmup = L.num(`${s}.lr_warmup_steps`) ?? 0;
  const start = L.num(`${s}.lr_decay_starting_step`) ?? warmup;
  const end = start + decay;
  const found = L.get(`${s}.lr_decay_steps`);
  if (end < 0.9 * steps)
    warn(findings, found, `The learning rate reaches min_decay_lr at step ${formatNumber(end)} and stays there for the remaining ${formatNumber(steps - end)} of ${formatNumber(steps)} \`tokens.train_steps\` (${Math.round((100 * (steps - end)) / steps)}%).`);
  else if (end > steps)
    warn(findings, found, `The decay ends at step ${formatNumber(end)}, after the last of ${formatNumber(steps)} \`tokens.train_steps\`: the learning rate never reaches min_decay_lr.`, 'information');
}

/** Rotary tables are built for max_position_embeddings; longer training sequences go past them. */
function checkPositions(plan: TrainingPlan, L: Layered, findings: Finding[]): void {
  const seq = plan.model.seqLen?.value;
  const max = plan.model.maxPositions?.value;
  if (seq !== undefined && max !== undefined && seq > max)
    warn(findings, L.get('tokens.sequence_length'), `\`tokens.sequence_length\` ${formatNumber(seq)} is longer than \`${MC}.max_position_embeddings\` ${formatNumber(max)} the rotary embedding is sized for.`, 'information');
}

