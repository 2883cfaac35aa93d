/** package.json is the extension's contract with VS Code: generated parts must not drift, commands must exist. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { MANIFEST, renderConfiguration, renderManifest } from '../../scripts/gen-manifest';
import * as protocol from '../../server/src/protocol/index';
import { DOCUMENT_SELECTOR } from '../../client/src/selector';

const root = resolve(import.meta.dirname, '../..');
const clientDir = resolve(root, 'client/src');

interface Manifest {
  main: string;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string }[];
    configuration: unknown;
    jsonValidation: { fileMatch: string; url: string }[];
  };
}

const text = readFileSync(MANIFEST, 'utf8');
const manifest = JSON.parse(text) as Manifest;
const clientSource = readdirSync(clientDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(resolve(clientDir, f), 'utf8'))
  .join('\n');

test('contributes.configuration is generated from EditorSettingsSchema (run `npm run gen` after changing it)', () => {
  assert.deepEqual(manifest.contributes.configuration, renderConfiguration());
  assert.equal(renderManifest(text), text, 'package.json is not in the form scripts/gen-manifest.ts writes');
});

test('every contributed command is registered by the client, under the "Scaling Lens" category', () => {
  for (const { command, category } of manifest.contributes.commands) {
    assert.ok(clientSource.includes(`registerCommand('${command}'`), `${command} is contributed but not registered in client/src`);
    assert.equal(category, 'Scaling Lens', `${command} category`);
  }
});

test('every command the client registers or the protocol names is contributed', () => {
  const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
  const registered = [...clientSource.matchAll(/registerCommand\('([^']+)'/g)].map((m) => m[1]!);
  const named = Object.entries(protocol).filter(([k]) => k.endsWith('_COMMAND')).map(([, v]) => String(v));
  assert.ok(registered.length > 0);
  for (const id of [...registered, ...named]) assert.ok(contributed.has(id), `${id} is not in contributes.commands`);
});

test('the client activates on every language it selects, and JSON validation points at an existing schema', () => {
  for (const language of new Set(DOCUMENT_SELECTOR.flatMap((f) => (f.language ? [f.language] : [])))) {
    assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`), `onLanguage:${language} missing`);
  }
  for (const { url } of manifest.contributes.jsonValidation) assert.ok(existsSync(resolve(root, url)), `${url} missing`);
});

test('the client bundle does not pull in the language server library', async () => {
  const result = await build({
    entryPoints: [resolve(clientDir, 'extension.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['vscode'],
    mainFields: ['module', 'main'],
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((p) => p.includes('node_modules/vscode-languageclient/')), 'expected the language client in the bundle');
  const server = inputs.filter((p) => /node_modules\/vscode-languageserver\//.test(p) || p.includes('server/src/lsp/'));
  assert.deepEqual(server, [], 'the client must not bundle vscode-languageserver or server/src/lsp');
});
