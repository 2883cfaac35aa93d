/**
 * Analysis options: the documented defaults every figure falls back on, overridable by the user's settings
 * (`scalingLens.*` in VS Code, typed from this schema) and by CLI flags (`overrides`, highest precedence).
 */
import { z } from 'zod';

export const CustomAcceleratorSchema = z.object({
  name: z.string().min(1).describe('Name used in configs and settings, e.g. "MyCluster-H100".'),
  aliases: z.array(z.string()).optional().describe('Other names that match this accelerator.'),
  memoryGiB: z.number().positive().describe('Device memory in GiB.'),
  bf16Tflops: z.number().positive().describe('Dense (non-sparse) BF16 tensor peak, TFLOPS.'),
  fp16Tflops: z.number().positive().optional().describe('Dense FP16 tensor peak, TFLOPS.'),
  fp8Tflops: z.number().positive().optional().describe('Dense FP8 tensor peak, TFLOPS.'),
  fp32Tflops: z.number().positive().optional().describe('FP32 peak, TFLOPS.'),
  tdpW: z.number().positive().optional().describe('Board power (TDP), watts.'),
  pricePerGpuHour: z.number().nonnegative().optional().describe('USD per GPU-hour.'),
});

export const OptionsSchema = z.object({
  mfu: z.number().gt(0).max(1).default(0.4).describe(
    'Model FLOPs utilization assumed for time estimates when the config sets none (published steady-state MFU: Llama-2 ≈43%, PaLM 46.2%).',
  ),
  pue: z.number().min(1).max(3).default(1.1).describe('Data-center power usage effectiveness multiplying GPU energy.'),
  gridIntensity: z.number().min(0).max(2).default(0.4).describe('Grid carbon intensity, tonnes CO2 per MWh (kg/kWh).'),
  prices: z.record(z.string(), z.number().nonnegative()).default({}).describe(
    'USD per GPU-hour by accelerator name (e.g. {"H100": 2.2}); overrides the catalog\'s indicative low price.',
  ),
  customAccelerators: z.array(CustomAcceleratorSchema).default([]).describe('Accelerators not in the built-in catalog.'),
  computeOptimalTokensPerParam: z.number().positive().default(20).describe(
    'Compute-optimal tokens per parameter (Hoffmann et al. 2022, Approaches 1/2: ≈20).',
  ),
  underTrainedTokensPerParam: z.number().nonnegative().default(10).describe(
    'Warn `under-trained` below this many training tokens per (active) parameter. Fine-tuning runs are never warned.',
  ),
  overTrainedTokensPerParam: z.number().positive().default(100).describe(
    'Note `over-trained` (information only) above this many tokens per parameter.',
  ),
  memoryWarnFraction: z.number().gt(0).max(1).default(0.9).describe('Warn when the per-GPU memory estimate exceeds this fraction of usable memory.'),
  maxFileBytes: z.number().int().positive().default(5_000_000).describe('Files larger than this are not analysed.'),
  defaultGpu: z.string().default('').describe(
    'Accelerator assumed when a config names none (e.g. "H100"); set by the "Scaling Lens: Select GPU" command. Empty: none.',
  ),
  defaultGpuCount: z.number().int().min(0).max(10_000_000).default(0).describe('GPU count assumed when a config gives none (0: none).'),
});

export type Options = z.infer<typeof OptionsSchema>;
export type OptionsInput = z.input<typeof OptionsSchema>;

/** CLI flags / commands that override both the document and the settings. */
export interface Overrides {
  gpu?: string;
  gpus?: number;
  mfu?: number;
  price?: number;
}

/** Editor-only settings on top of the analysis options; package.json `contributes.configuration` is generated from it. */
export const EditorSettingsSchema = OptionsSchema.extend({
  inlayHints: z.boolean().default(true).describe('Show figures (params, FLOPs, tokens/param…) at the end of the lines that decide them.'),
  codeLens: z.boolean().default(true).describe('Show the one-line summary (params · tokens · FLOPs · days · $ · fit) atop each analysed file.'),
  files: z.array(z.string()).default([]).describe(
    'Extra glob patterns of files to analyse as training configs (native *.scaling.* files and recognised dialects are always analysed).',
  ),
  dialects: z.record(z.string(), z.string()).default({}).describe(
    'Force a dialect per glob, e.g. {"configs/**/*.yml": "gpt-neox"}. Ids: native, gpt-neox, deepspeed, megatron, nemo, nanotron, maxtext, olmo, levanter, litgpt, torchtitan, huggingface, accelerate, axolotl, mistral-finetune.',
  ),
});
export type EditorSettings = z.infer<typeof EditorSettingsSchema>;

/** The settings section (`scalingLens.*`), for messages. */
const SECTION = 'scalingLens';

/** Settings after validation, with one human-readable line per problem found. */
export interface NormalizedSettings {
  settings: EditorSettings;
  problems: string[];
}

type Removal = 'field' | Set<string>;

/** True for a plain (non-array) object. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `customAccelerators[0].memoryGiB`-style rendering of an issue path. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}${out ? '.' : ''}${String(key)}`), SECTION);
}

/** Applies the removals: whole fields, or single elements / entries of array and map fields. */
function applyRemovals(input: Record<string, unknown>, removals: Map<string, Removal>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...input };
  for (const [field, removal] of removals) {
    const value = out[field];
    if (removal === 'field') delete out[field];
    else if (Array.isArray(value)) out[field] = value.filter((_, i) => !removal.has(String(i)));
    else if (isRecord(value)) out[field] = Object.fromEntries(Object.entries(value).filter(([k]) => !removal.has(k)));
    else delete out[field];
  }
  return out;
}

/** Parses raw settings; what is invalid falls back to the schema's default (or is dropped, inside arrays and maps). */
export function normalizeSettings(raw: unknown): NormalizedSettings {
  const problems: string[] = [];
  if (raw !== undefined && raw !== null && !isRecord(raw)) problems.push(`${SECTION}: expected an object; using the defaults`);
  let input: Record<string, unknown> = isRecord(raw) ? raw : {};
  for (let round = 0; round < 4; round++) {
    const parsed = EditorSettingsSchema.safeParse(input);
    if (parsed.success) return { settings: parsed.data, problems };
    const removals = new Map<string, Removal>();
    for (const issue of parsed.error.issues) {
      const [field, element] = issue.path;
      if (field === undefined) return { settings: EditorSettingsSchema.parse({}), problems: [...problems, `${SECTION}: ${issue.message}; using the defaults`] };
      const key = String(field);
      const whole = element === undefined || removals.get(key) === 'field';
      const existing = removals.get(key);
      if (whole) removals.set(key, 'field');
      else removals.set(key, existing instanceof Set ? existing.add(String(element)) : new Set([String(element)]));
      const action = whole ? 'using the default' : 'ignoring this entry';
      problems.push(`${formatPath(issue.path)}: ${issue.message}; ${action}`);
    }
    input = applyRemovals(input, removals);
  }
  return { settings: EditorSettingsSchema.parse({}), problems: [...problems, `${SECTION}: still invalid; using the defaults`] };
}

export function defaultOptions(): Options {
  return OptionsSchema.parse({});
}
