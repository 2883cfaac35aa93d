/**
 * Levanter (stanford-crfm/levanter) YAML configs, read by draccus into TrainLmConfig / LoraLmConfig / SFT configs.
 *
 * Conventions from the framework's own source (src/levanter/models/{gpt2,llama,mistral,mixtral}.py,
 * src/levanter/trainer.py TrainerConfig, src/levanter/lora.py LoraConfig):
 * - `model.type` selects a dataclass whose defaults fill every dim the file leaves out (a preset per type below).
 *   GPT-2: 2-matrix MLP of mlp_scale × hidden (`intermediate_dim` is not read), learned positions of seq_len, token
 *   embedding reused as the LM head, LayerNorm and linear biases both follow `use_bias` (default true).
 *   Llama/Mistral/Mixtral: gated MLP (intermediate_dim), RMSNorm (`use_layer_norm_weight: false` = parameter-free),
 *   `tie_word_embeddings` default false; Mixtral `num_local_experts` 8, `num_experts_per_tok` 2.
 * - the vocabulary is the tokenizer's length (`data.tokenizer`, or `tokenizer` for SFT), not a model key.
 * - TrainerConfig defaults: train_batch_size 512 (an int, a schedule `[{start, value}]`, or -1 = per_device ×
 *   devices), num_train_steps 400,000, per_device_parallelism -1 (no accumulation), model_axis_size 1 (TP),
 *   fsdp_axis "embed" (FSDP ≡ ZeRO-3), mp "f32" (jmp policy string, e.g. `p=f32,c=bfloat16`).
 * - LoRA (lora_lm): `initialize_from_hf` names the HF model whose config gives the dims; LoraConfig r = 8.
 * - `data: !include data/x.yaml` (a custom tag) is read through ctx.readFile, relative to the file.
 */
import type { Finding } from '../core/findings';
import { dflt, derived, doc, sv, type Activation, type Origin, type TrainingPlan } from '../core/plan';
import { findPreset } from '../core/presets';
import { formatNumber } from '../core/units';
import { applyRules, countKeys, hasField, hintsFrom, isSentinel, lookup, numberOf, setField, size, topKeys, type KeyRule } from './common';
import { tpuSlice } from './maxtext';
import { parseConfig } from './syntax/index';
import type { ParsedDocument, SourceEntry } from './syntax/tree';
import type { AdapterContext, DialectAdapter, DialectResult } from './types';

// ───────────────────────────── model types ─────────────────────────────

interface TypeDefaults {
  source: string;
  seqLen: number;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads?: number;
  intermediate?: number;
  mlpScale?: number;
  gpt2?: boolean;
  experts?: number;
  topK?: number;
}

/** Dataclass defaults per `model.type` (levanter @9263f81 src/levanter/models/*.py). */
const TYPES: Readonly<Record<string, TypeDefaults>> = {
  gpt2: { source: 'levanter Gpt2Config defaults', seqLen: 1024, hidden: 768, layers: 12, heads: 12, mlpScale: 4, gpt2: true },
  llama: { source: 'levanter LlamaConfig defaults', seqLen: 2048, hidden: 4096, layers: 32, heads: 32, kvHeads: 32, intermediate: 11008 },
  mistral: { source: 'levanter MistralConfig defaults', seqLen: 8192, hidden: 4096, layers: 32, heads: 32, kvHeads: 8, intermediate: 14336 },
  mixtral: { source: 'levanter MixtralConfig defaults', seqLen: 8192, hidden: 4096, layers: 32, heads: 32, kvHeads: 8, intermediate: 14336, experts: 8, topK: 2 },
};

/**
 * len(tokenizer) for tokenizers that are not a model preset (Levanter sizes the vocabulary axis with it):
 * gpt2 50,257 (openai-community/gpt2 vocab_size); EleutherAI/gpt-neox-20b 50,277 (tokenizer.json: 50,254 BPE tokens +
 * 23 added; the model pads its embedding to 50,432); allenai/OLMo-1B 50,280 (its config's vocab_size).
 */
const TOKENIZER_VOCAB: Readonly<Record<string, number>> = {
  gpt2: 50257,
  'openai-community/gpt2': 50257,
  'eleutherai/gpt-neox-20b': 50277,
  'allenai/olmo-1b': 50280,
  'allenai/olmo-1b-hf': 50280,
};

