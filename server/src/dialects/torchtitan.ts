/**
 * torchtitan job TOML (pytorch/torchtitan, `--job.config_file`), the 2024–2026 layouts (TOML was replaced by Python
 * config registries in Feb 2026, #2386; forks and older checkouts keep it). Keys as torchtitan's JobConfig reads them
 * (torchtitan/config/job_config.py, formerly config_manager.py):
 * - `[model] name` + `flavor`: dims live in Python (see ./torchtitanFlavors.ts); `converters = ["float8"]` (2025+) or
 *   `[training] fp8_linear` / `[float8] enable_float8_linear` (older) turn on FP8 linears.
 * - `[training] local_batch_size` (2025-06+; `batch_size` before) per DP rank, `global_batch_size` (-1 = local × DP;
 *   larger values accumulate gradients), `seq_len`, `steps`; `mixed_precision_param` (default bfloat16 with fp32
 *   master weights under FSDP).
 * - `[parallelism] data_parallel_replicate_degree` × `data_parallel_shard_degree` (-1 = every GPU left after TP·PP·CP)
 *   = DP; FSDP2 shards over the shard degree. `tensor_/pipeline_/context_/expert_parallel_degree`. 2024 files keep
 *   these in `[training]` (`data_parallel_degree`) or `[experimental]`.
 * - `[activation_checkpoint] mode` = none | selective | full | memory_budget.
 * - The GPU count comes from torchrun (`NGPU`), never from the TOML: "# NOTE: … preset for 64 A100 GPUs" comments are
 *   documentation, so they are only quoted in the hint (a `# scaling-lens: gpu=A100 count=64` comment sets hardware).
 * Tokens = steps × global batch × seq_len.
 */
import type { Finding } from '../core/findings';
import { findAccelerator } from '../core/hardware';
import { derived, sv, type TrainingPlan } from '../core/plan';
import { applyRules, hintsFrom, isSentinel, lookup, numberOf, size, str, type KeyRule } from './common';
import { applyArch, strOf } from './modelArch';
import { torchtitanFlavor } from './torchtitanFlavors';
import type { ParsedDocument } from './syntax/tree';
import type { DialectAdapter } from './types';

const MIXED_PRECISION: Record<string, 'bf16-mixed' | 'fp16-mixed' | 'fp32'> = { bfloat16: 'bf16-mixed', bf16: 'bf16-mixed', float16: 'fp16-mixed', fp16: 'fp16-mixed', float32: 'fp32', fp32: 'fp32' };
const RECOMPUTE: Record<string, 'none' | 'selective' | 'full'> = { none: 'none', selective: 'selective', full: 'full', memory_budget: 'selective' };

const RULES: readonly KeyRule[] = [
  { field: 'training.steps', keys: ['training.steps'], kind: size(1, 1e12) },
  { field: 'model.seqLen', keys: ['training.seq_len'], kind: size(1, 100_000_000) },
  { field: 'training.microBatch', keys: ['training.local_batch_size', 'training.batch_size'], kind: size(1, 1e7) },
  { field: 'training.globalBatch', keys: ['training.global_batch_size'], kind: size(1, 1e9) },
  { field: 'parallelism.tp', keys: ['parallelism.tensor_parallel_degree', 'training.tensor_parallel_degree', 'experimental.tensor_parallel_degree'], kind: size(1, 100_000) },
  { field: 'parallelism.pp', keys: ['parallelism.pipeline_parallel_degree', 'experimental.pipeline_parallel_degree', 'training.pipeline_parallel_degree'], kind: size(1, 100_000) },
  { field: 'parallelism.cp', keys: ['parallelism.context_parallel_degree', 'experimental.context_parallel_degree'], kind: size(1, 100_000) },
  { field: 'parallelism.ep', keys: ['parallelism.expert_parallel_degree'], kind: size(1, 100_000) },
  { field: 'training.activationCheckpointing', keys: ['activation_checkpoint.mode'], kind: str, map: (v) => RECOMPUTE[String(v).toLowerCase()], note: '(torchtitan [activation_checkpoint])' },
  { field: 'training.precision', keys: ['training.mixed_precision_param'], kind: str, map: (v) => MIXED_PRECISION[String(v).toLowerCase()] },
  { field: 'training.optimizer', keys: ['optimizer.name'], kind: str, map: (v) => (/^adamw?$/i.test(String(v)) ? 'adamw' : /^sgd$/i.test(String(v)) ? 'sgd' : undefined) },
];

