/** Custom requests: the plan report (the CLI's `explain`, as markdown) and the accelerator list for "Select GPU". */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { explainAnalysis } from '../core/explain';
import { acceleratorChoices, type CustomAccelerator } from '../core/hardware';
import { summaryLine } from '../core/summary';
import type { DocumentAnalysis } from '../dialects/index';
import type { GpuListItem, ReportResult } from '../protocol/index';

export function planReport(doc: TextDocument, result: DocumentAnalysis): ReportResult {
  const name = doc.uri.split('/').pop() ?? doc.uri;
  const lines: string[] = [`# Scaling Lens — ${decodeURIComponent(name)}`, ''];
  if (!result.analysis || !result.dialect) {
    lines.push(`Not analysed: ${result.skipped ?? 'not a recognised training config'}.`);
  } else {
    lines.push(`**${result.dialect.name}** (${result.dialect.reason})`, '', `**${summaryLine(result.analysis)}**`, '');
    if (result.findings.length) {
      lines.push('## Findings', '');
      for (const f of result.findings) lines.push(`- **${f.severity}** \`${f.code}\` (line ${doc.positionAt(f.range.start).line + 1}): ${f.message}`);
      lines.push('');
    }
    lines.push('## Breakdown', '', '```text', explainAnalysis(result.analysis, (o) => doc.positionAt(o).line), '```');
  }
  return { uri: doc.uri, title: `Scaling Lens: ${decodeURIComponent(name)}`, markdown: lines.join('\n') };
}

export function gpuList(custom: readonly CustomAccelerator[]): GpuListItem[] {
  return acceleratorChoices(custom);
}
