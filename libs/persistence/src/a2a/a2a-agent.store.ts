import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { CredentialCipher } from '../credentials/credential-cipher';
import { isUniqueViolation } from '../database-error';
import { A2aAgentEntity } from './a2a-agent.entity';
import type { A2aAgentInput, A2aAgentPatch, A2aAgentRecord } from './a2a-agent.types';

// `card` is free-form JSON, which TypeORM's deep-partial type cannot express.
type Row = QueryDeepPartialEntity<A2aAgentEntity>;

/** The only class that queries `a2a_agents`, but for StoredCredentialsRepository (re-sealing). */
@Injectable()
export class A2aAgentStore {
  private readonly repository: Repository<A2aAgentEntity>;

  constructor(
    dataSource: DataSource,
    /** Credentials (`auth_value`, `static_headers` values) are sealed in the table. */
    private readonly cipher: CredentialCipher,
  ) {
    this.repository = dataSource.getRepository(A2aAgentEntity);
  }

  /** Every agent, ordered by id (code-point order on both databases). */
  async list(): Promise<A2aAgentRecord[]> {
    const rows = (await this.repository.find()).map((row) => this.opened(row));
    // Postgres collations may order `a-b` and `ab` differently from SQLite: sort here instead.
    return rows.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
  }

  async get(agentId: string): Promise<A2aAgentRecord | null> {
    const row = await this.repository.findOneBy({ agentId });
    return row && this.opened(row);
  }

  /** Inserts the agent; null when the id is taken (the primary key decides, so races are safe). */
  async create(input: A2aAgentInput): Promise<A2aAgentRecord | null> {
    const now = new Date();
    const record: A2aAgentRecord = { ...input, createdAt: now, updatedAt: now };
    try {
      // A copy: on Postgres TypeORM writes raw RETURNING values of defaulted columns back into it.
      await this.repository.insert(this.sealed(record) as Row);
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
      ...this.sealed(patch),
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

  /** The row as stored: credentials sealed. */
  private sealed<T extends { authValue?: string | null; staticHeaders?: Record<string, string> }>(
    row: T,
  ): T {
    const copy = { ...row };
    if (copy.authValue !== undefined) copy.authValue = this.cipher.sealOptional(copy.authValue);
    if (copy.staticHeaders !== undefined)
      copy.staticHeaders = this.cipher.sealValues(copy.staticHeaders);
    return copy;
  }

  /** The record as the gateway uses it. @throws CredentialCipherError under the wrong key. */
  private opened<T extends { authValue: string | null; staticHeaders: Record<string, string> }>(
    row: T,
  ): T {
    row.authValue = this.cipher.openOptional(row.authValue);
    row.staticHeaders = this.cipher.openValues(row.staticHeaders);
    return row;
  }
}
