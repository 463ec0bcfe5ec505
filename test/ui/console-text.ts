// Figures read from the console's text: the Overview's tiles, totals and chart legends.

function numberIn(pattern: RegExp, shown: string): number {
  const match = pattern.exec(shown);
  return match ? Number(match[1]!.replace(/,/g, '')) : Number.NaN;
}

/** "Since this replica started: 2 requests, …" → 2. */
export function requestsSinceStart(shown: string): number {
  return numberIn(/started: ([\d,]+) requests/, shown);
}

/** A chart legend's latest value, e.g. `requests: 0.2` or `p50: 18 ms` (NaN while it shows —). */
export function legendValue(shown: string, series: string): number {
  return numberIn(new RegExp(`\\b${series}: ([\\d,.]+)`), shown);
}

/** A tile's value, e.g. the `1` under "Requests" or the `0.000025` of "Spend $0.000025". */
export function tileValue(shown: string, tile: string): number {
  return numberIn(new RegExp(`^${tile}\\s+\\$?([\\d,.]+)`, 'm'), shown);
}
