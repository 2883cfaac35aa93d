/** Quick fixes from the findings' fix data (never parsed from messages), as edits on the exact value token. */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { editsForFix, type DocumentAnalysis } from '../dialects/index';
import { sameFinding, toDiagnostic, toOffsetRange, toRange } from './convert';

export function codeActions(doc: TextDocument, result: DocumentAnalysis, range: Range, diagnostics: Diagnostic[]): CodeAction[] {
  if (!result.parsed || !result.dialect) return [];
  const want = toOffsetRange(doc, range);
  const actions: CodeAction[] = [];
  for (const f of result.findings) {
    if (!f.fixes?.length) continue;
    const fromContext = diagnostics.find((d) => sameFinding(doc, f, d));
    const overlaps = f.range.start <= want.end && want.start <= f.range.end;
    if (!fromContext && !overlaps) continue;
    for (const fix of f.fixes) {
      const edits = editsForFix(result, fix);
      if (!edits) continue;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [fromContext ?? toDiagnostic(doc, f)],
        ...(fix.preferred ? { isPreferred: true } : {}),
        edit: { changes: { [doc.uri]: edits.map((e) => ({ range: toRange(doc, e.range), newText: e.newText })) } },
      });
    }
  }
  return actions;
}
