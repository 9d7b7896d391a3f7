import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata, OrganizationCommand } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { AggregateRepository } from '../../shared/aggregate-repository.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { handleOrganizationCommand, OrganizationStreamCommand, WriteResponse } from '../organization-command.js';

export class MarkOrganizationInArrears extends OrganizationStreamCommand {
  toDomain(): OrganizationCommand {
    return { type: 'MarkOrganizationInArrears', data: { now: this.metadata.now } };
  }
  override requestBody(): unknown {
    return { type: 'MarkOrganizationInArrears' };
  }
}

export class ClearOrganizationArrears extends OrganizationStreamCommand {
  toDomain(): OrganizationCommand {
    return { type: 'ClearOrganizationArrears', data: {} };
  }
}

@CommandHandler(MarkOrganizationInArrears)
export class MarkOrganizationInArrearsHandler implements ICommandHandler<MarkOrganizationInArrears> {
  constructor(private readonly repository: AggregateRepository) {}
  execute(command: MarkOrganizationInArrears) {
    return handleOrganizationCommand(this.repository, command);
  }
}

@CommandHandler(ClearOrganizationArrears)
export class ClearOrganizationArrearsHandler implements ICommandHandler<ClearOrganizationArrears> {
  constructor(private readonly repository: AggregateRepository) {}
  execute(command: ClearOrganizationArrears) {
    return handleOrganizationCommand(this.repository, command);
  }
}

class ArrearsResponse extends WriteResponse {
  inArrearsAt!: string | null;
}

/**
 * Payment status (super admins). Marking records `inArrearsAt` as now; marking again
 * keeps the first date. Blocking the organization's sign-ins is the access issue's.
 */
@ApiTags('organizations')
@ApiBearerAuth()
@Controller('organizations/:orgId/arrears')
export class ArrearsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @RequirePermission('organization:arrears')
  @HttpCode(200)
  @ApiOkResponse({ type: ArrearsResponse })
  async mark(@Param('orgId') orgId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<ArrearsResponse> {
    const result = await this.commands.execute(new MarkOrganizationInArrears(orgId, metadata));
    return { id: orgId, revision: result.version, position: result.position, inArrearsAt: stateArrears(result.state) };
  }

  @Delete()
  @RequirePermission('organization:arrears')
  @HttpCode(200)
  @ApiOkResponse({ type: ArrearsResponse })
  async clear(@Param('orgId') orgId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<ArrearsResponse> {
    const result = await this.commands.execute(new ClearOrganizationArrears(orgId, metadata));
    return { id: orgId, revision: result.version, position: result.position, inArrearsAt: stateArrears(result.state) };
  }
}

const stateArrears = (state: { status: string; inArrearsAt?: string | null }) => (state.status === 'existing' ? (state.inArrearsAt ?? null) : null);
