import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  calibrateThreshold,
  featurizerFromSpec,
  MANIFEST_FILE,
  parseManifest,
  parseRouterArtifact,
  qualityModelFromSpec,
  ROUTER_FILE,
  type RouterArtifact,
  signManifestFile,
  strongShare,
  writeRouterArtifact,
} from '@routeiq/routing';
import { CliUsageError, type CliCommand } from '../cli-command';
import { parseCommandArgs } from '../cli-command';
import {
  DATA_OPTIONS,
  DATA_USAGE,
  describeDataset,
  loadDataOption,
  numberOption,
} from './ml-cli.args';

interface ArtifactOnDisk {
  readonly dir: string;
  readonly artifact: RouterArtifact;
  /** Files the manifest lists besides router.json (kept listed after the rewrite). */
  readonly others: readonly string[];
}

/**
 * Reads `<dir>/router.json` and checks it is the file `<dir>/manifest.json` lists (sha256): a
 * calibrated artifact is re-signed afterwards, and must not launder a file changed since.
 */
async function readArtifact(path: string): Promise<ArtifactOnDisk> {
  const dir = (await stat(path)).isDirectory() ? path : dirname(path);
  const manifest = parseManifest(await readFile(join(dir, MANIFEST_FILE)));
  const entry = manifest.artifacts.find((listed) => listed.path === ROUTER_FILE);
  if (!entry) throw new Error(`${MANIFEST_FILE} does not list ${ROUTER_FILE}`);
  const bytes = await readFile(join(dir, ROUTER_FILE));
  if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256) {
    throw new Error(
      `${ROUTER_FILE} does not match the sha256 ${MANIFEST_FILE} lists: it changed since`,
    );
  }
  const artifact = parseRouterArtifact(JSON.parse(bytes.toString('utf8')) as unknown);
  const others = manifest.artifacts
    .map((listed) => listed.path)
    .filter((listed) => listed !== ROUTER_FILE);
  return { dir, artifact, others };
}

/** The candidate named by `--strong`/`--weak`, else the artifact's. */
function pairOf(
  values: Record<string, unknown>,
  artifact: RouterArtifact,
): { strong: string; weak: string } {
  const strong = (values.strong as string | undefined) ?? artifact.strong;
  const weak = (values.weak as string | undefined) ?? artifact.weak;
  if (strong === undefined || weak === undefined) {
    throw new CliUsageError('the artifact names no strong/weak pair: give --strong and --weak');
  }
  for (const [flag, name] of [
    ['--strong', strong],
    ['--weak', weak],
  ] as const) {
    if (!artifact.candidates.includes(name)) {
      throw new CliUsageError(
        `${flag} must be one of the artifact's candidates: ${artifact.candidates.join(', ')}`,
      );
    }
  }
  if (strong === weak) throw new CliUsageError('--strong and --weak must differ');
  return { strong, weak };
}

/** Strong-win scores q̂[strong] − q̂[weak] of the queries under the artifact's own model. */
function strongWinScores(
  artifact: RouterArtifact,
  pair: { strong: string; weak: string },
  queries: readonly string[],
): Float64Array {
  const featurizer = featurizerFromSpec(artifact.featurizer);
  const model = qualityModelFromSpec(artifact.model, artifact.candidates);
  const strong = artifact.candidates.indexOf(pair.strong);
  const weak = artifact.candidates.indexOf(pair.weak);
  const out = new Float64Array(artifact.candidates.length);
  return Float64Array.from(queries, (query) => {
    model.predict(featurizer.featurize(query), out);
    return out[strong]! - out[weak]!;
  });
}

function requiredOptions(values: Record<string, unknown>): { path: string; pct: number } {
  const path = values.artifact as string | undefined;
  if (!path) throw new CliUsageError('--artifact <dir> is required');
  const pct = numberOption(values['strong-pct'], '--strong-pct', undefined, 0, 100);
  if (pct === undefined) throw new CliUsageError('--strong-pct <0-100> is required');
  return { path, pct };
}

/** `routeiq calibrate`: set a threshold router's threshold from a target share of strong calls. */
export const calibrateCommand: CliCommand = {
  name: 'calibrate',
  summary: "Set a threshold router's threshold so n% of queries go to the strong model",
  usage: `Usage: routeiq calibrate --artifact <dir> --data <file|dir> --strong-pct <0-100>
                         [--format <name>] [--exclude <file>] [--strong <candidate> --weak <candidate>]

Predicts every query of the data with the artifact's model, and sets router.json's threshold so
that --strong-pct % of them have q[strong] - q[weak] >= threshold (RouteLLM's calibration).
Use queries like the traffic to route; the model's own training queries make it over-confident.
router.json is checked against manifest.json before and rewritten after; the new manifest is
unsigned: re-sign it with routeiq sign.

  --artifact <dir>         the artifact directory (or its manifest.json)
${DATA_USAGE}
  --strong-pct <n>         share of queries to send to the strong model, 0 to 100
  --strong, --weak         the pair (default: the artifact's strong and weak)`,
  async run(args, { io }) {
    const { values } = parseCommandArgs(args, {
      ...DATA_OPTIONS,
      artifact: { type: 'string' },
      'strong-pct': { type: 'string' },
      strong: { type: 'string' },
      weak: { type: 'string' },
    });
    const { path, pct } = requiredOptions(values);
    const { dir, artifact, others } = await readArtifact(path);
    const pair = pairOf(values, artifact);
    const dataset = loadDataOption(values);
    io.err(describeDataset(values.data as string, dataset));
    const wins = strongWinScores(artifact, pair, dataset.matrix.queries);
    const threshold = calibrateThreshold(wins, pct);
    const share = strongShare(wins, threshold);
    const calibrated: RouterArtifact = {
      ...artifact,
      ...pair,
      threshold,
      training: {
        ...artifact.training,
        calibration: {
          data: basename(values.data as string),
          queries: wins.length,
          strong_pct: pct,
          strong_share: share,
        },
      },
    };
    const written = await writeRouterArtifact(dir, calibrated);
    if (others.length > 0) await signManifestFile(written.manifestPath, undefined, { add: others });
    io.out(
      `threshold ${threshold} sends ${(share * 100).toFixed(1)}% of ${wins.length} queries to ${pair.strong}`,
    );
    io.out(`wrote ${written.routerPath} (sha256 ${written.sha256})`);
    io.out(
      `wrote ${written.manifestPath} (unsigned: re-sign with routeiq sign --manifest ${dir} --key <file>)`,
    );
  },
};
