import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDefined, IsString, MaxLength } from 'class-validator';
import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { DomainError, domainRecordName, domainRecordValue, validDomain, type CommandMetadata, type EmailDomain, type ExistingOrganization } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { NoBody } from '../../shared/validation.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { toDomainClaim, toOrganization } from '../../shared/write/stream-command.js';
import { TxtRecords } from './txt-records.js';

export class AddDomainDto {
  @ApiProperty({ example: 'lakeshore.example', description: 'An international name is stored in its ASCII (punycode) form' })
  @IsDefined({ message: 'domain is required' })
  @IsString({ message: 'domain must be text' })
  @MaxLength(300)
  domain!: string;
}

class DnsRecord {
  @ApiProperty({ enum: ['TXT'] }) type!: 'TXT';
  @ApiProperty({ example: '_organization-service.lakeshore.example' }) name!: string;
  @ApiProperty({ example: 'organization-service-verification=…' }) value!: string;
}

class EmailDomainView {
  @ApiProperty() domain!: string;
  @ApiProperty({ enum: ['pending', 'verified'] }) status!: 'pending' | 'verified';
  @ApiProperty({ type: DnsRecord, description: 'The record to publish; verification looks for it' }) record!: DnsRecord;
  @ApiProperty() addedAt!: string;
  @ApiProperty({ type: 'string', nullable: true }) verifiedAt!: string | null;
}

const view = (d: EmailDomain): EmailDomainView => ({
  domain: d.domain,
  status: d.status,
  record: { type: 'TXT', name: domainRecordName(d.domain), value: domainRecordValue(d.token) },
  addedAt: d.addedAt,
  verifiedAt: d.verifiedAt,
});

/** International names (bücher.example) become their ASCII form before the domain's rules. */
const ascii = (raw: string) => domainToASCII(raw.trim().toLowerCase().replace(/\.$/, '')) || raw;

/**
 * An organization's email domains (multi-tenant guide, Domain Auto-Join; issue 17): an
 * admin adds one, publishes the TXT record it answers, and asks for verification; the
 * service looks the record up in DNS. A domain is verified by one organization at a time.
 */
@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/domains')
export class EmailDomainsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly dns: TxtRecords,
  ) {}

  @Get()
  @RequirePermission('organization:edit')
  @ApiOkResponse({ type: [EmailDomainView] })
  async list(@Param('orgId') orgId: string): Promise<{ items: EmailDomainView[] }> {
    const organization = await currentOrganization(this.streams, orgId);
    return { items: Object.values(organization.emailDomains).sort((a, b) => a.domain.localeCompare(b.domain)).map(view) };
  }

  /** Adds a domain, pending; answers the TXT record to publish. Public email providers are refused. */
  @Post()
  @RequirePermission('organization:edit')
  @HttpCode(201)
  @ApiCreatedResponse({ type: EmailDomainView })
  async add(@Param('orgId') orgId: string, @Body() body: AddDomainDto, @Meta() metadata: CommandMetadata): Promise<EmailDomainView> {
    const domain = validDomain(ascii(body.domain));
    const token = randomBytes(18).toString('base64url');
    const result = await this.commands.execute(toOrganization(orgId, { type: 'AddEmailDomain', data: { domain, token, now: metadata.now } }, metadata));
    const state = result.state as ExistingOrganization;
    return view(state.emailDomains[domain]);
  }

  /**
   * Looks the TXT record up in DNS; when it says the token, claims the domain for the
   * organization (409 domain-taken when another has verified it) and marks it verified.
   * 409 domain-verification-failed says what was expected and what DNS answered.
   */
  @Post(':domain/verify')
  @RequirePermission('organization:edit')
  @HttpCode(200)
  @ApiOkResponse({ type: EmailDomainView })
  async verify(@Param('orgId') orgId: string, @Param('domain') raw: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<EmailDomainView> {
    const organization = await currentOrganization(this.streams, orgId);
    const domain = organization.emailDomains[ascii(raw)];
    if (!domain) throw new DomainError('domain-not-found', 'No such domain in this organization');
    if (domain.status === 'verified') return view(domain);
    const name = domainRecordName(domain.domain);
    const expected = domainRecordValue(domain.token);
    const found = await this.dns.lookup(name);
    if (!found.includes(expected))
      throw new DomainError('domain-verification-failed', `No TXT record at ${name} says ${expected} yet; DNS changes can take a while to appear`, {
        expected: { type: 'TXT', name, value: expected },
        found,
      });
    await this.commands.execute(toDomainClaim(domain.domain, orgId, { type: 'ClaimDomain', data: { domain: domain.domain, organizationId: orgId, now: metadata.now } }, metadata));
    try {
      const result = await this.commands.execute(toOrganization(orgId, { type: 'VerifyEmailDomain', data: { domain: domain.domain, now: metadata.now } }, metadata));
      return view((result.state as ExistingOrganization).emailDomains[domain.domain]);
    } catch (error) {
      await this.commands.execute(toDomainClaim(domain.domain, orgId, { type: 'ReleaseDomain', data: { organizationId: orgId } }, metadata)).catch(() => undefined);
      throw error;
    }
  }

  /** Removes a domain; a verified one is free for another organization at once. */
  @Delete(':domain')
  @RequirePermission('organization:edit')
  @HttpCode(204)
  async remove(@Param('orgId') orgId: string, @Param('domain') raw: string, @Body(NoBody) _body: undefined, @Meta() metadata: CommandMetadata): Promise<void> {
    const domain = ascii(raw);
    const result = await this.commands.execute(toOrganization(orgId, { type: 'RemoveEmailDomain', data: { domain } }, metadata));
    if (result.appended.some((e) => e.type === 'EmailDomainRemoved' && (e.data as { wasVerified: boolean }).wasVerified))
      await this.commands.execute(toDomainClaim(domain, orgId, { type: 'ReleaseDomain', data: { organizationId: orgId } }, metadata));
  }
}
