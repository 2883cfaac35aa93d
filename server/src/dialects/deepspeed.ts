/**
 * DeepSpeed JSON configs (`ds_config.json`, `deepspeed_configs/zero3.json`) and the DeepSpeed keys other dialects
 * embed (GPT-NeoX YAML is a superset) or reference (`deepspeed: ds.json` in HF/axolotl, `--deepspeed_config` in
 * Megatron-DeepSpeed scripts).
 *
 * Semantics follow DeepSpeed's own config docs (deepspeed.ai/docs/config-json) and `runtime/config.py`:
 * - batch arithmetic `train_batch_size = train_micro_batch_size_per_gpu × gradient_accumulation_steps × DP world
 *   size`; any two imply the third (`_configure_train_batch_size`), `gradient_accumulation_steps` defaults to 1 only
 *   when the global batch is not given;
 * - `"auto"` is a placeholder the HF Trainer / Accelerate fills in: not set, never an error;
 * - `zero_optimization.stage` 0–3 (default 0), `offload_optimizer`/`offload_param` `device: cpu|nvme`
 *   (legacy `cpu_offload: true`);
 * - precision: `bf16.enabled` (alias `bfloat16`) or `fp16.enabled`; neither enabled = fp32. DeepSpeed keeps fp32
 *   master weights and optimizer states in both mixed modes.
 * DeepSpeed JSON holds no model dims and no GPU count (the launcher's `--num_gpus`/`--num_nodes`/hostfile decides).
 */
import type { Finding } from '../core/findings';
import { derived, doc, dflt, emptyPlan, sv, type Precision, type TrainingPlan } from '../core/plan';
import { applyRules, countKeys, hasField, hintsFrom, isSentinel, lookup, setField, size, type KeyRule } from './common';
import { parseConfig } from './syntax/index';
import type { ParsedDocument, SourceEntry } from './syntax/tree';
import type { AdapterContext, DialectAdapter } from './types';

export interface DeepSpeedOptions {
  /** Dotted prefix where the DeepSpeed keys live (e.g. `deepspeed.` for an inline block); default top level. */
  prefix?: string;
  /** Treat `-` and `_` in keys as equal (GPT-NeoX). */
  dashes?: boolean;
  /** The DeepSpeed keys come from another file (provenance `file`; no quick fixes, no findings at its ranges). */
  file?: string;
}

export interface DeepSpeedResult {
  findings: Finding[];
  /** Plan field → the key that set it. */
  used: Map<string, string>;
}

const OPTIMIZERS: Record<string, 'adamw' | 'sgd' | 'adafactor'> = {
  adam: 'adamw',
  adamw: 'adamw',
  fusedadam: 'adamw',
  cpuadam: 'adamw',
  cpu_adam: 'adamw',
  cpu_torch_adam: 'adamw',
  onebitadam: 'adamw',
  zerooneadam: 'adamw',
  lamb: 'adamw',
  onebitlamb: 'adamw',
  fusedlamb: 'adamw',
  sgd: 'sgd',
  adafactor: 'adafactor',
};

function rules(p: string): KeyRule[] {
  return [
    { field: 'training.microBatch', keys: [`${p}train_micro_batch_size_per_gpu`], kind: size(1, 1e7) },
    { field: 'training.gradAccum', keys: [`${p}gradient_accumulation_steps`], kind: size(1, 1e7) },
    { field: 'training.globalBatch', keys: [`${p}train_batch_size`], kind: size(1, 1e9) },
    { field: 'parallelism.zero', keys: [`${p}zero_optimization.stage`, `${p}zero_stage`], kind: { type: 'zero' } },
    {
      field: 'training.optimizer',
      keys: [`${p}optimizer.type`],
      kind: { type: 'string' },
      map: (v) => OPTIMIZERS[String(v).toLowerCase().replace(/[\s-]/g, '')],
      note: '(Adam-family and LAMB keep two fp32 moments: AdamW memory)',
    },
    {
      field: 'training.steps',
      keys: [`${p}scheduler.params.total_num_steps`],
      kind: size(1, 1e12),
      note: '(length of the LR schedule, taken as the training steps)',
    },
  ];
}

export const DEEPSPEED_RULES: readonly KeyRule[] = rules('');

/**
 * Read a DeepSpeed config's batch arithmetic, ZeRO stage, precision, optimizer and offload into `plan`. Fields the
 * plan already has are left alone (call it after the embedding dialect's own keys).
 */
