/**
 * OLMo (allenai/OLMo, `olmo/config.py` TrainConfig/ModelConfig) YAML configs, loaded by OmegaConf (`${…}` interpolation).
 *
 * Conventions taken from the framework's own source (olmo/config.py, olmo/model.py, olmo/train.py):
 * - `mlp_hidden_size` (or `mlp_ratio × d_model`, default ratio 4) is the width of the FUSED input projection; the MLP's
 *   true width is that × the activation's output multiplier: 0.5 for SwiGLU (22016 → 11008), 1 for GELU/ReLU.
 * - defaults: activation swiglu, weight_tying true, include_bias true (LayerNorm bias follows it), embedding_size 50304
 *   (the padded vocabulary that sizes the embedding; `null` → vocab_size), max_sequence_length 1024, mlp_ratio 4,
 *   global_train_batch_size 512, device_train_microbatch_size 16, max_duration 10000 steps, optimizer lionw,
 *   distributed_strategy fsdp with sharding_strategy FULL_SHARD.
 * - `layer_norm_with_affine: false` makes the block norms parameter-free; `attention_layer_norm` adds q/k norms
 *   (d_model and kv width) with their own affine switch.
 * - `max_duration`: an int is steps, `2e12T` is tokens (the T is the unit, not "trillion"), `1ep` is epochs; `stop_at`
 *   stops earlier at a step.
 * - `precision`: amp_bf16 | amp_fp16 | fp32.
 */
import type { Finding } from '../core/findings';
import { dflt, sv, type TrainingPlan } from '../core/plan';
import { formatCount, formatNumber, parseQuantity } from '../core/units';
import { applyRules, bool, countKeys, hasField, hintsFrom, isSentinel, lookup, omegaConfResolver, setField, size, type KeyRule } from './common';
import type { ParsedDocument, SourceEntry } from './syntax/tree';
import type { DialectAdapter, DialectResult } from './types';

const RULES: readonly KeyRule[] = [
  { field: 'model.layers', keys: ['model.n_layers'], kind: size(1, 100_000) },
  { field: 'model.hidden', keys: ['model.d_model'], kind: size(1, 10_000_000) },
  { field: 'model.heads', keys: ['model.n_heads'], kind: size(1, 100_000) },
  { field: 'model.kvHeads', keys: ['model.n_kv_heads'], kind: size(1, 100_000) },
  { field: 'model.vocab', keys: ['model.embedding_size', 'model.vocab_size'], kind: size(1, 100_000_000) },
  { field: 'model.seqLen', keys: ['model.max_sequence_length'], kind: size(1, 100_000_000) },
  { field: 'model.tiedEmbeddings', keys: ['model.weight_tying'], kind: bool },
  { field: 'model.bias', keys: ['model.include_bias'], kind: bool },
  { field: 'training.globalBatch', keys: ['global_train_batch_size'], kind: size(1, 1e9) },
  { field: 'training.microBatch', keys: ['device_train_microbatch_size'], kind: size(1, 1e7) },
];

/** Dataclass defaults (olmo/config.py) for values a config may leave out. */
const DEFAULTS: readonly { field: string; value: unknown; name: string; doc: string }[] = [
  { field: 'model.layers', value: 12, name: 'model.n_layers', doc: '12 (OLMo ModelConfig)' },
  { field: 'model.hidden', value: 768, name: 'model.d_model', doc: '768 (OLMo ModelConfig)' },
  { field: 'model.heads', value: 12, name: 'model.n_heads', doc: '12 (OLMo ModelConfig)' },
  { field: 'model.vocab', value: 50304, name: 'model.embedding_size', doc: '50304 (OLMo ModelConfig: padded vocabulary)' },
  { field: 'model.seqLen', value: 1024, name: 'model.max_sequence_length', doc: '1024 (OLMo ModelConfig)' },
  { field: 'model.tiedEmbeddings', value: true, name: 'model.weight_tying', doc: 'true (OLMo ModelConfig)' },
  { field: 'model.bias', value: true, name: 'model.include_bias', doc: 'true (OLMo ModelConfig)' },
  { field: 'model.activation', value: 'swiglu', name: 'model.activation_type', doc: 'swiglu (OLMo ModelConfig)' },
  { field: 'training.globalBatch', value: 512, name: 'global_train_batch_size', doc: '512 (OLMo TrainConfig)' },
  { field: 'training.microBatch', value: 16, name: 'device_train_microbatch_size', doc: '16 (OLMo TrainConfig)' },
  { field: 'training.optimizer', value: 'sgd', name: 'optimizer.name', doc: 'lionw (OLMo OptimizerConfig): one momentum state per parameter, counted like SGD with momentum' },
];

