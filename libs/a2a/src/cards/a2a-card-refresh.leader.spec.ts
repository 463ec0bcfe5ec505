import {
  CoordinationKeys,
  InMemoryExpiringStore,
  LeaderElectionConfig,
  LeaderElectionService,
  RedisConnections,
  RedisLeaderLease,
} from '@routeiq/coordination';
import type { A2aAgentRecord } from '@routeiq/persistence';
import type { AuditService } from '@routeiq/security';
import { eventually, TEST_REDIS_URL, uniqueRedisPrefix } from '@routeiq/testing';
import { resolveA2aConfig } from '../a2a.config';
import { A2aAgentDirectory } from '../registry/a2a-agent.directory';
import { A2aCardRefresher, A2aCardRefreshJob } from './a2a-card-refresh.job';

class OneAgent extends A2aAgentDirectory {
  private readonly agent = {
    agentId: 'echo',
    enabled: true,
    cardUrl: 'http://agent.test/card.json',
  } as A2aAgentRecord;
  list(): readonly A2aAgentRecord[] {
    return [this.agent];
  }
  get(): A2aAgentRecord | undefined {
    return this.agent;
  }
  onChange(): () => void {
    return () => undefined;
  }
}

/** Records the refreshes; reports no change, so nothing is saved or audited. */
class RecordingRefresher extends A2aCardRefresher {
  readonly calls: string[] = [];
  refreshCard(agentId: string): Promise<readonly string[]> {
    this.calls.push(agentId);
    return Promise.resolve([]);
  }
}

describe(`${A2aCardRefreshJob.name} under leader election`, () => {
  const config = resolveA2aConfig({ A2A_GATEWAY_ENABLED: 'true', A2A_CARD_REFRESH_SECONDS: '60' });
  const opened: RedisConnections[] = [];
  const elections: LeaderElectionService[] = [];
  let keys: CoordinationKeys;

  async function replica(name: string) {
    const connections = new RedisConnections(TEST_REDIS_URL);
    opened.push(connections);
    await connections.waitUntilReady(5000);
    const election = new LeaderElectionService(
      new LeaderElectionConfig({ haMode: 'leader_election', leaseSeconds: 2 }),
      name,
      new RedisLeaderLease(connections, keys),
    );
    elections.push(election);
    await election.start();
    const refresher = new RecordingRefresher();
    // Each replica takes its own locks: only the leader check keeps the follower out.
    const locks = new InMemoryExpiringStore();
    const audit = {} as AuditService;
    const job = new A2aCardRefreshJob(config, new OneAgent(), locks, refresher, audit, election);
    return { election, refresher, job };
  }

  beforeEach(() => {
    keys = new CoordinationKeys(uniqueRedisPrefix());
  });

  afterEach(async () => {
    await Promise.all(elections.map((e) => e.stop()));
    await Promise.all(opened.map((c) => c.close()));
    elections.length = 0;
    opened.length = 0;
  });

  it('refreshes on the leader only, and on the new leader after a takeover', async () => {
    const a = await replica('a');
    const b = await replica('b');
    expect(a.election.isLeader()).toBe(true);
    expect(b.election.isLeader()).toBe(false);

    await Promise.all([a.job.run(), b.job.run()]);
    expect(a.refresher.calls).toEqual(['echo']);
    expect(b.refresher.calls).toEqual([]);

    await a.election.stop({ release: false });
    await eventually(() => b.election.isLeader(), 'b takes over', 6000);
    await Promise.all([a.job.run(), b.job.run()]);
    expect(a.refresher.calls).toEqual(['echo']);
    expect(b.refresher.calls).toEqual(['echo']);
  });
});
