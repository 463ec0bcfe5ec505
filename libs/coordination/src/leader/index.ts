export * from './leader-election.config';
export * from './leader.exception';
export * from './redis-leader.lease';
export { LEADER_RELEASED_TOPIC, type LeaderElectionStatus } from './leader-election.types';
export * from './leader-election.service';
export * from './config-sync-status.service';
export * from './config-sync-status.controller';
export * from './config-sync-status.module';
