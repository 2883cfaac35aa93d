/**
 * MaxText (AI-Hypercomputer/maxtext) YAML configs: flat keys, `base_config` inheritance and `model_name` model files.
 *
 * How MaxText reads a config (pyconfig.py / configs/types.py, defaults from src/maxtext/configs/base.yml @e591f30):
 * - `base_config: "base.yml"` is loaded first, relative to the file, else from the package's `configs/` folder; the
 *   file's own keys replace the base's (whole top-level keys).
 * - `model_name: llama3-70b` then loads `configs/models/llama3-70b.yml`, whose keys REPLACE the run file's (only
 *   command-line keys are guarded by `override_model_config`).
 * - dims are `base_*` × 2^k with k from `global_parameter_scale` (a power of 2: heads/MLP, embed, layers doubled in turn);
 *   `head_dim` is its own key (default 128); `mlp_activations: ["silu","linear"]` is a gated MLP.
 * - global batch = int(int(devices × per_device_batch_size) × gradient_accumulation_steps); devices come from the
 *   runtime, or for AOT from `compile_topology` (accelerator_to_spec_map.py: v4/v5p names count TensorCores, 2 per
 *   chip, so v5p-256 = 128 chips; v5e/v6e names count chips) × `compile_topology_num_slices`.
 * - `-1` means "fill in automatically" (ici_fsdp_parallelism, dcn_data_parallelism, steps → learning_rate_schedule_steps).
 */
import type { Finding } from '../core/findings';
import { derived, dflt, doc, emptyPlan, sv, type Activation, type Origin, type OffsetRange, type TrainingPlan } from '../core/plan';
import { findPreset } from '../core/presets';
import { formatNumber } from '../core/units';
import { hasField, isSentinel, numberOf, setField, topKeys } from './common';
import { maxTextModel, type MaxTextValue } from './maxtextModels';
import { coerce, type KeySpecKind } from './native';
import { parseConfig } from './syntax/index';
import type { ParsedDocument, SourceEntry } from './syntax/tree';
import type { AdapterContext, DialectAdapter, DialectResult, ReadResult } from './types';

// ───────────────────────────── layers: the file, its bases, the model file, built-in defaults ─────────────────────────────

interface Layer {
  /** Provenance file for values read from another file (undefined: the analysed document). */
  file?: string;
  /** Resolved path (relative reads start here). */
  path?: string;
  /** Non-document origin for every value of this layer (model table, built-in defaults). */
  origin?: (key: string, raw: string) => Origin;
  entry(key: string): SourceEntry | undefined;
  list(key: string): string[] | undefined;
  hasTop(key: string): boolean;
  keys(): string[];
}

interface Hit {
  layer: Layer;
  e: SourceEntry;
}

