import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { canonicalZoneField } from '../../shared/time-zones.js';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { decideOrganization, ORGANIZATION_RULES, SLUG_RULES, slugCandidates, type CommandMetadata, type OrganizationCommand, type SetupTokenRecord } from '#domain';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { InvitationEmail, PersonNamesDto } from '../../members/member.dto.js';
import { SetupTokens } from '../../members/setup-tokens.js';
import { EmailReservations } from '../../shared/email-reservations.js';
import { newId, uuidV5 } from '../../shared/ids.js';
import { Meta } from '../../shared/request-context.js';
import { SlugReservations } from '../../shared/slug-reservations.js';
import { toOrganization, type CommandResult } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';
import { ReadsFrom } from '../../shared/read-your-writes.js';
import { OrganizationProfileFields, profilePatchOf } from '../profile.dto.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The organization's first owner, named by the super admin who creates it. */
export class FirstOwnerDto extends PersonNamesDto {
  @InvitationEmail('owner@lakeshore.example')
  email!: string;
}

export class CreateOrganizationDto extends OrganizationProfileFields {
  @ApiProperty({ minLength: ORGANIZATION_RULES.createNameMin, maxLength: ORGANIZATION_RULES.createNameMax, example: 'Waadookodaading Ojibwe Language Institute' })
  @IsDefined({ message: 'name is required' })
  @IsString({ message: 'name must be a string' })
  @Transform(trim)
  name!: string;

  @ApiPropertyOptional({ type: 'string', maxLength: ORGANIZATION_RULES.descriptionMax, nullable: true })
  @IsOptional()
  @IsString({ message: 'description must be a string' })
  @MaxLength(10_000)
  description?: string | null;

  @ApiProperty({ example: 'America/Chicago', description: 'IANA time zone' })
  @IsDefined({ message: 'timeZone is required' })
  @IsString({ message: 'timeZone must be a string' })
  @MaxLength(64)
  // Links and aliases are stored as their canonical zone (issue 22): US/Central is America/Chicago.
  @Transform(canonicalZoneField)
  timeZone!: string;

  @ApiPropertyOptional({
    minLength: SLUG_RULES.min,
    maxLength: SLUG_RULES.max,
    pattern: SLUG_RULES.pattern.source,
    example: 'waadookodaading',
    description: 'Unique platform-wide. Without one, it is derived from the name (with -2, -3… when taken).',
  })
  @IsOptional()
  @IsString({ message: 'slug must be a string' })
  @MaxLength(200)
  slug?: string;

  @ApiPropertyOptional({ type: FirstOwnerDto, description: 'Invited as the first owner (owner and admin), with a setup email. Without one the organization starts with no member.' })
  @IsOptional()
  @IsObject({ message: 'owner must be an object' })
  @ValidateNested()
  @Type(() => FirstOwnerDto)
  owner?: FirstOwnerDto;
}

class CreateOrganizationResponse extends WriteResponse {
  @ApiProperty({ example: 'waadookodaading' })
  slug!: string;
  @ApiProperty({ type: 'string', nullable: true, description: "The first owner's user id, when one was named" })
  ownerId!: string | null;
}

/** Creating an organization: a process over up to three streams (its slug's, its owner's address's, then the organization's). */
export class CreateOrganization extends Command<CommandResult & { slug: string }> {
  constructor(
    readonly organizationId: string,
    readonly input: CreateOrganizationDto,
    readonly owner: { userId: string; setupToken: SetupTokenRecord } | null,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/**
 * The organization's rules are checked first, so an invalid request reserves nothing.
 * Then its slug is reserved (the one asked for, or the first free one from its name),
 * then the owner's address, then the organization is created with the owner's
 * invitation in one append; if a step fails, what was reserved is released.
 */
@CommandHandler(CreateOrganization)
export class CreatingOrganization implements ICommandHandler<CreateOrganization> {
  constructor(
    private readonly commands: CommandBus,
    private readonly slugs: SlugReservations,
    private readonly emails: EmailReservations,
  ) {}

  async execute({ organizationId: id, input, owner, metadata }: CreateOrganization) {
    const command = (slug: string): OrganizationCommand => ({
      type: 'CreateOrganization',
      data: {
        organizationId: id,
        name: input.name,
        description: input.description ?? null,
        timeZone: input.timeZone,
        profile: profilePatchOf(input),
        slug,
        ...(input.owner && owner ? { owner: { userId: owner.userId, email: input.owner.email, firstName: input.owner.firstName, lastName: input.owner.lastName, setupToken: owner.setupToken } } : {}),
        now: metadata.now,
      },
    });
    const candidates = input.slug !== undefined ? [input.slug.trim()] : slugCandidates(input.name, id);
    // Every rule but the slug's uniqueness, on an organization that does not exist yet.
    decideOrganization(command(candidates[0]), { status: 'absent' });
    const slug = input.slug !== undefined ? (await this.slugs.reserve(candidates[0], id, metadata), candidates[0]) : await this.slugs.reserveFirstFree(candidates, id, metadata);
    try {
      // `now`, the slug a retry may find and a fresh setup token differ on a retry; the request is the same.
      const create = () => this.commands.execute(toOrganization(id, command(slug), metadata, { requestBody: { ...input } }));
      const result = owner && input.owner ? await this.emails.holding(input.owner.email, owner.userId, id, metadata, create) : await create();
      return { ...result, slug };
    } catch (error) {
      await this.slugs.releaseQuietly(slug, id, metadata);
      throw error;
    }
  }
}

@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations')
export class CreateOrganizationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly tokens: SetupTokens,
  ) {}

  /**
   * Creates an organization (super admins). It starts with 0 classes, and with no member
   * unless `owner` names its first owner, who is invited with a setup email. The creator
   * does not become a member.
   */
  @Post()
  @RequirePermission('organization:create')
  @HttpCode(201)
  @ApiCreatedResponse({ type: CreateOrganizationResponse })
  async create(@Body() body: CreateOrganizationDto, @Meta() metadata: CommandMetadata): Promise<CreateOrganizationResponse> {
    // With an Idempotency-Key the ids are derived from it, so a retry targets the same streams.
    const id = metadata.idempotencyKey ? uuidV5(`organization:${metadata.actor.id}:${metadata.idempotencyKey}`) : newId();
    const owner = body.owner ? { userId: metadata.idempotencyKey ? uuidV5(`owner:${id}`) : newId(), setupToken: this.tokens.issue(metadata.now) } : null;
    const result = await this.commands.execute(new CreateOrganization(id, body, owner, metadata));
    return { id, revision: result.version, position: result.position, slug: result.slug, ownerId: owner?.userId ?? null };
  }
}
