/**
 * NVIDIA NeMo configs: NeMo 1.x Hydra/OmegaConf YAML (the `examples/nlp/language_modeling/conf/*.yaml` family and
 * NeMo-Framework-Launcher stage files, which are mounted under `training`/`fine_tuning`/`peft`), the launcher's own
 * `conf/config.yaml`, and NeMo 2 dotted overrides (`trainer.strategy.tensor_model_parallel_size: 2`,
 * `model.config.num_layers: 12`, as in Megatron-LM's `gpt-nemo` functional tests).
 *
 * Defaults are NeMo's own, from `MegatronGPTModel.build_transformer_config` and `megatron_gpt_config.yaml`
 * (NVIDIA/NeMo): `activation` gelu (gated when it ends in `glu`: swiglu/fast-swiglu/geglu/reglu), `bias` True,
 * `qkv_bias` False, `normalization` layernorm (`layernorm1p` is LayerNorm with zero-centred gamma),
 * `position_embedding_type` learned_absolute, `share_embeddings_and_output_weights` True, `num_query_groups` null
 * (= heads), `kv_channels` null (= hidden ÷ heads), `make_vocab_size_divisible_by` 128 (padded to a multiple of
 * it × TP, `_vocab_size_with_padding`), `moe_router_topk` 2. `ffn_hidden_size` is the per-branch width for gated
 * MLPs (no ×2 or ×3 convention). Tokens = `trainer.max_steps` × `model.global_batch_size` × sequence length
 * ("consumed_samples = global_step * global_batch_size"); GPUs = `trainer.devices` × `trainer.num_nodes`.
 */
import type { Finding } from '../core/findings';
import { derived, dflt, emptyPlan, sv, type Activation, type Precision, type TrainingPlan } from '../core/plan';
import { findPreset } from '../core/presets';
import { formatNumber } from '../core/units';
import { applyRules, bool, hintsFrom, isSentinel, omegaConfResolver, size, str, type KeyRule } from './common';
import { atOrDefault, baseName, composeHydra, defaultsChoice, layered, originAt, padVocab, presetByDims, presetFromName, type Found, type Layered, type Source } from './nemoShared';
import { parseConfig } from './syntax/index';
import type { ParsedDocument } from './syntax/tree';
import type { AdapterContext, DialectAdapter, DialectResult } from './types';

// ───────────────────────────── value tables ─────────────────────────────

const ACTIVATIONS: Record<string, Activation> = {
  gelu: 'gelu',
  'approx-gelu': 'gelu',
  relu: 'relu',
  'squared-relu': 'squared-relu',
  silu: 'silu',
  swish: 'silu',
  swiglu: 'swiglu',
  'fast-swiglu': 'swiglu',
  geglu: 'geglu',
  'fast-geglu': 'geglu',
};

/** NeMo gates every activation whose name ends in `glu`; ReGLU has GeGLU's parameter count. */
function activationOf(v: unknown): Activation | undefined {
  const s = String(v).toLowerCase();
  return ACTIVATIONS[s] ?? (s.endsWith('glu') ? 'geglu' : undefined);
}

function normOf(v: unknown): 'rmsnorm' | 'layernorm' | undefined {
  const s = String(v).toLowerCase();
  if (s === 'rmsnorm') return 'rmsnorm';
  if (s === 'layernorm' || s === 'layernorm1p') return 'layernorm';
  return undefined;
}

const PRECISIONS: Record<string, Precision> = {
  bf16: 'bf16-mixed',
  'bf16-mixed': 'bf16-mixed',
  'bf16-true': 'bf16-true',
  '16': 'fp16-mixed',
  '16-mixed': 'fp16-mixed',
  fp16: 'fp16-mixed',
  '32': 'fp32',
  '32-true': 'fp32',
  fp32: 'fp32',
  '64': 'fp32',
};

const DISTRIBUTED_OPTIMIZERS = new Set(['distributed_fused_adam', 'mcore_distributed_optim']);

function optimizerOf(v: unknown): 'adamw' | 'sgd' | 'adafactor' | undefined {
  const s = String(v).toLowerCase();
  if (/adam/.test(s) || DISTRIBUTED_OPTIMIZERS.has(s)) return 'adamw';
  if (s === 'sgd') return 'sgd';
  if (s === 'adafactor') return 'adafactor';
  return undefined;
}

const recomputeOf = (v: unknown) => (v === 'selective' || v === 'full' ? v : undefined);

// ───────────────────────────── NeMo 1.x key table ─────────────────────────────

