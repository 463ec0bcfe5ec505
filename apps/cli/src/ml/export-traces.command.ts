import { open, rename, rm } from 'node:fs/promises';
import { RouterTraceStore, type RatedTrace, type TraceExportFilter } from '@routeiq/persistence';
import { CliUsageError, parseCommandArgs, type CliCommand } from '../cli-command';
import { openMigratedDatabase } from '../migrate.command';
import { integerOption } from './ml-cli.args';

/** `long`: LLMRouter's long routing format; `matrix`: one `{query, scores}` line per prompt. */
export type TraceExportFormat = 'long' | 'matrix';

export interface TraceExportOptions {
  readonly out: string;
  readonly format: TraceExportFormat;
  readonly filter: TraceExportFilter;
}

/** What an export wrote and left out. */
export interface TraceExportSummary {
  /** Lines written: rated answers (long), or prompts (matrix). */
  readonly lines: number;
  /** Rated traces exported. */
  readonly rated: number;
  /** Rated traces without prompt text (traced with LLMROUTER_TRACE_PROMPTS off): never exported. */
  readonly skippedWithoutPrompt: number;
  readonly queries: number;
  readonly candidates: number;
}

/** One line of LLMRouter's long routing format, plus where it came from. */
interface LongRow {
  readonly query: string;
  readonly model_name: string;
  readonly performance: number;
  readonly prompt_tokens?: number;
  readonly completion_tokens?: number;
  readonly cost?: number;
  readonly request_id: string;
  readonly created_at: string;
}

/** The artifact candidate the answer stands for; the deployment id when no learned router chose. */
function modelNameOf(trace: RatedTrace): string {
  return trace.routerCandidate ?? trace.deploymentId;
}

function longRow(trace: RatedTrace, query: string): LongRow {
  return {
    query,
    model_name: modelNameOf(trace),
    performance: trace.feedback.score,
    ...(trace.promptTokens !== null && { prompt_tokens: trace.promptTokens }),
    ...(trace.completionTokens !== null && { completion_tokens: trace.completionTokens }),
    ...(trace.spend !== null && { cost: trace.spend }),
    request_id: trace.requestId,
    created_at: trace.createdAt.toISOString(),
  };
}

/** Tallies an export page by page and turns rated traces into lines of the chosen format. */
class TraceExportTally {
  rated = 0;
  skipped = 0;
  private readonly queries = new Set<string>();
  private readonly candidates = new Set<string>();
  /** Per prompt, per candidate: the sum and count of ratings (matrix format). */
  private readonly sums = new Map<string, Map<string, { sum: number; n: number }>>();

  constructor(private readonly format: TraceExportFormat) {}

  /** The lines to write for `page` now (none in matrix format: they come with `finish`). */
  page(page: readonly RatedTrace[]): string[] {
    const lines: string[] = [];
    for (const trace of page) {
      // A hash is not a query: traces kept without their text cannot train anything.
      if (trace.prompt === null) {
        this.skipped++;
        continue;
      }
      this.rated++;
      this.queries.add(trace.prompt);
      this.candidates.add(modelNameOf(trace));
      if (this.format === 'long') lines.push(JSON.stringify(longRow(trace, trace.prompt)));
      else this.addScore(trace.prompt, trace);
    }
    return lines;
  }

  /** The matrix lines, one per prompt: the mean rating of each candidate. */
  finish(): string[] {
    return [...this.sums].map(([query, byCandidate]) => {
      const scores = Object.fromEntries([...byCandidate].map(([name, e]) => [name, e.sum / e.n]));
      return JSON.stringify({ query, scores });
    });
  }

  summary(lines: number): TraceExportSummary {
    return {
      lines,
      rated: this.rated,
      skippedWithoutPrompt: this.skipped,
      queries: this.queries.size,
      candidates: this.candidates.size,
    };
  }

  private addScore(query: string, trace: RatedTrace): void {
    let byCandidate = this.sums.get(query);
    if (!byCandidate) {
      byCandidate = new Map<string, { sum: number; n: number }>();
      this.sums.set(query, byCandidate);
    }
    const name = modelNameOf(trace);
    const entry = byCandidate.get(name) ?? { sum: 0, n: 0 };
    entry.sum += trace.feedback.score;
    entry.n += 1;
    byCandidate.set(name, entry);
  }
}

/**
 * Writes the rated traces of `filter` that kept their prompt text to `options.out` (via a temporary
 * file, renamed once complete). Long format streams page by page; the matrix format averages the
 * ratings of each prompt and candidate in memory.
 */
