import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { Meta } from '../../shared/request-context.js';
import { SessionsService } from '../../auth/sessions.service.js';
import { NoBody } from '../../shared/validation.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';

class ArrearsResponse extends WriteResponse {
  inArrearsAt!: string | null;
}

/**
 * Payment status (super admins). Marking records `inArrearsAt` as now; marking again
 * keeps the first date. Blocking the organization's sign-ins is the access issue's.
 */
@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/arrears')
export class ArrearsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly sessions: SessionsService,
  ) {}

  @Post()
  @RequirePermission('organization:arrears')
  @HttpCode(200)
  @ApiOkResponse({ type: ArrearsResponse })
  async mark(@Param('orgId') orgId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<ArrearsResponse> {
    // `now` differs on a retry; the request is the same.
    const command = { type: 'MarkOrganizationInArrears' as const, data: { now: metadata.now } };
    const result = await this.commands.execute(toOrganization(orgId, command, metadata, { requestBody: { type: command.type } }));
    // Members lose access at once, on every replica: their sessions end in the shared
    // session store, without waiting for any projector (the guard's read-model check
    // is the second line).
    await this.sessions.markOrganizationEnded(orgId, 'suspended');
    return { id: orgId, revision: result.version, position: result.position, inArrearsAt: stateArrears(result.state) };
  }

  @Delete()
  @RequirePermission('organization:arrears')
  @HttpCode(200)
  @ApiOkResponse({ type: ArrearsResponse })
  async clear(@Param('orgId') orgId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<ArrearsResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'ClearOrganizationArrears', data: {} }, metadata));
    return { id: orgId, revision: result.version, position: result.position, inArrearsAt: stateArrears(result.state) };
  }
}

const stateArrears = (state: { status: string; inArrearsAt?: string | null }) => (state.status === 'existing' ? (state.inArrearsAt ?? null) : null);
