/**
 * Fixes as data → text edits on the exact token that sets the value, in the document's own style: a suffix stays a
 * suffix (`20B` → `135B`), a quoted string stays quoted, a plain integer stays an integer. Comments and formatting
 * around the token are untouched (we never re-serialise the document). Keys that are absent are inserted into
 * their section in block YAML; elsewhere such a fix is not offered.
 */
import type { Fix, FixEdit } from '../core/findings';
import type { OffsetRange } from '../core/plan';
import { formatCount } from '../core/units';
import { NATIVE_SPECS } from './native';
import type { ParsedDocument } from './syntax/tree';

export interface TextEdit {
  range: OffsetRange;
  newText: string;
}

/** A dialect's own rendering of a value for the token it replaces (undefined: default rendering). */
export type ValueRenderer = (field: string, value: number | string | boolean, oldToken: string) => string | undefined;

/** Text edits for a fix, or undefined when one of its edits cannot be expressed in this document. */
export function fixToTextEdits(fix: Fix, parsed: ParsedDocument, render?: ValueRenderer, dialect = 'native'): TextEdit[] | undefined {
  const out: TextEdit[] = [];
  for (const e of fix.edits) {
    // Keys are only inserted in the native format (a framework file would get a key its framework does not read).
    const edit = e.range ? replaceValue(e, e.range, parsed, render) : dialect === 'native' ? insertKey(e, parsed) : undefined;
    if (!edit) return undefined;
    out.push(edit);
  }
  return out;
}

/** Render a number in the style of the token it replaces. */
export function renderValue(value: number | string | boolean, oldToken: string, format: ParsedDocument['format']): string {
  const quote = /^["']/.test(oldToken) ? oldToken[0]! : '';
  const inner = quote ? oldToken.slice(1, -1) : oldToken;
  let text: string;
  if (typeof value !== 'number') text = String(value);
  else if (/^\s*[\d.]+\s*[kmbt]\s*$/i.test(inner)) text = formatCount(value).replace(/(\.\d*?)0+([KMBT])$/, '$1$2').replace(/\.([KMBT])$/, '$1');
  else if (/e/i.test(inner) && !/^0x/i.test(inner)) text = toSci(value);
  else if (/_/.test(inner)) text = Math.round(value).toLocaleString('en-US').replace(/,/g, '_');
  else text = String(value);
  if (quote) return `${quote}${text}${quote}`;
  // A bare suffix literal is fine in YAML and TOML strings only when quoted in JSON/TOML.
  if (format !== 'yaml' && /[KMBT]$/.test(text)) return `"${text}"`;
  return text;
}

function toSci(v: number): string {
  const [m, e] = v.toExponential(2).split('e');
  return `${(m ?? '').replace(/\.?0+$/, '')}e${Number(e)}`;
}

function replaceValue(e: FixEdit, range: OffsetRange, parsed: ParsedDocument, render?: ValueRenderer): TextEdit {
  const old = parsed.text.slice(range.start, range.end);
  return { range, newText: render?.(e.field, e.value, old) ?? renderValue(e.value, old, parsed.format) };
}

/** Insert `key: value` at the end of its section (block YAML only). */
function insertKey(e: FixEdit, parsed: ParsedDocument): TextEdit | undefined {
  if (parsed.format !== 'yaml') return undefined;
  const spec = NATIVE_SPECS.find((s) => s.field === e.field);
  if (!spec) return undefined;
  const parts = spec.key.split('.');
  const leaf = parts[parts.length - 1]!;
  const sectionPath = parts.slice(0, -1).join('.');
  const section = parsed.entries.get(sectionPath);
  const value = String(e.value);
  const text = parsed.text;
  if (section && section.kind === 'map') {
    // Block map: insert after its last line, with the indentation of its first key.
    const firstChild = [...parsed.entries.values()].find((x) => x.path.length === parts.length && x.dotted.startsWith(`${sectionPath}.`));
    if (!firstChild?.keyRange) return undefined;
    const lineStart = text.lastIndexOf('\n', firstChild.keyRange.start - 1) + 1;
    const indent = text.slice(lineStart, firstChild.keyRange.start);
    if (/\S/.test(indent) || text.slice(section.valueRange.start, section.valueRange.start + 1) === '{') return undefined;
    const end = section.valueRange.end;
    const lineEnd = text.indexOf('\n', end);
    const at = lineEnd === -1 ? text.length : lineEnd;
    return { range: { start: at, end: at }, newText: `\n${indent}${leaf}: ${value}` };
  }
  if (!section && parts.length === 2) {
    const needsNl = text.length > 0 && !text.endsWith('\n');
    return { range: { start: text.length, end: text.length }, newText: `${needsNl ? '\n' : ''}${parts[0]}:\n  ${leaf}: ${value}\n` };
  }
  return undefined;
}
