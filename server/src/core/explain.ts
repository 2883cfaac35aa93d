/**
 * The full breakdown of an analysis: every figure with its formula, its inputs and where each input came from.
 * Plain text (markdown-compatible); used by `scaling-lens explain` and the editor's plan report.
 */
import type { Analysis, Figure, FigureName } from './analyze';
import { describeOrigin, type Sourced } from './plan';
import { describeUsable } from './memory';
import { formatCount, formatDuration, formatGiB, formatNumber, formatPercent, formatSci, formatSig, formatUsd } from './units';

type Fmt = (v: number) => string;

const FIGURES: { name: FigureName; label: string; fmt: Fmt }[] = [
  { name: 'params', label: 'Parameters', fmt: (v) => formatCount(v) },
  { name: 'activeParams', label: 'Active parameters', fmt: (v) => formatCount(v) },
  { name: 'tokens', label: 'Training tokens', fmt: (v) => formatCount(v) },
  { name: 'steps', label: 'Optimizer steps', fmt: (v) => formatNumber(v, 0) },
  { name: 'globalBatchTokens', label: 'Tokens per step', fmt: (v) => formatCount(v) },
  { name: 'flops', label: 'Training FLOPs (6ND)', fmt: (v) => formatSci(v) },
  { name: 'flopsExact', label: 'Training FLOPs (exact)', fmt: (v) => formatSci(v) },
  { name: 'petaflopDays', label: 'PF-days', fmt: (v) => formatSig(v) },
  { name: 'gpuHours', label: 'GPU-hours', fmt: (v) => formatNumber(v, 0) },
  { name: 'wallClockDays', label: 'Wall-clock', fmt: (v) => formatDuration(v) },
  { name: 'usd', label: 'Cost', fmt: (v) => formatUsd(v) },
  { name: 'energyMWh', label: 'Energy', fmt: (v) => `${formatSig(v)} MWh` },
  { name: 'co2Tonnes', label: 'CO2', fmt: (v) => `${formatSig(v)} t` },
  { name: 'perGpuGiB', label: 'Memory per GPU', fmt: (v) => formatGiB(v) },
  { name: 'tokensPerParam', label: 'Tokens per parameter', fmt: (v) => formatSig(v) },
  { name: 'computeOptimalTokens', label: 'Compute-optimal tokens (≈20·N)', fmt: (v) => formatCount(v) },
  { name: 'computeOptimalParams', label: 'Loss-optimal N for this compute', fmt: (v) => formatCount(v) },
  { name: 'computeOptimalTokensForBudget', label: 'Loss-optimal D for this compute', fmt: (v) => formatCount(v) },
  { name: 'predictedLoss', label: 'Predicted loss', fmt: (v) => formatNumber(v, 3) },
  { name: 'inferenceOptimalParams', label: 'Inference-aware optimal N', fmt: (v) => formatCount(v) },
  { name: 'inferenceOptimalTokens', label: 'Inference-aware optimal D', fmt: (v) => formatCount(v) },
];

export function figureLabel(name: FigureName): string {
  return FIGURES.find((f) => f.name === name)?.label ?? name;
}

export function formatFigure(name: FigureName, value: number | null): string {
  if (value === null) return 'unknown';
  return (FIGURES.find((f) => f.name === name)?.fmt ?? ((v: number) => formatNumber(v)))(value);
}

