import { parsePrometheusText, parseSampleLine } from './prometheus-parser';

describe(parsePrometheusText.name, () => {
  it('reads samples with and without labels, skipping comments and blank lines', () => {
    const text = [
      '# HELP routeiq_requests_total Requests.',
      '# TYPE routeiq_requests_total counter',
      'routeiq_requests_total{route="/v1/chat/completions",model="demo",status="200"} 3',
      '',
      'process_cpu_seconds_total 2.5',
      'routeiq_request_duration_seconds_bucket{route="/v1/x",le="+Inf"} 7 1700000000000',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      {
        name: 'routeiq_requests_total',
        labels: { route: '/v1/chat/completions', model: 'demo', status: '200' },
        value: 3,
      },
      { name: 'process_cpu_seconds_total', labels: {}, value: 2.5 },
      {
        name: 'routeiq_request_duration_seconds_bucket',
        labels: { route: '/v1/x', le: '+Inf' },
        value: 7,
      },
    ]);
  });

  it('unescapes label values and keeps commas, braces and spaces inside them', () => {
    const sample = parseSampleLine('m{a="x\\"y",b="back\\\\slash",c="line\\nbreak",d="{ , }"} 1');
    expect(sample?.labels).toEqual({ a: 'x"y', b: 'back\\slash', c: 'line\nbreak', d: '{ , }' });
  });

  it('reads special values and exponents', () => {
    expect(parseSampleLine('m +Inf')?.value).toBe(Infinity);
    expect(parseSampleLine('m -Inf')?.value).toBe(-Infinity);
    expect(parseSampleLine('m NaN')?.value).toBeNaN();
    expect(parseSampleLine('m 1.5e-3')?.value).toBe(0.0015);
    expect(parseSampleLine('m{} 4')?.value).toBe(4);
  });

  it('skips malformed lines instead of failing', () => {
    const text = ['m{a="unterminated} 1', 'm{a=x} 1', '9bad 1', 'm', 'm abc', 'ok 1'].join('\n');
    expect(parsePrometheusText(text)).toEqual([{ name: 'ok', labels: {}, value: 1 }]);
  });

  it('accepts CRLF line endings and trailing commas in label sets', () => {
    expect(parsePrometheusText('a{x="1",} 2\r\nb 3\r\n')).toEqual([
      { name: 'a', labels: { x: '1' }, value: 2 },
      { name: 'b', labels: {}, value: 3 },
    ]);
  });
});
