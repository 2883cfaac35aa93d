/**
 * Megatron-LM, in the three forms its runs are written down:
 * - functional-test `model_config.yaml`: `MODEL_ARGS:` maps literal CLI flags to values (`--num-layers: 32`,
 *   `--bf16: true`), values may hold launcher placeholders (`${DATA_PATH}`); some tests carry NeMo-2 recipe overrides
 *   instead (`trainer.num_nodes`, `model.config.num_layers`);
 * - launch scripts (`examples/gpt3/train_gpt3_175b_distributed.sh`): the flags, parsed by ./syntax/shell.ts, with
 *   `$VAR` followed to its assignment so a quick fix edits the number where it is written;
 * - the experimental `--yaml-cfg` file (`gpt_config.yaml`): `language_model:` / `model_parallel:` sections plus
 *   top-level snake_case arguments (megatron/training/yaml_arguments.py).
 *
 * Defaults are Megatron's (megatron/training/arguments.py, megatron/training/tokenizer): position embeddings
 * `learned_absolute`, `LayerNorm`, GeLU, linear biases on, embeddings tied unless `--untie-embeddings-and-output-weights`,
 * fp32 unless `--bf16`/`--fp16`; `--ffn-hidden-size` defaults to 4h, or `int(4h·2/3 / 64)·64` with `--swiglu` (it is
 * the true width: fc1 is 2× it when gated); `--num-query-groups` only counts with `--group-query-attention`;
 * `--moe-router-topk` 2, `--moe-ffn-hidden-size` = `--ffn-hidden-size`, `--moe-layer-freq` 1; the vocabulary is
 * the tokenizer's size (NullTokenizer: `--vocab-size` + 1) padded to a multiple of `--make-vocab-size-divisible-by`
 * (128) × TP. `--train-samples` counts sequences. The GPU count is the launcher's (torchrun `--nproc-per-node`,
 * `--nnodes`, SLURM); functional-test directory names encode it (`…_dgx_a100_1N8G`) and are read from the file name.
 */
import type { Finding } from '../core/findings';
import { FILE_START } from '../core/findings';
import { derived, dflt, doc, sv, type Origin, type TrainingPlan } from '../core/plan';
import { findPreset } from '../core/presets';
import { formatNumber } from '../core/units';
import { applyRules, bool, hasField, isSentinel, numberOf, setField, size, str, type KeyRule } from './common';
import { applyDeepSpeedRef, boolOf } from './deepspeed';
import type { ParsedDocument, SourceEntry } from './syntax/tree';
import type { AdapterContext, DialectAdapter } from './types';

type Form = 'test' | 'nemo2' | 'yaml-cfg' | 'shell';