export function tokenizerVocab(name: string): number | undefined {
  return TOKENIZER_VOCAB[name.trim().toLowerCase()] ?? findPreset(name)?.dims.vocab;
}

const RULES: readonly KeyRule[] = [
  { field: 'model.layers', keys: ['model.num_layers'], kind: size(1, 100_000) },
  { field: 'model.hidden', keys: ['model.hidden_dim'], kind: size(1, 10_000_000) },
  { field: 'model.heads', keys: ['model.num_heads'], kind: size(1, 100_000) },
  { field: 'model.kvHeads', keys: ['model.num_kv_heads'], kind: size(1, 100_000) },
  { field: 'model.seqLen', keys: ['max_train_length', 'max_seq_len', 'model.seq_len'], kind: size(1, 100_000_000) },
  { field: 'model.experts', keys: ['model.num_local_experts', 'model.n_routed_experts'], kind: size(1, 1_000_000) },
  { field: 'model.topK', keys: ['model.num_experts_per_tok'], kind: size(1, 1_000_000) },
  { field: 'training.steps', keys: ['trainer.num_train_steps'], kind: size(1, 1e12) },
  { field: 'training.microBatch', keys: ['trainer.per_device_parallelism'], kind: size(1, 1e7) },
  { field: 'parallelism.tp', keys: ['trainer.model_axis_size'], kind: size(1, 100_000) },
  { field: 'training.activationCheckpointing', keys: ['model.gradient_checkpointing'], kind: { type: 'enum', values: ['none', 'full'], aliases: { true: 'full', false: 'none' } } },
];

interface Ctx {
  parsed: ParsedDocument;
  ctx: AdapterContext;
  plan: TrainingPlan;
  findings: Finding[];
}

const origin = (e: SourceEntry, label: string, file?: string): Origin => doc(label, e.valueRange, e.keyRange, file);

function put(c: Ctx, field: string, value: unknown, e: SourceEntry, label = e.dotted, file?: string): void {
  setField(c.plan, field, sv(value, origin(e, label, file)));
}

function scalar(parsed: ParsedDocument, key: string): SourceEntry | undefined {
  const e = lookup(parsed, key);
  return e && e.kind === 'scalar' && !isSentinel(e) ? e : undefined;
}

// ───────────────────────────── data: !include ─────────────────────────────

interface DataView {
  parsed: ParsedDocument;
  /** Key prefix of the data section in `parsed` ('data.' in the file itself, '' in an included file). */
  prefix: string;
  file?: string;
}

/** The `data` section, following `!include` (relative to the including file, ≤ 4 deep, cycles stopped). */
function dataView(c: Ctx): DataView {
  let view: DataView = { parsed: c.parsed, prefix: 'data.' };
  const seen = new Set<string>([c.ctx.fileName]);
  for (let depth = 0; depth < 4; depth++) {
    const key = view.prefix ? 'data' : '';
    const e = key ? view.parsed.entries.get(key) : undefined;
    if (!e || e.kind !== 'scalar' || typeof e.value !== 'string' || !isInclude(view.parsed, e)) return view;
    const r = c.ctx.readFile?.(e.value.trim(), view.file);
    if (!r || seen.has(r.path)) {
      if (!view.file)
        c.findings.push({
          code: 'missing-value',
          severity: 'information',
          message: `\`data: !include ${e.value.trim()}\` could not be read${r ? ' (it includes itself)' : ''}: the tokenizer, and so the vocabulary size, is unknown.`,
          range: e.valueRange,
        });
      return view;
    }
    seen.add(r.path);
    view = { parsed: parseConfig(r.text, 'yaml'), prefix: '', file: r.path };
  }
  return view;
}

function isInclude(parsed: ParsedDocument, e: SourceEntry): boolean {
  const before = parsed.text.slice(e.keyRange?.end ?? Math.max(0, e.valueRange.start - 64), e.valueRange.start);
  return /!include\b/.test(before);
}

// ───────────────────────────── model ─────────────────────────────

