import { basename } from 'node:path';
import {
  defaultStrongWeak,
  factsForMatrix,
  type FeaturizerSpec,
  HashedTfidfFeaturizer,
  type LoadedDataset,
  type PromptFeatures,
  type QualityModelKind,
  RemoteEmbeddingFeaturizer,
  type RouterArtifact,
  trainerFor,
  writeRouterArtifact,
} from '@routeiq/routing';
import { CliUsageError, type CliCommand } from '../cli-command';
import { parseCommandArgs } from '../cli-command';
import type { CliOutput } from '../migrate.command';
import { embedQueries, type Fetch } from './embedding-endpoint.client';
import {
  DATA_OPTIONS,
  DATA_USAGE,
  describeDataset,
  EMBEDDING_OPTIONS,
  EMBEDDING_USAGE,
  type EmbeddingEndpoint,
  embeddingEndpointOption,
  featureOptions,
  featurizerKindOption,
  integerOption,
  loadDataOption,
  pairOption,
  parseKeyValues,
  routerKindOption,
  sendsKeyInClear,
} from './ml-cli.args';
import { progressBar } from './progress-bar';

/** The training queries' features and the spec of the featurizer that made them. */
export interface Featurized {
  readonly featurizer: FeaturizerSpec;
  readonly features: readonly PromptFeatures[];
}

/** Fits the built-in hashed TF-IDF featurizer on the queries and featurizes them. */
export function tfidfFeaturized(
  queries: readonly string[],
  options: Parameters<typeof HashedTfidfFeaturizer.fit>[1],
): Featurized {
  const featurizer = HashedTfidfFeaturizer.fit(queries, options);
  return {
    featurizer: featurizer.toJSON(),
    features: queries.map((query) => featurizer.featurize(query)),
  };
}

/**
 * Embeds the queries through the endpoint (`--featurizer remote-embedding`): the artifact's
 * featurizer names the model group and the dimensions the endpoint gave.
 */
export async function remoteFeaturized(
  queries: readonly string[],
  endpoint: EmbeddingEndpoint,
  io: CliOutput,
  fetchImpl?: Fetch,
): Promise<Featurized> {
  const progress = progressBar(io, `embed ${endpoint.model}`);
  const { vectors, dimensions } = await embedQueries(queries, endpoint, progress, fetchImpl);
  const featurizer = RemoteEmbeddingFeaturizer.create({ model: endpoint.model, dimensions });
  return {
    featurizer: featurizer.toJSON(),
    features: vectors.map((vector) => featurizer.featurizeEmbedding(vector)),
  };
}

export interface TrainSpec {
  readonly kind: QualityModelKind;
  readonly seed: number;
  readonly trainerOptions: Record<string, unknown>;
  readonly featurizerOptions: Parameters<typeof HashedTfidfFeaturizer.fit>[1];
  readonly pair?: { strong: number; weak: number };
  readonly dataName: string;
  /** Set with `--featurizer remote-embedding`: where the queries were embedded. */
  readonly embedding?: EmbeddingEndpoint;
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
    ...(spec.embedding
      ? { featurizer: 'remote-embedding', embedding_model: spec.embedding.model }
      : { featurizer_options: spec.featurizerOptions }),
  };
}

/**
 * Trains the model on every query of the data (featurized by the built-in featurizer unless
 * `featurized` is given): the artifact to ship.
 */
export function trainArtifact(
  dataset: LoadedDataset,
  spec: TrainSpec,
  io: CliOutput,
  featurized: Featurized = tfidfFeaturized(dataset.matrix.queries, spec.featurizerOptions),
): RouterArtifact {
  const { matrix } = dataset;
  const { featurizer, features } = featurized;
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
    featurizer,
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
                     [--featurizer remote-embedding --embed-base-url <url> --embed-model <group>
                      [--embed-api-key-env <NAME>] [--embed-batch <n>]]

Fits the built-in featurizer (or embeds the queries, with --featurizer remote-embedding) and a
quality model on every query's per-candidate scores, and writes <dir>/router.json and an unsigned
<dir>/manifest.json (sign it with routeiq sign). Progress goes to stderr.

  --router <kind>          model kind: knn, mlp, svm, mf or elo
${DATA_USAGE}
  --out <dir>              where to write router.json and manifest.json
  --seed <n>               trainer seed (default 1): the same seed gives the same artifact
  --option <key=value>     a trainer option (e.g. k=20 for knn). Repeatable.
  --feature-option <k=v>   a featurizer option (e.g. sparseBits=18). Repeatable.
  --strong, --weak         the threshold router's pair (default: the best-scoring candidate, and
                           the smallest or cheapest other one)
${EMBEDDING_USAGE}`,
  async run(args, { io, config }) {
    const { values } = parseCommandArgs(args, {
      ...DATA_OPTIONS,
      ...EMBEDDING_OPTIONS,
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
    const embedding = embeddingOption(values, kind, config.env);
    const spec = {
      kind,
      seed: integerOption(values.seed, '--seed', 1, 0, 2 ** 32 - 1),
      trainerOptions: parseKeyValues(values.option, '--option'),
      featurizerOptions: embedding ? {} : featureOptions(values),
      ...(embedding && { embedding }),
    };
    const dataset = loadDataOption(values);
    io.err(describeDataset(values.data as string, dataset));
    const pair = pairOption(values, dataset.matrix.candidates);
    const featurized = embedding ? await embedDataset(dataset, embedding, io) : undefined;
    const artifact = trainArtifact(
      dataset,
      { ...spec, pair, dataName: basename(values.data as string) },
      io,
      featurized,
    );
    const written = await writeRouterArtifact(out, artifact);
    io.out(`wrote ${written.routerPath} (sha256 ${written.sha256})`);
    io.out(
      `wrote ${written.manifestPath} (unsigned: run routeiq sign --manifest ${out} --key <file>)`,
    );
  },
};

/** The endpoint of `--featurizer remote-embedding`, or undefined for the built-in featurizer. */
function embeddingOption(
  values: Record<string, unknown>,
  kind: QualityModelKind,
  env: Readonly<Record<string, string | undefined>>,
): EmbeddingEndpoint | undefined {
  if (featurizerKindOption(values) !== 'remote-embedding') return undefined;
  // Elo clusters prompts by their sparse TF-IDF terms: embeddings have none.
  if (kind === 'elo') {
    throw new CliUsageError(
      '--router elo needs the hashed-tfidf featurizer: use knn, mlp, svm or mf',
    );
  }
  return embeddingEndpointOption(values, env);
}

function embedDataset(
  dataset: LoadedDataset,
  endpoint: EmbeddingEndpoint,
  io: CliOutput,
): Promise<Featurized> {
  const { queries } = dataset.matrix;
  io.err(`embedding ${queries.length} queries with ${endpoint.model} at ${endpoint.baseUrl}`);
  if (sendsKeyInClear(endpoint)) {
    io.err('warning: the API key goes over plain http to a host that is not this machine');
  }
  return remoteFeaturized(queries, endpoint, io);
}