const ACTIVATIONS: Record<string, { activation: 'swiglu' | 'gelu' | 'relu'; multiplier: number }> = {
  swiglu: { activation: 'swiglu', multiplier: 0.5 },
  gelu: { activation: 'gelu', multiplier: 1 },
  relu: { activation: 'relu', multiplier: 1 },
};

interface Ctx {
  parsed: ParsedDocument;
  plan: TrainingPlan;
  findings: Finding[];
  resolve: ReturnType<typeof omegaConfResolver>;
}

/** A document value after interpolation; undefined when absent, a sentinel, or unresolvable (reported). */
function valueOf(c: Ctx, key: string): { e: SourceEntry; at: SourceEntry } | undefined {
  const at = lookup(c.parsed, key);
  if (!at || at.kind !== 'scalar') return undefined;
  let e = at;
  if (typeof at.value === 'string' && at.value.includes('${')) {
    const r = c.resolve(at);
    if (r && 'unresolved' in r) {
      c.findings.push({ code: 'missing-value', severity: 'information', message: `\`${key}\` = ${at.value}: ${r.unresolved}.`, range: at.valueRange });
      return undefined;
    }
    if (r) e = { ...r.entry, valueRange: at.valueRange, ...(at.keyRange ? { keyRange: at.keyRange } : {}) };
  }
  return isSentinel(e) ? undefined : { e, at };
}

function put(c: Ctx, field: string, value: unknown, at: SourceEntry, label = at.dotted): void {
  setField(c.plan, field, sv(value, { kind: 'document', key: label, range: at.valueRange, ...(at.keyRange ? { keyRange: at.keyRange } : {}) }));
}

function text(c: Ctx, key: string): { v: string; at: SourceEntry } | undefined {
  const r = valueOf(c, key);
  return r && typeof r.e.value === 'string' ? { v: r.e.value.trim(), at: r.at } : r && typeof r.e.value === 'boolean' ? { v: String(r.e.value), at: r.at } : undefined;
}

function flag(c: Ctx, key: string): { v: boolean; at: SourceEntry } | undefined {
  const r = valueOf(c, key);
  if (!r) return undefined;
  if (typeof r.e.value === 'boolean') return { v: r.e.value, at: r.at };
  if (typeof r.e.value === 'string' && /^(true|false)$/i.test(r.e.value)) return { v: /^true$/i.test(r.e.value), at: r.at };
  return undefined;
}

function count(c: Ctx, key: string): { v: number; at: SourceEntry } | undefined {
  const r = valueOf(c, key);
  if (!r) return undefined;
  const q = parseQuantity(typeof r.e.value === 'string' ? r.e.value : r.e.value ?? undefined);
  return q.ok ? { v: q.value, at: r.at } : undefined;
}

// ───────────────────────────── model ─────────────────────────────

function readActivation(c: Ctx): number {
  const a = text(c, 'model.activation_type');
  const known = a ? ACTIVATIONS[a.v.toLowerCase()] : undefined;
  if (a && known) put(c, 'model.activation', known.activation, a.at);
  return known?.multiplier ?? 0.5;
}

/** True MLP width = fused width (mlp_hidden_size or mlp_ratio × d_model) × the activation's output multiplier. */
function readFfn(c: Ctx, multiplier: number): void {
  const hidden = c.plan.model.hidden?.value;
  const size = count(c, 'model.mlp_hidden_size');
  const note = multiplier === 0.5 ? ' ÷ 2 (OLMo: the SwiGLU input projection is fused, 2 × the MLP width)' : '';
  if (size) {
    if (multiplier === 0.5 && size.v % 2 !== 0)
      c.findings.push({ code: 'invalid-value', severity: 'warning', message: `\`model.mlp_hidden_size\` ${size.v} is odd: OLMo's SwiGLU splits it into two halves, so the MLP width would be ${size.v / 2}.`, range: size.at.valueRange });
    return put(c, 'model.ffnHidden', size.v * multiplier, size.at, `model.mlp_hidden_size${note}`);
  }
  if (hidden === undefined) return;
  const ratio = count(c, 'model.mlp_ratio');
  const r = ratio?.v ?? 4;
  if (ratio) return put(c, 'model.ffnHidden', r * hidden * multiplier, ratio.at, `model.mlp_ratio × d_model${note}`);
  setField(c.plan, 'model.ffnHidden', sv(4 * hidden * multiplier, dflt('model.mlp_ratio', `4 (OLMo ModelConfig) × d_model${note}`)));
}

