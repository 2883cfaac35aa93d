/**
 * Shared machinery for framework adapters: a declarative key table (plan field ← candidate keys), value coercion as
 * the frameworks read values (YAML 1.1 strings like `5e12`, `150_001`, `"auto"`/`-1`/`???` sentinels), OmegaConf
 * interpolation (`${a.b}`, `${.x}`, `${multiply:${a},${b}}`) and `-`/`_` key equivalence. Adapters stay small
 * tables plus the few rules that are really theirs.
 */
import type { Finding } from '../core/findings';
import { doc, emptyPlan, sv, type OffsetRange, type Sourced, type TrainingPlan } from '../core/plan';
import { parseQuantity } from '../core/units';
import { coerce, setField, hasField, type KeySpecKind } from './native';
import type { ParsedDocument, SourceEntry } from './syntax/tree';

export type Kind = KeySpecKind;

export interface KeyRule {
  /** Plan field, e.g. `model.layers`. */
  field: string;
  /** Candidate dotted keys in priority order; the first present (and not a sentinel) wins. */
  keys: string[];
  kind: Kind;
  /** Map the coerced value (e.g. OLMo `mlp_hidden_size / 2`); return undefined to skip. */
  map?: (value: unknown, entry: SourceEntry) => unknown;
  /** Text added to the provenance key (e.g. "÷ 2 (OLMo: gated width ×2)"). */
  note?: string;
}

export const size = (min = 1, max = 1e18, integer = true): Kind => ({ type: 'size', min, max, integer });
export const float = (min: number, max: number): Kind => ({ type: 'float', min, max });
export const bool: Kind = { type: 'bool' };
export const str: Kind = { type: 'string' };

/** Values that mean "not set here / filled in elsewhere": no value, no finding. */
export function isSentinel(e: SourceEntry): boolean {
  if (e.kind !== 'scalar') return false;
  const v = e.value;
  if (v === null) return true;
  if (typeof v === 'number') return v === -1;
  if (typeof v === 'string') return /^(auto|\?\?\?|none|null|-1)$/i.test(v.trim());
  return false;
}

/** Look a dotted key up, treating `-` and `_` as equal in every segment when `dashes` is set. */
export function lookup(parsed: ParsedDocument, key: string, dashes = false): SourceEntry | undefined {
  const e = parsed.entries.get(key);
  if (e || !dashes) return e;
  const norm = (k: string) => k.replace(/-/g, '_');
  const want = norm(key);
  for (const [k, v] of parsed.entries) if (norm(k) === want) return v;
  return undefined;
}

export interface ApplyOptions {
  dashes?: boolean;
  /** Resolve interpolations (`${…}`) to a concrete entry-like value; see `omegaConfResolver`. */
  resolve?: (e: SourceEntry) => ResolvedEntry | Unresolved | undefined;
  /** Prefix for provenance keys of values read from another file. */
  file?: string;
}

export interface ResolvedEntry {
  entry: SourceEntry;
  /** The chain followed, for provenance ("${model.encoder_seq_length} → 4096"). */
  via: string;
}
export interface Unresolved {
  unresolved: string;
}

/** Apply a key table to a document: plan values with document ranges, invalid values as findings. */
export function applyRules(parsed: ParsedDocument, rules: readonly KeyRule[], opts: ApplyOptions = {}, plan: TrainingPlan = emptyPlan()): { plan: TrainingPlan; findings: Finding[]; used: Map<string, string> } {
  const findings: Finding[] = [];
  const used = new Map<string, string>();
  for (const rule of rules) {
    if (hasField(plan, rule.field)) continue;
    for (const key of rule.keys) {
      const found = lookup(parsed, key, opts.dashes);
      if (!found) continue;
      let e = found;
      let via = '';
      if (opts.resolve && e.kind === 'scalar' && typeof e.value === 'string' && e.value.includes('${')) {
        const r = opts.resolve(e);
        if (r && 'unresolved' in r) {
          if (!opts.file)
            findings.push({ code: 'missing-value', severity: 'information', message: `\`${found.dotted}\` = ${String(found.value)}: ${r.unresolved}.`, range: found.valueRange });
          break;
        }
        if (r) {
          e = { ...r.entry, valueRange: found.valueRange, ...(found.keyRange ? { keyRange: found.keyRange } : {}) };
          via = r.via;
        }
      }
      if (isSentinel(e)) continue;
      const c = coerce(rule.kind, e);
      if (!c.ok) {
        if (!opts.file) findings.push({ code: 'invalid-value', severity: 'error', message: `\`${found.dotted}\`: ${c.reason}.`, range: found.valueRange });
        break;
      }
      const value = rule.map ? rule.map(c.value, e) : c.value;
      if (value === undefined) continue;
      const label = `${found.dotted}${via ? ` (${via})` : ''}${rule.note ? ` ${rule.note}` : ''}`;
      setField(plan, rule.field, sv(value, doc(label, found.valueRange, found.keyRange, opts.file)));
      used.set(rule.field, found.dotted);
      break;
    }
  }
  return { plan, findings, used };
}

/** keyHints for messages: each field → the first key of its rule (the framework's canonical spelling). */
export function hintsFrom(rules: readonly KeyRule[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rules) out[r.field] ??= r.keys[0]!;
  return out;
}

/** A scalar entry whose value is a number (parsed like the framework would: `5e12`, `150_001`, `"4096"`). */
export function numberOf(e: SourceEntry | undefined): number | undefined {
  if (!e || e.kind !== 'scalar') return undefined;
  const r = parseQuantity(typeof e.value === 'string' ? e.value : (e.value ?? undefined));
  return r.ok ? r.value : undefined;
}

