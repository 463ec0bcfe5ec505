// A strict reader of the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/). Scrapers are lenient; this is not,
// so an e2e test fails on output a stricter consumer (or a future Prometheus) could reject.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface MetricSample {
  /** Full sample name, including any `_bucket`, `_sum`, `_count` or `_total` suffix. */
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

export interface MetricFamily {
  readonly name: string;
  type: MetricType;
  help?: string;
  readonly samples: MetricSample[];
}

/** Thrown on malformed exposition text; `line` is 1-based. */
export class PrometheusParseError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`Prometheus text, line ${line}: ${reason}`);
    this.name = PrometheusParseError.name;
  }
}

interface FamilyState {
  readonly family: MetricFamily;
  typed: boolean;
  readonly lines: number[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TYPES: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const PART_SUFFIXES = ['_bucket', '_sum', '_count'] as const;
const LABEL_START = /[ \t]*([^ \t=}]*)[ \t]*=[ \t]*"/y;

const fail = (line: number, reason: string): never => {
  throw new PrometheusParseError(line, reason);
};

const trimBlanks = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, '');

function parseFloatToken(token: string, line: number, what: string): number {
  if (token === '+Inf') return Infinity;
  if (token === '-Inf') return -Infinity;
  if (token === 'NaN') return NaN;
  if (FLOAT.test(token)) return Number(token);
  return fail(line, `${what} "${token}" is not a number`);
}

function unescape(raw: string, line: number, allowQuote: boolean): string {
  return raw.replace(/\\(.?)/g, (_m, ch: string) => {
    if (ch === '\\') return '\\';
    if (ch === 'n') return '\n';
    if (ch === '"' && allowQuote) return '"';
    return fail(line, `invalid escape sequence "\\${ch}"`);
  });
}

/** Reads `{name="value",...}` starting at the `{`; returns the labels and the index after `}`. */
function parseLabels(text: string, start: number, line: number) {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === '}') return { labels, end: i + 1 };
    LABEL_START.lastIndex = i;
    const head = LABEL_START.exec(text);
    if (!head) return fail(line, `expected name="value" in the label set at column ${i + 1}`);
    const name = head[1] ?? '';
    if (!LABEL_NAME.test(name)) fail(line, `invalid label name "${name}"`);
    if (name.startsWith('__')) fail(line, `label name "${name}" is reserved (leading __)`);
    if (Object.hasOwn(labels, name)) fail(line, `duplicate label name "${name}"`);
    let j = LABEL_START.lastIndex;
    while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    if (j >= text.length) fail(line, `unterminated value for label "${name}"`);
    labels[name] = unescape(text.slice(LABEL_START.lastIndex, j), line, true);
    i = j + 1;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail(line, `expected "," or "}" after the value of "${name}"`);
  }
}

function parseSampleLine(text: string, line: number): MetricSample {
  const name = /^[^ \t{]*/.exec(text)?.[0] ?? '';
  if (!METRIC_NAME.test(name)) fail(line, `invalid metric name "${name}"`);
  let rest = trimBlanks(text.slice(name.length));
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest, 0, line);
    labels = parsed.labels;
    rest = trimBlanks(rest.slice(parsed.end));
  }
  const tokens = rest === '' ? [] : rest.split(/[ \t]+/);
  if (tokens.length < 1 || tokens.length > 2) {
    fail(line, `expected a value and an optional timestamp, got "${rest}"`);
  }
  const value = parseFloatToken(tokens[0] ?? '', line, 'value');
  if (tokens[1] !== undefined && !/^-?\d+$/.test(tokens[1])) {
    fail(line, `timestamp "${tokens[1]}" is not an integer`);
  }
  return { name, labels, value };
}

