/**
 * Hugging Face files: a model's `config.json` (transformers `PretrainedConfig` subclasses: LlamaConfig, Qwen2Config,
 * Qwen3MoeConfig, MixtralConfig, GemmaConfig, GPT2Config, GPTNeoXConfig, DeepseekV3Config, GptOssConfig, …), DeepSeek's
 * own inference `ModelArgs` JSON (deepseek-ai/DeepSeek-V3 inference/configs/*.json, defaults from inference/model.py),
 * and TRL / alignment-handbook recipe YAML (HfArgumentParser over ModelConfig + SFTConfig/DPOConfig/ORPOConfig, i.e.
 * transformers `TrainingArguments`).
 *
 * Conventions taken from those sources:
 * - `intermediate_size` is the true (per-branch) MLP width; gated (SwiGLU/GeGLU) for every family except GPT-2 and
 *   GPT-NeoX (GELU, 2 matrices, biases, LayerNorm); GPT-2 also has learned positions and tied embeddings.
 * - `tie_word_embeddings` defaults differ per class: true for Gemma/GPT-2, false for Llama, Mistral, Qwen, Phi-3,
 *   GPT-NeoX, DeepSeek, gpt-oss.
 * - Qwen2 has q/k/v biases; Qwen3 and Gemma 3 add q/k RMSNorms (head_dim each); Gemma 2/3 have 4 norms per layer.
 * - DeepSeek MLA attention is not a GQA shape: see ./modelArch.ts (exact parameters, approximate attention FLOPs).
 * - TrainingArguments: `per_device_train_batch_size` × `gradient_accumulation_steps` × world size = global batch;
 *   `max_steps: -1` = train `num_train_epochs` epochs (tokens then depend on the dataset size); `bf16`/`fp16` = AMP
 *   mixed precision; `gradient_checkpointing` recomputes every layer. TRL: `max_seq_length` (SFT, older) /
 *   `max_length`; `use_peft` + `lora_r` (+ `load_in_4bit` = QLoRA).
 */
import type { Finding } from '../core/findings';
import { derived, dflt, sv, type TrainingPlan } from '../core/plan';
import { applyRules, bool, hintsFrom, isSentinel, lookup, numberOf, size, str, type KeyRule } from './common';
import { applyModelName, boolOf, mlaAsAttention, moeWidths, normsWithExtra, optimizerKind, applyDeepSpeedStage, strOf } from './modelArch';
import type { ParsedDocument } from './syntax/tree';
import type { AdapterContext, DialectAdapter, DialectResult } from './types';

// ───────────────────────────── model config.json ─────────────────────────────

const DIM_RULES: readonly KeyRule[] = [
  { field: 'model.layers', keys: ['num_hidden_layers', 'n_layer', 'num_layers', 'n_layers'], kind: size(1, 100_000) },
  { field: 'model.hidden', keys: ['hidden_size', 'n_embd', 'd_model', 'dim'], kind: size(1, 10_000_000) },
  { field: 'model.heads', keys: ['num_attention_heads', 'n_head', 'n_heads'], kind: size(1, 100_000) },
  { field: 'model.kvHeads', keys: ['num_key_value_heads', 'num_kv_heads'], kind: size(1, 100_000) },
  { field: 'model.headDim', keys: ['head_dim'], kind: size(1, 100_000) },
  { field: 'model.ffnHidden', keys: ['intermediate_size', 'n_inner', 'ffn_dim', 'inter_dim'], kind: size(1, 100_000_000) },
  { field: 'model.vocab', keys: ['vocab_size', 'padded_vocab_size'], kind: size(1, 100_000_000) },
  { field: 'model.maxPositions', keys: ['max_position_embeddings', 'n_positions'], kind: size(1, 100_000_000) },
  { field: 'model.tiedEmbeddings', keys: ['tie_word_embeddings'], kind: bool },
  { field: 'model.experts', keys: ['num_local_experts', 'num_experts', 'n_routed_experts'], kind: size(0, 1_000_000) },
  { field: 'model.topK', keys: ['num_experts_per_tok', 'n_activated_experts', 'moe_top_k'], kind: size(0, 1_000_000) },
  { field: 'model.expertFfnHidden', keys: ['moe_intermediate_size', 'moe_inter_dim'], kind: size(1, 100_000_000) },
  { field: 'model.denseLayers', keys: ['first_k_dense_replace', 'n_dense_layers'], kind: size(0, 100_000) },
];