const SECTIONS = ['job', 'training', 'model', 'parallelism', 'optimizer', 'lr_scheduler', 'checkpoint', 'activation_checkpoint', 'metrics', 'profiling'];

export const TORCHTITAN_ADAPTER: DialectAdapter = {
  id: 'torchtitan',
  name: 'torchtitan',
  memoryProfile: 'fsdp2',
  detect(parsed) {
    if (parsed.format !== 'toml') return undefined;
    const model = parsed.entries.has('model.name') && parsed.entries.has('model.flavor');
    const training = ['training.steps', 'training.seq_len', 'training.local_batch_size', 'training.batch_size'].filter((k) => parsed.entries.has(k));
    if (!model || training.length === 0) return undefined;
    const sections = SECTIONS.filter((s) => parsed.entries.get(s)?.kind === 'map');
    return { score: Math.min(90, 75 + sections.length), reason: `[model] name + flavor, [training] ${training.map((k) => k.slice(9)).join(', ')}${sections.includes('job') ? ', [job]' : ''}` };
  },
  adapt(parsed) {
    const { plan, findings } = applyRules(parsed, RULES);
    findings.push(...model(parsed, plan));
    findings.push(...dataParallel(parsed, plan));
    fp8(parsed, plan);
    findings.push(...schedule(parsed));
    return { plan, findings, keyHints: { ...hintsFrom(RULES), 'training.tokens': '# scaling-lens: tokens=…', 'model.preset': 'model.flavor', 'model.params': 'model.flavor', 'model.layers': 'model.flavor', 'model.hidden': 'model.flavor', 'model.vocab': 'model.flavor', 'parallelism.dp': 'parallelism.data_parallel_shard_degree', 'cluster.count': '# scaling-lens: count=…', 'cluster.gpu': '# scaling-lens: gpu=…' }, hardwareHint: hardwareHint(parsed) };
  },
};

/** Dims from the flavor table, anchored at `[model] flavor`. */
function model(parsed: ParsedDocument, plan: TrainingPlan): Finding[] {
  const nameE = parsed.entries.get('model.name');
  const flavorE = parsed.entries.get('model.flavor');
  const name = strOf(nameE);
  const flavor = strOf(flavorE) ?? (flavorE?.kind === 'scalar' && typeof flavorE.value === 'number' ? String(flavorE.value) : undefined);
  if (!name || !flavor || !flavorE) return [];
  const arch = torchtitanFlavor(name, flavor);
  if (!arch) {
    return [{
      code: 'unknown-preset',
      severity: 'warning',
      message: `torchtitan model "${name}" flavor "${flavor}" is not in Scaling Lens's flavor table (torchtitan defines flavors in Python: torchtitan/models/${name}/__init__.py). Known: llama3 debugmodel/8B/70B/405B, llama4 17bx16e/17bx128e, deepseek_v3 16B/236B/671B, qwen3 0.6B–32B/30B-A3B/235B-A22B, gpt_oss 20b/120b.`,
      range: flavorE.valueRange,
    }];
  }
  return applyArch(plan, arch, flavorE, `model.flavor "${flavor}"`, { seqLen: false });
}

