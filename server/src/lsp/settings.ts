/** Settings pulled with workspace/configuration, validated field by field against the zod schema. */
import { EditorSettingsSchema, type EditorSettings } from '../core/options';

export interface SettingsResult {
  settings: EditorSettings;
  /** One line per field that was invalid and fell back to its default. */
  problems: string[];
}

export function normalizeSettings(raw: unknown): SettingsResult {
  const problems: string[] = [];
  const input = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const good: Record<string, unknown> = {};
  const shape = EditorSettingsSchema.shape as Record<string, { safeParse: (v: unknown) => { success: boolean; error?: { issues: { message: string }[] } } }>;
  for (const [key, schema] of Object.entries(shape)) {
    if (!(key in input) || input[key] === null || input[key] === undefined) continue;
    const r = schema.safeParse(input[key]);
    if (r.success) good[key] = input[key];
    else problems.push(`scalingLens.${key}: ${r.error?.issues[0]?.message ?? 'invalid'}; using the default`);
  }
  return { settings: EditorSettingsSchema.parse(good), problems };
}
