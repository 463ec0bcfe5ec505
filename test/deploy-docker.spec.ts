import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

// No Docker engine runs where these tests run: the image and compose files are checked by reading
// them (config/nginx*.conf: deploy-nginx.spec.ts).

const ROOT = resolve(__dirname, '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  tmpfs?: string[];
  user?: string;
  read_only?: boolean;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
}

function compose(file: string): Record<string, ComposeService> {
  // Compose resolves YAML merge keys (`<<: *anchor`); the yaml package does when asked.
  return (parse(read(file), { merge: true }) as { services: Record<string, ComposeService> })
    .services;
}

function service(services: Record<string, ComposeService>, name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

/** Dockerfile instructions of the last stage, continuation lines joined, comments dropped. */
function runtimeStage(): { keyword: string; args: string }[] {
  const joined = read('docker/Dockerfile')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const instructions = joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

/** Every environment variable name the application code reads, or a config file references. */
function namesTheGatewayKnows(): string {
  const sources: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
        sources.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(ROOT, 'libs'));
  walk(join(ROOT, 'apps'));
  return [...sources, read('config/config.yaml'), read('config/config.ha.yaml')].join('\n');
}

const ha = compose('docker-compose.ha.yml');
const single = compose('docker-compose.yml');
const GATEWAYS = ['gateway-1', 'gateway-2'];

describe('docker/Dockerfile', () => {
  const stage = runtimeStage();
  const args = (keyword: string): string[] =>
    stage.filter((i) => i.keyword === keyword).map((i) => i.args);

  it('runs as uid 1000 under tini, the gateway with the default config', () => {
    expect(args('USER')).toEqual(['1000:1000']);
    expect(args('RUN').join(' ')).toMatch(/apt-get install -y --no-install-recommends tini/);
    expect(JSON.parse(args('ENTRYPOINT')[0] ?? '')).toEqual(['/usr/bin/tini', '--']);
    expect(JSON.parse(args('CMD')[0] ?? '')).toEqual([
      'node',
      '--max-semi-space-size=32',
      'dist/apps/gateway/main.js',
      '--config',
      '/app/config/config.yaml',
    ]);
    expect(args('EXPOSE')).toEqual(['4000']);
  });

  it('checks /_health/live with node (the slim image has no curl)', () => {
    const [healthcheck = ''] = args('HEALTHCHECK');
    const command = JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD') + 3)) as string[];
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/_health/live');
    expect(healthcheck).not.toMatch(/curl|wget/);
  });

  it('keeps state on /data only, so the root filesystem can be read-only', () => {
    expect(args('ENV').join(' ')).toMatch(/ROUTEIQ_DATA_DIR=\/data\b/);
    expect(args('VOLUME')).toEqual(['["/data"]']);
    expect(args('RUN').join(' ')).toMatch(/chown 1000:1000 \/data/);
  });

  it('ships production dependencies built on the runtime base image', () => {
    const text = read('docker/Dockerfile');
    expect(text).toMatch(/^FROM \S+ AS deps\n[\s\S]*RUN [^\n]*npm ci --omit=dev/m);
    expect(args('COPY')).toContain('--from=deps /app/node_modules ./node_modules');
    // One base for every stage: better-sqlite3's binary must match the runtime's libc and ABI.
    const bases = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(new Set(bases.filter((base) => base !== 'toolchain'))).toEqual(
      new Set(['${NODE_IMAGE}']),
    );
    expect(text).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
  });

  it('lets every file it copies from the context through .dockerignore, and nothing local', () => {
    const rules = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(rules[0]).toBe('*');
    const allowed = rules.filter((rule) => rule.startsWith('!')).map((rule) => rule.slice(1));
    const copied = read('docker/Dockerfile')
      .split('\n')
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    expect(copied.length).toBeGreaterThan(0);
    for (const source of copied) expect(allowed).toContain(source);
    for (const local of ['data', '.env', 'node_modules', 'dist', '.git']) {
      expect(allowed).not.toContain(local);
    }
  });
});

describe('docker-compose.yml (single node)', () => {
  const gateway = service(single, 'gateway');

  it('runs one non-root, read-only gateway on port 4000 with SQLite on a volume', () => {
    expect(Object.keys(single)).toEqual(['gateway']);
    expect(gateway.build).toEqual({ context: '.', dockerfile: 'docker/Dockerfile' });
    expect(gateway.ports).toEqual(['4000:4000']);
    expect(gateway.user).toBe('1000:1000');
    expect(gateway.read_only).toBe(true);
    expect(gateway.tmpfs).toContain('/tmp');
    expect(gateway.volumes).toContain('routeiq-data:/data');
    expect(gateway.environment?.DATABASE_URL).toBeUndefined();
  });
});

describe('docker-compose.ha.yml', () => {
  it.each(GATEWAYS)('%s: non-root, read-only, HA mode on Postgres and Redis', (name) => {
    const gateway = service(ha, name);
    expect(gateway.user).toBe('1000:1000');
    expect(gateway.read_only).toBe(true);
    expect(gateway.tmpfs).toEqual(
      expect.arrayContaining(['/tmp', expect.stringMatching(/^\/data:/)]),
    );
    const env = gateway.environment ?? {};
    expect(env.LLMROUTER_HA_MODE).toBe('leader_election');
    expect(env.DATABASE_URL).toMatch(
      /^postgres:\/\/routeiq:\$\{POSTGRES_PASSWORD:\?[^}]*\}@postgres:5432\/routeiq$/,
    );
    expect(env.REDIS_HOST).toBe('redis');
    // `:?` makes compose refuse to start without the secret instead of running without it.
    expect(env.REDIS_PASSWORD).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    expect(env.LITELLM_MASTER_KEY).toMatch(/^\$\{LITELLM_MASTER_KEY:\?/);
    expect(gateway.command?.slice(-2)).toEqual(['--config', '/app/config/config.ha.yaml']);
    expect(gateway.volumes).toContain('./config/config.ha.yaml:/app/config/config.ha.yaml:ro');
    expect(gateway.healthcheck?.test?.join(' ')).toContain('/_health/ready');
  });

  it.each(GATEWAYS)('%s: starts only after the migrate job succeeded', (name) => {
    expect(service(ha, name).depends_on).toMatchObject({
      migrate: { condition: 'service_completed_successfully' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('publishes the replicas on loopback at 4000 and 4001, nginx at 8080', () => {
    expect(GATEWAYS.map((name) => service(ha, name).ports)).toEqual([
      ['127.0.0.1:4000:4000'],
      ['127.0.0.1:4001:4000'],
    ]);
    expect(service(ha, 'nginx').ports).toEqual(['8080:8080']);
  });

  it('runs the CLI migrate once, on the gateway image, after Postgres is healthy', () => {
    const migrate = service(ha, 'migrate');
    expect(migrate.image).toBe(service(ha, 'gateway-1').image);
    expect(migrate.command).toEqual(['node', 'dist/apps/cli/main.js', 'migrate']);
    expect(migrate.environment?.DATABASE_URL).toBe(
      service(ha, 'gateway-1').environment?.DATABASE_URL,
    );
    expect(migrate.restart).toBe('no');
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(migrate.read_only).toBe(true);
  });

  it('starts Redis with a password from the environment and checks it with that password', () => {
    const redis = service(ha, 'redis');
    expect(redis.image).toBe('redis:7');
    expect(redis.command?.join(' ')).toContain('--requirepass "$$REDIS_PASSWORD"');
    expect(redis.environment?.REDIS_PASSWORD).toMatch(/^\$\{REDIS_PASSWORD:\?/);
    expect(redis.environment?.REDISCLI_AUTH).toBe(redis.environment?.REDIS_PASSWORD);
    expect(redis.healthcheck?.test?.join(' ')).toContain('redis-cli ping');
  });

  it('gives every long-running service a healthcheck', () => {
    expect(service(ha, 'postgres').image).toBe('postgres:16');
    for (const [name, svc] of Object.entries(ha)) {
      if (name === 'migrate') expect(svc.healthcheck).toEqual({ disable: true });
      else expect(svc.healthcheck?.test?.length).toBeGreaterThan(0);
    }
  });

  it('mounts only files that exist, and sets only variables the gateway reads', () => {
    for (const svc of [...Object.values(ha), ...Object.values(single)]) {
      for (const volume of svc.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('./')) expect(existsSync(join(ROOT, source))).toBe(true);
      }
    }
    const known = namesTheGatewayKnows();
    const names = [
      ...GATEWAYS.map((name) => service(ha, name)),
      service(single, 'gateway'),
    ].flatMap((svc) => Object.keys(svc.environment ?? {}));
    const unknown = names.filter((name) => !new RegExp(`\\b${name}\\b`).test(known));
    expect(unknown).toEqual([]);
  });
});

describe('config/config.ha.yaml', () => {
  it('takes the database and the master key from the environment', () => {
    const config = parse(read('config/config.ha.yaml')) as {
      general_settings: Record<string, unknown>;
      router_settings: Record<string, unknown>;
    };
    expect(config.general_settings).toMatchObject({
      master_key: 'os.environ/LITELLM_MASTER_KEY',
      database_url: 'os.environ/DATABASE_URL',
    });
    // Redis comes from the environment; router_settings.redis_* would only be warned about.
    expect(Object.keys(config.router_settings).filter((key) => key.startsWith('redis'))).toEqual(
      [],
    );
  });
});