function fits(family: MetricFamily, sampleName: string): boolean {
  const { name, type } = family;
  if (type === 'histogram') return PART_SUFFIXES.some((s) => sampleName === name + s);
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`].includes(sampleName);
  return sampleName === name;
}

function seriesKey(name: string, labels: Record<string, string>, without?: string): string {
  const entries = Object.entries(labels).filter(([k]) => k !== without);
  return JSON.stringify([name, entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

class ExpositionParser {
  readonly families = new Map<string, FamilyState>();
  private current?: FamilyState;
  private readonly series = new Set<string>();

  parse(text: string): void {
    const lines = text.split('\n');
    if (lines.pop() !== '') fail(lines.length + 1, 'the last line must end with a line feed');
    lines.forEach((raw, index) => {
      const content = trimBlanks(raw);
      if (content.startsWith('#')) this.comment(content, index + 1);
      else if (content !== '') this.sample(parseSampleLine(content, index + 1), index + 1);
    });
    for (const state of this.families.values()) validateFamily(state);
  }

  private comment(text: string, line: number): void {
    const body = trimBlanks(text.slice(1));
    const keyword = /^[^ \t]*/.exec(body)?.[0] ?? '';
    if (keyword !== 'HELP' && keyword !== 'TYPE') return;
    const afterKeyword = trimBlanks(body.slice(keyword.length));
    const name = /^[^ \t]*/.exec(afterKeyword)?.[0] ?? '';
    const rest = trimBlanks(afterKeyword.slice(name.length));
    if (!METRIC_NAME.test(name)) fail(line, `invalid metric name "${name}" in ${keyword} line`);
    const state = this.metadataTarget(name, keyword, line);
    if (keyword === 'HELP') {
      if (state.family.help !== undefined) fail(line, `second HELP line for ${name}`);
      state.family.help = unescape(rest, line, false);
      return;
    }
    if (state.typed) fail(line, `second TYPE line for ${name}`);
    const type = TYPES.find((t) => t === rest) ?? fail(line, `unknown metric type "${rest}"`);
    if (type === 'histogram' || type === 'summary') {
      const clash = PART_SUFFIXES.find((s) => this.families.has(name + s));
      if (clash) fail(line, `${type} ${name} clashes with the family ${name + clash}`);
    }
    state.family.type = type;
    state.typed = true;
  }

  private metadataTarget(name: string, keyword: string, line: number): FamilyState {
    const existing = this.families.get(name);
    if (!existing) return this.open(name, line);
    if (existing !== this.current) fail(line, `lines of family ${name} are not contiguous`);
    if (existing.family.samples.length > 0) fail(line, `${keyword} line after samples of ${name}`);
    return existing;
  }

  private open(name: string, line: number): FamilyState {
    for (const suffix of PART_SUFFIXES) {
      const base = this.families.get(name.slice(0, -suffix.length));
      if (name.endsWith(suffix) && base && fits(base.family, name)) {
        fail(line, `family ${name} clashes with the ${base.family.type} ${base.family.name}`);
      }
    }
    const state: FamilyState = {
      family: { name, type: 'untyped', samples: [] },
      typed: false,
      lines: [],
    };
    this.families.set(name, state);
    this.current = state;
    return state;
  }

  private sample(sample: MetricSample, line: number): void {
    const state = this.familyOf(sample.name, line);
    checkSpecialLabels(state.family, sample, line);
    const key = seriesKey(sample.name, sample.labels);
    if (this.series.has(key)) fail(line, `duplicate series ${sample.name}${fmt(sample.labels)}`);
    this.series.add(key);
    state.family.samples.push(sample);
    state.lines.push(line);
  }

  private familyOf(name: string, line: number): FamilyState {
    if (this.current && fits(this.current.family, name)) return this.current;
    const owner = [name, ...PART_SUFFIXES.map((s) => name.slice(0, -s.length))]
      .map((candidate) => this.families.get(candidate))
      .find((state) => state !== undefined && fits(state.family, name));
    if (owner) fail(line, `samples of family ${owner.family.name} are not contiguous`);
    const sameName = this.families.get(name);
    if (sameName)
      fail(line, `${name} is not a valid sample of the ${sameName.family.type} ${name}`);
    if (PART_SUFFIXES.some((s) => name.endsWith(s))) {
      fail(
        line,
        `${name} looks like a histogram/summary part but no TYPE line declares its family`,
      );
    }
    return this.open(name, line);
  }
}

function checkSpecialLabels(family: MetricFamily, sample: MetricSample, line: number): void {
  const { le, quantile } = sample.labels;
  if (family.type === 'histogram') {
    const isBucket = sample.name.endsWith('_bucket');
    if (isBucket && le === undefined) fail(line, `${sample.name} has no "le" label`);
    if (!isBucket && le !== undefined) fail(line, `"le" label on ${sample.name}`);
    if (le !== undefined) parseFloatToken(le, line, 'le');
  }
  if (family.type === 'summary') {
    const isQuantile = sample.name === family.name;
    if (isQuantile && quantile === undefined) fail(line, `${sample.name} has no "quantile" label`);
    if (!isQuantile && quantile !== undefined) fail(line, `"quantile" label on ${sample.name}`);
    if (quantile !== undefined) parseFloatToken(quantile, line, 'quantile');
  }
}

interface SeriesParts {
  readonly line: number;
  readonly buckets: Array<{ le: number; value: number; line: number }>;
  sum?: number;
  count?: number;
}

function groupSeries(state: FamilyState): Map<string, SeriesParts> {
  const groups = new Map<string, SeriesParts>();
  const partLabel = state.family.type === 'histogram' ? 'le' : 'quantile';
  state.family.samples.forEach((sample, index) => {
    const line = state.lines[index] ?? 0;
    const key = seriesKey('', sample.labels, partLabel);
    const parts = groups.get(key) ?? { line, buckets: [] };
    groups.set(key, parts);
    const suffix = sample.name.slice(state.family.name.length);
    if (suffix === '_sum') parts.sum = sample.value;
    else if (suffix === '_count') parts.count = sample.value;
    else if (suffix === '_bucket') {
      const le = parseFloatToken(sample.labels.le ?? '', line, 'le');
      parts.buckets.push({ le, value: sample.value, line });
    }
  });
  return groups;
}

function validateFamily(state: FamilyState): void {
  const { name, type } = state.family;
  if (type !== 'histogram' && type !== 'summary') return;
  for (const parts of groupSeries(state).values()) {
    if (type === 'histogram') validateBuckets(name, parts);
    if (parts.sum === undefined) fail(parts.line, `${type} ${name}: a series has no _sum`);
    if (parts.count === undefined) fail(parts.line, `${type} ${name}: a series has no _count`);
    const inf = parts.buckets[parts.buckets.length - 1];
    if (inf && inf.value !== parts.count) {
      fail(
        inf.line,
        `histogram ${name}: _count ${parts.count} differs from +Inf bucket ${inf.value}`,
      );
    }
  }
}

function validateBuckets(name: string, parts: SeriesParts): void {
  const { buckets } = parts;
  if (buckets.length === 0) fail(parts.line, `histogram ${name}: a series has no _bucket lines`);
  buckets.forEach((bucket, i) => {
    const previous = buckets[i - 1];
    if (previous && !(bucket.le > previous.le)) {
      fail(bucket.line, `histogram ${name}: le ${bucket.le} does not increase`);
    }
    if (previous && !(bucket.value >= previous.value)) {
      fail(bucket.line, `histogram ${name}: bucket counts decrease (not cumulative)`);
    }
  });
  const last = buckets[buckets.length - 1];
  if (last && last.le !== Infinity) fail(last.line, `histogram ${name}: last bucket is not +Inf`);
}

const fmt = (labels: Record<string, string>): string => JSON.stringify(labels);

/** Parses exposition text into families keyed by family name; throws PrometheusParseError. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const parser = new ExpositionParser();
  parser.parse(text);
  return new Map([...parser.families].map(([name, state]) => [name, state.family]));
}

/**
 * The value of the one sample named `sampleName` whose labels include `labels`; undefined when
 * none matches; throws when several do (the assertion would be ambiguous).
 */
export function sampleValue(
  families: Map<string, MetricFamily>,
  sampleName: string,
  labels: Record<string, string> = {},
): number | undefined {
  const matches = [...families.values()]
    .flatMap((family) => family.samples)
    .filter((s) => s.name === sampleName)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length > 1) {
    const found = matches.map((s) => fmt(s.labels)).join(', ');
    throw new Error(`${matches.length} samples ${sampleName}${fmt(labels)} match: ${found}`);
  }
  return matches[0]?.value;
}

/** Every sample of the family `familyName`; throws naming the known families when it is absent. */
export function seriesOf(families: Map<string, MetricFamily>, familyName: string): MetricSample[] {
  const family = families.get(familyName);
  if (!family) {
    throw new Error(`no metric family ${familyName}; have: ${[...families.keys()].join(', ')}`);
  }
  return family.samples;
}