function typeOf(parsed: ParsedDocument): { name: string; e?: SourceEntry; defaults?: TypeDefaults } {
  const e = scalar(parsed, 'model.type');
  const name = e && typeof e.value === 'string' ? e.value.trim().toLowerCase() : 'gpt2';
  return { name, ...(e ? { e } : {}), ...(TYPES[name] ? { defaults: TYPES[name] } : {}) };
}

/** HF model whose config supplies the dims (LoRA's initialize_from_hf, or use_hf_model_config). */
function hfModel(parsed: ParsedDocument): SourceEntry | undefined {
  const init = scalar(parsed, 'initialize_from_hf');
  const useHf = scalar(parsed, 'use_hf_model_config');
  const lora = isLora(parsed);
  if (init && typeof init.value === 'string' && (lora || useHf?.value === true)) return init;
  if (useHf?.value === true) return scalar(parsed, 'model.reference_checkpoint') ?? scalar(parsed, 'model_name_or_path');
  return undefined;
}

function readVocab(c: Ctx, data: DataView): void {
  const tokKey = data.prefix ? 'data.tokenizer' : 'tokenizer';
  const candidates: [ParsedDocument, string, string | undefined][] = [
    [data.parsed, tokKey, data.file],
    [c.parsed, 'tokenizer', undefined],
    [c.parsed, 'model.tokenizer', undefined],
  ];
  for (const [parsed, key, file] of candidates) {
    const e = scalar(parsed, key);
    if (!e || typeof e.value !== 'string') continue;
    const v = tokenizerVocab(e.value);
    if (v !== undefined) return put(c, 'model.vocab', v, e, `${key} (${e.value.trim()}: ${formatNumber(v)} tokens)`, file);
    if (!file)
      c.findings.push({ code: 'missing-value', severity: 'information', message: `The vocabulary size of tokenizer "${e.value.trim()}" is not known to Scaling Lens (Levanter uses len(tokenizer)); the parameter count needs it.`, range: e.valueRange });
    return;
  }
}

function activationFor(t: TypeDefaults | undefined, name: string | undefined): Activation {
  const a = (name ?? '').toLowerCase();
  if (t?.gpt2) return a === 'relu' ? 'relu' : 'gelu';
  return a.startsWith('gelu') ? 'geglu' : 'swiglu';
}

/** Type-specific structure: GPT-2's MLP width, positions, tying and biases; Llama-family norms and tying. */
function readStructure(c: Ctx, type: ReturnType<typeof typeOf>): void {
  const t = type.defaults;
  const act = scalar(c.parsed, 'model.activation_function');
  const activation = activationFor(t, typeof act?.value === 'string' ? act.value : undefined);
  if (act) put(c, 'model.activation', activation, act);
  else if (type.e) put(c, 'model.activation', activation, type.e, `model.type ${type.name} (${activation})`);
  const bias = scalar(c.parsed, 'model.use_bias');
  if (bias && typeof bias.value === 'boolean') put(c, 'model.bias', bias.value, bias);
  if (t?.gpt2) return readGpt2(c, type.e);
  const w = scalar(c.parsed, 'model.use_layer_norm_weight');
  if (w?.value === false) put(c, 'model.norm', 'nonparametric', w, 'model.use_layer_norm_weight false (parameter-free RMSNorm)');
  const ffn = scalar(c.parsed, 'model.intermediate_dim');
  const f = numberOf(ffn);
  if (ffn && f !== undefined) put(c, 'model.ffnHidden', f, ffn);
  const tie = scalar(c.parsed, 'model.tie_word_embeddings');
  if (tie && typeof tie.value === 'boolean') put(c, 'model.tiedEmbeddings', tie.value, tie);
}

