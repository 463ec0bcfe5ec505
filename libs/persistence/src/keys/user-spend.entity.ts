import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'user_spend' })
export class UserSpendEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 255 })
  userId!: string;

  @Column({ type: 'double precision', default: 0 })
  spend!: number;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
