/**
 * End-to-end scenario in a real VS Code (Extension Development Host), with plain node:assert.
 * test/e2e/runTest.ts opens a temporary copy of examples/ and calls `run()`; a thrown error fails the run.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'scaling-lens.scaling-lens';
const EXAMPLE = 'under-trained-7b.scaling.yaml';
/** 0-based line of `  steps: 5000` (line 7 in the editor). */
const STEPS_LINE = 6;
const TIMEOUT_MS = 30_000;
const COMMANDS = ['scalingLens.showReport', 'scalingLens.selectGpu', 'scalingLens.restartServer', 'scalingLens.showOutput'];

/** Polls `probe` until it returns a value (not undefined), or fails after `TIMEOUT_MS`. */
async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${TIMEOUT_MS / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A diagnostic's code as a string (servers may send `{ value, target }` when the code has a documentation link). */
function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? '');
}

/** The diagnostic with `code` in `uri`, when there is one. */
function diagnostic(uri: vscode.Uri, code: string): vscode.Diagnostic | undefined {
  return vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === code);
}

/** All text of the hovers at a position. */
async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** The scenario, as named steps sharing state; the first failure ends the run. */
function scenario(folder: vscode.Uri): [string, () => Promise<void>][] {
  const uri = vscode.Uri.joinPath(folder, EXAMPLE);
  const brokenUri = vscode.Uri.joinPath(folder, 'broken.scaling.yaml');
  let warning: vscode.Diagnostic | undefined;
  const hoverHasFlops = async () => {
    const text = await hoverText(uri, new vscode.Position(STEPS_LINE, 4));
    assert.ok(text.includes('FLOPs'), `hover on steps: ${JSON.stringify(text)}`);
  };
  return [
    ['the extension activates and registers its commands', async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is not loaded`);
      await extension.activate();
      const commands = await vscode.commands.getCommands(true);
      for (const id of COMMANDS) assert.ok(commands.includes(id), `${id} not registered`);
    }],
    [`an under-trained diagnostic on line ${STEPS_LINE + 1} (steps:)`, async () => {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      warning = await waitFor('the under-trained diagnostic', () => diagnostic(uri, 'under-trained'));
      assert.equal(warning.range.start.line, STEPS_LINE);
      assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
    }],
    ['the hover on steps shows FLOPs', hoverHasFlops],
    ['inlay hints are provided', async () => {
      const doc = await vscode.workspace.openTextDocument(uri);
      const range = new vscode.Range(0, 0, doc.lineCount, 0);
      const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', uri, range);
      assert.ok(hints.length > 0, 'no inlay hints');
    }],
    ['a code lens opens the plan report', async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
      assert.ok(lenses.length >= 1, 'no code lens');
      const lens = lenses.find((l) => l.command?.command === 'scalingLens.showReport');
      assert.ok(lens?.command, `no lens runs scalingLens.showReport: ${JSON.stringify(lenses.map((l) => l.command?.command))}`);
      await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
      const report = await waitFor('the report document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'scaling-lens-report'));
      assert.ok(report.getText().length > 0, 'empty report');
    }],
    ['the quick fix sets compute-optimal tokens and the warning goes away', async () => {
      assert.ok(warning, 'no warning from the earlier step');
      const doc = await vscode.workspace.openTextDocument(uri);
      const before = doc.lineAt(STEPS_LINE).text;
      let titles: string[] = [];
      const range = warning.range;
      const fix = await waitFor('the compute-optimal quick fix', async () => {
        const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
          'vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value, 10,
        );
        titles = actions.map((a) => a.title);
        return actions.find((a): a is vscode.CodeAction => typeof a.command !== 'string' && 'edit' in a && !!a.edit && a.title.startsWith('Set training tokens to compute-optimal'));
      }).catch((e: unknown) => {
        throw new Error(`${e instanceof Error ? e.message : String(e)}; titles seen: ${JSON.stringify(titles)}`);
      });
      assert.ok(fix.edit, `no edit on ${fix.title}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit was not applied');
      const after = doc.lineAt(STEPS_LINE).text;
      assert.match(after, /^\s*steps:/);
      assert.notEqual(after, before, 'steps: unchanged');
      await waitFor('the under-trained warning to go away', () => (diagnostic(uri, 'under-trained') ? undefined : true));
      await doc.save();
    }],
    ['a broken file gets a parse-error and the server keeps answering', async () => {
      await vscode.workspace.fs.writeFile(brokenUri, new TextEncoder().encode('model: [\n'));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(brokenUri));
      await waitFor('the parse-error diagnostic', () => diagnostic(brokenUri, 'parse-error'));
      await hoverHasFlops();
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      assert.ok(lenses.length >= 1, 'no code lens after the broken file');
    }],
  ];
}

/** Entry point called by VS Code's test runner. */
export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'the runner opens a copy of examples/ as the workspace');
  const steps = scenario(folder);
  let passed = 0;
  for (const [name, body] of steps) {
    const start = Date.now();
    try {
      await body();
    } catch (error) {
      console.log(`  ✗ ${name}: ${error instanceof Error ? error.message : String(error)}`);
      throw new Error(`e2e: ${passed}/${steps.length} steps passed; failed at "${name}"`);
    }
    passed++;
    console.log(`  ✓ ${name} (${Date.now() - start} ms)`);
  }
  console.log(`e2e: ${passed}/${steps.length} steps passed`);
}