const ARCH_RULES: KeyRule[] = [
  { field: 'model.layers', keys: ['model.num_layers'], kind: size(1, 100_000) },
  { field: 'model.hidden', keys: ['model.hidden_size'], kind: size(1, 10_000_000) },
  { field: 'model.heads', keys: ['model.num_attention_heads'], kind: size(1, 100_000) },
  { field: 'model.kvHeads', keys: ['model.num_query_groups'], kind: size(1, 100_000) },
  { field: 'model.headDim', keys: ['model.kv_channels'], kind: size(1, 100_000) },
  { field: 'model.ffnHidden', keys: ['model.ffn_hidden_size'], kind: size(1, 1e8) },
  { field: 'model.maxPositions', keys: ['model.max_position_embeddings'], kind: size(1, 1e9) },
  { field: 'model.tiedEmbeddings', keys: ['model.share_embeddings_and_output_weights'], kind: bool },
  { field: 'model.activation', keys: ['model.activation'], kind: str, map: activationOf },
  { field: 'model.bias', keys: ['model.bias'], kind: bool },
  { field: 'model.qkvBias', keys: ['model.qkv_bias'], kind: bool },
  { field: 'model.norm', keys: ['model.normalization'], kind: str, map: normOf },
  { field: 'model.learnedPositions', keys: ['model.position_embedding_type'], kind: str, map: (v) => String(v).toLowerCase() === 'learned_absolute' },
  { field: 'model.experts', keys: ['model.num_moe_experts'], kind: size(1, 1_000_000) },
  { field: 'model.topK', keys: ['model.moe_router_topk'], kind: size(1, 1_000_000) },
  { field: 'model.expertFfnHidden', keys: ['model.moe_ffn_hidden_size'], kind: size(1, 1e8) },
];

