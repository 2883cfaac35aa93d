/** One code lens atop the file: params · tokens · FLOPs · days · $ · fit; clicking opens the plan report. */
import type { CodeLens } from 'vscode-languageserver';
import { summaryLine } from '../core/summary';
import type { DocumentAnalysis } from '../dialects/index';
import { SHOW_REPORT_COMMAND } from '../protocol/index';

export function codeLenses(uri: string, result: DocumentAnalysis): CodeLens[] {
  if (!result.analysis || !result.dialect) return [];
  return [
    {
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      command: { title: `Scaling Lens: ${summaryLine(result.analysis)}`, command: SHOW_REPORT_COMMAND, arguments: [uri] },
    },
  ];
}
