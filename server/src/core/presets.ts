/**
 * Catalog of model architecture presets: complete `ModelDims` for well-known open (and a few documented closed)
 * models, so a config that only names its model (`model_name: llama3-8b`, `--model meta-llama/Meta-Llama-3-8B`)
 * still gets parameter / FLOP / memory estimates.
 *
 * Conventions (see `ModelDims` in ./plan):
 * - `heads` = query heads, `kvHeads` = KV heads (= heads for MHA), `headDim` = per-head width (hidden/heads unless
 *   the config sets `head_dim`, as Gemma does).
 * - `ffnHidden` = the TRUE intermediate width of one MLP (per expert for MoE, where `expertFfnHidden` equals it).
 *   `expertFfnHidden` is also set to `ffnHidden` for dense models (unused there: `experts` is 0).
 * - `maxPositions` = the config's `max_position_embeddings` (only contributes parameters when `learnedPositions`).
 * - `seqLen` = the context length of the main pretraining phase of the base model (long-context extension stages and
 *   inference-time RoPE scaling excluded), e.g. 8192 for Llama 3.1 although its config allows 131072.
 * - `reportedParams` = the publisher's stated total (model card, paper table or the Hugging Face safetensors
 *   metadata total), only where one is published at a useful precision.
 *
 * The dims of every entry are checked against its reported total in test/unit/presets.test.ts.
 *
 * Pure: imports only types from ./plan. Treat the returned objects as read-only (copy before modifying).
 */
import type { Activation, ModelDims } from './plan';

export interface ModelPreset {
  /** Canonical kebab-case id, e.g. `llama-3-8b`. */
  id: string;
  /** Other names people write: HF repo ids, framework model names (MaxText, NeMo, litgpt, …). */
  aliases: string[];
  displayName: string;
  /** Short citation of where the dims come from. */
  source: string;
  /** The publisher's stated total parameter count, if published. */
  reportedParams?: number;
  /** MoE only: the publisher's stated active parameters per token. */
  reportedActiveParams?: number;
  /** Context length of the base model's (main) pretraining. */
  seqLen: number;
  activation: Activation;
  /** Complete dims (gated = true for swiglu/geglu). */
  dims: ModelDims;
}

/** The dims that vary between models; everything else has a Llama-style default. */
interface Arch {
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  ffnHidden: number;
  vocab: number;
  maxPositions: number;
  headDim?: number;
  tiedEmbeddings?: boolean;
  learnedPositions?: boolean;
  bias?: boolean;
  qkvBias?: boolean;
  norm?: ModelDims['norm'];
  normsPerLayer?: number;
  experts?: number;
  topK?: number;
}

function dims(activation: Activation, a: Arch): ModelDims {
  return {
    layers: a.layers,
    hidden: a.hidden,
    heads: a.heads,
    kvHeads: a.kvHeads,
    headDim: a.headDim ?? a.hidden / a.heads,
    ffnHidden: a.ffnHidden,
    vocab: a.vocab,
    tiedEmbeddings: a.tiedEmbeddings ?? false,
    gated: activation === 'swiglu' || activation === 'geglu',
    learnedPositions: a.learnedPositions ?? false,
    maxPositions: a.maxPositions,
    bias: a.bias ?? false,
    qkvBias: a.qkvBias ?? false,
    norm: a.norm ?? 'rmsnorm',
    normsPerLayer: a.normsPerLayer ?? 2,
    experts: a.experts ?? 0,
    topK: a.topK ?? 0,
    sharedExperts: 0,
    expertFfnHidden: a.ffnHidden,
    denseLayers: 0,
  };
}

interface Meta {
  id: string;
  aliases: string[];
  displayName: string;
  source: string;
  reportedParams?: number;
  reportedActiveParams?: number;
  seqLen: number;
  activation: Activation;
}

function preset(m: Meta, a: Arch): ModelPreset {
  return { ...m, dims: dims(m.activation, a) };
}

