/**
 * Memory per GPU (DESIGN §4 "Memory per GPU"; issue #5 "Hardware fit you can trust").
 *
 * What is estimated: the memory `nvidia-smi` would show for one rank of the worst pipeline stage at the peak of a
 * training step = the caching allocator's reserved peak + the CUDA context. That is the quantity measured in
 * shared/gpu (peak_reserved + nonallocator_used_bytes) and the one that decides an OOM; `usableMemoryGiB` is what the
 * driver lets a process have (79.18 GiB of an "80 GB" H100).
 *
 * The allocated peak is the largest of the step's phases (shared/gpu/README.md: "gradients do not exist during the
 * forward pass with zero_grad(set_to_none=True): the peak is the larger of the optimizer step and the forward/backward
 * activation peak, not their sum"):
 *   forward   weights + optimizer states (+ grads where the framework keeps them) + compute copies + saved
 *             activations + the loss's forward buffers (bf16 logits, fp32 upcast, fp32 log-softmax: 10·V B/token)
 *   backward  the same at the start of backward with the loss's backward buffers (fp32 log-softmax kept from the
 *             forward + the nll and log-softmax gradients: 12·V B/token; the bf16 logits and the upcast are freed)
 *   late bwd  weights + states + all gradients + the last layer's working set (+ FSDP reduce-scatter buffers)
 *   optimizer weights + gradients + optimizer states
 * then reserved = allocated × (1 + ALLOCATOR_RESERVE) (+ FSDP2's stream-cached gradient blocks), + CUDA context.
 *
 * Framework profiles (plan `training.framework`, default `generic`) decide what each term is:
 *   generic   the textbook: ZeRO-paper model states (Rajbhandari et al. 2020: bf16-mixed AdamW 2 + 2 + 12 B/param),
 *             Korthikanti et al. 2022 activations (flash: no 5·a·s/h term), vocab-parallel embeddings and logits
 *             under TP, gradients resident in every phase (a sum, as in the papers).
 *   megatron  Megatron-LM / NeMo: as generic, but gradients accumulate in fp32 main-grad buffers (Megatron-LM
 *             docs/distrib_optimizer.md: bf16 params + fp32 grads = 18 B/param, distributed optimizer 6 + 12/d).
 *   deepspeed DeepSpeed ZeRO over an eager Hugging Face model cast to bf16/fp16 (no autocast): ZeRO-paper states,
 *             the eager pure-half activation table below, gradients resident.
 *   hf        eager PyTorch / Hugging Face, measured in shared/gpu: bf16-mixed = fp32 params under autocast
 *             (4 + 4 + 8 B/param + a bf16 copy of every matmul weight during forward/backward), bf16-true = pure
 *             bf16 (2 + 2 + 4: PyTorch AdamW keeps states in the parameter dtype); the eager activation table; TP is
 *             PyTorch DTensor (embeddings, lm_head and norms replicated, full logits on every rank); ZeRO-3 / FSDP is
 *             FSDP2 (fully_shard, MixedPrecisionPolicy(bf16, reduce fp32)); grads freed by zero_grad(set_to_none).
 *   fsdp2     hf, fully sharded over the data-parallel group when no sharding is configured.
 */
import { countParams } from './params';
import type { AdapterDtype, FinetuneMethod, Framework, FsdpMode, ModelDims, Optimizer, Precision, Recompute } from './plan';
import { GiB } from './units';

export interface MemoryInputs {
  totalParams: number;
  /** Parameters of routed experts (divided by EP); 0 for dense. */
  expertParams: number;
  /** Embedding + LM head parameters (replicated or vocab-parallel under TP; kept 16-bit under QLoRA). */
  embeddingParams: number;
  dims?: ModelDims | undefined;
  seqLen?: number | undefined;
  microBatch: number;
  precision: Precision;
  optimizer: Optimizer;
  recompute: Recompute;
  tp: number;
  pp: number;
  dp: number;
  cp: number;
  ep: number;
  vpp: number;
  sp: boolean;
  /** Effective sharding stage over the DP group: 0 none, 1 optimizer, 2 + grads, 3 + weights. */
  zero: 0 | 1 | 2 | 3;
  finetune?: FinetuneMethod | undefined;
  loraRank: number;
  /** Framework profile; default `generic` (see the file comment). */
  framework?: Framework | undefined;
  /** FSDP strategy when sharding with FSDP (hybrid: full shard within `shardGroup` ranks). */
  fsdpMode?: FsdpMode | undefined;
  /** Ranks one shard group spans; default DP × CP (hybrid sharding: the ranks of one node). */
  shardGroup?: number | undefined;
  offloadOptimizer?: boolean | undefined;
  offloadParams?: boolean | undefined;
  /** Flash/SDPA attention (no s² term); default true. */
  flashAttention?: boolean | undefined;
  /** Frozen base width under LoRA/QLoRA in bits; default 16 (LoRA) / 4 (QLoRA). */
  baseBits?: number | undefined;
  /** LoRA adapter dtype; default fp32 (peft's default, autocast_adapter_dtype=True). */
  adapterDtype?: AdapterDtype | undefined;
  /** Micro-batches per optimizer step (gradient accumulation): bounds the micro-batches 1F1B keeps in flight. */
  microBatchesPerStep?: number | undefined;
}

export interface MemoryTerm {
  name: string;
  gib: number;
  formula: string;
}

export interface MemoryPhase {
  name: 'forward' | 'backward' | 'late backward' | 'optimizer step';
  /** Allocated bytes at this phase's peak, GiB. */
  gib: number;
}