function readGpt2(c: Ctx, typeEntry: SourceEntry | undefined): void {
  const hidden = c.plan.model.hidden?.value ?? TYPES.gpt2!.hidden;
  const scale = scalar(c.parsed, 'model.mlp_scale');
  const s = numberOf(scale) ?? 4;
  if (scale) put(c, 'model.ffnHidden', s * hidden, scale, 'model.mlp_scale × hidden_dim');
  else setField(c.plan, 'model.ffnHidden', sv(4 * hidden, dflt('model.mlp_scale', '4 × hidden_dim (levanter Gpt2Config)')));
  const inter = lookup(c.parsed, 'model.intermediate_dim');
  if (inter)
    c.findings.push({ code: 'invalid-value', severity: 'warning', message: 'Levanter\'s gpt2 model does not read `intermediate_dim`: its MLP is mlp_scale × hidden_dim (set model.mlp_scale).', range: inter.keyRange ?? inter.valueRange });
  const at = typeEntry ? (label: string) => origin(typeEntry, label) : (label: string) => dflt('model.type', label);
  setField(c.plan, 'model.tiedEmbeddings', sv(true, at('model.type gpt2 (the token embedding is the LM head)')));
  setField(c.plan, 'model.learnedPositions', sv(true, at('model.type gpt2 (learned position embeddings of seq_len)')));
  setField(c.plan, 'model.norm', sv('layernorm', at('model.type gpt2 (LayerNorm; its bias follows use_bias)')));
  if (!hasField(c.plan, 'model.bias')) setField(c.plan, 'model.bias', sv(true, dflt('model.use_bias', 'true (levanter Gpt2Config)')));
  const seq = lookup(c.parsed, 'model.seq_len');
  const pos = numberOf(seq) ?? TYPES.gpt2!.seqLen;
  setField(c.plan, 'model.maxPositions', sv(pos, seq ? origin(seq, 'model.seq_len (position table)') : dflt('model.seq_len', `${pos} (levanter Gpt2Config)`)));
}

/** Fill what the file leaves out from the type's dataclass defaults. */
function typeDefaults(c: Ctx, type: ReturnType<typeof typeOf>): void {
  const t = type.defaults;
  if (!t) {
    if (type.e && !hasField(c.plan, 'model.hidden'))
      c.findings.push({ code: 'missing-value', severity: 'information', message: `model.type "${type.name}": its default dims are not known to Scaling Lens; give model.hidden_dim, num_layers, num_heads and intermediate_dim.`, range: type.e.valueRange });
    return;
  }
  const d = (field: string, value: number | undefined, key: string) => {
    if (value !== undefined && !hasField(c.plan, field)) setField(c.plan, field, sv(value, dflt(key, `${formatNumber(value)} (${t.source}, model.type ${type.name})`)));
  };
  d('model.layers', t.layers, 'model.num_layers');
  d('model.hidden', t.hidden, 'model.hidden_dim');
  d('model.heads', t.heads, 'model.num_heads');
  d('model.kvHeads', t.kvHeads, 'model.num_kv_heads');
  d('model.ffnHidden', t.intermediate, 'model.intermediate_dim');
  d('model.seqLen', t.seqLen, 'model.seq_len');
  d('model.experts', t.experts, 'model.num_local_experts');
  d('model.topK', t.topK, 'model.num_experts_per_tok');
  if (!t.gpt2 && !hasField(c.plan, 'model.tiedEmbeddings')) setField(c.plan, 'model.tiedEmbeddings', sv(false, dflt('model.tie_word_embeddings', `false (${t.source})`)));
}

function readModel(c: Ctx, data: DataView): void {
  const hf = hfModel(c.parsed);
  readVocab(c, data);
  if (hf && typeof hf.value === 'string' && findPreset(hf.value)) {
    put(c, 'model.preset', hf.value.trim(), hf, `${hf.dotted} (dims from the HF config)`);
    return;
  }
  const type = typeOf(c.parsed);
  readStructure(c, type);
  typeDefaults(c, type);
  const heads = c.plan.model.heads?.value;
  const kv = c.plan.model.kvHeads;
  if (heads && kv && heads % kv.value !== 0 && kv.origin.kind === 'document')
    c.findings.push({ code: 'invalid-value', severity: 'error', message: `num_heads ${heads} is not divisible by num_kv_heads ${kv.value} (Levanter asserts it).`, range: kv.origin.keyRange ?? kv.origin.range });
}

// ───────────────────────────── training ─────────────────────────────

interface Segment {
  start: number;
  value: number;
}

