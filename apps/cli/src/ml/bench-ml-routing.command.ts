import { benchKnnLatency, loadDataset } from '@routeiq/routing';
import { parseCommandArgs, type CliCommand } from '../cli-command';

/** `routeiq bench-ml-routing [--data <file>]`: one JSON line, the kNN router's decision time. */
export const benchMlRoutingCommand: CliCommand = {
  name: 'bench-ml-routing',
  summary: "Time the kNN router's decision (featurize + predict) over 10k training queries",
  usage: `Usage: routeiq bench-ml-routing [--data <file>]

  --data <file>  routing data whose queries train the router (e.g. the LLMRouter routing matrix;
                 repeated with small changes up to 10,000); without it, seeded synthetic prompts`,
  run(args, { io }) {
    const { values } = parseCommandArgs(args, { data: { type: 'string' } });
    const data = values.data as string | undefined;
    const matrix = data === undefined ? undefined : loadDataset(data).matrix;
    io.out(JSON.stringify(benchKnnLatency(matrix)));
    return Promise.resolve();
  },
};
