/**
 * Axolotl fine-tuning YAML (axolotl-ai-cloud/axolotl; schema in src/axolotl/utils/schemas/config.py, docs/config.qmd).
 * - Model: `base_model` (HF id or path; `base_model_config` overrides where its config.json is read).
 * - Method: `adapter: lora | qlora` (QLoRA requires `load_in_4bit: true`; `load_in_8bit` + lora = 8-bit base);
 *   no adapter = full fine-tuning. `lora_r` = rank.
 * - Batch: `micro_batch_size` per GPU × `gradient_accumulation_steps` × data-parallel ranks; `sequence_len` tokens
 *   per sample (a full micro-batch of tokens only with `sample_packing: true`). Duration `max_steps` or `num_epochs`
 *   (then tokens depend on the dataset size).
 * - Precision: `bf16: true | auto` (auto = bf16 when the GPU supports it), `fp16`, `fp8: true`; AMP keeps fp32 masters.
 * - Parallelism (N-D, torch DeviceMesh): `dp_shard_size` (FSDP), `dp_replicate_size`, `tensor_parallel_size`,
 *   `context_parallel_size`, `expert_parallel_size` (the expert-parallel example counts its ranks on top of
 *   dp_shard_size: "world size = expert_parallel_size × dp_shard_size"). FSDP v1 `fsdp: [full_shard, auto_wrap]` +
 *   `fsdp_config.fsdp_*`, FSDP2 `fsdp_version: 2` + `fsdp_config.{reshard_after_forward, sharding_strategy}`.
 *   DeepSpeed: `deepspeed: deepspeed_configs/zero3_bf16.json` (its `zero_optimization.stage` is read).
 * - `gradient_checkpointing: true` recomputes every layer.
 */
import type { Finding } from '../core/findings';
import { derived, sv, type TrainingPlan } from '../core/plan';
import { applyRules, hintsFrom, isSentinel, lookup, numberOf, size, str, type KeyRule } from './common';
import { applyModelName, boolOf, optimizerKind, applyDeepSpeedStage, strOf } from './modelArch';
import type { ParsedDocument, SourceEntry } from './syntax/tree';
import type { AdapterContext, DialectAdapter } from './types';

