/**
 * Generates package.json's `contributes.configuration` from `EditorSettingsSchema` (one source of truth for the
 * settings). `npm run gen` rewrites package.json in place (key order and 2-space indent kept);
 * test/unit/manifest.test.ts fails when the committed manifest drifts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { EditorSettingsSchema } from '../server/src/core/options';

const root = resolve(import.meta.dirname, '..');
export const MANIFEST = resolve(root, 'package.json');

/** A JSON Schema node, as VS Code's settings editor reads it. */
type SchemaNode = { [key: string]: unknown };

/** JSON Schema keywords VS Code's settings editor understands; everything else zod emits is dropped. */
const KEPT = ['type', 'enum', 'default', 'description', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'items', 'properties', 'required', 'additionalProperties'];

/** Copies the kept keywords recursively, dropping the safe-integer bounds zod adds to `.int()`. */
function toVsCode(node: SchemaNode): SchemaNode {
  const out: SchemaNode = {};
  for (const key of KEPT) {
    const value = node[key];
    if (value === undefined) continue;
    if ((key === 'maximum' && value === Number.MAX_SAFE_INTEGER) || (key === 'minimum' && value === Number.MIN_SAFE_INTEGER)) continue;
    if (key === 'items' || key === 'additionalProperties') out[key] = isNode(value) ? toVsCode(value) : value;
    else if (key === 'properties' && isNode(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isNode(v) ? toVsCode(v) : v]));
    else out[key] = value;
  }
  return out;
}

/** True for a JSON object. */
function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `contributes.configuration` object: every `EditorSettingsSchema` field as `scalingLens.<name>`, plus the trace. */
export function renderConfiguration(): SchemaNode {
  const schema = z.toJSONSchema(EditorSettingsSchema, { io: 'input', unrepresentable: 'any' });
  const fields = isNode(schema.properties) ? schema.properties : {};
  const properties: SchemaNode = {};
  let order = 0;
  for (const [name, node] of Object.entries(fields)) {
    if (!isNode(node)) continue;
    properties[`scalingLens.${name}`] = { ...toVsCode(node), scope: 'resource', order: order++ };
  }
  properties['scalingLens.trace.server'] = {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: 'off',
    description: 'Traces the messages between VS Code and the Scaling Lens language server (shown in the "Scaling Lens" output channel at log level Trace).',
    scope: 'window',
    order: order++,
  };
  return { title: 'Scaling Lens', properties };
}

/** package.json text with `contributes.configuration` regenerated; every other key keeps its place and value. */
export function renderManifest(text: string): string {
  const manifest = JSON.parse(text) as SchemaNode;
  const contributes = isNode(manifest.contributes) ? manifest.contributes : {};
  contributes.configuration = renderConfiguration();
  manifest.contributes = contributes;
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const before = readFileSync(MANIFEST, 'utf8');
  const after = renderManifest(before);
  if (after !== before) writeFileSync(MANIFEST, after);
  console.log(`gen-manifest: ${after === before ? 'package.json up to date' : 'wrote package.json contributes.configuration'}`);
}
