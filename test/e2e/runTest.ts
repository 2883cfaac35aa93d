/**
 * `npm run test:vscode`: runs test/e2e/suite in a real VS Code (@vscode/test-electron) on a temporary copy of
 * examples/. VS Code must first be downloaded (or be cached in .vscode-test/); when it cannot be, this prints one
 * SKIPPED line and exits 0 without claiming anything passed (set SCALING_LENS_REQUIRE_VSCODE=1 to fail instead).
 * SCALING_LENS_VSCODE_VERSION picks the version (default: stable; e.g. 1.91.0, the oldest the manifest allows).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { downloadAndUnzipVSCode, runTests, type ProgressReporter } from '@vscode/test-electron';

/** Idle timeout of each download request: short, so an offline machine gives up quickly. */
const DOWNLOAD_IDLE_TIMEOUT_MS = 15_000;

/** The repository root: the nearest folder up from here whose package.json is Scaling Lens's. */
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'scaling-lens') return dir;
    if (dirname(dir) === dir) throw new Error(`no scaling-lens package.json above ${from}`);
  }
}

/** Reports download progress in a few lines (and nothing while it resolves versions, so offline stays one line). */
const reporter: ProgressReporter = {
  report(report) {
    if (report.stage === 'resolvingCDNLocation') console.log(`test:vscode: downloading VS Code from ${report.url}`);
    if (report.stage === 'newInstallComplete') console.log(`test:vscode: VS Code installed in ${report.downloadedPath}`);
  },
  error() {
    // The error is rethrown by downloadAndUnzipVSCode and reported once, below.
  },
};

/** First line of an error's message, kept short. */
function reasonOf(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
  return (text || 'unknown error').slice(0, 200);
}

/** Downloads (or finds cached) VS Code, runs the suite, and exits with its result. */
async function main(): Promise<number> {
  const root = findRoot(__dirname);
  const version = process.env.SCALING_LENS_VSCODE_VERSION ?? 'stable';
  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath: join(root, '.vscode-test'), timeout: DOWNLOAD_IDLE_TIMEOUT_MS, reporter });
  } catch (error) {
    const required = process.env.SCALING_LENS_REQUIRE_VSCODE === '1';
    console.log(`test:vscode ${required ? 'FAILED' : 'SKIPPED'}: VS Code could not be downloaded (${reasonOf(error)}); run where the network reaches update.code.visualstudio.com`);
    return required ? 1 : 0;
  }
  const workspace = mkdtempSync(join(tmpdir(), 'scaling-lens-e2e-'));
  const examples = join(workspace, 'examples');
  cpSync(join(root, 'examples'), examples, { recursive: true });
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: root,
      extensionTestsPath: resolve(root, 'dist/test/e2e/suite/index.js'),
      launchArgs: [examples, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    });
    console.log('test:vscode PASSED');
    return 0;
  } catch (error) {
    console.log(`test:vscode FAILED: ${reasonOf(error)}`);
    return 1;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.log(`test:vscode FAILED: ${reasonOf(error)}`);
    process.exit(1);
  },
);
