/** Inlay hints at the end of the lines that decide a figure: `≈ 8.03B params`, `≈ 3.14e23 FLOPs`, `≈ 1.7 tok/param`. */
import { type InlayHint, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Sourced, TrainingPlan } from '../core/plan';
import { formatCount, formatDuration, formatGiB, formatSci, formatSig, formatUsd } from '../core/units';
import type { DocumentAnalysis } from '../dialects/index';

type Field = [keyof TrainingPlan, string];

/** The first of `fields` written in this document (not from a preset, default or another file). */
function anchor(plan: TrainingPlan, fields: Field[]): Sourced<unknown> | undefined {
  for (const [section, name] of fields) {
    const s = (plan[section] as Record<string, Sourced<unknown> | undefined>)[name];
    if (s && s.origin.kind === 'document' && !s.origin.file) return s;
  }
  return undefined;
}

export function inlayHints(doc: TextDocument, result: DocumentAnalysis, range: Range): InlayHint[] {
  const a = result.analysis;
  const plan = result.plan;
  if (!a || !plan || !result.dialect) return [];
  const f = a.figures;
  const byLine = new Map<number, { parts: string[]; tooltip: string[] }>();
  const add = (s: Sourced<unknown> | undefined, text: string | undefined, tooltip: string) => {
    if (!s || s.origin.kind !== 'document' || !text) return;
    const line = doc.positionAt(s.origin.range.end).line;
    const e = byLine.get(line) ?? { parts: [], tooltip: [] };
    e.parts.push(text);
    e.tooltip.push(tooltip);
    byLine.set(line, e);
  };

  if (f.params.value !== null) {
    const act = f.activeParams.value;
    add(
      anchor(plan, [['model', 'preset'], ['model', 'params'], ['model', 'layers'], ['model', 'hidden']]),
      `${formatCount(f.params.value)} params${act !== null && act < f.params.value * 0.999 ? ` (${formatCount(act)} active)` : ''}`,
      `Parameters: ${f.params.formula}`,
    );
  }
  const tokKey = anchor(plan, [['training', 'tokens'], ['training', 'steps']]);
  if (f.tokens.value !== null && tokKey) {
    const parts: string[] = [];
    const isTokensKey = tokKey === plan.training.tokens;
    if (!isTokensKey) parts.push(`${formatCount(f.tokens.value)} tokens`);
    if (f.tokensPerParam.value !== null) parts.push(`${formatSig(f.tokensPerParam.value)} tok/param`);
    if (f.flops.value !== null) parts.push(`${formatSci(f.flops.value)} FLOPs`);
    add(tokKey, parts.join(' · '), `Tokens: ${f.tokens.formula}; FLOPs: ${f.flops.formula}`);
  }
  if (f.globalBatchTokens.value !== null) add(anchor(plan, [['training', 'globalBatch']]), `${formatCount(f.globalBatchTokens.value)} tokens/step`, f.globalBatchTokens.formula);
  if (f.gpuHours.value !== null) {
    const parts = [f.wallClockDays.value !== null ? formatDuration(f.wallClockDays.value) : `${formatCount(f.gpuHours.value)} GPU-h`];
    if (f.usd.value !== null) parts.push(formatUsd(f.usd.value));
    if (f.energyMWh.value !== null) parts.push(`${formatSig(f.energyMWh.value)} MWh`);
    add(anchor(plan, [['cluster', 'count'], ['cluster', 'nodes'], ['cluster', 'gpu']]), parts.join(' · '), `Time: ${f.gpuHours.formula}; cost: ${f.usd.formula}; energy: ${f.energyMWh.formula}`);
  }
  if (a.memory?.perGpuGiB != null) {
    const fit = a.fits === null ? '' : a.fits ? ' ✓ fits' : ' ✗ does not fit';
    add(
      anchor(plan, [['training', 'microBatch'], ['training', 'activationCheckpointing'], ['cluster', 'gpu']]),
      `${formatGiB(a.memory.perGpuGiB)}/GPU${fit}`,
      `Memory per GPU: ${f.perGpuGiB.formula}`,
    );
  }

  const hints: InlayHint[] = [];
  const text = doc.getText();
  for (const [line, e] of byLine) {
    if (line < range.start.line || line > range.end.line) continue;
    const lineEnd = doc.offsetAt({ line: line + 1, character: 0 });
    let end = lineEnd;
    while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
    hints.push({ position: doc.positionAt(end), label: `≈ ${e.parts.join(' · ')}`, paddingLeft: true, tooltip: e.tooltip.join('\n') });
  }
  return hints;
}
