/** Where a quoted field ends: its unescaped text and the index just past the closing quote. */
function readQuoted(text: string, open: number, line: number): { value: string; end: number } {
  let value = '';
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) throw new RangeError(`CSV line ${line}: quoted field is not closed`);
    value += text.slice(from, quote);
    if (text[quote + 1] !== '"') return { value, end: quote + 1 };
    value += '"';
    from = quote + 2;
  }
}

function countLines(text: string, from: number, to: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

const SEPARATOR = /[,\r\n]/g;

/**
 * RFC 4180 CSV: comma-separated, fields optionally double-quoted, `""` is a quote inside a quoted
 * field, and quoted fields may span lines (RouteLLM's prompts and answers do). LF and CRLF line
 * ends; a final line end is optional; a UTF-8 BOM is skipped.
 *
 * A quote inside an unquoted field is kept as a literal character (as pandas does), but text after
 * a closing quote, or a quote left open at the end, is malformed: the file was cut or mis-written.
 *
 * @throws RangeError naming the line of the malformed field.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (i < n) {
    let end: number;
    if (text[i] === '"') {
      const quoted = readQuoted(text, i, line);
      row.push(quoted.value);
      line += countLines(text, i, quoted.end);
      end = quoted.end;
      if (end < n && !',\r\n'.includes(text[end]!)) {
        throw new RangeError(`CSV line ${line}: text after a closing quote`);
      }
    } else {
      SEPARATOR.lastIndex = i;
      end = SEPARATOR.exec(text)?.index ?? n;
      row.push(text.slice(i, end));
    }
    if (end >= n) break;
    if (text[end] === ',') {
      i = end + 1;
      // A separator at the very end still opens one last (empty) field.
      if (i === n) row.push('');
      continue;
    }
    rows.push(row);
    row = [];
    line++;
    i = end + (text[end] === '\r' && text[end + 1] === '\n' ? 2 : 1);
  }
  if (row.length > 0) rows.push(row);
  return rows;
}
