/**
 * Units: parse the quantities people write in training configs and format numbers for humans.
 *
 * Accepted: plain numbers (`4096`, `2e12`, `1.4e+12`), digit separators (`150_001`, `1,024`), size suffixes
 * K/M/B/T (also k, m, b, t, G for billions as in "70G" is NOT accepted: G is ambiguous with GiB),
 * numbers given as strings (`"5e12"`), and an optional trailing unit word the caller allows (e.g. `tokens`).
 * Pure: no imports.
 */

export type ParseResult = { ok: true; value: number } | { ok: false; reason: string };

const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 };

const NUMBER_RE = /^([+-]?(?:\d[\d_,]*)?(?:\.\d[\d_]*)?(?:e[+-]?\d+)?)\s*([kmbt])?$/i;

/**
 * Parse a quantity. `value` may be a number or a string as found in a config.
 * Returns a reason instead of throwing; never returns NaN or ±Infinity as ok.
 */
export function parseQuantity(value: unknown): ParseResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: `${String(value)} is not a finite number` };
    return { ok: true, value };
  }
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: 'number too large' };
  }
  if (typeof value !== 'string') {
    return { ok: false, reason: value === null || value === undefined ? 'no value' : `expected a number, got ${typeof value}` };
  }
  let s = value.trim();
  if (s.length === 0) return { ok: false, reason: 'empty value' };
  if (s.length > 64) return { ok: false, reason: 'not a number' };
  if ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'"))) s = s.slice(1, -1).trim();
  const m = NUMBER_RE.exec(s);
  if (!m || m[1] === undefined || !/\d/.test(m[1])) return { ok: false, reason: `"${value}" is not a number (write e.g. 300B, 1.4T, 2e12, 150_001)` };
  const digits = m[1];
  if (/[_,]{2}|[_,]$|^[+-]?[_,]|[_,]\.|\.[_,]/.test(digits)) return { ok: false, reason: `"${value}" has misplaced digit separators` };
  const base = Number(digits.replace(/[_,]/g, ''));
  const mult = m[2] ? SUFFIX[m[2].toLowerCase()] ?? 1 : 1;
  const v = base * mult;
  if (!Number.isFinite(v)) return { ok: false, reason: `"${value}" is out of range` };
  return { ok: true, value: v };
}

const SI = [
  { v: 1e15, s: 'Q' },
  { v: 1e12, s: 'T' },
  { v: 1e9, s: 'B' },
  { v: 1e6, s: 'M' },
  { v: 1e3, s: 'K' },
];

/** `174.6B`, `15.6T`, `8.03B`, `125M`, `4,096`. Uses 1 decimal (3 significant digits below 10). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a >= 1e18) return formatSci(n);
  for (const { v, s } of SI) {
    if (a >= v) {
      const x = n / v;
      return `${trimZeros(x.toFixed(Math.abs(x) < 10 ? 2 : 1))}${s}`;
    }
  }
  return formatNumber(n);
}

/** `3.14e23` */
export function formatSci(n: number | null | undefined, digits = 3): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n === 0) return '0';
  const [mant, exp] = n.toExponential(digits - 1).split('e');
  return `${trimZeros(mant ?? '')}e${Number(exp)}`;
}

/** `4,096` or `0.4` or `12.35` (max 2 decimals). */
export function formatNumber(n: number | null | undefined, maxDecimals = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (Math.abs(n) >= 1e15) return formatSci(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: maxDecimals });
}

/** `$4.6M`, `$812K`, `$1,234`, `$0.75`. */
export function formatUsd(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const a = Math.abs(n);
  if (a >= 1e3 && a < 1e4) return `$${formatNumber(Math.round(n))}`;
  if (a >= 1e4) return `$${formatCount(n)}`;
  return `$${n.toFixed(2)}`;
}

/** `12.3 days`, `5.2 hours`, `18 min`. */
export function formatDuration(days: number | null | undefined): string {
  if (days === null || days === undefined || !Number.isFinite(days)) return '—';
  if (days >= 365 * 2) return `${trimZeros((days / 365).toFixed(1))} years`;
  if (days >= 1) return `${trimZeros(days.toFixed(1))} days`;
  const hours = days * 24;
  if (hours >= 1) return `${trimZeros(hours.toFixed(1))} hours`;
  return `${Math.max(1, Math.round(hours * 60))} min`;
}

/** Up to `sig` significant digits without exponent for 1e-4 ≤ |n| < 1e15 (`0.0062`, `12.3`, `1,168`). */
export function formatSig(n: number | null | undefined, sig = 3): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n === 0) return '0';
  const a = Math.abs(n);
  if (a >= 1e15 || a < 1e-4) return formatSci(n, sig);
  const decimals = Math.max(0, sig - 1 - Math.floor(Math.log10(a)));
  return formatNumber(Number(n.toFixed(decimals)), decimals);
}

/** `62.3 GiB` */
export function formatGiB(gib: number | null | undefined): string {
  if (gib === null || gib === undefined || !Number.isFinite(gib)) return '—';
  return `${gib >= 100 ? Math.round(gib).toLocaleString('en-US') : trimZeros(gib.toFixed(1))} GiB`;
}

export function formatPercent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${trimZeros((x * 100).toFixed(1))}%`;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

export const GiB = 2 ** 30;
