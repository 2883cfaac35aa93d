/** Core offsets and findings ↔ LSP types. The only place that knows both sides. */
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { docsUrl, type Finding, type Severity } from '../core/findings';
import type { OffsetRange } from '../core/plan';

export const SOURCE = 'scaling-lens';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toRange(doc: TextDocument, r: OffsetRange): Range {
  return { start: doc.positionAt(r.start), end: doc.positionAt(r.end) };
}

export function toOffsetRange(doc: TextDocument, r: Range): OffsetRange {
  return { start: doc.offsetAt(r.start), end: doc.offsetAt(r.end) };
}

export function toDiagnostic(doc: TextDocument, f: Finding): Diagnostic {
  return {
    range: toRange(doc, f.range),
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: docsUrl(f.code) },
    source: SOURCE,
    message: f.message,
  };
}

/** Same finding as a diagnostic the client sends back (code + range): how code actions find their fixes. */
export function sameFinding(doc: TextDocument, f: Finding, d: Diagnostic): boolean {
  if (d.code !== f.code) return false;
  const r = toRange(doc, f.range);
  return r.start.line === d.range.start.line && r.start.character === d.range.start.character && r.end.line === d.range.end.line && r.end.character === d.range.end.character;
}