/** A train_batch_size schedule `[{start, value}, …]`, sorted; undefined when malformed. */
function schedule(parsed: ParsedDocument): Segment[] | undefined {
  const raw = parsed.data && typeof parsed.data === 'object' ? (parsed.data as { trainer?: { train_batch_size?: unknown } }).trainer?.train_batch_size : undefined;
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const segs: Segment[] = [];
  for (const s of raw) {
    if (!s || typeof s !== 'object') return undefined;
    const { start, value } = s as { start?: unknown; value?: unknown };
    if (typeof start !== 'number' || typeof value !== 'number' || start < 0 || value <= 0) return undefined;
    segs.push({ start, value });
  }
  return segs.sort((a, b) => a.start - b.start);
}

/** Sequences over `steps` steps under a batch schedule. */
export function scheduledSequences(segs: readonly Segment[], steps: number): number {
  let total = 0;
  segs.forEach((s, i) => {
    const end = Math.min(steps, segs[i + 1]?.start ?? steps);
    if (end > s.start) total += (end - s.start) * s.value;
  });
  return total;
}

function readBatch(c: Ctx): void {
  const e = lookup(c.parsed, 'trainer.train_batch_size');
  if (!e) return setField(c.plan, 'training.globalBatch', sv(512, dflt('trainer.train_batch_size', '512 (levanter TrainerConfig)')));
  if (e.kind === 'seq') {
    const segs = schedule(c.parsed);
    const steps = c.plan.training.steps?.value;
    if (!segs || !steps) {
      c.findings.push({ code: 'invalid-value', severity: 'warning', message: '`trainer.train_batch_size` schedule is not a list of {start, value} entries Scaling Lens can read.', range: e.valueRange });
      return;
    }
    const mean = scheduledSequences(segs, steps) / steps;
    setField(c.plan, 'training.globalBatch', sv(mean, derived(`mean of the train_batch_size schedule over ${formatNumber(steps)} steps (${segs.map((s) => `${s.value} from step ${s.start}`).join(', ')})`, ['trainer.train_batch_size', 'trainer.num_train_steps'])));
    return;
  }
  if (isSentinel(e)) return; // -1: per_device_parallelism × devices (no accumulation)
  const v = numberOf(e);
  if (v !== undefined && v >= 1 && Number.isInteger(v)) put(c, 'training.globalBatch', v, e);
  else c.findings.push({ code: 'invalid-value', severity: 'error', message: `\`trainer.train_batch_size\`: expected a whole number of sequences, -1, or a schedule.`, range: e.valueRange });
}

/** jmp policy string: `p=f32,c=bfloat16[,o=…]`, long names (params=/compute=/output=), or one dtype for all. */
export function precisionOf(policy: string): 'bf16-mixed' | 'bf16-true' | 'fp16-mixed' | 'fp32' | undefined {
  const dtype = (s: string | undefined) => {
    const x = (s ?? '').trim().toLowerCase();
    if (/^(f32|float32|fp32|full)$/.test(x)) return 'f32';
    if (/^(bf16|bfloat16)$/.test(x)) return 'bf16';
    if (/^(f16|float16|fp16|half)$/.test(x)) return 'f16';
    return undefined;
  };
  const parts: Record<string, string> = {};
  for (const p of policy.split(',')) {
    const [k, v] = p.split('=');
    if (v === undefined) parts.all = k ?? '';
    else parts[(k ?? '').trim().toLowerCase().charAt(0)] = v;
  }
  const params = dtype(parts.p ?? parts.all);
  const compute = dtype(parts.c ?? parts.all ?? parts.p);
  if (!params || !compute) return undefined;
  if (compute === 'f32') return 'fp32';
  if (params === 'f32') return compute === 'bf16' ? 'bf16-mixed' : 'fp16-mixed';
  return compute === 'bf16' ? 'bf16-true' : 'fp16-mixed';
}

