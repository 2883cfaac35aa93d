/**
 * The custom part of the protocol between the Scaling Lens server and its clients (the VS Code extension; other
 * editors can use it too). Plain constants and types: no imports, so both sides can include it.
 */

/** Notification server → client after each analysis: what the status item shows. */
export const STATUS_NOTIFICATION = 'scalingLens/status';
export interface StatusParams {
  uri: string;
  /** Detected dialect name, or null when the file is not analysed. */
  dialect: string | null;
  /** Why that dialect was chosen (or why the file is not analysed). */
  reason: string;
  /** One-line summary: params · tokens · FLOPs · days · $ · fit. */
  summary: string;
  errors: number;
  warnings: number;
}

/** Request client → server: the full plan report (the CLI's `explain`) for a document, as markdown. */
export const REPORT_REQUEST = 'scalingLens/report';
export interface ReportParams {
  uri: string;
}
export interface ReportResult {
  uri: string;
  title: string;
  markdown: string;
}

/** Command executed by clicking the code lens; the client opens the report view. Argument: the document URI. */
export const SHOW_REPORT_COMMAND = 'scalingLens.showReport';
export const SELECT_GPU_COMMAND = 'scalingLens.selectGpu';
export const RESTART_COMMAND = 'scalingLens.restartServer';
export const SHOW_OUTPUT_COMMAND = 'scalingLens.showOutput';

/** Request client → server: accelerator names for the "Select GPU" quick pick. */
export const GPU_LIST_REQUEST = 'scalingLens/gpus';
export interface GpuListItem {
  name: string;
  detail: string;
}

/** The configuration section the server pulls with workspace/configuration. */
export const SETTINGS_SECTION = 'scalingLens';