const RULES: readonly KeyRule[] = [
  { field: 'model.layers', keys: ['num-layers', 'decoder-num-layers', 'encoder-num-layers'], kind: size(1, 100_000) },
  { field: 'model.hidden', keys: ['hidden-size'], kind: size(1, 10_000_000) },
  { field: 'model.heads', keys: ['num-attention-heads'], kind: size(1, 100_000) },
  { field: 'model.headDim', keys: ['kv-channels'], kind: size(1, 100_000) },
  { field: 'model.ffnHidden', keys: ['ffn-hidden-size'], kind: size(1, 100_000_000) },
  { field: 'model.seqLen', keys: ['seq-length', 'encoder-seq-length'], kind: size(1, 100_000_000) },
  { field: 'model.maxPositions', keys: ['max-position-embeddings'], kind: size(1, 100_000_000) },
  { field: 'model.experts', keys: ['num-experts'], kind: size(1, 1_000_000) },
  { field: 'model.topK', keys: ['moe-router-topk'], kind: size(1, 1_000_000) },
  { field: 'model.expertFfnHidden', keys: ['moe-ffn-hidden-size'], kind: size(1, 100_000_000) },
  { field: 'model.qkvBias', keys: ['add-qkv-bias'], kind: bool },
  { field: 'training.steps', keys: ['train-iters'], kind: size(1, 1e12) },
  { field: 'training.globalBatch', keys: ['global-batch-size'], kind: size(1, 1e9) },
  { field: 'training.microBatch', keys: ['micro-batch-size'], kind: size(1, 1e7) },
  { field: 'training.finetune', keys: ['finetune'], kind: bool, map: (v) => (v ? 'full' : undefined), note: '(starts from the `--load` checkpoint)' },
  {
    field: 'training.activationCheckpointing',
    keys: ['recompute-granularity'],
    kind: str,
    map: (v) => ({ full: 'full', selective: 'selective' })[String(v).toLowerCase()],
  },
  { field: 'training.activationCheckpointing', keys: ['recompute-activations'], kind: bool, map: (v) => (v ? 'selective' : undefined) },
  { field: 'training.optimizer', keys: ['optimizer'], kind: str, map: (v) => ({ adam: 'adamw', adamw: 'adamw', sgd: 'sgd' })[String(v).toLowerCase()] },
  { field: 'parallelism.tp', keys: ['tensor-model-parallel-size'], kind: size(1, 100_000) },
  { field: 'parallelism.pp', keys: ['pipeline-model-parallel-size'], kind: size(1, 100_000) },
  { field: 'parallelism.cp', keys: ['context-parallel-size'], kind: size(1, 100_000) },
  { field: 'parallelism.ep', keys: ['expert-model-parallel-size'], kind: size(1, 100_000) },
  { field: 'parallelism.vpp', keys: ['virtual-pipeline-model-parallel-size', 'num-virtual-stages-per-pipeline-rank'], kind: size(1, 1000) },
  { field: 'parallelism.sp', keys: ['sequence-parallel'], kind: bool },
  { field: 'parallelism.distributedOptimizer', keys: ['use-distributed-optimizer'], kind: bool },
  { field: 'parallelism.fsdp', keys: ['use-megatron-fsdp', 'use-torch-fsdp2', 'use-custom-fsdp'], kind: bool, map: (v) => (v ? true : undefined) },
  {
    field: 'parallelism.zero',
    keys: ['data-parallel-sharding-strategy'],
    kind: str,
    map: (v) => ({ no_shard: 0, optim: 1, optim_grads: 2, optim_grads_params: 3 })[String(v)],
    note: '(FSDP sharding strategy as a ZeRO stage)',
  },
  { field: 'parallelism.zero', keys: ['zero-stage'], kind: { type: 'zero' } },
  // torchrun also accepts an elastic range (`--nnodes 1:4`, the maximum counts) and `--nproc-per-node gpu|auto` (unknown).
  { field: 'cluster.nodes', keys: ['nnodes', 'num-nodes'], kind: str, map: launcherCount },
  { field: 'cluster.gpusPerNode', keys: ['nproc-per-node', 'num-gpus', 'gpus-per-node'], kind: str, map: launcherCount },
];

function launcherCount(v: unknown): number | undefined {
  const m = /^(\d+)(?::(\d+))?$/.exec(String(v).trim());
  const n = m ? Number(m[2] ?? m[1]) : NaN;
  return n >= 1 && n <= 10_000_000 ? n : undefined;
}

/** Flags whose values must be numbers or booleans: a `$VAR` there is reported, not coerced. */
const VALUE_FLAGS = new Set([...RULES.flatMap((r) => r.keys), 'train-samples', 'vocab-size', 'make-vocab-size-divisible-by', 'num-layers-per-virtual-pipeline-stage', 'moe-shared-expert-intermediate-size', 'num-query-groups']);

/** NeMo-2 recipe overrides in a functional test → the equivalent Megatron flag. */
const NEMO2: Record<string, string> = {
  'trainer.num_nodes': 'nnodes',
  'trainer.devices': 'nproc-per-node',
  'trainer.max_steps': 'train-iters',
  'data.micro_batch_size': 'micro-batch-size',
  'data.global_batch_size': 'global-batch-size',
  'data.seq_length': 'seq-length',
  'model.config.num_moe_experts': 'num-experts',
};

/** `--yaml-cfg` names that differ from the flag spelling. */
const YAML_CFG: Record<string, string> = { num_moe_experts: 'num-experts', fp8: 'fp8-format' };

interface View {
  form: Form;
  /** Canonical dashed flag name → entry (its `dotted` is the label shown in provenance). */
  flags: Map<string, SourceEntry>;
  findings: Finding[];
}

// ---------------------------------------------------------------------------------------------------------------
// Detection

const TELLTALE_FLAGS = ['num-layers', 'hidden-size', 'num-attention-heads', 'tensor-model-parallel-size', 'pipeline-model-parallel-size', 'micro-batch-size', 'global-batch-size', 'seq-length', 'train-iters', 'train-samples', 'ffn-hidden-size', 'max-position-embeddings'];

function formOf(parsed: ParsedDocument): Form | undefined {
  if (parsed.format === 'shell') return 'shell';
  const args = parsed.entries.get('MODEL_ARGS');
  if (args?.kind === 'map') return childNames(parsed, 'MODEL_ARGS').some((k) => k.startsWith('--')) ? 'test' : 'nemo2';
  if (parsed.entries.get('language_model')?.kind === 'map' && parsed.entries.get('model_parallel')?.kind === 'map') return 'yaml-cfg';
  return undefined;
}

