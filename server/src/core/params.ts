/**
 * Parameter count from architecture dims (DESIGN §4 "Params").
 *
 * embeddings  V·h (×2 if untied) + learned positions maxPositions·h
 * attention   h·(a·d) + 2·h·(k·d) + (a·d)·h   (+ biases)
 * MLP         3·h·f gated (SwiGLU/GeGLU), 2·h·f plain   (+ biases)
 * MoE         experts × MLP(f_e) + router h·E + shared × MLP(f);  active = top-k experts + shared + router
 * norms       normsPerLayer·h per layer + final h (×2 for LayerNorm with bias)
 */
import type { ModelDims } from './plan';

export interface ParamBreakdown {
  total: number;
  /** Parameters touched per token: dense parts + top-k routed experts (= total for dense models). */
  active: number;
  embedding: number;
  nonEmbedding: number;
  attentionPerLayer: number;
  mlpPerLayer: number;
  /** Parameters of the routed experts in all layers (0 for dense). */
  routedExperts: number;
  normsTotal: number;
}

export function mlpParams(h: number, f: number, gated: boolean, bias: boolean): number {
  const w = (gated ? 3 : 2) * h * f;
  const b = bias ? (gated ? 2 * f + h : f + h) : 0;
  return w + b;
}

export function attentionParams(d: ModelDims): number {
  const q = d.heads * d.headDim;
  const kv = d.kvHeads * d.headDim;
  const weights = d.hidden * q + 2 * d.hidden * kv + q * d.hidden;
  const bias = d.bias ? q + 2 * kv + d.hidden : d.qkvBias ? q + 2 * kv : 0;
  return weights + bias;
}

export function isMoe(d: ModelDims): boolean {
  return d.experts > 1 && d.topK > 0;
}

export function countParams(d: ModelDims): ParamBreakdown {
  const h = d.hidden;
  const embedding = d.vocab * h * (d.tiedEmbeddings ? 1 : 2) + (d.learnedPositions ? d.maxPositions * h : 0);
  const normSize = d.norm === 'nonparametric' ? 0 : d.norm === 'layernorm' && d.bias ? 2 * h : h;
  const normsPerLayer = d.normsPerLayer * normSize;
  const attention = attentionParams(d);
  const denseMlp = mlpParams(h, d.ffnHidden, d.gated, d.bias);

  let total = embedding + normSize; // + final norm
  let active = total;
  let routedExperts = 0;
  const moe = isMoe(d);
  const moeLayers = moe ? Math.max(0, d.layers - d.denseLayers) : 0;
  const denseLayers = d.layers - moeLayers;

  total += denseLayers * (attention + denseMlp + normsPerLayer);
  active += denseLayers * (attention + denseMlp + normsPerLayer);
  if (moeLayers > 0) {
    const expert = mlpParams(h, d.expertFfnHidden, d.gated, d.bias);
    const shared = d.sharedExperts * mlpParams(h, d.ffnHidden, d.gated, d.bias);
    const router = h * d.experts;
    const perLayerTotal = attention + normsPerLayer + router + shared + d.experts * expert;
    const perLayerActive = attention + normsPerLayer + router + shared + Math.min(d.topK, d.experts) * expert;
    total += moeLayers * perLayerTotal;
    active += moeLayers * perLayerActive;
    routedExperts = moeLayers * d.experts * expert;
  }
  return {
    total,
    active,
    embedding,
    nonEmbedding: total - embedding,
    attentionPerLayer: attention,
    mlpPerLayer: moe ? mlpParams(h, d.expertFfnHidden, d.gated, d.bias) : denseMlp,
    routedExperts,
    normsTotal: d.layers * normsPerLayer + normSize,
  };
}
