import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDefined, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { DomainError, emailKey, MEMBER_RULES, type CommandMetadata } from '#domain';
import { membersProjection } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { mapConcurrently } from '../../shared/concurrency.js';
import { newId } from '../../shared/ids.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { InviteUser } from '../inviting.js';
import { SetupTokens } from '../setup-tokens.js';
import { RolesField, TeamIdsField } from '../member.dto.js';

export const BULK_INVITATIONS_MAX = 1_000;

/**
 * One person of a bulk invitation. Only the shape is checked here (text where text
 * belongs): a person with a wrong address or a missing name is that person's outcome
 * (`invalid`, with the field errors a single invitation gives), not the request's.
 */
export class BulkPersonDto {
  @ApiProperty({ example: 'student@district.example' })
  @IsOptional()
  @IsString({ message: 'email must be text' })
  @MaxLength(1_000)
  email?: string;

  @ApiProperty({ maxLength: MEMBER_RULES.nameMax })
  @IsOptional()
  @IsString({ message: 'firstName must be text' })
  @MaxLength(1_000)
  firstName?: string;

  @ApiProperty({ maxLength: MEMBER_RULES.nameMax })
  @IsOptional()
  @IsString({ message: 'lastName must be text' })
  @MaxLength(1_000)
  lastName?: string;
}

export class BulkInvitationsDto {
  @ApiProperty({ type: [BulkPersonDto], maxItems: BULK_INVITATIONS_MAX, description: 'Each person with their names' })
  @IsDefined({ message: 'people is required' })
  @IsArray({ message: 'people must be a list' })
  @ArrayMinSize(1, { message: 'people must name at least one person' })
  @ArrayMaxSize(BULK_INVITATIONS_MAX, { message: `people may name at most ${BULK_INVITATIONS_MAX} persons per request` })
  @ValidateNested({ each: true })
  @Type(() => BulkPersonDto)
  people!: BulkPersonDto[];

  @RolesField(['member'])
  roles!: string[];

  @TeamIdsField('Teams everyone invited joins')
  teamIds?: string[];
}

export type BulkOutcome = 'invited' | 'already-member' | 'reserved-elsewhere' | 'invalid' | 'duplicate';

class BulkInvitationResult {
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ['invited', 'already-member', 'reserved-elsewhere', 'invalid', 'duplicate'] }) outcome!: BulkOutcome;
  @ApiPropertyOptional({ description: 'The new user, when invited' }) userId?: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } })
  errors?: { field: string; message: string }[];
}

class BulkInvitationsResponse {
  @ApiProperty() invited!: number;
  @ApiProperty({ type: [BulkInvitationResult], description: 'One per person, in the order sent' }) results!: BulkInvitationResult[];
  @ApiProperty({ description: 'The log position of the last invitation (read-your-writes)' }) position!: number;
}

/**
 * Invitations by the hundred (multi-tenant guide, Adding Members: invite by email; issue
 * 17): each person is invited by the very process of a single invitation (the address
 * reserved platform-wide, then the organization's append), so every rule is the same;
 * the appends of people invited together are decided in batches by the organization's
 * stream queue. Valid people are invited whatever happens to the others.
 */
@ApiTags('users')
@ApiBearerAuth()
@ReadsFrom(membersProjection)
@Controller('organizations/:orgId')
export class BulkInvitationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly tokens: SetupTokens,
  ) {}

  /** Up to 1,000 people with one set of roles and optional teams; answers each person's outcome. */
  @Post('invitations::bulk')
  @RequirePermission('user:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: BulkInvitationsResponse })
  async invite(@Param('orgId') orgId: string, @Body() body: BulkInvitationsDto, @Meta() metadata: CommandMetadata): Promise<BulkInvitationsResponse> {
    const state = await currentOrganization(this.streams, orgId);
    // Teams are checked before anyone is invited: a wrong team id fails the whole request.
    for (const teamId of body.teamIds ?? []) if (!state.teams.has(teamId)) throw new DomainError('team-not-found', 'No such team in this organization', { teamId });

    const seen = new Set<string>();
    let position = 0;
    const results = await mapConcurrently(body.people, 16, async (person): Promise<BulkInvitationResult> => {
      const email = (person.email ?? '').trim();
      if (!email) return { email: '', outcome: 'invalid', errors: [{ field: 'email', message: 'email is required' }] };
      const key = emailKey(email);
      if (seen.has(key)) return { email, outcome: 'duplicate' };
      seen.add(key);
      const userId = newId();
      const input = { email, firstName: person.firstName ?? '', lastName: person.lastName ?? '', roles: body.roles };
      try {
        // A bulk request's Idempotency-Key does not stand for each of its invitations.
        const result = await this.commands.execute(new InviteUser(orgId, userId, input, this.tokens.issue(metadata.now), { ...metadata, idempotencyKey: undefined }));
        position = Math.max(position, result.position);
        return { email, outcome: 'invited', userId };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code === 'email-already-in-use') return { email, outcome: state.emails.has(key) ? 'already-member' : 'reserved-elsewhere' };
        if (error.status === 400) return { email, outcome: 'invalid', errors: error.details.errors ?? [{ field: 'email', message: error.message }] };
        throw error;
      }
    });

    const invited = results.filter((r) => r.outcome === 'invited').map((r) => r.userId!);
    for (const teamId of body.teamIds ?? [])
      if (invited.length > 0) {
        const joined = await this.commands.execute(toOrganization(orgId, { type: 'AddTeamMembers', data: { teamId, userIds: invited, actor: metadata.actor } }, metadata));
        position = Math.max(position, joined.position);
      }
    return { invited: invited.length, results, position };
  }
}