interface Family {
  gated: boolean;
  tied: boolean;
  norm?: 'rmsnorm' | 'layernorm';
  bias?: boolean;
  qkvBias?: boolean;
  learnedPositions?: boolean;
  norms?: number;
  /** q/k RMSNorm over head_dim (Qwen3, Gemma 3). */
  qkNorm?: boolean;
  mla?: boolean;
  geglu?: boolean;
}

const FAMILIES: Record<string, Family> = {
  llama: { gated: true, tied: false },
  mistral: { gated: true, tied: false },
  mixtral: { gated: true, tied: false },
  qwen2: { gated: true, tied: false, qkvBias: true },
  qwen2_moe: { gated: true, tied: false, qkvBias: true },
  qwen3: { gated: true, tied: false, qkNorm: true },
  qwen3_moe: { gated: true, tied: false, qkNorm: true },
  phi3: { gated: true, tied: false },
  olmo2: { gated: true, tied: false },
  gemma: { gated: true, tied: true, geglu: true },
  gemma2: { gated: true, tied: true, geglu: true, norms: 4 },
  gemma3_text: { gated: true, tied: true, geglu: true, norms: 4, qkNorm: true },
  gpt2: { gated: false, tied: true, norm: 'layernorm', bias: true, learnedPositions: true },
  gpt_neox: { gated: false, tied: false, norm: 'layernorm', bias: true },
  deepseek_v2: { gated: true, tied: false, mla: true },
  deepseek_v3: { gated: true, tied: false, mla: true },
  gpt_oss: { gated: true, tied: false, bias: true },
};

/** DeepSeek inference `ModelArgs` defaults (deepseek-ai/DeepSeek-V3 inference/model.py). */
const DEEPSEEK_ARGS = { vocab_size: 102400, dim: 2048, inter_dim: 10944, moe_inter_dim: 1408, n_layers: 27, n_dense_layers: 1, n_heads: 16, n_routed_experts: 64, n_shared_experts: 2, n_activated_experts: 6, q_lora_rank: 0, kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128 };

function isDeepSeekArgs(parsed: ParsedDocument): boolean {
  return parsed.entries.has('dim') && parsed.entries.has('n_layers') && ['inter_dim', 'moe_inter_dim', 'kv_lora_rank', 'n_routed_experts'].some((k) => parsed.entries.has(k));
}

function isModelConfig(parsed: ParsedDocument): boolean {
  const layers = ['num_hidden_layers', 'n_layer'].some((k) => parsed.entries.has(k));
  const hidden = ['hidden_size', 'n_embd', 'd_model'].some((k) => parsed.entries.has(k));
  const id = ['model_type', 'architectures', 'vocab_size'].some((k) => parsed.entries.has(k));
  return layers && hidden && id;
}

