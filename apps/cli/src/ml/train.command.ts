import { basename } from 'node:path';
import {
  defaultStrongWeak,
  factsForMatrix,
  HashedTfidfFeaturizer,
  type LoadedDataset,
  type QualityModelKind,
  type RouterArtifact,
  trainerFor,
  writeRouterArtifact,
} from '@routeiq/routing';
import { CliUsageError, type CliCommand } from '../cli-command';
import { parseCommandArgs } from '../cli-command';
import type { CliOutput } from '../migrate.command';
import {
  DATA_OPTIONS,
  DATA_USAGE,
  describeDataset,
  featureOptions,
  integerOption,
  loadDataOption,
  pairOption,
  parseKeyValues,
  routerKindOption,
} from './ml-cli.args';
import { progressBar } from './progress-bar';

export interface TrainSpec {
  readonly kind: QualityModelKind;
  readonly seed: number;
  readonly trainerOptions: Record<string, unknown>;
  readonly featurizerOptions: Parameters<typeof HashedTfidfFeaturizer.fit>[1];
  readonly pair?: { strong: number; weak: number };
  readonly dataName: string;
}

/** USD per 1k tokens of each candidate whose price is known. */
function candidateCosts(dataset: LoadedDataset): Record<string, number> | undefined {
  const facts = factsForMatrix(dataset.matrix, dataset.prices);
  const costs = dataset.matrix.candidates.flatMap((name, c) => {
    const cost = facts[c]?.costPer1k;
    return cost === undefined ? [] : [[name, cost] as const];
  });
  return costs.length > 0 ? Object.fromEntries(costs) : undefined;
}

function trainingFacts(dataset: LoadedDataset, spec: TrainSpec): Record<string, unknown> {
  return {
    data: spec.dataName,
    format: dataset.format,
    queries: dataset.matrix.queries.length,
    rows: dataset.stats.rows,
    duplicate_queries_merged: dataset.stats.duplicateQueries,
    rows_dropped: dataset.stats.dropped,
    seed: spec.seed,
    options: spec.trainerOptions,
    featurizer_options: spec.featurizerOptions,
  };
}

/** Fits the featurizer and trains the model on every query of the data: the artifact to ship. */
export function trainArtifact(
  dataset: LoadedDataset,
  spec: TrainSpec,
  io: CliOutput,
): RouterArtifact {
  const { matrix } = dataset;
  const featurizer = HashedTfidfFeaturizer.fit(matrix.queries, spec.featurizerOptions);
  const features = matrix.queries.map((query) => featurizer.featurize(query));
  const progress = progressBar(io, `train ${spec.kind}`);
  const options = { seed: spec.seed, ...spec.trainerOptions };
  const model = trainerFor(spec.kind).train(features, matrix, options, progress);
  progress(1, 1);
  const costs = candidateCosts(dataset);
  const pair = spec.pair ?? defaultStrongWeak(matrix, factsForMatrix(matrix, dataset.prices));
  return {
    format: 'routeiq.router.v1',
    created_at: new Date().toISOString(),
    candidates: matrix.candidates,
    featurizer: featurizer.toJSON(),
    model: model.toJSON(),
    ...(costs && { candidate_costs: costs }),
    ...(pair && { strong: matrix.candidates[pair.strong]!, weak: matrix.candidates[pair.weak]! }),
    training: trainingFacts(dataset, spec),
  };
}

/** `routeiq train`: train a router on score data and write router.json + manifest.json. */
export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a learned router on score data (writes router.json + manifest.json)',
  usage: `Usage: routeiq train --router <knn|mlp|svm|mf|elo> --data <file|dir> --out <dir>
                     [--format <name>] [--prices <file>] [--exclude <file>] [--seed <n>]
                     [--option <key=value>]... [--feature-option <key=value>]...
                     [--strong <candidate> --weak <candidate>]

Fits the built-in featurizer and a quality model on every query's per-candidate scores, and
writes <dir>/router.json and an unsigned <dir>/manifest.json (sign it with routeiq sign).
Progress goes to stderr.

  --router <kind>          model kind: knn, mlp, svm, mf or elo
${DATA_USAGE}
  --out <dir>              where to write router.json and manifest.json
  --seed <n>               trainer seed (default 1): the same seed gives the same artifact
  --option <key=value>     a trainer option (e.g. k=20 for knn). Repeatable.
  --feature-option <k=v>   a featurizer option (e.g. sparseBits=18). Repeatable.
  --strong, --weak         the threshold router's pair (default: the best-scoring candidate, and
                           the smallest or cheapest other one)`,
  async run(args, { io }) {
    const { values } = parseCommandArgs(args, {
      ...DATA_OPTIONS,
      router: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      option: { type: 'string', multiple: true },
      'feature-option': { type: 'string', multiple: true },
      strong: { type: 'string' },
      weak: { type: 'string' },
    });
    const kind = routerKindOption(values.router);
    const out = values.out as string | undefined;
    if (!out) throw new CliUsageError('--out <dir> is required');
    const spec = {
      kind,
      seed: integerOption(values.seed, '--seed', 1, 0, 2 ** 32 - 1),
      trainerOptions: parseKeyValues(values.option, '--option'),
      featurizerOptions: featureOptions(values),
    };
    const dataset = loadDataOption(values);
    io.err(describeDataset(values.data as string, dataset));
    const pair = pairOption(values, dataset.matrix.candidates);
    const artifact = trainArtifact(
      dataset,
      { ...spec, pair, dataName: basename(values.data as string) },
      io,
    );
    const written = await writeRouterArtifact(out, artifact);
    io.out(`wrote ${written.routerPath} (sha256 ${written.sha256})`);
    io.out(
      `wrote ${written.manifestPath} (unsigned: run routeiq sign --manifest ${out} --key <file>)`,
    );
  },
};
