import { renderChartSvg } from './svg-chart';

describe(renderChartSvg.name, () => {
  const svg = renderChartSvg({
    title: 'Quality <vs> cost & more',
    xLabel: 'cost',
    yLabel: 'quality',
    series: [
      {
        name: 'knn',
        points: [
          [0, 0.5],
          [50, 0.6],
          [100, 0.7],
        ],
      },
      {
        name: 'singles "grey"',
        points: [
          [20, 0.4],
          [NaN, 0.9],
        ],
        style: 'markers',
        color: '#999',
      },
      {
        name: 'random',
        points: [
          [0, 0],
          [100, 1],
        ],
        dashed: true,
      },
    ],
    x: [0, 100],
    y: [0, 1],
    formatX: (v) => `${v}%`,
  });

  it('is one standalone SVG document with escaped text and no script', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('Quality &lt;vs&gt; cost &amp; more');
    expect(svg).toContain('singles &quot;grey&quot;');
    expect(svg).not.toMatch(/<script|onload|href=/i);
  });

  it('draws lines through line series, markers for marker series, skipping non-finite points', () => {
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('stroke-dasharray="6 4"');
    // 3 + 1 (the NaN point skipped) + 2 data circles, plus 1 legend marker.
    expect(svg.match(/<circle /g)).toHaveLength(7);
    expect(svg).toContain('>40%<');
    expect(svg).toContain('>1<');
  });

  it('places x=0 at the left edge and y=1 at the top of the plot area', () => {
    const line = /<polyline points="([^"]+)" fill="none" stroke="#0072B2"/.exec(svg)!;
    const [first, , last] = line[1]!.split(' ').map((p) => p.split(',').map(Number));
    expect(first![0]).toBe(70);
    expect(last![0]).toBe(480);
    expect(first![1]).toBeGreaterThan(last![1]!);
  });

  it('picks a padded range from the data when none is given', () => {
    const auto = renderChartSvg({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ name: 's', points: [[1, 1]] }],
    });
    expect(auto).toContain('<circle');
    expect(auto).not.toContain('NaN');
  });
});