const RULES: readonly KeyRule[] = [
  { field: 'model.seqLen', keys: ['sequence_len'], kind: size(1, 100_000_000) },
  { field: 'training.microBatch', keys: ['micro_batch_size'], kind: size(1, 1e7) },
  { field: 'training.gradAccum', keys: ['gradient_accumulation_steps'], kind: size(1, 1e7) },
  { field: 'training.steps', keys: ['max_steps'], kind: size(1, 1e12) },
  { field: 'training.loraRank', keys: ['lora_r'], kind: size(1, 1_000_000) },
  { field: 'training.optimizer', keys: ['optimizer'], kind: str, map: (v) => optimizerKind(String(v)) },
  { field: 'parallelism.tp', keys: ['tensor_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.cp', keys: ['context_parallel_size'], kind: size(1, 100_000) },
  { field: 'parallelism.ep', keys: ['expert_parallel_size'], kind: size(1, 100_000) },
];

const TELLTALE = ['micro_batch_size', 'sequence_len', 'datasets', 'adapter', 'gradient_accumulation_steps', 'num_epochs', 'sample_packing', 'lora_r', 'special_tokens'];

export const AXOLOTL_ADAPTER: DialectAdapter = {
  id: 'axolotl',
  name: 'Axolotl',
  memoryProfile: 'hf',
  detect(parsed) {
    if (parsed.format !== 'yaml' || !parsed.entries.has('base_model')) return undefined;
    const found = TELLTALE.filter((k) => parsed.entries.has(k));
    if (found.length < 2) return undefined;
    return { score: Math.min(90, 72 + 2 * found.length), reason: `base_model, ${found.slice(0, 3).join(', ')}` };
  },
  adapt(parsed, ctx) {
    const { plan, findings } = applyRules(parsed, RULES);
    const model = parsed.entries.get('base_model_config') ?? parsed.entries.get('base_model');
    if (model && !isSentinel(model)) findings.push(...applyModelName(plan, model, model.dotted));
    findings.push(...method(parsed, plan));
    precision(parsed, plan);
    recompute(parsed, plan);
    findings.push(...dataParallel(parsed, plan));
    findings.push(...sharding(parsed, plan, ctx));
    findings.push(...traps(parsed, plan));
    return {
      plan,
      findings,
      keyHints: { ...hintsFrom(RULES), 'model.preset': 'base_model (a known model id)', 'model.params': 'base_model', 'training.tokens': 'max_steps', 'training.globalBatch': 'micro_batch_size', 'parallelism.dp': 'dp_shard_size', 'cluster.count': '# scaling-lens: count=…', 'cluster.gpu': '# scaling-lens: gpu=…', 'parallelism.zero': 'deepspeed' },
      hardwareHint: 'axolotl takes the GPU count from its launcher (accelerate / torchrun), or from dp_shard_size × dp_replicate_size × tensor_parallel_size × context_parallel_size when those are set',
    };
  },
};

const docAt = (e: SourceEntry, key = e.dotted) => ({ kind: 'document' as const, key, range: e.valueRange, ...(e.keyRange ? { keyRange: e.keyRange } : {}) });

/** `adapter: lora|qlora` (+ `load_in_4bit`) or full fine-tuning. */
function method(parsed: ParsedDocument, plan: TrainingPlan): Finding[] {
  const adapterE = parsed.entries.get('adapter');
  const adapter = strOf(adapterE)?.toLowerCase();
  const in4 = boolOf(parsed.entries.get('load_in_4bit')) === true;
  const findings: Finding[] = [];
  if (adapterE && adapter && /lora/.test(adapter)) {
    const q = adapter === 'qlora' || in4;
    plan.training.finetune = sv(q ? 'qlora' : 'lora', docAt(adapterE, `adapter: ${adapter}${q && adapter !== 'qlora' ? ' + load_in_4bit' : ''}`));
    if (adapter === 'qlora' && !in4) findings.push({ code: 'invalid-value', severity: 'warning', message: '`adapter: qlora` needs `load_in_4bit: true`: axolotl refuses a QLoRA run without it.', range: adapterE.valueRange });
    return findings;
  }
  const base = parsed.entries.get('base_model');
  plan.training.finetune = sv('full', derived('no `adapter`: axolotl trains every weight of base_model', base ? ['base_model'] : []));
  delete plan.training.loraRank;
  const q4 = parsed.entries.get('load_in_4bit');
  if (q4 && in4) findings.push({ code: 'invalid-value', severity: 'warning', message: '`load_in_4bit: true` without `adapter: qlora`: a 4-bit model cannot be fully fine-tuned.', range: q4.valueRange });
  return findings;
}

/** `fp8: true` > `bf16: true | auto` > `fp16: true`; AMP (fp32 master weights). */
function precision(parsed: ParsedDocument, plan: TrainingPlan): void {
  const fp8 = parsed.entries.get('fp8');
  const bf16 = parsed.entries.get('bf16');
  const fp16 = parsed.entries.get('fp16');
  if (fp8 && boolOf(fp8)) plan.training.precision = sv('fp8-mixed', docAt(fp8, 'fp8 (FP8 matmuls, bf16 elsewhere)'));
  else if (bf16 && (boolOf(bf16) || strOf(bf16)?.toLowerCase() === 'auto')) plan.training.precision = sv('bf16-mixed', docAt(bf16, boolOf(bf16) ? 'bf16' : 'bf16: auto (bf16 where the GPU supports it)'));
  else if (fp16 && boolOf(fp16)) plan.training.precision = sv('fp16-mixed', docAt(fp16));
}

function recompute(parsed: ParsedDocument, plan: TrainingPlan): void {
  const e = parsed.entries.get('gradient_checkpointing');
  if (!e || e.kind !== 'scalar' || e.value === null) return;
  const b = boolOf(e);
  if (b !== undefined) plan.training.activationCheckpointing = sv(b ? 'full' : 'none', docAt(e));
  else if (/offload/i.test(String(e.value))) plan.training.activationCheckpointing = sv('full', docAt(e, `gradient_checkpointing: ${String(e.value)} (recompute, activations offloaded)`));
}

/** DP = dp_shard_size × dp_replicate_size (× expert_parallel_size, whose ranks take their own micro-batches). */
function dataParallel(parsed: ParsedDocument, plan: TrainingPlan): Finding[] {
  const shard = lookup(parsed, 'dp_shard_size');
  if (!shard || isSentinel(shard)) return [];
  const { findings } = applyRules(parsed, [{ field: 'parallelism.dp', keys: ['dp_shard_size'], kind: size(1, 10_000_000) }], {}, plan);
  const dp = plan.parallelism.dp;
  if (!dp) return findings;
  const replicate = numberOf(lookup(parsed, 'dp_replicate_size')) ?? 1;
  const ep = plan.parallelism.ep?.value ?? 1;
  if (replicate > 1 || ep > 1) {
    plan.parallelism.dp = sv(dp.value * replicate * ep, derived(`dp_shard_size × dp_replicate_size${ep > 1 ? ' × expert_parallel_size' : ''} (${dp.value} × ${replicate}${ep > 1 ? ` × ${ep}` : ''})`, ['dp_shard_size', 'dp_replicate_size', ...(ep > 1 ? ['expert_parallel_size'] : [])]));
  }
  plan.parallelism.fsdp ??= sv(dp.value > 1, docAt(shard, 'dp_shard_size (FSDP over the shard group)'));
  return findings;
}

/** FSDP v1/v2 settings or a DeepSpeed JSON. */
function sharding(parsed: ParsedDocument, plan: TrainingPlan, ctx: AdapterContext): Finding[] {
  const ds = parsed.entries.get('deepspeed');
  if (ds && !isSentinel(ds)) return applyDeepSpeedStage(ds, plan, ctx);
  const fsdp = parsed.entries.get('fsdp');
  const v1 = fsdp ? [...parsed.entries.values()].filter((e) => e.path[0] === 'fsdp' && e.kind === 'scalar').map((e) => String(e.value)).join(' ') : '';
  const version = lookup(parsed, 'fsdp_version') ?? lookup(parsed, 'fsdp_config.fsdp_version');
  const strategy = strOf(lookup(parsed, 'fsdp_config.sharding_strategy') ?? lookup(parsed, 'fsdp_config.fsdp_sharding_strategy'))?.toUpperCase();
  const reshard = boolOf(lookup(parsed, 'fsdp_config.reshard_after_forward') ?? lookup(parsed, 'fsdp_config.fsdp_reshard_after_forward'));
  const anchor = fsdp ?? version;
  if (!anchor || (fsdp && !/shard/i.test(v1) && !version)) return [];
  if (strategy === 'SHARD_GRAD_OP' || reshard === false) plan.parallelism.zero = sv(2, docAt(anchor, `${anchor.dotted} (SHARD_GRAD_OP ≡ ZeRO-2)`));
  else if (strategy === 'NO_SHARD') plan.parallelism.zero = sv(0, docAt(anchor, `${anchor.dotted} (NO_SHARD)`));
  else plan.parallelism.fsdp = sv(true, docAt(anchor, `${anchor.dotted} (FULL_SHARD)`));
  return [];
}

/** Values that will not do what the author expects. */
function traps(parsed: ParsedDocument, plan: TrainingPlan): Finding[] {
  const findings: Finding[] = [];
  const warm = parsed.entries.get('warmup_steps');
  const w = numberOf(warm);
  if (warm && w !== undefined && w > 0 && w < 1) {
    findings.push({ code: 'invalid-value', severity: 'warning', message: `\`warmup_steps: ${w}\` is a number of steps, not a fraction: for ${Math.round(w * 100)}% of training use \`warmup_ratio: ${w}\`.`, range: warm.valueRange });
  }
  const cp = plan.parallelism.cp?.value ?? 1;
  const mb = plan.training.microBatch;
  if (cp > 1 && mb && mb.value > 1) {
    const e = parsed.entries.get('micro_batch_size')!;
    findings.push({ code: 'invalid-value', severity: 'warning', message: `\`micro_batch_size: ${mb.value}\` with context_parallel_size ${cp}: axolotl requires micro_batch_size 1 under context parallelism.`, range: e.valueRange });
  }
  const epochs = parsed.entries.get('num_epochs');
  if (!plan.training.steps && epochs && !isSentinel(epochs)) {
    findings.push({
      code: 'missing-value',
      severity: 'information',
      message: `Training tokens for \`num_epochs: ${epochs.raw ?? String(epochs.value)}\` depend on the dataset size, which is not in this file: set \`max_steps\`, or a \`# scaling-lens: tokens=…\` comment.`,
      range: epochs.keyRange ?? epochs.valueRange,
    });
  }
  return findings;
}