const RUN_RULES: KeyRule[] = [
  { field: 'model.seqLen', keys: ['model.encoder_seq_length', 'model.data.seq_length', 'model.seq_length', 'model.data.train_ds.max_seq_length', 'model.max_position_embeddings'], kind: size(1, 1e9) },
  { field: 'training.steps', keys: ['trainer.max_steps'], kind: size(1, 1e12) },
  { field: 'training.globalBatch', keys: ['model.global_batch_size', 'model.data.train_ds.global_batch_size'], kind: size(1, 1e9) },
  { field: 'training.microBatch', keys: ['model.micro_batch_size', 'model.data.train_ds.micro_batch_size'], kind: size(1, 1e7) },
  { field: 'training.precision', keys: ['trainer.precision'], kind: str, map: (v) => PRECISIONS[String(v).toLowerCase()] },
  { field: 'training.optimizer', keys: ['model.optim.name'], kind: str, map: optimizerOf },
  { field: 'training.activationCheckpointing', keys: ['model.activations_checkpoint_granularity'], kind: str, map: recomputeOf },
  { field: 'cluster.nodes', keys: ['trainer.num_nodes'], kind: size(1, 10_000_000) },
  { field: 'parallelism.tp', keys: ['model.tensor_model_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.pp', keys: ['model.pipeline_model_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.vpp', keys: ['model.virtual_pipeline_model_parallel_size'], kind: size(1, 1000) },
  { field: 'parallelism.cp', keys: ['model.context_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.ep', keys: ['model.expert_model_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.sp', keys: ['model.sequence_parallel'], kind: bool },
  { field: 'parallelism.distributedOptimizer', keys: ['model.optim.name'], kind: str, map: (v) => (DISTRIBUTED_OPTIMIZERS.has(String(v).toLowerCase()) ? true : undefined) },
];

const NEMO1_RULES = [...ARCH_RULES, ...RUN_RULES];

// ───────────────────────────── NeMo 2 dotted overrides ─────────────────────────────

const OVERRIDE_RULES: KeyRule[] = [
  { field: 'model.layers', keys: ['model.config.num_layers'], kind: size(1, 100_000) },
  { field: 'model.hidden', keys: ['model.config.hidden_size'], kind: size(1, 10_000_000) },
  { field: 'model.heads', keys: ['model.config.num_attention_heads'], kind: size(1, 100_000) },
  { field: 'model.kvHeads', keys: ['model.config.num_query_groups'], kind: size(1, 100_000) },
  { field: 'model.headDim', keys: ['model.config.kv_channels'], kind: size(1, 100_000) },
  { field: 'model.ffnHidden', keys: ['model.config.ffn_hidden_size'], kind: size(1, 1e8) },
  { field: 'model.vocab', keys: ['model.config.vocab_size'], kind: size(1, 1e8) },
  { field: 'model.seqLen', keys: ['data.seq_length', 'model.config.seq_length'], kind: size(1, 1e9) },
  { field: 'model.tiedEmbeddings', keys: ['model.config.share_embeddings_and_output_weights'], kind: bool },
  { field: 'model.bias', keys: ['model.config.add_bias_linear'], kind: bool },
  { field: 'model.norm', keys: ['model.config.normalization'], kind: str, map: normOf },
  { field: 'model.activation', keys: ['model.config.gated_linear_unit'], kind: bool, map: (v) => (v ? 'swiglu' : 'gelu'), note: '(gated → counted as SwiGLU)' },
  { field: 'model.learnedPositions', keys: ['model.config.position_embedding_type'], kind: str, map: (v) => String(v).toLowerCase() === 'learned_absolute' },
  { field: 'model.experts', keys: ['model.config.num_moe_experts'], kind: size(1, 1_000_000) },
  { field: 'model.topK', keys: ['model.config.moe_router_topk'], kind: size(1, 1_000_000) },
  { field: 'model.expertFfnHidden', keys: ['model.config.moe_ffn_hidden_size'], kind: size(1, 1e8) },
  { field: 'training.steps', keys: ['trainer.max_steps'], kind: size(1, 1e12) },
  { field: 'training.globalBatch', keys: ['data.global_batch_size'], kind: size(1, 1e9) },
  { field: 'training.microBatch', keys: ['data.micro_batch_size'], kind: size(1, 1e7) },
  { field: 'training.precision', keys: ['trainer.plugins.precision'], kind: str, map: (v) => PRECISIONS[String(v).toLowerCase()] },
  { field: 'training.optimizer', keys: ['optim.config.optimizer'], kind: str, map: optimizerOf },
  { field: 'training.activationCheckpointing', keys: ['model.config.recompute_granularity'], kind: str, map: recomputeOf },
  { field: 'training.loraRank', keys: ['peft.dim'], kind: size(1, 1_000_000) },
  { field: 'cluster.nodes', keys: ['trainer.num_nodes'], kind: size(1, 10_000_000) },
  { field: 'parallelism.tp', keys: ['trainer.strategy.tensor_model_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.pp', keys: ['trainer.strategy.pipeline_model_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.vpp', keys: ['trainer.strategy.virtual_pipeline_model_parallel_size'], kind: size(1, 1000) },
  { field: 'parallelism.cp', keys: ['trainer.strategy.context_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.ep', keys: ['trainer.strategy.expert_model_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.sp', keys: ['trainer.strategy.sequence_parallel'], kind: bool },
  { field: 'parallelism.distributedOptimizer', keys: ['optim.config.use_distributed_optimizer'], kind: bool },
];

const OVERRIDE_ROOTS = /^(trainer|model|data|optim|peft|resume|log)\./;
const OVERRIDE_TELLTALES = /^(trainer\.(strategy\.|num_nodes$|devices$|max_steps$)|model\.config\.|data\.(global_batch_size|micro_batch_size|seq_length)$)/;

// ───────────────────────────── hints ─────────────────────────────

const KEY_HINTS: Record<string, string> = {
  ...hintsFrom(NEMO1_RULES),
  'training.tokens': 'trainer.max_steps',
  'model.vocab': 'model.tokenizer.type',
  'model.preset': 'run.name',
  'model.params': 'run.model_train_name',
  'cluster.count': 'trainer.num_nodes × trainer.devices',
  'cluster.gpusPerNode': 'trainer.devices',
  'training.finetune': 'model.peft.peft_scheme',
  'training.loraRank': 'model.peft.lora_tuning.adapter_dim',
};

const OVERRIDE_HINTS: Record<string, string> = {
  ...hintsFrom(OVERRIDE_RULES),
  'training.tokens': 'trainer.max_steps',
  'cluster.count': 'trainer.num_nodes × trainer.devices',
  'cluster.gpusPerNode': 'trainer.devices',
};

const HARDWARE_HINT = 'NeMo takes the GPU count from `trainer.devices` (GPUs per node) × `trainer.num_nodes`; the GPU model is not recorded in NeMo configs';

// ───────────────────────────── detection ─────────────────────────────

const MEGATRON_TELLTALES = ['model.tensor_model_parallel_size', 'model.encoder_seq_length', 'model.mcore_gpt', 'model.megatron_amp_O2', 'model.peft.peft_scheme', 'exp_manager'];
const NEMO_TELLTALES = [
  ...MEGATRON_TELLTALES,
  'model.pipeline_model_parallel_size',
  'model.ffn_hidden_size',
  'model.optim.sched.name',
  'model.micro_batch_size',
  'model.global_batch_size',
  'model.restore_from_path',
  'trainer.devices',
  'trainer.num_nodes',
  'trainer.max_steps',
];

const LAUNCHER_GROUPS = ['training', 'fine_tuning', 'peft'] as const;

function topKeys(parsed: ParsedDocument): string[] {
  const d = parsed.data;
  return d && typeof d === 'object' && !Array.isArray(d) ? Object.keys(d) : [];
}

function detectNemo1(parsed: ParsedDocument): { score: number; reason: string } | undefined {
  const top = topKeys(parsed);
  if (!top.includes('trainer') || !top.includes('model')) return undefined;
  if (parsed.entries.get('trainer')?.kind !== 'map' || parsed.entries.get('model')?.kind !== 'map') return undefined;
  const found = NEMO_TELLTALES.filter((k) => parsed.entries.has(k));
  if (found.length < 3 || !found.some((k) => MEGATRON_TELLTALES.includes(k))) return undefined;
  const shown = found.filter((k) => MEGATRON_TELLTALES.includes(k)).slice(0, 3);
  return { score: Math.min(90, 55 + 3 * found.length), reason: `top-level trainer, model with ${shown.join(', ')}` };
}

function isLauncher(parsed: ParsedDocument): boolean {
  const top = topKeys(parsed);
  if (!top.includes('stages') || !top.includes('defaults')) return false;
  if (!['launcher_scripts_path', 'cluster_type', 'base_results_dir'].some((k) => top.includes(k))) return false;
  return LAUNCHER_GROUPS.some((g) => defaultsChoice(parsed, g));
}

/** The path prefix under which NeMo 2 dotted override keys sit (`MODEL_ARGS.` or '' at the root), if any. */
function overridesPrefix(parsed: ParsedDocument): string | undefined {
  let prefix: string | undefined;
  let telltales = 0;
  for (const e of parsed.entries.values()) {
    const last = e.path[e.path.length - 1];
    if (e.kind !== 'scalar' || !last || !OVERRIDE_ROOTS.test(last)) continue;
    const p = e.path.slice(0, -1).map((s) => `${s}.`).join('');
    if (prefix === undefined) prefix = p;
    if (p === prefix && OVERRIDE_TELLTALES.test(last)) telltales++;
  }
  return telltales >= 2 ? prefix : undefined;
}

// ───────────────────────────── adapter ─────────────────────────────

export const NEMO_ADAPTER: DialectAdapter = {
  id: 'nemo',
  name: 'NeMo',
  detect(parsed) {
    const prefix = overridesPrefix(parsed);
    if (prefix !== undefined) return { score: 85, reason: `NeMo 2 dotted overrides${prefix ? ` under ${prefix.slice(0, -1)}` : ''}: trainer.strategy.*, model.config.*, data.*` };
    if (isLauncher(parsed)) {
      const g = LAUNCHER_GROUPS.map((x) => defaultsChoice(parsed, x)).find(Boolean);
      return { score: 80, reason: `NeMo-Framework-Launcher config: stages, defaults${g ? ` (${String(g.entry.path[2])}: ${g.choice})` : ''}` };
    }
    return detectNemo1(parsed);
  },
  adapt(parsed, ctx) {
    const prefix = overridesPrefix(parsed);
    if (prefix !== undefined) return adaptOverrides(parsed, ctx, prefix);
    if (isLauncher(parsed)) return adaptLauncher(parsed, ctx);
    const findings: Finding[] = [];
    const sources = composeHydra(parsed, ctx, findings, undefined, [ctx.fileName]);
    return adaptNemo1(sources, findings, ctx.fileName);
  },
};

// ───────────────────────────── NeMo 1.x ─────────────────────────────

function adaptNemo1(sources: Source[], findings: Finding[], fileName: string): DialectResult {
  const L = layered(sources);
  const plan = emptyPlan();
  for (const s of sources) {
    const r = applyRules(s.parsed, NEMO1_RULES, { resolve: L.resolve, ...(s.file ? { file: s.file } : {}) }, plan);
    findings.push(...r.findings);
  }
  const hasDims = plan.model.layers !== undefined || plan.model.hidden !== undefined;
  if (hasDims) {
    setArchDefaults(plan, L, findings);
    setVocab(plan, L);
  } else setPresetFromNames(plan, L, fileName);
  setDevices(plan, L, 'trainer.devices', findings);
  setGpuFromTpOverlap(plan, L);
  setFinetune(plan, L);
  setSharding(plan, L);
  checkTraps(plan, L, findings);
  return { plan, findings, keyHints: KEY_HINTS, hardwareHint: HARDWARE_HINT };
}

/** NeMo's defaults for architecture keys a file leaves out, and the null → derived values (GQA, head dim). */
function setArchDefaults(plan: TrainingPlan, L: Layered, findings: Finding[], key: (nemo1Key: string) => string = (k) => k): void {
  const m = plan.model;
  m.activation ??= sv<Activation>('gelu', dflt('activation', 'gelu (NeMo megatron_gpt_model default)'));
  m.bias ??= sv(true, dflt('bias', 'True (NeMo default: biases in all linear layers)'));
  m.qkvBias ??= sv(false, dflt('qkv_bias', 'False (NeMo default)'));
  m.norm ??= sv<'layernorm' | 'rmsnorm'>('layernorm', dflt('normalization', 'layernorm (NeMo default)'));
  m.tiedEmbeddings ??= sv(true, dflt('share_embeddings_and_output_weights', 'True (NeMo default)'));
  m.learnedPositions ??= sv(true, dflt('position_embedding_type', 'learned_absolute (NeMo default)'));
  const heads = m.heads?.value;
  const hidden = m.hidden?.value;
  if (heads !== undefined && m.kvHeads === undefined) m.kvHeads = atOrDefault(heads, L.get(key('model.num_query_groups')), `${key('model.num_query_groups')} (null → = heads, multi-head attention)`, 'num_query_groups', 'null (= heads)');
  if (heads !== undefined && hidden !== undefined && m.headDim === undefined) {
    if (hidden % heads === 0) m.headDim = atOrDefault(hidden / heads, L.get(key('model.kv_channels')), `${key('model.kv_channels')} (null → hidden ÷ heads)`, 'kv_channels', 'null (= hidden ÷ heads)');
    else warn(findings, L.get(key('model.num_attention_heads')), `\`${key('model.hidden_size')}\` ${hidden} is not divisible by \`${key('model.num_attention_heads')}\` ${heads}: set \`${key('model.kv_channels')}\` explicitly.`);
  }
  if (m.experts && m.experts.value > 1 && !m.topK) m.topK = sv(2, dflt('moe_router_topk', '2 (Megatron-Core default)'));
}

/** Known tokenizers (NeMo reads the size from the tokenizer, never from the config). */
function tokenizerVocab(L: Layered): { vocab: number; found: Found; label: string } | undefined {
  const type = L.get('model.tokenizer.type');
  const typeValue = L.value('model.tokenizer.type');
  if (type && typeof typeValue === 'string') {
    if (/^gpt2(bpetokenizer)?$/i.test(typeValue.trim())) return { vocab: 50257, found: type, label: `model.tokenizer.type (${typeValue}: GPT-2 BPE, 50,257)` };
    const p = findPreset(typeValue);
    if (p) return { vocab: p.dims.vocab, found: type, label: `model.tokenizer.type (${typeValue}: ${formatNumber(p.dims.vocab)} as preset ${p.id})` };
  }
  const model = L.get('model.tokenizer.model');
  const path = model?.entry.kind === 'scalar' && typeof model.entry.value === 'string' ? model.entry.value : undefined;
  const k = path ? /_(\d+)k\.model$/i.exec(path) : null;
  if (model && k) return { vocab: Number(k[1]) * 1000, found: model, label: `model.tokenizer.model (${baseName(path!)}: ${k[1]}k SentencePiece vocabulary)` };
  return undefined;
}

/** The run's model name (launcher files name it: `run.name: llama2_7b`, `run.model_train_name`). */
function namedPreset(L: Layered): { found: Found; key: string; name: string; presetId: string; vocab: number } | undefined {
  for (const key of ['run.model_train_name', 'run.name', 'name']) {
    const found = L.get(key);
    const v = L.value(key);
    if (!found || typeof v !== 'string') continue;
    const p = presetFromName(v);
    if (p) return { found, key, name: v, presetId: p.id, vocab: p.dims.vocab };
  }
  return undefined;
}

function setVocab(plan: TrainingPlan, L: Layered): void {
  const tok = tokenizerVocab(L);
  const named = tok ? undefined : namedPreset(L);
  const base = tok ?? (named ? { vocab: named.vocab, found: named.found, label: `${named.key} (${named.name} → preset ${named.presetId}, vocabulary ${formatNumber(named.vocab)})` } : undefined);
  if (!base) {
    setVocabFromDims(plan);
    return;
  }
  const divisible = L.num('model.make_vocab_size_divisible_by') ?? 128;
  const tp = plan.parallelism.tp?.value ?? 1;
  const padded = padVocab(base.vocab, divisible, tp);
  const note = padded === base.vocab ? '' : `, padded to a multiple of ${divisible} × TP ${tp} → ${formatNumber(padded)}`;
  plan.model.vocab = sv(padded, originAt(base.found, `${base.label}${note}`));
}

/** No tokenizer size and no model name: dims identical to a known model give its vocabulary. */
function setVocabFromDims(plan: TrainingPlan): void {
  const m = plan.model;
  const p = presetByDims({ layers: m.layers?.value, hidden: m.hidden?.value, heads: m.heads?.value, kvHeads: m.kvHeads?.value, ffnHidden: m.ffnHidden?.value });
  if (p) m.vocab = sv(p.dims.vocab, { kind: 'preset', preset: p.id, source: `vocabulary of ${p.displayName}, whose dims these are (the tokenizer does not say its size); ${p.source}` });
}

/** Files without dims (PEFT/SFT) name the model they start from. */
function setPresetFromNames(plan: TrainingPlan, L: Layered, fileName: string): void {
  const named = namedPreset(L);
  if (named) {
    plan.model.preset = sv(named.presetId, originAt(named.found, `${named.key} (${named.name})`));
    return;
  }
  const p = presetFromName(baseName(fileName));
  if (p && (plan.training.steps || plan.training.globalBatch)) plan.model.preset = sv(p.id, derived(`model named by the file name ${baseName(fileName)}`, ['file name']));
}

/** `trainer.devices`: GPUs per node (an int, or a list of device ids); × `trainer.num_nodes` = GPUs. */
function setDevices(plan: TrainingPlan, L: Layered, key: string, findings: Finding[]): void {
  const found = L.get(key);
  if (!found) return;
  const e = found.entry;
  let n: number | undefined;
  if (e.kind === 'seq') n = countItems(L, key) || undefined;
  else if (!isSentinel(e)) {
    n = L.num(key);
    if (n === undefined || !Number.isInteger(n) || n < 1) {
      if (!found.file && !(typeof e.value === 'string' && e.value.includes('${'))) warn(findings, found, `\`${e.dotted}\` = ${String(e.value)} is not a GPU count.`);
      n = undefined;
    }
  }
  if (n === undefined) return;
  plan.cluster.gpusPerNode = sv(n, originAt(found, e.dotted));
  const nodes = plan.cluster.nodes;
  if (nodes && nodes.origin.kind === 'document' && nodes.origin.file === found.file) {
    const total = nodes.value * n;
    plan.cluster.count = sv(total, { ...nodes.origin, key: `${nodes.origin.key} × ${e.dotted} (${formatNumber(nodes.value)} × ${formatNumber(n)})` });
  }
}

/** Items of a list-valued key (`devices: [0, 1, 2, 3]`). */
function countItems(L: Layered, key: string): number {
  let n = 0;
  while (L.get(`${key}.${n}`)) n++;
  return n;
}

/** `optional tp_overlap@model.ub_tp_comm_overlap_cfg: ub_cfg_h100_…` names the GPU the overlap was tuned for. */
function setGpuFromTpOverlap(plan: TrainingPlan, L: Layered): void {
  for (const s of L.sources) {
    for (const e of s.parsed.entries.values()) {
      if (e.path[0] !== 'defaults' || e.path.length !== 3 || !String(e.path[2]).includes('tp_overlap')) continue;
      const m = typeof e.value === 'string' ? /^ub_cfg_(a100|h100|h200|b200|gb200)/i.exec(e.value) : null;
      if (!m) continue;
      const gpu = m[1]!.toUpperCase() === 'A100' ? 'A100-80GB' : m[1]!.toUpperCase();
      plan.cluster.gpu = sv(gpu, originAt({ entry: e, ...(s.file ? { file: s.file } : {}) }, `${String(e.path[2])} (${String(e.value)}: tuned for ${gpu})`));
      return;
    }
  }
}

/** PEFT (`model.peft.peft_scheme`) or SFT (a `restore_from_path` start point with a `train_ds` dataset). */
function setFinetune(plan: TrainingPlan, L: Layered): void {
  const t = plan.training;
  const scheme = L.get('model.peft.peft_scheme');
  const s = typeof L.value('model.peft.peft_scheme') === 'string' ? String(L.value('model.peft.peft_scheme')).toLowerCase().trim() : undefined;
  if (scheme && s !== undefined) {
    if (s === 'none' || s === '') {
      t.finetune = sv('full', originAt(scheme, 'model.peft.peft_scheme (none → full-parameter SFT)'));
      return;
    }
    const method = s.includes('qlora') ? 'qlora' : 'lora';
    const family = s.includes('lora') ? '' : ` (${s}: parameter-efficient, counted like LoRA)`;
    t.finetune = sv(method, originAt(scheme, `model.peft.peft_scheme${family}`));
    const rankKey = s.includes('lora') ? 'model.peft.lora_tuning.adapter_dim' : 'model.peft.adapter_tuning.adapter_dim';
    const rank = L.get(rankKey);
    const r = L.num(rankKey);
    if (rank && r !== undefined && Number.isInteger(r) && r > 0) t.loraRank = sv(r, originAt(rank, rankKey));
    return;
  }
  const restore = L.get('model.restore_from_path');
  const hasTrainDs = L.get('model.data.train_ds') !== undefined;
  if (restore && restore.entry.kind === 'scalar' && restore.entry.value !== null && hasTrainDs) {
    t.finetune = sv('full', originAt(restore, 'model.restore_from_path (SFT from a checkpoint)'));
  }
}

/** `model.fsdp` with `fsdp_sharding_strategy` full/hybrid ≈ ZeRO-3, grad ≈ ZeRO-2. */
function setSharding(plan: TrainingPlan, L: Layered): void {
  const fsdp = L.get('model.fsdp');
  if (!fsdp || L.bool('model.fsdp') !== true) return;
  const strategy = String(L.value('model.fsdp_sharding_strategy') ?? 'full').toLowerCase();
  if (strategy === 'grad') plan.parallelism.zero = sv<2>(2, originAt(fsdp, 'model.fsdp (sharding strategy grad ≈ ZeRO-2)'));
  else plan.parallelism.fsdp = sv(true, originAt(fsdp, `model.fsdp (sharding strategy ${strategy})`));
}

// ───────────────────────────── traps ─────────────────────────────

function warn(findings: Finding[], found: Found | undefined, message: string, severity: 'warning' | 'information' = 'warning'): void {
  if (!found || found.file) return;
  findings.push({ code: 'invalid-value', severity, message, range: found.entry.valueRange });
}

function checkTraps(plan: TrainingPlan, L: Layered, findings: Finding[]): void {
  const accum = L.num('trainer.accumulate_grad_batches');
  if (accum !== undefined && accum !== 1)
    warn(findings, L.get('trainer.accumulate_grad_batches'), `NeMo Megatron models accumulate gradients themselves (global_batch_size ÷ (micro_batch_size × DP)); \`trainer.accumulate_grad_batches\` must stay 1, not ${accum}.`);
  checkSequenceParallel(plan, L.get('model.sequence_parallel'), findings);
  checkRecompute(plan, L, findings);
  const enc = L.num('model.encoder_seq_length');
  const data = L.num('model.data.seq_length');
  if (enc !== undefined && data !== undefined && enc !== data)
    warn(findings, L.get('model.data.seq_length'), `\`model.data.seq_length\` ${data} differs from \`model.encoder_seq_length\` ${enc}: samples are cut to ${data} tokens but the model is built for ${enc}; tokens use ${enc}.`);
  if (L.bool('model.fp8') === true && L.bool('model.transformer_engine') === false)
    warn(findings, L.get('model.fp8'), '`model.fp8: True` needs `model.transformer_engine: True`; without it training runs in the trainer precision.');
  else if (L.bool('model.fp8') === true) {
    const fp8 = L.get('model.fp8')!;
    plan.training.precision = sv<Precision>('fp8-mixed', originAt(fp8, 'model.fp8 (Transformer Engine FP8 GEMMs)'));
  }
  const ramp = L.get('model.rampup_batch_size');
  if (ramp && ramp.entry.kind === 'seq')
    warn(findings, ramp, '`model.rampup_batch_size` ramps the global batch up from a smaller start: the token count assumes the full global batch from step 1, so it is an upper bound.', 'information');
}

/** NeMo turns sequence parallelism off when TP = 1 (it only splits TP-replicated activations). */
function checkSequenceParallel(plan: TrainingPlan, found: Found | undefined, findings: Finding[], consequence = 'NeMo switches sequence parallelism off'): void {
  const p = plan.parallelism;
  if (!found || !p.sp?.value || (p.tp?.value ?? 1) > 1) return;
  warn(findings, found, `\`${found.entry.dotted}: ${found.entry.raw ?? 'true'}\` has no effect with tensor parallelism 1: ${consequence}.`);
  p.sp = sv(false, originAt(found, `${found.entry.dotted} (ignored with TP = 1)`));
}

function checkRecompute(plan: TrainingPlan, L: Layered, findings: Finding[]): void {
  if (plan.training.activationCheckpointing?.value !== 'full') return;
  const method = L.value('model.activations_checkpoint_method');
  const layers = L.num('model.activations_checkpoint_num_layers');
  const g = L.get('model.activations_checkpoint_granularity');
  if (method !== 'uniform' && method !== 'block') {
    warn(findings, g, '`activations_checkpoint_granularity: full` needs `activations_checkpoint_method` uniform or block (Megatron-Core rejects it otherwise).');
    return;
  }
  if (!layers) {
    warn(findings, L.get('model.activations_checkpoint_num_layers') ?? g, `Full recompute with method ${method} needs \`activations_checkpoint_num_layers\` ≥ 1; with ${layers ?? 'null'} no layer is recomputed.`);
    if (g) plan.training.activationCheckpointing = sv('none', originAt(g, 'model.activations_checkpoint_granularity (no layers to recompute)'));
  }
}

// ───────────────────────────── NeMo-Framework-Launcher conf/config.yaml ─────────────────────────────

function adaptLauncher(parsed: ParsedDocument, ctx: AdapterContext): DialectResult {
  const findings: Finding[] = [];
  const stages = stageNames(parsed);
  const run = LAUNCHER_GROUPS.find((g) => stages.includes(g) && defaultsChoice(parsed, g));
  const group = run ?? LAUNCHER_GROUPS.find((g) => defaultsChoice(parsed, g));
  const stagesEntry = parsed.entries.get('stages');
  const empty: DialectResult = { plan: emptyPlan(), findings, keyHints: KEY_HINTS, hardwareHint: HARDWARE_HINT };
  if (!group) return empty;
  const choice = defaultsChoice(parsed, group)!;
  if (!run && stagesEntry)
    findings.push({
      code: 'missing-value',
      severity: 'information',
      message: `\`stages\` runs ${stages.length ? stages.join(', ') : 'nothing'}, not ${group}; the \`${group}: ${choice.choice}\` selection is analysed as if it ran.`,
      range: stagesEntry.keyRange ?? stagesEntry.valueRange,
    });
  const rel = `${group}/${choice.choice}.yaml`;
  const read = ctx.readFile?.(rel);
  if (!read) {
    findings.push({
      code: 'missing-value',
      severity: 'information',
      message: `Stage config \`${rel}\` (from \`defaults: ${group}: ${choice.choice}\`) was not found next to this launcher config; the model, batch and GPU counts live there (launcher_scripts/conf/${rel}).`,
      range: choice.entry.valueRange,
    });
    return empty;
  }
  const child = parseConfig(read.text, 'yaml');
  const sources = composeHydra(child, ctx, [], read.path);
  const inner = adaptNemo1(sources, [], read.path);
  return { ...inner, findings };
}

function stageNames(parsed: ParsedDocument): string[] {
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const e = parsed.entries.get(`stages.${i}`);
    if (!e) return out;
    if (e.kind === 'scalar' && typeof e.value === 'string') out.push(e.value.trim());
  }
}

// ───────────────────────────── NeMo 2 overrides ─────────────────────────────

function adaptOverrides(parsed: ParsedDocument, ctx: AdapterContext, prefix: string): DialectResult {
  const rules = OVERRIDE_RULES.map((r) => ({ ...r, keys: r.keys.map((k) => prefix + k) }));
  const { plan, findings } = applyRules(parsed, rules, { resolve: omegaConfResolver(parsed) });
  const L = layered([{ parsed }]);
  const recipe = recipeFromFileName(ctx.fileName);
  const m = plan.model;
  if (recipe) {
    m.preset = sv(recipe.id, derived(`recipe named by the file name (${recipe.name})`, ['file name']));
    if (m.hidden && m.heads && !m.headDim && m.hidden.value % m.heads.value === 0) m.headDim = sv(m.hidden.value / m.heads.value, derived('hidden ÷ heads (kv_channels not overridden)', [`${prefix}model.config.hidden_size`, `${prefix}model.config.num_attention_heads`]));
  } else if (m.layers || m.hidden) setArchDefaults(plan, L, findings, (k) => prefix + k.replace(/^model\./, 'model.config.'));
  setDevices(plan, L, `${prefix}trainer.devices`, findings);
  checkSequenceParallel(plan, L.get(`${prefix}trainer.strategy.sequence_parallel`), findings, 'sequence parallelism only splits tensor-parallel activations (NeMo 1 turns it off; Megatron-Core validation may reject it)');
  if (plan.training.loraRank || [...parsed.entries.keys()].some((k) => k.startsWith(`${prefix}peft.`)))
    plan.training.finetune = sv('lora', plan.training.loraRank?.origin ?? derived('peft.* overrides', ['peft']));
  return { plan, findings, keyHints: OVERRIDE_HINTS, hardwareHint: HARDWARE_HINT };
}

/** NeMo 2 recipes are Python; a test or run directory often names one (`llama3-nemo_8b_…`, `llama3_8b`). */
function recipeFromFileName(fileName: string): { id: string; name: string } | undefined {
  const parts = fileName.split(/[/\\]/).filter(Boolean);
  for (const name of parts.slice(-2).reverse()) {
    const p = presetFromName(name);
    if (p) return { id: p.id, name };
  }
  return undefined;
}

