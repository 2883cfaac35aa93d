/** Hover on any key or value that feeds the plan: what it contributes, the convention, and where it came from. */
import type { Hover } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Analysis, FigureName } from '../core/analyze';
import { formatFigure, figureLabel } from '../core/explain';
import { describeOrigin, type Origin, type Sourced, type TrainingPlan } from '../core/plan';
import { formatCount, formatGiB, formatNumber, formatPercent, formatUsd } from '../core/units';
import type { DocumentAnalysis } from '../dialects/index';
import { toRange } from './convert';

type Group = 'model' | 'tokens' | 'memory' | 'cluster';

const GROUP_OF: Record<string, Group> = {
  'training.tokens': 'tokens',
  'training.steps': 'tokens',
  'training.globalBatch': 'tokens',
  'training.inferenceTokens': 'tokens',
  'model.seqLen': 'tokens',
  'training.microBatch': 'memory',
  'training.gradAccum': 'memory',
  'training.precision': 'memory',
  'training.optimizer': 'memory',
  'training.activationCheckpointing': 'memory',
  'training.finetune': 'memory',
  'training.loraRank': 'memory',
  'training.finetuneBits': 'memory',
  'training.adapterDtype': 'memory',
  'training.framework': 'memory',
  'training.flashAttention': 'memory',
};

/** Figures shown one per row; time/cost/energy and the scaling figures are folded into one row each (see below). */
const FIGURES: Record<Group, FigureName[]> = {
  model: ['params', 'activeParams', 'flops', 'flopsExact', 'perGpuGiB'],
  tokens: ['tokens', 'flops', 'flopsExact', 'inferenceOptimalParams', 'inferenceOptimalTokens'],
  memory: ['perGpuGiB'],
  cluster: ['perGpuGiB'],
};
const WITH_TIME: Record<Group, boolean> = { model: true, tokens: true, memory: false, cluster: true };
const WITH_SCALING: Record<Group, boolean> = { model: true, tokens: true, memory: false, cluster: false };

function known(a: Analysis, name: FigureName): string | undefined {
  const v = a.figures[name].value;
  return v === null ? undefined : formatFigure(name, v);
}

