/**
 * The Scaling Lens language server. Started by the VS Code extension (IPC) or by `scaling-lens lsp --stdio` /
 * `node dist/server.js --stdio` for any LSP client. Every handler is guarded: a failure is logged and answered
 * with an empty result; the process never dies because of a document.
 */
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { EditorSettingsSchema } from '../core/options';
import { GPU_LIST_REQUEST, REPORT_REQUEST, SETTINGS_SECTION, type ReportParams } from '../protocol/index';
import { AnalysisCache, uriPath } from './cache';
import { codeActions } from './codeActions';
import { codeLenses } from './codeLens';
import { completion } from './completion';
import { clearDiagnostics, publishDiagnostics } from './diagnostics';
import { hover } from './hover';
import { inlayHints } from './inlayHints';
import { gpuList, planReport } from './report';
import { normalizeSettings } from '../core/options';
import { realPath } from '../host/files';

declare const SCALING_LENS_VERSION: string;
const VERSION = typeof SCALING_LENS_VERSION === 'string' ? SCALING_LENS_VERSION : '0.0.0-dev';

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
  const documents = new TextDocuments(TextDocument);
  const cache = new AnalysisCache(EditorSettingsSchema.parse({}));
  let canPullConfig = false;
  let canWatchFiles = false;

  const log = (msg: string) => connection.console.log(msg);
  const guard =
    <A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (e) {
        connection.console.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        return fallback;
      }
    };

  process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) => connection.console.error(`unhandled rejection: ${String(e)}`));

  connection.onInitialize((params): InitializeResult => {
    canPullConfig = !!params.capabilities.workspace?.configuration;
    canWatchFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    cache.roots = [...(params.workspaceFolders ?? []).map((f) => uriPath(f.uri)), ...(params.rootUri ? [uriPath(params.rootUri)] : [])];
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: [':', ' ', '='] },
      },
      serverInfo: { name: 'scaling-lens', version: VERSION },
    };
  });

  /** Ask the client to re-request inlay hints and code lenses (their inputs changed outside the document). */
  const refreshViews = () => {
    void connection.languages.inlayHint.refresh().catch(() => undefined);
    void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  };
  const refreshAll = () => {
    for (const d of documents.all()) publishDiagnostics(connection, cache, d);
    refreshViews();
  };
  const applySettings = (raw: unknown) => {
    const { settings, problems } = normalizeSettings(raw);
    for (const p of problems) connection.console.warn(p);
    cache.updateSettings(settings);
    refreshAll();
  };

  const pullSettings = async () => {
    if (!canPullConfig) return;
    try {
      const [raw] = await connection.workspace.getConfiguration([{ section: SETTINGS_SECTION }]);
      applySettings(raw);
    } catch (e) {
      log(`could not read settings: ${String(e)}`);
    }
  };

  connection.onInitialized(() => {
    log(`Scaling Lens server ${VERSION} ready`);
    void pullSettings();
    // Configs read other files (MaxText base_config, levanter !include, DeepSpeed JSON): watch them to re-analyse.
    if (canWatchFiles)
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml,json,toml,sh}' }] })
        .catch((e: unknown) => log(`file watching unavailable: ${String(e)}`));
  });
  connection.onDidChangeWatchedFiles(
    guard('watchedFiles', undefined, (p) => {
      const paths = p.changes.map((c) => realPath(uriPath(c.uri)));
      for (const uri of cache.invalidateReferences(paths)) {
        const doc = documents.get(uri);
        if (doc) publishDiagnostics(connection, cache, doc);
      }
      refreshViews();
    }),
  );
  connection.onDidChangeConfiguration((change) => {
    if (canPullConfig) void pullSettings();
    else applySettings((change.settings as Record<string, unknown> | null)?.[SETTINGS_SECTION]);
  });

  documents.onDidChangeContent(guard('diagnostics', undefined, (e) => publishDiagnostics(connection, cache, e.document)));
  documents.onDidClose(
    guard('close', undefined, (e) => {
      cache.delete(e.document.uri);
      clearDiagnostics(connection, e.document.uri);
    }),
  );

  const withDoc = <R>(uri: string, fallback: R, fn: (doc: TextDocument) => R): R => {
    const doc = documents.get(uri);
    return doc ? fn(doc) : fallback;
  };

  connection.onHover(guard('hover', null, (p, token) => (token.isCancellationRequested ? null : withDoc(p.textDocument.uri, null, (d) => hover(d, cache.get(d), d.offsetAt(p.position))))));
  connection.onCodeAction(guard('codeAction', [], (p, token) => (token.isCancellationRequested ? [] : withDoc(p.textDocument.uri, [], (d) => codeActions(d, cache.get(d), p.range, p.context.diagnostics)))));
  connection.languages.inlayHint.on(
    guard('inlayHint', [], (p, token) => (token.isCancellationRequested || !cache.current.inlayHints ? [] : withDoc(p.textDocument.uri, [], (d) => inlayHints(d, cache.get(d), p.range)))),
  );
  connection.onCodeLens(guard('codeLens', [], (p, token) => (token.isCancellationRequested || !cache.current.codeLens ? [] : withDoc(p.textDocument.uri, [], (d) => codeLenses(d.uri, cache.get(d))))));
  connection.onCompletion(
    guard('completion', [], (p, token) => (token.isCancellationRequested ? [] : withDoc(p.textDocument.uri, [], (d) => completion(d, cache.get(d), p.position, cache.current.customAccelerators)))),
  );
  connection.onRequest(
    REPORT_REQUEST,
    guard('report', null, (p: ReportParams) => withDoc(p.uri, null, (d) => planReport(d, cache.get(d)))),
  );
  connection.onRequest(GPU_LIST_REQUEST, guard('gpus', [], () => gpuList(cache.current.customAccelerators)));

  documents.listen(connection);
  connection.listen();
}
