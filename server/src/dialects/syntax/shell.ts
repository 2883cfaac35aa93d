/**
 * Launch shell scripts (`train.sh`, Megatron `examples/*.sh`, SLURM batch files) → ParsedDocument.
 *
 * What a training script "configures" is the command-line flags it passes, so the entries are the flags:
 * `--num-layers 32`, `--num-layers=32`, flags inside bash arrays (`GPT_ARGS=( --num-layers 32 … )`) and on
 * backslash-continued lines all become the entry `num-layers` (the flag name without its leading dashes) with the
 * exact ranges of the flag (keyRange) and of its value token (valueRange). A flag followed by no value is a
 * boolean `true` whose value range is the flag itself; a flag followed by several values (`--rampup-batch-size 16 16
 * 5859375`) is a sequence. As with argparse, a repeated flag's last occurrence wins.
 *
 * Simple variable assignments (`TP=8`, `export NUM_LAYERS=${NUM_LAYERS:-32}`) are recorded too, under the key
 * `$NAME` (a `$` never starts a flag name), so adapters can follow `--tensor-model-parallel-size $TP` to the token
 * that really sets the number. Values containing `$VAR`/`${VAR}`/`$(…)` are left as strings; nothing is expanded.
 *
 * Tokens are typed the way argparse would convert them: numeric words become numbers, everything else stays a
 * string (quotes are part of `raw`, not of `value`). Comments (`# …`, including `#SBATCH` lines and `# scaling-lens:`
 * directives) are collected; here-document bodies are skipped. Never throws.
 */
import { DocumentBuilder, range, setOwn } from './builder';
import type { Comment, ParsedDocument, Scalar } from './tree';

interface Word {
  /** Source text, quotes and escapes included. */
  raw: string;
  /** The word after quote removal (expansions kept literally). */
  value: string;
  start: number;
  end: number;
}

type Token = { kind: 'word'; word: Word } | { kind: 'sep'; op: string; start: number };

