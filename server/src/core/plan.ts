/**
 * The canonical training plan. Every dialect adapter produces one `TrainingPlan`; every value in it is
 * `Sourced`: the value plus where it came from (a range in a document, a model preset, a documented default,
 * an override from a setting/CLI flag, the accelerator catalog, or a derivation from other sourced values).
 *
 * Pure: imports only zod.
 */
import { z } from 'zod';

/** Half-open [start, end) character offsets into one document's text. */
export const OffsetRangeSchema = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
export type OffsetRange = z.infer<typeof OffsetRangeSchema>;

export const OriginSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('document'),
    /** The key as written in the file (dotted path), e.g. `training.tokens` or `train_iters`. */
    key: z.string(),
    /** Range of the value token (what a quick fix edits). */
    range: OffsetRangeSchema,
    /** Range of the key token (what a diagnostic underlines). */
    keyRange: OffsetRangeSchema.optional(),
    /** Another file than the one analysed (multi-file merges); absent for the document itself. */
    file: z.string().optional(),
  }),
  z.object({ kind: z.literal('preset'), preset: z.string(), source: z.string() }),
  z.object({ kind: z.literal('default'), name: z.string(), doc: z.string() }),
  z.object({ kind: z.literal('override'), name: z.string() }),
  z.object({ kind: z.literal('catalog'), entry: z.string(), source: z.string() }),
  z.object({ kind: z.literal('derived'), formula: z.string(), inputs: z.array(z.string()) }),
]);
export type Origin = z.infer<typeof OriginSchema>;
export type DocumentOrigin = Extract<Origin, { kind: 'document' }>;

export interface Sourced<T> {
  value: T;
  origin: Origin;
}

export const sourced = <T extends z.ZodType>(inner: T) => z.object({ value: inner, origin: OriginSchema });

export const PRECISIONS = ['bf16-mixed', 'bf16-true', 'fp16-mixed', 'fp32', 'fp8-mixed'] as const;
export const OPTIMIZERS = ['adamw', 'adafactor', 'sgd', 'adamw-8bit'] as const;
export const RECOMPUTE = ['none', 'selective', 'full'] as const;
export const FINETUNE_METHODS = ['lora', 'qlora', 'full'] as const;
export const ACTIVATIONS = ['swiglu', 'geglu', 'gelu', 'relu', 'silu', 'squared-relu'] as const;
/**
 * Framework memory profiles (core/memory.ts): what a training stack actually keeps on the GPU.
 * generic = ZeRO-paper model states + Korthikanti 2022 activations (the textbook); megatron = Megatron-LM/NeMo
 * (fp32 main grads, vocab-parallel embeddings and logits); deepspeed = DeepSpeed ZeRO over an eager model in bf16/fp16;
 * hf = eager PyTorch / Hugging Face (autocast, DTensor TP, FSDP2 when sharded); fsdp2 = hf fully sharded with FSDP2.
 */
export const FRAMEWORKS = ['generic', 'hf', 'fsdp2', 'deepspeed', 'megatron'] as const;
export const FSDP_MODES = ['full', 'grad-op', 'hybrid'] as const;
export const ADAPTER_DTYPES = ['fp32', 'bf16'] as const;
export type Precision = (typeof PRECISIONS)[number];
export type Optimizer = (typeof OPTIMIZERS)[number];
export type Recompute = (typeof RECOMPUTE)[number];
export type FinetuneMethod = (typeof FINETUNE_METHODS)[number];
export type Activation = (typeof ACTIVATIONS)[number];
export type Framework = (typeof FRAMEWORKS)[number];
export type FsdpMode = (typeof FSDP_MODES)[number];
export type AdapterDtype = (typeof ADAPTER_DTYPES)[number];

const S = sourced;
const num = z.number();
const int = z.number();
const bool = z.boolean();

export const ModelPlanSchema = z.object({
  preset: S(z.string()).optional(),
  /** Total parameters given directly (used when dims are absent; compared when both are present). */
  params: S(num).optional(),
  layers: S(int).optional(),
  hidden: S(int).optional(),
  heads: S(int).optional(),
  kvHeads: S(int).optional(),
  headDim: S(int).optional(),
  ffnHidden: S(int).optional(),
  vocab: S(int).optional(),
  seqLen: S(int).optional(),
  tiedEmbeddings: S(bool).optional(),
  activation: S(z.enum(ACTIVATIONS)).optional(),
  /** Learned absolute position embeddings (GPT-2/3 style) add maxPositions·hidden params. */
  learnedPositions: S(bool).optional(),
  maxPositions: S(int).optional(),
  /** Biases in linear layers (GPT-2/3, Pythia). */
  bias: S(bool).optional(),
  /** Bias on the QKV projection only (Qwen2). */
  qkvBias: S(bool).optional(),
  norm: S(z.enum(['rmsnorm', 'layernorm', 'nonparametric'])).optional(),
  /** Norms per decoder layer (2 usually; Gemma-2 has 4). */
  normsPerLayer: S(int).optional(),
  experts: S(int).optional(),
  topK: S(int).optional(),
  sharedExperts: S(int).optional(),
  /** Width of one routed expert's FFN when it differs from ffnHidden. */
  expertFfnHidden: S(int).optional(),
  /** Number of leading dense (non-MoE) layers (DeepSeek style). */
  denseLayers: S(int).optional(),
});