function modelConfig(parsed: ParsedDocument): DialectResult {
  const { plan, findings } = applyRules(parsed, DIM_RULES);
  const deepseekArgs = !parsed.entries.has('model_type') && isDeepSeekArgs(parsed);
  const type = deepseekArgs ? 'deepseek_v3' : familyName(parsed);
  const fam = FAMILIES[type];
  const typeE = parsed.entries.get('model_type') ?? parsed.entries.get('architectures.0');
  if (!fam && typeE) {
    findings.push({ code: 'missing-value', severity: 'information', message: `model_type "${String(typeE.value)}" is not one Scaling Lens knows: a Llama-style decoder (gated MLP, RMSNorm, untied embeddings unless tie_word_embeddings) is assumed.`, range: typeE.valueRange });
  }
  const f = fam ?? FAMILIES.llama!;
  const why = (what: string) => dflt(what, `${type || 'llama'} config default (transformers ${type || 'llama'} configuration)`);
  const m = plan.model;
  if (deepseekArgs) deepseekDefaults(parsed, plan);
  m.activation ??= sv(f.geglu ? 'geglu' : f.gated ? 'swiglu' : 'gelu', why('activation'));
  m.tiedEmbeddings ??= sv(f.tied, why('tie_word_embeddings'));
  if (f.norm) m.norm ??= sv(f.norm, why('norm'));
  if (f.learnedPositions) m.learnedPositions ??= sv(true, why('learned position embeddings'));
  bias(parsed, plan, f, type);
  if (type === 'gpt2' && !m.ffnHidden && m.hidden) m.ffnHidden = sv(4 * m.hidden.value, derived('n_inner null → 4 · n_embd (GPT2Config)', ['n_embd']));
  if (type === 'gemma' && !m.headDim) m.headDim = sv(256, why('head_dim'));
  extraNorms(parsed, plan, f);
  findings.push(...moe(parsed, plan, type));
  if (f.mla) findings.push(...mla(parsed, plan));
  const hints = { ...hintsFrom(DIM_RULES), 'model.params': hintsFrom(DIM_RULES)['model.layers']!, 'training.tokens': 'the training config that uses this model' };
  return { plan, findings, keyHints: hints, hardwareHint: 'a training config or accelerate config supplies the hardware (this file only describes the model)' };
}

function familyName(parsed: ParsedDocument): string {
  const t = strOf(parsed.entries.get('model_type'))?.toLowerCase();
  if (t) return t;
  const arch = strOf(parsed.entries.get('architectures.0'))?.toLowerCase() ?? '';
  // the longest family prefix wins: Qwen2MoeForCausalLM → qwen2_moe, Gemma2ForCausalLM → gemma2
  const known = Object.keys(FAMILIES).filter((k) => arch.startsWith(k.replace(/_/g, ''))).sort((a, b) => b.length - a.length);
  return known[0] ?? '';
}

function deepseekDefaults(parsed: ParsedDocument, plan: TrainingPlan): void {
  const m = plan.model;
  const d = (k: keyof typeof DEEPSEEK_ARGS) => sv(DEEPSEEK_ARGS[k], dflt(k, `DeepSeek inference ModelArgs default ${DEEPSEEK_ARGS[k]}`));
  m.layers ??= d('n_layers');
  m.hidden ??= d('dim');
  m.heads ??= d('n_heads');
  m.vocab ??= d('vocab_size');
  m.ffnHidden ??= d('inter_dim');
  m.expertFfnHidden ??= d('moe_inter_dim');
  m.denseLayers ??= d('n_dense_layers');
  m.experts ??= d('n_routed_experts');
  m.topK ??= d('n_activated_experts');
  void parsed;
}

function bias(parsed: ParsedDocument, plan: TrainingPlan, f: Family, type: string): void {
  const m = plan.model;
  const attnBias = boolOf(parsed.entries.get('attention_bias'));
  if (f.bias) m.bias ??= sv(true, dflt('bias', `${type}: biases in attention and MLP`));
  else if (attnBias) {
    const e = parsed.entries.get('attention_bias')!;
    m.qkvBias = sv(true, { kind: 'document', key: 'attention_bias (q/k/v biases; the o_proj bias is not counted)', range: e.valueRange, ...(e.keyRange ? { keyRange: e.keyRange } : {}) });
  } else if (f.qkvBias) m.qkvBias ??= sv(true, dflt('qkv bias', `${type}: q/k/v projections have biases`));
}

