/**
 * Format-neutral syntax layer: parse YAML, JSON(C), TOML or launch-script (shell flags) text into a keyed tree with
 * source ranges. Pure functions over text (no I/O, no LSP types); parsing never throws.
 */
import { parseJson } from './json';
import { parseShell } from './shell';
import { parseToml } from './toml';
import type { ConfigFormat, ParsedDocument } from './tree';
import { parseYaml } from './yaml';

export type { Comment, ConfigFormat, ParsedDocument, Scalar, SourceEntry, SyntaxError } from './tree';
export { LineIndex, type LinePosition } from './lineIndex';
export { parseJson, parseShell, parseToml, parseYaml };

/** Parses `text` as `format`. Never throws: problems are reported in `errors`. */
export function parseConfig(text: string, format: ConfigFormat): ParsedDocument {
  switch (format) {
    case 'yaml':
      return parseYaml(text);
    case 'json':
      return parseJson(text);
    case 'toml':
      return parseToml(text);
    case 'shell':
      return parseShell(text);
  }
}

const EXTENSIONS: Record<string, ConfigFormat> = {
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  jsonc: 'json',
  toml: 'toml',
  sh: 'shell',
  bash: 'shell',
};

/** Format implied by a file name's extension (case-insensitive), e.g. `train.YML` → 'yaml'. */
export function formatFromFileName(name: string): ConfigFormat | undefined {
  const dot = name.lastIndexOf('.');
  if (dot < 0 || dot < name.lastIndexOf('/') || dot < name.lastIndexOf('\\')) return undefined;
  return EXTENSIONS[name.slice(dot + 1).toLowerCase()];
}
