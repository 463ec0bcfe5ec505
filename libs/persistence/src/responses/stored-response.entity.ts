import { Column, Entity, PrimaryColumn } from 'typeorm';

// Indexes are declared in the migration only (synchronize is never used).
@Entity({ name: 'stored_responses' })
export class StoredResponseEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  /** The caller's key id ('' when anonymous): only that key may read or continue the response. */
  @Column({ name: 'key_id', type: 'varchar', length: 128 })
  keyId!: string;

  @Column({ name: 'deployment_id', type: 'varchar', length: 255 })
  deploymentId!: string;

  @Column({ name: 'model_group', type: 'varchar', length: 255 })
  modelGroup!: string;

  @Column({ type: 'simple-json' })
  messages!: unknown[];

  @Column({ type: 'simple-json' })
  response!: Record<string, unknown>;
}
