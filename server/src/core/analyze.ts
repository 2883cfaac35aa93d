/**
 * The estimation pipeline: TrainingPlan + options → every figure with its formula, inputs and provenance,
 * plus findings. Pure and synchronous; the LSP caches its result per (uri, version).
 */
import type { Activation, Framework, ModelDims, Origin, Precision, Sourced, TrainingPlan, Optimizer, Recompute, FinetuneMethod } from './plan';
import { derived, dflt, override, sv } from './plan';
import type { Options, Overrides } from './options';
import { countParams, type ParamBreakdown } from './params';
import { exactFlopsPerToken, headlineFlops, PF_DAY, type FlopsPerToken } from './flops';
import { findAccelerator, peakFor, suggestAccelerators, type Accelerator } from './hardware';
import { estimateMemory, PROFILES, usableMemoryGiB, type MemoryEstimate, type MemoryInputs } from './memory';
import { computeOptimal, inferenceAwareOptimal, predictedLoss } from './scaling';
import { findPreset, type ModelPreset } from './presets';
import type { Finding, Fix, FixEdit, FixField } from './findings';
import { FILE_START } from './findings';
import { formatCount, formatGiB, formatNumber, formatSig } from './units';
import type { OffsetRange } from './plan';

/** The user-facing key for each plan field (native format names; dialects pass their own). */
export type KeyHints = Partial<Record<string, string>>;

export const NATIVE_KEYS: Record<string, string> = {
  'model.preset': 'model.preset',
  'model.params': 'model.params',
  'model.layers': 'model.layers',
  'model.hidden': 'model.hidden',
  'model.heads': 'model.heads',
  'model.kvHeads': 'model.kv_heads',
  'model.ffnHidden': 'model.ffn_hidden',
  'model.vocab': 'model.vocab',
  'model.seqLen': 'model.seq_len',
  'training.tokens': 'training.tokens',
  'training.steps': 'training.steps',
  'training.globalBatch': 'training.global_batch',
  'training.microBatch': 'training.micro_batch',
  'training.gradAccum': 'training.grad_accum',
  'training.activationCheckpointing': 'training.activation_checkpointing',
  'cluster.gpu': 'cluster.gpu',
  'cluster.count': 'cluster.count',
  'cluster.mfu': 'cluster.mfu',
  'cluster.pricePerGpuHour': 'cluster.price_per_gpu_hour',
  'parallelism.tp': 'parallelism.tp',
  'parallelism.pp': 'parallelism.pp',
  'parallelism.dp': 'parallelism.dp',
  'parallelism.zero': 'parallelism.zero',
};

export interface AnalysisContext {
  options: Options;
  overrides?: Overrides;
  /** How this dialect names each plan field, for messages ("set `train_iters`"). */
  keyHints?: KeyHints;
  /** Where a dialect says hardware can be supplied in its files (appended to the missing-hardware message). */
  hardwareHint?: string;
}

/** A computed figure: value (null when unknown), formula, the names of its inputs, and what would supply it. */
export interface Figure {
  value: number | null;
  formula: string;
  inputs: string[];
  /** Keys that would supply the missing inputs (only when value is null). */
  missing: string[];
  note?: string;
}

export interface Resolved {
  preset?: ModelPreset;
  dims?: Sourced<ModelDims>;
  dimsSources: Partial<Record<keyof ModelDims, Origin>>;
  params?: Sourced<number>;
  activeParams?: Sourced<number>;
  breakdown?: ParamBreakdown;
  seqLen?: Sourced<number>;
  tokens?: Sourced<number>;
  steps?: Sourced<number>;
  globalBatch?: Sourced<number>;
  microBatch?: Sourced<number>;
  gradAccum?: Sourced<number>;
  precision: Sourced<Precision>;
  optimizer: Sourced<Optimizer>;
  recompute: Sourced<Recompute>;
  finetune?: Sourced<FinetuneMethod>;
  loraRank: Sourced<number>;
  accelerator?: Accelerator;
  gpuName?: Sourced<string>;
  gpus?: Sourced<number>;
  gpusPerNode: Sourced<number>;
  mfu: Sourced<number>;
  price?: Sourced<number>;
  pue: Sourced<number>;
  gridIntensity: Sourced<number>;
  peakTflops?: Sourced<number>;
  tp: Sourced<number>;
  pp: Sourced<number>;
  cp: Sourced<number>;
  ep: Sourced<number>;
  vpp: Sourced<number>;
  dp?: Sourced<number>;
  sp: Sourced<boolean>;
  zero: Sourced<0 | 1 | 2 | 3>;
  inferenceTokens?: Sourced<number>;
}

export const FIGURE_NAMES = [
  'params',
  'activeParams',
  'tokens',
  'steps',
  'globalBatchTokens',
  'flops',
  'flopsExact',
  'petaflopDays',
  'gpuHours',
  'wallClockDays',
  'usd',
  'energyMWh',
  'co2Tonnes',
  'perGpuGiB',
  'tokensPerParam',
  'computeOptimalTokens',
  'computeOptimalParams',
  'computeOptimalTokensForBudget',
  'predictedLoss',
  'inferenceOptimalParams',
  'inferenceOptimalTokens',
] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

export interface Analysis {
  resolved: Resolved;
  figures: Record<FigureName, Figure>;
  flopsPerToken?: FlopsPerToken;
  memory?: MemoryEstimate;
  usableGiB?: number;
  fits: boolean | null;
  bubble: number | null;
  isFinetune: boolean;
  findings: Finding[];
}

const MAX_GPUS = 10_000_000;

