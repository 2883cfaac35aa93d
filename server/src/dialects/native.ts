/**
 * The native format `*.scaling.{yaml,yml,json,toml}` (DESIGN §5): four sections, any subset valid.
 * One table of key specs drives validation (with ranges), the plan mapping, completion, hover docs and the
 * generated JSON Schema (schemas/native.schema.json).
 */
import { z } from 'zod';
import type { Finding } from '../core/findings';
import { ACTIVATIONS, ADAPTER_DTYPES, FINETUNE_METHODS, FRAMEWORKS, FSDP_MODES, OPTIMIZERS, PRECISIONS, RECOMPUTE, doc, emptyPlan, sv, type Sourced, type TrainingPlan } from '../core/plan';
import { parseQuantity } from '../core/units';
import type { ParsedDocument, SourceEntry } from './syntax/tree';

export type KeySpecKind = Kind;
type Kind =
  | { type: 'size'; min: number; max: number; integer?: boolean }
  | { type: 'float'; min: number; max: number; exclusiveMin?: boolean }
  | { type: 'enum'; values: readonly string[]; aliases?: Record<string, string> }
  | { type: 'bool' }
  | { type: 'string' }
  | { type: 'zero' };

export interface KeySpec {
  /** Dotted native key, e.g. `training.global_batch`. */
  key: string;
  /** Plan field path `section.field` it sets. */
  field: string;
  kind: Kind;
  description: string;
}

const size = (min: number, max: number, integer = true): Kind => ({ type: 'size', min, max, integer });
const E = (values: readonly string[], aliases?: Record<string, string>): Kind => ({ type: 'enum', values, ...(aliases ? { aliases } : {}) });

