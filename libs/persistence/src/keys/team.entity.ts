import { Column, Entity, PrimaryColumn } from 'typeorm';
import { GovernanceColumns } from './governance.columns';

@Entity({ name: 'teams' })
export class TeamEntity extends GovernanceColumns {
  @PrimaryColumn({ name: 'team_id', type: 'varchar', length: 128 })
  teamId!: string;

  @Column({ name: 'team_alias', type: 'varchar', length: 255, nullable: true })
  teamAlias!: string | null;
}
