/**
 * Per-(uri, version) analysis cache: each document version is parsed and analysed once, whatever number of features
 * (diagnostics, hover, inlay hints, code lens, code actions, status) ask. Settings changes bump a generation counter.
 */
import type { TextDocument } from 'vscode-languageserver-textdocument';
import picomatch from 'picomatch';
import type { EditorSettings } from '../core/options';
import { analyzeText, type DocumentAnalysis } from '../dialects/index';
import { boundedReader, projectRoot } from '../host/files';

interface Entry {
  version: number;
  generation: number;
  result: DocumentAnalysis;
  /** Files this analysis read (base configs, includes, DeepSpeed JSON): a change to one of them invalidates it. */
  refs: Set<string>;
}

export class AnalysisCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private matchers: ((path: string) => boolean)[] = [];
  private forced: { match: (path: string) => boolean; dialect: string }[] = [];
  /** Workspace folders (file-system paths): referenced files are read only inside them or the file's repository. */
  roots: string[] = [];

  constructor(private settings: EditorSettings) {
    this.compileGlobs();
  }

  get current(): EditorSettings {
    return this.settings;
  }

  updateSettings(s: EditorSettings): void {
    this.settings = s;
    this.generation++;
    this.compileGlobs();
  }

  get(doc: TextDocument): DocumentAnalysis {
    const hit = this.entries.get(doc.uri);
    if (hit && hit.version === doc.version && hit.generation === this.generation) return hit.result;
    const path = uriPath(doc.uri);
    const forced = this.forced.find((f) => f.match(path))?.dialect ?? (this.matchers.some((m) => m(path)) ? 'native' : undefined);
    const previous = hit?.result.parsed;
    const refs = new Set<string>();
    const reader = doc.uri.startsWith('file://') ? boundedReader([...this.roots, projectRoot(path)]) : undefined;
    const readFile = reader
      ? (p: string, from: string) => {
          const r = reader(p, from);
          if (r) refs.add(r.path);
          return r;
        }
      : undefined;
    const result = analyzeText(doc.getText(), path, {
      options: this.settings,
      ...(forced ? { dialect: forced } : {}),
      ...(previous ? { previous } : {}),
      ...(readFile ? { readFile } : {}),
    });
    this.entries.set(doc.uri, { version: doc.version, generation: this.generation, result, refs });
    return result;
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  /** Drop the analyses that read any of `paths` (file-system paths); returns their URIs for re-publishing. */
  invalidateReferences(paths: readonly string[]): string[] {
    const hit: string[] = [];
    for (const [uri, e] of this.entries) {
      if (paths.some((p) => e.refs.has(p))) {
        this.entries.delete(uri);
        hit.push(uri);
      }
    }
    return hit;
  }

  private compileGlobs(): void {
    const compile = (g: string) => picomatch(g, { dot: true, matchBase: !g.includes('/') });
    this.matchers = this.settings.files.map(compile);
    this.forced = Object.entries(this.settings.dialects).map(([glob, dialect]) => ({ match: compile(glob), dialect }));
  }
}

/** File-system path of a file: URI (decoded), or the URI itself for other schemes (untitled:…). */
export function uriPath(uri: string): string {
  if (!uri.startsWith('file://')) return uri;
  try {
    return decodeURIComponent(uri.slice('file://'.length));
  } catch {
    return uri.slice('file://'.length);
  }
}