function readRecipe(c: Ctx): void {
  const mp = scalar(c.parsed, 'trainer.mp');
  const fp8 = scalar(c.parsed, 'trainer.quantization.fp8');
  if (fp8?.value === true) put(c, 'training.precision', 'fp8-mixed', fp8);
  else if (mp && typeof mp.value === 'string') {
    const p = precisionOf(mp.value);
    if (p) put(c, 'training.precision', p, mp, `trainer.mp ${mp.value.trim()}`);
    else c.findings.push({ code: 'invalid-value', severity: 'warning', message: `\`trainer.mp\` "${mp.value}" is not a jmp policy Scaling Lens reads (e.g. p=f32,c=bfloat16).`, range: mp.valueRange });
  } else if (!mp) setField(c.plan, 'training.precision', sv('fp32', dflt('trainer.mp', 'f32 (levanter TrainerConfig)')));
  const opt = scalar(c.parsed, 'optimizer.type');
  const o = typeof opt?.value === 'string' ? opt.value.toLowerCase() : 'adam';
  if (o === 'adam' || o === 'adamw') setField(c.plan, 'training.optimizer', sv('adamw', opt ? origin(opt, 'optimizer.type') : dflt('optimizer.type', 'adam (levanter AdamConfig, decoupled weight decay)')));
  if (!hasField(c.plan, 'training.activationCheckpointing') && TYPES[typeOf(c.parsed).name])
    setField(c.plan, 'training.activationCheckpointing', sv('full', dflt('model.gradient_checkpointing', 'true (levanter model configs)')));
  readSharding(c);
}

function readSharding(c: Ctx): void {
  const axis = lookup(c.parsed, 'trainer.fsdp_axis');
  const param = lookup(c.parsed, 'trainer.parameter_axis_resources.embed');
  if (axis && axis.kind === 'scalar' && (axis.value === null || axis.value === '')) put(c, 'parallelism.fsdp', false, axis, 'trainer.fsdp_axis null (parameters replicated)');
  else if (axis) put(c, 'parallelism.fsdp', true, axis, `trainer.fsdp_axis (parameters sharded over the data axis ≡ ZeRO-3)`);
  else if (param) put(c, 'parallelism.fsdp', true, param, 'trainer.parameter_axis_resources.embed (parameters sharded ≡ ZeRO-3)');
  else setField(c.plan, 'parallelism.fsdp', sv(true, dflt('trainer.fsdp_axis', '"embed" (levanter TrainerConfig: FSDP ≡ ZeRO-3)')));
}

// ───────────────────────────── fine-tuning ─────────────────────────────

function isLora(parsed: ParsedDocument): boolean {
  return ['lora', 'peft_save_path', 'peft_hf_upload', 'merged_hf_save_path'].some((k) => parsed.entries.has(k));
}

function readFinetune(c: Ctx, data: DataView): void {
  if (isLora(c.parsed)) {
    const e = lookup(c.parsed, 'lora') ?? lookup(c.parsed, 'peft_save_path') ?? lookup(c.parsed, 'peft_hf_upload') ?? lookup(c.parsed, 'merged_hf_save_path')!;
    put(c, 'training.finetune', 'lora', e, `${e.dotted} (Levanter LoRA fine-tuning)`);
    const r = scalar(c.parsed, 'lora.r');
    const rank = numberOf(r);
    if (r && rank !== undefined) put(c, 'training.loraRank', rank, r);
    else setField(c.plan, 'training.loraRank', sv(8, dflt('lora.r', '8 (levanter LoraConfig)')));
    return;
  }
  const sft = ['supervised_data', 'chat_train_urls'].map((k) => lookup(c.parsed, k)).find(Boolean);
  const dsType = scalar(c.parsed, 'dataset_type');
  const init = scalar(c.parsed, 'initialize_from_hf') ?? scalar(c.parsed, 'trainer.initialize_from');
  const sftData = sftUrl(data);
  const why =
    (sft && { e: sft, label: `${sft.dotted} (supervised fine-tuning data)` }) ||
    (dsType && typeof dsType.value === 'string' && /chat|supervised/i.test(dsType.value) && { e: dsType, label: `dataset_type ${dsType.value}` }) ||
    (init && init.value !== false && { e: init, label: `${init.dotted} (starts from trained weights)` }) ||
    (sftData && { e: sftData, label: `${sftData.dotted} (an SFT/instruction mixture)` });
  if (why) put(c, 'training.finetune', 'full', why.e, why.label, why.e === sftData ? data.file : undefined);
}

/** A training URL or cache path naming an SFT/instruction mixture (e.g. tulu-v2-sft-mixture). */
function sftUrl(data: DataView): SourceEntry | undefined {
  for (const [k, e] of data.parsed.entries) {
    if (!k.startsWith(`${data.prefix}train_urls`) && k !== `${data.prefix}cache_dir` && k !== `${data.prefix}id`) continue;
    if (e.kind === 'scalar' && typeof e.value === 'string' && /(^|[^a-z])(sft|instruct)([^a-z]|$)/i.test(e.value)) return e;
  }
  return undefined;
}