export function applyDeepSpeed(parsed: ParsedDocument, plan: TrainingPlan, opts: DeepSpeedOptions = {}): DeepSpeedResult {
  const p = opts.prefix ?? '';
  const applyOpts = { ...(opts.dashes ? { dashes: true } : {}), ...(opts.file ? { file: opts.file } : {}) };
  const findings: Finding[] = [];
  const stage = lookup(parsed, `${p}zero_optimization.stage`, opts.dashes);
  if (stage && stage.kind === 'seq' && !opts.file) {
    findings.push({
      code: 'missing-value',
      severity: 'information',
      message: `\`${stage.dotted}\` is a list: an autotuning search space, not a ZeRO stage. Memory is estimated without ZeRO sharding.`,
      range: stage.valueRange,
    });
  }
  const table = rules(p).filter((r) => !(r.field === 'parallelism.zero' && stage?.kind === 'seq'));
  const r = applyRules(parsed, table, applyOpts, plan);
  findings.push(...r.findings);
  applyPrecision(parsed, plan, p, opts, r.used);
  findings.push(...offloadNotes(parsed, p, opts));
  findings.push(...batchArithmetic(plan, opts));
  return { findings, used: r.used };
}

/** A scalar `true`/`false` (also the strings, as YAML 1.1 and argparse accept them); undefined otherwise. */
export function boolOf(e: SourceEntry | undefined): boolean | undefined {
  if (!e || e.kind !== 'scalar') return undefined;
  if (typeof e.value === 'boolean') return e.value;
  if (typeof e.value === 'string' && /^(true|false)$/i.test(e.value)) return /^true$/i.test(e.value);
  return undefined;
}

/** `bf16.enabled` / `bfloat16.enabled` / `fp16.enabled`; "auto" leaves the precision to the launcher. */
function applyPrecision(parsed: ParsedDocument, plan: TrainingPlan, p: string, opts: DeepSpeedOptions, used: Map<string, string>): void {
  if (hasField(plan, 'training.precision')) return;
  const flag = (block: string): { on: boolean; e: SourceEntry } | undefined => {
    const e = lookup(parsed, `${p}${block}.enabled`, opts.dashes);
    const on = e && !isSentinel(e) ? boolOf(e) : undefined;
    return e && on !== undefined ? { on, e } : undefined;
  };
  const bf16 = flag('bf16') ?? flag('bfloat16');
  const fp16 = flag('fp16');
  let pick: { value: Precision; e: SourceEntry } | undefined;
  if (bf16?.on) pick = { value: 'bf16-mixed', e: bf16.e };
  else if (fp16?.on) pick = { value: 'fp16-mixed', e: fp16.e };
  else if (bf16 || fp16) pick = { value: 'fp32', e: (bf16 ?? fp16)!.e };
  if (!pick) return;
  const note = pick.value === 'fp32' ? '(no half-precision block enabled: fp32)' : '(DeepSpeed keeps fp32 master weights and optimizer states)';
  setField(plan, 'training.precision', sv(pick.value, doc(`${pick.e.dotted} ${note}`, pick.e.valueRange, pick.e.keyRange, opts.file)));
  used.set('training.precision', pick.e.dotted);
}

/** Offloaded optimizer states / parameters live in CPU or NVMe memory, which the per-GPU estimate does not subtract. */
function offloadNotes(parsed: ParsedDocument, p: string, opts: DeepSpeedOptions): Finding[] {
  if (opts.file) return [];
  const out: Finding[] = [];
  const device = (key: string) => {
    const e = lookup(parsed, `${p}zero_optimization.${key}.device`, opts.dashes);
    return e && e.kind === 'scalar' && typeof e.value === 'string' && /^(cpu|nvme)$/i.test(e.value) ? e : undefined;
  };
  const legacy = lookup(parsed, `${p}zero_optimization.cpu_offload`, opts.dashes);
  const optimizer = device('offload_optimizer') ?? (legacy && legacy.kind === 'scalar' && legacy.value === true ? legacy : undefined);
  const param = device('offload_param');
  for (const [e, what] of [
    [optimizer, 'optimizer states'],
    [param, 'parameters'],
  ] as const) {
    if (!e) continue;
    out.push({
      code: 'missing-value',
      severity: 'information',
      message: `ZeRO offloads the ${what} to ${typeof e.value === 'string' ? e.value.toUpperCase() : 'CPU'}: the per-GPU memory estimate still counts them on the GPU (an upper bound), and offload slows each step.`,
      range: e.valueRange,
    });
  }
  return out;
}

/**
 * All three batch keys set: DeepSpeed asserts `train_batch_size = micro × accumulation × DP`, so DP follows (or the
 * config is rejected at start-up).
 */