/** Per-layer norm vectors beyond the two decoder norms (Gemma 2/3: 4; Qwen3/Gemma 3: q/k norms of head_dim). */
function extraNorms(parsed: ParsedDocument, plan: TrainingPlan, f: Family): void {
  const m = plan.model;
  if (!m.hidden) return;
  const heads = m.heads?.value;
  const headDim = m.headDim?.value ?? (heads ? m.hidden.value / heads : undefined);
  const base = f.norms ?? 2;
  const extra = f.qkNorm && headDim ? 2 * headDim : 0;
  if (base === 2 && extra === 0) return;
  m.normsPerLayer = sv(normsWithExtra(m.hidden.value, extra, base), derived(`${base} RMSNorms per layer${extra ? ` + q/k norms (2 × head_dim ${headDim})` : ''}`, ['model_type']));
  void parsed;
}

/** MoE shapes the key table cannot express: shared experts, sparse-step layouts. */
function moe(parsed: ParsedDocument, plan: TrainingPlan, type: string): Finding[] {
  const m = plan.model;
  const findings: Finding[] = [];
  if (!m.experts || m.experts.value <= 1 || !m.hidden) return findings;
  if (type === 'mixtral') m.topK ??= sv(2, dflt('num_experts_per_tok', 'Mixtral default 2'));
  const sharedWidth = numberOf(parsed.entries.get('shared_expert_intermediate_size'));
  const nShared = numberOf(parsed.entries.get('n_shared_experts')) ?? (type === 'deepseek_v3' && !parsed.entries.has('model_type') ? 2 : undefined);
  const expertFfn = m.expertFfnHidden?.value ?? m.ffnHidden?.value;
  const denseFfn = m.ffnHidden?.value ?? expertFfn;
  if (expertFfn === undefined || denseFfn === undefined) return findings;
  const step = numberOf(parsed.entries.get('decoder_sparse_step')) ?? 1;
  const mlpOnly = [...parsed.entries.keys()].filter((k) => /^mlp_only_layers\.\d+$/.test(k)).length;
  const layers = m.layers?.value ?? 0;
  const denseLayers = m.denseLayers?.value ?? (step > 1 ? layers - Math.floor(layers / step) : mlpOnly);
  const shared = sharedWidth !== undefined ? { n: 1, w: sharedWidth } : nShared ? { n: nShared, w: expertFfn } : { n: 0, w: expertFfn };
  const w = moeWidths({ denseFfn, denseLayers, expertFfn, nShared: shared.n, sharedWidth: shared.w });
  const origin = derived(`MoE layout: ${m.experts.value} routed experts of ${expertFfn}${shared.n ? `, ${shared.n} shared of ${shared.w}` : ''}${denseLayers ? `, ${denseLayers} dense layers of ${denseFfn}` : ''}`, ['model_type']);
  m.expertFfnHidden ??= sv(expertFfn, origin);
  if (!m.denseLayers && denseLayers) m.denseLayers = sv(denseLayers, origin);
  if (w.ffnHidden !== m.ffnHidden?.value) m.ffnHidden = sv(w.ffnHidden, origin);
  m.sharedExperts = sv(w.sharedExperts ?? 0, origin);
  return findings;
}

function mla(parsed: ParsedDocument, plan: TrainingPlan): Finding[] {
  const m = plan.model;
  if (!m.hidden || !m.heads) return [];
  const num = (k: keyof typeof DEEPSEEK_ARGS) => numberOf(lookup(parsed, k)) ?? DEEPSEEK_ARGS[k];
  const attn = mlaAsAttention({ hidden: m.hidden.value, heads: m.heads.value, qLoraRank: num('q_lora_rank'), kvLoraRank: num('kv_lora_rank'), qkNopeHeadDim: num('qk_nope_head_dim'), qkRopeHeadDim: num('qk_rope_head_dim'), vHeadDim: num('v_head_dim') });
  const origin = derived(`MLA-equivalent head dim: (wq/wq_a+wq_b, wkv_a, wkv_b, wo, latent norms) ÷ (4 · hidden · heads)`, ['q_lora_rank', 'kv_lora_rank', 'qk_nope_head_dim', 'qk_rope_head_dim', 'v_head_dim']);
  m.kvHeads = sv(attn.kvHeads!, origin);
  m.headDim = sv(attn.headDim!, origin);
  const at = parsed.entries.get('kv_lora_rank') ?? parsed.entries.get('n_heads') ?? parsed.entries.get('num_attention_heads');
  return (attn.notes ?? []).map((message) => ({ code: 'missing-value' as const, severity: 'information' as const, message, range: at ? at.keyRange ?? at.valueRange : { start: 0, end: 0 } }));
}

