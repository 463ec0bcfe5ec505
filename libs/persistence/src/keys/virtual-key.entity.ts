import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { GovernanceColumns } from './governance.columns';

@Entity({ name: 'virtual_keys' })
export class VirtualKeyEntity extends GovernanceColumns {
  /** SHA-256 (hex) of the key; the plaintext is never stored. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  token!: string;

  /** Masked form for display, e.g. `sk-...AbCd`. */
  @Column({ name: 'key_name', type: 'varchar', length: 32 })
  keyName!: string;

  @Column({ name: 'key_alias', type: 'varchar', length: 255, nullable: true, unique: true })
  keyAlias!: string | null;

  @Index('IDX_virtual_keys_team_id')
  @Column({ name: 'team_id', type: 'varchar', length: 128, nullable: true })
  teamId!: string | null;

  @Index('IDX_virtual_keys_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true })
  userId!: string | null;

  @Column({ type: 'simple-json', default: '[]' })
  permissions!: string[];

  @Column({ name: 'expires_at', type: Date, nullable: true })
  expiresAt!: Date | null;
}
