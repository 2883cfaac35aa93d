/**
 * Memory per GPU (DESIGN §4 "Memory per GPU"): a first model, refined by the hardware-fit work.
 *
 * Model states (bytes/param, ZeRO-paper convention): 16-bit weights + 16-bit grads + optimizer
 * (fp32 master copy + states). bf16-mixed/fp16-mixed AdamW: 2 + 2 + (4 + 4 + 4) = 16; bf16-true AdamW: 2 + 2 + (2 + 2) = 8;
 * fp32 AdamW: 4 + 4 + 8 = 16; 8-bit Adam states 1 byte each; SGD-momentum one state; Adafactor's factored
 * second moment is counted as 0.
 * Sharding: TP·PP divide the parameters a rank owns (EP divides routed experts); ZeRO-1 / Megatron distributed
 * optimizer divide the optimizer by DP, ZeRO-2 also the grads, ZeRO-3 / FSDP also the weights (+ one gathered layer).
 * Activations: Korthikanti et al. 2022 per layer per micro-batch with the s² attention term removed (flash/SDPA):
 * s·b·h·(10 + 24/t), 34·s·b·h/t with sequence parallelism, 2·s·b·h (/t with SP) per layer under full recompute
 * plus one layer's working set; CP divides s; 1F1B keeps `pp` micro-batches on the first stage (= all layers' worth),
 * × (1 + (p−1)/(p·v)) when interleaved. Logits: bf16 + fp32 copy = 6·V bytes per token (÷t, vocab-parallel).
 * Fine-tuning: frozen base at 2 bytes (LoRA) or ≈0.52 bytes (QLoRA NF4 + double-quantised constants; embeddings
 * and LM head stay bf16), adapters in fp32 with AdamW (16 bytes/param).
 */
import type { FinetuneMethod, ModelDims, Optimizer, Precision, Recompute } from './plan';
import { GiB } from './units';

export interface MemoryInputs {
  totalParams: number;
  /** Parameters of routed experts (divided by EP); 0 for dense. */
  expertParams: number;
  /** Embedding + LM head parameters (kept 16-bit under QLoRA). */
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
}

export interface MemoryTerm {
  name: string;
  gib: number;
  formula: string;
}

export interface MemoryEstimate {
  weightsGiB: number;
  gradsGiB: number;
  optimizerGiB: number;
  /** null when the architecture dims or sequence length needed for activations are unknown. */
  activationsGiB: number | null;
  logitsGiB: number | null;
  allocatorGiB: number;
  perGpuGiB: number | null;
  terms: MemoryTerm[];
  bytesPerParam: { weights: number; grads: number; optimizer: number };
  adapterParams: number;
}

/** Allocator fragmentation reserve on top of the allocated peak (measured 4–18% on one H100: shared/gpu). */
export const ALLOCATOR_RESERVE = 0.08;
/** CUDA context, cuBLAS/cuDNN handles outside the allocator (measured 0.73–0.75 GiB on an H100). */
export const CUDA_CONTEXT_GIB = 0.75;
/** Fraction of the nominal capacity a framework can address (H100 80 GB: torch reports 79.18 GiB). */
export const ADDRESSABLE_FRACTION = 0.99;

export function usableMemoryGiB(capacityGiB: number): number {
  return capacityGiB * ADDRESSABLE_FRACTION - CUDA_CONTEXT_GIB;
}

