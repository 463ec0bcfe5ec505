import { Injectable } from '@nestjs/common';
import { CommonException } from '@routeiq/common';
import { TeamStore, VirtualKeyStore, type TeamPatch, type TeamRecord } from '@routeiq/persistence';
import { randomUUID } from 'node:crypto';
import { SecurityException } from '../security.exception';
import {
  governancePatch,
  idField,
  MAX_TEAM_ID_LENGTH,
  labelField,
  newGovernance,
  startBudgetPeriod,
  pageParams,
  requireObject,
  stringList,
  type JsonObject,
} from './governance-fields.parser';
import { KeyCacheService } from './key-cache.service';
import { objectPermissionField } from './object-permission.parser';
import { keyView, teamView } from './key-view';

/**
 * LiteLLM-compatible `/team/*` operations. A team's models, limits, budget and blocked flag apply
 * to every key in it; a change is published so all replicas evict the team's keys.
 */
@Injectable()
export class TeamAdminService {
  constructor(
    private readonly teams: TeamStore,
    private readonly keys: VirtualKeyStore,
    private readonly cache: KeyCacheService,
  ) {}

  async create(input: unknown): Promise<Record<string, unknown>> {
    const body = requireObject(input);
    const now = new Date();
    const teamId = idField(body, 'team_id', MAX_TEAM_ID_LENGTH) ?? randomUUID();
    if (await this.teams.find(teamId))
      throw SecurityException.alreadyExists(`Team "${teamId}"`, 'team_id');
    const record: TeamRecord = {
      teamId,
      teamAlias: null,
      ...newGovernance(now),
      ...this.patchFrom(body, now),
    };
    await this.teams.insert(record);
    return teamView(record);
  }

  async info(teamId: unknown): Promise<Record<string, unknown>> {
    const team = await this.find(teamId);
    const keys = await this.keys.findByTeam(team.teamId);
    return { team_id: team.teamId, team_info: teamView(team), keys: keys.map(keyView) };
  }

  async update(input: unknown): Promise<Record<string, unknown>> {
    const body = requireObject(input);
    const current = await this.find(body.team_id);
    const updated = await this.teams.update(
      current.teamId,
      this.patchFrom(body, new Date(), current),
    );
    if (!updated) throw SecurityException.teamNotFound(current.teamId);
    await this.cache.publishChange({ teamIds: [updated.teamId] });
    return teamView(updated);
  }

  async delete(input: unknown): Promise<Record<string, unknown>> {
    const body = requireObject(input);
    const teamIds = stringList(body, 'team_ids');
    if (!teamIds || teamIds.length === 0) {
      throw CommonException.invalidRequest('"team_ids" must list the teams to delete', 'team_ids');
    }
    const deleted = await this.teams.delete(teamIds);
    if (deleted.teamIds.length === 0) throw SecurityException.teamNotFound(teamIds.join(', '));
    await this.cache.publishChange({ teamIds: deleted.teamIds, tokens: deleted.keyTokens });
    return { deleted_teams: deleted.teamIds, deleted_keys: deleted.keyTokens };
  }

  async list(query: JsonObject): Promise<Array<Record<string, unknown>>> {
    const { page, size } = pageParams(query);
    const result = await this.teams.list((page - 1) * size, size);
    return result.items.map(teamView);
  }

  private async find(teamId: unknown): Promise<TeamRecord> {
    if (typeof teamId !== 'string' || teamId.length === 0 || teamId.length > 255) {
      throw CommonException.invalidRequest('"team_id" is required', 'team_id');
    }
    const team = await this.teams.find(teamId);
    if (!team) throw SecurityException.teamNotFound(teamId);
    return team;
  }

  private patchFrom(body: JsonObject, now: Date, current?: TeamRecord): TeamPatch {
    const patch: TeamPatch = governancePatch(body);
    const objectPermissions = objectPermissionField(body, current);
    if (objectPermissions !== undefined) Object.assign(patch, objectPermissions);
    const alias = labelField(body, 'team_alias');
    if (alias !== undefined) patch.teamAlias = alias;
    startBudgetPeriod(patch, now, current);
    return patch;
  }
}
