/**
 * Accelerator catalog: dense peak TFLOPS per precision, memory, TDP, indicative price. Compiled from
 * shared/reference/accelerators.json (see scripts/gen-catalog.ts); users add their own via settings
 * (`scalingLens.customAccelerators`) or override the price (`scalingLens.prices`).
 * Names match case-insensitively, ignoring spaces, '-', '_' and a trailing memory size ("H100 SXM5 80GB").
 */
import type { Precision } from './plan';
import { ACCELERATORS } from './data/accelerators';

export interface RawAccelerator {
  name: string;
  aliases: string[];
  vendor: string;
  memoryGB: number[];
  bf16: number | null;
  fp16: number | null;
  fp8: number | null;
  fp32: number | null;
  tdpW: number | null;
  priceLow: number | null;
  priceHigh: number | null;
  priceSource: string | null;
  specSource: string;
}

export interface Accelerator {
  name: string;
  /** Memory of the matched variant, in GiB as a framework sees it (vendor "80GB" HBM = 80 GiB of capacity). */
  memoryGiB: number;
  peakTflops: Partial<Record<'bf16' | 'fp16' | 'fp8' | 'fp32', number>>;
  tdpW: number | null;
  priceLow: number | null;
  priceHigh: number | null;
  priceSource: string | null;
  source: string;
  custom: boolean;
}

export interface CustomAccelerator {
  name: string;
  aliases?: string[];
  memoryGiB: number;
  bf16Tflops: number;
  fp16Tflops?: number;
  fp8Tflops?: number;
  fp32Tflops?: number;
  tdpW?: number;
  pricePerGpuHour?: number;
}

export function normalizeName(s: string): string {
  return s.toLowerCase().replace(/nvidia|tesla|geforce|amd|instinct|google|intel/g, '').replace(/[\s_\-./]+/g, '');
}

const stripMemory = (s: string): string => s.replace(/\d+gb$/, '');

function toAccelerator(a: RawAccelerator, matched: string): Accelerator {
  const memMatch = /(\d+)\s*gb/i.exec(matched);
  const wanted = memMatch ? Number(memMatch[1]) : undefined;
  const mem = wanted !== undefined && a.memoryGB.includes(wanted) ? wanted : Math.max(...a.memoryGB);
  const peak: Accelerator['peakTflops'] = {};
  if (a.bf16 !== null) peak.bf16 = a.bf16;
  if (a.fp16 !== null) peak.fp16 = a.fp16;
  if (a.fp8 !== null) peak.fp8 = a.fp8;
  if (a.fp32 !== null) peak.fp32 = a.fp32;
  const variant = a.memoryGB.length > 1 ? `${a.name} (${mem} GB)` : a.name;
  return {
    name: variant,
    memoryGiB: mem,
    peakTflops: peak,
    tdpW: a.tdpW,
    priceLow: a.priceLow,
    priceHigh: a.priceHigh,
    priceSource: a.priceSource,
    source: a.specSource,
    custom: false,
  };
}

function fromCustom(c: CustomAccelerator): Accelerator {
  const peak: Accelerator['peakTflops'] = { bf16: c.bf16Tflops };
  if (c.fp16Tflops !== undefined) peak.fp16 = c.fp16Tflops;
  if (c.fp8Tflops !== undefined) peak.fp8 = c.fp8Tflops;
  if (c.fp32Tflops !== undefined) peak.fp32 = c.fp32Tflops;
  return {
    name: c.name,
    memoryGiB: c.memoryGiB,
    peakTflops: peak,
    tdpW: c.tdpW ?? null,
    priceLow: c.pricePerGpuHour ?? null,
    priceHigh: c.pricePerGpuHour ?? null,
    priceSource: c.pricePerGpuHour !== undefined ? 'custom accelerator setting' : null,
    source: 'custom accelerator (setting scalingLens.customAccelerators)',
    custom: true,
  };
}

/** Find an accelerator by name or alias; custom accelerators win over the catalog. */
export function findAccelerator(name: string, custom: readonly CustomAccelerator[] = []): Accelerator | undefined {
  const n = normalizeName(name);
  if (!n) return undefined;
  for (const c of custom) {
    if ([c.name, ...(c.aliases ?? [])].some((x) => normalizeName(x) === n)) return fromCustom(c);
  }
  for (const a of ACCELERATORS) {
    if ([a.name, ...a.aliases].some((x) => normalizeName(x) === n)) return toAccelerator(a, name);
  }
  // Second pass: ignore a trailing memory size ("H100-80GB" → "h100", "A100 80GB" → the 80 GB variant).
  const bare = stripMemory(n);
  for (const a of ACCELERATORS) {
    const names = [a.name, ...a.aliases].map(normalizeName);
    if (names.some((x) => x === bare || stripMemory(x) === bare)) {
      const exact = names.some((x) => x === n);
      if (exact) return toAccelerator(a, name);
      const memMatch = /(\d+)gb$/.exec(n);
      if (!memMatch || a.memoryGB.includes(Number(memMatch[1])) || names.some((x) => x.endsWith(`${memMatch[1]}gb`))) {
        return toAccelerator(a, name);
      }
    }
  }
  return undefined;
}

/** An accelerator as offered to a person: the name to write in a config and a one-line description. */
export interface AcceleratorChoice {
  name: string;
  detail: string;
}

/** Names to offer in completion, the "Select GPU" picker and "did you mean" messages (custom accelerators first). */
export function acceleratorChoices(custom: readonly CustomAccelerator[] = []): AcceleratorChoice[] {
  return [
    ...custom.map((c) => ({ name: c.name, detail: `custom · ${c.memoryGiB} GiB · ${c.bf16Tflops} TFLOPS bf16 dense` })),
    ...ACCELERATORS.map((a) => ({
      name: a.aliases[0] ?? a.name,
      detail: `${a.name} · ${Math.max(...a.memoryGB)} GB · ${a.bf16 ?? a.fp16 ?? '?'} TFLOPS dense${a.priceLow !== null ? ` · from $${a.priceLow}/h` : ''}`,
    })),
  ];
}

export function suggestAccelerators(name: string, custom: readonly CustomAccelerator[] = []): string[] {
  const n = normalizeName(name);
  const scored = acceleratorChoices(custom).map(({ name: cand }) => ({ cand, d: editDistance(n, normalizeName(cand)) }));
  scored.sort((a, b) => a.d - b.d);
  return scored.filter((s) => s.d <= Math.max(2, n.length / 2)).slice(0, 3).map((s) => s.cand);
}

/** Dense peak TFLOPS for a precision; falls back (bf16 → fp16, fp8 → bf16) and says so. */
export function peakFor(acc: Accelerator, precision: Precision): { tflops: number; kind: string; fallback: boolean } | undefined {
  const order: Array<'bf16' | 'fp16' | 'fp8' | 'fp32'> =
    precision === 'fp8-mixed' ? ['fp8', 'bf16', 'fp16'] : precision === 'fp16-mixed' ? ['fp16', 'bf16'] : precision === 'fp32' ? ['fp32'] : ['bf16', 'fp16'];
  for (const [i, k] of order.entries()) {
    const v = acc.peakTflops[k];
    if (v !== undefined) return { tflops: v, kind: k, fallback: i > 0 };
  }
  return undefined;
}

export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}
