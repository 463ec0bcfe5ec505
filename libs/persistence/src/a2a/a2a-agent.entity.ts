import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { A2aAuthType, A2aProtocolVersion } from './a2a-agent.types';

// JSON columns are `simple-json` (text) so the same schema works on Postgres and SQLite.
@Entity({ name: 'a2a_agents' })
export class A2aAgentEntity {
  @PrimaryColumn({ name: 'agent_id', type: 'varchar', length: 64 })
  agentId!: string;

  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text' })
  url!: string;

  @Column({ name: 'card_url', type: 'text', nullable: true })
  cardUrl!: string | null;

  @Column({ type: 'simple-json', default: '{}' })
  card!: Record<string, unknown>;

  @Column({ name: 'protocol_version', type: 'varchar', length: 16 })
  protocolVersion!: A2aProtocolVersion;

  @Column({ type: 'simple-json', default: '[]' })
  capabilities!: string[];

  @Column({ name: 'access_groups', type: 'simple-json', default: '[]' })
  accessGroups!: string[];

  @Column({ name: 'key_rpm_limit', type: 'integer', nullable: true })
  keyRpmLimit!: number | null;

  @Column({ name: 'auth_type', type: 'varchar', length: 32 })
  authType!: A2aAuthType;

  @Column({ name: 'auth_value', type: 'text', nullable: true })
  authValue!: string | null;

  @Column({ name: 'api_key_header', type: 'varchar', length: 255, nullable: true })
  apiKeyHeader!: string | null;

  @Column({ name: 'static_headers', type: 'simple-json', default: '{}' })
  staticHeaders!: Record<string, string>;

  @Column({ name: 'timeout_ms', type: 'integer', nullable: true })
  timeoutMs!: number | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'created_by', type: 'varchar', length: 128, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'updated_by', type: 'varchar', length: 128, nullable: true })
  updatedBy!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
