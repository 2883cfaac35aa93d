/**
 * torchtitan model flavors: `[model] name` + `flavor` → dims. torchtitan defines them in Python
 * (pytorch/torchtitan torchtitan/models/<name>/__init__.py: `llama3_configs`/`llama3_args`, `llama4_args`,
 * `deepseekv3_args`, `qwen3_args`, `gptoss_configs`; defaults in each `model/args.py` and `models/moe.py` MoEArgs:
 * 8 experts, top-1, 1 shared expert). FFN widths follow torchtitan's own arithmetic:
 *   dense  hidden = multiple_of · ceil(int(ffn_dim_multiplier · int(2 · 4·dim / 3)) / multiple_of)
 *   Llama 4 MoE hidden = the same before rounding, ÷ (top_k + num_shared_experts), then rounded up to multiple_of;
 *   MoE layers every `interleave_moe_layer_step` layers (default 2; 1 = every layer).
 * Vocab sizes are the flavor's own (`vocab_size=`), else the args default (Llama 3 128256, Llama 4 202048).
 * Variant suffixes (`_flex_attn`, `_varlen`, `_irope`, …) change kernels, not dims.
 */
import { deepseekArch, gptOssArch, moeWidths, qwen3Arch, type Arch } from './modelArch';

const SRC = 'pytorch/torchtitan torchtitan/models';

/** torchtitan `compute_ffn_hidden_dim` / FeedForward: SwiGLU width from dim, multiple_of, ffn_dim_multiplier. */
export function ffnHiddenDim(dim: number, multipleOf: number, multiplier?: number): number {
  let h = Math.trunc((2 * 4 * dim) / 3);
  if (multiplier !== undefined) h = Math.trunc(multiplier * h);
  return multipleOf * Math.ceil(h / multipleOf);
}

function llama3(flavor: string, dim: number, layers: number, heads: number, kvHeads: number, vocab: number, multipleOf: number, mult?: number): Arch {
  return { source: `${SRC}/llama3 flavor ${flavor}`, layers, hidden: dim, heads, kvHeads, ffnHidden: ffnHiddenDim(dim, multipleOf, mult), vocab, tiedEmbeddings: false };
}

function llama4(flavor: string, o: { dim: number; layers: number; heads: number; kvHeads: number; vocab: number; multipleOf: number; mult?: number; experts: number; interleave: number }): Arch {
  const topK = 1;
  const shared = 1;
  let moe = Math.trunc((2 * 4 * o.dim) / 3);
  if (o.mult !== undefined) moe = Math.trunc(o.mult * moe);
  moe = Math.trunc(moe / (topK + shared));
  moe += (o.multipleOf - (moe % o.multipleOf)) % o.multipleOf;
  const moeLayers = Math.floor(o.layers / o.interleave);
  return {
    source: `${SRC}/llama4 flavor ${flavor} (MoE every ${o.interleave === 1 ? 'layer' : `${o.interleave} layers`}, top-1 + 1 shared expert)`,
    layers: o.layers,
    hidden: o.dim,
    heads: o.heads,
    kvHeads: o.kvHeads,
    vocab: o.vocab,
    tiedEmbeddings: false,
    experts: o.experts,
    topK,
    ...moeWidths({ denseFfn: ffnHiddenDim(o.dim, o.multipleOf, o.mult), denseLayers: o.layers - moeLayers, expertFfn: moe, nShared: shared, sharedWidth: moe }),
  };
}

function qwen3(flavor: string, o: Parameters<typeof qwen3Arch>[1]): Arch {
  return qwen3Arch(`${SRC}/qwen3 flavor ${flavor}`, o);
}

function gptOss(flavor: string, dim: number, layers: number, experts: number, vocab: number): Arch {
  return gptOssArch(`${SRC}/gpt_oss flavor ${flavor} (GptOssModelArgs: 64 heads × 64, 8 KV heads, expert width 2880, top-4, biases)`, layers, dim, experts, vocab);
}

const ds = (flavor: string, d: Parameters<typeof deepseekArch>[1]): Arch => deepseekArch(`${SRC}/deepseek_v3 flavor ${flavor}`, d);
const MLA_V2 = { qLoraRank: 0, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 };

