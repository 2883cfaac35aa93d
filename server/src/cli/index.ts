#!/usr/bin/env node
/** Process entry of the `scaling-lens` bin (bundled to dist/cli.js). */
import { runCli } from './main';
import { startServer } from '../lsp/server';

process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});
if (process.argv[2] === 'lsp') {
  // `scaling-lens lsp --stdio`: the language server for any LSP client (Neovim, Helix, Emacs…).
  if (!process.argv.includes('--stdio') && !process.argv.some((a) => a.startsWith('--node-ipc') || a.startsWith('--socket'))) {
    process.stderr.write('scaling-lens: lsp needs a transport: --stdio (or --node-ipc, --socket=PORT)\n');
    process.exit(2);
  }
  startServer();
} else {
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
  });
}
