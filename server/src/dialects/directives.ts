/**
 * `# scaling-lens: gpu=H100 count=64 mfu=0.45 price=2.1` comments: hardware for files whose framework does not
 * record it. Read in every dialect; a value in the document itself wins.
 */
import type { Finding } from '../core/findings';
import { doc, sv, type TrainingPlan } from '../core/plan';
import { parseQuantity } from '../core/units';
import type { Comment } from './syntax/tree';
import { hasField, setField } from './native';

const DIRECTIVE = /^\s*scaling-lens\s*:\s*(.*)$/i;
const PAIR = /([a-z_]+)\s*=\s*("[^"]*"|'[^']*'|\S+)/gi;

const FIELDS: Record<string, { field: string; kind: 'string' | 'int' | 'float' }> = {
  gpu: { field: 'cluster.gpu', kind: 'string' },
  count: { field: 'cluster.count', kind: 'int' },
  gpus: { field: 'cluster.count', kind: 'int' },
  nodes: { field: 'cluster.nodes', kind: 'int' },
  gpus_per_node: { field: 'cluster.gpusPerNode', kind: 'int' },
  mfu: { field: 'cluster.mfu', kind: 'float' },
  price: { field: 'cluster.pricePerGpuHour', kind: 'float' },
  tokens: { field: 'training.tokens', kind: 'float' },
  seq_len: { field: 'model.seqLen', kind: 'int' },
};

export function applyDirectives(comments: readonly Comment[], plan: TrainingPlan, text: string): Finding[] {
  const findings: Finding[] = [];
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m || m[1] === undefined) continue;
    const slice = text.slice(c.range.start, c.range.end);
    const bodyStart = c.range.start + Math.max(0, slice.lastIndexOf(m[1]));
    PAIR.lastIndex = 0;
    for (let p = PAIR.exec(m[1]); p; p = PAIR.exec(m[1])) {
      const name = p[1]!.toLowerCase();
      const rawValue = p[2]!.replace(/^["']|["']$/g, '');
      const start = bodyStart + p.index;
      const range = { start, end: start + p[0].length };
      const spec = FIELDS[name];
      if (!spec) {
        findings.push({ code: 'invalid-value', severity: 'warning', message: `Unknown scaling-lens directive "${name}" (known: ${Object.keys(FIELDS).join(', ')}).`, range });
        continue;
      }
      if (hasField(plan, spec.field)) continue;
      let value: string | number;
      if (spec.kind === 'string') value = rawValue;
      else {
        const r = parseQuantity(rawValue);
        if (!r.ok || r.value <= 0 || (spec.kind === 'int' && !Number.isInteger(r.value)) || (name === 'mfu' && r.value > 1)) {
          findings.push({ code: 'invalid-value', severity: 'error', message: `Directive ${name}=${rawValue}: ${r.ok ? 'out of range' : r.reason}.`, range });
          continue;
        }
        value = r.value;
      }
      setField(plan, spec.field, sv(value, doc(`# scaling-lens: ${name}`, range, range)));
    }
  }
  return findings;
}