export const TORCHTITAN_FLAVORS: Record<string, Record<string, Arch>> = {
  llama3: {
    debugmodel: llama3('debugmodel', 256, 6, 16, 16, 2048, 256),
    '8B': llama3('8B', 4096, 32, 32, 8, 128256, 1024, 1.3),
    '70B': llama3('70B', 8192, 80, 64, 8, 128256, 4096, 1.3),
    '405B': llama3('405B', 16384, 126, 128, 8, 128256, 4096, 1.2),
  },
  llama4: {
    debugmodel: llama4('debugmodel', { dim: 256, layers: 6, heads: 16, kvHeads: 16, vocab: 2048, multipleOf: 256, experts: 8, interleave: 2 }),
    '17bx16e': llama4('17bx16e', { dim: 5120, layers: 48, heads: 40, kvHeads: 8, vocab: 202048, multipleOf: 2048, mult: 1.2, experts: 16, interleave: 1 }),
    '17bx128e': llama4('17bx128e', { dim: 5120, layers: 48, heads: 40, kvHeads: 8, vocab: 202048, multipleOf: 2048, mult: 1.2, experts: 128, interleave: 2 }),
  },
  deepseek_v3: {
    debugmodel: ds('debugmodel', { vocab: 2048, hidden: 256, denseFfn: 1024, moeFfn: 256, layers: 6, denseLayers: 1, heads: 16, experts: 8, shared: 2, topK: 3, ...MLA_V2 }),
    '16B': ds('16B', { vocab: 102400, hidden: 2048, denseFfn: 10944, moeFfn: 1408, layers: 27, denseLayers: 1, heads: 16, experts: 64, shared: 2, topK: 6, ...MLA_V2 }),
    '236B': ds('236B', { vocab: 102400, hidden: 5120, denseFfn: 12288, moeFfn: 1536, layers: 60, denseLayers: 1, heads: 128, experts: 160, shared: 2, topK: 6, ...MLA_V2, qLoraRank: 1536 }),
    '671B': ds('671B', { vocab: 129280, hidden: 7168, denseFfn: 18432, moeFfn: 2048, layers: 61, denseLayers: 3, heads: 128, experts: 256, shared: 1, topK: 8, ...MLA_V2, qLoraRank: 1536 }),
  },
  qwen3: {
    debugmodel: qwen3('debugmodel', { dim: 256, layers: 8, heads: 16, kvHeads: 8, ffn: 3072, vocab: 2048, tied: true }),
    '0.6B': qwen3('0.6B', { dim: 1024, layers: 28, heads: 16, kvHeads: 8, ffn: 3072, vocab: 151936, tied: true }),
    '1.7B': qwen3('1.7B', { dim: 2048, layers: 28, heads: 16, kvHeads: 8, ffn: 6144, vocab: 151936, tied: true }),
    '4B': qwen3('4B', { dim: 2560, layers: 36, heads: 32, kvHeads: 8, ffn: 9728, vocab: 151936, tied: true }),
    '8B': qwen3('8B', { dim: 4096, layers: 36, heads: 32, kvHeads: 8, ffn: 12288, vocab: 151936, tied: false }),
    '14B': qwen3('14B', { dim: 5120, layers: 40, heads: 40, kvHeads: 8, ffn: 17408, vocab: 151936, tied: false }),
    '32B': qwen3('32B', { dim: 5120, layers: 64, heads: 64, kvHeads: 8, ffn: 25600, vocab: 151936, tied: false }),
    debugmodel_moe: qwen3('debugmodel_moe', { dim: 256, layers: 8, heads: 16, kvHeads: 8, ffn: 3072, vocab: 2048, tied: false, moe: { ffn: 768, experts: 64, topK: 8 } }),
    '30B-A3B': qwen3('30B-A3B', { dim: 2048, layers: 48, heads: 32, kvHeads: 4, ffn: 6144, vocab: 151936, tied: false, moe: { ffn: 768, experts: 128, topK: 8 } }),
    '235B-A22B': qwen3('235B-A22B', { dim: 4096, layers: 94, heads: 64, kvHeads: 4, ffn: 12288, vocab: 151936, tied: false, moe: { ffn: 1536, experts: 128, topK: 8 } }),
  },
  gpt_oss: {
    debugmodel: gptOss('debugmodel', 256, 4, 8, 201088),
    '20b': gptOss('20b', 2880, 24, 32, 201088),
    '120b': gptOss('120b', 2880, 36, 128, 201088),
  },
};

const VARIANT = /_(?:flex_attn|varlen_attn|flex|varlen|irope|qk)$/i;

/** The dims of a torchtitan model name + flavor (case-insensitive; kernel variants map to their base flavor). */
export function torchtitanFlavor(name: string, flavor: string): Arch | undefined {
  const family = TORCHTITAN_FLAVORS[name.trim().toLowerCase().replace(/_ft$/, '')] ?? (name.trim().toLowerCase() === 'llama3.1' ? TORCHTITAN_FLAVORS.llama3 : undefined);
  if (!family) return undefined;
  const want = flavor.trim().replace(VARIANT, '').toLowerCase();
  const hit = Object.entries(family).find(([k]) => k.toLowerCase() === want);
  return hit?.[1];
}
