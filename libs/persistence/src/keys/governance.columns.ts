import { Column } from 'typeorm';
import { type AgentPermissions, NO_AGENT_RESTRICTIONS } from '../a2a/a2a-agent.types';
import { type McpPermissions, NO_MCP_RESTRICTIONS } from '../mcp/mcp-server.types';

/** Columns a virtual key and a team share: model access, limits, budget, spend, state. */
export abstract class GovernanceColumns {
  @Column({ type: 'simple-json', default: '[]' })
  models!: string[];

  @Column({ name: 'max_budget', type: 'double precision', nullable: true })
  maxBudget!: number | null;

  @Column({ name: 'budget_duration', type: 'varchar', length: 16, nullable: true })
  budgetDuration!: string | null;

  @Column({ name: 'budget_reset_at', type: Date, nullable: true })
  budgetResetAt!: Date | null;

  @Column({ type: 'double precision', default: 0 })
  spend!: number;

  @Column({ name: 'rpm_limit', type: 'integer', nullable: true })
  rpmLimit!: number | null;

  @Column({ name: 'tpm_limit', type: 'integer', nullable: true })
  tpmLimit!: number | null;

  @Column({ type: 'boolean', default: false })
  blocked!: boolean;

  @Column({ type: 'simple-json', default: '{}' })
  metadata!: Record<string, unknown>;

  @Column({
    name: 'mcp_permissions',
    type: 'simple-json',
    default: JSON.stringify(NO_MCP_RESTRICTIONS),
  })
  mcp!: McpPermissions;

  @Column({
    name: 'agent_permissions',
    type: 'simple-json',
    default: JSON.stringify(NO_AGENT_RESTRICTIONS),
  })
  agents!: AgentPermissions;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
