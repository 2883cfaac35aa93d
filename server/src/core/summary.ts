/** The one-line summary shown by the code lens and the status item: params · tokens · FLOPs · days · $ · fit. */
import type { Analysis } from './analyze';
import { formatCount, formatDuration, formatGiB, formatSci, formatUsd } from './units';

export function summaryParts(a: Analysis): string[] {
  const f = a.figures;
  const parts: string[] = [];
  const p = f.params.value;
  const act = f.activeParams.value;
  parts.push(p === null ? 'params ?' : `${formatCount(p)} params${act !== null && act < p * 0.999 ? ` (${formatCount(act)} active)` : ''}`);
  parts.push(f.tokens.value === null ? 'tokens ?' : `${formatCount(f.tokens.value)} tokens`);
  if (f.flops.value !== null) parts.push(`${formatSci(f.flops.value)} FLOPs`);
  if (f.wallClockDays.value !== null) parts.push(formatDuration(f.wallClockDays.value));
  else if (f.gpuHours.value !== null) parts.push(`${formatCount(f.gpuHours.value)} GPU-h`);
  if (f.usd.value !== null) parts.push(formatUsd(f.usd.value));
  if (a.fits !== null && a.memory?.perGpuGiB != null) parts.push(a.fits ? `fits (${formatGiB(a.memory.perGpuGiB)}/GPU)` : `does not fit (${formatGiB(a.memory.perGpuGiB)}/GPU)`);
  return parts;
}

export function summaryLine(a: Analysis): string {
  return summaryParts(a).join(' · ');
}
