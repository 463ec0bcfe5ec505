import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { RequestLogEndpoint } from './request-log.types';

// Column types valid on both drivers; `Date` maps to timestamp (Postgres) / datetime (SQLite).
@Entity({ name: 'request_logs' })
export class RequestLogEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: string;

  // Indexed on Postgres only (see the initial migration): not declared here.
  @Column({ name: 'request_id', type: 'varchar', length: 128 })
  requestId!: string;

  @Index('IDX_request_logs_created_at')
  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 32 })
  endpoint!: RequestLogEndpoint;

  @Column({ name: 'model_group', type: 'varchar', length: 255 })
  modelGroup!: string;

  @Column({ name: 'deployment_id', type: 'varchar', length: 128, nullable: true })
  deploymentId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  provider!: string | null;

  @Column({ name: 'key_id', type: 'varchar', length: 128, nullable: true })
  keyId!: string | null;

  @Column({ name: 'key_alias', type: 'varchar', length: 255, nullable: true })
  keyAlias!: string | null;

  @Column({ name: 'team_id', type: 'varchar', length: 128, nullable: true })
  teamId!: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true })
  userId!: string | null;

  @Column({ name: 'status_code', type: 'integer' })
  statusCode!: number;

  @Column({ type: 'boolean' })
  stream!: boolean;

  @Column({ name: 'prompt_tokens', type: 'integer', default: 0 })
  promptTokens!: number;

  @Column({ name: 'completion_tokens', type: 'integer', default: 0 })
  completionTokens!: number;

  @Column({ name: 'total_tokens', type: 'integer', default: 0 })
  totalTokens!: number;

  @Column({ name: 'cached_prompt_tokens', type: 'integer', default: 0 })
  cachedPromptTokens!: number;

  @Column({ name: 'cache_creation_tokens', type: 'integer', default: 0 })
  cacheCreationTokens!: number;

  @Column({ name: 'reasoning_tokens', type: 'integer', default: 0 })
  reasoningTokens!: number;

  @Column({ type: 'double precision', default: 0 })
  spend!: number;

  @Column({ name: 'input_cost', type: 'double precision', default: 0 })
  inputCost!: number;

  @Column({ name: 'cache_read_cost', type: 'double precision', default: 0 })
  cacheReadCost!: number;

  @Column({ name: 'cache_creation_cost', type: 'double precision', default: 0 })
  cacheCreationCost!: number;

  @Column({ name: 'output_cost', type: 'double precision', default: 0 })
  outputCost!: number;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ name: 'ttft_ms', type: 'integer', nullable: true })
  ttftMs!: number | null;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode!: string | null;
}
