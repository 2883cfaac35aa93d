/**
 * Model architectures for the adapters that name a model instead of giving its dims (litgpt `model_name` /
 * `checkpoint_dir`, torchtitan `[model] flavor`, axolotl `base_model`, TRL `model_name_or_path`, mistral-finetune
 * `model_id_or_path`): name resolution against core/presets.ts (with quantisation/variant suffixes stripped), a small
 * table of models the preset catalog lacks, and `applyArch`, which writes an architecture into the plan with the
 * naming token as the origin of every dim (so hover and inlay hints land on that line).
 *
 * Two shapes the core's GQA/MoE formula does not express are mapped onto it exactly for the parameter count:
 * - DeepSeek Multi-head Latent Attention (MLA): its projection parameters are counted exactly and written as an
 *   equivalent (fractional) head dim: heads × headDim × 4 × hidden = MLA parameters. Attention-score FLOPs and
 *   activation memory that use the head dim are then approximate; an information finding says so.
 * - Shared experts whose width differs from the dense FFN width (DeepSeek, Llama 4 interleaved): written as a
 *   fractional count of dense-width experts (n_shared × shared width ÷ dense width).
 * Per-layer vectors the core does not count (Qwen3 q/k RMSNorm, gpt-oss attention sinks and router bias) are folded
 * into `normsPerLayer` (2 + extra ÷ hidden) so totals match the published counts.
 *
 * Sources of the table below: each model's Hugging Face `config.json` (cited per entry) and litgpt `litgpt/config.py`.
 */
import type { Finding } from '../core/findings';
import { doc, sv, type Activation, type ModelPlan, type TrainingPlan } from '../core/plan';
import { findPreset, type ModelPreset } from '../core/presets';
import type { ParsedDocument, SourceEntry } from './syntax/tree';
import { parseConfig } from './syntax/index';
import type { AdapterContext } from './types';

export interface Arch {
  /** Where the dims come from (shown in provenance). */
  source: string;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads?: number;
  headDim?: number;
  ffnHidden: number;
  vocab: number;
  tiedEmbeddings?: boolean;
  activation?: Activation;
  bias?: boolean;
  qkvBias?: boolean;
  norm?: 'rmsnorm' | 'layernorm' | 'nonparametric';
  normsPerLayer?: number;
  learnedPositions?: boolean;
  maxPositions?: number;
  experts?: number;
  topK?: number;
  sharedExperts?: number;
  expertFfnHidden?: number;
  denseLayers?: number;
  /** Context length of the model's main pretraining (used only when the file gives none). */
  seqLen?: number;
  /** Approximations worth an information finding (e.g. MLA). */
  notes?: string[];
}

// ───────────────────────────── shape helpers ─────────────────────────────

