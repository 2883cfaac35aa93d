/**
 * Generates the JSON Schemas in schemas/ from the zod schemas (one source of truth).
 * `npm run gen` writes them; test/unit/schemas.test.ts fails when a committed schema drifts.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ReportSchema } from '../server/src/core/report';
import { OptionsSchema } from '../server/src/core/options';
import { nativeZodSchema } from '../server/src/dialects/native';

const root = resolve(import.meta.dirname, '..');

export function renderSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  const emit = (file: string, id: string, title: string, schema: z.ZodType, io: 'input' | 'output') => {
    const json = { $id: id, title, ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }) };
    out[file] = `${JSON.stringify(json, null, 2)}\n`;
  };
  emit('schemas/native.schema.json', 'https://scaling-lens.dev/schemas/native.schema.json', 'Scaling Lens training plan (*.scaling.yaml)', nativeZodSchema(), 'input');
  emit('schemas/report.schema.json', 'https://scaling-lens.dev/schemas/report.schema.json', 'scaling-lens check --format json (version 1)', ReportSchema, 'output');
  emit('schemas/settings.schema.json', 'https://scaling-lens.dev/schemas/settings.schema.json', 'Scaling Lens settings (scalingLens.*)', OptionsSchema, 'input');
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  for (const [file, text] of Object.entries(renderSchemas())) {
    writeFileSync(resolve(root, file), text);
    console.log(`gen-schemas: wrote ${file}`);
  }
}
