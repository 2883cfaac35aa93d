/**
 * LitGPT (Lightning-AI/litgpt) `config_hub` YAML: `litgpt pretrain --config …` and `litgpt finetune[_lora|_full] …`,
 * read by jsonargparse into the `setup(...)` arguments of litgpt/pretrain.py and litgpt/finetune/{full,lora,adapter}.py.
 *
 * What litgpt does with the keys (litgpt/pretrain.py, litgpt/finetune/*.py, litgpt/args.py, litgpt/config.py):
 * - model: `model_name` (a name in litgpt/config.py) XOR `model_config` (an inline `Config`); fine-tuning reads the
 *   model from `checkpoint_dir` (`checkpoints/<HF org>/<repo>`). `Config` defaults: `bias: true`,
 *   `mlp_class_name: GptNeoxMLP` (GELU, 4·n_embd), `norm_class_name: LayerNorm`, `n_query_groups = n_head`,
 *   `padded_vocab_size = vocab_size` rounded up to `padding_multiple` (512). LLaMAMLP → SwiGLU, GemmaMLP → GeGLU,
 *   LLaMAMoE → SwiGLU experts of `moe_intermediate_size`.
 * - `train.global_batch_size` = samples per optimizer step over all ranks; `train.micro_batch_size` per rank;
 *   accumulation = global ÷ (devices · num_nodes) ÷ micro.
 * - `train.max_tokens` is the pretraining budget; `train.max_steps` caps optimizer steps; `train.epochs` is for
 *   fine-tuning only (pretrain rejects it; fine-tuning rejects `max_tokens`).
 * - `train.max_seq_length` (null = the model's `block_size`); `train.tie_embeddings` (pretrain only).
 * - `devices` (int, or `auto` = all visible GPUs) × `num_nodes`; FSDP when more than one device (fine-tuning also
 *   checkpoints every Block's activations); quantized fine-tuning (`quantize: bnb.nf4`) is single-device only.
 */
import type { Finding } from '../core/findings';
import { derived, dflt, sv, type TrainingPlan } from '../core/plan';
import { applyRules, bool, hintsFrom, isSentinel, lookup, numberOf, size, str, type KeyRule } from './common';
import { applyModelName, strOf } from './modelArch';
import type { ParsedDocument, SourceEntry } from './syntax/tree';
import type { DialectAdapter } from './types';

const PRECISION = {
  type: 'enum',
  values: ['bf16-true', 'bf16-mixed', 'fp16-mixed', 'fp32', 'fp8-mixed'],
  aliases: { '16-mixed': 'fp16-mixed', '16': 'fp16-mixed', bf16: 'bf16-mixed', '32-true': 'fp32', '32': 'fp32', '16-true': 'bf16-true', 'transformer-engine': 'fp8-mixed', 'transformer-engine-float16': 'fp8-mixed' },
} as const;

const MLP: Record<string, 'swiglu' | 'geglu' | 'gelu'> = { llamamlp: 'swiglu', llamamoe: 'swiglu', gemmamlp: 'geglu', gptneoxmlp: 'gelu' };

const NORM: Record<string, 'rmsnorm' | 'layernorm'> = { rmsnorm: 'rmsnorm', layernorm: 'layernorm' };

