/**
 * Hugging Face Accelerate config YAML (`accelerate config` → default_config.yaml; `accelerate launch --config_file`),
 * the hardware side of TRL / alignment-handbook recipes. Keys as accelerate's ClusterConfig reads them
 * (accelerate/commands/config/config_args.py):
 * - `num_processes` = TOTAL processes (GPUs) over all machines; `num_machines` = nodes.
 * - `distributed_type`: MULTI_GPU (DDP), FSDP (`fsdp_config.fsdp_sharding_strategy` FULL_SHARD | SHARD_GRAD_OP |
 *   NO_SHARD | HYBRID_SHARD, or 1–4; FSDP2 `fsdp_version: 2` with `fsdp_reshard_after_forward`), DEEPSPEED
 *   (`deepspeed_config.zero_stage`, or a `deepspeed_config_file` JSON), NO / CPU.
 * - `mixed_precision`: no | fp16 | bf16 | fp8 (AMP: fp32 master weights).
 * The file names no model and no data: parameters and tokens come from the recipe it launches.
 */
import type { Finding } from '../core/findings';
import { derived, sv, type TrainingPlan } from '../core/plan';
import { applyRules, hintsFrom, isSentinel, lookup, size, str, type KeyRule } from './common';
import { boolOf, readDeepSpeedStage, strOf } from './modelArch';
import type { ParsedDocument } from './syntax/tree';
import type { AdapterContext, DialectAdapter } from './types';

const PRECISION: Record<string, 'bf16-mixed' | 'fp16-mixed' | 'fp8-mixed' | 'fp32'> = { bf16: 'bf16-mixed', fp16: 'fp16-mixed', fp8: 'fp8-mixed', no: 'fp32' };

const RULES: readonly KeyRule[] = [
  { field: 'cluster.count', keys: ['num_processes'], kind: size(1, 10_000_000) },
  { field: 'cluster.nodes', keys: ['num_machines'], kind: size(1, 10_000_000) },
  { field: 'training.precision', keys: ['mixed_precision'], kind: str, map: (v) => PRECISION[String(v).toLowerCase()] },
  { field: 'parallelism.zero', keys: ['deepspeed_config.zero_stage'], kind: { type: 'zero' } },
  { field: 'training.gradAccum', keys: ['deepspeed_config.gradient_accumulation_steps'], kind: size(1, 1e7) },
];

const TELLTALE = ['num_processes', 'num_machines', 'compute_environment', 'machine_rank', 'main_training_function', 'mixed_precision'];

export const ACCELERATE_ADAPTER: DialectAdapter = {
  id: 'accelerate',
  name: 'Accelerate',
  memoryProfile: 'hf',
  detect(parsed) {
    if (parsed.format === 'toml' || !parsed.entries.has('distributed_type')) return undefined;
    const found = TELLTALE.filter((k) => parsed.entries.has(k));
    if (found.length < 2) return undefined;
    return { score: Math.min(90, 70 + 3 * found.length), reason: `Accelerate config: distributed_type, ${found.slice(0, 3).join(', ')}` };
  },
  adapt(parsed, ctx) {
    const { plan, findings } = applyRules(parsed, RULES);
    perNode(parsed, plan, findings);
    findings.push(...strategy(parsed, plan, ctx));
    const type = parsed.entries.get('distributed_type');
    const range = type ? type.keyRange ?? type.valueRange : { start: 0, end: 0 };
    findings.push({ code: 'missing-value', severity: 'information', message: 'An accelerate config describes the hardware only: parameters and tokens come from the recipe it launches (its model_name_or_path and max_steps); analyse that file with this one’s GPU count.', range });
    return {
      plan,
      findings,
      keyHints: {
        ...hintsFrom(RULES),
        'cluster.gpu': '# scaling-lens: gpu=…',
        'cluster.gpusPerNode': 'num_processes ÷ num_machines',
        'model.params': 'model_name_or_path',
        'model.preset': 'model_name_or_path (a known model id)',
        'training.tokens': 'max_steps',
      },
      hardwareHint: 'accelerate records the process count but not the GPU type: add `# scaling-lens: gpu=H100`',
    };
  },
};

/** GPUs per node = num_processes ÷ num_machines (accelerate's num_processes is the total). */
function perNode(parsed: ParsedDocument, plan: TrainingPlan, findings: Finding[]): void {
  const { count, nodes } = plan.cluster;
  if (!count || !nodes) return;
  if (count.value % nodes.value === 0) {
    plan.cluster.gpusPerNode = sv(count.value / nodes.value, derived('num_processes ÷ num_machines (num_processes counts every machine)', ['num_processes', 'num_machines']));
    return;
  }
  const e = parsed.entries.get('num_processes')!;
  findings.push({
    code: 'invalid-value',
    severity: 'warning',
    message: `num_processes ${count.value} is not a multiple of num_machines ${nodes.value}: in accelerate num_processes is the TOTAL over all machines, not per machine.`,
    range: e.valueRange,
  });
}

const FSDP_STRATEGY: Record<string, 'full' | 'grad' | 'none'> = { full_shard: 'full', '1': 'full', hybrid_shard: 'full', '4': 'full', shard_grad_op: 'grad', '2': 'grad', no_shard: 'none', '3': 'none' };

function strategy(parsed: ParsedDocument, plan: TrainingPlan, ctx: AdapterContext): Finding[] {
  const typeE = parsed.entries.get('distributed_type');
  const type = strOf(typeE)?.toUpperCase();
  if (!typeE || !type) return [];
  const at = (key: string, e = typeE) => ({ kind: 'document' as const, key, range: e.valueRange, ...(e.keyRange ? { keyRange: e.keyRange } : {}) });
  if (type === 'FSDP') {
    const s = lookup(parsed, 'fsdp_config.fsdp_sharding_strategy');
    const reshard = boolOf(lookup(parsed, 'fsdp_config.fsdp_reshard_after_forward'));
    const kind = s && !isSentinel(s) ? FSDP_STRATEGY[String(s.value).toLowerCase()] : reshard === false ? 'grad' : 'full';
    if (kind === 'full') plan.parallelism.fsdp = sv(true, at(s ? `fsdp_config.fsdp_sharding_strategy ${String(s.value)}` : 'distributed_type FSDP (FULL_SHARD default)', s ?? typeE));
    else if (kind === 'grad') plan.parallelism.zero ??= sv(2, at('FSDP SHARD_GRAD_OP ≡ ZeRO-2', s ?? typeE));
    else if (kind === 'none') plan.parallelism.zero ??= sv(0, at('FSDP NO_SHARD (DDP)', s ?? typeE));
    return [];
  }
  if (type === 'DEEPSPEED' && !plan.parallelism.zero) {
    const file = lookup(parsed, 'deepspeed_config.deepspeed_config_file');
    if (file && !isSentinel(file)) {
      const r = readDeepSpeedStage(file, ctx);
      if (r.stage !== undefined && r.stageEntry) plan.parallelism.zero = sv(r.stage, { kind: 'document', key: 'zero_optimization.stage', range: r.stageEntry.valueRange, ...(r.path ? { file: r.path } : {}) });
      return r.findings;
    }
  }
  if ((type === 'NO' || type === 'CPU') && plan.cluster.count && plan.cluster.count.value > 1) {
    const e = parsed.entries.get('num_processes')!;
    return [{ code: 'invalid-value', severity: 'warning', message: `distributed_type ${type} with num_processes ${plan.cluster.count.value}: accelerate runs a single process; use MULTI_GPU, FSDP or DEEPSPEED.`, range: e.valueRange }];
  }
  return [];
}
