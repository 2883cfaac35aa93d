// Layer boundaries (DESIGN §2) are enforced here, not by good intentions.
import tseslint from 'typescript-eslint';

const noLsp = ['vscode', 'vscode-languageserver', 'vscode-languageserver/*', 'vscode-languageclient', 'vscode-languageclient/*', 'vscode-languageserver-textdocument'];
const nodeBuiltins = ['fs', 'node:*', 'path', 'child_process', 'os', 'process', 'util', 'http', 'https', 'net'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.editor-lab/**', '.cache/**', 'test-results/**', '**/*.mjs', '**/*.js'] },
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
      'no-restricted-imports': ['error', { paths: [...noLsp, ...nodeBuiltins], patterns: [{ group: ['node:*', '../lsp/*', '../cli/*', '*/lsp/*', '*/cli/*'], message: 'dialects/ maps text to plans: no LSP, no CLI, no file system.' }] }],
    },
  },
  {
    files: ['server/src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vscode', 'vscode-languageclient'], patterns: [{ group: ['../lsp/*'], message: 'the CLI starts the server through its entry, not its internals.' }] }],
    },
  },
);