export function explainAnalysis(a: Analysis, lineOf: (offset: number) => number): string {
  const out: string[] = [];
  const r = a.resolved;
  const src = (s: Sourced<unknown> | undefined): string => (s ? describeOrigin(s.origin, lineOf) : 'not set');
  const val = (s: Sourced<unknown> | undefined, f: (v: never) => string = (v) => String(v)): string => (s ? f(s.value as never) : '—');

  out.push('Inputs');
  const rows: [string, string, string][] = [];
  if (r.preset) rows.push(['model preset', r.preset.displayName, r.preset.source]);
  if (r.dims) {
    const d = r.dims.value;
    const dimRow = (label: string, k: keyof typeof d, v: unknown) => {
      const o = r.dimsSources[k];
      rows.push([label, String(v), o ? describeOrigin(o, lineOf) : '']);
    };
    dimRow('layers', 'layers', d.layers);
    dimRow('hidden', 'hidden', d.hidden);
    dimRow('heads / kv heads', 'heads', `${d.heads} / ${d.kvHeads}`);
    dimRow('head dim', 'headDim', d.headDim);
    dimRow('ffn hidden', 'ffnHidden', `${d.ffnHidden} (${d.gated ? 'gated, 3 matrices' : 'plain, 2 matrices'})`);
    dimRow('vocab', 'vocab', d.vocab);
    dimRow('tied embeddings', 'tiedEmbeddings', d.tiedEmbeddings);
    if (d.experts > 1) dimRow('experts / top-k', 'experts', `${d.experts} / ${d.topK}`);
  }
  rows.push(['sequence length', val(r.seqLen, (v: number) => formatNumber(v)), src(r.seqLen)]);
  rows.push(['training tokens', val(r.tokens, (v: number) => formatCount(v)), src(r.tokens)]);
  rows.push(['optimizer steps', val(r.steps, (v: number) => formatNumber(v)), src(r.steps)]);
  if (r.inferenceTokens) rows.push(['inference tokens', formatCount(r.inferenceTokens.value), src(r.inferenceTokens)]);
  rows.push(['global batch (sequences)', val(r.globalBatch, (v: number) => formatNumber(v)), src(r.globalBatch)]);
  rows.push(['micro-batch', val(r.microBatch, (v: number) => formatNumber(v)), src(r.microBatch)]);
  rows.push(['precision', r.precision.value, src(r.precision)]);
  rows.push(['optimizer', r.optimizer.value, src(r.optimizer)]);
  rows.push(['activation checkpointing', r.recompute.value, src(r.recompute)]);
  if (r.finetune) rows.push(['fine-tuning', `${r.finetune.value}${r.finetune.value !== 'full' ? ` (rank ${r.loraRank.value})` : ''}`, src(r.finetune)]);
  rows.push(['accelerator', r.accelerator?.name ?? val(r.gpuName), r.accelerator ? `${src(r.gpuName)}; ${r.accelerator.source}` : src(r.gpuName)]);
  rows.push(['GPUs', val(r.gpus, (v: number) => formatNumber(v)), src(r.gpus)]);
  rows.push(['dense peak TFLOPS', val(r.peakTflops, (v: number) => formatNumber(v, 1)), src(r.peakTflops)]);
  rows.push(['MFU', formatPercent(r.mfu.value), src(r.mfu)]);
  rows.push(['$/GPU-hour', val(r.price, (v: number) => formatUsd(v)), src(r.price)]);
  rows.push(['PUE', String(r.pue.value), src(r.pue)]);
  rows.push(['grid intensity (t CO2/MWh)', String(r.gridIntensity.value), src(r.gridIntensity)]);
  rows.push(['TP / PP / CP / EP', `${r.tp.value} / ${r.pp.value} / ${r.cp.value} / ${r.ep.value}`, [r.tp, r.pp].map(src).join('; ')]);
  rows.push(['DP', val(r.dp, (v: number) => formatNumber(v)), src(r.dp)]);
  rows.push(['ZeRO stage', String(r.zero.value), src(r.zero)]);
  out.push(...table(rows));

  out.push('', 'Figures');
  const frows: [string, string, string][] = [];
  for (const f of FIGURES) {
    const fig: Figure = a.figures[f.name];
    if (!fig) continue;
    if (fig.value === null && (f.name.startsWith('inference') || f.name === 'computeOptimalTokensForBudget')) continue;
    frows.push([
      f.label,
      fig.value === null ? 'unknown' : f.fmt(fig.value),
      fig.value === null ? `needs ${fig.missing.join(' or ') || 'more inputs'}` : `${fig.formula}${fig.note ? ` — ${fig.note}` : ''}`,
    ]);
  }
  out.push(...table(frows));

  if (a.flopsPerToken) {
    const t = a.flopsPerToken;
    out.push('', 'FLOPs per token (exact convention)');
    out.push(
      ...table([
        ['attention projections', formatSci(t.attentionProjections), '6·h·(a·d + 2·k·d) + 6·(a·d)·h per layer'],
        ['attention scores (causal)', formatSci(t.attentionScores), '6·a·d·s per layer (QKᵀ and PV, halved by the mask)'],
        ['MLP', formatSci(t.mlp), '6·(3 gated | 2)·h·f per layer (× top-k for MoE, + router)'],
        ['LM head', formatSci(t.lmHead), '6·h·V'],
        ['total', formatSci(t.total), `${r.activeParams ? `${formatNumber(t.total / (6 * r.activeParams.value), 3)} × 6N` : ''}`],
      ]),
    );
  }
  if (a.memory) {
    out.push('', `Memory per GPU (${a.memory.profile.name} profile${a.memory.peakPhase ? `, peak in the ${a.memory.peakPhase} phase` : ""})${r.accelerator ? ` — usable on ${r.accelerator.name}: ${describeUsable(r.accelerator.memoryGiB)}` : ''}`);
    out.push(...table(a.memory.terms.map((t) => [t.name, formatGiB(t.gib), t.formula])));
    if (a.memory.perGpuGiB !== null) out.push(`  total ${formatGiB(a.memory.perGpuGiB)}${a.fits === null ? '' : a.fits ? ' — fits' : ' — DOES NOT FIT'}`);
  }
  out.push(
    '',
    'Conventions: headline FLOPs = 6·N_active·D; exact FLOPs count every matmul ×3 incl. LM head and causal attention;',
    'time = exact FLOPs ÷ (GPUs × dense peak × MFU) (+ pipeline bubble, + 1/3 for full recompute); energy = GPU-h × TDP × PUE;',
    'loss and loss-optimal (N, D): Epoch AI refit of Chinchilla (Besiroglu et al. 2024).',
  );
  return out.join('\n');
}

function table(rows: [string, string, string][]): string[] {
  const w0 = Math.max(...rows.map((r) => r[0].length), 4);
  const w1 = Math.max(...rows.map((r) => r[1].length), 4);
  return rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`.trimEnd());
}
