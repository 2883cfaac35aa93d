/** The terminal report: one compact block per file, findings with line:column. */
import type { FileReport } from '../core/report';
import { formatCount, formatDuration, formatGiB, formatNumber, formatPercent, formatSci, formatSig, formatUsd } from '../core/units';
import type { DocumentAnalysis } from '../dialects/index';

const useColor = (): boolean => typeof process !== 'undefined' && !!process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, s: string): string => (useColor() ? `\x1b[${code}m${s}\x1b[0m` : s);
const SEV = { error: '31', warning: '33', information: '36', hint: '2' } as const;

export function renderText(files: { display: string; result: DocumentAnalysis; report: FileReport }[], opts: { findingsOnly?: boolean }): string {
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const { display, result, report: r } of files) {
    if (!opts.findingsOnly) {
      out.push(paint('1', display) + paint('2', `  ${result.dialect ? result.dialect.name : result.skipped ?? 'not analysed'}`));
      if (result.analysis) {
        const a = result.analysis;
        const pr = r.model.params === null ? 'unknown' : `${formatCount(r.model.params)}${r.model.activeParams !== r.model.params ? ` (${formatCount(r.model.activeParams)} active)` : ''}`;
        const tok = r.training.tokens === null ? 'unknown' : `${formatCount(r.training.tokens)}${r.scaling.tokensPerParam !== null ? ` · ${formatSig(r.scaling.tokensPerParam)} tok/param` : ''}`;
        const rows: [string, string][] = [
          ['params', pr],
          ['tokens', tok + (a.isFinetune ? ' (fine-tune)' : '')],
          ['compute', r.compute.flops === null ? 'unknown' : `${formatSci(r.compute.flops)} FLOPs (6ND) · ${formatSci(r.compute.flopsExact)} exact · ${formatSig(r.compute.petaflopDays)} PF-days`],
          [
            'hardware',
            r.cluster.gpu === null
              ? 'not set (--gpu, --gpus)'
              : `${r.cluster.gpus !== null ? `${formatNumber(r.cluster.gpus)} × ` : ''}${r.cluster.gpu} · MFU ${formatPercent(r.cluster.mfu)} · ${r.cluster.pricePerGpuHour !== null ? `${formatUsd(r.cluster.pricePerGpuHour)}/GPU-h${a.resolved.price?.origin.kind === 'catalog' ? ' (catalog, indicative)' : ''}` : 'no price'}`,
          ],
          [
            'time & cost',
            r.cost.gpuHours === null
              ? 'unknown'
              : `${formatDuration(r.cost.wallClockDays)} · ${formatNumber(r.cost.gpuHours, 0)} GPU-h · ${formatUsd(r.cost.usd)} · ${formatSig(r.cost.energyMWh)} MWh · ${formatSig(r.cost.co2Tonnes)} t CO2`,
          ],
          [
            'memory/GPU',
            r.memory.perGpuGiB === null
              ? 'unknown'
              : `${formatGiB(r.memory.perGpuGiB)}${a.usableGiB !== undefined ? ` of ${formatGiB(a.usableGiB)}` : ''}${r.memory.fits === null ? '' : r.memory.fits ? paint('32', ' fits') : paint('31', ' does not fit')}`,
          ],
          [
            'scaling',
            r.scaling.computeOptimalTokens === null
              ? 'unknown'
              : `compute-optimal ≈${formatCount(r.scaling.computeOptimalTokens)} tokens${r.scaling.predictedLoss !== null && !a.isFinetune ? ` · predicted loss ${formatNumber(r.scaling.predictedLoss, 3)}` : ''}`,
          ],
        ];
        for (const [k, v] of rows) out.push(`  ${paint('2', k.padEnd(12))}${v}`);
      }
    }
    for (const d of r.diagnostics) {
      if (d.severity === 'error') errors++;
      if (d.severity === 'warning') warnings++;
      out.push(`  ${display}:${d.range.start.line + 1}:${d.range.start.character + 1}  ${paint(SEV[d.severity], d.severity.padEnd(11))} ${paint('2', d.code.padEnd(20))} ${d.message}`);
    }
    out.push('');
  }
  if (!opts.findingsOnly) out.push(`${files.length} file${files.length === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  return `${out.join('\n')}\n`;
}