// GPT-NeoX style (Pythia): GELU 2-matrix MLP of 4h, biases everywhere, LayerNorm with bias, untied, rotary.
function pythia(size: string, layers: number, hidden: number, heads: number, vocab: number, reported: number): ModelPreset {
  const hf = `EleutherAI/pythia-${size}`;
  return preset(
    {
      id: `pythia-${size}`,
      aliases: [hf, `${hf}-deduped`, `pythia-${size}-deduped`, `pythia_${size}`],
      displayName: `Pythia ${size.toUpperCase()}`,
      source: `${hf} config.json; total from Biderman et al. 2023 (Pythia) Table 1`,
      reportedParams: reported,
      seqLen: 2048,
      activation: 'gelu',
    },
    { layers, hidden, heads, kvHeads: heads, ffnHidden: 4 * hidden, vocab, maxPositions: 2048, bias: true, norm: 'layernorm' },
  );
}

export const PRESETS: readonly ModelPreset[] = Object.freeze([
  // ───────────────────────────── Meta Llama 2 ─────────────────────────────
  // source: meta-llama/Llama-2-7b-hf config.json (6,738,415,616 params in the safetensors index)
  preset(
    {
      id: 'llama-2-7b',
      aliases: ['meta-llama/Llama-2-7b-hf', 'meta-llama/Llama-2-7b', 'Llama-2-7b-hf', 'llama2-7b', 'llama2_7b', 'Llama-2-7B'],
      displayName: 'Llama 2 7B',
      source: 'meta-llama/Llama-2-7b-hf config.json',
      reportedParams: 6.74e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 32, hidden: 4096, heads: 32, kvHeads: 32, ffnHidden: 11008, vocab: 32000, maxPositions: 4096 },
  ),
  // source: meta-llama/Llama-2-13b-hf config.json (13,015,864,320 params)
  preset(
    {
      id: 'llama-2-13b',
      aliases: ['meta-llama/Llama-2-13b-hf', 'meta-llama/Llama-2-13b', 'Llama-2-13b-hf', 'llama2-13b', 'llama2_13b'],
      displayName: 'Llama 2 13B',
      source: 'meta-llama/Llama-2-13b-hf config.json',
      reportedParams: 13.02e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 40, hidden: 5120, heads: 40, kvHeads: 40, ffnHidden: 13824, vocab: 32000, maxPositions: 4096 },
  ),
  // source: meta-llama/Llama-2-70b-hf config.json (68,976,648,192 params; "70B" is nominal)
  preset(
    {
      id: 'llama-2-70b',
      aliases: ['meta-llama/Llama-2-70b-hf', 'meta-llama/Llama-2-70b', 'Llama-2-70b-hf', 'llama2-70b', 'llama2_70b'],
      displayName: 'Llama 2 70B',
      source: 'meta-llama/Llama-2-70b-hf config.json',
      reportedParams: 68.98e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 80, hidden: 8192, heads: 64, kvHeads: 8, ffnHidden: 28672, vocab: 32000, maxPositions: 4096 },
  ),

  // ───────────────────────────── Meta Llama 3 / 3.1 / 3.2 ─────────────────────────────
  // source: meta-llama/Meta-Llama-3-8B config.json (8,030,261,248 params)
  preset(
    {
      id: 'llama-3-8b',
      aliases: ['meta-llama/Meta-Llama-3-8B', 'Meta-Llama-3-8B', 'Llama-3-8B', 'llama3-8b', 'llama3_8b'],
      displayName: 'Llama 3 8B',
      source: 'meta-llama/Meta-Llama-3-8B config.json',
      reportedParams: 8.03e9,
      seqLen: 8192,
      activation: 'swiglu',
    },
    { layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffnHidden: 14336, vocab: 128256, maxPositions: 8192 },
  ),
  // source: meta-llama/Meta-Llama-3-70B config.json (70,553,706,496 params)
  preset(
    {
      id: 'llama-3-70b',
      aliases: ['meta-llama/Meta-Llama-3-70B', 'Meta-Llama-3-70B', 'Llama-3-70B', 'llama3-70b', 'llama3_70b'],
      displayName: 'Llama 3 70B',
      source: 'meta-llama/Meta-Llama-3-70B config.json',
      reportedParams: 70.55e9,
      seqLen: 8192,
      activation: 'swiglu',
    },
    { layers: 80, hidden: 8192, heads: 64, kvHeads: 8, ffnHidden: 28672, vocab: 128256, maxPositions: 8192 },
  ),
  // source: meta-llama/Llama-3.1-8B config.json (rope_scaling original_max_position_embeddings 8192)
  preset(
    {
      id: 'llama-3.1-8b',
      aliases: ['meta-llama/Llama-3.1-8B', 'meta-llama/Meta-Llama-3.1-8B', 'Meta-Llama-3.1-8B', 'Llama-3.1-8B', 'llama3.1-8b', 'llama31_8b'],
      displayName: 'Llama 3.1 8B',
      source: 'meta-llama/Llama-3.1-8B config.json',
      reportedParams: 8.03e9,
      seqLen: 8192,
      activation: 'swiglu',
    },
    { layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffnHidden: 14336, vocab: 128256, maxPositions: 131072 },
  ),
  // source: meta-llama/Llama-3.1-70B config.json
  preset(
    {
      id: 'llama-3.1-70b',
      aliases: ['meta-llama/Llama-3.1-70B', 'meta-llama/Meta-Llama-3.1-70B', 'Meta-Llama-3.1-70B', 'Llama-3.1-70B', 'llama3.1-70b', 'llama31_70b'],
      displayName: 'Llama 3.1 70B',
      source: 'meta-llama/Llama-3.1-70B config.json',
      reportedParams: 70.55e9,
      seqLen: 8192,
      activation: 'swiglu',
    },
    { layers: 80, hidden: 8192, heads: 64, kvHeads: 8, ffnHidden: 28672, vocab: 128256, maxPositions: 131072 },
  ),
  // source: meta-llama/Llama-3.1-405B config.json; Llama 3 paper (Dubey et al. 2024) Table 3
  preset(
    {
      id: 'llama-3.1-405b',
      aliases: ['meta-llama/Llama-3.1-405B', 'meta-llama/Meta-Llama-3.1-405B', 'Meta-Llama-3.1-405B', 'Llama-3.1-405B', 'llama3.1-405b', 'llama31_405b'],
      displayName: 'Llama 3.1 405B',
      source: 'meta-llama/Llama-3.1-405B config.json; The Llama 3 Herd of Models, Table 3',
      reportedParams: 405e9,
      seqLen: 8192,
      activation: 'swiglu',
    },
    { layers: 126, hidden: 16384, heads: 128, kvHeads: 8, ffnHidden: 53248, vocab: 128256, maxPositions: 131072 },
  ),
  // source: meta-llama/Llama-3.2-1B config.json (tie_word_embeddings true; HF safetensors 1.24B, model card rounds to 1.23B)
  preset(
    {
      id: 'llama-3.2-1b',
      aliases: ['meta-llama/Llama-3.2-1B', 'Llama-3.2-1B', 'llama3.2-1b', 'llama32_1b'],
      displayName: 'Llama 3.2 1B',
      source: 'meta-llama/Llama-3.2-1B config.json',
      reportedParams: 1.24e9,
      seqLen: 8192,
      activation: 'swiglu',
    },
    { layers: 16, hidden: 2048, heads: 32, kvHeads: 8, ffnHidden: 8192, vocab: 128256, maxPositions: 131072, tiedEmbeddings: true },
  ),
  // source: meta-llama/Llama-3.2-3B config.json (tie_word_embeddings true; model card: 3.21B)
  preset(
    {
      id: 'llama-3.2-3b',
      aliases: ['meta-llama/Llama-3.2-3B', 'Llama-3.2-3B', 'llama3.2-3b', 'llama32_3b'],
      displayName: 'Llama 3.2 3B',
      source: 'meta-llama/Llama-3.2-3B config.json',
      reportedParams: 3.21e9,
      seqLen: 8192,
      activation: 'swiglu',
    },
    { layers: 28, hidden: 3072, heads: 24, kvHeads: 8, ffnHidden: 8192, vocab: 128256, maxPositions: 131072, tiedEmbeddings: true },
  ),

  // ───────────────────────────── Mistral / Mixtral ─────────────────────────────
  // source: mistralai/Mistral-7B-v0.1 config.json (7,241,732,096 params); Jiang et al. 2023 Table 1 (context 8192)
  preset(
    {
      id: 'mistral-7b',
      aliases: ['mistralai/Mistral-7B-v0.1', 'Mistral-7B-v0.1', 'mistral-7b-v0.1', 'mistral_7b', 'mistralai/Mistral-7B-v0.2', 'mistralai/Mistral-7B-Instruct-v0.2'],
      displayName: 'Mistral 7B (v0.1)',
      source: 'mistralai/Mistral-7B-v0.1 config.json',
      reportedParams: 7.24e9,
      seqLen: 8192,
      activation: 'swiglu',
    },
    { layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffnHidden: 14336, vocab: 32000, maxPositions: 32768 },
  ),
  // source: mistralai/Mixtral-8x7B-v0.1 config.json; Jiang et al. 2024 (Mixtral of Experts): 46.7B total, 12.9B active
  preset(
    {
      id: 'mixtral-8x7b',
      aliases: ['mistralai/Mixtral-8x7B-v0.1', 'Mixtral-8x7B-v0.1', 'mixtral_8x7b', 'mixtral-8x7b-v0.1'],
      displayName: 'Mixtral 8x7B',
      source: 'mistralai/Mixtral-8x7B-v0.1 config.json; Mixtral of Experts (2024)',
      reportedParams: 46.7e9,
      reportedActiveParams: 12.9e9,
      seqLen: 32768,
      activation: 'swiglu',
    },
    { layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffnHidden: 14336, vocab: 32000, maxPositions: 32768, experts: 8, topK: 2 },
  ),
  // source: mistralai/Mixtral-8x22B-v0.1 config.json (vocab 32768, v3 tokenizer); mistral.ai/news/mixtral-8x22b: 141B total, 39B active
  preset(
    {
      id: 'mixtral-8x22b',
      aliases: ['mistralai/Mixtral-8x22B-v0.1', 'Mixtral-8x22B-v0.1', 'mixtral_8x22b', 'mixtral-8x22b-v0.1'],
      displayName: 'Mixtral 8x22B',
      source: 'mistralai/Mixtral-8x22B-v0.1 config.json; mistral.ai/news/mixtral-8x22b',
      reportedParams: 141e9,
      reportedActiveParams: 39e9,
      seqLen: 65536,
      activation: 'swiglu',
    },
    { layers: 56, hidden: 6144, heads: 48, kvHeads: 8, ffnHidden: 16384, vocab: 32768, maxPositions: 65536, experts: 8, topK: 2 },
  ),

  // ───────────────────────────── Qwen2.5 (QKV bias; 0.5B/1.5B/3B tie embeddings) ─────────────────────────────
  // source: Qwen/Qwen2.5-0.5B config.json; model card "Number of Parameters: 0.49B"
  preset(
    {
      id: 'qwen2.5-0.5b',
      aliases: ['Qwen/Qwen2.5-0.5B', 'Qwen2.5-0.5B', 'qwen2.5_0.5b', 'qwen25-0.5b'],
      displayName: 'Qwen2.5 0.5B',
      source: 'Qwen/Qwen2.5-0.5B config.json',
      reportedParams: 0.494e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 24, hidden: 896, heads: 14, kvHeads: 2, ffnHidden: 4864, vocab: 151936, maxPositions: 32768, tiedEmbeddings: true, qkvBias: true },
  ),
  // source: Qwen/Qwen2.5-1.5B config.json; model card "Number of Parameters: 1.54B"
  preset(
    {
      id: 'qwen2.5-1.5b',
      aliases: ['Qwen/Qwen2.5-1.5B', 'Qwen2.5-1.5B', 'qwen2.5_1.5b', 'qwen25-1.5b'],
      displayName: 'Qwen2.5 1.5B',
      source: 'Qwen/Qwen2.5-1.5B config.json',
      reportedParams: 1.54e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 28, hidden: 1536, heads: 12, kvHeads: 2, ffnHidden: 8960, vocab: 151936, maxPositions: 131072, tiedEmbeddings: true, qkvBias: true },
  ),
  // source: Qwen/Qwen2.5-3B config.json; model card "Number of Parameters: 3.09B"
  preset(
    {
      id: 'qwen2.5-3b',
      aliases: ['Qwen/Qwen2.5-3B', 'Qwen2.5-3B', 'qwen2.5_3b', 'qwen25-3b'],
      displayName: 'Qwen2.5 3B',
      source: 'Qwen/Qwen2.5-3B config.json',
      reportedParams: 3.09e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 36, hidden: 2048, heads: 16, kvHeads: 2, ffnHidden: 11008, vocab: 151936, maxPositions: 32768, tiedEmbeddings: true, qkvBias: true },
  ),
  // source: Qwen/Qwen2.5-7B config.json (tie_word_embeddings false); model card "Number of Parameters: 7.61B"
  preset(
    {
      id: 'qwen2.5-7b',
      aliases: ['Qwen/Qwen2.5-7B', 'Qwen2.5-7B', 'qwen2.5_7b', 'qwen25-7b'],
      displayName: 'Qwen2.5 7B',
      source: 'Qwen/Qwen2.5-7B config.json',
      reportedParams: 7.61e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 28, hidden: 3584, heads: 28, kvHeads: 4, ffnHidden: 18944, vocab: 152064, maxPositions: 131072, qkvBias: true },
  ),
  // source: Qwen/Qwen2.5-14B config.json; HF safetensors total 14.8B (model card rounds to 14.7B)
  preset(
    {
      id: 'qwen2.5-14b',
      aliases: ['Qwen/Qwen2.5-14B', 'Qwen2.5-14B', 'qwen2.5_14b', 'qwen25-14b'],
      displayName: 'Qwen2.5 14B',
      source: 'Qwen/Qwen2.5-14B config.json',
      reportedParams: 14.77e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 48, hidden: 5120, heads: 40, kvHeads: 8, ffnHidden: 13824, vocab: 152064, maxPositions: 131072, qkvBias: true },
  ),
  // source: Qwen/Qwen2.5-32B config.json; HF safetensors total 32.8B (model card states 32.5B)
  preset(
    {
      id: 'qwen2.5-32b',
      aliases: ['Qwen/Qwen2.5-32B', 'Qwen2.5-32B', 'qwen2.5_32b', 'qwen25-32b'],
      displayName: 'Qwen2.5 32B',
      source: 'Qwen/Qwen2.5-32B config.json',
      reportedParams: 32.76e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 64, hidden: 5120, heads: 40, kvHeads: 8, ffnHidden: 27648, vocab: 152064, maxPositions: 131072, qkvBias: true },
  ),
  // source: Qwen/Qwen2.5-72B config.json; model card "Number of Parameters: 72.7B"
  preset(
    {
      id: 'qwen2.5-72b',
      aliases: ['Qwen/Qwen2.5-72B', 'Qwen2.5-72B', 'qwen2.5_72b', 'qwen25-72b'],
      displayName: 'Qwen2.5 72B',
      source: 'Qwen/Qwen2.5-72B config.json',
      reportedParams: 72.7e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 80, hidden: 8192, heads: 64, kvHeads: 8, ffnHidden: 29568, vocab: 152064, maxPositions: 131072, qkvBias: true },
  ),

  // ───────────────────────────── Google Gemma / Gemma 2 (GeGLU, tied, vocab 256000) ─────────────────────────────
  // source: google/gemma-2b config.json (MQA, head_dim 256); HF safetensors total 2.51B
  preset(
    {
      id: 'gemma-2b',
      aliases: ['google/gemma-2b', 'Gemma-2b', 'gemma_2b'],
      displayName: 'Gemma 2B',
      source: 'google/gemma-2b config.json',
      reportedParams: 2.51e9,
      seqLen: 8192,
      activation: 'geglu',
    },
    { layers: 18, hidden: 2048, heads: 8, kvHeads: 1, headDim: 256, ffnHidden: 16384, vocab: 256000, maxPositions: 8192, tiedEmbeddings: true },
  ),
  // source: google/gemma-7b config.json (head_dim 256, 16 heads > hidden/16); HF safetensors total 8.54B
  preset(
    {
      id: 'gemma-7b',
      aliases: ['google/gemma-7b', 'Gemma-7b', 'gemma_7b'],
      displayName: 'Gemma 7B',
      source: 'google/gemma-7b config.json',
      reportedParams: 8.54e9,
      seqLen: 8192,
      activation: 'geglu',
    },
    { layers: 28, hidden: 3072, heads: 16, kvHeads: 16, headDim: 256, ffnHidden: 24576, vocab: 256000, maxPositions: 8192, tiedEmbeddings: true },
  ),
  // source: google/gemma-2-2b config.json (4 RMSNorms per layer: pre/post attention, pre/post MLP); HF total 2.61B
  preset(
    {
      id: 'gemma-2-2b',
      aliases: ['google/gemma-2-2b', 'gemma2-2b', 'gemma2_2b', 'Gemma-2-2b'],
      displayName: 'Gemma 2 2B',
      source: 'google/gemma-2-2b config.json',
      reportedParams: 2.61e9,
      seqLen: 8192,
      activation: 'geglu',
    },
    { layers: 26, hidden: 2304, heads: 8, kvHeads: 4, headDim: 256, ffnHidden: 9216, vocab: 256000, maxPositions: 8192, tiedEmbeddings: true, normsPerLayer: 4 },
  ),
  // source: google/gemma-2-9b config.json; HF safetensors total 9.24B
  preset(
    {
      id: 'gemma-2-9b',
      aliases: ['google/gemma-2-9b', 'gemma2-9b', 'gemma2_9b', 'Gemma-2-9b'],
      displayName: 'Gemma 2 9B',
      source: 'google/gemma-2-9b config.json',
      reportedParams: 9.24e9,
      seqLen: 8192,
      activation: 'geglu',
    },
    { layers: 42, hidden: 3584, heads: 16, kvHeads: 8, headDim: 256, ffnHidden: 14336, vocab: 256000, maxPositions: 8192, tiedEmbeddings: true, normsPerLayer: 4 },
  ),
  // source: google/gemma-2-27b config.json (head_dim 128); HF safetensors total 27.2B
  preset(
    {
      id: 'gemma-2-27b',
      aliases: ['google/gemma-2-27b', 'gemma2-27b', 'gemma2_27b', 'Gemma-2-27b'],
      displayName: 'Gemma 2 27B',
      source: 'google/gemma-2-27b config.json',
      reportedParams: 27.23e9,
      seqLen: 8192,
      activation: 'geglu',
    },
    { layers: 46, hidden: 4608, heads: 32, kvHeads: 16, headDim: 128, ffnHidden: 36864, vocab: 256000, maxPositions: 8192, tiedEmbeddings: true, normsPerLayer: 4 },
  ),

  // ───────────────────────────── OpenAI GPT-3 ─────────────────────────────
  // source: Brown et al. 2020 (Language Models are Few-Shot Learners) Table 2.1: n_layers 96, d_model 12288, n_heads 96, d_head 128, n_ctx 2048
  preset(
    {
      id: 'gpt3-175b',
      aliases: ['gpt-3-175b', 'gpt3_175b', 'gpt-3', 'gpt3', 'davinci', 'GPT-3 175B'],
      displayName: 'GPT-3 175B',
      source: 'Brown et al. 2020, Table 2.1 (GPT-2 tokenizer, vocab 50257)',
      reportedParams: 175e9,
      seqLen: 2048,
      activation: 'gelu',
    },
    {
      layers: 96,
      hidden: 12288,
      heads: 96,
      kvHeads: 96,
      ffnHidden: 4 * 12288,
      vocab: 50257,
      maxPositions: 2048,
      learnedPositions: true,
      bias: true,
      norm: 'layernorm',
      tiedEmbeddings: true,
    },
  ),

  // ───────────────────────────── EleutherAI Pythia (GPT-NeoX; exact totals from the Pythia paper) ─────────────────────────────
  // source: EleutherAI/pythia-70m config.json; Pythia paper Table 1
  pythia('70m', 6, 512, 8, 50304, 70_426_624),
  // source: EleutherAI/pythia-160m config.json; Pythia paper Table 1
  pythia('160m', 12, 768, 12, 50304, 162_322_944),
  // source: EleutherAI/pythia-410m config.json; Pythia paper Table 1
  pythia('410m', 24, 1024, 16, 50304, 405_334_016),
  // source: EleutherAI/pythia-1b config.json; Pythia paper Table 1
  pythia('1b', 16, 2048, 8, 50304, 1_011_781_632),
  // source: EleutherAI/pythia-1.4b config.json; Pythia paper Table 1
  pythia('1.4b', 24, 2048, 16, 50304, 1_414_647_808),
  // source: EleutherAI/pythia-2.8b config.json; Pythia paper Table 1
  pythia('2.8b', 32, 2560, 32, 50304, 2_775_208_960),
  // source: EleutherAI/pythia-6.9b config.json (vocab 50432); Pythia paper Table 1
  pythia('6.9b', 32, 4096, 32, 50432, 6_857_302_016),
  // source: EleutherAI/pythia-12b config.json (vocab 50688); Pythia paper Table 1
  pythia('12b', 36, 5120, 40, 50688, 11_846_072_320),

  // ───────────────────────────── AllenAI OLMo / OLMo 2 ─────────────────────────────
  // source: allenai/OLMo-7B config.json (mlp_hidden_size 22016 = 2 × 11008 fused SwiGLU; embedding_size 50304;
  //         weight_tying false; layer_norm_type default with elementwise affine off = non-parametric); HF total 6.89B
  preset(
    {
      id: 'olmo-7b',
      aliases: ['allenai/OLMo-7B', 'allenai/OLMo-7B-hf', 'OLMo-7B-hf', 'olmo_7b'],
      displayName: 'OLMo 7B',
      source: 'allenai/OLMo-7B config.json; Groeneveld et al. 2024 (OLMo) Table 1',
      reportedParams: 6.89e9,
      seqLen: 2048,
      activation: 'swiglu',
    },
    { layers: 32, hidden: 4096, heads: 32, kvHeads: 32, ffnHidden: 11008, vocab: 50304, maxPositions: 2048, norm: 'nonparametric' },
  ),
  // source: allenai/OLMo-2-1124-7B config.json (post-attention + post-MLP RMSNorm and QK-norm over the full
  //         q/k width; MHA, so the 2 + 2 norms per layer are 4·hidden); HF total 7.30B
  preset(
    {
      id: 'olmo-2-7b',
      aliases: ['allenai/OLMo-2-1124-7B', 'OLMo-2-1124-7B', 'olmo2-7b', 'olmo2_7b'],
      displayName: 'OLMo 2 7B',
      source: 'allenai/OLMo-2-1124-7B config.json',
      reportedParams: 7.3e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 32, hidden: 4096, heads: 32, kvHeads: 32, ffnHidden: 11008, vocab: 100352, maxPositions: 4096, normsPerLayer: 4 },
  ),
  // source: allenai/OLMo-2-1124-13B config.json; HF total 13.7B
  preset(
    {
      id: 'olmo-2-13b',
      aliases: ['allenai/OLMo-2-1124-13B', 'OLMo-2-1124-13B', 'olmo2-13b', 'olmo2_13b'],
      displayName: 'OLMo 2 13B',
      source: 'allenai/OLMo-2-1124-13B config.json',
      reportedParams: 13.7e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 40, hidden: 5120, heads: 40, kvHeads: 40, ffnHidden: 13824, vocab: 100352, maxPositions: 4096, normsPerLayer: 4 },
  ),

  // ───────────────────────────── Small models ─────────────────────────────
  // source: TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T config.json (1,100,048,384 params)
  preset(
    {
      id: 'tinyllama-1.1b',
      aliases: [
        'TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T',
        'TinyLlama/TinyLlama-1.1B-Chat-v1.0',
        'TinyLlama/TinyLlama_v1.1',
        'TinyLlama-1.1B',
        'tiny-llama-1.1b',
        'tinyllama',
      ],
      displayName: 'TinyLlama 1.1B',
      source: 'TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T config.json',
      reportedParams: 1.1e9,
      seqLen: 2048,
      activation: 'swiglu',
    },
    { layers: 22, hidden: 2048, heads: 32, kvHeads: 4, ffnHidden: 5632, vocab: 32000, maxPositions: 2048 },
  ),
  // source: microsoft/Phi-3-mini-4k-instruct config.json (fused qkv/gate_up, vocab 32064); HF total 3.82B
  preset(
    {
      id: 'phi-3-mini',
      aliases: ['microsoft/Phi-3-mini-4k-instruct', 'microsoft/Phi-3-mini-128k-instruct', 'Phi-3-mini-4k-instruct', 'phi-3-mini-4k', 'phi3-mini', 'phi3_mini'],
      displayName: 'Phi-3-mini (3.8B)',
      source: 'microsoft/Phi-3-mini-4k-instruct config.json',
      reportedParams: 3.82e9,
      seqLen: 4096,
      activation: 'swiglu',
    },
    { layers: 32, hidden: 3072, heads: 32, kvHeads: 32, ffnHidden: 8192, vocab: 32064, maxPositions: 4096 },
  ),
  // source: HuggingFaceTB/SmolLM2-135M config.json (tied); HF total 135M
  preset(
    {
      id: 'smollm2-135m',
      aliases: ['HuggingFaceTB/SmolLM2-135M', 'SmolLM2-135M', 'smollm2_135m'],
      displayName: 'SmolLM2 135M',
      source: 'HuggingFaceTB/SmolLM2-135M config.json',
      reportedParams: 135e6,
      seqLen: 2048,
      activation: 'swiglu',
    },
    { layers: 30, hidden: 576, heads: 9, kvHeads: 3, ffnHidden: 1536, vocab: 49152, maxPositions: 8192, tiedEmbeddings: true },
  ),
  // source: HuggingFaceTB/SmolLM2-360M config.json (tied); HF total 362M
  preset(
    {
      id: 'smollm2-360m',
      aliases: ['HuggingFaceTB/SmolLM2-360M', 'SmolLM2-360M', 'smollm2_360m'],
      displayName: 'SmolLM2 360M',
      source: 'HuggingFaceTB/SmolLM2-360M config.json',
      reportedParams: 362e6,
      seqLen: 2048,
      activation: 'swiglu',
    },
    { layers: 32, hidden: 960, heads: 15, kvHeads: 5, ffnHidden: 2560, vocab: 49152, maxPositions: 8192, tiedEmbeddings: true },
  ),
  // source: HuggingFaceTB/SmolLM2-1.7B config.json (tied, MHA); HF total 1.71B
  preset(
    {
      id: 'smollm2-1.7b',
      aliases: ['HuggingFaceTB/SmolLM2-1.7B', 'SmolLM2-1.7B', 'smollm2_1.7b'],
      displayName: 'SmolLM2 1.7B',
      source: 'HuggingFaceTB/SmolLM2-1.7B config.json',
      reportedParams: 1.71e9,
      seqLen: 2048,
      activation: 'swiglu',
    },
    { layers: 24, hidden: 2048, heads: 32, kvHeads: 32, ffnHidden: 8192, vocab: 49152, maxPositions: 8192, tiedEmbeddings: true },
  ),
]);

