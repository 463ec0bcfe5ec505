import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  A2aAgentStore,
  CredentialCipher,
  CredentialCipherError,
  createDataSource,
  McpServerStore,
  mcpServerDefaults,
  runMigrationsLocked,
} from '@routeiq/persistence';
import type { DataSource } from 'typeorm';
import {
  createTestTarget,
  DATABASE_KINDS,
  type TestTarget,
} from '../../../libs/persistence/src/__fixtures__/test-databases';
import { credentialsCommand } from './credentials-rekey.command';
import { type CliRun, routeiq } from './ml/__fixtures__/ml-cli.harness';

const OLD_SECRET = 'old-master-key-value';
const NEW_SECRET = 'new-salt-key-value';
const SECRET_VALUES = [
  OLD_SECRET,
  NEW_SECRET,
  'tok-tickets',
  'hdr-value',
  'tok-agent',
  'tok-plain',
];

function expectNoSecrets(run: CliRun): void {
  const text = [...run.out, ...run.err].join('\n');
  for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
  expect(text).not.toContain('enc:v1:');
}

describe('routeiq credentials rekey', () => {
  it('prints its usage, and refuses a missing or unknown subcommand or secret with exit 2', async () => {
    const help = await routeiq(['credentials', 'rekey', '--help']);
    expect(help).toEqual({ code: 0, out: [credentialsCommand.usage], err: [] });
    const cases: Array<[string[], RegExp]> = [
      [['credentials'], /missing subcommand: rekey/],
      [['credentials', 'rotate', '--from-env', 'X'], /unknown subcommand rotate/],
      [['credentials', 'rekey'], /exactly one of --from-env <NAME> or --from-key-file <path>/],
      [['credentials', 'rekey', '--from-env', 'A', '--from-key-file', 'f'], /exactly one of/],
      [['credentials', 'rekey', '--from-env', 'NOT-A-NAME'], /name of an environment variable/],
      [['credentials', 'rekey', '--from-env', 'A', '--force'], /Unknown option '--force'/],
    ];
    for (const [argv, message] of cases) {
      const run = await routeiq(argv);
      expect(run.code).toBe(2);
      expect(run.err.join('\n')).toMatch(message);
      expect(run.err.join('\n')).toContain('Usage: routeiq credentials rekey');
    }
  });

  describe.each(DATABASE_KINDS)('on %s', (kind) => {
    let db: TestTarget;
    let dataSource: DataSource;
    let dataDir: string;
    let env: Record<string, string>;

    beforeEach(async () => {
      db = await createTestTarget(kind);
      dataSource = await createDataSource(db.target).initialize();
      await runMigrationsLocked(dataSource);
      dataDir =
        db.target.kind === 'sqlite'
          ? dirname(db.target.path)
          : mkdtempSync(join(tmpdir(), 'routeiq-rekey-'));
      env = {
        ROUTEIQ_DATA_DIR: dataDir,
        ...(db.target.kind === 'postgres' && { DATABASE_URL: db.target.url }),
      };
    });

    afterEach(async () => {
      await dataSource?.destroy();
      await db?.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** Two MCP servers (one from before encryption) and an agent, sealed under `secret`. */
    async function seed(secret: string): Promise<void> {
      const cipher = new CredentialCipher(secret);
      const server = (serverId: string, authValue: string) => ({
        ...mcpServerDefaults(),
        serverId,
        serverName: serverId,
        url: `http://127.0.0.1:9/${serverId}`,
        authType: 'bearer_token' as const,
        authValue,
        createdBy: null,
        updatedBy: null,
      });
      const mcp = new McpServerStore(dataSource, cipher);
      await mcp.create({
        ...server('tickets', 'tok-tickets'),
        staticHeaders: { 'X-K': 'hdr-value' },
      });
      await mcp.create(server('legacy', 'x'));
      await dataSource.query(
        `UPDATE mcp_servers SET auth_value = 'tok-plain' WHERE server_id = 'legacy'`,
      );
      await new A2aAgentStore(dataSource, cipher).create({
        agentId: 'helper',
        name: 'Helper',
        description: null,
        url: 'http://127.0.0.1:9/helper',
        cardUrl: null,
        card: {},
        protocolVersion: '1.0',
        capabilities: [],
        accessGroups: [],
        keyRpmLimit: null,
        authType: 'bearer_token',
        authValue: 'tok-agent',
        apiKeyHeader: null,
        staticHeaders: {},
        timeoutMs: null,
        enabled: true,
        createdBy: null,
        updatedBy: null,
      });
    }

    const rows = async () => ({
      mcp: await dataSource.query(`SELECT * FROM mcp_servers ORDER BY server_id`),
      a2a: await dataSource.query(`SELECT * FROM a2a_agents ORDER BY agent_id`),
    });

    async function expectReadableUnder(secret: string): Promise<void> {
      const cipher = new CredentialCipher(secret);
      await expect(new McpServerStore(dataSource, cipher).list()).resolves.toMatchObject([
        { serverId: 'legacy', authValue: 'tok-plain' },
        { serverId: 'tickets', authValue: 'tok-tickets', staticHeaders: { 'X-K': 'hdr-value' } },
      ]);
      await expect(new A2aAgentStore(dataSource, cipher).get('helper')).resolves.toMatchObject({
        authValue: 'tok-agent',
      });
    }

    it('re-seals from --from-env to LITELLM_SALT_KEY after a dry run that writes nothing', async () => {
      await seed(OLD_SECRET);
      const rekeyEnv = { ...env, OLD_MASTER: OLD_SECRET, LITELLM_SALT_KEY: NEW_SECRET };
      const before = await rows();

      const dry = await routeiq(
        ['credentials', 'rekey', '--from-env', 'OLD_MASTER', '--dry-run'],
        rekeyEnv,
      );
      expect(dry.code).toBe(0);
      expect(dry.out).toEqual([
        'dry run: would rewrite 3 MCP server and A2A agent rows (3 sealed values re-sealed, ' +
          '1 plain-text values sealed, 0 already under the new secret); nothing written',
      ]);
      expect(dry.err).toContain('old secret: OLD_MASTER; new secret: LITELLM_SALT_KEY');
      expectNoSecrets(dry);
      expect(await rows()).toEqual(before);

      const run = await routeiq(['credentials', 'rekey', '--from-env', 'OLD_MASTER'], rekeyEnv);
      expect(run).toMatchObject({ code: 0, out: [expect.stringMatching(/^rewrote 3 MCP server/)] });
      expectNoSecrets(run);
      await expectReadableUnder(NEW_SECRET);
      await expect(
        new McpServerStore(dataSource, new CredentialCipher(OLD_SECRET)).get('tickets'),
      ).rejects.toThrow(CredentialCipherError);
    });

    it('exits 1 naming the rows when the old secret is wrong, and changes nothing', async () => {
      await seed(OLD_SECRET);
      const before = await rows();
      const run = await routeiq(['credentials', 'rekey', '--from-env', 'OLD_MASTER'], {
        ...env,
        OLD_MASTER: 'not-the-old-secret',
        LITELLM_SALT_KEY: NEW_SECRET,
      });
      expect(run.code).toBe(1);
      expect(run.out).toEqual([]);
      expect(run.err.at(-1)).toBe(
        'routeiq credentials: 3 stored credential(s) open under neither the old nor the new ' +
          "secret, so nothing was changed: MCP server 'tickets' auth_value, MCP server " +
          "'tickets' static_headers['X-K'], A2A agent 'helper' auth_value",
      );
      expectNoSecrets(run);
      expect(await rows()).toEqual(before);
      await expectReadableUnder(OLD_SECRET);
    });

    it('reads the old secret from the key file the gateway generated', async () => {
      const generated = 'a'.repeat(64);
      writeFileSync(join(dataDir, 'credentials_key'), `${generated}\n`, { mode: 0o600 });
      await seed(generated);
      const run = await routeiq(
        ['credentials', 'rekey', '--from-key-file', join(dataDir, 'credentials_key')],
        { ...env, LITELLM_SALT_KEY: NEW_SECRET },
      );
      expect(run.code).toBe(0);
      expect(run.err).toContain(
        `old secret: key file ${join(dataDir, 'credentials_key')}; new secret: LITELLM_SALT_KEY`,
      );
      expect(run.err.join('\n')).not.toContain(generated);
      await expectReadableUnder(NEW_SECRET);
    });

    it('refuses an old secret equal to the new one, or no new secret at all', async () => {
      await seed(OLD_SECRET);
      const before = await rows();
      const same = await routeiq(['credentials', 'rekey', '--from-env', 'OLD'], {
        ...env,
        OLD: OLD_SECRET,
        LITELLM_MASTER_KEY: OLD_SECRET,
      });
      expect(same.code).toBe(1);
      expect(same.err.join('\n')).toContain(
        'the old secret (OLD) is the one the gateway uses now (LITELLM_MASTER_KEY)',
      );
      const none = await routeiq(['credentials', 'rekey', '--from-env', 'OLD'], {
        ...env,
        OLD: OLD_SECRET,
      });
      expect(none.code).toBe(1);
      expect(none.err.join('\n')).toMatch(
        /no new secret: LITELLM_SALT_KEY and LITELLM_MASTER_KEY are unset and the credentials key file .*credentials_key cannot be read \(ENOENT\)/,
      );
      expectNoSecrets(same);
      expect(await rows()).toEqual(before);
    });
  });
});
