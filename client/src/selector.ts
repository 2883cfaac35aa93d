/** Which documents Scaling Lens looks at: YAML, JSON(C) and TOML (by language, or by `*.toml` path). */

/** A document filter both `vscode` and `vscode-languageclient` accept. */
export interface ScalingLensFilter {
  readonly scheme: 'file' | 'untitled';
  readonly language?: string;
  readonly pattern?: string;
}

const LANGUAGES = ['yaml', 'json', 'jsonc', 'toml'] as const;

/** The documents the server analyses (it still decides per file whether it is a training config). */
export const DOCUMENT_SELECTOR: ScalingLensFilter[] = [
  ...LANGUAGES.flatMap((language) => [
    { scheme: 'file' as const, language },
    { scheme: 'untitled' as const, language },
  ]),
  // VS Code has no built-in TOML language: without a TOML extension `.toml` files are plain text.
  { scheme: 'file', pattern: '**/*.toml' },
];
