/** The language status item: the detected dialect and the one-line summary of the active document. */
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol/index';

/** Keeps the last `scalingLens/status` per document and shows the active editor's one. */
export class StatusView implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly byUri = new Map<string, StatusParams>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(selector: vscode.DocumentSelector) {
    this.item = vscode.languages.createLanguageStatusItem('scalingLens.status', selector);
    this.item.name = 'Scaling Lens';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidCloseTextDocument((doc) => this.byUri.delete(doc.uri.toString())),
    );
    this.refresh();
  }

  /** Records a status from the server and shows it when it is about the active document. */
  update(status: StatusParams): void {
    this.byUri.set(status.uri, status);
    if (status.uri === activeUri()) this.refresh();
  }

  /** Forgets every status (after a server restart the server sends them again). */
  clear(): void {
    this.byUri.clear();
    this.refresh();
  }

  /** Renders the active document's status (or a neutral placeholder). */
  refresh(): void {
    const uri = activeUri();
    const status = uri === undefined ? undefined : this.byUri.get(uri);
    this.item.text = status?.dialect ?? 'Scaling Lens';
    this.item.detail = detailOf(status);
    this.item.severity = severityOf(status);
    this.item.command = { title: 'Show Plan Report', command: 'scalingLens.showReport', arguments: uri === undefined ? [] : [uri], tooltip: status?.reason ?? 'Scaling Lens' };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The active editor's document URI string (as the language client sends it to the server). */
function activeUri(): string | undefined {
  return vscode.window.activeTextEditor?.document.uri.toString();
}

/** The summary of an analysed file; otherwise why it is not analysed (or that no status has come yet). */
function detailOf(status: StatusParams | undefined): string {
  if (status === undefined) return 'waiting for analysis';
  if (status.dialect !== null && status.summary !== '') return status.summary;
  return status.reason || 'not analysed';
}

/** Error when the file has errors, Warning when it has warnings, Information otherwise. */
function severityOf(status: StatusParams | undefined): vscode.LanguageStatusSeverity {
  if (status !== undefined && status.errors > 0) return vscode.LanguageStatusSeverity.Error;
  if (status !== undefined && status.warnings > 0) return vscode.LanguageStatusSeverity.Warning;
  return vscode.LanguageStatusSeverity.Information;
}