export interface MemoryEstimate {
  /** Model states per rank (weights / gradients / optimizer states incl. fp32 master), independent of the phase. */
  weightsGiB: number;
  gradsGiB: number;
  optimizerGiB: number;
  /** Saved activations + loss buffers at the forward/backward peak; null when dims or sequence length are unknown. */
  activationsGiB: number | null;
  logitsGiB: number | null;
  /** Peak allocated (torch.cuda.max_memory_allocated), GiB; null when activations are unknown. */
  allocatedGiB: number | null;
  /** Reserved above the allocated peak (caching allocator), GiB. */
  allocatorGiB: number;
  /** CUDA context, cuBLAS/cuDNN handles and kernels outside the allocator, GiB. */
  contextGiB: number;
  /** What nvidia-smi shows at the peak: reserved peak + CUDA context, GiB; null when activations are unknown. */
  perGpuGiB: number | null;
  /** The terms present at the peak phase, then the allocator reserve and the CUDA context; they add up to perGpuGiB. */
  terms: MemoryTerm[];
  /** Phase that sets the peak, and every phase's allocated total (for explanations). */
  peakPhase: MemoryPhase['name'] | null;
  phases: MemoryPhase[];
  bytesPerParam: { weights: number; grads: number; optimizer: number };
  adapterParams: number;
  profile: { id: Framework; name: string; note: string };
}

// ---------------------------------------------------------------------------------------------------------------
// Constants, each with its source.

/**
 * Caching-allocator reserve above the allocated peak. shared/gpu/README.md: "The caching allocator reserves 4–18%
 * above the allocated peak"; over the 20 unsharded and TP runs in shared/gpu/results-h100{,-lora,-tp}.jsonl the
 * steady-state peak_reserved/peak_alloc − 1 averages 7.4% (3.4–19%). One global constant, not fitted per case.
 */
export const ALLOCATOR_RESERVE = 0.08;
/** CUDA context, cuBLAS/cuDNN handles, kernels: shared/gpu nonallocator_used_bytes "0.73–0.75 GiB in every case". */
export const CUDA_CONTEXT_GIB = 0.75;
/**
 * Share of the nominal capacity the driver gives a process: torch.cuda.mem_get_info total = 79.18 GiB on an
 * "80 GB" H100 (shared/gpu/README.md, Software and hardware) = 0.98975.
 */
export const ADDRESSABLE_FRACTION = 79.18 / 80;
/**
 * cuBLAS/cuBLASLt workspaces allocated through the caching allocator: mem_after_step1_zero_grad_alloc − weights −
 * optimizer_state_bytes = 64.16 MiB in the 1.1B runs of shared/gpu/results-h100.jsonl.
 */
export const WORKSPACE_BYTES = 64 * 2 ** 20;
/**
 * Loss buffers per token, bytes per vocabulary entry (shared/gpu/README.md: "transformers shifts them and computes the
 * cross-entropy on fp32-upcast logits"): forward peak = bf16 logits 2 + fp32 upcast 4 + fp32 log-softmax 4 = 10;
 * start of backward = log-softmax kept 4 + nll gradient 4 + log-softmax gradient 4 = 12 (the bf16 logits and the upcast
 * are freed by then; the README's "≈14·V" counts them too). Every measured peak matches 12·V at the start of backward.
 */
export const LOSS_FWD_BYTES_PER_VOCAB = 10;
export const LOSS_BWD_BYTES_PER_VOCAB = 12;
/** FSDP2 prefetch: "about two layer-sized bf16 buffers in flight (the gathered weights and the flat all-gather output)" (shared/gpu/README.md). */
export const FSDP_LAYERS_IN_FLIGHT = 2;
/**
 * QLoRA base width: NF4 4 bits + double-quantised constants 8/64 + 32/(64·256) = 0.127 bits per parameter
 * (Dettmers et al. 2023, §3 "Double Quantization") → 0.5159 B/param. LLM.int8 (8-bit): 1 B + one fp32 scale per row (≈0).
 */
export const NF4_BYTES_PER_PARAM = (4 + 8 / 64 + 32 / (64 * 256)) / 8;

export const PROFILES: Record<Framework, { name: string; note: string }> = {
  generic: { name: 'generic (textbook)', note: 'ZeRO-paper model states + Korthikanti 2022 activations (flash), vocab-parallel logits, gradients resident' },
  megatron: { name: 'Megatron-LM / NeMo', note: 'fp32 main grads, distributed optimizer 6 + 12/d B/param, Korthikanti 2022 activations, vocab-parallel logits' },
  deepspeed: { name: 'DeepSpeed ZeRO', note: 'ZeRO-paper model states over an eager model in bf16/fp16 (measured eager activations), gradients resident' },
  hf: { name: 'eager PyTorch / Hugging Face', note: 'measured on an H100 (shared/gpu): autocast fp32 params, eager activations, DTensor TP, FSDP2, grads freed between steps' },
  fsdp2: { name: 'PyTorch FSDP2 (eager model)', note: 'fully_shard over the data-parallel group, bf16 compute, fp32 sharded master (shared/gpu FSDP runs)' },
};

/** What the driver lets a process allocate on a card of this nominal capacity (GiB): 79.18 of 80. */
export function usableMemoryGiB(capacityGiB: number): number {
  return capacityGiB * ADDRESSABLE_FRACTION;
}