/** One row: GPU-hours · wall-clock · $ · MWh · t CO2 (or what would supply them). */
function timeCostRow(a: Analysis): [string, string] {
  const h = known(a, 'gpuHours');
  if (!h) return ['time & cost', `unknown — needs ${a.figures.gpuHours.missing.map((m) => `\`${m}\``).join(' or ') || 'more inputs'}`];
  const parts = [`${h} GPU-h`, known(a, 'wallClockDays'), known(a, 'usd'), known(a, 'energyMWh'), known(a, 'co2Tonnes') && `${known(a, 'co2Tonnes')} CO2`];
  return ['time & cost', parts.filter(Boolean).join(' · ')];
}

/** One row: tokens/param · compute-optimal tokens · predicted loss. */
function scalingRow(a: Analysis): [string, string] | undefined {
  const tpp = known(a, 'tokensPerParam');
  const co = known(a, 'computeOptimalTokens');
  if (!tpp && !co) return undefined;
  const loss = a.isFinetune ? undefined : known(a, 'predictedLoss');
  return ['scaling', [tpp && `${tpp} tok/param`, co && `compute-optimal ≈${co} tokens (20·N)`, loss && `loss ≈${loss} (Epoch fit)`].filter(Boolean).join(' · ')];
}

interface Hit {
  field: string;
  sourced: Sourced<unknown>;
  origin: Extract<Origin, { kind: 'document' }>;
}

/** The plan field whose key or value token contains `offset` (fields from other files excluded). */
export function fieldAt(plan: TrainingPlan, offset: number): Hit | undefined {
  for (const [section, fields] of Object.entries(plan)) {
    for (const [name, s] of Object.entries(fields as Record<string, Sourced<unknown> | undefined>)) {
      if (!s || s.origin.kind !== 'document' || s.origin.file) continue;
      const o = s.origin;
      const start = Math.min(o.keyRange?.start ?? o.range.start, o.range.start);
      const end = Math.max(o.range.end, o.keyRange?.end ?? 0);
      if (offset >= start && offset <= end) return { field: `${section}.${name}`, sourced: s, origin: o };
    }
  }
  return undefined;
}

export function hover(doc: TextDocument, result: DocumentAnalysis, offset: number): Hover | null {
  const a = result.analysis;
  if (!a || !result.plan || !result.dialect) return null;
  const hit = fieldAt(result.plan, offset);
  if (!hit) return null;
  const group: Group = GROUP_OF[hit.field] ?? (hit.field.startsWith('model.') ? 'model' : hit.field.startsWith('parallelism.') ? 'memory' : 'cluster');
  const lineOf = (o: number) => doc.positionAt(o).line;
  const lines: string[] = [];
  lines.push(`**\`${hit.origin.key}\`** · ${result.dialect.name} _(${result.dialect.reason.replace(/[*_`]/g, (c) => `\\${c}`)})_`, '');

  const rows: [string, string][] = [];
  if (hit.field === 'model.preset' && a.resolved.preset) {
    const p = a.resolved.preset;
    const d = p.dims;
    rows.push(['model', `${p.displayName} (${p.source})`]);
    rows.push(['dims', `${d.layers} layers · h ${d.hidden} · ${d.heads}/${d.kvHeads} heads · ffn ${d.ffnHidden}${d.gated ? ' (gated)' : ''} · V ${d.vocab}${d.experts > 1 ? ` · ${d.experts} experts top-${d.topK}` : ''}`]);
  }
  if (group === 'cluster' && a.resolved.accelerator) {
    const acc = a.resolved.accelerator;
    rows.push(['accelerator', `${acc.name}: ${formatNumber(acc.memoryGiB)} GiB${a.resolved.peakTflops ? `, ${formatNumber(a.resolved.peakTflops.value, 1)} TFLOPS dense` : ''}${acc.tdpW ? `, ${acc.tdpW} W` : ''}`]);
    rows.push(['MFU', `${formatPercent(a.resolved.mfu.value)} (${describeOrigin(a.resolved.mfu.origin, lineOf)})`]);
    if (a.resolved.price) rows.push(['price', `${formatUsd(a.resolved.price.value)}/GPU-h (${a.resolved.price.origin.kind === 'catalog' ? 'catalog, indicative' : describeOrigin(a.resolved.price.origin, lineOf)})`]);
  }
  for (const name of FIGURES[group]) {
    const fig = a.figures[name];
    if (name === 'activeParams' && fig.value === a.figures.params.value) continue;
    if (fig.value === null && name.startsWith('inference')) continue;
    rows.push([figureLabel(name), fig.value === null ? `unknown — needs ${fig.missing.map((m) => `\`${m}\``).join(' or ') || 'more inputs'}` : formatFigure(name, fig.value)]);
  }
  if (WITH_TIME[group]) rows.push(timeCostRow(a));
  const sc = WITH_SCALING[group] ? scalingRow(a) : undefined;
  if (sc) rows.push(sc);
  if (group === 'memory' && a.memory) {
    for (const t of a.memory.terms) rows.push([`· ${t.name}`, `${formatGiB(t.gib)} — ${t.formula}`]);
    if (a.usableGiB !== undefined && a.memory.perGpuGiB !== null)
      rows.push(['fit', `${formatGiB(a.memory.perGpuGiB)} of ${formatGiB(a.usableGiB)} usable${a.fits ? ' ✓' : ' ✗ does not fit'}`]);
  }
  if (group === 'tokens' && a.resolved.tokens?.origin.kind === 'derived') rows.unshift(['tokens from', a.resolved.tokens.origin.formula]);
  lines.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`), '');

  const conv =
    group === 'memory'
      ? `_Memory (${a.memory?.profile.name ?? 'generic'} profile${a.memory?.peakPhase ? `, peak in the ${a.memory.peakPhase} phase` : ''}): model states by precision/optimizer ÷ TP·PP (÷ DP per ZeRO/FSDP) + activations + loss buffers, + 8% allocator reserve + 0.75 GiB CUDA context (what nvidia-smi shows)._`
      : `_FLOPs: 6·N·D headline (Kaplan/Chinchilla); exact = every matmul ×3 incl. LM head and causal attention. Time at ${formatPercent(a.resolved.mfu.value)} MFU on dense peak${a.resolved.params ? `; N = ${formatCount(a.resolved.params.value)}` : ''}._`;
  lines.push(conv);
  lines.push(`Set at line ${lineOf(hit.origin.keyRange?.start ?? hit.origin.range.start) + 1}${hit.origin.key.startsWith('#') ? ' (directive comment)' : ''}.`);
  return {
    contents: { kind: 'markdown', value: lines.join('\n') },
    range: toRange(doc, { start: hit.origin.keyRange?.start ?? hit.origin.range.start, end: hit.origin.range.end }),
  };
}

export type { Analysis };
