import type { SweepPoint } from './strong-weak.metrics';
import { type ChartSeries, renderChartSvg } from './svg-chart';

/** A routing policy's place on the quality-cost plane. */
export interface PolicyPoint {
  readonly name: string;
  /** Cost relative to the best single model (1 = the same). */
  readonly relativeCost: number;
  readonly quality: number;
}

export interface QualityCostInput {
  readonly title: string;
  /** Each candidate model sent every query. */
  readonly singles: readonly PolicyPoint[];
  /** Routers: one marker per point (e.g. a model kind under two rules), one colour per router. */
  readonly routers: ReadonlyArray<{
    readonly name: string;
    readonly points: readonly PolicyPoint[];
  }>;
  /** Trade-off curves (e.g. cost-aware over cost weights), joined in the given order. */
  readonly curves?: ReadonlyArray<{
    readonly name: string;
    readonly points: readonly PolicyPoint[];
  }>;
  readonly oracleQuality?: number;
}

const percent = (value: number): string => `${Math.round(value)}%`;

/** Mean quality vs cost relative to the best single model. */
export function qualityVsCostSvg(input: QualityCostInput): string {
  const xy = (point: PolicyPoint): readonly [number, number] => [
    point.relativeCost * 100,
    point.quality,
  ];
  const series: ChartSeries[] = [
    { name: 'single models', points: input.singles.map(xy), style: 'markers', color: '#999999' },
    ...(input.curves ?? []).map((curve): ChartSeries => ({
      name: curve.name,
      points: curve.points.map(xy),
    })),
    ...input.routers.map((router): ChartSeries => ({
      name: router.name,
      points: router.points.map(xy),
      style: 'markers',
    })),
  ];
  const all = series.flatMap((s) => s.points);
  const maxX = Math.max(100, ...all.map(([x]) => x));
  if (input.oracleQuality !== undefined) {
    series.push({
      name: 'oracle',
      points: [
        [0, input.oracleQuality],
        [maxX * 1.05, input.oracleQuality],
      ],
      dashed: true,
      color: '#000000',
    });
  }
  return renderChartSvg({
    title: input.title,
    xLabel: 'cost relative to the best single model',
    yLabel: 'mean quality',
    series,
    x: [0, maxX * 1.05],
    formatX: percent,
  });
}

/** Performance gap recovered vs share of strong-model calls (RouteLLM's curve), with random. */
export function pgrVsStrongSvg(
  title: string,
  routers: ReadonlyArray<{ readonly name: string; readonly points: readonly SweepPoint[] }>,
): string {
  return renderChartSvg({
    title,
    xLabel: 'strong model calls',
    yLabel: 'performance gap recovered',
    series: [
      ...routers.map((router): ChartSeries => ({
        name: router.name,
        points: router.points.map((point) => [point.strongShare * 100, point.pgr] as const),
      })),
      {
        name: 'random',
        points: [
          [0, 0],
          [100, 1],
        ],
        dashed: true,
        color: '#999999',
      },
    ],
    x: [0, 100],
    formatX: percent,
  });
}
