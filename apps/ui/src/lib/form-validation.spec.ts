import {
  collect,
  parseDuration,
  parseHttpUrl,
  parseJsonObject,
  parseLabel,
  parseList,
  parseOptionalId,
  parseOptionalNumber,
  parseRegistryId,
} from './form-validation';

describe(parseOptionalNumber.name, () => {
  it('reads empty as no limit and checks range and integrality', () => {
    expect(parseOptionalNumber('')).toEqual({ ok: true, value: null });
    expect(parseOptionalNumber(' 12.5 ')).toEqual({ ok: true, value: 12.5 });
    expect(parseOptionalNumber('1.5', { integer: true })).toEqual({
      ok: false,
      error: 'Enter a whole number',
    });
    expect(parseOptionalNumber('-1').ok).toBe(false);
    expect(parseOptionalNumber('abc').ok).toBe(false);
    expect(parseOptionalNumber('11', { max: 10 }).ok).toBe(false);
  });
});

describe(parseList.name, () => {
  it('splits on commas and newlines, trims and de-duplicates', () => {
    expect(parseList(' gpt-4o, demo\n demo ,, ')).toEqual(['gpt-4o', 'demo']);
    expect(parseList('')).toEqual([]);
  });
});

describe(parseDuration.name, () => {
  it("accepts the gateway's budget durations only", () => {
    for (const good of ['30s', '10m', '12h', '7d', '1mo', 'daily', 'weekly', 'monthly']) {
      expect(parseDuration(good)).toEqual({ ok: true, value: good });
    }
    expect(parseDuration('')).toEqual({ ok: true, value: null });
    for (const bad of ['0d', '1y', 'soon', '12345d']) expect(parseDuration(bad).ok).toBe(false);
  });
});

describe(parseOptionalId.name, () => {
  it('allows the safe id characters only', () => {
    expect(parseOptionalId('team-ml/eu@1')).toEqual({ ok: true, value: 'team-ml/eu@1' });
    expect(parseOptionalId('has space').ok).toBe(false);
    expect(parseOptionalId('x'.repeat(129)).ok).toBe(false);
  });
});

describe(parseLabel.name, () => {
  it('requires a value when asked and refuses control characters', () => {
    expect(parseLabel('', false)).toEqual({ ok: false, error: 'Required' });
    expect(parseLabel('  CI bot ')).toEqual({ ok: true, value: 'CI bot' });
    expect(parseLabel('a\u0007b').ok).toBe(false);
  });
});

describe(parseHttpUrl.name, () => {
  it('takes http and https URLs only', () => {
    expect(parseHttpUrl('https://mcp.example/mcp')).toEqual({
      ok: true,
      value: 'https://mcp.example/mcp',
    });
    expect(parseHttpUrl('ftp://x').ok).toBe(false);
    expect(parseHttpUrl('not a url').ok).toBe(false);
    expect(parseHttpUrl('', true)).toEqual({ ok: true, value: null });
  });
});

describe(parseRegistryId.name, () => {
  it('follows the registry id rule', () => {
    expect(parseRegistryId('search_1')).toEqual({ ok: true, value: 'search_1' });
    expect(parseRegistryId('Search').ok).toBe(false);
    expect(parseRegistryId('a.b').ok).toBe(false);
  });
});

describe(parseJsonObject.name, () => {
  it('accepts JSON objects and explains everything else', () => {
    expect(parseJsonObject('{"q": 1}')).toEqual({ ok: true, value: { q: 1 } });
    expect(parseJsonObject('  ')).toEqual({ ok: true, value: {} });
    expect(parseJsonObject('[1]')).toEqual({
      ok: false,
      error: 'Enter a JSON object, e.g. {"query": "…"}',
    });
    const broken = parseJsonObject('{q: 1}');
    expect(broken.ok).toBe(false);
    expect(broken.ok ? '' : broken.error).toMatch(/^Not valid JSON/);
  });
});

describe(collect.name, () => {
  it('returns the values when every field parsed, else every error', () => {
    expect(collect({ a: parseOptionalNumber('1'), b: parseDuration('7d') })).toEqual({
      values: { a: 1, b: '7d' },
      errors: null,
    });
    expect(collect({ a: parseOptionalNumber('x'), b: parseDuration('bad') }).errors).toEqual({
      a: 'Enter a number',
      b: 'Use a duration like 30s, 10m, 12h, 7d, 1mo, daily, weekly or monthly',
    });
  });
});
