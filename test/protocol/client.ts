/** A minimal LSP client over stdio for protocol tests: spawns the built server and speaks JSON-RPC to it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code?: string; severity?: number; message: string; source?: string; codeDescription?: { href: string } }[];
}

export const root = resolve(import.meta.dirname, '../..');
export const fileUri = (p: string): string => pathToFileURL(resolve(root, p)).toString();

export class TestClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  readonly published: PublishedDiagnostics[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  readonly stderr: string[] = [];
  private waiters: { uri: string; version: number | undefined; resolve: (d: PublishedDiagnostics) => void }[] = [];

  constructor(args: string[] = ['dist/server.js', '--stdio'], settings: Record<string, unknown> = {}) {
    this.proc = spawn(process.execPath, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (b: Buffer) => this.stderr.push(b.toString()));
    this.conn = createMessageConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
          w.resolve(p);
          return false;
        }
        return true;
      });
    });
    this.conn.onNotification((method: string, params: unknown) => {
      this.notifications.push({ method, params });
    });
    this.conn.onRequest('workspace/configuration', () => [settings]);
    this.conn.onRequest('workspace/inlayHint/refresh', () => null);
    this.conn.onRequest('workspace/codeLens/refresh', () => null);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.listen();
  }

  async initialize(): Promise<{ capabilities: Record<string, unknown>; serverInfo?: { name: string } }> {
    const r = await this.conn.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).toString(),
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    });
    await this.conn.sendNotification('initialized', {});
    return r;
  }

  /** The next publishDiagnostics for `uri` (at `version` if given). */
  diagnostics(uri: string, version?: number, timeoutMs = 5000): Promise<PublishedDiagnostics> {
    return new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        uri,
        version,
        resolve: (d) => {
          clearTimeout(t);
          res(d);
        },
      });
    });
  }

  async open(uri: string, text: string, languageId = 'yaml', version = 1): Promise<PublishedDiagnostics> {
    const wait = this.diagnostics(uri, version);
    await this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
    return wait;
  }

  async change(uri: string, version: number, text: string): Promise<PublishedDiagnostics> {
    const wait = this.diagnostics(uri, version);
    await this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return wait;
  }

  /** The first notification with `method` (already received or arriving within `timeoutMs`). */
  async notification(method: string, timeoutMs = 3000): Promise<{ method: string; params: unknown } | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = this.notifications.find((x) => x.method === method);
      if (n || Date.now() > deadline) return n;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest<R>(method, params);
  }

  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>((res) => this.proc.once('exit', (code) => res(code)));
    try {
      await this.conn.sendRequest('shutdown');
      await this.conn.sendNotification('exit');
    } catch {
      this.proc.kill();
    }
    const code = await Promise.race([exited, new Promise<null>((res) => setTimeout(() => res(null), 3000))]);
    this.conn.dispose();
    if (this.proc.exitCode === null) this.proc.kill();
    return code;
  }
}

/** Apply LSP text edits (same document) to a text. */
export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
