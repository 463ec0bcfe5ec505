import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouterArtifact } from '@routeiq/routing';
import { fixture, GPT4, MIXTRAL, routeiq } from './__fixtures__/ml-cli.harness';

describe('routeiq calibrate', () => {
  let dir: string;
  const gsm8k = fixture('routellm-gsm8k.csv');
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-calibrate-'));
    const run = await routeiq([
      'train',
      '--router',
      'knn',
      '--data',
      gsm8k,
      '--out',
      dir,
      '--strong',
      GPT4,
      '--weak',
      MIXTRAL,
    ]);
    expect(run.code).toBe(0);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sets the threshold that sends --strong-pct % of the queries strong, and re-lists router.json', async () => {
    const before = JSON.parse(read('manifest.json'));
    const run = await routeiq([
      'calibrate',
      '--artifact',
      dir,
      '--data',
      gsm8k,
      '--strong-pct',
      '20',
    ]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toMatch(
      new RegExp(`^threshold -?\\d.* sends 20\\.0% of 50 queries to ${GPT4}$`),
    );
    expect(run.out[2]).toContain('unsigned: re-sign with routeiq sign');
    const artifact = JSON.parse(read('router.json')) as RouterArtifact;
    expect(typeof artifact.threshold).toBe('number');
    expect(artifact).toMatchObject({ strong: GPT4, weak: MIXTRAL });
    expect(artifact.training).toMatchObject({
      calibration: { queries: 50, strong_pct: 20, strong_share: 0.2 },
      queries: 50,
    });
    const after = JSON.parse(read('manifest.json'));
    expect(after.signature_type).toBe('none');
    expect(after.artifacts[0].sha256).not.toBe(before.artifacts[0].sha256);
    const again = await routeiq([
      'calibrate',
      '--artifact',
      join(dir, 'manifest.json'),
      '--data',
      gsm8k,
      '--strong-pct',
      '60',
    ]);
    expect(again.out[0]).toContain('sends 60.0% of 50 queries');
  });

  it('swaps the pair when asked', async () => {
    const run = await routeiq([
      'calibrate',
      '--artifact',
      dir,
      '--data',
      gsm8k,
      '--strong-pct',
      '10',
      '--strong',
      MIXTRAL,
      '--weak',
      GPT4,
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(read('router.json'))).toMatchObject({ strong: MIXTRAL, weak: GPT4 });
  });

  it('refuses a router.json changed since the manifest listed it', async () => {
    const artifact = JSON.parse(read('router.json')) as RouterArtifact;
    writeFileSync(join(dir, 'router.json'), JSON.stringify({ ...artifact, weak: GPT4 }));
    const run = await routeiq([
      'calibrate',
      '--artifact',
      dir,
      '--data',
      gsm8k,
      '--strong-pct',
      '20',
    ]);
    expect(run).toMatchObject({
      code: 1,
      err: [
        'routeiq calibrate: router.json does not match the sha256 manifest.json lists: it changed since',
      ],
    });
  });

  it('refuses bad arguments with usage (exit 2)', async () => {
    for (const argv of [
      ['calibrate', '--artifact', dir, '--data', gsm8k],
      ['calibrate', '--artifact', dir, '--data', gsm8k, '--strong-pct', '101'],
      ['calibrate', '--data', gsm8k, '--strong-pct', '20'],
      [
        'calibrate',
        '--artifact',
        dir,
        '--data',
        gsm8k,
        '--strong-pct',
        '20',
        '--strong',
        'gpt-5',
        '--weak',
        GPT4,
      ],
      [
        'calibrate',
        '--artifact',
        dir,
        '--data',
        gsm8k,
        '--strong-pct',
        '20',
        '--strong',
        GPT4,
        '--weak',
        GPT4,
      ],
    ]) {
      const run = await routeiq(argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      expect(run.err.join('\n')).toContain('Usage: routeiq calibrate');
    }
  });

  it('asks for --strong and --weak when the artifact names no pair', async () => {
    const out = join(dir, 'multi');
    await routeiq([
      'train',
      '--router',
      'knn',
      '--data',
      fixture('llmrouter-matrix.jsonl'),
      '--out',
      out,
    ]);
    expect(JSON.parse(readFileSync(join(out, 'router.json'), 'utf8')).strong).toBeUndefined();
    const run = await routeiq([
      'calibrate',
      '--artifact',
      out,
      '--data',
      fixture('llmrouter-matrix.jsonl'),
      '--strong-pct',
      '20',
    ]);
    expect(run.code).toBe(2);
    expect(run.err[0]).toContain(
      'the artifact names no strong/weak pair: give --strong and --weak',
    );
  });
});
