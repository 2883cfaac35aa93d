/**
 * Helpers shared by the NeMo (1.x, Framework-Launcher, NeMo 2 overrides) and nanotron adapters: a layered view of a
 * config and the files it composes (Hydra `defaults:`), OmegaConf interpolation across those layers including the
 * launcher's group-mounted references (`${training.model.x}` inside a file mounted under `training`), Megatron-style
 * vocabulary padding, model names → presets, and small origin helpers.
 *
 * Vocabulary padding follows NeMo `MegatronBaseModel._vocab_size_with_padding` (multiple of
 * `make_vocab_size_divisible_by` × TP) and nanotron `helpers._vocab_size_with_padding` (same rule).
 */
import type { Finding } from '../core/findings';
import { dflt, doc, sv, type Origin, type Sourced } from '../core/plan';
import { findPreset, PRESETS, type ModelPreset } from '../core/presets';
import { parseQuantity } from '../core/units';
import { omegaConfResolver, type ResolvedEntry, type Unresolved } from './common';
import type { AdapterContext } from './types';
import { parseConfig } from './syntax/index';
import type { ParsedDocument, Scalar, SourceEntry } from './syntax/tree';

/** One layer of a composed config: the document itself (no `file`) or a file it pulls in. */
export interface Source {
  parsed: ParsedDocument;
  /** Path of a referenced file (absent for the analysed document). */
  file?: string;
}

export interface Found {
  entry: SourceEntry;
  file?: string;
}

/** A composed config: layers in priority order (first wins), one resolver over all of them. */
export interface Layered {
  sources: Source[];
  resolve: (e: SourceEntry) => ResolvedEntry | Unresolved | undefined;
  /** The highest-priority layer that writes `key` (null values included: they override in OmegaConf too). */
  get(key: string): Found | undefined;
  /** The value of `key` with interpolations resolved; undefined when absent, null or unresolvable. */
  value(key: string): Scalar | undefined;
  num(key: string): number | undefined;
  bool(key: string): boolean | undefined;
}

const MAX_ALIAS_GROUPS = 8;

export function layered(sources: Source[]): Layered {
  const merged = new Map<string, SourceEntry>();
  for (const s of sources) for (const [k, e] of s.parsed.entries) if (!merged.has(k)) merged.set(k, e);
  addGroupAliases(merged);
  const first = sources[0]!.parsed;
  const resolve = omegaConfResolver({ ...first, entries: merged });
  const get = (key: string): Found | undefined => {
    for (const s of sources) {
      const entry = s.parsed.entries.get(key);
      if (entry) return { entry, ...(s.file ? { file: s.file } : {}) };
    }
    return undefined;
  };
  const value = (key: string): Scalar | undefined => {
    const f = get(key);
    if (!f || f.entry.kind !== 'scalar') return undefined;
    let e: SourceEntry = f.entry;
    if (typeof e.value === 'string' && e.value.includes('${')) {
      const r = resolve(e);
      if (!r || 'unresolved' in r) return undefined;
      e = r.entry;
    }
    return e.value === null || e.value === undefined ? undefined : e.value;
  };
  const num = (key: string): number | undefined => {
    const v = value(key);
    if (v === undefined || typeof v === 'boolean') return undefined;
    const q = parseQuantity(v);
    return q.ok ? q.value : undefined;
  };
  const bool = (key: string): boolean | undefined => {
    const v = value(key);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return /^true$/i.test(v.trim());
    return undefined;
  };
  return { sources, resolve, get, value, num, bool };
}

/**
 * NeMo-Framework-Launcher mounts a stage file under its group (`training`, `fine_tuning`, `peft`, …), so the file
 * refers to its own keys as `${training.model.x}`. Every `${group.…}` whose group is not a top-level key of the
 * file becomes an alias of the file's root.
 */
