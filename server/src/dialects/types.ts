/**
 * The contract every framework adapter implements. An adapter turns one parsed document into a TrainingPlan whose
 * values carry document ranges (so hover, diagnostics, inlay hints and quick fixes work in every dialect).
 * Adapters are pure: files referenced by a config (base configs, `!include`, a DeepSpeed JSON) are read through
 * `ctx.readFile`, which the CLI/LSP bound to the workspace, in size and in depth.
 */
import type { Finding } from '../core/findings';
import type { Framework, TrainingPlan } from '../core/plan';
import type { ParsedDocument } from './syntax/tree';

export interface ReadResult {
  /** Resolved path of the file read (shown in provenance). */
  path: string;
  text: string;
}

export interface AdapterContext {
  fileName: string;
  /**
   * Read another file named by this config (relative to `from`, default the config's own file). Returns undefined
   * when it does not exist, is outside the workspace, is too large, or reading is not available (then the adapter
   * reports `missing-value` at the key that names it).
   */
  readFile?: (path: string, from?: string) => ReadResult | undefined;
}

export interface Detection {
  /** 0–100; the highest wins. Native file names score 100; a framework's telltale keys 50–90. */
  score: number;
  /** Why (shown in hover and the status item), e.g. "top-level pipe_parallel_size, num_layers, train_iters". */
  reason: string;
}

export interface DialectResult {
  plan: TrainingPlan;
  findings: Finding[];
  /** This dialect's key for plan fields, for messages and missing-value hints (`training.steps` → `train_iters`). */
  keyHints: Record<string, string>;
  /** How hardware can be supplied in this framework (appended to the missing-hardware message). */
  hardwareHint?: string;
}

export interface DialectAdapter {
  id: string;
  name: string;
  /**
   * The memory profile this framework implies (core/memory.ts FRAMEWORKS), given only where it is validated against
   * measurements (eager PyTorch / HF / FSDP2: shared/gpu). Absent: the textbook `generic` profile.
   */
  memoryProfile?: Framework;
  detect(parsed: ParsedDocument, fileName: string): Detection | undefined;
  adapt(parsed: ParsedDocument, ctx: AdapterContext): DialectResult;
  /** Render a fix value in this dialect's style for the token it replaces (e.g. OLMo `2e12T`); default rendering otherwise. */
  renderValue?(field: string, value: number | string | boolean, oldToken: string): string | undefined;
}