/** Block norms (parameter-free without affine) and QK norms (d_model for q, kv width for k) per layer. */
function readNorms(c: Ctx): void {
  const affine = flag(c, 'model.layer_norm_with_affine');
  const type = text(c, 'model.layer_norm_type');
  if (affine && !affine.v) put(c, 'model.norm', 'nonparametric', affine.at, 'model.layer_norm_with_affine false (parameter-free norms)');
  else if (type) put(c, 'model.norm', type.v.toLowerCase() === 'rms' ? 'rmsnorm' : 'layernorm', type.at);
  else setField(c.plan, 'model.norm', sv('layernorm', dflt('model.layer_norm_type', 'default (LayerNorm)')));
  const qk = flag(c, 'model.attention_layer_norm');
  const qkAffine = flag(c, 'model.attention_layer_norm_with_affine');
  if (!qk?.v || qkAffine?.v === false) return;
  const heads = c.plan.model.heads?.value ?? 1;
  const kv = c.plan.model.kvHeads?.value ?? heads;
  put(c, 'model.normsPerLayer', 2 + 1 + kv / heads, qk.at, `model.attention_layer_norm (q norm d_model + k norm ${kv}/${heads} × d_model, beside the 2 block norms)`);
}

function readModel(c: Ctx): void {
  const mqa = flag(c, 'model.multi_query_attention');
  if (!hasField(c.plan, 'model.kvHeads') && mqa?.v) put(c, 'model.kvHeads', 1, mqa.at, 'model.multi_query_attention (one KV head)');
  const multiplier = readActivation(c);
  readFfn(c, multiplier);
  readNorms(c);
}

// ───────────────────────────── training ─────────────────────────────

type Duration = { kind: 'steps' | 'tokens' | 'epochs'; value: number };

/** OLMo's max_duration: int = steps, "<n>T" = tokens, "<n>ep" = epochs (olmo/train.py max_steps/max_tokens/max_epochs). */
export function parseDuration(v: unknown): Duration | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? { kind: 'steps', value: Math.floor(v) } : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const m = /^(.*?)\s*(T|ep)$/.exec(s);
  const q = parseQuantity(m ? m[1] : s);
  if (!q.ok || !(q.value > 0) || /[kmbt]$/i.test((m ? m[1]! : s).trim())) return undefined;
  if (!m) return { kind: 'steps', value: Math.floor(q.value) };
  return m[2] === 'T' ? { kind: 'tokens', value: Math.floor(q.value) } : { kind: 'epochs', value: q.value };
}

function readDuration(c: Ctx): void {
  const r = valueOf(c, 'max_duration');
  if (!r) {
    if (!lookup(c.parsed, 'max_duration')) setField(c.plan, 'training.steps', sv(10000, dflt('max_duration', '10000 steps (OLMo TrainConfig)')));
    return;
  }
  const d = parseDuration(r.e.value);
  const at = r.at;
  if (!d) {
    c.findings.push({ code: 'invalid-value', severity: 'error', message: `\`max_duration\`: "${String(r.e.value)}" is not a duration OLMo reads (an int = steps, e.g. 2e12T = tokens, 1ep = epochs).`, range: at.valueRange });
    return;
  }
  if (d.kind === 'epochs') {
    c.findings.push({
      code: 'missing-value',
      severity: 'information',
      message: `\`max_duration: ${String(r.e.value)}\` trains for ${formatNumber(d.value)} epoch${d.value === 1 ? '' : 's'} of data.paths, whose token count the config does not state: give it with \`# scaling-lens: tokens=4T\`, or write max_duration in tokens (e.g. 4e12T).`,
      range: at.keyRange ?? at.valueRange,
    });
    return;
  }
  if (d.kind === 'tokens') {
    if (d.value < 1e6)
      c.findings.push({ code: 'invalid-value', severity: 'warning', message: `\`max_duration: ${String(r.e.value)}\` means ${formatNumber(d.value)} tokens: in OLMo the T suffix is the unit "tokens", not "trillion" (2 trillion tokens is 2e12T).`, range: at.valueRange });
    put(c, 'training.tokens', d.value, at, 'max_duration (tokens)');
    return;
  }
  if (d.value > 1e8)
    c.findings.push({ code: 'invalid-value', severity: 'warning', message: `\`max_duration: ${String(r.e.value)}\` is ${formatCount(d.value)} steps (a plain number is steps in OLMo); for a token budget write ${String(r.e.value).trim()}T.`, range: at.valueRange });
  put(c, 'training.steps', d.value, at, 'max_duration (steps)');
}

