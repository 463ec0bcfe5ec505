import { SharedStateStore } from './shared-state.store';

/** Single-node SharedStateStore. */
export class InMemorySharedStateStore extends SharedStateStore {
  private readonly documents = new Map<string, string>();

  async get(name: string): Promise<string | undefined> {
    return this.documents.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    this.documents.set(name, value);
  }

  async delete(name: string): Promise<void> {
    this.documents.delete(name);
  }
}