const RULES: readonly KeyRule[] = [
  { field: 'model.layers', keys: ['model_config.n_layer'], kind: size(1, 100_000) },
  { field: 'model.hidden', keys: ['model_config.n_embd'], kind: size(1, 10_000_000) },
  { field: 'model.heads', keys: ['model_config.n_head'], kind: size(1, 100_000) },
  { field: 'model.kvHeads', keys: ['model_config.n_query_groups'], kind: size(1, 100_000) },
  { field: 'model.headDim', keys: ['model_config.head_size'], kind: size(1, 100_000) },
  { field: 'model.ffnHidden', keys: ['model_config.intermediate_size'], kind: size(1, 100_000_000) },
  { field: 'model.expertFfnHidden', keys: ['model_config.moe_intermediate_size'], kind: size(1, 100_000_000) },
  { field: 'model.experts', keys: ['model_config.n_expert'], kind: size(0, 1_000_000) },
  { field: 'model.topK', keys: ['model_config.n_expert_per_token'], kind: size(0, 1_000_000) },
  { field: 'model.vocab', keys: ['model_config.padded_vocab_size'], kind: size(1, 100_000_000) },
  { field: 'model.bias', keys: ['model_config.bias'], kind: bool },
  { field: 'model.qkvBias', keys: ['model_config.attn_bias'], kind: bool },
  { field: 'model.activation', keys: ['model_config.mlp_class_name'], kind: str, map: (v) => MLP[String(v).toLowerCase()] },
  { field: 'model.norm', keys: ['model_config.norm_class_name'], kind: str, map: (v) => NORM[String(v).toLowerCase()] },
  { field: 'model.seqLen', keys: ['train.max_seq_length', 'model_config.block_size'], kind: size(1, 100_000_000) },
  { field: 'model.tiedEmbeddings', keys: ['train.tie_embeddings'], kind: bool },
  { field: 'training.tokens', keys: ['train.max_tokens'], kind: size(1, 1e17, false) },
  { field: 'training.steps', keys: ['train.max_steps'], kind: size(1, 1e12) },
  { field: 'training.globalBatch', keys: ['train.global_batch_size'], kind: size(1, 1e9) },
  { field: 'training.microBatch', keys: ['train.micro_batch_size'], kind: size(1, 1e7) },
  { field: 'training.precision', keys: ['precision'], kind: PRECISION },
  { field: 'training.loraRank', keys: ['lora_r'], kind: size(1, 1_000_000) },
  { field: 'cluster.nodes', keys: ['num_nodes'], kind: size(1, 10_000_000) },
];

const MODEL_KEYS = ['model_name', 'model_config', 'checkpoint_dir', 'initial_checkpoint_dir'];
const TRAIN_KEYS = ['train.global_batch_size', 'train.micro_batch_size', 'train.max_tokens', 'train.max_seq_length', 'train.lr_warmup_steps', 'train.save_interval', 'train.epochs'];
const OTHER_KEYS = ['optimizer.class_path', 'devices', 'num_nodes', 'out_dir', 'logger_name', 'lora_r', 'quantize', 'eval.interval'];

export const LITGPT_ADAPTER: DialectAdapter = {
  id: 'litgpt',
  name: 'LitGPT',
  memoryProfile: 'hf',
  detect(parsed) {
    if (parsed.format !== 'yaml') return undefined;
    const model = MODEL_KEYS.filter((k) => parsed.entries.has(k));
    const train = TRAIN_KEYS.filter((k) => parsed.entries.has(k));
    if (model.length === 0 || train.length === 0) return undefined;
    const other = OTHER_KEYS.filter((k) => parsed.entries.has(k));
    const score = Math.min(90, 70 + 3 * train.length + 2 * other.length);
    return { score, reason: `top-level ${[...model.slice(0, 1), ...train.slice(0, 2), ...other.slice(0, 1)].join(', ')}` };
  },
  adapt(parsed) {
    const { plan, findings } = applyRules(parsed, RULES);
    const finetune = !parsed.entries.has('model_name') && !lookup(parsed, 'model_config') && parsed.entries.has('checkpoint_dir');
    findings.push(...modelFromName(parsed, plan, finetune));
    modelConfigDefaults(parsed, plan);
    findings.push(...hardware(parsed, plan));
    findings.push(...(finetune ? fineTuning(parsed, plan) : pretraining(parsed)));
    parallelism(plan, finetune);
    return { plan, findings, keyHints: keyHints(finetune), hardwareHint: 'litgpt records the GPU count (`devices` × `num_nodes`; `devices: auto` = every visible GPU) but no GPU type' };
  },
};