export const NATIVE_SPECS: readonly KeySpec[] = [
  { key: 'model.preset', field: 'model.preset', kind: { type: 'string' }, description: 'A known model (e.g. llama-3-8b, mixtral-8x7b, gpt3-175b) supplying the dims below; explicit dims override it.' },
  { key: 'model.params', field: 'model.params', kind: size(1, 1e15, false), description: 'Total parameters (e.g. 8B). Enough alone for FLOPs and Chinchilla; the dims give the exact count.' },
  { key: 'model.layers', field: 'model.layers', kind: size(1, 100_000), description: 'Decoder layers.' },
  { key: 'model.hidden', field: 'model.hidden', kind: size(1, 10_000_000), description: 'Hidden size (d_model).' },
  { key: 'model.heads', field: 'model.heads', kind: size(1, 100_000), description: 'Attention (query) heads.' },
  { key: 'model.kv_heads', field: 'model.kvHeads', kind: size(1, 100_000), description: 'Key/value heads (GQA); defaults to heads.' },
  { key: 'model.head_dim', field: 'model.headDim', kind: size(1, 100_000), description: 'Per-head dimension; defaults to hidden ÷ heads.' },
  { key: 'model.ffn_hidden', field: 'model.ffnHidden', kind: size(1, 100_000_000), description: 'True MLP intermediate width (per expert for MoE).' },
  { key: 'model.vocab', field: 'model.vocab', kind: size(1, 100_000_000), description: 'Vocabulary size (padded, as in the embedding matrix).' },
  { key: 'model.seq_len', field: 'model.seqLen', kind: size(1, 100_000_000), description: 'Training sequence length (tokens per sample).' },
  { key: 'model.tied_embeddings', field: 'model.tiedEmbeddings', kind: { type: 'bool' }, description: 'Input embedding shared with the LM head.' },
  { key: 'model.activation', field: 'model.activation', kind: E(ACTIVATIONS), description: 'MLP activation: swiglu/geglu are gated (3 matrices), gelu/relu plain (2).' },
  { key: 'model.bias', field: 'model.bias', kind: { type: 'bool' }, description: 'Linear-layer biases (GPT-2/3, Pythia).' },
  { key: 'model.learned_positions', field: 'model.learnedPositions', kind: { type: 'bool' }, description: 'Learned absolute position embeddings (GPT-2/3).' },
  { key: 'model.norm', field: 'model.norm', kind: E(['rmsnorm', 'layernorm', 'nonparametric']), description: 'Normalisation layers.' },
  { key: 'model.moe.experts', field: 'model.experts', kind: size(1, 1_000_000), description: 'Routed experts per MoE layer.' },
  { key: 'model.moe.top_k', field: 'model.topK', kind: size(1, 1_000_000), description: 'Experts active per token.' },
  { key: 'model.moe.shared_experts', field: 'model.sharedExperts', kind: size(0, 1_000_000), description: 'Always-active shared experts.' },
  { key: 'model.moe.expert_ffn_hidden', field: 'model.expertFfnHidden', kind: size(1, 100_000_000), description: 'FFN width of one routed expert (defaults to ffn_hidden).' },
  { key: 'model.moe.dense_layers', field: 'model.denseLayers', kind: size(0, 100_000), description: 'Leading dense (non-MoE) layers.' },
  { key: 'training.tokens', field: 'training.tokens', kind: size(1, 1e17, false), description: 'Training tokens (e.g. 15T, 300B, 2e12).' },
  { key: 'training.steps', field: 'training.steps', kind: size(1, 1e12), description: 'Optimizer steps; tokens = steps × global_batch × seq_len.' },
  { key: 'training.global_batch', field: 'training.globalBatch', kind: size(1, 1e9), description: 'Sequences per optimizer step (all GPUs).' },
  { key: 'training.micro_batch', field: 'training.microBatch', kind: size(1, 1e7), description: 'Sequences per GPU per forward/backward.' },
  { key: 'training.grad_accum', field: 'training.gradAccum', kind: size(1, 1e7), description: 'Gradient-accumulation steps.' },
  { key: 'training.inference_tokens', field: 'training.inferenceTokens', kind: size(0, 1e20, false), description: 'Expected lifetime inference tokens (for the inference-aware optimum, Sardana et al. 2024).' },
  { key: 'training.precision', field: 'training.precision', kind: E(PRECISIONS, { bf16: 'bf16-mixed', fp16: 'fp16-mixed', fp8: 'fp8-mixed', 'bf16-pure': 'bf16-true' }), description: 'bf16-mixed = bf16 compute + fp32 master weights/optimizer; bf16-true = everything bf16 (AdamW 8 B/param).' },
  { key: 'training.optimizer', field: 'training.optimizer', kind: E(OPTIMIZERS, { adam: 'adamw', 'adam-8bit': 'adamw-8bit', adamw8bit: 'adamw-8bit' }), description: 'Optimizer (decides optimizer-state memory).' },
  { key: 'training.activation_checkpointing', field: 'training.activationCheckpointing', kind: E(RECOMPUTE, { false: 'none', true: 'full', off: 'none', on: 'full' }), description: 'Activation recompute: none, selective (attention only), full (every layer).' },
  { key: 'training.finetune.method', field: 'training.finetune', kind: E(FINETUNE_METHODS), description: 'Fine-tuning method; fine-tuning runs get no Chinchilla warning.' },
  { key: 'training.finetune.rank', field: 'training.loraRank', kind: size(1, 1_000_000), description: 'LoRA rank.' },
  { key: 'training.finetune.bits', field: 'training.finetuneBits', kind: size(2, 16), description: 'Width of the frozen base in bits: 16 (LoRA, default), 8 (LLM.int8) or 4 (QLoRA NF4, the default for qlora).' },
  {
    key: 'training.finetune.adapter_dtype',
    field: 'training.adapterDtype',
    kind: E(ADAPTER_DTYPES, { float32: 'fp32', bfloat16: 'bf16', fp16: 'bf16', float16: 'bf16' }),
    description: "LoRA adapter dtype: fp32 (peft's default; keeps an fp32 copy of each adapted layer's input) or bf16.",
  },
  {
    key: 'training.framework',
    field: 'training.framework',
    kind: E(FRAMEWORKS, {
      textbook: 'generic',
      transformers: 'hf',
      'hugging-face': 'hf',
      huggingface: 'hf',
      accelerate: 'hf',
      trl: 'hf',
      axolotl: 'hf',
      pytorch: 'hf',
      torch: 'hf',
      eager: 'hf',
      fsdp: 'fsdp2',
      torchtitan: 'fsdp2',
      'megatron-lm': 'megatron',
      'megatron-core': 'megatron',
      nemo: 'megatron',
      zero: 'deepspeed',
    }),
    description:
      'Memory profile of the training stack: generic (textbook: ZeRO paper + Korthikanti 2022; default), hf (eager PyTorch/Hugging Face, measured: autocast fp32 params, DTensor TP, FSDP2), fsdp2 (hf fully sharded), deepspeed (ZeRO over an eager bf16 model), megatron (fp32 main grads, vocab-parallel).',
  },
  { key: 'training.flash_attention', field: 'training.flashAttention', kind: { type: 'bool' }, description: 'Flash/SDPA memory-efficient attention: no s² score matrix is stored (default true).' },
  { key: 'cluster.gpu', field: 'cluster.gpu', kind: { type: 'string' }, description: 'Accelerator (H100, A100-80GB, MI300X, TPU v5p, …).' },
  { key: 'cluster.count', field: 'cluster.count', kind: size(1, 10_000_000), description: 'Total GPUs.' },
  { key: 'cluster.nodes', field: 'cluster.nodes', kind: size(1, 10_000_000), description: 'Nodes (count = nodes × gpus_per_node).' },
  { key: 'cluster.gpus_per_node', field: 'cluster.gpusPerNode', kind: size(1, 1024), description: 'GPUs per node (TP beyond it crosses nodes).' },
  { key: 'cluster.mfu', field: 'cluster.mfu', kind: { type: 'float', min: 0, max: 1, exclusiveMin: true }, description: 'Model FLOPs utilization assumed (default 0.40).' },
  { key: 'cluster.price_per_gpu_hour', field: 'cluster.pricePerGpuHour', kind: { type: 'float', min: 0, max: 10_000 }, description: 'USD per GPU-hour.' },
  { key: 'cluster.pue', field: 'cluster.pue', kind: { type: 'float', min: 1, max: 3 }, description: 'Power usage effectiveness (default 1.1).' },
  { key: 'cluster.grid_intensity', field: 'cluster.gridIntensity', kind: { type: 'float', min: 0, max: 2 }, description: 'Grid carbon intensity, t CO2/MWh (default 0.4).' },
  { key: 'parallelism.tp', field: 'parallelism.tp', kind: size(1, 100_000), description: 'Tensor parallelism.' },
  { key: 'parallelism.pp', field: 'parallelism.pp', kind: size(1, 100_000), description: 'Pipeline parallelism.' },
  { key: 'parallelism.dp', field: 'parallelism.dp', kind: size(1, 10_000_000), description: 'Data parallelism.' },
  { key: 'parallelism.cp', field: 'parallelism.cp', kind: size(1, 100_000), description: 'Context parallelism.' },
  { key: 'parallelism.ep', field: 'parallelism.ep', kind: size(1, 100_000), description: 'Expert parallelism.' },
  { key: 'parallelism.vpp', field: 'parallelism.vpp', kind: size(1, 1000), description: 'Virtual pipeline stages per rank (interleaved 1F1B).' },
  { key: 'parallelism.sp', field: 'parallelism.sp', kind: { type: 'bool' }, description: 'Sequence parallelism (with TP).' },
  { key: 'parallelism.zero', field: 'parallelism.zero', kind: { type: 'zero' }, description: 'ZeRO stage 0–3 over the data-parallel group.' },
  { key: 'parallelism.fsdp', field: 'parallelism.fsdp', kind: { type: 'bool' }, description: 'FSDP full sharding (≡ ZeRO-3).' },
  {
    key: 'parallelism.fsdp_mode',
    field: 'parallelism.fsdpMode',
    kind: E(FSDP_MODES, { full_shard: 'full', shard_grad_op: 'grad-op', grad_op: 'grad-op', hybrid_shard: 'hybrid', hsdp: 'hybrid' }),
    description: 'FSDP strategy: full (≡ ZeRO-3), grad-op (≡ ZeRO-2: gathered weights kept through backward), hybrid (full shard within a node, replicated across nodes).',
  },
  { key: 'parallelism.offload_optimizer', field: 'parallelism.offloadOptimizer', kind: { type: 'bool' }, description: 'Optimizer states and fp32 master weights in CPU memory (ZeRO-Offload / FSDP CPU offload).' },
  { key: 'parallelism.offload_params', field: 'parallelism.offloadParams', kind: { type: 'bool' }, description: 'Sharded parameters in CPU memory (ZeRO-Infinity / FSDP CPUOffloadPolicy); needs ZeRO-3/FSDP.' },
];

