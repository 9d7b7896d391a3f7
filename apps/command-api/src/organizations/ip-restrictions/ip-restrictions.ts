import { Body, Controller, Get, Headers, Param, Put, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsDefined, IsOptional } from 'class-validator';
import { type CommandMetadata } from '#domain';
import { IpRanges, readRanges } from '../../auth/ip-ranges.js';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { ProblemException } from '../../shared/problem.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta, type AuthenticatedRequest } from '../../shared/request-context.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';

export class IpRestrictionsDto {
  @ApiProperty({ type: [String], example: ['203.0.113.0/24', '2001:db8::/32'], description: 'At most 100 IPv4 or IPv6 CIDR ranges (an address alone is its own range); empty: members may come from anywhere' })
  @IsDefined({ message: 'ranges is required' })
  @IsArray({ message: 'ranges must be an array of CIDR ranges' })
  ranges!: unknown[];

  @ApiPropertyOptional({ description: 'Save even though your own address is outside the ranges (you would be shut out)' })
  @IsOptional()
  @IsBoolean({ message: 'confirmExcludingMyAddress must be true or false' })
  confirmExcludingMyAddress?: boolean;
}

/**
 * IP restrictions (multi-tenant guide, Access Control; issue 20): the CIDR ranges an
 * organization's members may sign in and call the API from. Super admins and platform
 * accounts are exempt. The client address is the connection's, or the proxy's
 * `X-Forwarded-For` only when `TRUST_PROXY=true`.
 */
@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/ip-restrictions')
export class IpRestrictionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly ipRanges: IpRanges,
  ) {}

  /** The ranges, and the caller's address as the service sees it, with whether it is inside them. */
  @Get()
  @RequirePermission('organization:view')
  async get(@Param('orgId') orgId: string, @Req() request: AuthenticatedRequest) {
    const organization = await currentOrganization(this.streams, orgId);
    return { ranges: organization.ipRanges, yourAddress: request.ip ?? null, yourAddressAllowed: this.ipRanges.allows(organization.ipRanges, request.ip), revision: organization.version };
  }

  /** Replaces the ranges (an empty list lifts the restriction). A list that shuts out the caller's own address needs `confirmExcludingMyAddress`. */
  @Put()
  @RequirePermission('organization:edit')
  @ApiOkResponse({ type: WriteResponse })
  async set(@Param('orgId') orgId: string, @Body() body: IpRestrictionsDto, @Req() request: AuthenticatedRequest, @Meta() metadata: CommandMetadata, @Headers('if-match') ifMatch?: string): Promise<WriteResponse> {
    const { ranges, errors } = readRanges(body.ranges);
    if (errors.length > 0) throw new ProblemException('validation-failed', errors.map((e) => e.message).join('; '), { errors });
    // Only members are bound by the ranges: a super admin saving them shuts nobody out.
    const excludesActor = request.principal?.kind === 'member' && !this.ipRanges.allows(ranges, request.ip);
    const command = { type: 'SetIpRestrictions' as const, data: { ranges, excludesActor, confirmed: body.confirmExcludingMyAddress === true } };
    const result = await this.commands.execute(toOrganization(orgId, command, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    return { id: orgId, revision: result.version, position: result.position };
  }
}
