/** SARIF 2.1.0 output for CI code scanning (GitHub, GitLab, Azure DevOps). */
import { docsUrl, FINDING_CODES, type FindingCode } from '../core/findings';
import type { FileReport } from '../core/report';
import { editsForFix, type DocumentAnalysis } from '../dialects/index';

const LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

const RULE_TEXT: Record<FindingCode, string> = {
  'under-trained': 'Training tokens far below compute-optimal for the model size',
  'over-trained': 'Training tokens far above compute-optimal (information)',
  'does-not-fit': 'Estimated memory per GPU exceeds (or nearly exceeds) usable device memory',
  'parallelism-mismatch': 'TP × PP × CP × DP does not equal the number of GPUs',
  'batch-mismatch': 'Global batch ≠ micro-batch × DP × gradient accumulation',
  'heads-not-divisible': 'Attention heads not divisible by tensor parallelism',
  'layers-not-divisible': 'Layers not divisible by pipeline stages',
  'tp-across-nodes': 'Tensor parallelism larger than GPUs per node',
  'unknown-gpu': 'Accelerator not in the catalog',
  'unknown-preset': 'Model preset not known',
  'missing-value': 'A value needed for a figure is missing',
  'invalid-value': 'A value is not valid',
  'parse-error': 'The file could not be parsed',
};

export function toSarif(files: { display: string; result: DocumentAnalysis; report: FileReport }[], version: string): unknown {
  const results = files.flatMap(({ display, result, report }) =>
    report.diagnostics.map((d, i) => {
      const f = result.findings[i];
      const fixes = (f?.fixes ?? []).flatMap((x) => {
        const edits = editsForFix(result, x);
        if (!edits) return [];
        return [
          {
            description: { text: x.title },
            artifactChanges: [
              {
                artifactLocation: { uri: toUri(display) },
                replacements: edits.map((e) => {
                  const s = result.lines.positionAt(e.range.start);
                  const en = result.lines.positionAt(e.range.end);
                  return {
                    deletedRegion: { startLine: s.line + 1, startColumn: s.character + 1, endLine: en.line + 1, endColumn: en.character + 1 },
                    insertedContent: { text: e.newText },
                  };
                }),
              },
            ],
          },
        ];
      });
      return {
        ruleId: d.code,
        ruleIndex: FINDING_CODES.indexOf(d.code),
        level: LEVEL[d.severity],
        message: { text: d.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: toUri(display) },
              region: {
                startLine: d.range.start.line + 1,
                startColumn: d.range.start.character + 1,
                endLine: d.range.end.line + 1,
                endColumn: d.range.end.character + 1,
              },
            },
          },
        ],
        ...(fixes.length ? { fixes } : {}),
      };
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'scaling-lens',
            version,
            informationUri: 'https://github.com/scaling-lens/scaling-lens',
            rules: FINDING_CODES.map((code) => ({
              id: code,
              name: code,
              shortDescription: { text: RULE_TEXT[code] },
              helpUri: docsUrl(code),
            })),
          },
        },
        results,
      },
    ],
  };
}

function toUri(p: string): string {
  return p.split('\\').join('/').split('/').map(encodeURIComponent).join('/');
}