export const NATIVE_KEY_HINTS: Record<string, string> = Object.fromEntries(NATIVE_SPECS.map((s) => [s.field, s.key]));
export const SECTIONS = ['model', 'training', 'cluster', 'parallelism'] as const;

const SIZE_STRING = /^\s*[+-]?[\d_.,]+(?:e[+-]?\d+)?\s*[kmbtKMBT]?\s*$/;

/** The zod schema of the native format (for JSON Schema generation and editor schema association). */
export function nativeZodSchema(): z.ZodType {
  const leaf = (s: KeySpec): z.ZodType => {
    const k = s.kind;
    let t: z.ZodType;
    switch (k.type) {
      case 'size':
        t = z.union([z.number().min(k.min).max(k.max), z.string().regex(SIZE_STRING)]);
        break;
      case 'float':
        t = z.number().min(k.min).max(k.max);
        break;
      case 'enum':
        t = z.enum([...k.values, ...Object.keys(k.aliases ?? {})] as [string, ...string[]]);
        break;
      case 'bool':
        t = z.boolean();
        break;
      case 'string':
        t = z.string();
        break;
      case 'zero':
        t = z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]);
        break;
    }
    return t.describe(s.description);
  };
  type Tree = { [k: string]: Tree | KeySpec };
  const tree: Tree = {};
  for (const s of NATIVE_SPECS) {
    const parts = s.key.split('.');
    let node = tree;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Tree;
    node[parts[parts.length - 1]!] = s;
  }
  const build = (t: Tree): z.ZodType =>
    z.looseObject(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, ('kind' in v ? leaf(v as KeySpec) : build(v as Tree)).optional()])));
  return build(tree).describe('Scaling Lens native training plan (*.scaling.yaml). Any subset of keys is valid.');
}