/** Top-level keys of a mapping document. */
export function topKeys(parsed: ParsedDocument): string[] {
  const d = parsed.data;
  return d && typeof d === 'object' && !Array.isArray(d) ? Object.keys(d) : [];
}

/** How many of `keys` are present (dotted, with `-`/`_` equivalence when `dashes`). */
export function countKeys(parsed: ParsedDocument, keys: readonly string[], dashes = false): { n: number; found: string[] } {
  const found = keys.filter((k) => lookup(parsed, k, dashes));
  return { n: found.length, found };
}

const INTERP = /\$\{([^${}]*(?:\$\{[^{}]*\}[^${}]*)*)\}/;

/**
 * OmegaConf/Hydra interpolation inside the same document: `${a.b}` (absolute), `${.x}` / `${..x}` (relative),
 * `${multiply:${a},${b}}`, `${divide:…}`/`${add:…}`/`${subtract:…}`, `${oc.env:X,default}` (default only).
 * Depth-bounded (cycles end as unresolved).
 */
export function omegaConfResolver(parsed: ParsedDocument): (e: SourceEntry) => ResolvedEntry | Unresolved | undefined {
  const resolveString = (s: string, at: string[], depth: number): { value: number | string | boolean | null; via: string[] } | Unresolved => {
    if (depth > 16) return { unresolved: 'interpolation too deep (a cycle?)' };
    const whole = /^\$\{(.*)\}$/.exec(s.trim());
    if (whole && balanced(whole[1]!)) {
      const inner = whole[1]!;
      const fn = /^([a-z_.]+):(.*)$/i.exec(inner);
      if (fn && !inner.startsWith('.')) return resolveFn(fn[1]!, fn[2]!, at, depth);
      const target = refPath(inner, at);
      const e = parsed.entries.get(target.join('.'));
      if (!e) return { unresolved: `\`${inner}\` is not defined in this file` };
      if (e.kind !== 'scalar') return { unresolved: `\`${inner}\` is not a value` };
      if (typeof e.value === 'string' && e.value.includes('${')) {
        const r = resolveString(e.value, e.path, depth + 1);
        return 'unresolved' in r ? r : { value: r.value, via: [inner, ...r.via] };
      }
      if (e.value === '???') return { unresolved: `\`${inner}\` is a mandatory value (???) not set here` };
      return { value: e.value ?? null, via: [inner] };
    }
    if (!INTERP.test(s)) return { value: s, via: [] };
    // String with embedded interpolations: substitute each.
    let out = s;
    const via: string[] = [];
    for (let i = 0; i < 16; i++) {
      const m = INTERP.exec(out);
      if (!m) break;
      const r = resolveString(m[0], at, depth + 1);
      if ('unresolved' in r) return r;
      out = out.slice(0, m.index) + String(r.value) + out.slice(m.index + m[0].length);
      via.push(...r.via);
    }
    return { value: out, via };
  };
  const resolveFn = (name: string, args: string, at: string[], depth: number): { value: number | string | boolean | null; via: string[] } | Unresolved => {
    const parts = splitArgs(args);
    if (name === 'oc.env') return parts[1] !== undefined ? { value: parts[1].trim(), via: [`env ${parts[0]} (default)`] } : { unresolved: `environment variable ${parts[0]} (not read by Scaling Lens)` };
    const ops: Record<string, (a: number, b: number) => number> = {
      multiply: (a, b) => a * b,
      divide: (a, b) => a / b,
      add: (a, b) => a + b,
      subtract: (a, b) => a - b,
      int_div: (a, b) => Math.floor(a / b),
    };
    const op = ops[name];
    if (!op) return { unresolved: `resolver \`${name}\` is not supported` };
    const nums: number[] = [];
    const via: string[] = [];
    for (const p of parts) {
      const r = resolveString(p.trim(), at, depth + 1);
      if ('unresolved' in r) return r;
      const q = parseQuantity(r.value);
      if (!q.ok) return { unresolved: `\`${p.trim()}\` is not a number` };
      nums.push(q.value);
      via.push(...r.via);
    }
    if (nums.length < 2) return { unresolved: `${name} needs two arguments` };
    return { value: nums.slice(1).reduce((a, b) => op(a, b), nums[0]!), via: [`${name}(${via.join(', ')})`] };
  };
  return (e) => {
    if (e.kind !== 'scalar' || typeof e.value !== 'string') return undefined;
    const r = resolveString(e.value, e.path, 0);
    if ('unresolved' in r) return r;
    return { entry: { ...e, value: r.value, raw: String(r.value) }, via: `${e.value} → ${String(r.value)}` };
  };
}

function refPath(ref: string, at: string[]): string[] {
  if (!ref.startsWith('.')) return ref.split('.');
  const dots = /^\.+/.exec(ref)![0].length;
  const base = at.slice(0, Math.max(0, at.length - dots));
  return [...base, ...ref.slice(dots).split('.').filter(Boolean)];
}

function balanced(s: string): boolean {
  let d = 0;
  for (const c of s) {
    if (c === '{') d++;
    else if (c === '}' && --d < 0) return false;
  }
  return d === 0;
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let d = 0;
  let cur = '';
  for (const c of s) {
    if (c === '{') d++;
    if (c === '}') d--;
    if (c === ',' && d === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** A `Sourced` value at a document range with a provenance label. */
export function at(value: unknown, key: string, valueRange: OffsetRange, keyRange?: OffsetRange, file?: string): Sourced<unknown> {
  return sv(value, doc(key, valueRange, keyRange, file));
}

export { setField, hasField };