// ───────────────────────────── adapter ─────────────────────────────

const KEY_HINTS: Record<string, string> = {
  ...hintsFrom(RULES),
  'model.seqLen': 'model.seq_len',
  'model.ffnHidden': 'model.intermediate_dim',
  'model.vocab': 'data.tokenizer',
  'model.preset': 'model.type',
  'model.params': 'initialize_from_hf',
  'training.tokens': 'trainer.num_train_steps',
  'training.globalBatch': 'trainer.train_batch_size',
  'training.precision': 'trainer.mp',
  'parallelism.fsdp': 'trainer.fsdp_axis',
};

/** A TPU slice named in a comment ("# set for v4-64 TPU") is only a hint: the directive makes it the hardware. */
function hardwareHint(parsed: ParsedDocument): string {
  for (const c of parsed.comments) {
    const m = /\b(v[2-6][a-z]*-\d+)\b/i.exec(c.text);
    const slice = m ? tpuSlice(m[1]!) : undefined;
    if (m && slice) return `which Levanter takes from the devices JAX sees; a comment mentions a ${m[1]} slice (${slice.devicesPerSlice} chips): if that is the hardware, add \`# scaling-lens: gpu="${slice.gpu}" count=${slice.devicesPerSlice}\``;
  }
  return 'which Levanter takes from the devices JAX sees (the TPU slice or the GPUs of the job)';
}

function adapt(parsed: ParsedDocument, ctx: AdapterContext): DialectResult {
  const { plan, findings } = applyRules(parsed, RULES);
  const c: Ctx = { parsed, ctx, plan, findings };
  // A data fragment (the target of `data: !include`) trains nothing by itself: no dataclass defaults for it.
  if (!['trainer', 'model', 'initialize_from_hf'].some((k) => parsed.entries.has(k))) return { plan, findings, keyHints: KEY_HINTS, hardwareHint: hardwareHint(parsed) };
  const data = dataView(c);
  readModel(c, data);
  if (!hasField(plan, 'training.steps') && !lookup(parsed, 'trainer.num_train_steps'))
    setField(plan, 'training.steps', sv(400_000, dflt('trainer.num_train_steps', '400,000 (levanter TrainerConfig)')));
  readBatch(c);
  readRecipe(c);
  readFinetune(c, data);
  return { plan, findings, keyHints: KEY_HINTS, hardwareHint: hardwareHint(parsed) };
}

const TRAINER_KEYS = ['trainer.num_train_steps', 'trainer.train_batch_size', 'trainer.mp', 'trainer.per_device_parallelism', 'trainer.fsdp_axis', 'trainer.tensor_parallel_axes', 'trainer.model_axis_size', 'trainer.axis_resources'];
const OTHER_KEYS = ['model.type', 'model.hidden_dim', 'initialize_from_hf', 'data.cache_dir', 'data.train_urls', 'peft_save_path', 'supervised_data'];

export const LEVANTER_ADAPTER: DialectAdapter = {
  id: 'levanter',
  name: 'Levanter',
  detect(parsed) {
    const t = countKeys(parsed, TRAINER_KEYS);
    const o = countKeys(parsed, OTHER_KEYS);
    if (t.n > 0) return { score: Math.min(90, (o.n > 0 ? 70 : 55) + 5 * Math.min(t.n, 3) + (o.n > 1 ? 5 : 0)), reason: [...t.found.slice(0, 3), ...o.found.slice(0, 2)].join(', ') };
    const top = topKeys(parsed);
    if (top.includes('cache_dir') && (top.includes('train_urls') || top.includes('configs')) && !top.includes('model'))
      return { score: 50, reason: 'top-level train_urls, cache_dir (a Levanter data config, used through !include)' };
    return undefined;
  },
  adapt,
  renderValue(field, value, oldToken) {
    if (field === 'training.activationCheckpointing') return value === 'none' ? 'false' : 'true';
    void oldToken;
    return undefined;
  },
};