/** Content detection: a mapping whose known top-level sections contain at least one native key. */
export function looksNative(parsed: ParsedDocument): boolean {
  const data = parsed.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return false;
  const keys = Object.keys(data);
  if (!keys.some((k) => (SECTIONS as readonly string[]).includes(k))) return false;
  return NATIVE_SPECS.some((s) => parsed.entries.has(s.key));
}

export interface AdapterResult {
  plan: TrainingPlan;
  findings: Finding[];
}

/** Validate one value against its spec; returns the typed value or a reason. */
export function coerce(kind: Kind, e: SourceEntry): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (e.kind !== 'scalar') return { ok: false, reason: `expected a single value, got a ${e.kind === 'map' ? 'mapping' : 'list'}` };
  const v = e.value;
  switch (kind.type) {
    case 'size': {
      const raw = typeof v === 'number' && e.raw && /[_]/.test(e.raw) ? e.raw : v;
      const r = parseQuantity(raw ?? e.raw);
      if (!r.ok) return r;
      if (r.value < kind.min) return { ok: false, reason: `must be at least ${kind.min}, got ${r.value}` };
      if (r.value > kind.max) return { ok: false, reason: `${r.value.toExponential(2)} is out of range (max ${kind.max.toExponential(0)})` };
      if (kind.integer && !Number.isInteger(r.value)) return { ok: false, reason: `must be a whole number, got ${r.value}` };
      return { ok: true, value: r.value };
    }
    case 'float': {
      const r = parseQuantity(v ?? e.raw);
      if (!r.ok) return r;
      if (r.value > kind.max || r.value < kind.min || (kind.exclusiveMin && r.value === kind.min))
        return { ok: false, reason: `must be ${kind.exclusiveMin ? 'greater than' : 'at least'} ${kind.min} and at most ${kind.max}, got ${r.value}` };
      return { ok: true, value: r.value };
    }
    case 'enum': {
      const s = String(v).toLowerCase().trim();
      if (kind.values.includes(s)) return { ok: true, value: s };
      const a = kind.aliases?.[s];
      if (a) return { ok: true, value: a };
      return { ok: false, reason: `expected one of ${kind.values.join(', ')}` };
    }
    case 'bool':
      if (typeof v === 'boolean') return { ok: true, value: v };
      if (typeof v === 'string' && /^(true|false|yes|no|on|off)$/i.test(v)) return { ok: true, value: /^(true|yes|on)$/i.test(v) };
      return { ok: false, reason: 'expected true or false' };
    case 'string':
      if (typeof v === 'string' && v.trim()) return { ok: true, value: v.trim() };
      if (typeof v === 'number') return { ok: true, value: String(v) };
      return { ok: false, reason: 'expected a name' };
    case 'zero': {
      const r = parseQuantity(v);
      if (r.ok && [0, 1, 2, 3].includes(r.value)) return { ok: true, value: r.value };
      if (typeof v === 'boolean') return { ok: true, value: v ? 1 : 0 };
      return { ok: false, reason: 'expected a ZeRO stage 0, 1, 2 or 3' };
    }
  }
}

