/**
 * Training FLOPs (DESIGN §4 "Training FLOPs").
 *
 * Headline: C = 6·N·D with N = active parameters (Kaplan 2020, Chinchilla, published compute figures).
 * Exact:    every matmul counted ×3 (forward, activation-grad, weight-grad) × 2 FLOPs per multiply-add,
 *           including the LM head and the attention scores QKᵀ and PV with the causal mask halving them
 *           (Megatron `num_floating_point_operations` / MaxText convention). The input embedding is a gather: 0.
 *   per token per layer: 6·h·(a·d + 2·k·d) + 6·(a·d)·h + 6·a·d·s (causal) + MLP 6·(3|2)·h·f·(top-k + shared)
 *                        + router 6·h·E;  LM head 6·h·V.
 * LoRA/QLoRA: the frozen base gets no weight gradient, so its matmuls count ×2 instead of ×3.
 * Full activation recompute adds one forward pass (hardware FLOPs, not model FLOPs): factor 4/3.
 */
import type { ModelDims } from './plan';
import { isMoe } from './params';

export interface FlopsPerToken {
  /** Model FLOPs per training token, exact convention (no recompute). */
  total: number;
  attentionProjections: number;
  attentionScores: number;
  mlp: number;
  lmHead: number;
}

export function exactFlopsPerToken(d: ModelDims, seqLen: number, frozenBase = false): FlopsPerToken {
  const passes = frozenBase ? 4 : 6; // 2 FLOPs × (fwd + dgrad [+ wgrad])
  const q = d.heads * d.headDim;
  const kv = d.kvHeads * d.headDim;
  const proj = passes * (d.hidden * (q + 2 * kv) + q * d.hidden);
  // QKᵀ and PV: 2·s·q each forward, halved by the causal mask, ×3 for fwd+bwd (the backward needs both operand grads).
  const scores = 6 * q * seqLen;
  const moe = isMoe(d);
  const mats = d.gated ? 3 : 2;
  const denseMlp = passes * mats * d.hidden * d.ffnHidden;
  const moeLayers = moe ? Math.max(0, d.layers - d.denseLayers) : 0;
  const denseLayers = d.layers - moeLayers;
  const moeMlp = moe
    ? passes * mats * d.hidden * (Math.min(d.topK, d.experts) * d.expertFfnHidden + d.sharedExperts * d.ffnHidden) +
      6 * d.hidden * d.experts
    : 0;
  const mlp = denseLayers * denseMlp + moeLayers * moeMlp;
  const lmHead = passes * d.hidden * d.vocab;
  const attentionProjections = d.layers * proj;
  const attentionScores = d.layers * scores;
  return { total: attentionProjections + attentionScores + mlp + lmHead, attentionProjections, attentionScores, mlp, lmHead };
}

export const headlineFlops = (activeParams: number, tokens: number): number => 6 * activeParams * tokens;

/** 1 PF-day = 1e15 FLOP/s × 86,400 s. */
export const PF_DAY = 1e15 * 86_400;