// ───────────────────────────── lookup ─────────────────────────────

/** The last path segment (drops an org prefix like `meta-llama/` or a local directory), trailing slashes ignored. */
function baseName(name: string): string {
  const trimmed = name.trim().replace(/[/\\]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i >= 0 ? trimmed.slice(i + 1) : trimmed;
}

/** Lower-case, with '_', '-', '.', ' ' removed. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[\s_.\-]+/g, '');
}


/**
 * Suffixes that name a variant with the same architecture (fine-tunes, conversions, quantizations). Stripped one at
 * a time from the end, only after the exact form was not found.
 */
const VARIANT_SUFFIX =
  /[-_. ](?:hf|instruct|chat|base|it|sft|dpo|rlhf|deduped|v0\.1|v1\.0|v1|awq|gptq|gguf|fp8|bf16|fp16|int4|int8)$/i;

let index: Map<string, ModelPreset> | undefined;

function getIndex(): Map<string, ModelPreset> {
  if (index) return index;
  const map = new Map<string, ModelPreset>();
  for (const p of PRESETS) {
    for (const n of [p.id, p.displayName, ...p.aliases]) {
      const k = squash(baseName(n));
      if (k && !map.has(k)) map.set(k, p);
    }
  }
  index = map;
  return map;
}

/**
 * Find a preset by id, alias, display name, HF repo id or framework model name. Case-insensitive; '_', '-', '.', ' '
 * and an org prefix (`meta-llama/`) are ignored. If the exact form is unknown, variant suffixes such as `-hf`,
 * `-instruct`, `-chat`, `-base`, `-it`, `-v0.1` are stripped one by one (`Llama-2-7b-chat-hf` → `llama-2-7b`).
 */
export function findPreset(name: string): ModelPreset | undefined {
  const idx = getIndex();
  let base = baseName(name);
  for (;;) {
    const k = squash(base);
    if (!k) return undefined;
    const hit = idx.get(k);
    if (hit) return hit;
    const stripped = base.replace(VARIANT_SUFFIX, '');
    if (stripped === base) return undefined;
    base = stripped;
  }
}

export function presetIds(): string[] {
  return PRESETS.map((p) => p.id);
}