function childNames(parsed: ParsedDocument, parent: string): string[] {
  const out: string[] = [];
  for (const e of parsed.entries.values()) if (e.path.length === 2 && e.path[0] === parent) out.push(e.path[1]!);
  return out;
}

export const MEGATRON_ADAPTER: DialectAdapter = {
  id: 'megatron',
  name: 'Megatron-LM',
  detect(parsed) {
    const form = formOf(parsed);
    if (!form) return undefined;
    if (form === 'shell') {
      const flags = TELLTALE_FLAGS.filter((f) => parsed.entries.has(f) || parsed.entries.has(f.replace(/-/g, '_')));
      const script = /\bpretrain_(gpt|bert|t5|mamba|vlm)\w*\.py\b/.test(parsed.text);
      if (flags.length < 2 && !(script && flags.length >= 1)) return undefined;
      return { score: Math.min(90, 74 + 2 * flags.length + (script ? 4 : 0)), reason: `Megatron flags ${flags.slice(0, 3).map((f) => `--${f}`).join(', ')}${script ? ' and pretrain_*.py' : ''}` };
    }
    if (form === 'yaml-cfg') return { score: 85, reason: 'top-level language_model and model_parallel sections (Megatron --yaml-cfg)' };
    const names = childNames(parsed, 'MODEL_ARGS');
    if (form === 'test') {
      const flags = names.filter((n) => n.startsWith('--'));
      return { score: 88, reason: `MODEL_ARGS with Megatron flags ${flags.slice(0, 3).join(', ')}` };
    }
    const nemo = names.filter((n) => /^(trainer|model|data)\./.test(n));
    if (nemo.length < 2) return undefined;
    return { score: 72, reason: `MODEL_ARGS with NeMo-2 recipe overrides ${nemo.slice(0, 2).join(', ')} (Megatron functional test)` };
  },
  adapt(parsed, ctx) {
    const form = formOf(parsed) ?? 'test';
    const view = buildView(parsed, form);
    const viewDoc: ParsedDocument = { ...parsed, entries: view.flags };
    const { plan, findings } = applyRules(viewDoc, RULES);
    findings.unshift(...view.findings);
    const get = (name: string): SourceEntry | undefined => {
      const e = view.flags.get(name);
      return e && !isSentinel(e) ? e : undefined;
    };
    const m = new MegatronReader(plan, get, form, findings);
    m.run(parsed, ctx);
    return { plan, findings, keyHints: keyHints(form), hardwareHint: hardwareHint(form) };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The flag view: one map of dashed flag names, whatever the form.

function buildView(parsed: ParsedDocument, form: Form): View {
  const flags = new Map<string, SourceEntry>();
  const findings: Finding[] = [];
  const add = (name: string, e: SourceEntry, label: string) => {
    if (flags.has(name)) return;
    const r = form === 'shell' ? resolveShell(e, parsed, label) : e;
    if ('why' in r) {
      // A path or name set by the environment still tells which flag is present (`--merge-file $MERGE_FILE`).
      if (VALUE_FLAGS.has(name)) findings.push({ code: 'missing-value', severity: 'information', message: `\`${label}\` = ${String(e.value)}: ${r.why}.`, range: e.valueRange });
      else flags.set(name, { ...e, dotted: label });
      return;
    }
    if (form !== 'shell' && r.kind === 'scalar' && typeof r.value === 'string' && r.value.includes('$') && VALUE_FLAGS.has(name)) {
      findings.push({ code: 'missing-value', severity: 'information', message: `\`${label}\` = ${r.value}: set by the launcher's environment, not in this file.`, range: r.valueRange });
      return;
    }
    flags.set(name, { ...r, dotted: r === e ? label : r.dotted });
  };
  for (const e of parsed.entries.values()) {
    const [head, name, ...rest] = e.path;
    if (head === undefined) continue;
    if (form === 'shell' && name === undefined && !head.startsWith('$')) add(head.replace(/_/g, '-'), e, `--${head}`);
    else if (form === 'test' && head === 'MODEL_ARGS' && name?.startsWith('--') && rest.length === 0) add(name.slice(2).replace(/_/g, '-'), e, name);
    else if (form === 'nemo2' && head === 'MODEL_ARGS' && name && rest.length === 0) {
      const flag = NEMO2[name] ?? /^(?:model\.config|trainer\.strategy)\.([a-z0-9_]+)$/.exec(name)?.[1]?.replace(/_/g, '-');
      if (flag) add(flag, e, e.dotted);
    } else if (form === 'yaml-cfg' && e.kind === 'scalar') {
      const key = rest.length === 0 && name !== undefined && (head === 'language_model' || head === 'model_parallel') ? name : name === undefined ? head : undefined;
      if (key !== undefined && !(name === undefined && key === 'swiglu')) add(YAML_CFG[key] ?? key.replace(/_/g, '-'), e, e.dotted);
    }
  }
  return { form, flags, findings };
}

const SHELL_REF = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=]([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))$/;

/** `--tp $TP` → the entry of `TP=8` (its range, so fixes edit the assignment); `${X:-32}` → the default 32. */
function resolveShell(e: SourceEntry, parsed: ParsedDocument, label: string, depth = 0): SourceEntry | { why: string } {
  if (e.kind !== 'scalar' || typeof e.value !== 'string' || !e.value.includes('$')) return e;
  const m = SHELL_REF.exec(e.value.trim());
  if (!m) return { why: 'computed by the shell when the script runs' };
  const name = (m[1] ?? m[3])!;
  const fallback = m[2];
  const assigned = parsed.entries.get(`$${name}`);
  if (assigned && assigned !== e && depth < 8) {
    const r = resolveShell(assigned, parsed, label, depth + 1);
    if (!('why' in r)) return { ...r, dotted: r.dotted.startsWith('--') ? r.dotted : `${label} (${r.dotted.startsWith('$') ? r.dotted : `$${name}`})`, ...(e.keyRange ? { keyRange: e.keyRange } : {}) };
    if (fallback === undefined) return r;
  }
  if (fallback !== undefined && fallback !== '') {
    const raw = e.raw ?? String(e.value);
    const at = raw.indexOf(fallback);
    const start = e.valueRange.start + Math.max(0, at);
    const n = Number(fallback);
    return { ...e, dotted: `$${name} default`, value: Number.isFinite(n) && /^[\d.eE+-]+$/.test(fallback) ? n : fallback, raw: fallback, valueRange: { start, end: start + fallback.length } };
  }
  return { why: `\`$${name}\` is set outside this script` };
}

// ---------------------------------------------------------------------------------------------------------------
// Semantics beyond the key table.

type Get = (name: string) => SourceEntry | undefined;

const at = (e: SourceEntry, note?: string): Origin => doc(note ? `${e.dotted} ${note}` : e.dotted, e.valueRange, e.keyRange);
const rangeOf = (e: SourceEntry) => e.keyRange ?? e.valueRange;

class MegatronReader {
  constructor(
    private readonly plan: TrainingPlan,
    private readonly get: Get,
    private readonly form: Form,
    private readonly findings: Finding[],
  ) {}

  private on(name: string): SourceEntry | undefined {
    const e = this.get(name);
    return boolOf(e) === true ? e : undefined;
  }

  private set(field: string, value: unknown, origin: Origin): void {
    if (!hasField(this.plan, field)) setField(this.plan, field, sv(value, origin));
  }

  private note(e: SourceEntry | undefined, message: string, severity: 'information' | 'warning' | 'error' = 'information'): void {
    this.findings.push({ code: severity === 'information' ? 'missing-value' : 'invalid-value', severity, message, range: e ? rangeOf(e) : FILE_START });
  }

  run(parsed: ParsedDocument, ctx: AdapterContext): void {
    if (this.form === 'nemo2') this.recipePreset(ctx.fileName);
    else this.architectureDefaults();
    this.attentionHeads();
    this.ffn();
    this.moe();
    this.vocab();
    this.pipeline();
    this.precision();
    this.duration();
    this.hardware(parsed, ctx.fileName);
    const ds = this.get('deepspeed-config');
    if (ds) this.findings.push(...applyDeepSpeedRef(ds, parsed, this.plan, ctx));
  }

  /** Megatron's argument defaults (the core's own defaults are Llama-style). */
  private architectureDefaults(): void {
    const g = this.get;
    const yaml = this.form === 'yaml-cfg';
    const act = yaml ? g('activation-func') : undefined;
    const glu = yaml ? this.on('gated-linear-unit') : undefined;
    const swiglu = this.on('swiglu') ?? (act && /swiglu/i.test(String(act.value)) ? act : undefined);
    const squared = this.on('squared-relu') ?? (act && /squaredrelu/i.test(String(act.value)) ? act : undefined);
    if (swiglu) this.set('model.activation', 'swiglu', at(swiglu));
    else if (squared) this.set('model.activation', 'squared-relu', at(squared));
    else if (glu) this.set('model.activation', 'geglu', at(glu, '(gated GeLU)'));
    else this.set('model.activation', 'gelu', act ? at(act) : dflt('activation', 'GeLU (Megatron default without --swiglu)'));

    const untie = g('untie-embeddings-and-output-weights');
    const untied = boolOf(untie);
    this.set('model.tiedEmbeddings', untied === undefined ? true : !untied, untie && untied !== undefined ? at(untie) : dflt('untie-embeddings-and-output-weights', 'tied (Megatron default)'));

    const pos = g('position-embedding-type');
    const rope = this.on('use-rotary-position-embeddings');
    const learned = pos ? /learned/i.test(String(pos.value)) : !rope;
    this.set('model.learnedPositions', learned, pos ? at(pos) : rope ? at(rope) : dflt('position-embedding-type', 'learned_absolute (Megatron default)'));

    const norm = g('normalization');
    this.set('model.norm', norm && /rms/i.test(String(norm.value)) ? 'rmsnorm' : 'layernorm', norm ? at(norm) : dflt('normalization', 'LayerNorm (Megatron default)'));

    const disable = this.on('disable-bias-linear');
    const add = yaml ? g('add-bias-linear') : undefined;
    if (disable) this.set('model.bias', false, at(disable));
    else if (add && boolOf(add) !== undefined) this.set('model.bias', boolOf(add), at(add));
    else this.set('model.bias', true, dflt('add-bias-linear', 'true (Megatron default: biases in every linear layer)'));
  }

  /** NeMo-2 overrides modify a recipe named in the test directory (`llama3-nemo_8b_…`): its preset fills the rest. */
  private recipePreset(fileName: string): void {
    const m = /(llama[-_]?\d(?:\.\d)?|mixtral|mistral|qwen[\d.]*|gemma[-_]?\d?|nemotron\d*)[-_](?:nemo[-_])?(\d+(?:\.\d+)?b|\d+x\d+b)/i.exec(fileName);
    const preset = m ? findPreset(`${m[1]}-${m[2]}`) : undefined;
    if (!m || !preset) return;
    this.set('model.preset', preset.id, derived(`NeMo recipe named in the file name (${m[0]})`, ['file name']));
    const h = this.plan.model.hidden?.value;
    const a = this.plan.model.heads?.value;
    if (h !== undefined && a !== undefined) this.set('model.headDim', h / a, derived('hidden ÷ heads (the overrides change both)', ['hidden_size', 'num_attention_heads']));
  }

  private attentionHeads(): void {
    const groups = this.get('num-query-groups');
    const n = numberOf(groups);
    if (!groups || n === undefined) {
      const gqa = this.on('group-query-attention');
      if (gqa) this.set('model.kvHeads', 1, dflt('num-query-groups', '1 (Megatron default with --group-query-attention)'));
      return;
    }
    const gqaOn = this.form === 'nemo2' || this.form === 'yaml-cfg' || this.on('group-query-attention');
    if (gqaOn) this.set('model.kvHeads', n, at(groups));
    else this.note(groups, `\`${groups.dotted}\` is ignored without --group-query-attention: Megatron builds full multi-head attention (${formatNumber(this.plan.model.heads?.value ?? 0)} KV heads). Add \`--group-query-attention\`.`, 'warning');
  }

  /** `--ffn-hidden-size` default: 4h, or int(4h·2/3 / 64)·64 with a gated activation. */
  private ffn(): void {
    const h = this.plan.model.hidden?.value;
    if (h === undefined || hasField(this.plan, 'model.ffnHidden') || this.plan.model.preset) return;
    const gated = this.plan.model.activation?.value === 'swiglu' || this.plan.model.activation?.value === 'geglu';
    const f = gated ? Math.floor((4 * h * 2) / 3 / 64) * 64 : 4 * h;
    this.set('model.ffnHidden', f, derived(gated ? `int(4·${h}·2/3 ÷ 64)·64 (Megatron default with a gated MLP)` : `4 × hidden_size (Megatron default)`, ['hidden-size']));
  }

  private moe(): void {
    const experts = this.plan.model.experts?.value ?? 0;
    const layers = this.plan.model.layers?.value;
    if (experts <= 1) return;
    this.set('model.topK', 2, dflt('moe-router-topk', '2 (Megatron default)'));
    const shared = this.get('moe-shared-expert-intermediate-size');
    const sharedWidth = numberOf(shared);
    const ffn = this.plan.model.ffnHidden?.value;
    if (shared && sharedWidth !== undefined && ffn) {
      // The core sizes shared experts in units of ffn_hidden: one shared MLP of this width is that fraction of one.
      this.set('model.sharedExperts', sharedWidth / ffn, at(shared, `(one shared-expert MLP of width ${formatNumber(sharedWidth)} = ${formatNumber(sharedWidth / ffn, 3)} × ffn width)`));
    }
    const freq = this.get('moe-layer-freq');
    if (!freq || layers === undefined) return;
    const pattern = moeLayerPattern(freq.value, layers);
    if (!pattern) {
      this.note(freq, `\`${freq.dotted}\` = ${String(freq.value)} is not a pattern Scaling Lens can evaluate: every layer is counted as MoE.`);
      return;
    }
    if (pattern.length !== layers) {
      this.note(freq, `\`${freq.dotted}\` lists ${pattern.length} layers but --num-layers is ${layers}: Megatron requires one entry per layer.`, 'error');
      return;
    }
    const moeLayers = pattern.filter((x) => x !== 0).length;
    this.set('model.denseLayers', layers - moeLayers, at(freq, `(${moeLayers} of ${layers} layers are MoE)`));
  }

  /** Tokenizer size (NullTokenizer adds the EOD token) padded to a multiple of divisible-by × TP. */
  private vocab(): void {
    if (hasField(this.plan, 'model.vocab') || this.plan.model.preset) return;
    const g = this.get;
    const type = String(g('tokenizer-type')?.value ?? '');
    const model = String(g('tokenizer-model')?.value ?? '');
    const sizeE = g('vocab-size');
    const given = numberOf(sizeE);
    let base: { n: number; what: string; e: SourceEntry | undefined } | undefined;
    if (given !== undefined) base = /null/i.test(type) ? { n: given + 1, what: `--vocab-size ${formatNumber(given)} + 1 EOD (NullTokenizer)`, e: sizeE } : { n: given, what: 'as given', e: sizeE };
    else if (/gpt2bpe/i.test(type) || (!type && g('merge-file'))) base = { n: 50257, what: 'GPT-2 BPE', e: g('tokenizer-type') ?? g('merge-file') };
    else if (/llama2/i.test(type)) base = { n: 32000, what: 'Llama-2 SentencePiece', e: g('tokenizer-type') };
    else if (/nemotron_2_256k/i.test(model)) base = { n: 256000, what: 'Nemotron-2 256k SentencePiece', e: g('tokenizer-model') };
    else {
      const preset = model ? findPreset(model.replace(/^.*?([\w.-]+\/[\w.-]+)\/?$/, '$1')) : undefined;
      if (preset) base = { n: preset.dims.vocab, what: `tokenizer of ${preset.id}`, e: g('tokenizer-model') };
    }
    if (!base) {
      const named = g('tokenizer-model') ?? g('tokenizer-type') ?? g('vocab-file');
      const key = this.form === 'yaml-cfg' ? 'vocab_size' : '--vocab-size';
      this.note(named, `The vocabulary size comes from the tokenizer file, which Scaling Lens does not read: add \`${key}\` for an exact parameter count.`);
      return;
    }
    const divisible = numberOf(g('make-vocab-size-divisible-by')) ?? 128;
    const tp = this.plan.parallelism.tp?.value ?? 1;
    const multiple = Math.max(1, divisible * tp);
    const padded = multiple * Math.ceil(base.n / multiple);
    const label = `${formatNumber(base.n)} (${base.what}) padded to a multiple of ${divisible} × TP ${tp} → ${formatNumber(padded)}`;
    this.set('model.vocab', padded, base.e ? at(base.e, label) : derived(label, ['tokenizer']));
  }

  /** Interleaved stages from --num-layers-per-virtual-pipeline-stage or an explicit --pipeline-model-parallel-layout. */
  private pipeline(): void {
    const pp = this.plan.parallelism.pp?.value ?? 1;
    const layers = this.plan.model.layers?.value;
    const perStage = this.get('num-layers-per-virtual-pipeline-stage');
    const n = numberOf(perStage);
    if (perStage && n !== undefined && layers !== undefined && pp > 1 && !hasField(this.plan, 'parallelism.vpp')) {
      const vpp = layers / pp / n;
      if (Number.isInteger(vpp)) this.set('parallelism.vpp', vpp, at(perStage, `(${layers} layers ÷ PP ${pp} ÷ ${n} per virtual stage = ${vpp})`));
      else this.note(perStage, `${layers} layers ÷ PP ${pp} is not a multiple of ${n} layers per virtual stage: Megatron rejects this split.`, 'error');
    }
    const uneven = this.get('decoder-first-pipeline-num-layers') ?? this.get('decoder-last-pipeline-num-layers');
    if (uneven) this.set('parallelism.explicitLayout', true, at(uneven, '(uneven first/last pipeline stage)'));
    const layout = this.get('pipeline-model-parallel-layout');
    if (!layout || typeof layout.value !== 'string') return;
    this.set('parallelism.explicitLayout', true, at(layout, '(explicit layer placement)'));
    const stages = expandLayout(layout.value);
    if (stages && stages % pp === 0 && stages / pp > 1) this.set('parallelism.vpp', stages / pp, at(layout, `(${stages} stages ÷ PP ${pp})`));
  }

  private precision(): void {
    const fp8 = this.get('fp8-format') ?? this.get('fp8');
    if (fp8 && fp8.kind === 'scalar' && fp8.value !== false) this.set('training.precision', 'fp8-mixed', at(fp8, '(FP8 matmuls, bf16/fp32 master copies)'));
    const bf16 = this.on('bf16');
    const fp16 = this.on('fp16');
    if (bf16) this.set('training.precision', 'bf16-mixed', at(bf16, '(fp32 main params and gradients)'));
    else if (fp16) this.set('training.precision', 'fp16-mixed', at(fp16));
    else if (this.form !== 'nemo2') this.set('training.precision', 'fp32', dflt('precision', 'fp32 (Megatron trains in fp32 without --bf16 or --fp16)'));
  }

  /** `--train-samples` counts sequences; batch-size schedules make the step count variable. */
  private duration(): void {
    const samplesE = this.get('train-samples');
    const samples = numberOf(samplesE);
    const steps = this.plan.training.steps;
    if (samplesE && steps && steps.origin.kind === 'document') {
      this.note(samplesE, 'Both --train-iters and --train-samples are set: Megatron asserts that only one is given.', 'error');
    }
    const seq = this.plan.model.seqLen?.value;
    if (samplesE && samples !== undefined && !steps && seq !== undefined) {
      this.set('training.tokens', samples * seq, derived(`${samplesE.dotted} × sequence length (${formatNumber(samples)} × ${formatNumber(seq)})`, [samplesE.dotted, 'seq-length']));
    }
    for (const name of ['step-batch-size-schedule', 'rampup-batch-size']) {
      const e = this.get(name);
      if (!e) continue;
      this.note(e, `\`${e.dotted}\`: the global batch changes during training, so ${samplesE ? `the step count is approximate (tokens come from \`${samplesE.dotted}\`)` : 'steps × global batch overstates the tokens of the ramp-up'}.`);
    }
    const mla = this.on('multi-latent-attention');
    if (mla) this.note(mla, 'Multi-latent attention (--q-lora-rank, --kv-lora-rank, …) is not modelled: attention parameters and FLOPs are estimated as standard attention with --kv-channels per head.');
    const mtp = this.get('mtp-num-layers');
    if (mtp && (numberOf(mtp) ?? 0) > 0) this.note(mtp, `${String(mtp.value)} multi-token-prediction layer(s) are not included in the parameter count.`);
  }

  /**
   * GPUs: torchrun/SLURM in scripts, NeMo `trainer.*` overrides, else the test directory name (`…_dgx_h100_2N8G`),
   * which a `# scaling-lens:` directive overrides.
   */
  private hardware(parsed: ParsedDocument, fileName: string): void {
    if (this.form === 'shell') this.slurm(parsed);
    const c = this.plan.cluster;
    const directive = (key: string) => parsed.comments.some((x) => new RegExp(`^\\s*scaling-lens\\s*:.*\\b${key}\\s*=`, 'i').test(x.text));
    const countGiven = directive('count') || directive('gpus') || directive('nodes');
    if ((!c.nodes || !c.gpusPerNode) && !countGiven) {
      const m = /(?:^|[^A-Za-z0-9])(\d+)N(\d+)G(?![A-Za-z0-9])/.exec(fileName);
      if (m) {
        const from = derived(`file name …${m[0]}…`, ['file name']);
        this.set('cluster.nodes', Number(m[1]), from);
        this.set('cluster.gpusPerNode', Number(m[2]), from);
      }
    }
    const gpu = /(?:^|[^A-Za-z0-9])(?:dgx[_-]?)?(gb200|b200|h200|h100|a100|mi300x?)(?=[^A-Za-z0-9]|$)/i.exec(fileName);
    if (gpu && !directive('gpu')) this.set('cluster.gpu', gpu[1]!.toUpperCase(), derived(`file name …${gpu[0]}…`, ['file name']));
  }

  /** `#SBATCH --nodes=4`, `#SBATCH --gpus-per-node=8` / `--gres=gpu:8`. */
  private slurm(parsed: ParsedDocument): void {
    for (const c of parsed.comments) {
      const m = /^SBATCH\s+(?:--nodes[=\s]+|-N\s*)(\d+)/.exec(c.text) ?? undefined;
      if (m) this.set('cluster.nodes', Number(m[1]), doc('#SBATCH --nodes', c.range, c.range));
      const g = /^SBATCH\s+(?:--gpus-per-node[=\s]+(?:\w+:)?|--gres[=\s]+gpu:(?:\w+:)?)(\d+)/.exec(c.text);
      if (g) this.set('cluster.gpusPerNode', Number(g[1]), doc('#SBATCH --gpus-per-node', c.range, c.range));
    }
  }
}

/** `--moe-layer-freq`: an int k (every k-th layer from 0) or a Python list expression like `([0]*3+[1]*11)`. */
export function moeLayerPattern(value: unknown, layers: number): number[] | undefined {
  const s = String(value ?? '').replace(/\s+/g, '');
  if (/^\d+$/.test(s)) {
    const k = Math.max(1, Number(s));
    return Array.from({ length: layers }, (_, i) => (i % k === 0 ? 1 : 0));
  }
  const body = s.replace(/^\((.*)\)$/, '$1');
  const out: number[] = [];
  for (const term of body.split('+')) {
    const m = /^\(?\[([\d,]*)\](?:\*(\d+))?\)?$/.exec(term);
    if (!m) return undefined;
    const items = m[1] ? m[1].split(',').filter(Boolean).map(Number) : [];
    const times = m[2] ? Number(m[2]) : 1;
    if (times > 100_000) return undefined;
    for (let i = 0; i < times; i++) out.push(...items);
  }
  return out;
}

/** `Et*2|(tt|)*5t|tmL` → number of pipeline stages (`|`-separated) after expanding repeats; undefined if malformed. */
export function expandLayout(layout: string): number | undefined {
  let s = layout.replace(/\s+/g, '');
  for (let i = 0; i < 32 && /\([^()]*\)\*\d+/.test(s); i++) s = s.replace(/\(([^()]*)\)\*(\d+)/g, (_, body: string, n: string) => body.repeat(Math.min(10_000, Number(n))));
  s = s.replace(/([A-Za-z])\*(\d+)/g, (_, c: string, n: string) => c.repeat(Math.min(10_000, Number(n))));
  if (/[()*]/.test(s)) return undefined;
  return s.split('|').length;
}

function keyHints(form: Form): Record<string, string> {
  const common = { 'cluster.gpu': '# scaling-lens: gpu=<name>' };
  if (form === 'yaml-cfg') {
    return {
      ...common,
      'model.layers': 'language_model.num_layers',
      'model.hidden': 'language_model.hidden_size',
      'model.heads': 'language_model.num_attention_heads',
      'model.kvHeads': 'language_model.num_query_groups',
      'model.ffnHidden': 'language_model.ffn_hidden_size',
      'model.vocab': 'vocab_size',
      'model.params': 'language_model.num_layers',
      'model.preset': 'language_model.hidden_size',
      'model.seqLen': 'seq_length',
      'training.steps': 'train_iters',
      'training.tokens': 'train_samples',
      'training.globalBatch': 'global_batch_size',
      'training.microBatch': 'micro_batch_size',
      'parallelism.tp': 'model_parallel.tensor_model_parallel_size',
      'parallelism.pp': 'model_parallel.pipeline_model_parallel_size',
      'cluster.count': '# scaling-lens: count=<GPUs>',
    };
  }
  const hints: Record<string, string> = { ...common };
  for (const r of RULES) hints[r.field] ??= `--${r.keys[0]!}`;
  return {
    ...hints,
    'model.vocab': '--vocab-size',
    'model.kvHeads': '--num-query-groups',
    'model.params': '--num-layers',
    'model.preset': '--hidden-size',
    'training.tokens': '--train-samples',
    'cluster.count': form === 'shell' ? 'torchrun --nproc-per-node × --nnodes' : '# scaling-lens: count=<GPUs>',
  };
}

function hardwareHint(form: Form): string {
  if (form === 'shell') return 'or the launcher flags in this script (`torchrun --nproc-per-node 8 --nnodes 4`, `#SBATCH --nodes=4`)';
  return 'or a functional-test directory name that encodes it (`…_dgx_h100_2N8G`)';
}