/** stop_at ends training at a step; it decides the length when it comes before max_duration. */
function readStopAt(c: Ctx): void {
  const stop = count(c, 'stop_at');
  if (!stop || !(stop.v > 0)) return;
  const steps = c.plan.training.steps;
  const tokens = c.plan.training.tokens;
  const perStep = (c.plan.training.globalBatch?.value ?? 0) * (c.plan.model.seqLen?.value ?? 0);
  const stepsBefore = steps ? steps.value : tokens && perStep ? tokens.value / perStep : undefined;
  if (stepsBefore !== undefined && stop.v >= stepsBefore) return;
  delete c.plan.training.tokens;
  put(c, 'training.steps', stop.v, stop.at, 'stop_at (ends training before max_duration)');
}

function readRecipe(c: Ctx): void {
  const p = text(c, 'precision');
  const precision: Record<string, string> = { amp_bf16: 'bf16-mixed', amp_fp16: 'fp16-mixed', fp32: 'fp32' };
  if (p && precision[p.v]) put(c, 'training.precision', precision[p.v], p.at);
  else if (p) c.findings.push({ code: 'invalid-value', severity: 'error', message: `\`precision\`: OLMo accepts amp_bf16, amp_fp16 or fp32, not "${p.v}".`, range: p.at.valueRange });
  const opt = text(c, 'optimizer.name');
  if (opt?.v === 'adamw' || opt?.v === 'adam') put(c, 'training.optimizer', 'adamw', opt.at);
  else if (opt?.v === 'lionw') put(c, 'training.optimizer', 'sgd', opt.at, 'optimizer.name lionw (one momentum state, counted like SGD with momentum)');
  const ac = text(c, 'activation_checkpointing');
  if (ac && ac.v !== 'false') put(c, 'training.activationCheckpointing', ac.v === 'whole_layer' || ac.v === 'true' ? 'full' : 'selective', ac.at);
  readSharding(c);
  readContinuation(c);
}

const SHARDING: Record<string, 0 | 2 | 3> = { FULL_SHARD: 3, HYBRID_SHARD: 3, SHARD_GRAD_OP: 2, _HYBRID_SHARD_ZERO2: 2, NO_SHARD: 0 };

function readSharding(c: Ctx): void {
  const strategy = text(c, 'distributed_strategy');
  if (strategy && strategy.v !== 'fsdp') {
    put(c, 'parallelism.zero', 0, strategy.at, `distributed_strategy ${strategy.v} (parameters replicated)`);
    return;
  }
  const s = text(c, 'fsdp.sharding_strategy');
  const stage = s ? SHARDING[s.v.toUpperCase()] : undefined;
  if (s && stage !== undefined) {
    put(c, 'parallelism.zero', stage, s.at, `fsdp.sharding_strategy ${s.v}${s.v.toUpperCase().startsWith('HYBRID') ? ' (sharded within a node, replicated across nodes)' : ''}`);
    put(c, 'parallelism.fsdp', stage === 3, s.at);
    return;
  }
  setField(c.plan, 'parallelism.fsdp', sv(true, dflt('fsdp.sharding_strategy', 'FULL_SHARD with distributed_strategy fsdp (OLMo TrainConfig) ≡ ZeRO-3')));
}

/** A checkpoint loaded into a new data stage (restore_dataloader: false or reset_optimizer_state) continues a trained model. */
function readContinuation(c: Ctx): void {
  const load = text(c, 'load_path');
  if (!load || !load.v) return;
  const restore = flag(c, 'restore_dataloader');
  const reset = flag(c, 'reset_optimizer_state');
  if (restore?.v === false || reset?.v === true)
    put(c, 'training.finetune', 'full', load.at, `load_path with ${restore?.v === false ? 'restore_dataloader: false' : 'reset_optimizer_state: true'} (a new training stage from a trained checkpoint)`);
}