/** DP = replicate × shard; -1 shard fills the GPUs left after TP·PP·CP (then the core derives DP from the GPU count). */
function dataParallel(parsed: ParsedDocument, plan: TrainingPlan): Finding[] {
  const shard = lookup(parsed, 'parallelism.data_parallel_shard_degree') ?? lookup(parsed, 'training.data_parallel_degree');
  const replicate = lookup(parsed, 'parallelism.data_parallel_replicate_degree');
  const r = replicate && !isSentinel(replicate) ? numberOf(replicate) ?? 1 : 1;
  const findings: Finding[] = [];
  if (shard && !isSentinel(shard)) {
    const { plan: p, findings: f } = applyRules(parsed, [{ field: 'parallelism.dp', keys: [shard.dotted], kind: size(1, 10_000_000) }], {}, plan);
    findings.push(...f);
    if (p.parallelism.dp && r > 1) {
      const s = p.parallelism.dp.value;
      p.parallelism.dp = sv(s * r, derived(`data_parallel_replicate_degree × data_parallel_shard_degree (${r} × ${s})`, ['parallelism.data_parallel_replicate_degree', shard.dotted]));
    }
  } else if (shard && !plan.training.globalBatch && !hasCountDirective(parsed)) {
    findings.push({
      code: 'missing-value',
      severity: 'information',
      message: `\`${shard.dotted} = -1\` uses every GPU left after TP·PP·CP, so the global batch (local_batch_size × DP) and the token count need the GPU count, which torchrun supplies: add \`# scaling-lens: gpu=H100 count=64\` (your values) or set training.global_batch_size.`,
      range: shard.keyRange ?? shard.valueRange,
    });
  }
  const shardValue = shard ? (isSentinel(shard) ? -1 : numberOf(shard)) : undefined;
  if (shard && shardValue !== undefined && shardValue !== 1) {
    plan.parallelism.fsdp = sv(true, derived(`torchtitan FSDP shards over ${shard.dotted} = ${shardValue === -1 ? '-1 (all remaining GPUs)' : shardValue}`, [shard.dotted]));
  }
  return findings;
}

function hasCountDirective(parsed: ParsedDocument): boolean {
  return parsed.comments.some((c) => /scaling-lens\s*:.*\b(count|gpus|nodes)\s*=/i.test(c.text));
}

/** FP8 linears: `model.converters = ["float8"]` (2025+), `[training] fp8_linear`, `[float8] enable_float8_linear`. */
function fp8(parsed: ParsedDocument, plan: TrainingPlan): void {
  if (plan.training.precision?.value === 'fp32') return;
  const converters = [...parsed.entries.values()].find((e) => e.path[0] === 'model' && e.path[1] === 'converters' && e.kind === 'scalar' && /float8|mx/i.test(String(e.value)));
  const legacy = [lookup(parsed, 'training.fp8_linear'), lookup(parsed, 'float8.enable_float8_linear')].find((e) => e && e.kind === 'scalar' && e.value !== false && e.value !== '' && e.value !== null);
  const e = converters ?? legacy;
  if (!e) return;
  plan.training.precision = sv('fp8-mixed', { kind: 'document', key: `${e.dotted} = ${e.raw ?? String(e.value)} (FP8 linears, bf16 elsewhere)`, range: e.valueRange, ...(e.keyRange ? { keyRange: e.keyRange } : {}) });
}

/** Warm-up longer than the run, or a decay ratio outside [0, 1], do not do what the author expects. */
function schedule(parsed: ParsedDocument): Finding[] {
  const findings: Finding[] = [];
  const steps = numberOf(lookup(parsed, 'training.steps'));
  const warmE = lookup(parsed, 'lr_scheduler.warmup_steps') ?? lookup(parsed, 'training.warmup_steps');
  const warm = numberOf(warmE);
  if (warmE && warm !== undefined && steps !== undefined && warm > steps) {
    findings.push({ code: 'invalid-value', severity: 'warning', message: `\`${warmE.dotted} = ${warm}\` is longer than \`training.steps = ${steps}\`: the learning rate never reaches its peak.`, range: warmE.valueRange });
  }
  const decayE = lookup(parsed, 'lr_scheduler.decay_ratio');
  const decay = numberOf(decayE);
  if (decayE && decay !== undefined && (decay < 0 || decay > 1)) {
    findings.push({ code: 'invalid-value', severity: 'warning', message: `\`lr_scheduler.decay_ratio = ${decay}\` is a fraction of the steps (0–1).`, range: decayE.valueRange });
  }
  return findings;
}

function hardwareHint(parsed: ParsedDocument): string {
  const note = parsed.comments.map((c) => /preset for (\d+)\s+([A-Za-z0-9-]+)\s+GPUs/i.exec(c.text)).find((m) => m);
  const base = 'torchtitan takes the GPU count from torchrun (NGPU / --nproc_per_node × nodes), not from the TOML';
  if (!note) return base;
  const gpu = findAccelerator(note[2]!) ? note[2]! : findAccelerator(`${note[2]}-80GB`) ? `${note[2]}-80GB` : note[2]!;
  return `${base}; this file's comment says ${note[1]} ${note[2]} GPUs: write \`# scaling-lens: gpu=${gpu} count=${note[1]}\` to use it`;
}