export interface MlaDims {
  hidden: number;
  heads: number;
  qLoraRank: number;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

/** Parameters of one DeepSeek MLA block: wq (or wq_a + q_norm + wq_b), wkv_a, kv_norm, wkv_b, wo. */
export function mlaParams(m: MlaDims): number {
  const qk = m.qkNopeHeadDim + m.qkRopeHeadDim;
  const q = m.qLoraRank > 0 ? m.hidden * m.qLoraRank + m.qLoraRank + m.qLoraRank * m.heads * qk : m.hidden * m.heads * qk;
  const kv = m.hidden * (m.kvLoraRank + m.qkRopeHeadDim) + m.kvLoraRank + m.kvLoraRank * m.heads * (m.qkNopeHeadDim + m.vHeadDim);
  const o = m.heads * m.vHeadDim * m.hidden;
  return q + kv + o;
}

/** MLA as the core's attention shape: heads = kv heads = n_heads, head dim chosen so 4·h·a·d = MLA parameters. */
export function mlaAsAttention(m: MlaDims): Pick<Arch, 'heads' | 'kvHeads' | 'headDim' | 'notes'> {
  const p = mlaParams(m);
  const headDim = p / (4 * m.hidden * m.heads);
  return {
    heads: m.heads,
    kvHeads: m.heads,
    headDim,
    notes: [
      `Multi-head Latent Attention (q_lora_rank ${m.qLoraRank}, kv_lora_rank ${m.kvLoraRank}) is not modelled as such: its ${p.toLocaleString('en-US')} parameters per layer are counted exactly and expressed as ${m.heads} heads of an equivalent head dim ${headDim.toFixed(2)}; attention-score FLOPs and activation memory are approximate.`,
    ],
  };
}

/**
 * MoE widths for the core: routed experts of `expertFfn`, `nShared` shared experts of `sharedWidth` each, and
 * `denseLayers` leading dense layers of `denseFfn`. The core sizes shared experts at `ffnHidden`.
 */
export function moeWidths(o: { denseFfn: number; denseLayers: number; expertFfn: number; nShared: number; sharedWidth: number }): Pick<Arch, 'ffnHidden' | 'sharedExperts' | 'expertFfnHidden' | 'denseLayers'> {
  if (o.denseLayers === 0 || o.nShared === 0) {
    const ffnHidden = o.denseLayers === 0 && o.nShared > 0 ? o.sharedWidth : o.denseFfn;
    return { ffnHidden, sharedExperts: o.nShared, expertFfnHidden: o.expertFfn, denseLayers: o.denseLayers };
  }
  return { ffnHidden: o.denseFfn, sharedExperts: (o.nShared * o.sharedWidth) / o.denseFfn, expertFfnHidden: o.expertFfn, denseLayers: o.denseLayers };
}

/** `normsPerLayer` that also counts `extra` per-layer vector parameters (q/k norms, sinks, router bias). */
export const normsWithExtra = (hidden: number, extra: number, norms = 2): number => norms + extra / hidden;

// ───────────────────────────── models missing from core/presets.ts ─────────────────────────────

/** Qwen3 dims (config.json; torchtitan qwen3 flavors): head_dim 128, q/k norms folded into norms per layer; MoE every layer. */
export function qwen3Arch(source: string, o: { dim: number; layers: number; heads: number; kvHeads: number; ffn: number; vocab?: number; tied: boolean; moe?: { ffn: number; experts: number; topK: number } }): Arch {
  return {
    source,
    layers: o.layers,
    hidden: o.dim,
    heads: o.heads,
    kvHeads: o.kvHeads,
    headDim: 128,
    ffnHidden: o.moe ? o.moe.ffn : o.ffn,
    vocab: o.vocab ?? 151936,
    tiedEmbeddings: o.tied,
    normsPerLayer: normsWithExtra(o.dim, 2 * 128), // + q_norm, k_norm (head_dim each)
    ...(o.moe ? { experts: o.moe.experts, topK: o.moe.topK, expertFfnHidden: o.moe.ffn, sharedExperts: 0 } : {}),
  };
}

const qwen3 = (size: string, layers: number, hidden: number, heads: number, kvHeads: number, ffn: number, tied: boolean): [string[], Arch] => [
  [`Qwen/Qwen3-${size}`],
  { ...qwen3Arch(`Qwen/Qwen3-${size} config.json`, { dim: hidden, layers, heads, kvHeads, ffn, tied }), seqLen: 4096 },
];
const qwen3Moe = (name: string, layers: number, hidden: number, heads: number, kvHeads: number, moeFfn: number): [string[], Arch] => [
  [`Qwen/${name}`],
  {
    ...qwen3Arch(`Qwen/${name} config.json (decoder_sparse_step 1: every layer MoE)`, { dim: hidden, layers, heads, kvHeads, ffn: moeFfn, tied: false, moe: { ffn: moeFfn, experts: 128, topK: 8 } }),
    seqLen: 4096,
  },
];

/** gpt-oss dims (openai/gpt-oss config.json; torchtitan GptOssModelArgs): 64 heads × 64, 8 KV heads, experts of 2880, top-4, biases. */
export function gptOssArch(source: string, layers: number, hidden: number, experts: number, vocab = 201088): Arch {
  return {
    source,
    layers,
    hidden,
    heads: 64,
    kvHeads: 8,
    headDim: 64,
    ffnHidden: 2880,
    expertFfnHidden: 2880,
    experts,
    topK: 4,
    vocab,
    tiedEmbeddings: false,
    bias: true, // q/k/v/o and expert biases
    normsPerLayer: normsWithExtra(hidden, 64 + experts), // + attention sinks (one per head) + router bias
  };
}

const gptOss = (size: string, layers: number, experts: number): [string[], Arch] => [
  [`openai/gpt-oss-${size}`],
  { ...gptOssArch(`openai/gpt-oss-${size} config.json`, layers, 2880, experts), seqLen: 4096 },
];

const EXTRA: readonly [string[], Arch][] = [
  qwen3('0.6B', 28, 1024, 16, 8, 3072, true),
  qwen3('1.7B', 28, 2048, 16, 8, 6144, true),
  qwen3('4B', 36, 2560, 32, 8, 9728, true),
  qwen3('8B', 36, 4096, 32, 8, 12288, false),
  qwen3('14B', 40, 5120, 40, 8, 17408, false),
  qwen3('32B', 64, 5120, 64, 8, 25600, false),
  qwen3Moe('Qwen3-30B-A3B', 48, 2048, 32, 4, 768),
  qwen3Moe('Qwen3-235B-A22B', 94, 4096, 64, 4, 1536),
  gptOss('20b', 24, 32),
  gptOss('120b', 36, 128),
  [
    ['HuggingFaceTB/SmolLM3-3B'],
    { source: 'HuggingFaceTB/SmolLM3-3B config.json', layers: 36, hidden: 2048, heads: 16, kvHeads: 4, ffnHidden: 11008, vocab: 128256, tiedEmbeddings: true, seqLen: 4096 },
  ],
  [
    ['mistralai/Mistral-7B-v0.3', 'Mistral-7B-Instruct-v0.3'],
    { source: 'mistralai/Mistral-7B-v0.3 config.json (vocab 32768)', layers: 32, hidden: 4096, heads: 32, kvHeads: 8, ffnHidden: 14336, vocab: 32768, tiedEmbeddings: false, seqLen: 8192 },
  ],
  // litgpt config.py: GPT-NeoX style (LayerNorm with bias, biases, GELU 4h MLP), vocab 50254 padded to a multiple of 128
  [
    ['EleutherAI/pythia-14m', 'pythia-14m'],
    { source: 'litgpt config.py pythia-14m (EleutherAI/pythia-14m)', layers: 6, hidden: 128, heads: 4, ffnHidden: 512, vocab: 50304, tiedEmbeddings: false, activation: 'gelu', bias: true, norm: 'layernorm', seqLen: 512 },
  ],
  [
    ['EleutherAI/pythia-31m', 'pythia-31m'],
    { source: 'litgpt config.py pythia-31m (EleutherAI/pythia-31m)', layers: 6, hidden: 256, heads: 8, ffnHidden: 1024, vocab: 50304, tiedEmbeddings: false, activation: 'gelu', bias: true, norm: 'layernorm', seqLen: 1024 },
  ],
  [
    ['keeeeenw/MicroLlama', 'micro-llama-300M'],
    { source: 'litgpt config.py micro-llama-300M (keeeeenw/MicroLlama)', layers: 12, hidden: 1024, heads: 16, kvHeads: 4, ffnHidden: 5632, vocab: 32000, tiedEmbeddings: false, seqLen: 2048 },
  ],
  [['deepseek-ai/DeepSeek-V3', 'deepseek-ai/DeepSeek-V3-Base', 'deepseek-ai/DeepSeek-V3.1-Base', 'DeepSeek-V3.1'], deepseekArch('deepseek-ai/DeepSeek-V3 config.json', {
    vocab: 129280, hidden: 7168, denseFfn: 18432, moeFfn: 2048, layers: 61, denseLayers: 3, heads: 128, experts: 256, shared: 1, topK: 8,
    qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128, seqLen: 4096,
  })],
  [['deepseek-ai/DeepSeek-V2-Lite', 'deepseek-ai/DeepSeek-V2-Lite-Chat'], deepseekArch('deepseek-ai/DeepSeek-V2-Lite config.json', {
    vocab: 102400, hidden: 2048, denseFfn: 10944, moeFfn: 1408, layers: 27, denseLayers: 1, heads: 16, experts: 64, shared: 2, topK: 6,
    qLoraRank: 0, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128, seqLen: 4096,
  })],
];

export interface DeepSeekDims extends Omit<MlaDims, 'hidden' | 'heads'> {
  vocab: number;
  hidden: number;
  denseFfn: number;
  moeFfn: number;
  layers: number;
  denseLayers: number;
  heads: number;
  experts: number;
  shared: number;
  topK: number;
  seqLen?: number;
  tied?: boolean;
}

/** A DeepSeek-V2/V3 style model (MLA + fine-grained MoE with shared experts and leading dense layers). */
export function deepseekArch(source: string, d: DeepSeekDims): Arch {
  const attn = mlaAsAttention({ hidden: d.hidden, heads: d.heads, qLoraRank: d.qLoraRank, kvLoraRank: d.kvLoraRank, qkNopeHeadDim: d.qkNopeHeadDim, qkRopeHeadDim: d.qkRopeHeadDim, vHeadDim: d.vHeadDim });
  return {
    source,
    layers: d.layers,
    hidden: d.hidden,
    vocab: d.vocab,
    tiedEmbeddings: d.tied ?? false,
    experts: d.experts,
    topK: d.topK,
    ...moeWidths({ denseFfn: d.denseFfn, denseLayers: d.denseLayers, expertFfn: d.moeFfn, nShared: d.shared, sharedWidth: d.moeFfn }),
    ...attn,
    ...(d.seqLen ? { seqLen: d.seqLen } : {}),
  };
}

/** Lower-case, with '_', '-', '.', ' ' removed (the same folding as core/presets.ts). */
const squash = (s: string): string => s.toLowerCase().replace(/[\s_.-]+/g, '');
const baseName = (s: string): string => {
  const t = s.trim().replace(/[/\\]+$/, '');
  return t.slice(Math.max(t.lastIndexOf('/'), t.lastIndexOf('\\')) + 1);
};

let extraIndex: Map<string, Arch> | undefined;
function extraByName(name: string): Arch | undefined {
  if (!extraIndex) {
    extraIndex = new Map();
    for (const [names, arch] of EXTRA) for (const n of names) extraIndex.set(squash(baseName(n)), arch);
  }
  return extraIndex.get(squash(baseName(name)));
}

/** Suffixes of re-uploads with the same architecture: quantisations, formats, instruction tunes, dated releases. */
const SUFFIX = /[-_.](?:bnb|nf4|4bit|8bit|fp16|bf16|fp8|fp32|awq|gptq|gguf|int4|int8|mxfp4|hf|instruct|chat|base|it|sft|dpo|\d{4}|v\d+(?:\.\d+)?)$/i;

export type ModelRef = { kind: 'preset'; preset: ModelPreset; name: string } | { kind: 'arch'; arch: Arch; name: string };

/** Resolve a model name (HF id, local checkpoint path, framework name) to a core preset or a table entry. */
export function resolveModelName(raw: string): ModelRef | undefined {
  let name = baseName(raw);
  for (let i = 0; i < 8 && name; i++) {
    const preset = findPreset(name);
    if (preset) return { kind: 'preset', preset, name };
    const arch = extraByName(name);
    if (arch) return { kind: 'arch', arch, name };
    const stripped = name.replace(SUFFIX, '');
    if (stripped === name) break;
    name = stripped;
  }
  return undefined;
}

// ───────────────────────────── writing an architecture into the plan ─────────────────────────────

const ARCH_FIELDS = [
  'layers', 'hidden', 'heads', 'kvHeads', 'headDim', 'ffnHidden', 'vocab', 'tiedEmbeddings', 'activation', 'bias', 'qkvBias', 'norm',
  'normsPerLayer', 'learnedPositions', 'maxPositions', 'experts', 'topK', 'sharedExperts', 'expertFfnHidden', 'denseLayers', 'seqLen',
] as const satisfies readonly (keyof Arch & keyof ModelPlan)[];

/**
 * Write `arch` into `plan.model` (fields the document did not set), each with the naming token as its origin.
 * Returns information findings for the architecture's approximations, at that token.
 */
export function applyArch(plan: TrainingPlan, arch: Arch, at: SourceEntry, label: string, opts: { file?: string; seqLen?: boolean } = {}): Finding[] {
  const model = plan.model as Record<string, unknown>;
  for (const f of ARCH_FIELDS) {
    const v = arch[f];
    if (v === undefined || model[f] !== undefined) continue;
    if (f === 'seqLen' && opts.seqLen === false) continue;
    model[f] = sv(v, doc(`${label} (${arch.source})`, at.valueRange, at.keyRange, opts.file));
  }
  return (arch.notes ?? []).map((message) => ({ code: 'missing-value', severity: 'information', message, range: at.keyRange ?? at.valueRange }));
}

/**
 * Set the model from a name written at `entry`: a core preset (as `model.preset`), a table entry (as dims), or an
 * unknown name (as `model.preset`, so the core's unknown-preset warning names it). Empty names: a missing-value note.
 */
export function applyModelName(plan: TrainingPlan, entry: SourceEntry, label: string, opts: { seqLen?: boolean } = {}): Finding[] {
  if (entry.kind !== 'scalar' || typeof entry.value !== 'string' || !entry.value.trim()) {
    return [{ code: 'missing-value', severity: 'information', message: `\`${entry.dotted}\` names no model: set it to a Hugging Face id or a local checkpoint path named after the model (e.g. meta-llama/Llama-3.1-8B) for parameter counts.`, range: entry.keyRange ?? entry.valueRange }];
  }
  const ref = resolveModelName(entry.value);
  if (ref?.kind === 'arch') return applyArch(plan, ref.arch, entry, label, opts);
  if (plan.model.preset) return [];
  const value = ref ? ref.preset.id : entry.value.trim();
  plan.model.preset = sv(value, doc(`${label}${ref && ref.name !== entry.value ? ` (${ref.name})` : ''}`, entry.valueRange, entry.keyRange));
  return [];
}

// ───────────────────────────── small shared readers ─────────────────────────────

/** A scalar string value (trimmed), or undefined. */
export function strOf(e: SourceEntry | undefined): string | undefined {
  return e && e.kind === 'scalar' && typeof e.value === 'string' && e.value.trim() ? e.value.trim() : undefined;
}

/** A scalar boolean as YAML 1.1 / Python / HF read it (`true`, `True`, `yes`), or undefined. */
export function boolOf(e: SourceEntry | undefined): boolean | undefined {
  if (!e || e.kind !== 'scalar') return undefined;
  if (typeof e.value === 'boolean') return e.value;
  if (typeof e.value === 'string' && /^(true|false|yes|no|on|off)$/i.test(e.value.trim())) return /^(true|yes|on)$/i.test(e.value.trim());
  return undefined;
}

/** Map a Trainer/axolotl optimizer name to the plan's optimizer kinds. */
export function optimizerKind(name: string): 'adamw' | 'adafactor' | 'sgd' | 'adamw-8bit' | undefined {
  const n = name.toLowerCase();
  if (/8bit|8_bit|bnb/.test(n)) return 'adamw-8bit';
  if (n.includes('adafactor')) return 'adafactor';
  if (/(^|[._])sgd$/.test(n) || n === 'sgd') return 'sgd';
  if (n.includes('adam')) return 'adamw';
  return undefined;
}

export interface DeepSpeedRef {
  stage?: 0 | 1 | 2 | 3;
  findings: Finding[];
  /** The stage entry in the referenced file and that file's resolved path. */
  stageEntry?: SourceEntry;
  path?: string;
}

/**
 * Read `zero_optimization.stage` from a DeepSpeed JSON named at `entry` (axolotl `deepspeed:`, TRL `deepspeed:`).
 * Unreadable → a missing-value note at the key; `"auto"` → not set.
 */
/** Set `parallelism.zero` from the DeepSpeed JSON a `deepspeed:` key names (with file provenance); findings if unreadable. */
export function applyDeepSpeedStage(entry: SourceEntry, plan: TrainingPlan, ctx: AdapterContext): Finding[] {
  const r = readDeepSpeedStage(entry, ctx);
  if (r.stage !== undefined && r.stageEntry) plan.parallelism.zero = sv(r.stage, { kind: 'document', key: 'zero_optimization.stage', range: r.stageEntry.valueRange, ...(r.path ? { file: r.path } : {}) });
  return r.findings;
}

export function readDeepSpeedStage(entry: SourceEntry, ctx: AdapterContext): DeepSpeedRef {
  const path = strOf(entry);
  if (!path) return { findings: [] };
  const note = (why: string): DeepSpeedRef => ({
    findings: [{ code: 'missing-value', severity: 'information', message: `\`${entry.dotted}\`: ${why}; the ZeRO stage is not known (add \`# scaling-lens:\`… or open the DeepSpeed JSON).`, range: entry.valueRange }],
  });
  if (!path.toLowerCase().endsWith('.json')) return note(`"${path}" is not a JSON file path`);
  const read = ctx.readFile?.(path) ?? ctx.readFile?.(baseName(path));
  if (!read) return note(`could not read ${path}`);
  let parsed: ParsedDocument;
  try {
    parsed = parseConfig(read.text, 'json');
  } catch {
    return note(`${path} is not valid JSON`);
  }
  const stageEntry = parsed.entries.get('zero_optimization.stage');
  const stage = stageEntry && stageEntry.kind === 'scalar' && typeof stageEntry.value === 'number' && [0, 1, 2, 3].includes(stageEntry.value) ? (stageEntry.value as 0 | 1 | 2 | 3) : undefined;
  return { ...(stage !== undefined ? { stage, stageEntry } : {}), path: read.path, findings: [] };
}
