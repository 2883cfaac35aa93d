/**
 * mistral-finetune YAML (mistralai/mistral-finetune, `torchrun --nproc-per-node N -m train example/7B.yaml`). Keys and
 * defaults as finetune/args.py `TrainArgs` reads them: `model_id_or_path` (a local model folder or id), `seq_len`
 * (tokens per sample, default 2048), `batch_size` (sequences per GPU per micro-step, default 1), `num_microbatches`
 * (gradient accumulation, default 1), `max_steps` (default 100), `lora: { enable (default true), rank (default 64) }`.
 * Tokens per step = seq_len × batch_size × num_microbatches × world size (from torchrun); the model is wrapped in FSDP.
 */
import type { Finding } from '../core/findings';
import { derived, dflt, sv, type TrainingPlan } from '../core/plan';
import { applyRules, hintsFrom, isSentinel, size, type KeyRule } from './common';
import { applyModelName, boolOf } from './modelArch';
import type { ParsedDocument } from './syntax/tree';
import type { DialectAdapter } from './types';

const RULES: readonly KeyRule[] = [
  { field: 'model.seqLen', keys: ['seq_len'], kind: size(1, 100_000_000) },
  { field: 'training.microBatch', keys: ['batch_size'], kind: size(1, 1e7) },
  { field: 'training.gradAccum', keys: ['num_microbatches'], kind: size(1, 1e7) },
  { field: 'training.steps', keys: ['max_steps'], kind: size(1, 1e12) },
  { field: 'training.loraRank', keys: ['lora.rank'], kind: size(1, 1_000_000) },
];

const TELLTALE = ['seq_len', 'batch_size', 'max_steps', 'lora.rank', 'optim.pct_start', 'run_dir', 'num_microbatches', 'save_adapters'];

export const MISTRAL_FINETUNE_ADAPTER: DialectAdapter = {
  id: 'mistral-finetune',
  name: 'mistral-finetune',
  memoryProfile: 'hf',
  detect(parsed) {
    if (parsed.format !== 'yaml' || !parsed.entries.has('model_id_or_path')) return undefined;
    const found = TELLTALE.filter((k) => parsed.entries.has(k));
    if (found.length < 2) return undefined;
    return { score: Math.min(90, 74 + 2 * found.length), reason: `model_id_or_path, ${found.slice(0, 3).join(', ')}` };
  },
  adapt(parsed) {
    const { plan, findings } = applyRules(parsed, RULES);
    const model = parsed.entries.get('model_id_or_path');
    if (model) findings.push(...applyModelName(plan, model, 'model_id_or_path'));
    defaults(plan);
    findings.push(...method(parsed, plan));
    plan.parallelism.fsdp ??= sv(true, derived('mistral-finetune wraps the model in FSDP (full shard) over all ranks', ['model_id_or_path']));
    return {
      plan,
      findings,
      keyHints: { ...hintsFrom(RULES), 'model.preset': 'model_id_or_path (a known model id)', 'model.params': 'model_id_or_path', 'training.tokens': 'max_steps', 'training.globalBatch': 'batch_size', 'cluster.count': '# scaling-lens: count=…', 'cluster.gpu': '# scaling-lens: gpu=…' },
      hardwareHint: 'the GPU count comes from `torchrun --nproc-per-node` (× nodes)',
    };
  },
};

/** TrainArgs defaults (finetune/args.py) for the keys the file leaves out. */
function defaults(plan: TrainingPlan): void {
  const t = plan.training;
  const d = (name: string, v: number) => sv(v, dflt(name, `mistral-finetune TrainArgs default ${v}`));
  plan.model.seqLen ??= d('seq_len', 2048);
  t.microBatch ??= d('batch_size', 1);
  t.gradAccum ??= d('num_microbatches', 1);
  t.steps ??= d('max_steps', 100);
}

/** LoRA unless `lora.enable: false` (then full fine-tuning). */
function method(parsed: ParsedDocument, plan: TrainingPlan): Finding[] {
  const enable = parsed.entries.get('lora.enable');
  if (enable && !isSentinel(enable) && boolOf(enable) === false) {
    plan.training.finetune = sv('full', { kind: 'document', key: 'lora.enable: false (full fine-tuning)', range: enable.valueRange, ...(enable.keyRange ? { keyRange: enable.keyRange } : {}) });
    delete plan.training.loraRank;
    return [];
  }
  const lora = parsed.entries.get('lora.rank') ?? parsed.entries.get('lora');
  plan.training.finetune = lora
    ? sv('lora', { kind: 'document', key: `${lora.dotted} (LoRA; lora.enable defaults to true)`, range: lora.valueRange, ...(lora.keyRange ? { keyRange: lora.keyRange } : {}) })
    : sv('lora', dflt('lora.enable', 'mistral-finetune LoraArgs default true'));
  plan.training.loraRank ??= sv(64, dflt('lora.rank', 'mistral-finetune LoraArgs default 64'));
  return [];
}
