import { Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { AdminOnly, Audited, JsonBody, type GatewayRequest } from '@routeiq/common';
import { noted } from './audit-note';
import { TeamAdminService } from './team-admin.service';

/** LiteLLM-compatible team management (admin keys only). */
@AdminOnly()
@Controller('team')
export class TeamController {
  constructor(private readonly teams: TeamAdminService) {}

  @Post('new')
  @HttpCode(200)
  @Audited('team.new', 'team')
  create(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<Record<string, unknown>> {
    return this.teams.create(body).then((view) => noted(req, view.team_id, view));
  }

  @Get('info')
  info(@Query('team_id') teamId: string | undefined): Promise<Record<string, unknown>> {
    return this.teams.info(teamId);
  }

  @Get('list')
  list(@Query() query: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
    return this.teams.list(query);
  }

  @Post('update')
  @HttpCode(200)
  @Audited('team.update', 'team')
  update(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<Record<string, unknown>> {
    return this.teams.update(body).then((view) => noted(req, view.team_id, view));
  }

  @Post('delete')
  @HttpCode(200)
  @Audited('team.delete', 'team')
  delete(@JsonBody() body: unknown, @Req() req: GatewayRequest): Promise<Record<string, unknown>> {
    return this.teams.delete(body).then((result) => noted(req, result.deleted_teams, result));
  }
}
