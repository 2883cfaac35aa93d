/** Push diagnostics (textDocument/publishDiagnostics) so every LSP client gets them, plus the status notification. */
import type { Connection } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { summaryLine } from '../core/summary';
import { STATUS_NOTIFICATION, type StatusParams } from '../protocol/index';
import type { AnalysisCache } from './cache';
import { toDiagnostic } from './convert';

export function publishDiagnostics(connection: Connection, cache: AnalysisCache, doc: TextDocument): void {
  const result = cache.get(doc);
  const diagnostics = result.dialect ? result.findings.map((f) => toDiagnostic(doc, f)) : [];
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  const status: StatusParams = {
    uri: doc.uri,
    dialect: result.dialect?.name ?? null,
    reason: result.dialect?.reason ?? result.skipped ?? '',
    summary: result.analysis ? summaryLine(result.analysis) : '',
    errors: result.dialect ? result.findings.filter((f) => f.severity === 'error').length : 0,
    warnings: result.dialect ? result.findings.filter((f) => f.severity === 'warning').length : 0,
  };
  void connection.sendNotification(STATUS_NOTIFICATION, status);
}

export function clearDiagnostics(connection: Connection, uri: string): void {
  void connection.sendDiagnostics({ uri, diagnostics: [] });
}