function applyDefaults(plan: TrainingPlan): void {
  for (const d of DEFAULTS) if (!hasField(plan, d.field)) setField(plan, d.field, sv(d.value, dflt(d.name, d.doc)));
}

// ───────────────────────────── fixes and adapter ─────────────────────────────

function sci(v: number): string {
  const [m, e] = v.toExponential(3).split('e');
  return `${(m ?? '').replace(/\.?0+$/, '')}e${Number(e)}`;
}

const ZERO_STRATEGY: Record<number, string> = { 0: 'NO_SHARD', 1: 'SHARD_GRAD_OP', 2: 'SHARD_GRAD_OP', 3: 'FULL_SHARD' };

/** OLMo's token style: `2e12T` stays `<sci>T`; steps stay integers; recompute and sharding use OLMo's names. */
export function renderOlmoValue(field: string, value: number | string | boolean, oldToken: string): string | undefined {
  const quote = /^["']/.test(oldToken) ? oldToken[0]! : '';
  const wrap = (s: string) => `${quote}${s}${quote}`;
  if (field === 'training.tokens' && typeof value === 'number') return wrap(`${sci(value)}T`);
  if (field === 'training.steps' && typeof value === 'number') return wrap(/_/.test(oldToken) ? Math.round(value).toLocaleString('en-US').replace(/,/g, '_') : String(Math.round(value)));
  if (field === 'training.activationCheckpointing') return wrap(value === 'full' ? 'whole_layer' : value === 'selective' ? 'fine_grained' : 'null');
  if (field === 'parallelism.zero' && typeof value === 'number') return wrap(ZERO_STRATEGY[value] ?? 'FULL_SHARD');
  return undefined;
}

const KEY_HINTS: Record<string, string> = {
  ...hintsFrom(RULES),
  'model.ffnHidden': 'model.mlp_hidden_size',
  'model.params': 'model.d_model',
  'model.preset': 'model.d_model',
  'training.tokens': 'max_duration',
  'training.steps': 'max_duration',
  'training.precision': 'precision',
  'training.activationCheckpointing': 'activation_checkpointing',
  'parallelism.zero': 'fsdp.sharding_strategy',
};

const HARDWARE_HINT = 'which OLMo takes from the launcher (torchrun/srun world size; global_train_batch_size is split over it)';

function adapt(parsed: ParsedDocument): DialectResult {
  const resolve = omegaConfResolver(parsed);
  const { plan, findings } = applyRules(parsed, RULES, { resolve });
  const c: Ctx = { parsed, plan, findings, resolve };
  readModel(c);
  readDuration(c);
  readRecipe(c);
  applyDefaults(plan);
  readStopAt(c);
  return { plan, findings, keyHints: KEY_HINTS, hardwareHint: HARDWARE_HINT };
}

const MODEL_KEYS = ['model.d_model', 'model.n_layers', 'model.n_heads', 'model.mlp_ratio', 'model.mlp_hidden_size', 'model.block_type', 'model.embedding_size', 'model.weight_tying'];
const TRAIN_KEYS = ['max_duration', 'global_train_batch_size', 'device_train_microbatch_size'];

export const OLMO_ADAPTER: DialectAdapter = {
  id: 'olmo',
  name: 'OLMo',
  detect(parsed) {
    if (!lookup(parsed, 'model.d_model')) return undefined;
    // MosaicML llm-foundry shares Composer's names (max_duration, global_train_batch_size) but names its model class.
    if (lookup(parsed, 'model.name') || lookup(parsed, 'model.expansion_ratio') || lookup(parsed, 'fsdp_config')) return undefined;
    const m = countKeys(parsed, MODEL_KEYS);
    const t = countKeys(parsed, TRAIN_KEYS);
    if (m.n < 3 && t.n === 0) return undefined;
    const score = t.n > 0 ? Math.min(90, 70 + 5 * t.n) : 55;
    return { score, reason: [...m.found.slice(0, 3), ...t.found].join(', ') };
  },
  adapt(parsed) {
    return adapt(parsed);
  },
  renderValue: renderOlmoValue,
};
