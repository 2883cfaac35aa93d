/** The contributed commands. Ids are literal here: test/unit/manifest.test.ts greps for them. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { GPU_LIST_REQUEST, type GpuListItem } from '../../server/src/protocol/index';
import { REPORT_SCHEME, showReportDocument, type ReportProvider } from './report';
import { selectGpu } from './gpu';
import type { StatusView } from './status';

/** What the commands need from the extension. */
export interface CommandContext {
  client: LanguageClient;
  channel: vscode.LogOutputChannel;
  reports: ReportProvider;
  status: StatusView;
}

/** Registers every command; failures are logged and shown, never thrown at VS Code. */
export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const guarded = (name: string, run: (...args: unknown[]) => Promise<void>) => async (...args: unknown[]) => {
    try {
      await run(...args);
    } catch (error) {
      ctx.channel.error(`${name} failed: ${describe(error)}`);
      void vscode.window.showErrorMessage(`Scaling Lens: ${name} failed: ${describe(error)}`, 'Show Output').then((choice) => {
        if (choice) ctx.channel.show(true);
      });
    }
  };
  return [
    vscode.commands.registerCommand('scalingLens.showReport', guarded('Show Plan Report', (arg) => showReport(ctx, arg))),
    vscode.commands.registerCommand('scalingLens.selectGpu', guarded('Select GPU', () => selectGpu(() => ctx.client.sendRequest<GpuListItem[]>(GPU_LIST_REQUEST)))),
    vscode.commands.registerCommand('scalingLens.restartServer', guarded('Restart Server', async () => {
      ctx.status.clear();
      await ctx.client.restart();
      ctx.channel.info('Language server restarted.');
    })),
    vscode.commands.registerCommand('scalingLens.showOutput', guarded('Show Output', async () => ctx.channel.show(true))),
  ];
}

/** Shows the report of the URI argument (string or Uri, e.g. from the code lens) or of the active editor. */
async function showReport(ctx: CommandContext, arg: unknown): Promise<void> {
  const given = typeof arg === 'string' ? vscode.Uri.parse(arg) : arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  // From a report document itself: the report of the file it describes (its query).
  const source = given?.scheme === REPORT_SCHEME ? vscode.Uri.parse(given.query) : given;
  if (source === undefined) {
    void vscode.window.showInformationMessage('Scaling Lens: open a training config to see its plan report.');
    return;
  }
  await showReportDocument(await ctx.reports.load(source));
}

/** An error's message, whatever was thrown. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
