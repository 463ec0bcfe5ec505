'use strict';
// The gateway under test: its command, environment and generated config, start-up, and the
// virtual key of the `quota` target.
const fs = require('node:fs');
const path = require('node:path');
const procs = require('./processes');
const wrk = require('./wrk');

const root = path.resolve(__dirname, '../..');

// The node flags `npm start` uses (see docs/performance.md): the gateway is measured as deployed.
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '--max-semi-space-size=32')
  .split(/\s+/)
  .filter(Boolean);

// `extraFlags`: node flags a target adds for its own measuring (not for BENCH_GATEWAY_CMD).
function gatewayCommand(vars, extraFlags = []) {
  const override = process.env.BENCH_GATEWAY_CMD;
  if (override) {
    const parts = override
      .trim()
      .split(/\s+/)
      .map((part) => part.replace(/\{(\w+)\}/g, (whole, key) => String(vars[key] ?? whole)));
    return [parts[0], parts.slice(1)];
  }
  const main = path.join(root, 'dist/apps/gateway/main.js');
  if (!fs.existsSync(main))
    throw new Error(`${main} missing: run npm run build (or npm run bench)`);
  const args = [main, '--config', vars.config, '--port', String(vars.port), '--host', '127.0.0.1'];
  return [process.execPath, [...NODE_FLAGS, ...extraFlags, ...args]];
}

const ADMIN_KEY = 'bench-admin-key-0123456789';
// The `quota` target: the same gateway, called with a virtual key of a team, with key, team and
// environment limits all counting (limits high enough never to refuse).
const QUOTA_ENV = {
  ADMIN_API_KEYS: ADMIN_KEY,
  ROUTEIQ_QUOTA_LIMITS_JSON: JSON.stringify([
    { metric: 'requests', window: 'minute', limit: 100_000_000 },
    { metric: 'total_tokens', window: 'hour', limit: 1_000_000_000 },
    { metric: 'spend_usd', window: 'day', limit: 1_000_000 },
  ]),
};
const QUOTA_LIMITS = {
  rpm_limit: 100_000_000,
  tpm_limit: 1_000_000_000,
  max_budget: 1_000_000,
  budget_duration: '30d',
};

// The embedded default: no database, Redis or OpenTelemetry settings leak in from the caller's
// shell (tracing is on only where a target asks for it, see lib/tracing.js).
function gatewayEnv(dataDir, extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/(^|_)DATABASE_URL$|^REDIS_|(^|_)REDIS_URL$|^OTEL_/.test(key)) delete env[key];
  }
  return {
    ...env,
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    LITELLM_MASTER_KEY: wrk.MASTER_KEY,
    ROUTEIQ_DATA_DIR: dataDir,
    LITELLM_LOG: 'info',
    ...extra,
  };
}

// How the one model, `bench`, reaches the mock: `openai` relays the mock's OpenAI JSON verbatim;
// `anthropic` calls its /v1/messages and translates both ways.
const UPSTREAMS = {
  openai: (mockPort) => ['openai/bench-model', `http://127.0.0.1:${mockPort}/v1`],
  anthropic: (mockPort) => ['anthropic/bench-model', `http://127.0.0.1:${mockPort}`],
};

function writeGatewayConfig(tmp, mockPort, provider) {
  const upstream = UPSTREAMS[provider];
  if (!upstream) throw new Error(`unknown bench provider: ${provider}`);
  const [model, apiBase] = upstream(mockPort);
  const file = path.join(tmp, `bench-config-${provider}.yaml`);
  fs.writeFileSync(
    file,
    [
      'model_list:',
      '  - model_name: bench',
      '    litellm_params:',
      `      model: ${model}`,
      `      api_base: ${apiBase}`,
      '      api_key: sk-upstream-bench',
      '',
    ].join('\n'),
  );
  return file;
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// options: { mockPort, tmp, outDir, cpu, provider = 'openai', env = {}, log = 'gateway.log',
//            nodeFlags = [], wrapper = [] (a command the gateway runs under, e.g. valgrind and its
//            arguments), readyTimeoutMs = 60000 }
async function startGateway(options) {
  const { mockPort, tmp, outDir, cpu, provider = 'openai', env = {} } = options;
  const dataDir = fs.mkdtempSync(path.join(tmp, 'data-'));
  const port = await procs.freePort();
  const config = writeGatewayConfig(tmp, mockPort, provider);
  const [gatewayFile, gatewayArgs] = gatewayCommand(
    { port, mockPort, config, dataDir },
    options.nodeFlags,
  );
  const wrapper = options.wrapper ?? [];
  const [command, args] =
    wrapper.length > 0
      ? [wrapper[0], [...wrapper.slice(1), gatewayFile, ...gatewayArgs]]
      : [gatewayFile, gatewayArgs];
  const logFile = path.join(outDir, options.log ?? 'gateway.log');
  const logFd = fs.openSync(logFile, 'w');
  const child = procs.start('gateway', cpu, command, args, {
    cwd: root,
    env: gatewayEnv(dataDir, env),
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  try {
    await procs.waitForStatus(
      child,
      `http://127.0.0.1:${port}/_health/ready`,
      options.readyTimeoutMs ?? 60_000,
    );
  } catch (error) {
    await procs.stop(child);
    throw new Error(`${error.message}\n--- ${logFile} (tail) ---\n${tail(logFile)}`);
  }
  return { child, port, logFile };
}

// A team and a virtual key in it, both with limits, through the admin API.
async function createQuotaKey(base) {
  const headers = { 'content-type': 'application/json', 'x-admin-api-key': ADMIN_KEY };
  const post = async (path, body) => {
    const res = await procs.request(`${base}${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`${path} answered HTTP ${res.status}: ${res.body}`);
    return JSON.parse(res.body);
  };
  await post('/team/new', { team_id: 'bench-team', ...QUOTA_LIMITS });
  const created = await post('/key/generate', {
    team_id: 'bench-team',
    user_id: 'bench-user',
    ...QUOTA_LIMITS,
  });
  return created.key;
}

module.exports = { ADMIN_KEY, QUOTA_ENV, startGateway, createQuotaKey };
