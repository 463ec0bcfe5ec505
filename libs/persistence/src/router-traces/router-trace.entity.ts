import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RouterFeedbackEntity } from './router-feedback.entity';

// Indexes are declared in the migration only (synchronize is never used).
@Entity({ name: 'router_traces' })
export class RouterTraceEntity {
  @PrimaryColumn({ name: 'request_id', type: 'varchar', length: 128 })
  requestId!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'key_id', type: 'varchar', length: 128, nullable: true })
  keyId!: string | null;

  @Column({ name: 'team_id', type: 'varchar', length: 128, nullable: true })
  teamId!: string | null;

  @Column({ name: 'model_group', type: 'varchar', length: 255 })
  modelGroup!: string;

  @Column({ name: 'deployment_id', type: 'varchar', length: 255 })
  deploymentId!: string;

  @Column({ name: 'router_candidate', type: 'varchar', length: 255, nullable: true })
  routerCandidate!: string | null;

  @Column({ type: 'varchar', length: 128 })
  strategy!: string;

  @Column({ name: 'strategy_version', type: 'varchar', length: 128 })
  strategyVersion!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ name: 'prompt_tokens', type: 'integer', nullable: true })
  promptTokens!: number | null;

  @Column({ name: 'completion_tokens', type: 'integer', nullable: true })
  completionTokens!: number | null;

  @Column({ name: 'total_tokens', type: 'integer' })
  totalTokens!: number;

  @Column({ type: 'double precision', nullable: true })
  spend!: number | null;

  @Column({ type: 'text', nullable: true })
  prompt!: string | null;

  @Column({ name: 'prompt_sha256', type: 'varchar', length: 64, nullable: true })
  promptSha256!: string | null;

  /** Joined by the export query only (not a column, not a relation). */
  feedback?: RouterFeedbackEntity;
}
