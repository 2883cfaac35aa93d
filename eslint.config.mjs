// Layer boundaries (DESIGN §2) are enforced here, not by good intentions.
import tseslint from 'typescript-eslint';

const noLsp = ['vscode', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient', 'vscode-languageclient/*', 'vscode-languageserver-textdocument'];
const nodeBuiltins = ['fs', 'node:*', 'path', 'child_process', 'os', 'process', 'util', 'http', 'https', 'net'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.editor-lab/**', '.cache/**', '.vscode-test/**', 'test-results/**', '**/*.mjs', '**/*.js', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['server/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...noLsp, ...nodeBuiltins], patterns: [{ group: ['node:*', '../dialects/*', '../lsp/*', '../cli/*', '*/dialects/*', '*/lsp/*', '*/cli/*'], message: 'core/ is pure: it imports only zod and itself.' }] }],
    },
  },
  {
    files: ['server/src/dialects/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...noLsp, ...nodeBuiltins], patterns: [{ group: ['node:*', '../lsp/*', '../cli/*', '../host/*', '*/lsp/*', '*/cli/*', '*/host/*'], message: 'dialects/ maps text to plans: no LSP, no CLI, no file system (files come through ctx.readFile).' }] }],
    },
  },
  {
    files: ['server/src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vscode', 'vscode-languageclient'] }],
    },
  },
  {
    files: ['client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vscode-languageserver', 'vscode-languageserver-textdocument'], patterns: [{ group: ['vscode-languageserver/*', '**/server/src/lsp/**', '**/server/src/dialects/**', '**/server/src/cli/**'], message: 'the client talks to the server over LSP; it may import only server/src/core and server/src/protocol.' }] }],
    },
  },
);
