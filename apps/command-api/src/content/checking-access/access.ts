import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { accessTo, DomainError, type AccessAnswer, type CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { libraryStream } from '../../shared/write/stream-command.js';

class AccessReasonView {
  @ApiProperty({ enum: ['organization-suspended', 'membership-not-active', 'role', 'activity-not-in-library', 'not-assigned', 'license-expired', 'no-seat'] }) reason!: string;
  @ApiProperty() message!: string;
}

class AccessView {
  @ApiProperty() canAccess!: boolean;
  @ApiProperty({ type: [AccessReasonView] }) reasons!: AccessReasonView[];
  @ApiProperty({ type: [String], description: 'The open assignments that give the member the activity' }) assignmentIds!: string[];
}

const ParseId = (what: 'user' | 'activity') =>
  new ParseUUIDPipe({ exceptionFactory: () => (what === 'user' ? new DomainError('user-not-found', 'No such user in this organization') : new DomainError('activity-not-found', 'No such activity in the library')) });

/**
 * "Members can't access content" (multi-tenant guide, Troubleshooting: check the content
 * is assigned, the member has the right role, the membership is active; issue 19):
 * whether a member can reach an activity now and, if not, every reason why. Read on the
 * organization's and the library's streams, so it answers as of now.
 */
@ApiTags('content')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/members/:userId/access')
export class AccessController {
  constructor(private readonly streams: StreamCache) {}

  @Get(':activityId')
  @RequirePermission('content:manage')
  @ApiOkResponse({ type: AccessView })
  async check(@Param('orgId') orgId: string, @Param('userId', ParseId('user')) userId: string, @Param('activityId', ParseId('activity')) activityId: string, @Meta() metadata: CommandMetadata): Promise<AccessAnswer> {
    const organization = await currentOrganization(this.streams, orgId);
    if (!organization.members.has(userId)) throw new DomainError('user-not-found', 'No such user in this organization');
    const { state: library } = await this.streams.current(libraryStream(orgId));
    return accessTo(organization, library, userId, activityId, metadata.now);
  }
}
