/** Which documents Scaling Lens looks at: YAML, JSON(C), TOML (by language, or by `*.toml` path) and shell launch scripts. */

/** A document filter both `vscode` and `vscode-languageclient` accept. */
export interface ScalingLensFilter {
  readonly scheme: 'file' | 'untitled';
  readonly language?: string;
  readonly pattern?: string;
}

// shellscript: Megatron-LM launch scripts (`--num-layers 32 …` flags).
const LANGUAGES = ['yaml', 'json', 'jsonc', 'toml', 'shellscript'] as const;

/** The documents the server analyses (it still decides per file whether it is a training config). */
export const DOCUMENT_SELECTOR: ScalingLensFilter[] = [
  ...LANGUAGES.flatMap((language) => [
    { scheme: 'file' as const, language },
    { scheme: 'untitled' as const, language },
  ]),
  // VS Code has no built-in TOML language: without a TOML extension `.toml` files are plain text.
  { scheme: 'file', pattern: '**/*.toml' },
];