export function stateBytes(precision: Precision, optimizer: Optimizer): { weights: number; grads: number; optimizer: number } {
  const mixed = precision === 'bf16-mixed' || precision === 'fp16-mixed' || precision === 'fp8-mixed';
  const weights = precision === 'fp32' ? 4 : precision === 'fp8-mixed' ? 3 : 2; // fp8: bf16 weight + fp8 cast cache
  const grads = precision === 'fp32' ? 4 : 2;
  const stateWidth = optimizer === 'adamw-8bit' ? 1 : precision === 'bf16-true' ? 2 : 4;
  const states = optimizer === 'adamw' || optimizer === 'adamw-8bit' ? 2 : optimizer === 'sgd' ? 1 : 0;
  const master = mixed ? 4 : 0;
  return { weights, grads, optimizer: master + states * stateWidth };
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

export function estimateMemory(m: MemoryInputs): MemoryEstimate {
  const terms: MemoryTerm[] = [];
  const mp = m.tp * m.pp;
  const localParams = (m.totalParams - m.expertParams) / mp + m.expertParams / (mp * m.ep);
  const finetune = m.finetune === 'lora' || m.finetune === 'qlora';
  let weights: number;
  let grads: number;
  let optimizer: number;
  let adapterParams = 0;
  const bpp = stateBytes(m.precision, m.optimizer);

  if (finetune) {
    const embLocal = m.embeddingParams / mp;
    const baseLocal = localParams - embLocal;
    const baseBytes = m.finetune === 'qlora' ? 0.5 + 4 / 64 / 4 + 2 / 256 : 2; // NF4 + absmax consts (double-quant)
    adapterParams = m.dims ? loraParams(m.dims, m.loraRank) / mp : 0;
    const frozen = baseLocal * baseBytes + embLocal * 2;
    weights = frozen + adapterParams * 4;
    grads = adapterParams * 4;
    optimizer = adapterParams * 8;
    terms.push({
      name: 'frozen base weights',
      gib: frozen / GiB,
      formula: `${m.finetune === 'qlora' ? '≈0.52 B/param (NF4)' : '2 B/param (bf16)'} × base + 2 B × embeddings`,
    });
    terms.push({ name: 'adapters (fp32) + grads + AdamW', gib: (adapterParams * 16) / GiB, formula: `16 B × ${Math.round(adapterParams)} adapter params (rank ${m.loraRank})` });
  } else {
    const shard = (stage: number) => (m.zero >= stage ? m.dp : 1);
    weights = (localParams * bpp.weights) / shard(3);
    grads = (localParams * bpp.grads) / shard(2);
    optimizer = (localParams * bpp.optimizer) / shard(1);
    if (m.zero === 3 && m.dims) {
      // One layer gathered in flight (all-gather output) for ZeRO-3/FSDP.
      const layerParams = (m.totalParams - m.embeddingParams) / m.dims.layers / m.tp;
      weights += 2 * layerParams;
    }
    const shardNote = (stage: number) => (m.zero >= stage && m.dp > 1 ? ` ÷ DP ${m.dp}` : '');
    terms.push({ name: 'weights', gib: weights / GiB, formula: `${bpp.weights} B/param × ${fmtP(localParams)} params/rank${shardNote(3)}${m.zero === 3 ? ' + 1 gathered layer' : ''}` });
    terms.push({ name: 'gradients', gib: grads / GiB, formula: `${bpp.grads} B/param${shardNote(2)}` });
    terms.push({ name: 'optimizer states', gib: optimizer / GiB, formula: `${bpp.optimizer} B/param (${m.optimizer}, ${m.precision})${shardNote(1)}` });
  }

  let activations: number | null = null;
  let logits: number | null = null;
  if (m.dims && m.seqLen !== undefined) {
    const d = m.dims;
    const s = m.seqLen / m.cp;
    const b = m.microBatch;
    const h = d.hidden;
    const t = m.tp;
    const full = m.sp ? (34 * s * b * h) / t : s * b * h * (10 + 24 / t);
    const perLayer = m.recompute === 'full' ? (2 * s * b * h) / (m.sp ? t : 1) : full;
    const layersPerStage = d.layers / m.pp;
    const inFlight = m.pp; // 1F1B: the first stage holds pp micro-batches
    const interleave = m.vpp > 1 ? 1 + (m.pp - 1) / (m.pp * m.vpp) : 1;
    let act = perLayer * layersPerStage * inFlight * interleave;
    if (m.recompute === 'full') act += full; // one layer recomputed at a time in backward
    logits = (6 * s * b * d.vocab) / t;
    activations = act;
    terms.push({
      name: 'activations',
      gib: act / GiB,
      formula:
        m.recompute === 'full'
          ? `2·s·b·h per layer (full recompute) × ${d.layers} layers + one layer's working set`
          : `${m.sp ? '34·s·b·h/t' : 's·b·h·(10 + 24/t)'} per layer × ${d.layers} layers (Korthikanti 2022, flash: no s² term)`,
    });
    terms.push({ name: 'logits + loss', gib: logits / GiB, formula: '6·V bytes per token (bf16 logits + fp32 copy) ÷ TP' });
  }

  const allocated = weights + grads + optimizer + (activations ?? 0) + (logits ?? 0);
  const allocator = allocated * ALLOCATOR_RESERVE;
  terms.push({ name: 'allocator reserve', gib: allocator / GiB, formula: `${ALLOCATOR_RESERVE * 100}% of allocated (caching allocator fragmentation)` });
  const perGpu = activations === null ? null : (allocated + allocator) / GiB;
  return {
    weightsGiB: weights / GiB,
    gradsGiB: grads / GiB,
    optimizerGiB: optimizer / GiB,
    activationsGiB: activations === null ? null : (activations + (logits ?? 0)) / GiB,
    logitsGiB: logits === null ? null : logits / GiB,
    allocatorGiB: allocator / GiB,
    perGpuGiB: perGpu,
    terms,
    bytesPerParam: bpp,
    adapterParams,
  };
}

function fmtP(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)}B` : `${(n / 1e6).toFixed(1)}M`;
}