function dataAt(data: unknown, path: readonly string[]): unknown {
  let cur = data;
  for (const p of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function docLayer(parsed: ParsedDocument, file?: string): Layer {
  return {
    ...(file ? { file, path: file } : {}),
    entry: (key) => parsed.entries.get(key),
    list: (key) => {
      const v = dataAt(parsed.data, key.split('.'));
      return Array.isArray(v) ? v.map((x) => String(x)) : undefined;
    },
    hasTop: (key) => parsed.entries.has(key),
    keys: () => topKeys(parsed),
  };
}

/** A layer of literal MaxText keys (the model table, the built-in base.yml defaults). */
function tableLayer(keys: Readonly<Record<string, MaxTextValue>>, origin: (key: string, raw: string) => Origin): Layer {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(keys, k);
  return {
    origin,
    entry: (key) => {
      if (!has(key)) return undefined;
      const v = keys[key]!;
      const range = { start: 0, end: 0 };
      if (Array.isArray(v)) return { path: [key], dotted: key, kind: 'seq', valueRange: range };
      return { path: [key], dotted: key, kind: 'scalar', value: v, raw: String(v), valueRange: range };
    },
    list: (key) => {
      const v = has(key) ? keys[key] : undefined;
      return Array.isArray(v) ? [...v] : undefined;
    },
    hasTop: has,
    keys: () => Object.keys(keys),
  };
}

/** Hides keys (the model's dims when a preset supplies them instead of a model file). */
function blockingLayer(blocked: ReadonlySet<string>): Layer {
  return { entry: () => undefined, list: () => undefined, hasTop: (k) => blocked.has(k), keys: () => [] };
}

/** Layers in precedence order; the first layer that has a top-level key owns it (a `-1` there means "auto"). */
class Merged {
  constructor(readonly layers: Layer[]) {}
  get(key: string): Hit | undefined {
    const top = key.split('.')[0]!;
    const layer = this.layers.find((l) => l.hasTop(top));
    const e = layer?.entry(key);
    return layer && e ? { layer, e } : undefined;
  }
  list(key: string): { hit: Hit; values: string[] } | undefined {
    const hit = this.get(key);
    const values = hit?.layer.list(key);
    return hit && values ? { hit, values } : undefined;
  }
}

/** Every key MaxText's model files set (`configs/models/*.yml`); a preset replaces all of them. */
const MODEL_KEYS: ReadonlySet<string> = new Set([
  'base_emb_dim',
  'base_num_query_heads',
  'base_num_kv_heads',
  'base_mlp_dim',
  'base_moe_mlp_dim',
  'base_num_decoder_layers',
  'head_dim',
  'mlp_activations',
  'vocab_size',
  'logits_via_embedding',
  'num_experts',
  'num_experts_per_tok',
  'shared_experts',
  'first_num_dense_layers',
  'decoder_block',
  'trainable_position_size',
  'attention_bias',
  'mlp_bias',
  'attention_type',
  'q_lora_rank',
  'kv_lora_rank',
  'qk_nope_head_dim',
  'qk_rope_head_dim',
  'v_head_dim',
]);

/** base.yml defaults of the keys read here (src/maxtext/configs/base.yml @e591f30), for when base.yml cannot be read. */
const BASE_DEFAULTS: Readonly<Record<string, MaxTextValue>> = {
  global_parameter_scale: 1,
  base_emb_dim: 2048,
  base_num_query_heads: 16,
  base_num_kv_heads: 16,
  base_mlp_dim: 7168,
  base_num_decoder_layers: 16,
  head_dim: 128,
  mlp_activations: ['silu', 'linear'],
  vocab_size: 32000,
  logits_via_embedding: false,
  num_experts: 1,
  num_experts_per_tok: 1,
  base_moe_mlp_dim: -1,
  first_num_dense_layers: 0,
  shared_experts: 0,
  decoder_block: 'llama2',
  trainable_position_size: -1,
  attention_bias: false,
  mlp_bias: false,
  attention_type: 'global',
  q_lora_rank: 0,
  kv_lora_rank: 512,
  qk_nope_head_dim: 128,
  qk_rope_head_dim: 64,
  v_head_dim: 128,
  steps: 150_001,
  learning_rate_schedule_steps: -1,
  per_device_batch_size: 12,
  max_target_length: 2048,
  gradient_accumulation_steps: 1,
  dtype: 'bfloat16',
  weight_dtype: 'float32',
  quantization: '',
  remat_policy: 'full',
  opt_type: 'adamw',
  ici_fsdp_parallelism: -1,
  dcn_data_parallelism: -1,
  hardware: 'tpu',
  compile_topology: '',
  compile_topology_num_slices: -1,
  use_sft: false,
  use_dpo: false,
};

const MAX_DEPTH = 4;

interface Loaded {
  layers: Layer[];
  findings: Finding[];
  /** Path of the deepest base read (MaxText's configs/ folder holds it and models/). */
  configsFrom?: string;
}

function baseCandidates(value: string): string[] {
  if (/^([a-z]+:)?[\\/]/i.test(value)) return [value];
  return [value, `../${value}`, `../../${value}`, `../../../${value}`, `configs/${value}`, `../configs/${value}`, `../../configs/${value}`];
}

function readFirst(ctx: AdapterContext, candidates: readonly string[], from: string, seen: ReadonlySet<string>): ReadResult | undefined {
  if (!ctx.readFile) return undefined;
  for (const c of candidates) {
    const r = ctx.readFile(c, from);
    if (r && !seen.has(r.path)) return r;
  }
  return undefined;
}

/** Follow `base_config` up to MAX_DEPTH files, detecting cycles; problems become missing-value at the file's key. */
function loadBases(parsed: ParsedDocument, ctx: AdapterContext): Loaded {
  const findings: Finding[] = [];
  const layers: Layer[] = [];
  const top = parsed.entries.get('base_config');
  const topRange = top?.valueRange ?? { start: 0, end: 0 };
  const seen = new Set<string>([ctx.fileName]);
  let cur = parsed;
  let from = ctx.fileName;
  let configsFrom: string | undefined;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const e = cur.entries.get('base_config');
    const value = e && e.kind === 'scalar' && typeof e.value === 'string' ? e.value.trim() : '';
    if (!value) return { layers, findings, ...(configsFrom ? { configsFrom } : {}) };
    const via = depth === 0 ? '' : ` (named by ${from})`;
    if (depth === MAX_DEPTH) {
      findings.push({ code: 'missing-value', severity: 'information', message: `base_config chain is deeper than ${MAX_DEPTH} files; "${value}"${via} was not read.`, range: topRange });
      break;
    }
    const r = readFirst(ctx, baseCandidates(value), from, new Set());
    if (!r) {
      findings.push({
        code: 'missing-value',
        severity: 'information',
        message: `base_config "${value}"${via} could not be read (looked next to the file and in the configs/ folders above it); MaxText's base.yml defaults are assumed for the keys this file does not set.`,
        range: topRange,
      });
      break;
    }
    if (seen.has(r.path)) {
      findings.push({ code: 'missing-value', severity: 'information', message: `base_config "${value}"${via} refers back to ${r.path}: a cycle; the chain stops there.`, range: topRange });
      break;
    }
    seen.add(r.path);
    cur = parseConfig(r.text, 'yaml');
    layers.push(docLayer(cur, r.path));
    from = r.path;
    configsFrom = r.path;
  }
  return { layers, findings, ...(configsFrom ? { configsFrom } : {}) };
}

/** `configs/models/<name>.yml`: next to the configs folder of the base, else near the file (also flat layouts). */
function loadModelFile(name: string, ctx: AdapterContext, configsFrom: string | undefined): ReadResult | undefined {
  if (!/^[\w.-]+$/.test(name)) return undefined;
  const seen = new Set([ctx.fileName]);
  if (configsFrom) {
    const r = readFirst(ctx, [`models/${name}.yml`, `${name}.yml`], configsFrom, seen);
    if (r) return r;
  }
  return readFirst(ctx, [`models/${name}.yml`, `../models/${name}.yml`, `configs/models/${name}.yml`, `../../models/${name}.yml`, `${name}.yml`], ctx.fileName, seen);
}

// ───────────────────────────── reading values ─────────────────────────────

const INT = (min: number): KeySpecKind => ({ type: 'size', min, max: 1e15, integer: true });
const NUM: KeySpecKind = { type: 'float', min: -1e15, max: 1e15 };
const BOOL: KeySpecKind = { type: 'bool' };
const STR: KeySpecKind = { type: 'string' };

class Reader {
  readonly plan: TrainingPlan = emptyPlan();
  readonly findings: Finding[] = [];
  constructor(readonly cfg: Merged, readonly fallbackRange: OffsetRange) {}

  /** The coerced value of a key; undefined when absent, a sentinel (-1, null) or invalid (reported when in this file). */
  value(key: string, kind: KeySpecKind): { v: unknown; hit: Hit } | undefined {
    const hit = this.cfg.get(key);
    if (!hit || isSentinel(hit.e)) return undefined;
    if (hit.e.kind === 'scalar' && (hit.e.value === '' || hit.e.value === null)) return undefined;
    const c = coerce(kind, hit.e);
    if (!c.ok) {
      if (isDoc(hit)) this.findings.push({ code: 'invalid-value', severity: 'error', message: `\`${key}\`: ${c.reason}.`, range: hit.e.valueRange });
      return undefined;
    }
    return { v: c.value, hit };
  }
  num(key: string): { v: number; hit: Hit } | undefined {
    const r = this.value(key, NUM);
    return r && typeof r.v === 'number' ? { v: r.v, hit: r.hit } : undefined;
  }
  int(key: string, min = 0): { v: number; hit: Hit } | undefined {
    const r = this.value(key, INT(min));
    return r && typeof r.v === 'number' ? { v: r.v, hit: r.hit } : undefined;
  }
  bool(key: string): { v: boolean; hit: Hit } | undefined {
    const r = this.value(key, BOOL);
    return r && typeof r.v === 'boolean' ? { v: r.v, hit: r.hit } : undefined;
  }
  str(key: string): { v: string; hit: Hit } | undefined {
    const r = this.value(key, STR);
    return r && typeof r.v === 'string' ? { v: r.v, hit: r.hit } : undefined;
  }
  set(field: string, value: unknown, hit: Hit, label?: string): void {
    setField(this.plan, field, sv(value, originOf(hit, label ?? hit.e.dotted)));
  }
  setDerived(field: string, value: unknown, formula: string, inputs: string[]): void {
    setField(this.plan, field, sv(value, derived(formula, inputs)));
  }
  /** Where a finding about this value goes: its key in this file, else the file's fallback (model_name, base_config). */
  rangeOf(hit: Hit): OffsetRange {
    return isDoc(hit) ? hit.e.keyRange ?? hit.e.valueRange : this.fallbackRange;
  }
  warn(hit: Hit, message: string, severity: Finding['severity'] = 'warning', code: Finding['code'] = 'invalid-value'): void {
    this.findings.push({ code, severity, message, range: this.rangeOf(hit) });
  }
}

const isDoc = (hit: Hit): boolean => !hit.layer.file && !hit.layer.origin;

function originOf(hit: Hit, label: string): Origin {
  if (hit.layer.origin) return hit.layer.origin(hit.e.dotted, hit.e.raw ?? '');
  return doc(label, hit.e.valueRange, hit.e.keyRange, hit.layer.file);
}

// ───────────────────────────── model ─────────────────────────────

interface Scales {
  emb: number;
  heads: number;
  mlp: number;
  layers: number;
}

/** pyconfig get_individual_scales: rotate doubling heads+MLP, embed, layers. */
export function parameterScales(scale: number): Scales | undefined {
  if (!(scale > 0)) return undefined;
  const log2 = Math.floor(Math.log2(scale));
  if (2 ** log2 !== scale) return undefined;
  const base = Math.floor(log2 / 3);
  const rem = log2 - 3 * base;
  const heads = base + (rem > 0 ? 1 : 0);
  return { emb: base + (rem > 1 ? 1 : 0), heads, mlp: heads, layers: base };
}

function activationOf(list: readonly string[]): Activation | undefined {
  const acts = list.map((s) => s.toLowerCase().trim());
  const main = acts.find((a) => a !== 'linear');
  if (main === undefined) return undefined;
  const gated = acts.length >= 2 && acts.includes('linear');
  if (gated) return main.startsWith('gelu') ? 'geglu' : 'swiglu';
  if (main.startsWith('gelu')) return 'gelu';
  if (main === 'relu') return 'relu';
  if (main === 'silu' || main === 'swish') return 'silu';
  return undefined;
}

function readScales(r: Reader): Scales {
  const g = r.num('global_parameter_scale');
  const none = { emb: 0, heads: 0, mlp: 0, layers: 0 };
  if (!g) return none;
  const s = parameterScales(g.v);
  if (!s) {
    r.findings.push({ code: 'invalid-value', severity: 'error', message: `\`global_parameter_scale\` must be a power of 2 (MaxText raises otherwise), got ${g.v}.`, range: r.rangeOf(g.hit) });
    return none;
  }
  return s;
}

function scaled(r: Reader, field: string, key: string, power: number): number | undefined {
  const h = r.int(key, 1);
  if (!h) return undefined;
  const v = h.v * 2 ** power;
  r.set(field, v, h.hit, power ? `${key} × 2^${power} (global_parameter_scale)` : key);
  return v;
}

function readDims(r: Reader): void {
  const s = readScales(r);
  scaled(r, 'model.layers', 'base_num_decoder_layers', s.layers);
  scaled(r, 'model.hidden', 'base_emb_dim', s.emb);
  const heads = scaled(r, 'model.heads', 'base_num_query_heads', s.heads);
  const kv = scaled(r, 'model.kvHeads', 'base_num_kv_heads', s.heads);
  scaled(r, 'model.ffnHidden', 'base_mlp_dim', s.mlp);
  const hd = r.int('head_dim', 1);
  if (hd) r.set('model.headDim', hd.v, hd.hit);
  const vocab = r.int('vocab_size', 1);
  if (vocab) r.set('model.vocab', vocab.v, vocab.hit);
  const tied = r.bool('logits_via_embedding');
  if (tied) r.set('model.tiedEmbeddings', tied.v, tied.hit);
  const acts = r.cfg.list('mlp_activations');
  const act = acts ? activationOf(acts.values) : undefined;
  if (acts && act) r.set('model.activation', act, acts.hit, `mlp_activations [${acts.values.join(', ')}]`);
  const pos = r.int('trainable_position_size', 1);
  if (pos) {
    r.set('model.learnedPositions', true, pos.hit);
    r.set('model.maxPositions', pos.v, pos.hit);
  }
  if (heads && kv && heads % kv !== 0) {
    const h = r.cfg.get('base_num_kv_heads')!;
    r.warn(h, `${heads} query heads are not a multiple of ${kv} KV heads: MaxText's grouped attention needs num_query_heads % num_kv_heads == 0.`, 'error');
  }
  readBlock(r);
  readMoe(r, s);
}

/** Decoder-block conventions: GPT-3 has LayerNorm and biases everywhere; biases elsewhere follow attention_bias/mlp_bias. */
function readBlock(r: Reader): void {
  const block = r.str('decoder_block');
  if (block?.v.toLowerCase() === 'gpt3') {
    r.set('model.norm', 'layernorm', block.hit, 'decoder_block gpt3 (LayerNorm)');
    r.set('model.bias', true, block.hit, 'decoder_block gpt3 (biases in every projection)');
  }
  const mlpBias = r.bool('mlp_bias');
  const attnBias = r.bool('attention_bias');
  if (!hasField(r.plan, 'model.bias') && mlpBias?.v) r.set('model.bias', true, mlpBias.hit);
  else if (!hasField(r.plan, 'model.bias') && attnBias?.v) r.set('model.qkvBias', true, attnBias.hit);
  const attn = r.str('attention_type');
  if (attn?.v.toLowerCase() === 'mla') readMla(r, attn.hit);
}

/**
 * Multi-head latent attention (DeepSeek): low-rank q (q_lora_rank) and kv (kv_lora_rank) projections with their norms,
 * qk = nope + rope per head, v_head_dim per head. The plan's attention is h·d·(2a + 2k), so MLA is expressed as a = k =
 * heads with the equivalent head_dim that gives MLA's exact parameter count.
 */
function readMla(r: Reader, at: Hit): void {
  const h = r.plan.model.hidden?.value;
  const a = r.plan.model.heads?.value;
  const num = (k: string, d: number) => r.int(k, 0)?.v ?? d;
  if (!h || !a) return;
  const qLora = num('q_lora_rank', 0);
  const kvLora = num('kv_lora_rank', 512);
  const nope = num('qk_nope_head_dim', 128);
  const rope = num('qk_rope_head_dim', 64);
  const v = num('v_head_dim', 128);
  const q = qLora > 0 ? h * qLora + qLora + qLora * a * (nope + rope) : h * a * (nope + rope);
  const kv = h * (kvLora + rope) + kvLora + kvLora * a * (nope + v);
  const total = q + kv + a * v * h;
  const headDim = total / (h * 4 * a);
  const formula = `MLA: q ${qLora > 0 ? `h·${qLora} + ${qLora}·a·${nope + rope}` : `h·a·${nope + rope}`} + kv h·${kvLora + rope} + ${kvLora}·a·${nope + v} + o a·${v}·h = ${formatNumber(total)} params per layer → head_dim ≈ ${formatNumber(headDim)} with kv heads = heads`;
  setField(r.plan, 'model.kvHeads', sv(a, originOf(at, 'attention_type mla (kv heads = heads)')));
  r.setDerived('model.headDim', headDim, formula, ['attention_type', 'q_lora_rank', 'kv_lora_rank', 'qk_nope_head_dim', 'qk_rope_head_dim', 'v_head_dim']);
}

/** MoE: shared experts have the routed-expert width in MaxText (shared_experts × moe_mlp_dim), so they count as always-active experts. */
function readMoe(r: Reader, s: Scales): void {
  const e = r.int('num_experts', 1);
  if (!e || e.v <= 1) return;
  const k = r.int('num_experts_per_tok', 1);
  const shared = r.int('shared_experts', 0);
  const sh = shared?.v ?? 0;
  r.set('model.experts', e.v + sh, e.hit, sh ? `num_experts + shared_experts (${e.v} + ${sh}: shared experts have the routed width)` : 'num_experts');
  if (k) {
    r.set('model.topK', k.v + sh, k.hit, sh ? `num_experts_per_tok + shared_experts (${k.v} + ${sh}, always active)` : 'num_experts_per_tok');
    if (k.v > e.v) r.warn(k.hit, `num_experts_per_tok ${k.v} is more than num_experts ${e.v}.`, 'error');
  }
  scaled(r, 'model.expertFfnHidden', 'base_moe_mlp_dim', s.mlp);
  const dense = r.int('first_num_dense_layers', 0);
  if (dense) r.set('model.denseLayers', dense.v, dense.hit);
}

// ───────────────────────────── hardware and parallelism ─────────────────────────────

export interface TpuSlice {
  gpu: string;
  devicesPerSlice: number;
}

/** A TPU slice or AOT topology name → accelerator and devices (chips); v2/v3/v4/v5p names count TensorCores (2 per chip). */
export function tpuSlice(name: string): TpuSlice | undefined {
  const n = name.trim().toLowerCase();
  if (n === 'a3') return { gpu: 'H100', devicesPerSlice: 8 };
  const m = /^(?:tpu[-_ ]?)?(v4|v5p|v5e|v5litepod|v6e)-(\d+)$/.exec(n);
  if (!m) return undefined;
  const size = Number(m[2]);
  if (!(size > 0)) return undefined;
  switch (m[1]) {
    case 'v4':
      return size % 2 === 0 ? { gpu: 'TPU v4', devicesPerSlice: size / 2 } : undefined;
    case 'v5p':
      return size % 2 === 0 ? { gpu: 'TPU v5p', devicesPerSlice: size / 2 } : undefined;
    case 'v6e':
      return { gpu: 'TPU v6e', devicesPerSlice: size };
    default:
      return { gpu: 'TPU v5e', devicesPerSlice: size };
  }
}

const PLAN_AXES: readonly { field: string; names: readonly string[] }[] = [
  { field: 'parallelism.tp', names: ['tensor', 'tensor_sequence', 'tensor_transpose'] },
  { field: 'parallelism.cp', names: ['context', 'sequence', 'context_autoregressive'] },
  { field: 'parallelism.pp', names: ['pipeline'] },
  { field: 'parallelism.ep', names: ['expert'] },
];

interface AxisValue {
  product: number;
  /** The single key whose value is not 1 (or the ICI key when all are 1), for a document origin. */
  hit?: Hit;
}

/** Product of ici_/dcn_ degrees for one plan axis; undefined when one of them is -1 (auto). */
function readAxis(r: Reader, names: readonly string[]): AxisValue | undefined {
  let product = 1;
  const deciding: Hit[] = [];
  let first: Hit | undefined;
  for (const n of names) {
    for (const where of ['ici', 'dcn']) {
      const hit = r.cfg.get(`${where}_${n}_parallelism`);
      if (!hit) continue;
      if (isSentinel(hit.e)) return undefined;
      const v = r.int(`${where}_${n}_parallelism`, 1);
      if (!v) continue;
      first ??= v.hit;
      product *= v.v;
      if (v.v !== 1) deciding.push(v.hit);
    }
  }
  const hit = deciding.length === 1 ? deciding[0] : deciding.length === 0 ? first : undefined;
  return { product, ...(hit ? { hit } : {}) };
}

const AXIS_KEY = /^(ici|dcn)_\w+_parallelism$/;

/** Every ici_…/dcn_… parallelism key any layer declares. */
function allAxisKeys(layers: readonly Layer[]): string[] {
  return [...new Set(layers.flatMap((l) => l.keys().filter((k) => AXIS_KEY.test(k))))];
}

/** Devices implied by a fully explicit mesh (no -1): ∏ ici_* × ∏ dcn_*. */
function meshDevices(r: Reader, axisKeys: readonly string[]): number | undefined {
  let product = 1;
  for (const k of axisKeys) {
    const hit = r.cfg.get(k);
    if (!hit) continue;
    if (isSentinel(hit.e)) return undefined;
    const v = r.int(k, 1);
    if (!v) return undefined;
    product *= v.v;
  }
  return axisKeys.length ? product : undefined;
}

const FSDP_KEYS = ['ici_fsdp_parallelism', 'dcn_fsdp_parallelism', 'ici_fsdp_transpose_parallelism', 'dcn_fsdp_transpose_parallelism'];

interface Mesh {
  tp: number;
  cp: number;
  pp: number;
  known: boolean;
}

function readParallelism(r: Reader): Mesh {
  const mesh: Mesh = { tp: 1, cp: 1, pp: 1, known: true };
  for (const axis of PLAN_AXES) {
    const a = readAxis(r, axis.names);
    if (!a) {
      if (axis.field !== 'parallelism.ep') mesh.known = false;
      continue;
    }
    if (axis.field === 'parallelism.tp') mesh.tp = a.product;
    if (axis.field === 'parallelism.cp') mesh.cp = a.product;
    if (axis.field === 'parallelism.pp') mesh.pp = a.product;
    if (a.hit) r.set(axis.field, a.product, a.hit);
    else r.setDerived(axis.field, a.product, `product of ici_/dcn_ ${axis.names.join('/')} parallelism`, [...axis.names]);
  }
  const fsdpHits = FSDP_KEYS.map((k) => r.cfg.get(k)).filter((h): h is Hit => !!h);
  const on = fsdpHits.find((h) => isSentinel(h.e) || (numberOf(h.e) ?? 1) > 1);
  const hit = on ?? fsdpHits[0];
  if (hit) r.set('parallelism.fsdp', !!on, hit, `${hit.e.dotted}${on ? ' (FSDP: parameters, gradients and optimizer state sharded ≡ ZeRO-3)' : ''}`);
  return mesh;
}

function readHardware(r: Reader, axisKeys: readonly string[]): number | undefined {
  const topo = r.str('compile_topology');
  const meshN = meshDevices(r, axisKeys);
  let devices: number | undefined;
  if (topo) {
    const slice = tpuSlice(topo.v);
    if (!slice) {
      r.warn(topo.hit, `compile_topology "${topo.v}" is not a topology Scaling Lens knows (e.g. v5p-256, v5e-16, v6e-256, v4-128, a3); give the hardware with \`# scaling-lens: gpu=… count=…\`.`, 'information', 'missing-value');
    } else {
      const slices = r.int('compile_topology_num_slices', 1)?.v ?? 1;
      devices = slice.devicesPerSlice * slices;
      r.set('cluster.gpu', slice.gpu, topo.hit, `compile_topology ${topo.v} (${slice.gpu})`);
      r.setDerived('cluster.count', devices, `compile_topology ${topo.v}: ${slice.devicesPerSlice} devices per slice × ${slices} slice${slices === 1 ? '' : 's'}`, ['compile_topology', 'compile_topology_num_slices']);
      r.setDerived('cluster.gpusPerNode', slice.devicesPerSlice, `devices per slice (one ${slice.gpu.startsWith('TPU') ? 'ICI' : 'NVLink'} domain)`, ['compile_topology']);
      if (meshN !== undefined && meshN !== devices) {
        r.warn(topo.hit, `The ici_*/dcn_* parallelism degrees multiply to ${formatNumber(meshN)} devices but compile_topology ${topo.v} × ${slices} slice(s) has ${formatNumber(devices)}: MaxText will refuse this mesh.`, 'error', 'parallelism-mismatch');
      }
    }
  } else if (meshN !== undefined) {
    devices = meshN;
    r.setDerived('cluster.count', devices, 'product of every ici_*/dcn_* parallelism degree (none is -1)', ['ici_*_parallelism', 'dcn_*_parallelism']);
  }
  return devices;
}

// ───────────────────────────── training ─────────────────────────────

function readSteps(r: Reader): void {
  const steps = r.int('steps', 1);
  if (steps) return r.set('training.steps', steps.v, steps.hit);
  const hit = r.cfg.get('steps');
  const lr = r.int('learning_rate_schedule_steps', 1);
  if (lr) return r.set('training.steps', lr.v, lr.hit, `learning_rate_schedule_steps (steps: -1)`);
  if (hit && isSentinel(hit.e) && r.cfg.get('learning_rate_schedule_steps')) r.warn(hit, 'steps and learning_rate_schedule_steps are both -1: MaxText needs one of them positive.', 'error');
}

function readBatch(r: Reader, mesh: Mesh, devices: number | undefined): void {
  const pdbs = r.num('per_device_batch_size');
  const ga = r.int('gradient_accumulation_steps', 1);
  const accum = ga?.v ?? 1;
  if (!pdbs || pdbs.v <= 0) {
    if (ga) r.set('training.gradAccum', ga.v, ga.hit);
    return;
  }
  if (devices !== undefined) {
    const perStep = Math.floor(devices * pdbs.v);
    r.setDerived('training.globalBatch', perStep * accum, `int(${formatNumber(devices)} devices × per_device_batch_size ${pdbs.v}) × gradient_accumulation_steps ${accum}`, ['compile_topology', 'per_device_batch_size', 'gradient_accumulation_steps']);
    if (perStep !== devices * pdbs.v) r.warn(pdbs.hit, `${formatNumber(devices)} devices × per_device_batch_size ${pdbs.v} is not a whole number: MaxText truncates the batch to ${perStep} sequences.`);
  }
  if (!mesh.known) {
    if (ga) r.set('training.gradAccum', ga.v, ga.hit);
    return;
  }
  // One model replica (TP × CP × PP devices) processes per_device_batch_size × its size sequences; PP splits them into microbatches.
  const nMicro = mesh.pp > 1 ? r.int('num_pipeline_microbatches', 1)?.v ?? mesh.pp : 1;
  const replica = pdbs.v * mesh.tp * mesh.cp * mesh.pp;
  const micro = replica / nMicro;
  if (Number.isInteger(micro) && micro >= 1) {
    if (replica === pdbs.v && nMicro === 1) r.set('training.microBatch', micro, pdbs.hit);
    else r.setDerived('training.microBatch', micro, `per_device_batch_size ${pdbs.v} × TP ${mesh.tp} × CP ${mesh.cp} × PP ${mesh.pp} ÷ ${nMicro} pipeline microbatches`, ['per_device_batch_size', 'ici_*_parallelism']);
  }
  if (nMicro > 1) r.setDerived('training.gradAccum', accum * nMicro, `gradient_accumulation_steps ${accum} × ${nMicro} pipeline microbatches`, ['gradient_accumulation_steps', 'num_pipeline_microbatches']);
  else if (ga) r.set('training.gradAccum', ga.v, ga.hit);
}

function readPrecision(r: Reader): void {
  const q = r.str('quantization');
  if (q && /fp8/i.test(q.v)) return r.set('training.precision', 'fp8-mixed', q.hit);
  const w = r.str('weight_dtype');
  if (w && /^(bfloat16|bf16)$/i.test(w.v)) return r.set('training.precision', 'bf16-true', w.hit, 'weight_dtype bfloat16 (weights and optimizer state in bf16)');
  const d = r.str('dtype');
  if (!d) return;
  if (/^(float32|fp32|f32)$/i.test(d.v)) r.set('training.precision', 'fp32', d.hit);
  else if (/^(float16|fp16|f16)$/i.test(d.v)) r.set('training.precision', 'fp16-mixed', d.hit);
  else if (/^(bfloat16|bf16)$/i.test(d.v)) r.set('training.precision', 'bf16-mixed', d.hit, 'dtype bfloat16 with float32 weight_dtype');
}

function readRecipe(r: Reader): void {
  const remat = r.str('remat_policy');
  if (remat) r.set('training.activationCheckpointing', remat.v.toLowerCase() === 'full' ? 'full' : 'selective', remat.hit);
  const opt = r.str('opt_type');
  const o = opt?.v.toLowerCase();
  if (opt && (o === 'adamw' || o === 'adam_pax' || o === 'adam')) r.set('training.optimizer', 'adamw', opt.hit);
  else if (opt && (o === 'sgd' || o === 'adafactor')) r.set('training.optimizer', o, opt.hit);
  const lora = r.bool('lora.enable_lora');
  if (lora?.v) {
    const q = r.str('lora.lora_weight_qtype');
    r.set('training.finetune', q ? 'qlora' : 'lora', q?.hit ?? lora.hit);
    const rank = r.int('lora.lora_rank', 1);
    if (rank) r.set('training.loraRank', rank.v, rank.hit);
    return;
  }
  for (const key of ['use_sft', 'use_dpo']) {
    const b = r.bool(key);
    if (b?.v) return r.set('training.finetune', 'full', b.hit, `${key} (fine-tuning every weight)`);
  }
}

// ───────────────────────────── adapter ─────────────────────────────

/** Names other formats share (HF/DeepSeek config.json MLA dims, vocab_size…) are not evidence of MaxText. */
const SHARED_NAMES = new Set(['vocab_size', 'head_dim', 'attention_type', 'q_lora_rank', 'kv_lora_rank', 'qk_nope_head_dim', 'qk_rope_head_dim', 'v_head_dim', 'num_experts', 'num_experts_per_tok', 'shared_experts']);

const TELLTALE: ReadonlySet<string> = new Set([
  ...[...MODEL_KEYS].filter((k) => !SHARED_NAMES.has(k)),
  'per_device_batch_size',
  'max_target_length',
  'remat_policy',
  'logical_axis_rules',
  'mesh_axes',
  'data_sharding',
  'compile_topology',
  'global_parameter_scale',
  'use_sft',
  'sft_train_on_completion_only',
  'use_tunix_gradient_accumulation',
  'learning_rate_schedule_steps',
]);

function isBaseConfig(parsed: ParsedDocument): boolean {
  const e = parsed.entries.get('base_config');
  return !!e && e.kind === 'scalar' && typeof e.value === 'string' && /\.ya?ml$/i.test(e.value.trim());
}

const HARDWARE_HINT_TPU = "which MaxText otherwise takes from the TPU slice it runs on (compile_topology 'v5p-256' = 128 chips, 'v5e-16' = 16 chips, × compile_topology_num_slices)";
const HARDWARE_HINT_GPU = "which MaxText otherwise takes from the GPUs it runs on (hardware: gpu; compile_topology 'a3' = 8 × H100 per slice, × compile_topology_num_slices for the nodes)";

const KEY_HINTS: Record<string, string> = {
  'model.preset': 'model_name',
  'model.params': 'model_name',
  'model.layers': 'base_num_decoder_layers',
  'model.hidden': 'base_emb_dim',
  'model.heads': 'base_num_query_heads',
  'model.kvHeads': 'base_num_kv_heads',
  'model.ffnHidden': 'base_mlp_dim',
  'model.vocab': 'vocab_size',
  'model.seqLen': 'max_target_length',
  'training.tokens': 'steps',
  'training.steps': 'steps',
  'training.globalBatch': 'per_device_batch_size × devices',
  'training.microBatch': 'per_device_batch_size',
  'training.gradAccum': 'gradient_accumulation_steps',
  'training.activationCheckpointing': 'remat_policy',
  'training.precision': 'weight_dtype',
  'cluster.gpu': 'compile_topology',
  'cluster.count': 'compile_topology_num_slices',
  'cluster.nodes': 'compile_topology_num_slices',
  'parallelism.tp': 'ici_tensor_parallelism',
  'parallelism.pp': 'ici_pipeline_parallelism',
  'parallelism.cp': 'ici_context_parallelism',
  'parallelism.ep': 'ici_expert_parallelism',
  'parallelism.zero': 'ici_fsdp_parallelism',
  'parallelism.fsdp': 'ici_fsdp_parallelism',
};

/** Resolve `model_name` into a layer: the model file, the MaxText model table, or a preset that hides the layers' dims. */
function modelLayer(ctx: AdapterContext, configsFrom: string | undefined, r: Reader): Layer | undefined {
  const hit = r.cfg.get('model_name');
  const name = hit && hit.e.kind === 'scalar' && typeof hit.e.value === 'string' ? hit.e.value.trim() : '';
  if (!hit || !name || name === 'default') return undefined;
  const file = loadModelFile(name, ctx, configsFrom);
  if (file) return docLayer(parseConfig(file.text, 'yaml'), file.path);
  const table = maxTextModel(name);
  if (table) return tableLayer(table.keys, () => ({ kind: 'preset', preset: name, source: table.source }));
  if (findPreset(name)) r.set('model.preset', name, hit);
  else
    r.warn(
      hit,
      `model_name "${name}": configs/models/${name}.yml could not be read and is not a known model, so its dims (base_emb_dim, base_num_decoder_layers, vocab_size…) are unknown.`,
      'information',
      'missing-value',
    );
  return blockingLayer(MODEL_KEYS);
}

/** Run-file keys that the model file replaces (MaxText applies the model config over the run file). */
function overriddenKeys(parsed: ParsedDocument, model: Layer, modelName: string): Finding[] {
  const out: Finding[] = [];
  if (!model.file && !model.origin) return out;
  for (const key of topKeys(parsed)) {
    const e = parsed.entries.get(key);
    if (!e || !model.hasTop(key) || !MODEL_KEYS.has(key)) continue;
    out.push({
      code: 'invalid-value',
      severity: 'warning',
      message: `\`${key}\` is replaced by model_name "${modelName}": MaxText loads configs/models/${modelName}.yml after this file and its ${key} wins (override it on the command line with override_model_config=true instead).`,
      range: e.keyRange ?? e.valueRange,
    });
  }
  return out;
}

/** Built-in base.yml defaults under the file: all of them for a run config, the model keys for a model file. */
function defaultLayers(parsed: ParsedDocument, hasBase: boolean): Layer[] {
  const layer = (keys: Readonly<Record<string, MaxTextValue>>) => tableLayer(keys, (key, raw) => dflt(key, `${raw === '' ? '""' : raw} (MaxText base.yml)`));
  if (hasBase) return [layer(BASE_DEFAULTS)];
  if (!topKeys(parsed).some((k) => MODEL_KEYS.has(k))) return [];
  return [layer(Object.fromEntries(Object.entries(BASE_DEFAULTS).filter(([k]) => MODEL_KEYS.has(k) || k === 'global_parameter_scale')))];
}

function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.code}:${f.range.start}:${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function adapt(parsed: ParsedDocument, ctx: AdapterContext): DialectResult {
  const own = docLayer(parsed);
  const hasBase = parsed.entries.has('base_config');
  const loaded = hasBase ? loadBases(parsed, ctx) : { layers: [], findings: [] };
  const layers = [own, ...loaded.layers, ...defaultLayers(parsed, hasBase)];
  const nameHit = new Merged(layers).get('model_name');
  const fallback = (nameHit && isDoc(nameHit) ? nameHit.e.keyRange : undefined) ?? parsed.entries.get('base_config')?.keyRange ?? { start: 0, end: 0 };
  const r = new Reader(new Merged(layers), fallback);
  const model = modelLayer(ctx, loaded.configsFrom, r);
  const findings: Finding[] = [...loaded.findings];
  if (model) {
    layers.unshift(model);
    if (nameHit) findings.push(...overriddenKeys(parsed, model, String(nameHit.e.value)));
  }

  readDims(r);
  const seq = r.int('max_target_length', 1);
  if (seq) r.set('model.seqLen', seq.v, seq.hit);
  readSteps(r);
  const mesh = readParallelism(r);
  const devices = readHardware(r, allAxisKeys(layers));
  readBatch(r, mesh, devices);
  readPrecision(r);
  readRecipe(r);

  const hw = r.str('hardware');
  const hardwareHint = hw && /gpu/i.test(hw.v) ? HARDWARE_HINT_GPU : HARDWARE_HINT_TPU;
  return { plan: r.plan, findings: dedupe([...findings, ...r.findings]), keyHints: KEY_HINTS, hardwareHint };
}

export const MAXTEXT_ADAPTER: DialectAdapter = {
  id: 'maxtext',
  name: 'MaxText',
  detect(parsed) {
    const keys = topKeys(parsed);
    if (!keys.length) return undefined;
    const found = keys.filter((k) => TELLTALE.has(k) || AXIS_KEY.test(k));
    if (isBaseConfig(parsed)) found.unshift('base_config');
    if (found.length < 2) return undefined;
    const score = Math.min(90, 50 + 5 * found.length + (found[0] === 'base_config' ? 10 : 0));
    return { score, reason: `top-level ${found.slice(0, 4).join(', ')}${found.length > 4 ? ', …' : ''}` };
  },
  adapt(parsed, ctx) {
    return adapt(parsed, ctx);
  },
};
