/** The plan report: `scalingLens/report` markdown shown in a read-only virtual document, previewed to the side. */
import * as vscode from 'vscode';
import { type ReportParams, type ReportResult, type StatusParams } from '../../server/src/protocol/index';

/** Scheme of the read-only report documents. */
export const REPORT_SCHEME = 'scaling-lens-report';

/** Asks the server for a report (the language client's `sendRequest`). */
export type ReportFetcher = (params: ReportParams) => Promise<ReportResult | null>;

/** Serves report markdown for `scaling-lens-report:` URIs and refreshes open reports when their file changes. */
export class ReportProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly reportOf = new Map<string, vscode.Uri>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly fetch: ReportFetcher, private readonly log: vscode.LogOutputChannel) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '# Scaling Lens\n\nThis report is no longer available: run **Scaling Lens: Show Plan Report** again.\n';
  }

  /** Fetches the report of `source` and returns the URI of its virtual document. */
  async load(source: vscode.Uri): Promise<vscode.Uri> {
    const key = source.toString();
    // The server only reports on open documents: opening it (without showing it) sends didOpen first.
    await vscode.workspace.openTextDocument(source);
    const result = await this.fetch({ uri: key });
    if (result === null) throw new Error(`no plan report for ${source.path.split('/').pop()}: Scaling Lens reads YAML, JSON and TOML files`);
    const uri = this.reportOf.get(key) ?? reportUri(source);
    this.reportOf.set(key, uri);
    this.contents.set(uri.toString(), withTitle(result));
    this.changed.fire(uri);
    return uri;
  }

  /** After a new analysis of a file whose report is open, fetches the report again. */
  onStatus(status: StatusParams): void {
    const uri = this.reportOf.get(status.uri);
    if (uri === undefined || !vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
    this.load(vscode.Uri.parse(status.uri)).catch((error: unknown) => this.log.warn(`Refreshing the plan report failed: ${String(error)}`));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** `scaling-lens-report:/<file> (plan report).md?<source uri>`: the `.md` makes it a markdown document. */
function reportUri(source: vscode.Uri): vscode.Uri {
  const base = source.path.split('/').pop() || 'untitled';
  return vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${base} (plan report).md`, query: source.toString() });
}

/** The markdown, with the server's title as a heading unless it already starts with one. */
function withTitle(result: ReportResult): string {
  return result.markdown.trimStart().startsWith('#') ? result.markdown : `# ${result.title}\n\n${result.markdown}`;
}

/** Opens the report: markdown preview to the side, or the markdown source if the preview is unavailable. */
export async function showReportDocument(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  } catch {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  }
}