// ───────────────────────────── TRL / alignment-handbook recipes ─────────────────────────────

const RECIPE_RULES: readonly KeyRule[] = [
  { field: 'model.seqLen', keys: ['max_seq_length', 'max_length'], kind: size(1, 100_000_000) },
  { field: 'training.microBatch', keys: ['per_device_train_batch_size'], kind: size(1, 1e7) },
  { field: 'training.gradAccum', keys: ['gradient_accumulation_steps'], kind: size(1, 1e7) },
  { field: 'training.steps', keys: ['max_steps'], kind: size(1, 1e12) },
  { field: 'training.precision', keys: ['bf16'], kind: bool, map: (v) => (v ? 'bf16-mixed' : undefined) },
  { field: 'training.precision', keys: ['fp16'], kind: bool, map: (v) => (v ? 'fp16-mixed' : undefined) },
  { field: 'training.optimizer', keys: ['optim'], kind: str, map: (v) => optimizerKind(String(v)) },
  { field: 'training.activationCheckpointing', keys: ['gradient_checkpointing'], kind: bool, map: (v) => (v ? 'full' : 'none') },
  { field: 'training.loraRank', keys: ['lora_r'], kind: size(1, 1_000_000) },
];

const RECIPE_KEYS = ['per_device_train_batch_size', 'gradient_accumulation_steps', 'num_train_epochs', 'learning_rate', 'output_dir', 'max_steps', 'lr_scheduler_type', 'warmup_ratio'];

function recipe(parsed: ParsedDocument, ctx: AdapterContext): DialectResult {
  const { plan, findings } = applyRules(parsed, RECIPE_RULES);
  const name = parsed.entries.get('model_name_or_path');
  if (name) findings.push(...applyModelName(plan, name, 'model_name_or_path'));
  findings.push(...finetuneMethod(parsed, plan));
  findings.push(...distributed(parsed, plan, ctx));
  const epochs = parsed.entries.get('num_train_epochs');
  if (!plan.training.steps && epochs && !isSentinel(epochs)) {
    findings.push({
      code: 'missing-value',
      severity: 'information',
      message: `Training tokens for \`num_train_epochs: ${epochs.raw ?? String(epochs.value)}\` depend on the dataset size, which is not in this file (\`max_steps: -1\` = train by epochs): set \`max_steps\`, or a \`# scaling-lens: tokens=…\` comment.`,
      range: epochs.keyRange ?? epochs.valueRange,
    });
  }
  const warmup = parsed.entries.get('warmup_ratio');
  const wr = numberOf(warmup);
  if (warmup && wr !== undefined && (wr < 0 || wr > 1)) findings.push({ code: 'invalid-value', severity: 'warning', message: `\`warmup_ratio: ${wr}\` is a fraction of the training steps (0–1); for a number of steps use \`warmup_steps\`.`, range: warmup.valueRange });
  return {
    plan,
    findings,
    keyHints: { ...hintsFrom(RECIPE_RULES), 'model.preset': 'model_name_or_path (a known model id)', 'model.params': 'model_name_or_path', 'training.tokens': 'max_steps', 'training.globalBatch': 'per_device_train_batch_size', 'cluster.count': '# scaling-lens: count=…', 'cluster.gpu': '# scaling-lens: gpu=…' },
    hardwareHint: 'the launcher supplies the GPUs (`accelerate launch --config_file …` num_processes, or torchrun): analyse the accelerate config, or add `# scaling-lens: gpu=H100 count=8`',
  };
}

