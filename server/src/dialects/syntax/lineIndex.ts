/**
 * Offset ↔ line/character conversion for a fixed text. Lines end at `\n`, `\r\n` or a lone `\r`
 * (as in LSP); characters are UTF-16 code units, both 0-based.
 */

export interface LinePosition {
  line: number;
  character: number;
}

export class LineIndex {
  /** Offset at which each line starts; always begins with 0. */
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */ && text.charCodeAt(i + 1) === 10) i++;
      if (c === 13 || c === 10) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Position of `offset` (clamped into the text; an offset inside `\r\n` maps to the line end). */
  positionAt(offset: number): LinePosition {
    const clamped = Math.min(Math.max(0, Math.trunc(offset) || 0), this.text.length);
    const line = this.lineOf(clamped);
    const start = this.starts[line] ?? 0;
    return { line, character: Math.min(clamped, this.contentEnd(line)) - start };
  }

  /** Offset of `pos`; lines and characters out of range clamp to the text / line content. */
  offsetAt(pos: LinePosition): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[pos.line] ?? 0;
    return Math.min(start + Math.max(0, pos.character), this.contentEnd(pos.line));
  }

  /** Index of the last line start <= offset (binary search). */
  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Offset where line `line`'s content ends (before its line break). */
  private contentEnd(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) return this.text.length;
    const breakLength = this.text.charCodeAt(next - 2) === 13 && this.text.charCodeAt(next - 1) === 10 ? 2 : 1;
    return next - breakLength;
  }
}
