import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

const INDEXES: readonly { readonly name: string; readonly columnNames: string[] }[] = [
  // Newest-first pages with an (created_at, id) cursor walk this index.
  { name: 'IDX_audit_logs_created_at_id', columnNames: ['created_at', 'id'] },
  { name: 'IDX_audit_logs_action_created_at', columnNames: ['action', 'created_at'] },
  { name: 'IDX_audit_logs_resource', columnNames: ['resource_type', 'resource_id'] },
];

// The audit log of control-plane actions and policy denies. Portable schema API: the same
// migration runs on Postgres and SQLite. Never edit after it lands: add a new migration instead.
export class AuditLog1764400100000 implements MigrationInterface {
  name = 'AuditLog1764400100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.createTable(
      new Table({
        name: 'audit_logs',
        columns: [
          // A UUID assigned when the event is recorded, before the batched insert.
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'created_at', type: postgres ? 'timestamptz' : 'datetime' },
          { name: 'request_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'actor_type', type: 'varchar', length: '16' },
          { name: 'actor_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'action', type: 'varchar', length: '64' },
          { name: 'resource_type', type: 'varchar', length: '64', isNullable: true },
          { name: 'resource_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'reason', type: 'varchar', length: '512', isNullable: true },
          { name: 'metadata', type: 'text', default: "'{}'" },
        ],
      }),
    );
    for (const index of INDEXES) {
      await queryRunner.createIndex('audit_logs', new TableIndex({ ...index }));
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of [...INDEXES].reverse()) {
      await queryRunner.dropIndex('audit_logs', index.name);
    }
    await queryRunner.dropTable('audit_logs');
  }
}