function addGroupAliases(entries: Map<string, SourceEntry>): void {
  const top = new Set<string>();
  const groups = new Set<string>();
  for (const [k, e] of entries) {
    if (e.path.length === 1) top.add(k);
    if (e.kind === 'scalar' && typeof e.value === 'string' && e.value.includes('${')) {
      for (const m of e.value.matchAll(/\$\{([A-Za-z_][\w]*)\./g)) groups.add(m[1]!);
    }
  }
  const aliases = [...groups].filter((g) => !top.has(g)).slice(0, MAX_ALIAS_GROUPS);
  if (aliases.length === 0) return;
  const base = [...entries];
  for (const g of aliases) for (const [k, e] of base) if (k) entries.set(`${g}.${k}`, e);
}

/** Round a vocabulary up to a multiple of `divisibleBy × tp` (Megatron / NeMo / nanotron padding). */
export function padVocab(vocab: number, divisibleBy: number, tp: number): number {
  const multiple = Math.max(1, Math.round(divisibleBy)) * Math.max(1, Math.round(tp));
  return Math.ceil(vocab / multiple) * multiple;
}

/** A document origin at an entry (with its file when it comes from another layer). */
export function originAt(found: Found, label: string): Origin {
  return doc(label, found.entry.valueRange, found.entry.keyRange, found.file);
}

/** A value at `found` when the key is written (even as null), else a documented default. */
export function atOrDefault<T>(value: T, found: Found | undefined, label: string, defaultName: string, defaultDoc: string): Sourced<T> {
  return sv(value, found ? originAt(found, label) : dflt(defaultName, defaultDoc));
}

/**
 * A preset from a run or recipe name (`llama2_7b`, `llama3-nemo_8b_mbs4_gbs64_cp2`): the exact name first, then
 * shorter `_`-prefixes whose last part is a size (`8b`, `8x7b`), so `gpt3_5b` never becomes GPT-3 175B.
 */
export function presetFromName(name: string): ModelPreset | undefined {
  const base = name.replace(/\.(ya?ml|json|toml)$/i, '').replace(/[-_]nemo(?=[-_])/i, '');
  const exact = findPreset(base);
  if (exact) return exact;
  const parts = base.split('_');
  for (let n = parts.length - 1; n >= 2; n--) {
    const last = parts[n - 1]!;
    if (!/^\d+(\.\d+)?[mb]$|^\d+x\d+b$/i.test(last)) continue;
    const hit = findPreset(parts.slice(0, n).join('_'));
    if (hit) return hit;
  }
  return undefined;
}

/** A preset with exactly these dims (a config that copies a known model but names no tokenizer size). */
export function presetByDims(d: { layers?: number; hidden?: number; heads?: number; kvHeads?: number; ffnHidden?: number }): ModelPreset | undefined {
  if (d.layers === undefined || d.hidden === undefined || d.heads === undefined || d.ffnHidden === undefined) return undefined;
  return PRESETS.find((p) => p.dims.layers === d.layers && p.dims.hidden === d.hidden && p.dims.heads === d.heads && p.dims.ffnHidden === d.ffnHidden && (d.kvHeads === undefined || p.dims.kvHeads === d.kvHeads));
}

/** The last path segment of a file name (either separator). */
export function baseName(path: string): string {
  return path.split(/[/\\]/).pop() ?? path;
}

export interface HydraDefault {
  /** File to read, relative to the config (e.g. `megatron_gpt_config.yaml`). */
  path: string;
  entry: SourceEntry;
}

/**
 * Compose a config with the base files named in its Hydra `defaults:` list, in Hydra's priority: later entries
 * override earlier ones and `_self_` (implicitly last) places the document itself. Only root-level bases are
 * composed (`- base_config` or `- /base_config`); group-mounted (`group@pkg: x`), `optional` and `override` entries
 * configure other packages and are skipped. Depth ≤ 4, cycles cut.
 */
export function composeHydra(parsed: ParsedDocument, ctx: AdapterContext, findings: Finding[], file?: string, seen: string[] = [], depth = 0): Source[] {
  const self: Source = { parsed, ...(file ? { file } : {}) };
  const defaults = parsed.entries.get('defaults');
  if (!defaults || defaults.kind !== 'seq' || depth >= 4 || !ctx.readFile) return [self];
  const ordered: Source[][] = [];
  let selfPlaced = false;
  for (let i = 0; ; i++) {
    const item = parsed.entries.get(`defaults.${i}`);
    if (!item) break;
    if (item.kind === 'scalar' && item.value === '_self_') {
      ordered.push([self]);
      selfPlaced = true;
      continue;
    }
    const base = rootBase(item);
    if (!base) continue;
    const read = ctx.readFile(base, file);
    if (!read) {
      if (!file) findings.push({ code: 'missing-value', severity: 'information', message: `Base config \`${base}\` (Hydra defaults) could not be read; its values are not included.`, range: item.valueRange });
      continue;
    }
    if (seen.includes(read.path)) continue;
    const child = parseConfig(read.text, 'yaml');
    ordered.push(composeHydra(child, ctx, findings, read.path, [...seen, read.path], depth + 1));
  }
  if (!selfPlaced) ordered.push([self]);
  // Later entries win: highest priority first.
  return ordered.reverse().flat();
}

function rootBase(item: SourceEntry): string | undefined {
  if (item.kind !== 'scalar' || typeof item.value !== 'string') return undefined;
  const name = item.value.trim();
  if (!name || /^(optional|override)\s/.test(name) || name.includes('@') || name.startsWith('hydra/')) return undefined;
  const rel = name.replace(/^\//, '');
  return /\.ya?ml$/i.test(rel) ? rel : `${rel}.yaml`;
}

/** A map entry's single `key: value` child of a defaults list item, e.g. `training: gpt3/5b`. */
export function defaultsChoice(parsed: ParsedDocument, group: string): { choice: string; entry: SourceEntry } | undefined {
  for (let i = 0; ; i++) {
    const item = parsed.entries.get(`defaults.${i}`);
    if (!item) return undefined;
    const e = parsed.entries.get(`defaults.${i}.${group}`);
    if (e && e.kind === 'scalar' && typeof e.value === 'string' && e.value.trim()) return { choice: e.value.trim(), entry: e };
  }
}
