import OpenAI from 'openai';
import {
  answeredBy,
  callsSince,
  CHAT,
  countsOf,
  decisionOf,
  deployment,
  healthOf,
  hi,
  OVERLOADED,
  requestIdOf,
  sdk,
  startStubs,
  stopStubs,
  untilHealth,
  waitFor,
  type Body,
  type Stubs,
} from './fixtures/routing.fixtures';
import { startTestGateway, type TestGateway } from './support/gateway-harness';

// Routing strategies through a real gateway (openai SDK client, one stub upstream per deployment).
// Each strategy gets its own gateway with `routing_strategy` in its config.

interface Setup {
  stubs: Stubs;
  gw: TestGateway;
  client: OpenAI;
}

async function gatewayWith(
  strategy: string,
  entries: Array<[string, Body, Body?]>,
): Promise<Setup> {
  const stubs = await startStubs(entries.map(([id]) => id));
  const config = {
    model_list: entries.map(([id, params, info]) => deployment('g', id, stubs, params, info)),
    router_settings: { routing_strategy: strategy, num_retries: 1 },
  };
  const gw = await startTestGateway({ yaml: JSON.stringify(config) });
  return { stubs, gw, client: sdk(gw) };
}

async function close(setup: Setup | undefined): Promise<void> {
  await setup?.gw.close();
  await stopStubs(setup?.stubs);
}

describe('Routing strategies through the gateway', () => {
  describe('cost-based-routing', () => {
    let setup: Setup;
    beforeAll(async () => {
      setup = await gatewayWith('cost-based-routing', [
        ['dear', {}, { input_cost_per_token: 0.00001, output_cost_per_token: 0.00003 }],
        ['cheap', {}, { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }],
      ]);
    });
    afterAll(() => close(setup));

    it('sends every request to the cheapest eligible deployment', async () => {
      const { stubs, gw, client } = setup;
      const before = countsOf(stubs);
      for (let i = 0; i < 10; i++) {
        const { data, response } = await client.chat.completions
          .create({ model: 'g', messages: hi })
          .withResponse();
        expect(data.model).toBe('cheap-2024-08-06');
        expect(response.headers.get('x-routeiq-deployment')).toBe('cheap');
        expect(response.headers.get('x-routeiq-strategy')).toBe('cost-based-routing');
      }
      expect(callsSince(stubs, before)).toEqual({ cheap: 10 });

      // It only chooses among eligible deployments: the dearer one takes over the retry.
      stubs.cheap!.script(CHAT, OVERLOADED);
      const { deployment: served, requestId } = await answeredBy(client, 'g');
      expect(served).toBe('dear');
      expect((await decisionOf(gw, requestId)).reason).toMatch(/^cheapest: \$/);
      expect(callsSince(stubs, before)).toEqual({ cheap: 11, dear: 1 });
    });
  });

  describe('least-busy', () => {
    let setup: Setup;
    beforeAll(async () => {
      setup = await gatewayWith('least-busy', [
        ['busy', { timeout: 30 }],
        ['idle', {}],
      ]);
    });
    afterAll(() => close(setup));

    it('sends new requests away from the deployment with requests in flight', async () => {
      const { stubs, gw, client } = setup;
      stubs.busy!.failAll(CHAT, { kind: 'hang' });
      const abort = new AbortController();
      const held: Array<Promise<unknown>> = [];
      // Both idle: a random pick. Ask until one request is held by `busy`.
      for (let tries = 0; stubs.busy!.count(CHAT) === 0; tries++) {
        if (tries === 30) throw new Error('least-busy never chose "busy" among idle deployments');
        let answered = false;
        const request = client.chat.completions
          .create({ model: 'g', messages: hi }, { signal: abort.signal })
          .then(() => (answered = true))
          .catch((e: unknown) => e);
        held.push(request);
        await waitFor(() => answered || stubs.busy!.count(CHAT) > 0);
      }
      expect((await healthOf(gw)).busy!.in_flight).toBe(1);

      const before = countsOf(stubs);
      for (let i = 0; i < 5; i++) {
        const { deployment: served, requestId } = await answeredBy(client, 'g');
        expect(served).toBe('idle');
        expect((await decisionOf(gw, requestId)).reason).toBe('least busy: 0 in flight');
      }
      expect(callsSince(stubs, before)).toEqual({ idle: 5 });

      // The client gives up: the upstream call ends and `busy` is idle again.
      abort.abort();
      await Promise.all(held);
      await waitFor(() => stubs.busy!.abortedRequests === 1);
      await untilHealth(gw, 'busy', (health) => health.in_flight === 0);
    });
  });

  describe('usage-based-routing with rpm limits', () => {
    let setup: Setup;
    beforeAll(async () => {
      setup = await gatewayWith('usage-based-routing', [
        ['u1', { rpm: 2 }],
        ['u2', { rpm: 2 }],
      ]);
    });
    afterAll(() => close(setup));

    it('prefers the least-used deployment and skips those at their rpm', async () => {
      const { stubs, gw, client } = setup;
      // The counts are per epoch minute: do not start the five requests just before one ends.
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 50));

      const first = (await answeredBy(client, 'g')).deployment!;
      const other = first === 'u1' ? 'u2' : 'u1';
      // The first has used tokens this minute, the other none.
      expect((await answeredBy(client, 'g')).deployment).toBe(other);
      await answeredBy(client, 'g');
      await answeredBy(client, 'g');
      expect(callsSince(stubs, {})).toEqual({ u1: 2, u2: 2 });

      // Both at rpm 2: refused without an upstream call.
      const error = await client.chat.completions
        .create({ model: 'g', messages: hi })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error).toMatchObject({ status: 429, code: 'no_deployment_available' });
      const retryAfter = Number(
        (error as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after'),
      );
      // Not before the counts start again, at the next minute.
      const untilNextMinute = Math.ceil((60_000 - (Date.now() % 60_000)) / 1000);
      expect(Math.abs(retryAfter - untilNextMinute)).toBeLessThanOrEqual(1);
      expect(callsSince(stubs, {})).toEqual({ u1: 2, u2: 2 });
      expect((await decisionOf(gw, requestIdOf(error))).candidates).toEqual([
        { deployment: 'u1', state: 'over_limit' },
        { deployment: 'u2', state: 'over_limit' },
      ]);
    });
  });
});