/** Parses a shell script; never throws. */
export function parseShell(text: string): ParsedDocument {
  const out = new DocumentBuilder(text.length);
  const comments: Comment[] = [];
  const data: Record<string, unknown> = {};
  try {
    const tokens = new Lexer(text, comments).run();
    out.add([], { kind: 'map', valueRange: range(0, text.length) });
    collectAssignments(tokens, out, data);
    collectFlags(tokens, out, data);
  } catch (err) {
    out.fail(err);
  }
  return { format: 'shell', text, data, entries: out.entries, errors: out.errors, comments, ...(out.truncated ? { truncated: true } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// Lexer: words, operators, comments, here-documents.

const SEPARATORS = new Set(['\n', ';', '&', '|', '(', ')']);

class Lexer {
  private i = 0;
  private readonly tokens: Token[] = [];
  /** Here-document delimiters whose bodies start after the current line. */
  private pendingHeredocs: Array<{ delim: string; stripTabs: boolean }> = [];
  /** The next word is the target of a redirection (`> log.txt`): not an argument. */
  private redirectTarget = false;

  constructor(
    private readonly text: string,
    private readonly comments: Comment[],
  ) {}

  run(): Token[] {
    const t = this.text;
    while (this.i < t.length) {
      const c = t[this.i]!;
      if (c === '\\' && t[this.i + 1] === '\n') this.i += 2;
      else if (c === '\\' && t[this.i + 1] === '\r' && t[this.i + 2] === '\n') this.i += 3;
      else if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '#') this.comment();
      else if (c === '\n') {
        this.tokens.push({ kind: 'sep', op: '\n', start: this.i });
        this.i++;
        this.skipHeredocBodies();
      } else if (c === '<' || c === '>') this.redirect();
      else if (SEPARATORS.has(c)) {
        this.tokens.push({ kind: 'sep', op: c, start: this.i });
        this.i++;
      } else this.word();
    }
    return this.tokens;
  }

  private comment(): void {
    const t = this.text;
    const start = this.i;
    let end = t.indexOf('\n', start);
    if (end < 0) end = t.length;
    this.comments.push({ text: t.slice(start + 1, end).replace(/\r$/, '').trim(), range: range(start, end) });
    this.i = end;
  }

  /** `>`, `>>`, `<`, `2>&1`, `<<EOF`, `<<-'EOF'`, `<<<word`. */
  private redirect(): void {
    const t = this.text;
    if (t.startsWith('<<<', this.i)) {
      this.i += 3;
      this.redirectTarget = true;
      return;
    }
    if (t.startsWith('<<', this.i)) {
      this.i += 2;
      const stripTabs = t[this.i] === '-';
      if (stripTabs) this.i++;
      while (t[this.i] === ' ' || t[this.i] === '\t') this.i++;
      const m = /^(['"]?)([A-Za-z0-9_.-]+)\1/.exec(t.slice(this.i, this.i + 200));
      if (m) {
        this.pendingHeredocs.push({ delim: m[2]!, stripTabs });
        this.i += m[0].length;
      }
      return;
    }
    this.i++;
    while (t[this.i] === '>' || t[this.i] === '&' || t[this.i] === '|') this.i++;
    // `2>&1`: the descriptor after `&` is part of the operator.
    if (t[this.i - 1] === '&') while (/[0-9-]/.test(t[this.i] ?? '')) this.i++;
    else this.redirectTarget = true;
  }

  private skipHeredocBodies(): void {
    const t = this.text;
    while (this.pendingHeredocs.length > 0) {
      const { delim, stripTabs } = this.pendingHeredocs.shift()!;
      while (this.i < t.length) {
        let end = t.indexOf('\n', this.i);
        if (end < 0) end = t.length;
        let line = t.slice(this.i, end).replace(/\r$/, '');
        if (stripTabs) line = line.replace(/^\t+/, '');
        this.i = Math.min(t.length, end + 1);
        if (line === delim) break;
      }
    }
  }

  private word(): void {
    const t = this.text;
    const start = this.i;
    let value = '';
    while (this.i < t.length) {
      const c = t[this.i]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || SEPARATORS.has(c) || c === '<' || c === '>') break;
      if (c === '\\') {
        if (t[this.i + 1] === '\n') break; // line continuation ends the word
        value += t[this.i + 1] ?? '';
        this.i += 2;
      } else if (c === "'") {
        const end = t.indexOf("'", this.i + 1);
        const stop = end < 0 ? t.length : end;
        value += t.slice(this.i + 1, stop);
        this.i = stop + 1;
      } else if (c === '"') value += this.doubleQuoted();
      else if (c === '$' && (t[this.i + 1] === '(' || t[this.i + 1] === '{')) value += this.balanced();
      else if (c === '`') {
        const end = t.indexOf('`', this.i + 1);
        const stop = end < 0 ? t.length : end + 1;
        value += t.slice(this.i, stop);
        this.i = stop;
      } else {
        value += c;
        this.i++;
      }
    }
    const end = Math.min(this.i, t.length);
    // A file descriptor glued to a redirection (`2>log`) is not an argument.
    if ((t[end] === '>' || t[end] === '<') && /^\d+$/.test(value)) return;
    if (this.redirectTarget) {
      this.redirectTarget = false;
      return;
    }
    this.tokens.push({ kind: 'word', word: { raw: t.slice(start, end), value, start, end } });
  }

  /** `"…"` with `\"`, `\\`, `\$` escapes and nested `$(…)`; returns the contents. */
  private doubleQuoted(): string {
    const t = this.text;
    let value = '';
    this.i++;
    while (this.i < t.length && t[this.i] !== '"') {
      const c = t[this.i]!;
      if (c === '\\' && /["\\$`\n]/.test(t[this.i + 1] ?? '')) {
        if (t[this.i + 1] !== '\n') value += t[this.i + 1];
        this.i += 2;
      } else if (c === '$' && (t[this.i + 1] === '(' || t[this.i + 1] === '{')) value += this.balanced();
      else {
        value += c;
        this.i++;
      }
    }
    this.i++;
    return value;
  }

  /** `$(…)`, `$((…))`, `${…}` with nesting and quotes inside; returned literally. */
  private balanced(): string {
    const t = this.text;
    const start = this.i;
    const open = t[this.i + 1]!;
    const close = open === '(' ? ')' : '}';
    let depth = 0;
    this.i++;
    while (this.i < t.length) {
      const c = t[this.i]!;
      if (c === '\\') this.i += 2;
      else if (c === "'" && open === '(') {
        const end = t.indexOf("'", this.i + 1);
        this.i = end < 0 ? t.length : end + 1;
      } else if (c === '"') this.doubleQuoted();
      else {
        if (c === open) depth++;
        else if (c === close && --depth === 0) {
          this.i++;
          break;
        }
        this.i++;
      }
    }
    return t.slice(start, Math.min(this.i, t.length));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Assignments and flags.

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\+?=/;
const DECLARATORS = new Set(['export', 'local', 'declare', 'readonly', 'typeset']);
/** Words that splice other arguments in (`"${ARGS[@]}"`, `$@`): never a flag's value. */
const SPLICE = /^\$(?:\{[A-Za-z_][A-Za-z0-9_]*\[[@*]\]\}|[@*]|\{[@*]\})$/;
const NUMBER = /^[+-]?(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function isFlag(w: Word): boolean {
  return /^--[A-Za-z0-9]/.test(w.value);
}

/** `NAME=value` at a command's start (optionally after `export`) → entry `$NAME`. */
function collectAssignments(tokens: readonly Token[], out: DocumentBuilder, data: Record<string, unknown>): void {
  let commandStart = true;
  for (const tok of tokens) {
    if (tok.kind === 'sep') {
      commandStart = true;
      continue;
    }
    const w = tok.word;
    if (commandStart && DECLARATORS.has(w.value)) continue;
    const m = commandStart ? ASSIGNMENT.exec(w.raw) : null;
    if (!m) {
      commandStart = false;
      continue;
    }
    const name = m[1]!;
    const valueStart = w.start + m[0].length;
    const raw = w.raw.slice(m[0].length);
    // `NAME=(` starts an array: its words are arguments (flags), handled by collectFlags.
    if (raw !== '') {
      const value = typed(w.value.slice(w.value.indexOf('=') + 1));
      out.add([`$${name}`], { kind: 'scalar', value, raw, keyRange: range(w.start, w.start + name.length), valueRange: range(valueStart, w.end) });
      setOwn(data, `$${name}`, value);
    }
    // Further assignments may follow on the same command (`A=1 B=2 cmd`).
  }
}

/** Every `--flag [value…]` / `--flag=value` word, wherever it appears (command lines, arrays, continuations). */
function collectFlags(tokens: readonly Token[], out: DocumentBuilder, data: Record<string, unknown>): void {
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    if (tok.kind !== 'word' || !isFlag(tok.word)) continue;
    const w = tok.word;
    const eq = w.value.indexOf('=');
    if (eq > 0) {
      addInline(w, eq, out, data);
      continue;
    }
    const name = w.value.slice(2);
    const values: Word[] = [];
    for (let j = k + 1; j < tokens.length; j++) {
      const next = tokens[j]!;
      if (next.kind !== 'word' || !isValueWord(next.word)) break;
      values.push(next.word);
    }
    addFlag(name, w, values, out, data);
    k += values.length;
  }
}

function isValueWord(w: Word): boolean {
  if (isFlag(w)) return false;
  if (w.value.startsWith('-') && !NUMBER.test(w.value)) return false;
  if (SPLICE.test(w.value)) return false;
  if (/\.(py|sh)$/.test(w.value)) return false; // the program a launcher runs (`torchrun --standalone pretrain_gpt.py`)
  return true;
}

function addInline(w: Word, eq: number, out: DocumentBuilder, data: Record<string, unknown>): void {
  const name = w.value.slice(2, eq);
  const rawEq = w.raw.indexOf('=');
  const valueStart = w.start + rawEq + 1;
  const raw = w.raw.slice(rawEq + 1);
  const value = typed(w.value.slice(eq + 1));
  out.add([name], { kind: 'scalar', value, raw, keyRange: range(w.start, w.start + rawEq), valueRange: range(valueStart, w.end) });
  setOwn(data, name, value);
}

function addFlag(name: string, flag: Word, values: readonly Word[], out: DocumentBuilder, data: Record<string, unknown>): void {
  const keyRange = range(flag.start, flag.end);
  const first = values[0];
  if (!first) {
    out.add([name], { kind: 'scalar', value: true, raw: flag.raw, keyRange, valueRange: keyRange });
    setOwn(data, name, true);
    return;
  }
  if (values.length === 1) {
    const value = typed(first.value);
    out.add([name], { kind: 'scalar', value, raw: first.raw, keyRange, valueRange: range(first.start, first.end) });
    setOwn(data, name, value);
    return;
  }
  const last = values[values.length - 1]!;
  out.add([name], { kind: 'seq', keyRange, valueRange: range(first.start, last.end) });
  const items: Scalar[] = [];
  values.forEach((v, i) => {
    const value = typed(v.value);
    items.push(value);
    out.add([name, String(i)], { kind: 'scalar', value, raw: v.raw, valueRange: range(v.start, v.end) });
  });
  setOwn(data, name, items);
}

/** argparse-style typing: numeric words are numbers (`1e-4`, `.01`, `150_001` stays for parseQuantity), else strings. */
function typed(s: string): Scalar {
  if (NUMBER.test(s) && !s.includes('_')) {
    const n = Number(s);
    if (Number.isFinite(n)) return n;
  }
  return s;
}
