import { Body, Controller, Get, Headers, Inject, Param, Put, Req, Res } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiPermanentRedirectResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsString, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { decideOrganization, redirectUntil, SLUG_RULES, type CommandMetadata } from '#domain';
import { findBySlug, getOrganization, type OrganizationDetail, type ReadStore } from '#read-models';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { organizationNotFound } from '../../shared/problem.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta, type AuthenticatedRequest } from '../../shared/request-context.js';
import { SlugReservations } from '../../shared/slug-reservations.js';
import { READ_STORE } from '../../shared/tokens.js';
import { StreamCache } from '../../shared/write/stream-cache.js';
import { currentOrganization } from '../../shared/write/current-organization.js';
import { toOrganization, type CommandResult } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';

export class ChangeSlugDto {
  @ApiProperty({ minLength: SLUG_RULES.min, maxLength: SLUG_RULES.max, pattern: SLUG_RULES.pattern.source, example: 'lakeshore-district' })
  @IsDefined({ message: 'slug is required' })
  @IsString({ message: 'slug must be a string' })
  @MaxLength(200)
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  slug!: string;
}

class SlugResponse extends WriteResponse {
  @ApiProperty({ example: 'lakeshore-district' })
  slug!: string;
}

/** Changing the slug: a process over the new slug's reservation, the organization, then the old slug's. */
export class ChangeSlug extends Command<CommandResult> {
  constructor(
    readonly organizationId: string,
    readonly slug: string,
    readonly expectedRevision: number | undefined,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/**
 * The organization's rules first (it exists, is not being deleted, the slug is well
 * formed), so a refused change reserves nothing. Then the new slug is reserved, the
 * change appended, and the old slug turned into a 90-day redirect. A crash before the
 * last step leaves the old slug held by the organization for longer than needed, never
 * given away early; the purge frees it in the end.
 */
@CommandHandler(ChangeSlug)
export class ChangingSlug implements ICommandHandler<ChangeSlug> {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly slugs: SlugReservations,
  ) {}

  async execute({ organizationId, slug, expectedRevision, metadata }: ChangeSlug) {
    const change = { type: 'ChangeOrganizationSlug' as const, data: { slug, now: metadata.now } };
    const state = await currentOrganization(this.streams, organizationId);
    const before = state.slug;
    const takenBack = state.previousSlugs.some((p) => p.slug === slug);
    if (decideOrganization(change, state).length > 0) await this.slugs.reserve(slug, organizationId, metadata);
    let result: CommandResult;
    try {
      result = await this.commands.execute(toOrganization(organizationId, change, metadata, { expectedRevision, requestBody: { slug } }));
    } catch (error) {
      // A slug of its own it took back stays its redirect; a new one goes back to the pool.
      if (!takenBack && slug !== before) await this.slugs.releaseQuietly(slug, organizationId, metadata);
      throw error;
    }
    if (before && before !== slug && result.appended.length > 0) await this.slugs.redirect(before, organizationId, redirectUntil(metadata.now), metadata);
    return result;
  }
}

@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations')
export class SlugController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  /**
   * Changes the organization's slug (admins). The slug is unique platform-wide (409
   * slug-taken); the old one keeps leading here for 90 days, and only then can another
   * organization take it. Send the organization's ETag as If-Match to refuse a stale change.
   */
  @Put(':orgId/slug')
  @RequirePermission('organization:edit')
  @ApiOkResponse({ type: SlugResponse })
  async change(@Param('orgId') orgId: string, @Body() body: ChangeSlugDto, @Meta() metadata: CommandMetadata, @Headers('if-match') ifMatch?: string): Promise<SlugResponse> {
    const result = await this.commands.execute(new ChangeSlug(orgId, body.slug, parseIfMatch(ifMatch), metadata));
    return { id: orgId, revision: result.version, position: result.position, slug: body.slug };
  }

  /**
   * The organization a slug leads to. An old slug (changed less than 90 days ago) answers
   * 308 with the current slug's address in Location. Members find their own organization
   * only; any other slug is 404, as if it did not exist.
   */
  @Get('by-slug/:slug')
  @RequirePermission('organization:lookup')
  @ApiOkResponse({ description: 'The organization, as GET /organizations/{orgId} answers it' })
  @ApiPermanentRedirectResponse({ description: 'An old slug: Location names the current one' })
  async lookUp(@Param('slug') slug: string, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<OrganizationDetail | undefined> {
    const found = await findBySlug(this.readStore, slug.toLowerCase(), Date.now());
    const principal = request.principal!;
    if (!found || (principal.kind === 'member' && principal.organizationId !== found.organizationId)) throw organizationNotFound();
    const organization = await getOrganization(this.readStore, found.organizationId);
    if (!organization) throw organizationNotFound();
    if (!found.current && organization.slug) {
      void reply.status(308).header('location', `/organizations/by-slug/${organization.slug}`);
      return undefined;
    }
    return organization;
  }
}