/** One-line description of `usableMemoryGiB` for explanations. */
export function describeUsable(capacityGiB: number): string {
  return `${(usableMemoryGiB(capacityGiB)).toFixed(2)} GiB = ${capacityGiB} GiB × 79.18/80 (what the driver gives a process; measured on an H100); the estimate includes the ${CUDA_CONTEXT_GIB} GiB CUDA context`;
}

const isMixed = (p: Precision): boolean => p === 'bf16-mixed' || p === 'fp16-mixed' || p === 'fp8-mixed';
const isTorch = (f: Framework): boolean => f === 'hf' || f === 'fsdp2';

/**
 * Bytes per trained parameter: weights, gradients, optimizer (fp32 master copy where the framework keeps one + states).
 * AdamW has 2 states, SGD-momentum 1, Adafactor ≈ 0 (factored second moment, no first moment by default:
 * Shazeer & Stern 2018), 8-bit Adam 1 byte per state (Dettmers et al. 2022, bitsandbytes).
 */
export function stateBytes(precision: Precision, optimizer: Optimizer, framework: Framework = 'generic'): { weights: number; grads: number; optimizer: number } {
  const states = optimizer === 'adamw' || optimizer === 'adamw-8bit' ? 2 : optimizer === 'sgd' ? 1 : 0;
  if (isTorch(framework)) {
    // The parameter itself is the master copy: fp32 under autocast, bf16 when pure bf16; states in the param dtype.
    const w = precision === 'bf16-true' ? 2 : 4;
    const width = optimizer === 'adamw-8bit' ? 1 : w;
    return { weights: w, grads: w, optimizer: states * width };
  }
  const mixed = isMixed(precision);
  // fp8 (Transformer Engine): bf16 weights + an fp8 copy cached for the forward and backward GEMMs (+1 B).
  const weights = precision === 'fp32' ? 4 : precision === 'fp8-mixed' ? 3 : 2;
  const width = optimizer === 'adamw-8bit' ? 1 : precision === 'bf16-true' ? 2 : 4;
  const master = mixed ? 4 : 0;
  if (framework === 'megatron') {
    // docs/distrib_optimizer.md: fp16 params + fp16 grads 20 B (fp32 grad copy in the optimizer); bf16 + fp32 grads 18; fp32 16.
    if (precision === 'fp16-mixed') return { weights, grads: 2, optimizer: master + 4 + states * width };
    return { weights, grads: precision === 'bf16-true' ? 2 : 4, optimizer: master + states * width };
  }
  return { weights, grads: precision === 'fp32' ? 4 : 2, optimizer: master + states * width };
}

/** LoRA adapter parameters on every linear layer of every decoder layer (q, k, v, o, gate, up, down). */
export function loraParams(d: ModelDims, rank: number): number {
  const q = d.heads * d.headDim;
  const kv = d.kvHeads * d.headDim;
  const attn = rank * (d.hidden + q) + 2 * rank * (d.hidden + kv) + rank * (q + d.hidden);
  const f = d.ffnHidden;
  const mlp = d.gated ? 2 * rank * (d.hidden + f) + rank * (f + d.hidden) : rank * (d.hidden + f) + rank * (f + d.hidden);
  return d.layers * (attn + mlp);
}

/** Which saved-tensor table applies (see `layerActivationBytes`). */
export type ActivationTable = 'textbook' | 'autocast' | 'half' | 'lora-fp32' | 'lora-half';

export interface LayerShape {
  h: number;
  /** Query width a·d, key/value width k·d. */
  q: number;
  kv: number;
  heads: number;
  /** Effective MLP width per token (MoE: top-k experts + shared experts). */
  ffn: number;
  gated: boolean;
  /** LoRA rank (adapted linears: 7 when gated, 6 otherwise). */
  rank: number;
}

/**
 * Saved activations of one decoder layer, bytes per token (of the rank's micro-batch), no recompute.
 *
 * textbook — Korthikanti et al. 2022 §4.1, generalised to GQA and gated MLPs: layer norms 4h; attention 11·h for MHA
 *   (QKV input 2h, Q 2q, K and V 2k each, output-projection input 2q, dropout mask h) + 5·a·s (scores, softmax,
 *   dropout; dropped with flash attention); MLP 19·h for 4h GeLU (input 2h, two f-wide tensors 2f each, dropout mask h),
 *   gated: four f-wide tensors. MHA + 4h GeLU gives the paper's 34·h + 5·a·s. Under TP the LN inputs, the QKV and MLP
 *   inputs and the dropout masks (10·h) stay replicated, the rest is ÷t (paper: s·b·h·(10 + 24/t)); SP divides all by t.
 * autocast — eager HF under torch.autocast with fp32 params (shared/gpu mode a): the residual stream and the norm
 *   outputs stay fp32 (2 × (4h input + 4h normalised) = 16h), q/k/v and gate/up each save their own bf16 cast of their
 *   input (10h), q and k are roped in fp32 then cast for SDPA (2q + 2k), v 2k, SDPA output 2q and its fp32 log-sum-exp
 *   4a, SwiGLU keeps four f-wide bf16 tensors (8f; plain MLP 4f), 8 B of norm statistics: 30h + 4k + 8f for MHA.
 *   Under DTensor TP everything but the attention/MLP internals is replicated (26h); with DTensor SP the norms and
 *   residuals are sequence-sharded (16h ÷ t) but each input linear still saves its own all-gathered cast (10h).
 * half — eager HF in pure bf16 (mode b, FSDP2 bf16 compute, DeepSpeed bf16): RMSNorm saves its fp32 upcast (4h) and
 *   the bf16 normalised input (2h) twice (12h), q/k/v and gate/up share one saved input each (4h; DTensor SP: 10h),
 *   then as autocast: 20h + 4k + 8f for MHA (measured 87,176 B/token for the 1.1B = exactly this).
 * lora-* — frozen bf16 base + peft adapters on all linears: frozen norms keep only their fp32 upcast (8h), the frozen
 *   linears save nothing, each adapter's lora_A saves its input — fp32 adapters a fp32 copy per adapted linear
 *   (5 × 4h + 4q + 4f), bf16 adapters the shared bf16 input (4h; o and down reuse SDPA's output and the SwiGLU product),
 *   plus the rank-wide lora_A outputs (7·r·(4|2)) (shared/gpu/README.md, LoRA: "every adapted layer still keeps the input").
 */
