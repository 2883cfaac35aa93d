/**
 * The CLI JSON contract (DESIGN §5), version 1: `{ version: 1, files: FileReport[] }`.
 * Unknown figures are null, never omitted and never invented. schemas/report.schema.json is generated from this.
 */
import { z } from 'zod';
import type { Analysis } from './analyze';
import { FINDING_CODES, type Finding } from './findings';

const n = z.number().nullable();
const Position = z.object({ line: z.number().int().nonnegative(), character: z.number().int().nonnegative() });

export const DiagnosticSchema = z.object({
  severity: z.enum(['error', 'warning', 'information', 'hint']),
  code: z.enum(FINDING_CODES),
  message: z.string(),
  range: z.object({ start: Position, end: Position }),
});

export const FileReportSchema = z.object({
  file: z.string(),
  dialect: z.string().nullable(),
  model: z.object({ params: n, activeParams: n, layers: n, hidden: n, heads: n, kvHeads: n, ffnHidden: n, vocab: n, seqLen: n }),
  training: z.object({ tokens: n, steps: n, globalBatchTokens: n }),
  cluster: z.object({ gpu: z.string().nullable(), gpus: n, gpuMemoryGiB: n, peakTflops: n, mfu: n, pricePerGpuHour: n }),
  compute: z.object({ flops: n, flopsExact: n, petaflopDays: n }),
  cost: z.object({ gpuHours: n, wallClockDays: n, usd: n, energyMWh: n, co2Tonnes: n }),
  memory: z.object({ perGpuGiB: n, weightsGiB: n, gradsGiB: n, optimizerGiB: n, activationsGiB: n, fits: z.boolean().nullable() }),
  scaling: z.object({ tokensPerParam: n, computeOptimalTokens: n, computeOptimalParams: n, predictedLoss: n }),
  diagnostics: z.array(DiagnosticSchema),
});

export const ReportSchema = z.object({ version: z.literal(1), files: z.array(FileReportSchema) });

export type FileReport = z.infer<typeof FileReportSchema>;
export type Report = z.infer<typeof ReportSchema>;
export type Pos = { line: number; character: number };

export function buildFileReport(
  file: string,
  dialect: string | null,
  analysis: Analysis | undefined,
  findings: readonly Finding[],
  positionAt: (offset: number) => Pos,
): FileReport {
  const a = analysis;
  const f = (name: keyof Analysis['figures']): number | null => a?.figures[name]?.value ?? null;
  const d = a?.resolved.dims?.value;
  const r = a?.resolved;
  const mem = a?.memory;
  return {
    file,
    dialect,
    model: {
      params: f('params'),
      activeParams: f('activeParams'),
      layers: d?.layers ?? null,
      hidden: d?.hidden ?? null,
      heads: d?.heads ?? null,
      kvHeads: d?.kvHeads ?? null,
      ffnHidden: d?.ffnHidden ?? null,
      vocab: d?.vocab ?? null,
      seqLen: r?.seqLen?.value ?? null,
    },
    training: { tokens: f('tokens'), steps: f('steps'), globalBatchTokens: f('globalBatchTokens') },
    cluster: {
      gpu: r?.accelerator?.name ?? r?.gpuName?.value ?? null,
      gpus: r?.gpus?.value ?? null,
      gpuMemoryGiB: r?.accelerator?.memoryGiB ?? null,
      peakTflops: r?.peakTflops?.value ?? null,
      mfu: r?.mfu.value ?? null,
      pricePerGpuHour: r?.price?.value ?? null,
    },
    compute: { flops: f('flops'), flopsExact: f('flopsExact'), petaflopDays: f('petaflopDays') },
    cost: { gpuHours: f('gpuHours'), wallClockDays: f('wallClockDays'), usd: f('usd'), energyMWh: f('energyMWh'), co2Tonnes: f('co2Tonnes') },
    memory: {
      perGpuGiB: mem?.perGpuGiB ?? null,
      weightsGiB: mem?.weightsGiB ?? null,
      gradsGiB: mem?.gradsGiB ?? null,
      optimizerGiB: mem?.optimizerGiB ?? null,
      activationsGiB: mem?.activationsGiB ?? null,
      fits: a?.fits ?? null,
    },
    scaling: {
      tokensPerParam: f('tokensPerParam'),
      computeOptimalTokens: f('computeOptimalTokens'),
      computeOptimalParams: f('computeOptimalParams'),
      predictedLoss: f('predictedLoss'),
    },
    diagnostics: findings.map((x) => ({
      severity: x.severity,
      code: x.code,
      message: x.message,
      range: { start: positionAt(x.range.start), end: positionAt(x.range.end) },
    })),
  };
}
