/** "Select GPU": pick an accelerator from the server's catalog and a count; writes them to the settings. */
import * as vscode from 'vscode';
import { EditorSettingsSchema } from '../../server/src/core/options';
import { SETTINGS_SECTION, type GpuListItem } from '../../server/src/protocol/index';

/** A quick pick entry carrying the accelerator name to write ('' clears the setting). */
interface GpuPick extends vscode.QuickPickItem {
  gpu: string;
}

const TITLE = 'Scaling Lens: Select GPU';

/** Asks for the accelerator and the count, then updates `scalingLens.defaultGpu` / `scalingLens.defaultGpuCount`. */
export async function selectGpu(listGpus: () => Promise<GpuListItem[]>): Promise<void> {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const current = config.get<string>('defaultGpu', '');
  const gpus = await listGpus();
  const picks: GpuPick[] = [
    { label: '$(circle-slash) None', description: 'assume no accelerator', gpu: '' },
    ...gpus.map((g) => ({ label: g.name, detail: g.detail, description: g.name === current ? 'current' : undefined, gpu: g.name })),
  ];
  const pick = await vscode.window.showQuickPick(picks, {
    title: TITLE,
    placeHolder: 'Accelerator assumed when a config names none',
    matchOnDetail: true,
  });
  if (pick === undefined) return;
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  if (pick.gpu === '') {
    await config.update('defaultGpu', '', target);
    return;
  }
  const count = await askCount(pick.gpu, config.get<number>('defaultGpuCount', 0));
  if (count === undefined) return;
  await config.update('defaultGpu', pick.gpu, target);
  await config.update('defaultGpuCount', count, target);
  const where = target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'user';
  void vscode.window.showInformationMessage(`Scaling Lens: assuming ${count} × ${pick.gpu} where a config names no hardware (${where} settings).`);
}

/** Input box for the GPU count, validated with the settings schema; undefined when cancelled. */
async function askCount(gpu: string, current: number): Promise<number | undefined> {
  const countSchema = EditorSettingsSchema.shape.defaultGpuCount;
  const text = await vscode.window.showInputBox({
    title: TITLE,
    prompt: `How many ${gpu}? (0: leave the count to each config)`,
    value: String(current > 0 ? current : 8),
    validateInput: (value) => {
      const n = Number(value.trim());
      return value.trim() !== '' && countSchema.safeParse(n).success ? undefined : 'A whole number from 0 to 10,000,000';
    },
  });
  return text === undefined ? undefined : Number(text.trim());
}
