import { Injectable } from '@nestjs/common';
import { CommonException } from '@routeiq/common';
import {
  SpendStore,
  TeamStore,
  VirtualKeyStore,
  type VirtualKeyPatch,
  type VirtualKeyRecord,
} from '@routeiq/persistence';
import { SecurityException } from '../security.exception';
import {
  expiryField,
  governancePatch,
  idField,
  MAX_TEAM_ID_LENGTH,
  labelField,
  newGovernance,
  startBudgetPeriod,
  pageParams,
  permissionList,
  requireObject,
  stringList,
  type JsonObject,
} from './governance-fields.parser';
import { KeyCacheService } from './key-cache.service';
import { objectPermissionField } from './object-permission.parser';
import { keyView } from './key-view';
import { generateKey, tokenOf } from './virtual-key';

const CUSTOM_KEY = /^sk-[A-Za-z0-9_-]{16,200}$/;

/** LiteLLM-compatible `/key/*` operations. Every change is published so all replicas evict it. */
@Injectable()
export class KeyAdminService {
  constructor(
    private readonly keys: VirtualKeyStore,
    private readonly teams: TeamStore,
    private readonly spend: SpendStore,
    private readonly cache: KeyCacheService,
  ) {}

  async generate(input: unknown): Promise<Record<string, unknown>> {
    const body = requireObject(input);
    const now = new Date();
    const custom = body.key;
    if (custom !== undefined && (typeof custom !== 'string' || !CUSTOM_KEY.test(custom))) {
      throw CommonException.invalidRequest(
        '"key" must be "sk-" followed by 16-200 URL-safe characters',
        'key',
      );
    }
    const generated = generateKey(custom);
    const patch = await this.patchFrom(body, now);
    if (await this.keys.findByToken(generated.token))
      throw SecurityException.alreadyExists('This key', 'key');
    const record: VirtualKeyRecord = {
      token: generated.token,
      keyName: generated.keyName,
      keyAlias: null,
      teamId: null,
      userId: null,
      permissions: [],
      expiresAt: null,
      ...newGovernance(now),
      ...patch,
    };
    await this.keys.insert(record);
    await this.cache.publishChange({ tokens: [record.token] });
    return { key: generated.plaintext, ...keyView(record) };
  }

  async info(keyOrHash: string | undefined): Promise<Record<string, unknown>> {
    const key = await this.find(keyOrHash);
    const userSpend = key.userId ? await this.spend.userSpend(key.userId) : null;
    return { key: key.token, info: { ...keyView(key), user_spend: userSpend } };
  }

  async update(input: unknown): Promise<Record<string, unknown>> {
    const body = requireObject(input);
    const current = await this.find(body.key);
    const patch = await this.patchFrom(body, new Date(), current);
    const updated = await this.keys.update(current.token, patch);
    if (!updated) throw SecurityException.keyNotFound();
    await this.cache.publishChange({ tokens: [updated.token] });
    return { key: updated.token, ...keyView(updated) };
  }

  async setBlocked(input: unknown, blocked: boolean): Promise<Record<string, unknown>> {
    const current = await this.find(requireObject(input).key);
    const updated = await this.keys.update(current.token, { blocked });
    if (!updated) throw SecurityException.keyNotFound();
    await this.cache.publishChange({ tokens: [updated.token] });
    return { key: updated.token, ...keyView(updated) };
  }

  async delete(input: unknown): Promise<{ deleted_keys: string[] }> {
    const body = requireObject(input);
    const tokens = (stringList(body, 'keys') ?? []).map(tokenOf);
    for (const alias of stringList(body, 'key_aliases') ?? []) {
      const key = await this.keys.findByAlias(alias);
      if (key) tokens.push(key.token);
    }
    if (tokens.length === 0) {
      throw CommonException.invalidRequest('Give "keys" or "key_aliases" to delete', 'keys');
    }
    const deleted = await this.keys.delete([...new Set(tokens)]);
    if (deleted.length === 0) throw SecurityException.keyNotFound();
    await this.cache.publishChange({ tokens: deleted });
    return { deleted_keys: deleted };
  }

  async list(query: JsonObject): Promise<Record<string, unknown>> {
    const { page, size } = pageParams(query);
    const filter = {
      ...(typeof query.team_id === 'string' && { teamId: query.team_id }),
      ...(typeof query.user_id === 'string' && { userId: query.user_id }),
      ...(typeof query.key_alias === 'string' && { keyAlias: query.key_alias }),
    };
    const result = await this.keys.list({ ...filter, offset: (page - 1) * size, limit: size });
    const full = query.return_full_object === 'true';
    return {
      keys: result.items.map((key) => (full ? keyView(key) : key.token)),
      total_count: result.total,
      current_page: page,
      total_pages: Math.ceil(result.total / size),
    };
  }

  /** The key a `key` field or parameter names (plaintext or hash); 404 when unknown. */
  async find(keyOrHash: unknown): Promise<VirtualKeyRecord> {
    if (typeof keyOrHash !== 'string' || keyOrHash.length === 0 || keyOrHash.length > 256) {
      throw CommonException.invalidRequest('"key" (the key or its hash) is required', 'key');
    }
    const key = await this.keys.findByToken(tokenOf(keyOrHash));
    if (!key) throw SecurityException.keyNotFound();
    return key;
  }

  private async patchFrom(
    body: JsonObject,
    now: Date,
    current?: VirtualKeyRecord,
  ): Promise<VirtualKeyPatch> {
    const patch: VirtualKeyPatch = governancePatch(body);
    const objectPermissions = objectPermissionField(body, current);
    if (objectPermissions !== undefined) Object.assign(patch, objectPermissions);
    const alias = labelField(body, 'key_alias');
    if (alias !== undefined) patch.keyAlias = alias;
    const teamId = idField(body, 'team_id', MAX_TEAM_ID_LENGTH);
    if (teamId !== undefined) patch.teamId = teamId;
    const userId = idField(body, 'user_id');
    if (userId !== undefined) patch.userId = userId;
    const permissions = permissionList(body);
    if (permissions !== undefined) patch.permissions = permissions;
    const expiresAt = expiryField(body, now);
    if (expiresAt !== undefined) patch.expiresAt = expiresAt;
    if (patch.teamId && !(await this.teams.find(patch.teamId))) {
      throw SecurityException.teamNotFound(patch.teamId);
    }
    if (patch.keyAlias && patch.keyAlias !== current?.keyAlias) {
      const holder = await this.keys.findByAlias(patch.keyAlias);
      if (holder)
        throw SecurityException.alreadyExists(`Key alias "${patch.keyAlias}"`, 'key_alias');
    }
    startBudgetPeriod(patch, now, current);
    return patch;
  }
}