function keyHints(finetune: boolean): Record<string, string> {
  return {
    ...hintsFrom(RULES),
    'model.preset': finetune ? 'checkpoint_dir (checkpoints/<HF org>/<model>)' : 'model_name',
    'model.params': finetune ? 'checkpoint_dir' : 'model_config',
    'cluster.gpusPerNode': 'devices',
    'training.steps': 'train.max_steps',
    'cluster.count': 'devices',
    'cluster.gpu': '# scaling-lens: gpu=…',
    'training.gradAccum': 'train.global_batch_size',
  };
}

/** `model_name` (pretrain, unless `model_config` is given) or `checkpoint_dir` (fine-tuning). */
function modelFromName(parsed: ParsedDocument, plan: TrainingPlan, finetune: boolean): Finding[] {
  const findings: Finding[] = [];
  const name = parsed.entries.get('model_name');
  const config = parsed.entries.get('model_config');
  const inline = config?.kind === 'map';
  if (name && !isSentinel(name) && inline) {
    findings.push({
      code: 'invalid-value',
      severity: 'warning',
      message: '`model_name` and `model_config` are mutually exclusive: litgpt pretrain raises "Only one of `model_name` or `model_config` can be set". The dims of `model_config` are used here.',
      range: name.keyRange ?? name.valueRange,
    });
  }
  const source = inline ? undefined : finetune ? parsed.entries.get('checkpoint_dir') : name && !isSentinel(name) ? name : parsed.entries.get('initial_checkpoint_dir');
  if (source && !isSentinel(source)) findings.push(...applyModelName(plan, source, source.dotted));
  return findings;
}

/** litgpt `Config` defaults for an inline `model_config` (litgpt/config.py). */
function modelConfigDefaults(parsed: ParsedDocument, plan: TrainingPlan): void {
  const cfg = parsed.entries.get('model_config');
  if (cfg?.kind !== 'map') return;
  const m = plan.model;
  const d = (name: string, text: string) => dflt(name, `litgpt Config default: ${text}`);
  m.activation ??= sv('gelu', d('mlp_class_name', 'GptNeoxMLP (GELU, 2 matrices)'));
  m.norm ??= sv('layernorm', d('norm_class_name', 'LayerNorm'));
  m.bias ??= sv(true, d('bias', 'true (biases in every linear layer)'));
  m.tiedEmbeddings ??= sv(false, d('tie_embeddings', 'separate lm_head'));
  if (!m.ffnHidden && m.hidden && m.activation.value === 'gelu') m.ffnHidden = sv(4 * m.hidden.value, derived('4 · n_embd (litgpt Config default intermediate_size)', ['model_config.n_embd']));
  if (!m.vocab) {
    const vocab = numberOf(lookup(parsed, 'model_config.vocab_size')) ?? 50254;
    const multiple = numberOf(lookup(parsed, 'model_config.padding_multiple')) ?? 512;
    if (Number.isInteger(vocab) && Number.isInteger(multiple) && multiple > 0) {
      m.vocab = sv(Math.ceil(vocab / multiple) * multiple, derived(`vocab_size ${vocab} rounded up to padding_multiple ${multiple} (litgpt Config)`, ['model_config.vocab_size', 'model_config.padding_multiple']));
    }
  }
}

/** `devices` × `num_nodes`; `devices: auto` / `-1` = every visible GPU (unknown here); a device list counts its items. */
function hardware(parsed: ParsedDocument, plan: TrainingPlan): Finding[] {
  const devices = parsed.entries.get('devices');
  const findings: Finding[] = [];
  if (devices?.kind === 'seq') {
    const n = [...parsed.entries.keys()].filter((k) => /^devices\.\d+$/.test(k)).length;
    if (n > 0) plan.cluster.gpusPerNode = sv(n, { kind: 'document', key: `devices (a list of ${n} GPU indices)`, range: devices.valueRange, ...(devices.keyRange ? { keyRange: devices.keyRange } : {}) });
  } else if (devices) {
    findings.push(...applyRules(parsed, [{ field: 'cluster.gpusPerNode', keys: ['devices'], kind: size(1, 1024) }], {}, plan).findings);
  }
  if (plan.cluster.gpusPerNode && !plan.cluster.nodes) plan.cluster.nodes = sv(1, dflt('num_nodes', '1 (litgpt default)'));
  return findings;
}

