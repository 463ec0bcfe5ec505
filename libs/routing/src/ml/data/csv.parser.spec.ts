import { parseCsv } from './csv.parser';

describe(parseCsv.name, () => {
  it('splits plain rows and fields, with or without a final line end', () => {
    expect(parseCsv('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(parseCsv('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks inside', () => {
    const text = 'prompt,x\n"A ""dished face"", profile\nline two\r\nAnswer:",True\n"",False\r\n';
    expect(parseCsv(text)).toEqual([
      ['prompt', 'x'],
      ['A "dished face", profile\nline two\r\nAnswer:', 'True'],
      ['', 'False'],
    ]);
  });

  it('keeps empty fields, CRLF line ends, and skips a BOM', () => {
    expect(parseCsv('\ufeffa,,c\r\n,,\r\n')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ]);
    expect(parseCsv('')).toEqual([]);
    expect(parseCsv('"last"')).toEqual([['last']]);
  });

  it('keeps a quote inside an unquoted field as a literal', () => {
    expect(parseCsv('say "hi",1\n')).toEqual([['say "hi"', '1']]);
  });

  it('refuses an unclosed quote and text after a closing quote, naming the line', () => {
    expect(() => parseCsv('a,b\n"open\nnever closed,1\n')).toThrow(
      new RangeError('CSV line 2: quoted field is not closed'),
    );
    expect(() => parseCsv('a\n"x"y,1\n')).toThrow(
      new RangeError('CSV line 2: text after a closing quote'),
    );
  });
});
