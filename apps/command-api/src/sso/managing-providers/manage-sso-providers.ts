import { ssoProvidersProjection } from '#read-models';
import { applyDecorators, Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import type { CommandMetadata, SsoProviderInput } from '#domain';
import { ORGANIZATIONS } from '#read-models';
import { SSO_PROVIDERS, type SsoProviderDocument } from '#read-models';
import type { ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import type { AppConfig } from '#runtime';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';
import { PageField, PageSizeField } from '../../shared/paging.js';
import type { PageSize } from '#read-models';
import { parseIfMatch } from '../../shared/etag.js';
import { newId } from '../../shared/ids.js';
import { organizationNotFound, ProblemException } from '../../shared/problem.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import type { SecretBox } from '#runtime';
import { APP_CONFIG, READ_STORE, SECRET_BOX } from '../../shared/tokens.js';
import { normalizeCertificate, ParseProviderId, providerView, SsoProviders } from '../sso-providers.js';

/** Optional text with a generous bound; the decider applies the real limits with field messages. */
const OptionalText = (field: string, max: number, description?: string) =>
  applyDecorators(
    ApiPropertyOptional({ description }),
    IsOptional(),
    IsString({ message: `${field} must be text` }),
    MaxLength(max, { message: `${field} must be at most ${max} characters` }),
  );
/** A list, or text with one item per line or comma separated (the guide's wording); the decider splits and counts it. */
const TextOrList = (field: string, description: string) =>
  applyDecorators(
    ApiPropertyOptional({ description, oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }),
    IsOptional(),
    IsString({ each: true, message: `${field} must be text (separated by lines, commas or spaces) or a list of strings` }),
  );
const Toggle = (field: string, fallback: boolean, description: string) =>
  applyDecorators(ApiPropertyOptional({ default: fallback, description }), IsOptional(), IsBoolean({ message: `${field} must be true or false` }));

class SsoProviderFields {
  @OptionalText('displayName', 200, 'Shown to administrators, for example "Springfield High Google Workspace"')
  displayName?: string;

  @OptionalText('issuer', 4096, 'OIDC: the issuer URL (https). SAML: the IdP entity ID.')
  issuer?: string;

  @OptionalText('clientId', 1024, 'OIDC only')
  clientId?: string;

  @OptionalText('clientSecret', 4096, 'OIDC only. Write-only: never returned. On edit, blank keeps the existing secret.')
  clientSecret?: string;

  @TextOrList('scopes', 'OIDC only: separated by lines, commas or spaces, or a list; must include openid')
  scopes?: string | string[];

  @TextOrList('allowedDomains', 'Separated by lines, commas or spaces, or a list; none means any verified email')
  allowedDomains?: string | string[];

  @OptionalText('ssoUrl', 4096, 'SAML only: the IdP single sign-on URL')
  ssoUrl?: string;

  @OptionalText('idpCertificate', 20_000, 'SAML only: the IdP signing certificate, PEM')
  idpCertificate?: string;

  @Toggle('enabled', true, 'Users can sign in with this provider')
  enabled?: boolean;

  @Toggle('requireSso', false, "The organization's members can no longer sign in with a password")
  requireSso?: boolean;

  @Toggle('autoLinkVerifiedEmail', false, 'Link an existing member whose verified provider email matches')
  autoLinkVerifiedEmail?: boolean;

  @Toggle('allowIdpInitiated', false, "SAML only: accept an unsolicited (IdP-initiated) response for the provider's own domains; it sends the browser to the UI to start a sign-in, and is recorded")
  allowIdpInitiated?: boolean;
}

export class CreateSsoProviderDto extends SsoProviderFields {
  @ApiProperty()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId!: string;

  @ApiProperty({ enum: ['oidc', 'saml'] })
  @IsIn(['oidc', 'saml'], { message: 'protocol must be oidc or saml' })
  protocol!: 'oidc' | 'saml';
}

export class UpdateSsoProviderDto extends SsoProviderFields {}

export class ListSsoProvidersQuery extends ConsistentQueryDto {
  @ApiPropertyOptional({ description: 'Only this organization\'s providers' })
  @IsOptional()
  @IsUUID('all', { message: 'organizationId must be a UUID' })
  organizationId?: string;

  @PageField()
  page: number = 1;

  @PageSizeField()
  pageSize: PageSize = 25;
}

/** The request's fields as the decider reads them; the secret is sealed before it gets there. */
function inputOf(body: SsoProviderFields & { organizationId?: string; protocol?: string }): SsoProviderInput {
  const { clientSecret: _secret, organizationId: _organization, ...rest } = body;
  return { ...rest, idpCertificate: normalizeCertificate(body.idpCertificate) };
}

/**
 * Enterprise SSO providers (guide: Enterprise SSO Management), super admins only.
 * Every change is an event in the organization's stream.
 */
@ApiTags('sso')
@ApiBearerAuth()
@ReadsFrom(ssoProvidersProjection)
@Controller('sso/providers')
export class ManageSsoProvidersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly providers: SsoProviders,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  /** The provider list: every organization's, or one organization's (`?organizationId=`). */
  @Get()
  @RequirePermission('sso:manage')
  async list(@Query() query: ListSsoProvidersQuery) {
    const filter = { removedAt: null, ...(query.organizationId ? { organizationId: query.organizationId } : {}) };
    const { items, total } = await this.readStore
      .collection<SsoProviderDocument>(SSO_PROVIDERS)
      .findPage(filter, { sort: { organizationId: 1, displayName: 1, _id: 1 }, skip: (query.page - 1) * query.pageSize, limit: query.pageSize });
    return { items: items.map((doc) => providerView(this.config, doc)), total, page: query.page, pageSize: query.pageSize };
  }

  @Get(':id')
  @RequirePermission('sso:manage')
  async get(@Param('id', ParseProviderId) id: string) {
    return providerView(this.config, await this.providers.document(id));
  }

  /** Adds a provider to an organization. The client secret is sealed here and never shown again. */
  @Post()
  @RequirePermission('sso:manage')
  @HttpCode(201)
  create(@Body() body: CreateSsoProviderDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    return this.add(newId(), body, metadata);
  }

  /** Adds a provider under an id the client chose (a UUID); the same id again is a 409. */
  @Post(':id')
  @RequirePermission('sso:manage')
  @HttpCode(201)
  createWithId(@Param('id', ParseProviderId) id: string, @Body() body: CreateSsoProviderDto, @Meta() metadata: CommandMetadata): Promise<WriteResponse> {
    return this.add(id, body, metadata);
  }

  private async add(providerId: string, body: CreateSsoProviderDto, metadata: CommandMetadata): Promise<WriteResponse> {
    const organization = await this.readStore.collection(ORGANIZATIONS).findOne({ _id: body.organizationId });
    if (!organization) throw organizationNotFound();
    // Provider ids are unique across organizations: the sign-in routes name the provider only.
    const existing = await this.readStore.collection<SsoProviderDocument>(SSO_PROVIDERS).findOne({ _id: providerId });
    if (existing) throw new ProblemException('sso-provider-already-exists', 'An SSO provider with this id already exists');
    const secret = body.protocol === 'oidc' && body.clientSecret?.trim() ? this.secrets.seal(body.clientSecret.trim()) : null;
    const command = { type: 'AddSsoProvider' as const, data: { providerId, input: inputOf(body), clientSecretCiphertext: secret } };
    const result = await this.commands.execute(toOrganization(body.organizationId, command, metadata, { requestBody: withoutSealedSecret(command) }));
    return { id: providerId, revision: result.version, position: result.position };
  }

  /** Edits a provider. Fields left out keep their value; a blank client secret keeps the existing one. */
  @Patch(':id')
  @RequirePermission('sso:manage')
  async update(
    @Param('id', ParseProviderId) id: string,
    @Body() body: UpdateSsoProviderDto,
    @Meta() metadata: CommandMetadata,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WriteResponse> {
    const { organizationId } = await this.providers.document(id);
    const secret = body.clientSecret?.trim() ? this.secrets.seal(body.clientSecret.trim()) : null;
    const command = { type: 'UpdateSsoProvider' as const, data: { providerId: id, input: inputOf(body), clientSecretCiphertext: secret } };
    const result = await this.commands.execute(toOrganization(organizationId, command, metadata, { expectedRevision: parseIfMatch(ifMatch), requestBody: withoutSealedSecret(command) }));
    return { id, revision: result.version, position: result.position };
  }

  /** Deletes a provider and every identity linked through it. */
  @Delete(':id')
  @RequirePermission('sso:manage')
  @HttpCode(200)
  async remove(@Param('id', ParseProviderId) id: string, @Meta() metadata: CommandMetadata, @Headers('if-match') ifMatch?: string): Promise<WriteResponse> {
    const { organizationId } = await this.providers.document(id);
    const result = await this.commands.execute(toOrganization(organizationId, { type: 'RemoveSsoProvider', data: { providerId: id } }, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    return { id, revision: result.version, position: result.position };
  }
}

/** A sealed secret differs on every retry (a fresh IV): whether one was sent is what identifies the request. */
function withoutSealedSecret<C extends { data: { clientSecretCiphertext: string | null } }>(command: C) {
  return { ...command, data: { ...command.data, clientSecretCiphertext: command.data.clientSecretCiphertext !== null } };
}