export function analyze(plan: TrainingPlan, ctx: AnalysisContext): Analysis {
  const findings: Finding[] = [];
  const opts = ctx.options;
  const ov = ctx.overrides ?? {};
  const key = (field: string): string => ctx.keyHints?.[field] ?? NATIVE_KEYS[field] ?? field;
  const m = plan.model;
  const t = plan.training;
  const c = plan.cluster;
  const p = plan.parallelism;

  // ---- model: preset + explicit dims ----
  let preset: ModelPreset | undefined;
  if (m.preset) {
    preset = findPreset(m.preset.value);
    if (!preset) {
      findings.push({
        code: 'unknown-preset',
        severity: 'warning',
        message: `Unknown model preset "${m.preset.value}". Give the dims (${key('model.layers')}, ${key('model.hidden')}, ${key('model.heads')}, ${key('model.vocab')}…) or ${key('model.params')} instead.`,
        range: rangeOf(m.preset),
      });
    }
  }
  const { dims, dimsSources } = resolveDims(plan, preset);
  let breakdown: ParamBreakdown | undefined;
  let params: Sourced<number> | undefined;
  let activeParams: Sourced<number> | undefined;
  if (dims) {
    breakdown = countParams(dims.value);
    params = sv(breakdown.total, derived('parameters from dims: embeddings + layers × (attention + MLP + norms)', ['model dims']));
    activeParams = sv(
      breakdown.active,
      derived(breakdown.active === breakdown.total ? 'dense model: active = total' : 'dense parts + top-k routed experts', ['model dims']),
    );
    if (m.params) {
      const rel = Math.abs(m.params.value - breakdown.total) / breakdown.total;
      if (rel > 0.1) {
        findings.push({
          code: 'invalid-value',
          severity: 'warning',
          message: `${key('model.params')} says ${formatCount(m.params.value)} but the dims give ${formatCount(breakdown.total)} (${Math.round(rel * 100)}% apart); the dims-derived count is used.`,
          range: rangeOf(m.params),
        });
      }
    }
  } else if (m.params) {
    params = m.params;
    activeParams = m.params;
  } else if (preset?.reportedParams !== undefined) {
    params = sv(preset.reportedParams, { kind: 'preset', preset: preset.id, source: preset.source });
    activeParams = sv(preset.reportedActiveParams ?? preset.reportedParams, { kind: 'preset', preset: preset.id, source: preset.source });
  }

  const seqLen: Sourced<number> | undefined =
    m.seqLen ?? (preset ? sv(preset.seqLen, { kind: 'preset', preset: preset.id, source: preset.source }) : undefined);

  // ---- training ----
  const finetune = t.finetune && t.finetune.value !== undefined ? t.finetune : undefined;
  const isFinetune = finetune !== undefined;
  const precision = t.precision ?? sv<Precision>('bf16-mixed', dflt('precision', 'bf16 compute with fp32 master weights (PyTorch autocast / Megatron default)'));
  const optimizer = t.optimizer ?? sv<Optimizer>('adamw', dflt('optimizer', 'AdamW'));
  const recompute = t.activationCheckpointing ?? sv<Recompute>('none', dflt('activation checkpointing', 'none'));
  const loraRank = t.loraRank ?? sv(16, dflt('LoRA rank', '16'));

  // ---- parallelism ----
  const one = (name: string) => sv(1, dflt(name, '1 (not set)'));
  const tp = p.tp ?? one('TP');
  const pp = p.pp ?? one('PP');
  const cp = p.cp ?? one('CP');
  const ep = p.ep ?? one('EP');
  const vpp = p.vpp ?? one('virtual pipeline stages');
  const sp = p.sp ?? sv(false, dflt('sequence parallelism', 'off'));
  let zero: Sourced<0 | 1 | 2 | 3> = p.zero ?? sv<0 | 1 | 2 | 3>(0, dflt('ZeRO stage', '0 (no sharding)'));
  if (!p.zero && p.fsdp?.value) zero = sv<0 | 1 | 2 | 3>(3, derived('FSDP full shard ≡ ZeRO-3', [p.fsdp.origin.kind === 'document' ? p.fsdp.origin.key : 'fsdp']));
  else if (!p.zero && p.distributedOptimizer?.value) zero = sv<0 | 1 | 2 | 3>(1, derived('distributed optimizer ≡ ZeRO-1', ['distributed optimizer']));
  const mpSize = tp.value * pp.value * cp.value;

  // ---- cluster ----
  let gpuName: Sourced<string> | undefined = c.gpu;
  if (ov.gpu) gpuName = sv(ov.gpu, override('--gpu'));
  else if (!gpuName && opts.defaultGpu.trim()) gpuName = sv(opts.defaultGpu.trim(), dflt('scalingLens.defaultGpu', opts.defaultGpu.trim()));
  let accelerator: Accelerator | undefined;
  if (gpuName) {
    accelerator = findAccelerator(gpuName.value, opts.customAccelerators);
    if (!accelerator) {
      const sugg = suggestAccelerators(gpuName.value, opts.customAccelerators);
      findings.push({
        code: 'unknown-gpu',
        severity: 'warning',
        message: `Unknown accelerator "${gpuName.value}"${sugg.length ? `; did you mean ${sugg.map((s) => `"${s}"`).join(', ')}?` : ''} Add it with the setting scalingLens.customAccelerators.`,
        range: rangeOf(gpuName),
      });
    }
  }
  let gpus: Sourced<number> | undefined;
  if (ov.gpus !== undefined) gpus = sv(ov.gpus, override('--gpus'));
  else if (c.count) gpus = c.count;
  else if (c.nodes && c.gpusPerNode) gpus = sv(c.nodes.value * c.gpusPerNode.value, derived('nodes × GPUs per node', [key('cluster.nodes'), key('cluster.gpusPerNode')]));
  else if (p.dp) gpus = sv(mpSize * p.dp.value, derived('TP × PP × CP × DP', ['parallelism']));
  else if (opts.defaultGpuCount > 0) gpus = sv(opts.defaultGpuCount, dflt('scalingLens.defaultGpuCount', String(opts.defaultGpuCount)));
  if (gpus && (gpus.value > MAX_GPUS || gpus.value < 1)) {
    findings.push({ code: 'invalid-value', severity: 'error', message: `${formatNumber(gpus.value)} GPUs is outside the supported range (1–${formatNumber(MAX_GPUS)}).`, range: rangeOf(gpus) });
    gpus = undefined;
  }
  const gpusPerNode = c.gpusPerNode ?? sv(8, dflt('GPUs per node', '8 (HGX/DGX node)'));
  let dp: Sourced<number> | undefined = p.dp;
  if (!dp && gpus && gpus.value % mpSize === 0) dp = sv(gpus.value / mpSize, derived('GPUs ÷ (TP × PP × CP)', ['GPUs', 'TP', 'PP', 'CP']));

  const mfu = ov.mfu !== undefined ? sv(ov.mfu, override('--mfu')) : c.mfu ?? sv(opts.mfu, dflt('scalingLens.mfu', `${opts.mfu} model FLOPs utilization`));
  const pue = c.pue ?? sv(opts.pue, dflt('scalingLens.pue', `PUE ${opts.pue}`));
  const gridIntensity = c.gridIntensity ?? sv(opts.gridIntensity, dflt('scalingLens.gridIntensity', `${opts.gridIntensity} t CO2/MWh`));
  let price: Sourced<number> | undefined;
  if (ov.price !== undefined) price = sv(ov.price, override('--price'));
  else if (c.pricePerGpuHour) price = c.pricePerGpuHour;
  else if (accelerator) {
    const setting = Object.entries(opts.prices).find(([name]) => findAccelerator(name, opts.customAccelerators)?.name === accelerator?.name);
    if (setting) price = sv(setting[1], dflt('scalingLens.prices', `${setting[0]}: $${setting[1]}/GPU-hour`));
    else if (accelerator.priceLow !== null)
      price = sv(accelerator.priceLow, {
        kind: 'catalog',
        entry: accelerator.name,
        source: `indicative low end of $${accelerator.priceLow}–${accelerator.priceHigh ?? accelerator.priceLow}/GPU-hour: ${accelerator.priceSource ?? 'catalog'}`,
      });
  }
  let peakTflops: Sourced<number> | undefined;
  if (accelerator) {
    const pk = peakFor(accelerator, precision.value);
    if (pk) peakTflops = sv(pk.tflops, { kind: 'catalog', entry: accelerator.name, source: `dense ${pk.kind} peak${pk.fallback ? ` (no ${precision.value} figure; ${pk.kind} used)` : ''}; ${accelerator.source}` });
  }

  // ---- batch & tokens ----
  const microBatch = t.microBatch;
  const gradAccum = t.gradAccum;
  let globalBatch = t.globalBatch;
  if (!globalBatch && microBatch && dp) {
    const acc = gradAccum?.value ?? 1;
    globalBatch = sv(microBatch.value * dp.value * acc, derived(`micro-batch × DP × grad. accumulation (${formatNumber(microBatch.value)} × ${formatNumber(dp.value)} × ${formatNumber(acc)})`, [key('training.microBatch'), 'DP', key('training.gradAccum')]));
  }
  const tokensPerStep = globalBatch && seqLen ? globalBatch.value * seqLen.value : undefined;
  let tokens = t.tokens;
  let steps = t.steps;
  if (!tokens && steps && tokensPerStep !== undefined) {
    tokens = sv(steps.value * tokensPerStep, derived(`steps × global batch × sequence length (${formatNumber(steps.value)} × ${formatNumber(globalBatch!.value)} × ${formatNumber(seqLen!.value)})`, [key('training.steps'), key('training.globalBatch'), key('model.seqLen')]));
  } else if (tokens && !steps && tokensPerStep) {
    steps = sv(Math.ceil(tokens.value / tokensPerStep), derived('tokens ÷ (global batch × sequence length)', [key('training.tokens'), key('training.globalBatch'), key('model.seqLen')]));
  }

  // ---- figures ----
  const F: Record<FigureName, Figure> = {} as Record<FigureName, Figure>;
  const fig = (name: FigureName, value: number | null | undefined, formula: string, inputs: string[], missing: string[] = [], note?: string) => {
    const v = value === undefined || value === null || !Number.isFinite(value) ? null : value;
    F[name] = { value: v, formula, inputs, missing: v === null ? missing : [], ...(note ? { note } : {}) };
  };
  const paramsMissing = [...new Set([key('model.params'), key('model.preset'), `${key('model.layers')} + ${key('model.hidden')} + ${key('model.vocab')}`])];
  const tokensMissing = [key('training.tokens'), `${key('training.steps')} × ${key('training.globalBatch')} × ${key('model.seqLen')}`];
  fig('params', params?.value, dims ? 'embeddings + layers × (attention + MLP + norms)' : 'as given', ['params'], paramsMissing);
  fig('activeParams', activeParams?.value, 'dense parts + top-k routed experts', ['params'], paramsMissing);
  fig('tokens', tokens?.value, tokens?.origin.kind === 'derived' ? tokens.origin.formula : 'as given', ['tokens'], tokensMissing);
  fig('steps', steps?.value, steps?.origin.kind === 'derived' ? steps.origin.formula : 'as given', ['steps'], [key('training.steps')]);
  fig('globalBatchTokens', tokensPerStep, 'global batch (sequences) × sequence length', ['globalBatch', 'seqLen'], [key('training.globalBatch'), key('model.seqLen')]);

  const N = activeParams?.value;
  const D = tokens?.value;
  const flops = N !== undefined && D !== undefined ? headlineFlops(N, D) : undefined;
  fig('flops', flops, '6 · N_active · D (Kaplan 2020 / Chinchilla convention)', ['activeParams', 'tokens'], [...(N === undefined ? paramsMissing : []), ...(D === undefined ? tokensMissing : [])]);
  let flopsPerToken: FlopsPerToken | undefined;
  let flopsExact: number | undefined;
  const lora = finetune && finetune.value !== 'full';
  if (dims && seqLen) {
    flopsPerToken = exactFlopsPerToken(dims.value, seqLen.value, !!lora);
    if (D !== undefined) flopsExact = flopsPerToken.total * D;
  }
  fig(
    'flopsExact',
    flopsExact,
    `every matmul × 3 (fwd, dgrad, wgrad${lora ? '; frozen base × 2: no wgrad' : ''}) incl. LM head and causal attention scores, × D`,
    ['dims', 'seqLen', 'tokens'],
    [...(dims ? [] : [`${key('model.layers')} + ${key('model.hidden')} + ${key('model.vocab')} (or ${key('model.preset')})`]), ...(seqLen ? [] : [key('model.seqLen')]), ...(D === undefined ? tokensMissing : [])],
  );
  fig('petaflopDays', flops !== undefined ? flops / PF_DAY : undefined, '6ND ÷ (1e15 FLOP/s × 86,400 s)', ['flops'], F.flops.missing);

  // time: exact FLOPs (or 6ND when dims are unknown), recompute, pipeline bubble
  const timeFlops = flopsExact ?? flops;
  const recomputeFactor = recompute.value === 'full' ? 4 / 3 : 1;
  let bubble: number | null = null;
  if (pp.value > 1) {
    const mb = globalBatch && microBatch && dp ? globalBatch.value / (microBatch.value * dp.value) : undefined;
    bubble = mb !== undefined && mb > 0 ? (pp.value - 1) / (vpp.value * mb) : null;
  }
  const gpuSeconds =
    timeFlops !== undefined && peakTflops ? (timeFlops * recomputeFactor * (1 + (bubble ?? 0))) / (peakTflops.value * 1e12 * mfu.value) : undefined;
  const hwMissing = [...(gpuName ? [] : [key('cluster.gpu')]), ...(accelerator && !peakTflops ? [`a ${precision.value} peak for ${accelerator.name}`] : [])];
  const gpuHours = gpuSeconds !== undefined ? gpuSeconds / 3600 : undefined;
  fig(
    'gpuHours',
    gpuHours,
    `${flopsExact !== undefined ? 'exact FLOPs' : '6ND'}${recomputeFactor > 1 ? ' × 4/3 (full recompute)' : ''}${bubble ? ' × (1 + bubble)' : ''} ÷ (dense peak × MFU) ÷ 3600`,
    ['flopsExact', 'peakTflops', 'mfu'],
    [...F.flops.missing, ...hwMissing],
    pp.value > 1 && bubble === null ? `pipeline bubble not included: needs ${key('training.microBatch')} and ${key('training.globalBatch')}` : undefined,
  );
  fig('wallClockDays', gpuHours !== undefined && gpus ? gpuHours / gpus.value / 24 : undefined, 'GPU-hours ÷ GPUs ÷ 24', ['gpuHours', 'gpus'], [...F.gpuHours.missing, ...(gpus ? [] : [key('cluster.count')])]);
  fig('usd', gpuHours !== undefined && price ? gpuHours * price.value : undefined, 'GPU-hours × $/GPU-hour', ['gpuHours', 'price'], [...F.gpuHours.missing, ...(price || !accelerator ? [] : [key('cluster.pricePerGpuHour')])]);
  const tdp = accelerator?.tdpW ?? null;
  const energy = gpuHours !== undefined && tdp !== null ? (gpuHours * tdp * pue.value) / 1e6 : undefined;
  fig('energyMWh', energy, 'GPU-hours × TDP × PUE', ['gpuHours', 'tdp', 'pue'], [...F.gpuHours.missing, ...(accelerator && tdp === null ? [`a TDP for ${accelerator.name} (setting scalingLens.customAccelerators)`] : [])]);
  fig('co2Tonnes', energy !== undefined ? energy * gridIntensity.value : undefined, 'energy × grid intensity', ['energyMWh', 'gridIntensity'], F.energyMWh.missing);

  // scaling
  const tpp = N !== undefined && D !== undefined ? D / N : undefined;
  fig('tokensPerParam', tpp, 'D ÷ N_active', ['tokens', 'activeParams'], F.flops.missing);
  const coTokens = N !== undefined ? opts.computeOptimalTokensPerParam * N : undefined;
  fig('computeOptimalTokens', coTokens, `${opts.computeOptimalTokensPerParam} × N (Hoffmann et al. 2022, Approaches 1/2)`, ['activeParams'], paramsMissing);
  const co = flops !== undefined ? computeOptimal(flops) : undefined;
  fig('computeOptimalParams', co?.params, 'Epoch AI refit of Chinchilla (Besiroglu et al. 2024) at the same 6ND budget', ['flops'], F.flops.missing);
  fig('computeOptimalTokensForBudget', co?.tokens, 'Epoch AI refit of Chinchilla at the same 6ND budget', ['flops'], F.flops.missing);
  fig('predictedLoss', N !== undefined && D !== undefined ? predictedLoss(N, D) : undefined, 'L = 1.8172 + 482.01/N^0.3478 + 2085.43/D^0.3658 (Epoch AI refit)', ['activeParams', 'tokens'], F.flops.missing, isFinetune ? 'pre-training law; not meaningful for fine-tuning' : undefined);
  const inf = t.inferenceTokens && N !== undefined && D !== undefined ? inferenceAwareOptimal(N, D, t.inferenceTokens.value) : undefined;
  fig('inferenceOptimalParams', inf?.params, 'argmin 6ND + 2N·D_inf at the same predicted loss (Sardana et al. 2024)', ['activeParams', 'tokens', 'inferenceTokens'], t.inferenceTokens ? F.flops.missing : ['training.inference_tokens']);
  fig('inferenceOptimalTokens', inf?.tokens, 'argmin 6ND + 2N·D_inf at the same predicted loss (Sardana et al. 2024)', ['activeParams', 'tokens', 'inferenceTokens'], t.inferenceTokens ? F.flops.missing : ['training.inference_tokens']);

  // memory
  let memory: MemoryEstimate | undefined;
  let usableGiB: number | undefined;
  let fits: boolean | null = null;
  // Framework profile and FSDP strategy (core/memory.ts): an FSDP mode implies its ZeRO stage, and the fsdp2 profile
  // shards fully over the data-parallel group unless the plan says otherwise.
  const framework: Framework = t.framework?.value ?? 'generic';
  const fsdpMode = p.fsdpMode?.value;
  let memZero = zero.value;
  if (!p.zero && fsdpMode) memZero = fsdpMode === 'grad-op' ? 2 : 3;
  else if (!p.zero && !p.fsdp && !p.distributedOptimizer && framework === 'fsdp2') memZero = 3;
  const shardGroup = fsdpMode === 'hybrid' ? Math.max(1, Math.min((dp?.value ?? 1) * cp.value, Math.floor(gpusPerNode.value / tp.value))) : undefined;
  const microBatchesPerStep =
    gradAccum?.value ?? (globalBatch && microBatch && dp && globalBatch.value % (microBatch.value * dp.value) === 0 ? globalBatch.value / (microBatch.value * dp.value) : undefined);
  const memInputs = (over: Partial<MemoryInputs> = {}): MemoryInputs | undefined => {
    if (params === undefined) return undefined;
    return {
      totalParams: params.value,
      expertParams: breakdown?.routedExperts ?? 0,
      embeddingParams: breakdown?.embedding ?? 0,
      dims: dims?.value,
      seqLen: seqLen?.value,
      microBatch: microBatch?.value ?? 1,
      precision: precision.value,
      optimizer: optimizer.value,
      recompute: recompute.value,
      tp: tp.value,
      pp: pp.value,
      dp: dp?.value ?? 1,
      cp: cp.value,
      ep: ep.value,
      vpp: vpp.value,
      sp: sp.value,
      zero: memZero,
      finetune: finetune?.value,
      loraRank: loraRank.value,
      framework,
      fsdpMode,
      shardGroup,
      offloadOptimizer: p.offloadOptimizer?.value,
      offloadParams: p.offloadParams?.value,
      flashAttention: t.flashAttention?.value,
      baseBits: t.finetuneBits?.value,
      adapterDtype: t.adapterDtype?.value,
      microBatchesPerStep,
      ...over,
    };
  };
  const baseInputs = memInputs();
  if (baseInputs) {
    memory = estimateMemory(baseInputs);
    if (accelerator) {
      usableGiB = usableMemoryGiB(accelerator.memoryGiB);
      if (memory.perGpuGiB !== null) fits = memory.perGpuGiB <= usableGiB;
    }
  }
  fig(
    'perGpuGiB',
    memory?.perGpuGiB,
    `peak of the step (forward, backward or optimizer step: model states sharded per ZeRO/FSDP + compute copies + activations + loss buffers) + allocator reserve + CUDA context = what nvidia-smi shows; profile: ${PROFILES[framework].name}`,
    ['params', 'precision', 'optimizer', 'parallelism', 'microBatch', 'seqLen'],
    [...(params ? [] : paramsMissing), ...(dims ? [] : [`${key('model.layers')} + ${key('model.hidden')} + ${key('model.vocab')}`]), ...(seqLen ? [] : [key('model.seqLen')])],
    microBatch ? undefined : `${key('training.microBatch')} not set: 1 sequence per GPU assumed`,
  );

  const resolved: Resolved = {
    ...(preset ? { preset } : {}),
    ...(dims ? { dims } : {}),
    dimsSources,
    ...(params ? { params } : {}),
    ...(activeParams ? { activeParams } : {}),
    ...(breakdown ? { breakdown } : {}),
    ...(seqLen ? { seqLen } : {}),
    ...(tokens ? { tokens } : {}),
    ...(steps ? { steps } : {}),
    ...(globalBatch ? { globalBatch } : {}),
    ...(microBatch ? { microBatch } : {}),
    ...(gradAccum ? { gradAccum } : {}),
    precision,
    optimizer,
    recompute,
    ...(finetune ? { finetune } : {}),
    loraRank,
    ...(accelerator ? { accelerator } : {}),
    ...(gpuName ? { gpuName } : {}),
    ...(gpus ? { gpus } : {}),
    gpusPerNode,
    mfu,
    ...(price ? { price } : {}),
    pue,
    gridIntensity,
    ...(peakTflops ? { peakTflops } : {}),
    tp,
    pp,
    cp,
    ep,
    vpp,
    ...(dp ? { dp } : {}),
    sp,
    zero,
    ...(t.inferenceTokens ? { inferenceTokens: t.inferenceTokens } : {}),
  };

  // ---- findings ----
  if (tpp !== undefined && !isFinetune && tokens && coTokens !== undefined) {
    if (tpp < opts.underTrainedTokensPerParam) {
      const fixes = computeOptimalFix(t.tokens, t.steps, coTokens, tokensPerStep, key);
      findings.push({
        code: 'under-trained',
        severity: 'warning',
        message: `Under-trained: ${formatSig(tpp, 2)} tokens per parameter (${formatCount(D)} tokens for ${formatCount(N)} params); compute-optimal is ≈${opts.computeOptimalTokensPerParam} (≈${formatCount(coTokens)} tokens, Hoffmann et al. 2022). Threshold: ${opts.underTrainedTokensPerParam} tokens/param.`,
        range: rangeOf(t.tokens ?? t.steps ?? tokens),
        ...(fixes.length ? { fixes } : {}),
      });
    } else if (tpp > opts.overTrainedTokensPerParam) {
      findings.push({
        code: 'over-trained',
        severity: 'information',
        message: `Over-trained by design: ${formatNumber(tpp, 0)} tokens per parameter (compute-optimal ≈${opts.computeOptimalTokensPerParam}). A legitimate choice when inference cost matters (Llama-3-style); the same compute would be loss-optimal at ${co ? `${formatCount(co.params)} params × ${formatCount(co.tokens)} tokens` : 'a larger model'}.`,
        range: rangeOf(t.tokens ?? t.steps ?? tokens),
      });
    }
  }

  checkParallelism(findings, { tp, pp, cp, dp: p.dp, vpp, gpus, gpusPerNode, dims, dimsSources, heads: m.heads, layers: m.layers, mpSize, explicitLayout: p.explicitLayout?.value === true, key });
  checkBatch(findings, { globalBatch: t.globalBatch, microBatch, gradAccum, dp, key });

  if (memory && memory.perGpuGiB !== null && usableGiB !== undefined && accelerator) {
    const ratio = memory.perGpuGiB / usableGiB;
    // The dominant consumer (the allocator reserve and the CUDA context follow from the rest).
    const dominant = [...memory.terms].filter((x) => x.name !== 'allocator reserve' && x.name !== 'CUDA context').sort((a, b) => b.gib - a.gib)[0];
    const dominantText = dominant ? ` (${dominant.name} ${formatGiB(dominant.gib)} of ${formatGiB(memory.perGpuGiB)})` : '';
    const where = rangeOf(t.microBatch ?? gpuName ?? t.activationCheckpointing);
    if (ratio > 1) {
      findings.push({
        code: 'does-not-fit',
        severity: 'error',
        message: `Does not fit: ≈${formatGiB(memory.perGpuGiB)} per GPU needed, ${formatGiB(usableGiB)} usable on ${accelerator.name}${dominantText}.`,
        range: where,
        ...fitFixes(memInputs, usableGiB, { recompute, microBatch, gradAccum, zero: sv(memZero, zero.origin), dp, cp, p, t, tp, gpusPerNode, dims, framework, key }),
      });
    } else if (ratio > opts.memoryWarnFraction) {
      findings.push({
        code: 'does-not-fit',
        severity: 'warning',
        message: `Tight fit: ≈${formatGiB(memory.perGpuGiB)} of ${formatGiB(usableGiB)} usable per GPU (${Math.round(ratio * 100)}%) on ${accelerator.name}${dominantText}; allocator spikes may OOM.`,
        range: where,
      });
    }
  }

  // missing values: one information diagnostic per missing group, naming the keys
  if (!params) {
    // Some dims given: name exactly the ones still missing; none given: name the ways to supply a model.
    const dimKeys: [string, unknown][] = [['model.layers', m.layers], ['model.hidden', m.hidden], ['model.vocab', m.vocab]];
    const partial = dimKeys.some(([, v]) => v !== undefined);
    const lacking = dimKeys.filter(([, v]) => v === undefined).map(([f]) => `\`${key(f)}\``);
    findings.push(
      missing(
        partial
          ? `Parameter count unknown: the model dims lack ${lacking.join(' and ')}${dimKeys.some(([f]) => key(f) === key('model.params')) ? '' : ` (or set \`${key('model.params')}\`)`}.`
          : `Parameter count unknown: set ${paramsMissing.map((k) => `\`${k}\``).join(', or ')}.`,
      ),
    );
  }
  if (!tokens && !isFinetune) findings.push(missing(`Training tokens unknown: set \`${tokensMissing[0]}\`, or \`${tokensMissing[1]}\`.`));
  if (!gpuName)
    findings.push(
      missing(
        `No accelerator given: time, cost, energy and fit need \`${key('cluster.gpu')}\` and \`${key('cluster.count')}\`${ctx.hardwareHint ? `, ${ctx.hardwareHint}` : ''} (or the CLI's --gpu/--gpus, or a \`# scaling-lens: gpu=H100 count=64\` comment).`,
      ),
    );
  else if (!gpus) findings.push(missing(`GPU count unknown: set \`${key('cluster.count')}\` (or --gpus) for wall-clock time.`));
  if (params && !seqLen) findings.push(missing(`Sequence length unknown: set \`${key('model.seqLen')}\` for exact FLOPs and activation memory.`));

  return { resolved, figures: F, ...(flopsPerToken ? { flopsPerToken } : {}), ...(memory ? { memory } : {}), ...(usableGiB !== undefined ? { usableGiB } : {}), fits, bubble, isFinetune, findings };
}

function missing(message: string): Finding {
  return { code: 'missing-value', severity: 'information', message, range: FILE_START };
}

export function rangeOf(s: Sourced<unknown> | undefined): OffsetRange {
  if (s && s.origin.kind === 'document' && !s.origin.file) return s.origin.keyRange ?? s.origin.range;
  return FILE_START;
}

function docEdit(field: FixField, value: number | string | boolean, s: Sourced<unknown> | undefined, fallbackKey: string): FixEdit {
  if (s && s.origin.kind === 'document' && !s.origin.file) return { field, value, range: s.origin.range, key: s.origin.key };
  return { field, value, key: fallbackKey };
}

/** Round up to 3 significant digits so the written value reads well (160B, 3.52T). */
export function niceRoundUp(x: number): number {
  if (!(x > 0)) return x;
  const mag = 10 ** (Math.floor(Math.log10(x)) - 2);
  return Math.ceil(x / mag) * mag;
}

function computeOptimalFix(
  docTokens: Sourced<number> | undefined,
  docSteps: Sourced<number> | undefined,
  target: number,
  tokensPerStep: number | undefined,
  key: (f: string) => string,
): Fix[] {
  const nice = niceRoundUp(target);
  if (docTokens && docTokens.origin.kind === 'document' && !docTokens.origin.file) {
    return [{ title: `Set training tokens to compute-optimal (≈${formatCount(nice)})`, edits: [docEdit('training.tokens', nice, docTokens, key('training.tokens'))], preferred: true }];
  }
  if (docSteps && docSteps.origin.kind === 'document' && !docSteps.origin.file && tokensPerStep) {
    const newSteps = Math.ceil(target / tokensPerStep);
    return [
      {
        title: `Set training tokens to compute-optimal (≈${formatCount(newSteps * tokensPerStep)}): ${docSteps.origin.key} = ${formatNumber(newSteps)}`,
        edits: [docEdit('training.steps', newSteps, docSteps, key('training.steps'))],
        preferred: true,
      },
    ];
  }
  return [];
}

interface ParCheck {
  tp: Sourced<number>;
  pp: Sourced<number>;
  cp: Sourced<number>;
  dp: Sourced<number> | undefined;
  vpp: Sourced<number>;
  gpus: Sourced<number> | undefined;
  gpusPerNode: Sourced<number>;
  dims: Sourced<ModelDims> | undefined;
  dimsSources: Partial<Record<keyof ModelDims, Origin>>;
  heads: Sourced<number> | undefined;
  layers: Sourced<number> | undefined;
  mpSize: number;
  explicitLayout: boolean;
  key: (f: string) => string;
}

function checkParallelism(findings: Finding[], c: ParCheck): void {
  const { tp, pp, cp, dp, gpus, key } = c;
  if (gpus && (gpus.origin.kind === 'document' || gpus.origin.kind === 'override')) {
    if (dp) {
      const product = c.mpSize * dp.value;
      if (product !== gpus.value) {
        const fixes: Fix[] = [];
        if (gpus.value % c.mpSize === 0 && dp.origin.kind === 'document')
          fixes.push({ title: `Set DP to ${gpus.value / c.mpSize} (GPUs ÷ TP·PP·CP)`, edits: [docEdit('parallelism.dp', gpus.value / c.mpSize, dp, key('parallelism.dp'))], preferred: true });
        if (gpus.origin.kind === 'document') fixes.push({ title: `Set GPU count to ${product} (TP·PP·CP·DP)`, edits: [docEdit('cluster.count', product, gpus, key('cluster.count'))] });
        findings.push({
          code: 'parallelism-mismatch',
          severity: 'error',
          message: `TP·PP·CP·DP = ${tp.value}·${pp.value}·${cp.value}·${dp.value} = ${product}, but ${gpus.value} GPUs are configured.`,
          range: rangeOf(dp.origin.kind === 'document' ? dp : gpus),
          ...(fixes.length ? { fixes } : {}),
        });
      }
    } else if (gpus.value % c.mpSize !== 0) {
      findings.push({
        code: 'parallelism-mismatch',
        severity: 'error',
        message: `${gpus.value} GPUs cannot be split into model-parallel groups of TP·PP·CP = ${c.mpSize}.`,
        range: rangeOf(tp.origin.kind === 'document' ? tp : pp.origin.kind === 'document' ? pp : gpus),
      });
    }
  }
  if (c.dims) {
    const d = c.dims.value;
    if (tp.value > 1 && d.heads % tp.value !== 0) {
      findings.push({
        code: 'heads-not-divisible',
        severity: 'error',
        message: `${d.heads} attention heads are not divisible by TP = ${tp.value}.`,
        range: rangeOf(tp.origin.kind === 'document' ? tp : c.heads),
      });
    } else if (tp.value > 1 && d.kvHeads >= tp.value && d.kvHeads % tp.value !== 0) {
      findings.push({ code: 'heads-not-divisible', severity: 'error', message: `${d.kvHeads} KV heads are not divisible by TP = ${tp.value}.`, range: rangeOf(tp) });
    }
    const stages = c.pp.value * c.vpp.value;
    if (stages > 1 && d.layers % stages !== 0 && !c.explicitLayout) {
      findings.push({
        code: 'layers-not-divisible',
        severity: 'error',
        message: `${d.layers} layers are not divisible by PP${c.vpp.value > 1 ? ' × virtual stages' : ''} = ${stages}.`,
        range: rangeOf(pp.origin.kind === 'document' ? pp : c.layers),
      });
    }
  }
  if (tp.value > c.gpusPerNode.value) {
    findings.push({
      code: 'tp-across-nodes',
      severity: 'warning',
      message: `TP = ${tp.value} spans more than one node (${c.gpusPerNode.value} GPUs per node): tensor-parallel all-reduces would cross the inter-node network.`,
      range: rangeOf(tp),
    });
  }
}

function checkBatch(
  findings: Finding[],
  c: { globalBatch: Sourced<number> | undefined; microBatch: Sourced<number> | undefined; gradAccum: Sourced<number> | undefined; dp: Sourced<number> | undefined; key: (f: string) => string },
): void {
  const { globalBatch: g, microBatch: mb, gradAccum: acc, dp } = c;
  if (!g || !mb || !dp) return;
  const perStep = mb.value * dp.value;
  if (acc) {
    if (perStep * acc.value !== g.value) {
      const fixes: Fix[] = [];
      if (g.value % perStep === 0 && acc.origin.kind === 'document')
        fixes.push({ title: `Set gradient accumulation to ${g.value / perStep}`, edits: [docEdit('training.gradAccum', g.value / perStep, acc, c.key('training.gradAccum'))], preferred: true });
      findings.push({
        code: 'batch-mismatch',
        severity: 'error',
        message: `Global batch ${formatNumber(g.value)} ≠ micro-batch ${mb.value} × DP ${dp.value} × accumulation ${acc.value} = ${formatNumber(perStep * acc.value)}.`,
        range: rangeOf(g),
        ...(fixes.length ? { fixes } : {}),
      });
    }
  } else if (g.value % perStep !== 0) {
    findings.push({
      code: 'batch-mismatch',
      severity: 'error',
      message: `Global batch ${formatNumber(g.value)} is not a multiple of micro-batch ${mb.value} × DP ${dp.value} = ${formatNumber(perStep)}.`,
      range: rangeOf(g),
    });
  }
}

function fitFixes(
  memInputs: (over?: Partial<MemoryInputs>) => MemoryInputs | undefined,
  usable: number,
  s: {
    recompute: Sourced<Recompute>;
    microBatch: Sourced<number> | undefined;
    gradAccum: Sourced<number> | undefined;
    zero: Sourced<0 | 1 | 2 | 3>;
    dp: Sourced<number> | undefined;
    cp: Sourced<number>;
    p: TrainingPlan['parallelism'];
    t: TrainingPlan['training'];
    tp: Sourced<number>;
    gpusPerNode: Sourced<number>;
    dims: Sourced<ModelDims> | undefined;
    framework: Framework;
    key: (f: string) => string;
  },
): { fixes?: Fix[] } {
  // Each fix is offered only when the memory model says the changed plan fits.
  const fixes: Fix[] = [];
  const fitsWith = (over: Partial<MemoryInputs>): number | undefined => {
    const inp = memInputs(over);
    if (!inp) return undefined;
    const est = estimateMemory(inp);
    return est.perGpuGiB !== null && est.perGpuGiB <= usable ? est.perGpuGiB : undefined;
  };
  const ckptEdit = (): FixEdit => docEdit('training.activationCheckpointing', 'full', s.t.activationCheckpointing, s.key('training.activationCheckpointing'));
  let ckptFits = false;
  if (s.recompute.value !== 'full') {
    const gib = fitsWith({ recompute: 'full' });
    ckptFits = gib !== undefined;
    if (gib !== undefined) fixes.push({ title: `Enable full activation checkpointing (≈${formatGiB(gib)} per GPU)`, edits: [ckptEdit()] });
  }
  const group = (s.dp?.value ?? 1) * s.cp.value;
  if (group > 1) {
    const torchFsdp = s.framework === 'hf' || s.framework === 'fsdp2';
    const shardTitle = (stage: 1 | 2 | 3) =>
      torchFsdp && stage === 3 ? `Enable FSDP full sharding (ZeRO-3) over DP ${group}` : torchFsdp && stage === 2 ? `Shard with FSDP grad-op (ZeRO-2) over DP ${group}` : `Shard with ZeRO-${stage} over DP ${group}`;
    const zeroEdit = (stage: number): FixEdit => docEdit('parallelism.zero', stage, s.p.zero, s.key('parallelism.zero'));
    const offloadEdit = (): FixEdit => docEdit('parallelism.offloadOptimizer', true, s.p.offloadOptimizer, s.key('parallelism.offloadOptimizer'));
    let found = false;
    for (const stage of [1, 2, 3] as const) {
      if (stage <= s.zero.value) continue;
      const gib = fitsWith({ zero: stage });
      if (gib !== undefined) {
        fixes.push({ title: `${shardTitle(stage)} (≈${formatGiB(gib)} per GPU)`, edits: [zeroEdit(stage)] });
        found = true;
        break;
      }
    }
    // Sharding alone is not enough: combine it with CPU offload of the optimizer states and/or full recompute.
    const combos: { over: Partial<MemoryInputs>; title: string; edits: () => FixEdit[] }[] = [];
    const needZero = s.zero.value < 3;
    const offloaded = s.p.offloadOptimizer?.value === true;
    const ckptOn = s.recompute.value === 'full';
    if (!ckptOn) combos.push({ over: { zero: 3, recompute: 'full' }, title: `${needZero ? `${shardTitle(3)} + ` : ''}full activation checkpointing`, edits: () => [...(needZero ? [zeroEdit(3)] : []), ckptEdit()] });
    if (!offloaded) {
      combos.push({ over: { zero: 3, offloadOptimizer: true }, title: `${needZero ? `${shardTitle(3)} + ` : ''}optimizer states offloaded to CPU`, edits: () => [...(needZero ? [zeroEdit(3)] : []), offloadEdit()] });
      if (!ckptOn)
        combos.push({
          over: { zero: 3, offloadOptimizer: true, recompute: 'full' },
          title: `${needZero ? `${shardTitle(3)} + ` : ''}optimizer states offloaded to CPU + full activation checkpointing`,
          edits: () => [...(needZero ? [zeroEdit(3)] : []), offloadEdit(), ckptEdit()],
        });
    }
    if (!found && !ckptFits) {
      for (const c of combos) {
        const gib = fitsWith(c.over);
        if (gib !== undefined) {
          fixes.push({ title: `${c.title} (≈${formatGiB(gib)} per GPU)`, edits: c.edits() });
          break;
        }
      }
    }
  }
  if (s.microBatch && s.microBatch.value > 1) {
    for (let mb = Math.floor(s.microBatch.value / 2); mb >= 1; mb = Math.floor(mb / 2)) {
      if (s.microBatch.value % mb !== 0) continue;
      const factor = s.microBatch.value / mb;
      const accNow = s.gradAccum?.value ?? memInputs()?.microBatchesPerStep ?? 1;
      const gib = fitsWith({ microBatch: mb, microBatchesPerStep: accNow * factor });
      if (gib !== undefined) {
        // Keep the global batch: accumulation rises by the same factor (written when the plan states it, or when no
        // global batch is given; an explicit global batch derives it).
        const edits: FixEdit[] = [docEdit('training.microBatch', mb, s.microBatch, s.key('training.microBatch'))];
        if (s.gradAccum || !s.t.globalBatch) edits.push(docEdit('training.gradAccum', accNow * factor, s.gradAccum, s.key('training.gradAccum')));
        fixes.push({ title: `Lower micro-batch to ${mb}, accumulation to ${accNow * factor} (same global batch; ≈${formatGiB(gib)} per GPU)`, edits });
        break;
      }
    }
  }
  if (s.dims) {
    for (let tp = s.tp.value * 2; tp <= s.gpusPerNode.value; tp *= 2) {
      if (s.dims.value.heads % tp !== 0) continue;
      if (s.dims.value.kvHeads >= tp && s.dims.value.kvHeads % tp !== 0) continue;
      if (s.dp && s.dp.value % (tp / s.tp.value) !== 0) continue;
      const newDp = s.dp ? s.dp.value / (tp / s.tp.value) : 1;
      const gib = fitsWith({ tp, dp: newDp });
      if (gib !== undefined) {
        const edits: FixEdit[] = [docEdit('parallelism.tp', tp, s.p.tp, s.key('parallelism.tp'))];
        if (s.p.dp) edits.push(docEdit('parallelism.dp', newDp, s.p.dp, s.key('parallelism.dp')));
        fixes.push({ title: `Raise TP to ${tp} within the node (≈${formatGiB(gib)} per GPU)`, edits });
        break;
      }
    }
  }
  if (fixes[0]) fixes[0].preferred = true;
  return fixes.length ? { fixes } : {};
}

/** Merge preset dims with explicit dims; apply documented defaults; undefined when the essentials are missing. */
function resolveDims(plan: TrainingPlan, preset: ModelPreset | undefined): { dims?: Sourced<ModelDims>; dimsSources: Partial<Record<keyof ModelDims, Origin>> } {
  const m = plan.model;
  const sources: Partial<Record<keyof ModelDims, Origin>> = {};
  const presetOrigin: Origin | undefined = preset ? { kind: 'preset', preset: preset.id, source: preset.source } : undefined;
  const pick = <K extends keyof ModelDims>(k: K, explicit: Sourced<ModelDims[K]> | undefined, fallback?: () => { v: ModelDims[K]; o: Origin } | undefined): ModelDims[K] | undefined => {
    if (explicit) {
      sources[k] = explicit.origin;
      return explicit.value;
    }
    if (preset && presetOrigin) {
      sources[k] = presetOrigin;
      return preset.dims[k];
    }
    const f = fallback?.();
    if (f) {
      sources[k] = f.o;
      return f.v;
    }
    return undefined;
  };
  const layers = pick('layers', m.layers);
  const hidden = pick('hidden', m.hidden);
  const vocab = pick('vocab', m.vocab);
  if (layers === undefined || hidden === undefined || vocab === undefined) return { dimsSources: sources };
  const heads = pick('heads', m.heads, () => ({ v: Math.max(1, Math.round(hidden / 128)), o: dflt('heads', 'hidden ÷ 128 (head dim 128); only matters with GQA') }))!;
  const kvHeads = pick('kvHeads', m.kvHeads, () => ({ v: heads, o: dflt('kv_heads', '= heads (multi-head attention)') }))!;
  const headDim = pick('headDim', m.headDim, () => ({ v: hidden / heads, o: derived('hidden ÷ heads', ['hidden', 'heads']) }))!;
  const activation: Activation = m.activation?.value ?? preset?.activation ?? 'swiglu';
  const gatedExplicit = m.activation ? m.activation.value === 'swiglu' || m.activation.value === 'geglu' : undefined;
  const gated = pick('gated', gatedExplicit === undefined ? undefined : sv(gatedExplicit, m.activation!.origin), () => ({ v: true, o: dflt('activation', 'swiglu (gated MLP, 3 matrices)') }))!;
  void activation;
  const ffnHidden = pick('ffnHidden', m.ffnHidden, () =>
    gated
      ? { v: Math.ceil((8 * hidden) / 3 / 256) * 256, o: derived('8·h/3 rounded up to a multiple of 256 (Llama convention)', ['hidden']) }
      : { v: 4 * hidden, o: derived('4·h (GPT convention)', ['hidden']) },
  )!;
  const tied = pick('tiedEmbeddings', m.tiedEmbeddings, () => ({ v: false, o: dflt('tied_embeddings', 'false (separate LM head)') }))!;
  const learnedPositions = pick('learnedPositions', m.learnedPositions, () => ({ v: false, o: dflt('positions', 'rotary (no learned position embeddings)') }))!;
  const seq = m.seqLen?.value ?? preset?.seqLen ?? 0;
  const maxPositions = pick('maxPositions', m.maxPositions, () => ({ v: seq, o: derived('= sequence length', ['seq_len']) }))!;
  const bias = pick('bias', m.bias, () => ({ v: false, o: dflt('bias', 'no linear biases') }))!;
  const qkvBias = pick('qkvBias', m.qkvBias, () => ({ v: false, o: dflt('qkv_bias', 'none') }))!;
  const norm = pick('norm', m.norm, () => ({ v: 'rmsnorm', o: dflt('norm', 'RMSNorm') }))!;
  const normsPerLayer = pick('normsPerLayer', m.normsPerLayer, () => ({ v: 2, o: dflt('norms per layer', '2 (pre-attention, pre-MLP)') }))!;
  const experts = pick('experts', m.experts, () => ({ v: 0, o: dflt('experts', 'dense (no MoE)') }))!;
  const topK = pick('topK', m.topK, () => ({ v: experts > 1 ? 2 : 0, o: dflt('top_k', experts > 1 ? '2' : 'dense') }))!;
  const sharedExperts = pick('sharedExperts', m.sharedExperts, () => ({ v: 0, o: dflt('shared experts', '0') }))!;
  const expertFfnHidden = pick('expertFfnHidden', m.expertFfnHidden, () => ({ v: ffnHidden, o: derived('= ffn_hidden', ['ffn_hidden']) }))!;
  const denseLayers = pick('denseLayers', m.denseLayers, () => ({ v: 0, o: dflt('dense layers', '0') }))!;
  // A preset's gating is a property of its activation.
  const dims: ModelDims = {
    layers,
    hidden,
    heads,
    kvHeads,
    headDim,
    ffnHidden,
    vocab,
    tiedEmbeddings: tied,
    gated,
    learnedPositions,
    maxPositions,
    bias,
    qkvBias,
    norm,
    normsPerLayer,
    experts,
    topK,
    sharedExperts,
    expertFfnHidden,
    denseLayers,
  };
  const inputs = [m.layers, m.hidden, m.vocab, m.heads].filter((x): x is Sourced<number> => !!x && x.origin.kind === 'document').map((x) => (x.origin as { key: string }).key);
  return {
    dims: sv(dims, preset && inputs.length === 0 ? { kind: 'preset', preset: preset.id, source: preset.source } : derived('model dims', inputs)),
    dimsSources: sources,
  };
}