export async function exportTraces(
  store: RouterTraceStore,
  options: TraceExportOptions,
): Promise<TraceExportSummary> {
  const partial = `${options.out}.partial-${process.pid}`;
  const file = await open(partial, 'w', 0o600);
  const tally = new TraceExportTally(options.format);
  let written = 0;
  const write = async (lines: readonly string[]): Promise<void> => {
    if (lines.length > 0) await file.write(`${lines.join('\n')}\n`);
    written += lines.length;
  };
  try {
    for await (const page of store.ratedTraces(options.filter)) await write(tally.page(page));
    await write(tally.finish());
    await file.close();
    await rename(partial, options.out);
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
  return tally.summary(written);
}

function dateOption(value: unknown, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const text = value as string;
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new CliUsageError(`${flag} must be an ISO 8601 date or time, e.g. 2026-01-31T00:00:00Z`);
  }
  return date;
}

function exportOptions(values: Record<string, unknown>): TraceExportOptions {
  const out = values.out as string | undefined;
  if (!out) throw new CliUsageError('--out <file.jsonl> is required');
  const format = (values.format as string | undefined) ?? 'long';
  if (format !== 'long' && format !== 'matrix') {
    throw new CliUsageError('--format must be long or matrix');
  }
  const since = dateOption(values.since, '--since');
  const until = dateOption(values.until, '--until');
  if (since && until && since >= until) throw new CliUsageError('--since must be before --until');
  const modelGroup = values['model-group'] as string | undefined;
  const filter: TraceExportFilter = {
    ...(since && { since }),
    ...(until && { until }),
    ...(modelGroup !== undefined && { modelGroup }),
    minFeedback: integerOption(values['min-feedback'], '--min-feedback', 1, 1, 1_000_000),
  };
  return { out, format, filter };
}

function describeSummary(summary: TraceExportSummary, options: TraceExportOptions): string[] {
  const lines = [
    `exported ${summary.rated} rated answers (${summary.queries} prompts x ${summary.candidates} ` +
      `candidates) as ${summary.lines} ${options.format} lines to ${options.out}`,
  ];
  if (summary.skippedWithoutPrompt > 0) {
    lines.push(
      `skipped ${summary.skippedWithoutPrompt} rated traces without prompt text ` +
        '(traced while LLMROUTER_TRACE_PROMPTS was off)',
    );
  }
  if (summary.rated === 0) lines.push('nothing to train on: the file is empty');
  return lines;
}

/** `routeiq export-traces`: the gateway's rated traffic as training data. */
export const exportTracesCommand: CliCommand = {
  name: 'export-traces',
  summary: 'Export rated routing traces (POST /v1/feedback) as training data',
  usage: `Usage: routeiq export-traces --out <file.jsonl> [--since <ISO>] [--until <ISO>]
                             [--model-group <group>] [--min-feedback <n>]
                             [--format long|matrix] [--config <file>]

Reads the gateway's routing traces (LLMROUTER_TRACE_ROUTING=true) that were rated with
POST /v1/feedback and writes them for routeiq train/eval --data. Only traces stored with their
prompt text (LLMROUTER_TRACE_PROMPTS=true) are exported; the others are counted as skipped.

  --out <file>          where to write (JSON lines, replaced once complete)
  --since, --until      created_at range: since <= created_at < until (ISO 8601)
  --model-group <g>     only requests for this model group (as the client named it)
  --min-feedback <n>    only prompts with at least n rated answers (default 1)
  --format <f>          long (default): LLMRouter's long format, a line per rated answer
                        {query, model_name, performance, prompt_tokens?, completion_tokens?,
                        cost?, request_id, created_at}; matrix: a line per prompt
                        {query, scores: {model_name: mean rating}}
  --config <file>       LiteLLM-format YAML config (read for general_settings.database_url)

model_name is the deployment's router candidate name (learned strategies), else its id.
The database is DATABASE_URL, else general_settings.database_url, else SQLite in
ROUTEIQ_DATA_DIR (default ./data).`,
  async run(args, { config, io }) {
    const { values } = parseCommandArgs(args, {
      out: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      'model-group': { type: 'string' },
      'min-feedback': { type: 'string' },
      format: { type: 'string' },
      config: { type: 'string' },
    });
    const options = exportOptions(values);
    const dataSource = await openMigratedDatabase(config, values.config as string | undefined, io);
    try {
      const summary = await exportTraces(new RouterTraceStore(dataSource), options);
      for (const line of describeSummary(summary, options)) io.out(line);
    } finally {
      await dataSource.destroy();
    }
  },
};
