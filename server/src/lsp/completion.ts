/** Completion: GPU names, model presets, native keys (by section) and enum values. */
import { CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { acceleratorChoices, type CustomAccelerator } from '../core/hardware';
import { PRESETS } from '../core/presets';
import { NATIVE_SPECS, SECTIONS, type KeySpec } from '../dialects/native';
import type { DocumentAnalysis } from '../dialects/index';

const VALUE_LINE = /^\s*["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*["']?([^"'#,}]*)$/;
const KEY_LINE = /^(\s*)["']?([A-Za-z_-]*)$/;

export function completion(doc: TextDocument, result: DocumentAnalysis, pos: Position, custom: readonly CustomAccelerator[]): CompletionItem[] {
  const lineText = doc.getText({ start: { line: pos.line, character: 0 }, end: pos });
  const value = VALUE_LINE.exec(lineText);
  if (value) return valueItems(value[1]!, custom);
  if (result.dialect?.id !== 'native' || result.format !== 'yaml') return [];
  const key = KEY_LINE.exec(lineText);
  if (!key) return [];
  const parent = parentPath(doc, pos.line, key[1]!.length);
  if (parent === undefined) return [];
  return keyItems(parent, result);
}

function valueItems(key: string, custom: readonly CustomAccelerator[]): CompletionItem[] {
  const leaf = key.split('.').pop()!.toLowerCase();
  if (leaf === 'gpu' || leaf === 'accelerator') {
    return acceleratorChoices(custom).map((c) => ({ label: c.name, kind: CompletionItemKind.Value, detail: c.detail }));
  }
  if (leaf === 'preset') {
    return PRESETS.map((p) => ({ label: p.id, kind: CompletionItemKind.Value, detail: `${p.displayName} · ${p.source}` }));
  }
  const spec = NATIVE_SPECS.find((s) => s.key.split('.').pop() === leaf && s.kind.type === 'enum');
  if (spec && spec.kind.type === 'enum') {
    return spec.kind.values.map((v) => ({ label: v, kind: CompletionItemKind.EnumMember, documentation: spec.description }));
  }
  if (spec?.kind.type === 'bool' || NATIVE_SPECS.find((s) => s.key.endsWith(`.${leaf}`))?.kind.type === 'bool') {
    return ['true', 'false'].map((v) => ({ label: v, kind: CompletionItemKind.Value }));
  }
  return [];
}

/** Dotted path of the block-YAML mapping the cursor line belongs to, by indentation ('' at the top). */
function parentPath(doc: TextDocument, line: number, indent: number): string | undefined {
  const path: string[] = [];
  let want = indent;
  for (let l = line - 1; l >= 0 && want > 0; l--) {
    const text = doc.getText({ start: { line: l, character: 0 }, end: { line: l + 1, character: 0 } }).replace(/\r?\n$/, '');
    if (!text.trim() || text.trim().startsWith('#')) continue;
    const ind = text.length - text.trimStart().length;
    if (ind < want) {
      const m = /^\s*([A-Za-z_][\w-]*)\s*:\s*(#.*)?$/.exec(text);
      if (!m) return undefined;
      path.unshift(m[1]!);
      want = ind;
    }
  }
  return path.join('.');
}

function keyItems(parent: string, result: DocumentAnalysis): CompletionItem[] {
  const present = new Set(result.parsed ? [...result.parsed.entries.keys()] : []);
  if (parent === '') {
    return SECTIONS.filter((s) => !present.has(s)).map((s) => ({ label: s, kind: CompletionItemKind.Module, insertText: `${s}:\n  ` }));
  }
  const depth = parent.split('.').length + 1;
  const children = new Map<string, KeySpec | undefined>();
  for (const s of NATIVE_SPECS) {
    if (!s.key.startsWith(`${parent}.`)) continue;
    const parts = s.key.split('.');
    const name = parts[depth - 1]!;
    if (present.has(`${parent}.${name}`)) continue;
    children.set(name, parts.length === depth ? s : children.get(name));
  }
  return [...children].map(([name, spec]) => ({
    label: name,
    kind: spec ? CompletionItemKind.Property : CompletionItemKind.Module,
    ...(spec ? { documentation: spec.description, insertText: `${name}: ` } : { insertText: `${name}:\n` }),
  }));
}
