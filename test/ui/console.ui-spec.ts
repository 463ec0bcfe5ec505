import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ConsoleBrowser, eventually, screenshot, SCREENSHOT_DIR } from './console-browser';
import { ConsoleStack, UI_ADMIN_KEY, UI_CONFIG_MCP_SERVER, UI_MASTER_KEY } from './console-stack';
import { legendValue, requestsSinceStart, tileValue } from './console-text';

const DOCS_IMG_DIR = join(__dirname, '..', '..', 'docs', 'img', 'admin-console');
const PAGES = [
  'sign-in',
  'overview',
  'models',
  'keys',
  'teams',
  'routing',
  'mcp',
  'a2a',
  'audit-log',
  'settings',
];

interface StrategyStatus {
  strategies: Array<{ name: string; weight: number }>;
}

// The flows build on each other (the key created is used, its creation audited…): one page,
// in order, in one Chromium.
describe('admin console in a real browser', () => {
  const stack = new ConsoleStack();
  const browser = new ConsoleBrowser();
  let page: Page;
  let newKey = '';

  const text = (testId: string): Promise<string> =>
    page.getByTestId(testId).innerText({ timeout: 15_000 });
  /** Waits (up to 15 s) until the element's text contains `expected`: tables reload after actions. */
  const showsText = async (testId: string, expected: string): Promise<void> => {
    await page.getByTestId(testId).filter({ hasText: expected }).waitFor({ timeout: 15_000 });
  };
  const goTo = async (label: string): Promise<void> => {
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: label })
      .click();
    await page.getByRole('heading', { level: 1, name: label }).waitFor();
  };
  const sinceStartRequests = async (): Promise<number> =>
    requestsSinceStart(await text('since-start'));
  /** The Overview's live section as one text: tiles, totals and chart legends from one render. */
  const liveTraffic = (): Promise<string> =>
    page.getByRole('region', { name: 'Live traffic' }).innerText({ timeout: 15_000 });
  /** Lines and dots drawn in one live chart (an empty chart draws neither). */
  const drawnMarks = (title: string): Promise<number> =>
    page
      .getByRole('img', { name: new RegExp(`^${title}: `) })
      .locator('path.line[d^="M"], circle.dot')
      .count();

  beforeAll(async () => {
    try {
      await stack.start();
    } catch (error) {
      await stack.stop();
      throw error;
    }
    const team = await stack.api(
      'POST',
      '/team/new',
      { admin: UI_ADMIN_KEY },
      {
        team_alias: 'platform',
        max_budget: 50,
      },
    );
    expect(team.status).toBe(200);
    const agent = await stack.api(
      'POST',
      '/a2a/agents',
      { admin: UI_ADMIN_KEY },
      {
        agent_card_url: stack.agent.cardUrl,
      },
    );
    expect(agent.status).toBeLessThan(300);
    page = await browser.launch();
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await stack.stop();
  });

  it('shows the gateway error message for a wrong admin key', async () => {
    await page.goto(`${stack.url}/ui/`);
    await page.getByRole('heading', { name: 'RouteIQ Console' }).waitFor();
    await screenshot(page, 'sign-in');
    const refused = await stack.api<{ error: { message: string } }>('GET', '/config/sync/status', {
      admin: 'admin-wrong-key-000000',
    });
    expect(refused.status).toBe(401);

    await page.getByLabel('Admin key').fill('admin-wrong-key-000000');
    await page.getByRole('button', { name: 'Sign in' }).click();

    expect(await text('error-message')).toBe(refused.body.error.message);
    expect(await page.getByRole('heading', { name: 'RouteIQ Console' }).isVisible()).toBe(true);
  });

  it('signs in with the admin key and the master key as user key', async () => {
    await page.getByLabel('Admin key').fill(UI_ADMIN_KEY);
    await page.getByLabel('User key (optional)').fill(UI_MASTER_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    expect(await text('overview-tiles')).toContain('Requests');
    expect(await sinceStartRequests()).toBeGreaterThanOrEqual(0);
  });

  it('creates a key, shows it once, and forgets it after dismissal', async () => {
    await goTo('Keys');
    await page.getByRole('button', { name: 'Create key' }).first().click();
    const form = page.getByRole('form', { name: 'Create a key' });
    await form.getByLabel('Alias', { exact: true }).fill('ui-bot');
    await form.getByRole('button', { name: 'Create key' }).click();

    const panel = page.getByTestId('secret-once');
    await panel.waitFor();
    newKey = await panel.getByLabel('New key').inputValue();
    expect(newKey).toMatch(/^sk-/);
    await showsText('keys-table', 'ui-bot');

    await panel.getByRole('button', { name: 'I have stored the key' }).click();
    await panel.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(newKey);
    await screenshot(page, 'keys');
  });

  it('draws the first interval on the overview, then a completion made with the new key', async () => {
    await goTo('Overview');
    // Two scrapes about a second apart make the first interval: every chart has its figures.
    const first = await eventually(liveTraffic, (t) => !Number.isNaN(legendValue(t, 'requests')));
    expect(legendValue(first, 'requests')).toBeGreaterThanOrEqual(0);
    expect(legendValue(first, 'input')).toBeGreaterThanOrEqual(0);
    expect(await page.getByText('Collecting data…').count()).toBe(0);
    expect(await drawnMarks('Requests per second')).toBeGreaterThan(0);

    const before = requestsSinceStart(first);
    const chat = await stack.api(
      'POST',
      '/v1/chat/completions',
      { user: newKey },
      {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hello from the console suite' }],
      },
    );
    expect(chat.status).toBe(200);
    expect(stack.upstream.count('/v1/chat/completions')).toBeGreaterThanOrEqual(1);

    // One read of the section: the scrape that counted the completion also drew its interval.
    const after = await eventually(liveTraffic, (t) => requestsSinceStart(t) > before);
    expect(requestsSinceStart(after)).toBeGreaterThan(before);
    expect(legendValue(after, 'requests')).toBeGreaterThan(0);
    expect(legendValue(after, 'output')).toBeGreaterThan(0);
    expect(legendValue(after, 'p50')).toBeGreaterThan(0);
    expect(tileValue(after, 'Requests')).toBeGreaterThanOrEqual(1);
    expect(tileValue(after, 'Tokens')).toBeGreaterThan(0);
    for (const chart of ['Requests per second', 'Latency', 'Tokens per second']) {
      expect(await drawnMarks(chart)).toBeGreaterThan(0);
    }
    await screenshot(page, 'overview');
  });

  it('lists the model groups and their deployments', async () => {
    await goTo('Models');
    expect(await text('model-group-gpt-4o-mini')).toContain('stub-1');
    await screenshot(page, 'models');
  });

  it('lists teams with their budgets', async () => {
    await goTo('Teams');
    expect(await text('teams-table')).toContain('platform');
    await screenshot(page, 'teams');
  });

  it('creates, edits, blocks and deletes a team through its form and row actions', async () => {
    const said = (message: string) =>
      page.getByRole('status').filter({ hasText: message }).waitFor();
    await page.getByRole('button', { name: 'Create team' }).first().click();
    const create = page.getByRole('form', { name: 'Create a team' });
    await create.getByLabel('Team id', { exact: true }).fill('scratch');
    const budget = create.getByLabel('Max budget (USD)');
    await budget.fill('lots');
    await create.getByRole('button', { name: 'Create team' }).click();
    expect(await budget.getAttribute('aria-invalid')).toBe('true');
    await budget.fill('12');
    await create.getByRole('button', { name: 'Create team' }).click();
    await said('Team scratch created.');

    await page.getByRole('button', { name: 'Edit team scratch' }).click();
    const edit = page.getByRole('form', { name: 'Edit team scratch' });
    expect(await edit.getByLabel('Max budget (USD)').inputValue()).toBe('12');
    await edit.getByLabel('Team alias').fill('scratch-team');
    await edit.getByRole('button', { name: 'Save team' }).click();
    await said('Team scratch-team saved.');
    await page.getByRole('button', { name: 'Block team scratch-team' }).click();
    await said('Team scratch-team blocked.');
    const info = await stack.api<{ team_info: { team_alias: string; blocked: boolean } }>(
      'GET',
      '/team/info?team_id=scratch',
      { admin: UI_ADMIN_KEY },
    );
    expect(info.body.team_info).toMatchObject({ team_alias: 'scratch-team', blocked: true });

    await page.getByRole('button', { name: 'Delete team scratch-team' }).click();
    await page
      .getByRole('dialog', { name: 'Delete team scratch-team?' })
      .getByRole('button', { name: 'Delete team and its keys' })
      .click();
    await said('Team scratch-team deleted with 0 key(s).');
    // The table reloads after the message: wait for the row to go, then check nothing is left.
    await page
      .getByRole('button', { name: 'Delete team scratch-team' })
      .waitFor({ state: 'detached' });
    expect(await text('teams-table')).not.toContain('scratch');
  });

  it('registers an MCP server and lists its tools', async () => {
    await goTo('MCP');
    await page.getByRole('button', { name: 'Register server' }).click();
    const form = page.getByRole('form', { name: 'Register an MCP server' });
    await form.getByLabel(/^Server name/).fill('search');
    await form.getByLabel(/^URL/).fill(stack.mcp.url);
    await form.getByRole('button', { name: 'Register', exact: true }).click();

    await page.getByRole('status').filter({ hasText: 'Server search registered.' }).waitFor();
    await showsText('mcp-servers', 'search');
    const tools = await eventually(
      () => text('mcp-tools'),
      (t) => t.includes('search.add'),
    );
    expect(tools).toContain('search.add');
    expect(tools).toContain('search.echo');
    await screenshot(page, 'mcp');

    const tryIt = page.getByRole('form', { name: 'Try a tool' });
    await tryIt.getByLabel('Tool', { exact: true }).selectOption('search.add');
    await tryIt.getByLabel('Arguments (JSON)').fill('{"a": 2, "b": 3}');
    await tryIt.getByRole('button', { name: 'Call tool' }).click();
    await tryIt.getByRole('status').filter({ hasText: 'Tool call answered.' }).waitFor();
    expect(await tryIt.innerText()).toContain('"sum": 5');
  });

  it('lists the config file server with its badge and no remove action', async () => {
    const table = page.getByTestId('mcp-servers');
    const row = (id: string) =>
      table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: id }) });
    const fromFile = row(UI_CONFIG_MCP_SERVER);
    await fromFile.waitFor({ timeout: 15_000 });
    expect(await fromFile.getByText('config file', { exact: true }).isVisible()).toBe(true);
    expect(await fromFile.innerText()).toContain(
      'Defined in the config file; change it there and reload.',
    );
    expect(await fromFile.getByRole('button').count()).toBe(0);

    const fromApi = row('search');
    expect(await fromApi.getByText('config file', { exact: true }).count()).toBe(0);
    expect(
      await fromApi.getByRole('button', { name: 'Remove server search', exact: true }).isVisible(),
    ).toBe(true);
  });

  it('changes the A/B weights and the gateway applies them', async () => {
    await goTo('Routing');
    await page.getByLabel('Weight of simple-shuffle').fill('70');
    await page.getByLabel('Weight of least-busy').fill('30');
    await page.getByRole('button', { name: 'Save weights' }).click();
    await page.getByRole('status').filter({ hasText: 'Weights saved.' }).waitFor();

    const status = await stack.api<StrategyStatus>('GET', '/strategy/status', {
      user: UI_MASTER_KEY,
    });
    const weights = Object.fromEntries(status.body.strategies.map((s) => [s.name, s.weight]));
    expect(weights).toMatchObject({ 'simple-shuffle': 70, 'least-busy': 30 });
    await screenshot(page, 'routing');
  });

  it('shows registered A2A agents', async () => {
    await goTo('A2A');
    expect(await text('a2a-agents')).toContain('echo-agent');
    await screenshot(page, 'a2a');

    // The register form checks what it can before sending anything.
    await page.getByRole('button', { name: 'Register agent' }).click();
    const form = page.getByRole('form', { name: 'Register an agent' });
    await form.getByLabel('Register by').selectOption('endpoint');
    await form.getByLabel('Upstream auth').selectOption('bearer_token');
    await form.getByRole('button', { name: 'Register', exact: true }).click();
    expect(await form.getByLabel(/^Name/).getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('Credential').getAttribute('aria-invalid')).toBe('true');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
  });

  it('finds those actions in the audit log', async () => {
    await goTo('Audit log');
    const wanted = ['key.generate', 'mcp.server.add', 'strategy.weights'];
    const events = await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        return page
          .getByTestId('audit-table')
          .innerText({ timeout: 5_000 })
          .catch(() => '');
      },
      (t) => wanted.every((action) => t.includes(action)),
    );
    for (const action of wanted) expect(events).toContain(action);
    await screenshot(page, 'audit-log');
  });

  it('shows the effective config with the upstream secret masked', async () => {
    await goTo('Settings');
    expect(await text('config-facts')).toContain('Generation');
    const shown = await page.locator('main').innerText();
    expect(shown).toContain('gpt-4o-mini');
    expect(shown).not.toContain('sk-upstream-ui-secret');
    await screenshot(page, 'settings');
  });

  it('never requested anything but the gateway on 127.0.0.1', () => {
    expect(browser.requested.length).toBeGreaterThan(0);
    expect(browser.offOrigin(stack.url)).toEqual([]);
  });

  it('saved a screenshot of every page (UI_SCREENSHOTS_TO_DOCS=1 also refreshes the docs)', () => {
    const missing = PAGES.filter((name) => !existsSync(join(SCREENSHOT_DIR, `${name}.png`)));
    expect(missing).toEqual([]);
    // Committed images change only when asked: every run renders slightly different bytes.
    if (process.env.UI_SCREENSHOTS_TO_DOCS !== '1') return;
    mkdirSync(DOCS_IMG_DIR, { recursive: true });
    for (const name of PAGES) {
      copyFileSync(join(SCREENSHOT_DIR, `${name}.png`), join(DOCS_IMG_DIR, `${name}.png`));
    }
  });
});