export function layerActivationBytes(table: ActivationTable, x: LayerShape, t: number, sp: boolean, flash: boolean, seqPerRank: number): number {
  const { h, q, kv, heads: a, ffn: f, gated } = x;
  const rep = (n: number) => (sp ? n / t : n); // replicated under TP without SP
  const sh = (n: number) => n / t; // sharded by TP
  const mlp = gated ? 8 * f : 4 * f;
  const lse = 4 * a;
  const scores = flash ? 0 : 5 * a * seqPerRank; // Korthikanti's 5·a·s/h·(s·b·h) per token
  switch (table) {
    case 'textbook': {
      const attnInner = 2 * q + 4 * kv + 2 * q; // Q, K, V, output-projection input
      const mlpInner = gated ? 8 * f : 4 * f;
      return rep(4 * h + 2 * h + h + 2 * h + h) + sh(attnInner + mlpInner + scores);
    }
    case 'autocast':
      return rep(16 * h + 8) + 10 * h + sh(2 * q + 4 * kv + 2 * q + mlp + lse + scores);
    case 'half':
      return rep(12 * h + 8) + (sp ? 10 * h : 4 * h) + sh(2 * q + 4 * kv + 2 * q + mlp + lse + scores);
    case 'lora-fp32': {
      const adapted = gated ? 7 : 6;
      // fp32 copies: q, k, v, gate, up (h wide; full sequence even under SP) + o (q wide) and down (f wide) inputs.
      const inputs = (gated ? 5 : 4) * 4 * h + sh(4 * q + 4 * f);
      const swiglu = gated ? 6 * f : 2 * f; // gate, act(gate), up (the product is replaced by its fp32 copy)
      return rep(8 * h + 8) + inputs + sh(2 * q + 4 * kv + 2 * q + swiglu + lse + scores) + adapted * x.rank * 4;
    }
    case 'lora-half': {
      const adapted = gated ? 7 : 6;
      return rep(8 * h + 8) + (sp ? 10 * h : 4 * h) + sh(2 * q + 4 * kv + 2 * q + mlp + lse + scores) + adapted * x.rank * 2;
    }
  }
}

/** Bytes per token a fully recomputed (checkpointed) layer keeps: its input (fp32 residual under autocast). */
export function checkpointBytes(table: ActivationTable, h: number, t: number, sp: boolean): number {
  const w = table === 'autocast' ? 4 : 2;
  return (w * h) / (sp ? t : 1);
}

/**
 * Bytes per token after the last layer until the loss: final norm + LM-head input. autocast: fp32 input and normalised
 * output 8h + the head's bf16 cast 2h; half: fp32 upcast 4h + bf16 normalised 2h + head input 2h; LoRA (frozen norm and
 * head): the fp32 upcast 4h; textbook: norm input + head input 2h + 2h.
 */
function headBytes(table: ActivationTable, h: number): number {
  return table === 'autocast' ? 10 * h : table === 'half' ? 8 * h : 4 * h;
}

interface Part {
  name: string;
  bytes: number;
  formula: string;
}

const gib = (b: number) => b / GiB;

