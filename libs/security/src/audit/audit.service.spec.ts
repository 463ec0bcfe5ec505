import type { Principal } from '@routeiq/common';
import { AuditLogStore } from '@routeiq/persistence';
import { AuditAction, SYSTEM_ACTOR, type AuditEvent } from './audit-event';
import { AuditLogWriter } from './audit-log.writer';
import type { AuditConfig } from './audit.config';
import { AuditErrorCode, AuditException } from './audit.exception';
import { AuditService } from './audit.service';
import { SecurityException } from '../security.exception';
import {
  AUDIT_DATABASE_KINDS,
  openAuditDatabase,
  type AuditDatabase,
} from './__fixtures__/audit-database';

const ADMIN: Principal = { kind: 'admin', keyId: 'key-0123456789ab' };
const VIRTUAL_KEY = 'sk-live-ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

function keyEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    action: AuditAction.KeyUpdate,
    requestId: 'req-1',
    actor: ADMIN,
    resourceType: 'key',
    resourceId: 'key-42',
    metadata: { fields: ['max_budget'] },
    ...overrides,
  };
}

async function expectUnavailable(promise: Promise<unknown>): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuditException);
  expect(error).toMatchObject({ status: 503, code: AuditErrorCode.Unavailable });
}

describe(AuditService.name, () => {
  describe.each(AUDIT_DATABASE_KINDS)('on %s', (kind) => {
    let db: AuditDatabase;
    const writers: AuditLogWriter[] = [];

    function service(config: Partial<AuditConfig> = {}, batchSize = 100): AuditService {
      const store = new AuditLogStore(db.dataSource);
      const writer = new AuditLogWriter(store, { batchSize, flushIntervalMs: 60_000 });
      writers.push(writer);
      return new AuditService({ enabled: true, failMode: 'open', ...config }, store, writer);
    }

    const flushAll = () => Promise.all(writers.map((writer) => writer.flush()));

    beforeEach(async () => {
      db = await openAuditDatabase(kind);
    });

    afterEach(async () => {
      await Promise.all(writers.splice(0).map((writer) => writer.beforeApplicationShutdown()));
      await db.close();
    });

    describe('open mode (default)', () => {
      it('buffers records off the request path and writes them on flush', async () => {
        const audit = service();
        expect(audit.record(keyEvent())).toBeUndefined();
        await expect(audit.recordControlPlane(keyEvent({ action: 'key.delete' }))).resolves.toBe(
          undefined,
        );
        expect(await db.rows()).toEqual([]);

        await flushAll();
        const rows = await db.rows();
        expect(rows.map((row) => row.action).sort()).toEqual(['key.delete', 'key.update']);
        expect(rows[0]).toMatchObject({ actor_type: 'admin', actor_id: 'key-01…89ab' });
      });

      it('flushes on its own when a batch fills up', async () => {
        const audit = service({}, 3);
        for (let i = 0; i < 3; i += 1) audit.record(keyEvent({ resourceId: `key-${i}` }));
        // The third record started a flush: waiting for it needs no explicit flush call.
        await writers[0]?.flush();
        expect(await db.rows()).toHaveLength(3);
        expect(writers[0]?.stats).toEqual({ written: 3, droppedOverflow: 0, droppedFailed: 0 });
      });

      it('never fails the caller when the database does', async () => {
        const audit = service();
        await db.breakAuditTable();
        expect(() => audit.record(keyEvent())).not.toThrow();
        await expect(audit.recordControlPlane(keyEvent())).resolves.toBeUndefined();
        await expect(audit.guard(keyEvent(), async () => 'done')).resolves.toBe('done');
        await flushAll();
        expect(writers[0]?.stats).toMatchObject({ written: 0, droppedFailed: 3 });
      });
    });

    describe('closed mode', () => {
      it('writes control-plane records before returning', async () => {
        const audit = service({ failMode: 'closed' });
        await audit.recordControlPlane(keyEvent({ outcome: 'failure', reason: 'key_not_found' }));
        expect(await db.rows()).toEqual([
          expect.objectContaining({
            action: 'key.update',
            outcome: 'failure',
            reason: 'key_not_found',
          }),
        ]);
      });

      it('throws 503 audit_log_unavailable when the write fails', async () => {
        const audit = service({ failMode: 'closed' });
        await db.breakAuditTable();
        await expectUnavailable(audit.recordControlPlane(keyEvent()));
        // Policy denies stay on the batched path: the request path is never blocked.
        expect(() =>
          audit.recordPolicyDeny({ requestId: 'r', route: '/v1/models', method: 'GET', rule: 'x' }),
        ).not.toThrow();
      });

      it('guard does not run the action when the audit record cannot be written', async () => {
        const audit = service({ failMode: 'closed' });
        await db.breakAuditTable();
        const action = jest.fn(async () => 'changed');
        await expectUnavailable(audit.guard(keyEvent(), action));
        expect(action).not.toHaveBeenCalled();
      });

      it('guard records the intent, then a failure record when the action throws', async () => {
        const audit = service({ failMode: 'closed' });
        await expect(audit.guard(keyEvent(), async () => 'changed')).resolves.toBe('changed');
        const failing = audit.guard(keyEvent({ requestId: 'req-2' }), async () => {
          throw SecurityException.invalidApiKey();
        });
        await expect(failing).rejects.toBeInstanceOf(SecurityException);

        const rows = await db.rows();
        expect(rows.map((row) => [row.request_id, row.outcome, row.reason])).toEqual(
          expect.arrayContaining([
            ['req-1', 'success', null],
            ['req-2', 'success', null],
            ['req-2', 'failure', 'invalid_api_key'],
          ]),
        );
        const intent = rows.find((row) => row.request_id === 'req-2' && row.outcome === 'success');
        const failure = rows.find((row) => row.outcome === 'failure');
        expect(JSON.parse(String(failure?.metadata))).toEqual({
          fields: ['max_budget'],
          intent_id: intent?.id,
        });
      });

      it('guard rethrows the action error even when the failure record is lost', async () => {
        const audit = service({ failMode: 'closed' });
        const failing = audit.guard(keyEvent(), async () => {
          await db.breakAuditTable();
          throw new Error('boom');
        });
        await expect(failing).rejects.toThrow('boom');
      });
    });

    it('records nothing when disabled, and guard still runs the action', async () => {
      const audit = service({ enabled: false, failMode: 'closed' });
      audit.record(keyEvent());
      await audit.recordControlPlane(keyEvent());
      await expect(audit.guard(keyEvent(), async () => 7)).resolves.toBe(7);
      await flushAll();
      expect(await db.rows()).toEqual([]);
    });

    it('never stores keys, tokens, bodies or other secrets', async () => {
      const audit = service({ failMode: 'closed' });
      await audit.recordControlPlane(
        keyEvent({
          actor: { kind: 'virtual', keyId: VIRTUAL_KEY },
          requestId: 'req-secret',
          reason: `rejected Bearer ${VIRTUAL_KEY}`,
          resourceId: VIRTUAL_KEY,
          metadata: {
            api_key: VIRTUAL_KEY,
            token: 'abc',
            Authorization: `Bearer ${VIRTUAL_KEY}`,
            client_secret: 'hunter2hunter2',
            password: 'hunter2hunter2',
            body: { messages: [{ role: 'user', content: 'the prompt' }] },
            messages: ['the prompt'],
            note: `copied ${VIRTUAL_KEY} by mistake`,
            nested: { upstream: { master_key: 'x', ok: 1 } },
            blob: Buffer.from('raw bytes'),
          },
        }),
      );
      const [row] = await db.rows();
      const stored = JSON.stringify(row);
      for (const secret of ['ABCDEFGHIJKLMNOP', 'hunter2', 'the prompt', 'raw bytes']) {
        expect(stored).not.toContain(secret);
      }
      expect(row).toMatchObject({ actor_type: 'virtual', actor_id: 'sk-liv…2345' });
      expect(JSON.parse(String(row?.metadata))).toEqual({
        note: 'copied sk-[REDACTED] by mistake',
        nested: { upstream: { ok: 1 } },
      });
    });

    it('records policy denies as denied route events on the batched path', async () => {
      const audit = service();
      audit.recordPolicyDeny({
        requestId: 'req-deny',
        principal: { kind: 'virtual', keyId: 'vk-0123456789abcdef' },
        route: '/v1/chat/completions',
        method: 'post',
        model: 'gpt-4o',
        sourceIp: '10.0.0.7',
        rule: 'deny-gpt4-for-interns',
      });
      audit.record({ action: AuditAction.ConfigReload, actor: SYSTEM_ACTOR });
      await flushAll();

      const page = await audit.query({ limit: 10, action: 'policy.deny' });
      expect(page).toEqual({
        data: [
          {
            id: expect.any(String),
            created_at: expect.any(String),
            request_id: 'req-deny',
            actor_type: 'virtual',
            actor_id: 'vk-012…cdef',
            action: 'policy.deny',
            resource_type: 'route',
            resource_id: 'POST /v1/chat/completions',
            outcome: 'denied',
            reason: 'deny-gpt4-for-interns',
            metadata: { model: 'gpt-4o', source_ip: '10.0.0.7' },
          },
        ],
        next_cursor: null,
      });
      await expect(audit.query({ limit: 10, actorType: 'system' })).resolves.toMatchObject({
        data: [{ action: 'config.reload', actor_id: null }],
      });
    });
  });
});