export const TrainingPlanPartSchema = z.object({
  tokens: S(num).optional(),
  steps: S(num).optional(),
  globalBatch: S(num).optional(),
  microBatch: S(num).optional(),
  gradAccum: S(num).optional(),
  inferenceTokens: S(num).optional(),
  precision: S(z.enum(PRECISIONS)).optional(),
  optimizer: S(z.enum(OPTIMIZERS)).optional(),
  activationCheckpointing: S(z.enum(RECOMPUTE)).optional(),
  finetune: S(z.enum(FINETUNE_METHODS)).optional(),
  loraRank: S(int).optional(),
  /** Framework memory profile (see FRAMEWORKS); unset = generic. */
  framework: S(z.enum(FRAMEWORKS)).optional(),
  /** Flash/SDPA memory-efficient attention (no s² score matrix stored); unset = true. */
  flashAttention: S(bool).optional(),
  /** Width of the frozen base under LoRA/QLoRA in bits (16, 8 or 4); unset = 16 for LoRA, 4 for QLoRA. */
  finetuneBits: S(num).optional(),
  /** dtype of the LoRA adapters (peft's default keeps them in fp32); unset = fp32. */
  adapterDtype: S(z.enum(ADAPTER_DTYPES)).optional(),
});

export const ClusterPlanSchema = z.object({
  gpu: S(z.string()).optional(),
  count: S(int).optional(),
  nodes: S(int).optional(),
  gpusPerNode: S(int).optional(),
  mfu: S(num).optional(),
  pricePerGpuHour: S(num).optional(),
  pue: S(num).optional(),
  gridIntensity: S(num).optional(),
});

export const ParallelismPlanSchema = z.object({
  tp: S(int).optional(),
  pp: S(int).optional(),
  dp: S(int).optional(),
  cp: S(int).optional(),
  ep: S(int).optional(),
  vpp: S(int).optional(),
  sp: S(bool).optional(),
  zero: S(z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)])).optional(),
  fsdp: S(bool).optional(),
  distributedOptimizer: S(bool).optional(),
  /** FSDP sharding strategy: full (≡ ZeRO-3), grad-op (≡ ZeRO-2, gathered weights kept through backward), hybrid (full within a node). */
  fsdpMode: S(z.enum(FSDP_MODES)).optional(),
  /** Optimizer states (and fp32 master weights) kept in CPU memory (ZeRO-Offload / FSDP CPU offload). */
  offloadOptimizer: S(bool).optional(),
  /** Sharded parameters kept in CPU memory (ZeRO-Infinity / FSDP CPUOffloadPolicy); needs ZeRO-3/FSDP. */
  offloadParams: S(bool).optional(),
  /** Layers are placed on pipeline stages explicitly (uneven splits allowed: Megatron --pipeline-model-parallel-layout). */
  explicitLayout: S(bool).optional(),
});

export const TrainingPlanSchema = z.object({
  model: ModelPlanSchema,
  training: TrainingPlanPartSchema,
  cluster: ClusterPlanSchema,
  parallelism: ParallelismPlanSchema,
});

export type ModelPlan = z.infer<typeof ModelPlanSchema>;
export type TrainingPart = z.infer<typeof TrainingPlanPartSchema>;
export type ClusterPlan = z.infer<typeof ClusterPlanSchema>;
export type ParallelismPlan = z.infer<typeof ParallelismPlanSchema>;
export type TrainingPlan = z.infer<typeof TrainingPlanSchema>;

export function emptyPlan(): TrainingPlan {
  return { model: {}, training: {}, cluster: {}, parallelism: {} };
}

/** Fully resolved architecture dims (after presets); what params/flops/memory formulas consume. */
export interface ModelDims {
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  ffnHidden: number;
  vocab: number;
  tiedEmbeddings: boolean;
  gated: boolean;
  learnedPositions: boolean;
  maxPositions: number;
  bias: boolean;
  qkvBias: boolean;
  norm: 'rmsnorm' | 'layernorm' | 'nonparametric';
  normsPerLayer: number;
  experts: number;
  topK: number;
  sharedExperts: number;
  expertFfnHidden: number;
  denseLayers: number;
}

export const doc = (key: string, range: OffsetRange, keyRange?: OffsetRange, file?: string): Origin => ({
  kind: 'document',
  key,
  range,
  ...(keyRange ? { keyRange } : {}),
  ...(file ? { file } : {}),
});
export const dflt = (name: string, docText: string): Origin => ({ kind: 'default', name, doc: docText });
export const derived = (formula: string, inputs: string[]): Origin => ({ kind: 'derived', formula, inputs });
export const override = (name: string): Origin => ({ kind: 'override', name });
export const sv = <T>(value: T, origin: Origin): Sourced<T> => ({ value, origin });

/** A one-line human description of where a value came from. */
export function describeOrigin(o: Origin, lineOf?: (offset: number) => number): string {
  switch (o.kind) {
    case 'document': {
      const line = lineOf ? ` (line ${lineOf(o.keyRange?.start ?? o.range.start) + 1})` : '';
      return `\`${o.key}\`${line}${o.file ? ` in ${o.file}` : ''}`;
    }
    case 'preset':
      return `preset \`${o.preset}\` (${o.source})`;
    case 'default':
      return `default ${o.name}: ${o.doc}`;
    case 'override':
      return `override ${o.name}`;
    case 'catalog':
      return `catalog ${o.entry} (${o.source})`;
    case 'derived':
      return o.formula;
  }
}
