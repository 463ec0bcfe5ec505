import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { isUniqueViolation } from '../database-error';
import { A2aAgentEntity } from './a2a-agent.entity';
import type { A2aAgentInput, A2aAgentPatch, A2aAgentRecord } from './a2a-agent.types';

// `card` is free-form JSON, which TypeORM's deep-partial type cannot express.
type Row = QueryDeepPartialEntity<A2aAgentEntity>;

/** The only class that queries `a2a_agents`. */
@Injectable()
export class A2aAgentStore {
  private readonly repository: Repository<A2aAgentEntity>;

  constructor(dataSource: DataSource) {
    this.repository = dataSource.getRepository(A2aAgentEntity);
  }

  /** Every agent, ordered by id (code-point order on both databases). */
  async list(): Promise<A2aAgentRecord[]> {
    const rows = await this.repository.find();
    // Postgres collations may order `a-b` and `ab` differently from SQLite: sort here instead.
    return rows.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  }

  get(agentId: string): Promise<A2aAgentRecord | null> {
    return this.repository.findOneBy({ agentId });
  }

  /** Inserts the agent; null when the id is taken (the primary key decides, so races are safe). */
  async create(input: A2aAgentInput): Promise<A2aAgentRecord | null> {
    const now = new Date();
    const record: A2aAgentRecord = { ...input, createdAt: now, updatedAt: now };
    try {
      // A copy: on Postgres TypeORM writes raw RETURNING values of defaulted columns back into it.
      await this.repository.insert({ ...record } as Row);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return record;
  }

  /** Applies `patch` and returns the updated agent, or null when it does not exist. */
  async update(
    agentId: string,
    patch: A2aAgentPatch,
    updatedBy: string | null,
  ): Promise<A2aAgentRecord | null> {
    const result = await this.repository.update({ agentId }, {
      ...patch,
      updatedBy,
      updatedAt: new Date(),
    } as Row);
    if (!result.affected) return null;
    return this.get(agentId);
  }

  /** False when there was no such agent. */
  async delete(agentId: string): Promise<boolean> {
    const result = await this.repository.delete({ agentId });
    return (result.affected ?? 0) > 0;
  }
}
