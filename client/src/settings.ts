/**
 * Validation of the `scalingLens` settings section before the server sees it: the server pulls the section with
 * `workspace/configuration`; this middleware parses each answer with `EditorSettingsSchema` and replaces bad
 * fields by their defaults (bad array elements and map entries are dropped), so the server always gets typed settings.
 */
import type { ConfigurationMiddleware } from 'vscode-languageclient/node';
import { EditorSettingsSchema, type EditorSettings } from '../../server/src/core/options';
import { SETTINGS_SECTION } from '../../server/src/protocol/index';

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
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}${out ? '.' : ''}${String(key)}`), SETTINGS_SECTION);
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
  if (raw !== undefined && raw !== null && !isRecord(raw)) problems.push(`${SETTINGS_SECTION}: expected an object; using the defaults`);
  let input: Record<string, unknown> = isRecord(raw) ? raw : {};
  for (let round = 0; round < 4; round++) {
    const parsed = EditorSettingsSchema.safeParse(input);
    if (parsed.success) return { settings: parsed.data, problems };
    const removals = new Map<string, Removal>();
    for (const issue of parsed.error.issues) {
      const [field, element] = issue.path;
      if (field === undefined) return { settings: EditorSettingsSchema.parse({}), problems: [...problems, `${SETTINGS_SECTION}: ${issue.message}; using the defaults`] };
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
  return { settings: EditorSettingsSchema.parse({}), problems: [...problems, `${SETTINGS_SECTION}: still invalid; using the defaults`] };
}

/** The `workspace.configuration` middleware: validates every `scalingLens` item the server asks for. */
export function configurationMiddleware(report: (problems: string[]) => void): NonNullable<ConfigurationMiddleware['configuration']> {
  return async (params, token, next) => {
    const answer = await next(params, token);
    if (!Array.isArray(answer)) return answer;
    const problems: string[] = [];
    const values = answer.map((value: unknown, i) => {
      if (params.items[i]?.section !== SETTINGS_SECTION) return value;
      const normalized = normalizeSettings(value);
      problems.push(...normalized.problems);
      return normalized.settings;
    });
    report([...new Set(problems)]);
    return values;
  };
}