function world(plan: TrainingPlan): number | undefined {
  const c = plan.cluster;
  return c.gpusPerNode && c.nodes ? c.gpusPerNode.value * c.nodes.value : undefined;
}

function pretraining(parsed: ParsedDocument): Finding[] {
  const epochs = parsed.entries.get('train.epochs');
  if (epochs && !isSentinel(epochs)) {
    return [{ code: 'invalid-value', severity: 'warning', message: '`train.epochs` is not supported by litgpt pretrain (it raises on it): the budget is `train.max_tokens` / `train.max_steps`.', range: epochs.keyRange ?? epochs.valueRange }];
  }
  return [];
}

/** Fine-tuning method from the file's keys; token budgets from epochs need the dataset size. */
function fineTuning(parsed: ParsedDocument, plan: TrainingPlan): Finding[] {
  const findings: Finding[] = [];
  const quantize = parsed.entries.get('quantize');
  const q = strOf(quantize);
  const lora = [...parsed.entries.keys()].find((k) => /^lora_/.test(k));
  const adapter = parsed.entries.get('adapter_start_layer');
  if (lora || adapter) {
    const at = parsed.entries.get(lora ?? 'adapter_start_layer')!;
    const method = q && /^bnb\./i.test(q) ? 'qlora' : 'lora';
    const from = method === 'qlora' && quantize ? quantize : at;
    plan.training.finetune = sv(method, { kind: 'document', key: `${from.dotted}${adapter && !lora ? ' (LLaMA-Adapter: frozen base, small adapters)' : ''}`, range: from.valueRange, ...(from.keyRange ? { keyRange: from.keyRange } : {}) });
    const w = world(plan);
    if (q && quantize && w !== undefined && w > 1) {
      findings.push({ code: 'invalid-value', severity: 'warning', message: `\`quantize: ${q}\` with ${w} devices: litgpt raises "Quantization is currently not supported for multi-GPU training"; set devices: 1.`, range: quantize.valueRange });
    }
  } else {
    const ckpt = parsed.entries.get('checkpoint_dir')!;
    plan.training.finetune = sv('full', derived('litgpt finetune_full: every weight of `checkpoint_dir` is trained', [ckpt.dotted]));
  }
  const maxTokens = parsed.entries.get('train.max_tokens');
  if (maxTokens && !isSentinel(maxTokens)) {
    findings.push({ code: 'invalid-value', severity: 'warning', message: "`train.max_tokens` is not supported by litgpt fine-tuning (\"doesn't support the 'max_tokens' argument\"): use `train.max_steps` or `train.epochs`.", range: maxTokens.keyRange ?? maxTokens.valueRange });
  }
  const epochs = parsed.entries.get('train.epochs');
  if (!plan.training.steps && epochs && !isSentinel(epochs)) findings.push(epochsNote(epochs));
  return findings;
}

function epochsNote(e: SourceEntry): Finding {
  return {
    code: 'missing-value',
    severity: 'information',
    message: `Training tokens for \`${e.dotted}: ${e.raw ?? String(e.value)}\` depend on the dataset size, which is not in this file: set \`train.max_steps\`, or a \`# scaling-lens: tokens=…\` comment.`,
    range: e.keyRange ?? e.valueRange,
  };
}

/** FSDP when more than one device (litgpt's only multi-GPU strategy); fine-tuning also recomputes every Block. */
function parallelism(plan: TrainingPlan, finetune: boolean): void {
  const w = world(plan);
  if (w === undefined || w <= 1) return;
  plan.parallelism.fsdp = sv(true, derived(`litgpt uses FSDPStrategy when devices × num_nodes = ${w} > 1${finetune ? '' : ' (pretrain: HYBRID_SHARD, sharded within a node)'}`, ['devices', 'num_nodes']));
  if (finetune) plan.training.activationCheckpointing ??= sv('full', derived('litgpt fine-tuning FSDPStrategy(activation_checkpointing_policy={Block})', ['devices']));
}
