import type { McpServerInput, McpServerPatch, McpServerRecord } from '@routeiq/persistence';

/** The McpServerStore contract over a Map; `failing` makes every call reject (database down). */
export class FakeMcpServerStore {
  readonly rows = new Map<string, McpServerRecord>();
  failing = false;

  async list(): Promise<McpServerRecord[]> {
    this.check();
    return [...this.rows.values()].map((row) => structuredClone(row));
  }

  async get(serverId: string): Promise<McpServerRecord | null> {
    this.check();
    const row = this.rows.get(serverId);
    return row ? structuredClone(row) : null;
  }

  async create(input: McpServerInput): Promise<McpServerRecord | null> {
    this.check();
    if (this.rows.has(input.serverId)) return null;
    const now = new Date();
    this.rows.set(input.serverId, { ...structuredClone(input), createdAt: now, updatedAt: now });
    return this.get(input.serverId);
  }

  async update(
    serverId: string,
    patch: McpServerPatch,
    updatedBy: string | null,
  ): Promise<McpServerRecord | null> {
    this.check();
    const row = this.rows.get(serverId);
    if (!row) return null;
    this.rows.set(serverId, { ...row, ...patch, updatedBy, updatedAt: new Date() });
    return this.get(serverId);
  }

  async delete(serverId: string): Promise<boolean> {
    this.check();
    return this.rows.delete(serverId);
  }

  private check(): void {
    if (this.failing) throw new Error('connect ECONNREFUSED');
  }
}
