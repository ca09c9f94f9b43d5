// Converts the positions that `decorum check --format json` writes (1-based lines,
// 1-based columns counting Unicode scalar values) into VS Code's (0-based lines,
// 0-based characters counting UTF-16 code units). Pure: no `vscode` import, so the
// unit tests run under plain Node.

/** A position as the CLI's JSON output writes it (docs/output.md, "Positions"). */
export interface ScalarPosition {
  /** 1-based line; lines end at `\n`, `\r\n` or a lone `\r`, as in VS Code. */
  line: number;
  /** 1-based column in Unicode scalar values; a byte-order mark is not counted. */
  column: number;
}

/** A position as VS Code counts: 0-based line, 0-based UTF-16 code unit. */
export interface Utf16Position {
  line: number;
  character: number;
}

/** The lines of one file's text, to convert many positions in it. */
export class LineTable {
  private readonly lines: string[];

  constructor(text: string) {
    // VS Code never shows a byte-order mark and neither do Decorum's columns.
    const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
    // The CLI's line endings (docs/output.md, "Positions"): `\r\n` is one ending.
    this.lines = body.split(/\r\n|\r|\n/);
  }

  /** The number of lines (a file ending in a newline has an empty last line). */
  get lineCount(): number {
    return this.lines.length;
  }

  /**
   * Converts a CLI position. Positions past the end of a line or of the file are
   * clamped to it, so a file edited since the check still gets a usable range.
   */
  toUtf16(position: ScalarPosition): Utf16Position {
    const line = Math.min(Math.max(position.line - 1, 0), this.lines.length - 1);
    const text = this.lines[line] ?? "";
    let remaining = Math.max(position.column - 1, 0);
    let character = 0;
    while (remaining > 0 && character < text.length) {
      const codePoint = text.codePointAt(character) ?? 0;
      character += codePoint > 0xffff ? 2 : 1;
      remaining -= 1;
    }
    return { line, character };
  }
}
