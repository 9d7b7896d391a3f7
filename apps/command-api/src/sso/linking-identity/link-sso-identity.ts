import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import type { CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ParseUserId } from '../../members/user-id.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { UserWriteResponse } from '../../members/member.dto.js';
import { Meta } from '../../shared/request-context.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { membersProjection, ssoProvidersProjection } from '#read-models';

export class LinkSsoIdentityDto {
  @ApiProperty({ format: 'uuid', description: "One of the organization's SSO providers" })
  @IsDefined({ message: 'providerId is required' })
  @IsUUID('all', { message: 'providerId must be a provider id' })
  providerId!: string;

  @ApiProperty({ description: "The provider's stable id for the person: the OIDC `sub`, or the SAML persistent NameID" })
  @IsDefined({ message: 'subject is required' })
  @IsString({ message: 'subject must be a string' })
  @MinLength(1, { message: 'subject is required' })
  @MaxLength(1024, { message: 'subject must be at most 1024 characters' })
  subject!: string;
}

@ApiTags('sso')
@ApiBearerAuth()
@ReadsFrom(membersProjection, ssoProvidersProjection)
@Controller('organizations/:orgId/users/:userId/sso-identities')
export class LinkSsoIdentityController {
  constructor(private readonly commands: CommandBus) {}

  /**
   * Links an identity at one of the organization's providers to this member, by hand:
   * when the address the provider asserts is not exactly the member's (a sign-in then
   * answers sso-account-not-linked), an admin who has checked who it is links them.
   * From then on the person signs in by the provider's subject, never by email. The
   * event names the admin.
   */
  @Post()
  @RequirePermission('user:manage')
  @HttpCode(200)
  async link(@Param('orgId') orgId: string, @Param('userId', ParseUserId) userId: string, @Body() body: LinkSsoIdentityDto, @Meta() metadata: CommandMetadata): Promise<UserWriteResponse> {
    const result = await this.commands.execute(
      toOrganization(orgId, { type: 'LinkSsoIdentity', data: { providerId: body.providerId, subject: body.subject, userId, email: null } }, metadata),
    );
    return { id: userId, revision: result.version, position: result.position };
  }
}
