import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { CredentialCipher } from '../credentials/credential-cipher';
import { isUniqueViolation } from '../database-error';
import { McpServerEntity } from './mcp-server.entity';
import type { McpServerInput, McpServerPatch, McpServerRecord } from './mcp-server.types';

/** The only class that queries `mcp_servers`, but for StoredCredentialsRepository (re-sealing). */
@Injectable()
export class McpServerStore {
  private readonly repository: Repository<McpServerEntity>;

  constructor(
    dataSource: DataSource,
    /** Credentials (`auth_value`, `static_headers` values) are sealed in the table. */
    private readonly cipher: CredentialCipher,
  ) {
    this.repository = dataSource.getRepository(McpServerEntity);
  }

  /** Every server, ordered by id (code-point order on both databases). */
  async list(): Promise<McpServerRecord[]> {
    const rows = (await this.repository.find()).map((row) => this.opened(row));
    // Postgres collations may order `a-b` and `ab` differently from SQLite: sort here instead.
    return rows.sort((a, b) => (a.serverId < b.serverId ? -1 : a.serverId > b.serverId ? 1 : 0));
  }

  async get(serverId: string): Promise<McpServerRecord | null> {
    const row = await this.repository.findOneBy({ serverId });
    return row && this.opened(row);
  }

  /** Inserts the server; null when the id is taken (the primary key decides, so races are safe). */
  async create(input: McpServerInput): Promise<McpServerRecord | null> {
    const now = new Date();
    const record: McpServerRecord = { ...input, createdAt: now, updatedAt: now };
    try {
      // A copy: on Postgres TypeORM writes raw RETURNING values of defaulted columns back into it.
      await this.repository.insert(this.sealed(record));
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    return record;
  }

  /** Applies `patch` and returns the updated server, or null when it does not exist. */
  async update(
    serverId: string,
    patch: McpServerPatch,
    updatedBy: string | null,
  ): Promise<McpServerRecord | null> {
    const result = await this.repository.update(
      { serverId },
      {
        ...this.sealed(patch),
        updatedBy,
        updatedAt: new Date(),
      },
    );
    if (!result.affected) return null;
    return this.get(serverId);
  }

  /** False when there was no such server. */
  async delete(serverId: string): Promise<boolean> {
    const result = await this.repository.delete({ serverId });
    return (result.affected ?? 0) > 0;
  }

  /** The row as stored: credentials sealed (`auth_value`, header and environment values). */
  private sealed<
    T extends {
      authValue?: string | null;
      staticHeaders?: Record<string, string>;
      env?: Record<string, string>;
    },
  >(row: T): T {
    const copy = { ...row };
    if (copy.authValue !== undefined) copy.authValue = this.cipher.sealOptional(copy.authValue);
    if (copy.staticHeaders !== undefined)
      copy.staticHeaders = this.cipher.sealValues(copy.staticHeaders);
    if (copy.env !== undefined) copy.env = this.cipher.sealValues(copy.env);
    return copy;
  }

  /** The record as the gateway uses it. @throws CredentialCipherError under the wrong key. */
  private opened(row: McpServerRecord): McpServerRecord {
    row.authValue = this.cipher.openOptional(row.authValue);
    row.staticHeaders = this.cipher.openValues(row.staticHeaders);
    row.env = this.cipher.openValues(row.env);
    return row;
  }
}