/** SFT/DPO/ORPO on a pretrained model: full fine-tuning unless `use_peft` (LoRA; `load_in_4bit` = QLoRA). */
function finetuneMethod(parsed: ParsedDocument, plan: TrainingPlan): Finding[] {
  const peftE = parsed.entries.get('use_peft');
  const q4 = parsed.entries.get('load_in_4bit');
  const kind = parsed.entries.has('beta') ? (parsed.entries.has('max_prompt_length') ? 'preference optimisation (DPO/ORPO)' : 'DPO/ORPO') : 'SFT';
  if (peftE && boolOf(peftE)) {
    const quant = q4 && boolOf(q4);
    const from = quant ? q4 : peftE;
    plan.training.finetune = sv(quant ? 'qlora' : 'lora', { kind: 'document', key: `${from.dotted} (${kind} with PEFT adapters)`, range: from.valueRange, ...(from.keyRange ? { keyRange: from.keyRange } : {}) });
    return [];
  }
  const name = parsed.entries.get('model_name_or_path');
  plan.training.finetune = sv('full', derived(`TRL ${kind} trains every weight of model_name_or_path (no use_peft)`, name ? ['model_name_or_path'] : []));
  delete plan.training.loraRank; // lora_r is read only with use_peft
  return [];
}

/** Optional `deepspeed:` (a DeepSpeed JSON path) and `fsdp:` (e.g. "full_shard auto_wrap") TrainingArguments. */
function distributed(parsed: ParsedDocument, plan: TrainingPlan, ctx: AdapterContext): Finding[] {
  const ds = parsed.entries.get('deepspeed');
  if (ds && !isSentinel(ds)) return applyDeepSpeedStage(ds, plan, ctx);
  const fsdp = parsed.entries.get('fsdp');
  const text = fsdp?.kind === 'scalar' ? String(fsdp.value ?? '') : [...parsed.entries.values()].filter((e) => e.path[0] === 'fsdp' && e.kind === 'scalar').map((e) => String(e.value)).join(' ');
  if (fsdp && /full_shard|hybrid_shard/i.test(text)) plan.parallelism.fsdp = sv(true, { kind: 'document', key: 'fsdp', range: fsdp.valueRange, ...(fsdp.keyRange ? { keyRange: fsdp.keyRange } : {}) });
  else if (fsdp && /shard_grad_op/i.test(text)) plan.parallelism.zero = sv(2, { kind: 'document', key: 'fsdp (SHARD_GRAD_OP ≡ ZeRO-2)', range: fsdp.valueRange, ...(fsdp.keyRange ? { keyRange: fsdp.keyRange } : {}) });
  return [];
}

// ───────────────────────────── the adapter ─────────────────────────────

export const HF_ADAPTER: DialectAdapter = {
  id: 'huggingface',
  name: 'Hugging Face',
  memoryProfile: 'hf',
  detect(parsed) {
    if (parsed.format === 'json' && isModelConfig(parsed)) {
      const type = strOf(parsed.entries.get('model_type'));
      return { score: 70, reason: `model config.json: ${['num_hidden_layers', 'n_layer', 'hidden_size', 'n_embd'].filter((k) => parsed.entries.has(k)).join(', ')}${type ? `, model_type ${type}` : ''}` };
    }
    if (parsed.format === 'json' && isDeepSeekArgs(parsed) && parsed.entries.has('n_heads')) {
      return { score: 70, reason: 'DeepSeek ModelArgs JSON: dim, n_layers, n_heads, inter_dim/kv_lora_rank' };
    }
    if (parsed.format !== 'yaml' || !parsed.entries.has('model_name_or_path')) return undefined;
    const found = RECIPE_KEYS.filter((k) => parsed.entries.has(k));
    if (found.length < 2) return undefined;
    return { score: Math.min(85, 60 + 4 * found.length), reason: `TRL recipe: model_name_or_path, ${found.slice(0, 3).join(', ')}` };
  },
  adapt(parsed, ctx) {
    if (parsed.format === 'json' && (isModelConfig(parsed) || isDeepSeekArgs(parsed))) return modelConfig(parsed);
    return recipe(parsed, ctx);
  },
};
