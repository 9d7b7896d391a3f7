import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsString, MaxLength } from 'class-validator';
import { createHash, randomBytes } from 'node:crypto';
import { DomainError, XAPI_CREDENTIAL_NAME_MAX, xapiKeyOf, type CommandMetadata } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { newId } from '../../shared/ids.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';

export class IssueCredentialDto {
  @ApiProperty({ maxLength: XAPI_CREDENTIAL_NAME_MAX, example: 'Course player' })
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be text' })
  @MaxLength(1_000)
  name!: string;
}

class IssuedCredential {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'The username of HTTP Basic for /xapi' }) key!: string;
  @ApiProperty({ description: 'The password of HTTP Basic for /xapi: shown this once, never again' }) secret!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
}

class CredentialView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() key!: string;
  @ApiProperty() issuedAt!: string;
  @ApiProperty({ type: 'string', nullable: true }) revokedAt!: string | null;
}

const ParseCredentialId = new ParseUUIDPipe({ exceptionFactory: () => new DomainError('xapi-credential-not-found', 'No such xAPI credential in this organization') });

/**
 * The keys learning content reports progress with over xAPI (issue 19): admins issue
 * them (the secret is in the answer, once), list them and revoke them. Read from the
 * organization's stream: a credential works the moment it is issued, and stops the
 * moment it is revoked.
 */
@ApiTags('xapi')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/xapi/credentials')
export class XapiCredentialsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
  ) {}

  @Get()
  @RequirePermission('xapi:manage')
  @ApiOkResponse({ type: [CredentialView] })
  async list(@Param('orgId') orgId: string): Promise<{ items: CredentialView[] }> {
    const organization = await currentOrganization(this.streams, orgId);
    const items = Object.values(organization.xapiCredentials)
      .sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.id.localeCompare(b.id))
      .map((c) => ({ id: c.id, name: c.name, key: xapiKeyOf(orgId, c.id), issuedAt: c.issuedAt, revokedAt: c.revokedAt }));
    return { items };
  }

  /** Issues a credential; the answer carries its secret, which is shown this once and stored only as a hash. */
  @Post()
  @RequirePermission('xapi:manage')
  @HttpCode(201)
  @ApiCreatedResponse({ type: IssuedCredential })
  async issue(@Param('orgId') orgId: string, @Body() body: IssueCredentialDto, @Meta() metadata: CommandMetadata): Promise<IssuedCredential> {
    const credentialId = newId();
    const secret = randomBytes(32).toString('base64url');
    const secretHash = createHash('sha256').update(secret).digest('hex');
    // No Idempotency-Key replay: a replayed answer could not show the secret again (it is not kept).
    const result = await this.commands.execute(toOrganization(orgId, { type: 'IssueXapiCredential', data: { credentialId, name: body.name, secretHash, now: metadata.now } }, { ...metadata, idempotencyKey: undefined }));
    return { id: credentialId, name: body.name.trim(), key: xapiKeyOf(orgId, credentialId), secret, revision: result.revision, position: result.position };
  }

  /** Revokes a credential: statements sent with it are refused from now on; those it sent stay. */
  @Delete(':credentialId')
  @RequirePermission('xapi:manage')
  @HttpCode(200)
  @ApiOkResponse({ type: WriteResponse })
  async revoke(@Param('orgId') orgId: string, @Param('credentialId', ParseCredentialId) credentialId: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    const result = await this.commands.execute(toOrganization(orgId, { type: 'RevokeXapiCredential', data: { credentialId, now: metadata.now } }, metadata));
    return { id: credentialId, revision: result.revision, position: result.position };
  }
}
