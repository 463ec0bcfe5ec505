import { Column, Entity, PrimaryColumn } from 'typeorm';

// No foreign key to router_traces: traces may be pruned on their own schedule.
@Entity({ name: 'router_feedback' })
export class RouterFeedbackEntity {
  @PrimaryColumn({ name: 'request_id', type: 'varchar', length: 128 })
  requestId!: string;

  @Column({ name: 'key_id', type: 'varchar', length: 128 })
  keyId!: string;

  @Column({ type: 'double precision' })
  score!: number;

  @Column({ type: 'text', nullable: true })
  comment!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