function batchArithmetic(plan: TrainingPlan, opts: DeepSpeedOptions): Finding[] {
  const { globalBatch: g, microBatch: mb, gradAccum: ga } = plan.training;
  if (!g || !mb || !ga || opts.file || g.origin.kind !== 'document') return [];
  const perRank = mb.value * ga.value;
  if (g.value % perRank !== 0) {
    return [
      {
        code: 'batch-mismatch',
        severity: 'error',
        message: `DeepSpeed requires train_batch_size = micro-batch × gradient accumulation × data-parallel size: ${g.value} is not a multiple of ${mb.value} × ${ga.value} = ${perRank}, so DeepSpeed rejects this config at start-up.`,
        range: g.origin.keyRange ?? g.origin.range,
      },
    ];
  }
  if (!hasField(plan, 'parallelism.dp')) {
    const dp = g.value / perRank;
    setField(plan, 'parallelism.dp', sv(dp, derived(`train_batch_size ÷ (micro-batch × accumulation) = ${g.value} ÷ (${mb.value} × ${ga.value})`, ['train_batch_size', 'train_micro_batch_size_per_gpu', 'gradient_accumulation_steps'])));
  }
  return [];
}

/**
 * A config key that names a DeepSpeed config: a path to a JSON file (read through `ctx.readFile`, parsed, applied
 * with file provenance) or an inline mapping (applied in place). An unreadable file is a `missing-value` at the key.
 */
export function applyDeepSpeedRef(ref: SourceEntry, parsed: ParsedDocument, plan: TrainingPlan, ctx: AdapterContext): Finding[] {
  if (ref.kind === 'map') return applyDeepSpeed(parsed, plan, { prefix: `${ref.dotted}.` }).findings;
  if (ref.kind !== 'scalar' || typeof ref.value !== 'string' || isSentinel(ref)) return [];
  const path = ref.value.trim();
  if (!path || path.includes('$')) {
    return [{ code: 'missing-value', severity: 'information', message: `DeepSpeed config \`${path}\` is set by the environment; its batch sizes and ZeRO stage are not read.`, range: ref.valueRange }];
  }
  const read = ctx.readFile?.(path);
  if (!read) {
    return [{ code: 'missing-value', severity: 'information', message: `DeepSpeed config \`${path}\` could not be read (missing, outside the workspace or too large): its batch sizes, ZeRO stage and precision are not included.`, range: ref.valueRange }];
  }
  const ds = parseConfig(read.text, /\.ya?ml$/i.test(read.path) ? 'yaml' : 'json');
  applyDeepSpeed(ds, plan, { file: read.path });
  return [];
}

/** The DeepSpeed telltale keys at the top level of a document (empty when it is not a DeepSpeed config). */
export function deepSpeedEvidence(parsed: ParsedDocument): string[] {
  const strong = countKeys(parsed, ['zero_optimization', 'train_micro_batch_size_per_gpu', 'zero_allow_untested_optimizer', 'zero_force_ds_cpu_optimizer']).found;
  const weak = countKeys(parsed, ['train_batch_size', 'gradient_accumulation_steps', 'steps_per_print', 'wall_clock_breakdown', 'fp16.enabled', 'bf16.enabled', 'gradient_clipping', 'autotuning', 'prescale_gradients']).found;
  if (strong.length === 0 && !(weak.includes('train_batch_size') && weak.length >= 2)) return [];
  return [...strong, ...weak];
}

export const DEEPSPEED_ADAPTER: DialectAdapter = {
  id: 'deepspeed',
  name: 'DeepSpeed',
  detect(parsed) {
    if (parsed.format !== 'json' && parsed.format !== 'yaml') return undefined;
    const found = deepSpeedEvidence(parsed);
    if (found.length === 0) return undefined;
    // Configs with model keys belong to the frameworks that embed DeepSpeed (GPT-NeoX scores higher).
    const score = (parsed.format === 'json' ? 70 : 60) + Math.min(10, 2 * (found.length - 1));
    return { score, reason: `top-level ${found.slice(0, 3).join(', ')}` };
  },
  adapt(parsed) {
    const plan = emptyPlan();
    const { findings } = applyDeepSpeed(parsed, plan);
    if (!plan.training.gradAccum && !plan.training.globalBatch && plan.training.microBatch) {
      // DeepSpeed's default accumulation when the global batch is not given.
      setField(plan, 'training.gradAccum', sv(1, dflt('gradient_accumulation_steps', '1 (DeepSpeed default)')));
    }
    const micro = lookup(parsed, 'train_micro_batch_size_per_gpu');
    if (micro && isSentinel(micro)) {
      findings.push({
        code: 'missing-value',
        severity: 'information',
        message: '"auto" values are filled in by the Hugging Face Trainer / Accelerate from its own arguments: this file alone does not fix the batch sizes.',
        range: micro.valueRange,
      });
    }
    return {
      plan,
      findings,
      keyHints: { ...hintsFrom(DEEPSPEED_RULES), 'training.precision': 'bf16.enabled', 'cluster.gpu': 'the GPU type', 'cluster.count': 'the GPU count' },
      hardwareHint: 'which DeepSpeed takes from its launcher (`deepspeed --num_gpus 8 --num_nodes 2`, a hostfile), not from this JSON',
    };
  },
};
