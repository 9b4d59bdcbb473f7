/**
 * A notebook's code cells analyzed as one Python file: cells are joined with newlines and a line
 * map leads each line of the joined source back to its cell. IPython magics and shell escapes
 * (`%time`, `!pip`) are not Python, so such lines become comments of the same length.
 */
export interface CellSource {
  /** A key for the cell (its document URI), handed back by `locate`. */
  key: string;
  text: string;
}

export interface CellSpan {
  key: string;
  /** 1-based line of the cell's first line in the joined source. */
  firstLine: number;
  lineCount: number;
}

export interface JoinedNotebook {
  source: string;
  spans: CellSpan[];
}

export function joinCells(cells: readonly CellSource[]): JoinedNotebook {
  const spans: CellSpan[] = [];
  const texts: string[] = [];
  let line = 1;
  for (const cell of cells) {
    const lines = cell.text.split(/\r?\n/).map(withoutMagic);
    spans.push({ key: cell.key, firstLine: line, lineCount: lines.length });
    texts.push(lines.join('\n'));
    line += lines.length;
  }
  return { source: texts.join('\n'), spans };
}

function withoutMagic(line: string): string {
  return /^\s*[%!]/.test(line) ? line.replace(/[%!]/, '#') : line;
}

/** The cell holding a joined-source line, and the line's 1-based number within that cell. */
export function locateLine(joined: JoinedNotebook, line: number): { key: string; line: number } | null {
  let low = 0;
  let high = joined.spans.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const span = joined.spans[mid];
    if (line < span.firstLine) high = mid - 1;
    else if (line >= span.firstLine + span.lineCount) low = mid + 1;
    else return { key: span.key, line: line - span.firstLine + 1 };
  }
  return null;
}

/** The joined-source line of a cell's 1-based line. */
export function joinedLine(joined: JoinedNotebook, key: string, line: number): number | null {
  const span = joined.spans.find((s) => s.key === key);
  return span ? span.firstLine + line - 1 : null;
}
