import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { McpAuthType, McpServerSource, McpTransport } from './mcp-server.types';

// JSON columns are `simple-json` (text) so the same schema works on Postgres and SQLite.
@Entity({ name: 'mcp_servers' })
export class McpServerEntity {
  @PrimaryColumn({ name: 'server_id', type: 'varchar', length: 64 })
  serverId!: string;

  @Column({ name: 'server_name', type: 'varchar', length: 255 })
  serverName!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 32 })
  transport!: McpTransport;

  @Column({ type: 'text', nullable: true })
  url!: string | null;

  @Column({ type: 'text', nullable: true })
  command!: string | null;

  @Column({ type: 'simple-json', default: '[]' })
  args!: string[];

  @Column({ type: 'simple-json', default: '{}' })
  env!: Record<string, string>;

  @Column({ name: 'auth_type', type: 'varchar', length: 32 })
  authType!: McpAuthType;

  @Column({ name: 'auth_value', type: 'text', nullable: true })
  authValue!: string | null;

  @Column({ name: 'api_key_header', type: 'varchar', length: 255, nullable: true })
  apiKeyHeader!: string | null;

  @Column({ name: 'static_headers', type: 'simple-json', default: '{}' })
  staticHeaders!: Record<string, string>;

  @Column({ name: 'access_groups', type: 'simple-json', default: '[]' })
  accessGroups!: string[];

  @Column({ name: 'allowed_tools', type: 'simple-json', default: '[]' })
  allowedTools!: string[];

  @Column({ name: 'timeout_ms', type: 'integer', nullable: true })
  timeoutMs!: number | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'varchar', length: 16, default: 'api' })
  source!: McpServerSource;

  @Column({ name: 'created_by', type: 'varchar', length: 128, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'updated_by', type: 'varchar', length: 128, nullable: true })
  updatedBy!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
