/** The VS Code side of Scaling Lens: starts the language server and adds the status item, report view and commands. */
import * as vscode from 'vscode';
import { LanguageClient, NotificationType, RequestType, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { REPORT_REQUEST, STATUS_NOTIFICATION, type ReportParams, type ReportResult, type StatusParams } from '../../server/src/protocol/index';
import { describe, registerCommands } from './commands';
import { REPORT_SCHEME, ReportProvider } from './report';
import { DOCUMENT_SELECTOR } from './selector';
import { configurationMiddleware } from './settings';
import { StatusView } from './status';

const statusNotification = new NotificationType<StatusParams>(STATUS_NOTIFICATION);
const reportRequest = new RequestType<ReportParams, ReportResult | null, void>(REPORT_REQUEST);

let client: LanguageClient | undefined;

/** Starts everything; errors are logged to the "Scaling Lens" output channel, never thrown. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('Scaling Lens', { log: true });
  context.subscriptions.push(channel);
  try {
    client = createClient(context, channel);
    const lc = client;
    const status = new StatusView(DOCUMENT_SELECTOR);
    const reports = new ReportProvider((params) => lc.sendRequest(reportRequest, params), channel);
    context.subscriptions.push(
      status,
      reports,
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
      ...registerCommands({ client: lc, channel, reports, status }),
      lc.onNotification(statusNotification, (params) => {
        status.update(params);
        reports.onStatus(params);
      }),
    );
    await lc.start();
  } catch (error) {
    channel.error(`Scaling Lens could not start its language server: ${describe(error)}`);
  }
}

/** Stops the language server. */
export async function deactivate(): Promise<void> {
  try {
    await client?.stop();
  } catch {
    // Already stopped or never started: nothing to do.
  }
  client = undefined;
}

/** The language client over `dist/server.js` (IPC), with settings validated before the server sees them. */
function createClient(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  let lastProblems = '';
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    // A changed `scalingLens.*` setting sends workspace/didChangeConfiguration; the middleware below strips the
    // pushed values ({ settings: null }) so the server re-pulls them through the validating configuration middleware.
    synchronize: { configurationSection: 'scalingLens' },
    outputChannel: channel,
    traceOutputChannel: channel,
    middleware: {
      workspace: {
        configuration: configurationMiddleware((problems) => {
          const text = problems.join('\n');
          if (text !== '' && text !== lastProblems) channel.warn(`Invalid settings (defaults used instead):\n${text}`);
          lastProblems = text;
        }),
        didChangeConfiguration: (_sections, next) => next(undefined),
      },
    },
  };
  return new LanguageClient('scalingLens', 'Scaling Lens', serverOptions, clientOptions);
}