function fmtP(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${Math.round(n)}`;
}

export function estimateMemory(m: MemoryInputs): MemoryEstimate {
  const fw: Framework = m.framework ?? 'generic';
  const torch = isTorch(fw);
  const d = m.dims;
  const t = Math.max(1, m.tp);
  const p = Math.max(1, m.pp);
  const shardN = Math.max(1, m.shardGroup ?? m.dp * m.cp);
  const lora = m.finetune === 'lora' || m.finetune === 'qlora';
  const mixed = isMixed(m.precision);
  // Flash/SDPA attention stores no s² scores; selective recompute (Korthikanti 2022 §5) recomputes exactly them.
  const flash = (m.flashAttention ?? true) || m.recompute === 'selective';
  // Under FSDP2 the eager model computes in bf16 (MixedPrecisionPolicy(param_dtype=bf16)): pure-bf16 activations.
  const fsdp2 = torch && m.zero >= 2 && !lora;
  const vocabParallel = fw === 'generic' || fw === 'megatron';
  const persistentGrads = !torch;
  const bpp = stateBytes(m.precision, m.optimizer, fw);

  // ---- parameters per rank (before data-parallel sharding), split by role ----
  let inputEmb: number;
  let head: number;
  let layerParams: number; // all decoder layers, incl. routed experts
  let layerNorms = 0;
  let finalNorm = 0;
  if (d) {
    const bd = countParams(d);
    const normSize = d.norm === 'nonparametric' ? 0 : d.norm === 'layernorm' && d.bias ? 2 * d.hidden : d.hidden;
    inputEmb = d.vocab * d.hidden + (d.learnedPositions ? d.maxPositions * d.hidden : 0);
    head = d.tiedEmbeddings ? 0 : d.vocab * d.hidden;
    finalNorm = normSize;
    layerNorms = bd.normsTotal - normSize;
    layerParams = m.totalParams - inputEmb - head - finalNorm;
  } else {
    inputEmb = m.embeddingParams / 2;
    head = m.embeddingParams / 2;
    layerParams = m.totalParams - m.embeddingParams;
  }
  const experts = Math.min(m.expertParams, layerParams);
  const denseLayer = layerParams - experts - layerNorms;
  // Per TP rank: linears ÷ t, routed experts ÷ (t·ep), norms replicated; embeddings ÷ t only when vocab-parallel.
  const embDiv = vocabParallel ? t : 1;
  const expertsLocal = experts / (t * Math.max(1, m.ep));
  const layersLocal = denseLayer / t + expertsLocal + layerNorms;
  const linearLocal = denseLayer / t + expertsLocal;
  // Pipeline stages: the first holds the input embedding, the last the LM head (a copy of the tied embedding when p > 1).
  const headLocal = (d?.tiedEmbeddings && p > 1 ? inputEmb : head) / embDiv + finalNorm;
  const stages: { name: 'first' | 'last' | 'only'; params: number; layers: number; linear: number; emb: number; head: number }[] =
    p === 1
      ? [{ name: 'only', params: layersLocal + inputEmb / embDiv + headLocal, layers: layersLocal, linear: linearLocal, emb: inputEmb / embDiv, head: headLocal }]
      : [
          { name: 'first', params: layersLocal / p + inputEmb / embDiv, layers: layersLocal / p, linear: linearLocal / p, emb: inputEmb / embDiv, head: 0 },
          { name: 'last', params: layersLocal / p + headLocal, layers: layersLocal / p, linear: linearLocal / p, emb: 0, head: headLocal },
        ];

  // ---- activation shape ----
  const seqRank = m.seqLen !== undefined ? m.seqLen / Math.max(1, m.cp) : undefined;
  const tokens = seqRank !== undefined ? seqRank * m.microBatch : undefined;
  const eager = torch || fw === 'deepspeed';
  const fp32Adapters = m.adapterDtype !== 'bf16';
  let table: ActivationTable;
  if (!eager) table = 'textbook';
  else if (lora) table = fp32Adapters ? 'lora-fp32' : 'lora-half';
  else if (fw === 'deepspeed' || fsdp2 || !mixed) table = 'half';
  else table = 'autocast';
  const fp32Scale = m.precision === 'fp32' && table !== 'textbook' ? 2 : 1; // every tensor 4 B instead of 2

  let perLayer = 0; // bytes/token, no recompute
  if (d && seqRank !== undefined) {
    const baseShape: LayerShape = { h: d.hidden, q: d.heads * d.headDim, kv: d.kvHeads * d.headDim, heads: d.heads, ffn: d.ffnHidden, gated: d.gated, rank: m.loraRank };
    const moe = d.experts > 1 && d.topK > 0;
    const moeLayers = moe ? Math.max(0, d.layers - d.denseLayers) : 0;
    const dense = layerActivationBytes(table, baseShape, t, m.sp, flash, seqRank);
    if (moeLayers > 0) {
      // A MoE layer's MLP activations for the top-k routed experts + shared experts (capacity factor 1).
      const ffn = Math.min(d.topK, d.experts) * d.expertFfnHidden + d.sharedExperts * d.ffnHidden;
      const moeLayer = layerActivationBytes(table, { ...baseShape, ffn }, t, m.sp, flash, seqRank);
      perLayer = (dense * (d.layers - moeLayers) + moeLayer * moeLayers) / d.layers;
    } else perLayer = dense;
    // LoRA on the textbook profile: the adapters' rank-wide outputs, and with fp32 adapters an fp32 copy of each
    // adapted linear's input (shared/gpu/README.md, LoRA).
    if (lora && table === 'textbook') {
      const adapted = d.gated ? 7 : 6;
      perLayer += adapted * m.loraRank * (fp32Adapters ? 4 : 2);
      if (fp32Adapters) perLayer += (d.gated ? 5 : 4) * 4 * d.hidden + (4 * baseShape.q + 4 * d.ffnHidden) / t;
    }
    perLayer *= fp32Scale;
  }
  const ckpt = m.recompute === 'full';
  const storedPerLayer = d ? (ckpt ? checkpointBytes(table, d.hidden, t, m.sp) * fp32Scale : perLayer) : 0;
  const m1f1b = Math.min(p, Math.max(1, m.microBatchesPerStep ?? p));
  const interleave = m.vpp > 1 && p > 1 ? 1 + (p - 1) / (p * m.vpp) : 1;
  const vocabLocal = d ? d.vocab / (vocabParallel ? t : 1) : 0;

  // ---- model states per rank (sharded over DP per ZeRO / FSDP) ----
  const zero = m.zero;
  const hybrid = m.fsdpMode === 'hybrid';
  const shard = (stage: number) => (zero >= stage ? shardN : 1);
  // Routed experts are replicated over DP ÷ EP ranks only (Megatron's expert-data-parallel group), so ZeRO shards them
  // over that smaller group.
  const shardExp = (stage: number) => (zero >= stage ? Math.max(1, shardN / Math.max(1, m.ep)) : 1);
  // FSDP grad-op (ZeRO-2 in PyTorch) still shards the parameters at rest; DeepSpeed ZeRO-2 keeps full 16-bit weights.
  const weightStage = torch && zero === 2 ? 2 : 3;
  const sharded = (params: number, bytes: number, stage: number, expertShare: number): number =>
    (params * (1 - expertShare) * bytes) / shard(stage) + (params * expertShare * bytes) / shardExp(stage);
  const adapterTotal = lora && d ? loraParams(d, m.loraRank) : 0;
  const adapterBytes = m.adapterDtype === 'bf16' ? 2 : 4;
  const baseBits = m.baseBits ?? (m.finetune === 'qlora' ? 4 : 16);
  const baseBytes = baseBits >= 16 ? 2 : baseBits === 4 ? NF4_BYTES_PER_PARAM : baseBits / 8;
  const adamStates = m.optimizer === 'adamw' || m.optimizer === 'adamw-8bit' ? 2 : m.optimizer === 'sgd' ? 1 : 0;
  const stateWidth = m.optimizer === 'adamw-8bit' ? 1 : adapterBytes;

  interface StageStates {
    weights: number;
    grads: number;
    optimizer: number;
    frozen: number;
    adapters: number;
    weightsFormula: string;
  }
  const statesOf = (st: (typeof stages)[number]): StageStates => {
    if (lora) {
      const share = st.layers / Math.max(1, layersLocal);
      const adapters = (adapterTotal / t) * share;
      const quantised = (st.linear * baseBytes + (st.layers - st.linear) * 2) / shard(3);
      const frozen = quantised + ((st.emb + st.head) * 2) / shard(3);
      return {
        weights: frozen + (adapters * adapterBytes) / shard(3),
        grads: (adapters * adapterBytes) / shard(2),
        optimizer: m.offloadOptimizer ? 0 : (adapters * adamStates * stateWidth) / shard(1),
        frozen,
        adapters,
        weightsFormula: `frozen base ${baseBits >= 16 ? '2 B' : baseBits === 4 ? `${NF4_BYTES_PER_PARAM.toFixed(4)} B (NF4 + double-quantised constants)` : `${baseBits / 8} B`}/param × ${fmtP(st.linear)} linear params + 2 B × ${fmtP(st.params - st.linear)} embeddings/norms + ${adapterBytes} B × ${fmtP(adapters)} adapter params (rank ${m.loraRank})`,
      };
    }
    const ex = st.params > 0 ? Math.min(1, expertsLocal / p / st.params) : 0;
    const w = m.offloadParams && zero >= 3 ? 0 : sharded(st.params, bpp.weights, weightStage, ex);
    return {
      weights: w,
      grads: sharded(st.params, bpp.grads, 2, ex),
      optimizer: m.offloadOptimizer ? 0 : sharded(st.params, bpp.optimizer, 1, ex),
      frozen: 0,
      adapters: 0,
      weightsFormula: `${bpp.weights} B/param × ${fmtP(st.params)} params/rank${zero >= weightStage && shardN > 1 ? ` ÷ ${hybrid ? 'node shard group' : 'DP'} ${shardN}` : ''}${m.offloadParams && zero >= 3 ? ' (offloaded to CPU)' : ''}`,
    };
  };

  const shardNote = (stage: number) => (zero >= stage && shardN > 1 ? ` ÷ ${hybrid ? 'shard group' : 'DP'} ${shardN}` : '');
  const first = stages[0]!;
  const s0 = statesOf(first);
  const bytesPerParam = lora
    ? { weights: adapterBytes, grads: adapterBytes, optimizer: adamStates * stateWidth }
    : bpp;

  // ---- phases, per stage ----
  interface StageResult {
    phases: { name: MemoryPhase['name']; parts: Part[] }[];
    act: number;
    loss: number;
    fwdWorking: number;
    grads: number;
  }
  const stageResult = (st: (typeof stages)[number]): StageResult | undefined => {
    const ss = statesOf(st);
    if (!d || tokens === undefined) return undefined;
    const T = tokens;
    const layerCount = d.layers / p;
    const inflight = st.name === 'last' ? 1 : m1f1b * interleave;
    const act = storedPerLayer * T * layerCount * inflight;
    const hasLoss = st.name !== 'first';
    const headAct = hasLoss ? headBytes(table, d.hidden) * T * fp32Scale : 0;
    const lossF = hasLoss ? LOSS_FWD_BYTES_PER_VOCAB * vocabLocal * T : 0;
    const lossB = hasLoss ? LOSS_BWD_BYTES_PER_VOCAB * vocabLocal * T : 0;
    const working = perLayer * T; // one layer's activations (recomputed, or the last one in backward)
    const layerOne = st.layers / Math.max(1, layerCount); // params of one layer on this rank
    const weightsPart: Part = { name: lora ? 'frozen base + adapters' : 'weights', bytes: ss.weights, formula: ss.weightsFormula };
    const optPart: Part = {
      name: 'optimizer states',
      bytes: ss.optimizer,
      formula: m.offloadOptimizer ? 'offloaded to CPU' : `${bytesPerParam.optimizer} B/param (${m.optimizer}${lora ? ', adapters' : `, ${m.precision}`}${bpp.optimizer > 2 * 4 && !lora && !torch ? ', incl. fp32 master' : ''})${shardNote(1)}`,
    };
    const gradPart = (present: boolean): Part => ({
      name: 'gradients',
      bytes: present ? ss.grads : 0,
      formula: present
        ? `${bytesPerParam.grads} B/param${lora ? ' (adapters only)' : ''}${shardNote(2)}`
        : 'not resident at this peak (freed by zero_grad(set_to_none=True), re-created in backward)',
    });
    const ws: Part = { name: 'cuBLAS workspaces', bytes: WORKSPACE_BYTES, formula: '64 MiB (measured, shared/gpu)' };
    const actName = ckpt ? 'activations (checkpointed layer inputs)' : 'activations';
    const actFormula = `${fmtBpt(storedPerLayer)} B/token/layer × ${fmtInt(T)} tokens × ${layerCount} layers${inflight > 1 ? ` × ${formatFactor(inflight)} micro-batches in flight (1F1B${interleave > 1 ? ', interleaved' : ''})` : ''} (${tableName(table, ckpt)})`;
    const actPart: Part = { name: actName, bytes: act, formula: actFormula };
    const lossPart = (bwd: boolean): Part => ({
      name: 'logits + loss',
      bytes: (bwd ? lossB : lossF) + headAct,
      formula: `${bwd ? '12' : '10'}·V B/token${vocabParallel && t > 1 ? ' ÷ TP (vocab-parallel)' : ''} (${bwd ? 'fp32 log-softmax + its gradient + the nll gradient, start of backward' : 'bf16 logits + fp32 upcast + fp32 log-softmax'}) + final norm and LM-head input`,
    });

    // Compute copies alive during forward/backward.
    const fwdCopies: Part[] = [];
    const bwdCopies: Part[] = [];
    const lateCopies: Part[] = [];
    const castParams = st.linear + (st.head > finalNorm ? st.head - finalNorm : 0) + (d.tiedEmbeddings && hasLoss && p === 1 ? st.emb : 0);
    if (torch && !lora && table === 'autocast') {
      const all = 2 * castParams;
      fwdCopies.push({ name: 'autocast bf16 weight copies', bytes: all, formula: `2 B × ${fmtP(castParams)} matmul params (autocast keeps a bf16 copy of every weight)` });
      const kept = ckpt ? 2 * (st.head > finalNorm ? st.head - finalNorm : 0) : all;
      bwdCopies.push({ name: 'autocast bf16 weight copies', bytes: kept, formula: ckpt ? '2 B × LM head (saved for backward; checkpointed layers re-cast on recompute)' : `2 B × ${fmtP(castParams)} matmul params (saved for backward)` });
      if (ckpt) lateCopies.push({ name: 'autocast bf16 weight copies', bytes: 2 * layerOne, formula: "2 B × one layer's params (recompute)" });
    }
    if (zero >= 3 || fsdp2) {
      const grow = zero === 2 && torch; // FSDP grad-op keeps every gathered layer until backward
      const gathered = grow ? 2 * st.layers : FSDP_LAYERS_IN_FLIGHT * 2 * layerOne;
      const gatheredF: Part = {
        name: 'gathered weights',
        bytes: gathered + (torch ? 2 * (st.emb + st.head) : 0),
        formula: `${grow ? "2 B × every layer's params (reshard_after_forward=False)" : `${FSDP_LAYERS_IN_FLIGHT} layers × 2 B × ${fmtP(layerOne)} params in flight`}${torch ? ' + bf16 embeddings and LM head kept gathered by the root' : ''}`,
      };
      fwdCopies.push(gatheredF);
      bwdCopies.push(gatheredF);
      const rs = torch ? (mixed ? 4 : 2) : 0;
      lateCopies.push({
        name: 'gathered weights + gradient buffers',
        bytes: gatheredF.bytes + (2 + rs) * layerOne,
        formula: `gathered layers + one layer's unsharded bf16 gradients (2 B)${rs ? ` + ${rs === 4 ? 'fp32' : 'bf16'} reduce-scatter input (${rs} B)` : ''}`,
      });
    }
    if (m.finetune === 'qlora' || baseBits < 16) {
      // bitsandbytes dequantises one linear at a time to bf16 for the matmul.
      const widest = 2 * d.hidden * Math.max(d.ffnHidden, d.hidden) / t;
      const dq: Part = { name: 'dequantised weight in flight', bytes: widest, formula: '2 B × the widest linear (bitsandbytes dequantises per matmul)' };
      fwdCopies.push(dq);
      bwdCopies.push(dq);
    }

    const gradsAlways = persistentGrads;
    const base: Part[] = [weightsPart, gradPart(gradsAlways), optPart, ws];
    const fwdLayerExtra = (ckpt ? working : 0);
    const forwardParts: Part[] = [...base, ...fwdCopies, actPart];
    const lossFwdPart = lossPart(false);
    const layerFwdPart: Part = { name: "one layer's working activations", bytes: fwdLayerExtra, formula: `${fmtBpt(perLayer)} B/token × ${fmtInt(T)} tokens (recomputed layer)` };
    // The forward peak is either inside the last layer (ckpt: its full activations) or at the loss.
    forwardParts.push(lossFwdPart.bytes >= fwdLayerExtra ? lossFwdPart : layerFwdPart);
    const backwardParts: Part[] = [...base, ...bwdCopies, actPart, lossPart(true)];
    const lateParts: Part[] = [
      weightsPart,
      gradPart(true),
      optPart,
      ws,
      ...lateCopies,
      ...(gradsAlways && ckpt ? [actPart] : []),
      { name: "one layer's working activations", bytes: working, formula: `${fmtBpt(perLayer)} B/token × ${fmtInt(T)} tokens (the layer in backward)` },
    ];
    const stepParts: Part[] = [weightsPart, gradPart(true), optPart, ws];
    const sum = (ps: Part[]) => ps.reduce((a, b) => a + b.bytes, 0);
    const staticBytes = sum(base);
    return {
      phases: [
        { name: 'forward', parts: forwardParts },
        { name: 'backward', parts: backwardParts },
        { name: 'late backward', parts: lateParts },
        { name: 'optimizer step', parts: stepParts },
      ],
      act,
      loss: lossB + headAct,
      fwdWorking: sum(forwardParts) - staticBytes,
      grads: ss.grads,
    };
  };

  const results = stages.map((st) => ({ st, r: stageResult(st) }));
  let best: { parts: Part[]; name: MemoryPhase['name']; total: number; r: StageResult; stage: string } | undefined;
  let phases: MemoryPhase[] = [];
  for (const { st, r } of results) {
    if (!r) continue;
    const ph = r.phases.map((x) => ({ name: x.name, total: x.parts.reduce((a, b) => a + b.bytes, 0), parts: x.parts }));
    const top = ph.reduce((a, b) => (b.total > a.total ? b : a));
    if (!best || top.total > best.total) {
      best = { parts: top.parts, name: top.name, total: top.total, r, stage: st.name };
      phases = ph.map((x) => ({ name: x.name, gib: gib(x.total) }));
    }
  }

  const terms: MemoryTerm[] = [];
  let allocated: number | null = null;
  let reserve = 0;
  if (best) {
    allocated = best.total;
    const stageNote = best.stage === 'first' ? ' (first pipeline stage)' : best.stage === 'last' ? ' (last pipeline stage)' : '';
    for (const part of best.parts) {
      if (part.bytes === 0 && part.name !== 'gradients') continue;
      terms.push({ name: part.name, gib: gib(part.bytes), formula: part.formula });
    }
    reserve = allocated * ALLOCATOR_RESERVE;
    let reserveFormula = `${ALLOCATOR_RESERVE * 100}% of the ${gib(allocated).toFixed(1)} GiB allocated peak (${best.name}${stageNote}; caching allocator, measured 4–18%)`;
    if (fsdp2) {
      // shared/gpu/README.md: under FSDP2 "its communication streams keep their own cached blocks". The gradient shards
      // come out of the reduce-scatter stream; freed by zero_grad they stay cached there and cannot serve the next
      // forward's working memory on the compute stream.
      const streamCached = Math.min(best.r.grads, Math.max(0, best.r.fwdWorking));
      reserve += streamCached;
      reserveFormula += ` + ${gib(streamCached).toFixed(1)} GiB of gradient-shard blocks cached by FSDP2's reduce-scatter stream (min(grad shards, forward working set))`;
    }
    terms.push({ name: 'allocator reserve', gib: gib(reserve), formula: reserveFormula });
    terms.push({ name: 'CUDA context', gib: CUDA_CONTEXT_GIB, formula: 'CUDA context, cuBLAS/cuDNN handles, kernels (measured 0.73–0.75 GiB on an H100)' });
  } else {
    // Without dims or sequence length: model states only (no total).
    terms.push({ name: lora ? 'frozen base + adapters' : 'weights', gib: gib(s0.weights), formula: s0.weightsFormula });
    terms.push({ name: 'gradients', gib: gib(s0.grads), formula: `${bytesPerParam.grads} B/param${shardNote(2)}` });
    terms.push({ name: 'optimizer states', gib: gib(s0.optimizer), formula: m.offloadOptimizer ? 'offloaded to CPU' : `${bytesPerParam.optimizer} B/param (${m.optimizer}, ${m.precision})${shardNote(1)}` });
  }

  const perGpu = allocated === null ? null : gib(allocated + reserve) + CUDA_CONTEXT_GIB;
  const profile = { id: fw, ...PROFILES[fw] };
  return {
    weightsGiB: gib(s0.weights),
    gradsGiB: gib(s0.grads),
    optimizerGiB: gib(s0.optimizer),
    activationsGiB: best ? gib(best.r.act + best.r.loss) : null,
    logitsGiB: best ? gib(best.r.loss) : null,
    allocatedGiB: allocated === null ? null : gib(allocated),
    allocatorGiB: gib(reserve),
    contextGiB: CUDA_CONTEXT_GIB,
    perGpuGiB: perGpu,
    terms,
    peakPhase: best?.name ?? null,
    phases,
    bytesPerParam,
    adapterParams: s0.adapters,
    profile,
  };
}

function tableName(t: ActivationTable, ckpt: boolean): string {
  if (ckpt) return t === 'autocast' ? 'fp32 residual input of each layer, full recompute' : 'bf16 input of each layer, full recompute';
  switch (t) {
    case 'textbook':
      return 'Korthikanti et al. 2022, flash: no s² term';
    case 'autocast':
      return 'eager autocast: fp32 residual + norms, per-linear bf16 casts, SwiGLU 8f';
    case 'half':
      return 'eager pure bf16: fp32 norm upcasts, shared linear inputs, SwiGLU 8f';
    case 'lora-fp32':
      return 'LoRA, fp32 adapters: fp32 copy of each adapted input';
    case 'lora-half':
      return 'LoRA, bf16 adapters: each adapted input kept';
  }
}

function fmtBpt(b: number): string {
  return Math.round(b).toLocaleString('en-US');
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function formatFactor(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