/** Set `plan[section][field]` from a dotted field path. */
export function setField(plan: TrainingPlan, field: string, value: Sourced<unknown>): void {
  const [section, name] = field.split('.') as [keyof TrainingPlan, string];
  (plan[section] as Record<string, Sourced<unknown>>)[name] = value;
}

export function hasField(plan: TrainingPlan, field: string): boolean {
  const [section, name] = field.split('.') as [keyof TrainingPlan, string];
  return (plan[section] as Record<string, unknown>)[name] !== undefined;
}

/** Map a parsed native document to a plan; invalid values become `invalid-value` findings at their value. */
export function nativeAdapter(parsed: ParsedDocument): AdapterResult {
  const plan = emptyPlan();
  const findings: Finding[] = [];
  for (const spec of NATIVE_SPECS) {
    const e = parsed.entries.get(spec.key);
    if (!e) continue;
    if (e.kind === 'scalar' && (e.value === null || e.value === '')) {
      findings.push({ code: 'missing-value', severity: 'information', message: `\`${spec.key}\` has no value. ${spec.description}`, range: e.keyRange ?? e.valueRange });
      continue;
    }
    const r = coerce(spec.kind, e);
    if (!r.ok) {
      findings.push({ code: 'invalid-value', severity: 'error', message: `\`${spec.key}\`: ${r.reason}.`, range: e.valueRange });
      continue;
    }
    setField(plan, spec.field, sv(r.value, doc(spec.key, e.valueRange, e.keyRange)));
  }
  // `training.finetune: lora` shorthand (a scalar instead of a mapping)
  const ft = parsed.entries.get('training.finetune');
  if (ft && ft.kind === 'scalar' && ft.value !== null) {
    const r = coerce(E(FINETUNE_METHODS, { true: 'lora' }), ft);
    if (r.ok) setField(plan, 'training.finetune', sv(r.value, doc('training.finetune', ft.valueRange, ft.keyRange)));
    else findings.push({ code: 'invalid-value', severity: 'error', message: `\`training.finetune\`: ${r.reason}.`, range: ft.valueRange });
  }
  if (plan.training.finetune?.value === 'full') delete plan.training.loraRank;
  return { plan, findings };
}
