import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  FEATURES,
  MEMBERSHIP_POLICIES,
  SELF_REGISTRATION,
  SETTINGS_RULES,
  VISIBILITIES,
  ValidationFailed,
  checkTemplate,
  FieldErrors,
  settingsWarnings,
  type CommandMetadata,
  type InvitationTemplate,
} from '#domain';
import { getOrganization, getOrganizationSettings, type OrganizationSettingsView, type ReadStore } from '#read-models';
import { setupLink, setupMessage, type AppConfig } from '#runtime';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { parseIfMatch } from '../../shared/etag.js';
import { organizationNotFound } from '../../shared/problem.js';
import { ConsistentQueryDto, ReadsFrom } from '../../shared/read-your-writes.js';
import { Meta } from '../../shared/request-context.js';
import { APP_CONFIG, READ_STORE } from '../../shared/tokens.js';
import { sentFields } from '../../shared/validation.js';
import { toOrganization } from '../../shared/write/stream-command.js';
import { WriteResponse } from '../../shared/write-response.js';
import { sanitizeCustomCss } from './custom-css.js';

const featureFlags = () => Object.fromEntries(FEATURES.map((f) => [f, { type: 'boolean' as const }]));

/** The invitation email an organization sends instead of the service's. */
export class InvitationTemplateDto {
  @ApiProperty({ maxLength: SETTINGS_RULES.templateSubjectMax, example: 'Welcome to {{organizationName}}' })
  subject!: string;
  @ApiProperty({ maxLength: SETTINGS_RULES.templateBodyMax, example: 'Hello {{firstName}},\n\nYour account is ready: {{setupLink}}', description: 'Must contain {{setupLink}}; {{firstName}} and {{organizationName}} may be used' })
  body!: string;
}

class BrandingPatch {
  @ApiPropertyOptional({ type: 'string', nullable: true, example: '#1a73e8', description: 'Hex; a warning says when white text on it is below 4.5:1 contrast' })
  primaryColor?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, example: '#fbbc04' })
  accentColor?: string | null;
  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: SETTINGS_RULES.customCssMax, description: 'Only when a super admin allows it. Parsed: no @import, no url() to another origin, no expression()' })
  customCss?: string | null;
  @ApiPropertyOptional({ type: InvitationTemplateDto, nullable: true })
  invitationTemplate?: InvitationTemplateDto | null;
}

class PoliciesPatch {
  @ApiPropertyOptional({ minimum: 12, maximum: SETTINGS_RULES.passwordMinLengthMax, description: "At or above the platform's minimum; enforced at setup" })
  passwordMinLength?: number;
  @ApiPropertyOptional({
    type: 'object',
    description: 'Days each kind of record is kept, enforced daily by the retention job (null: for good)',
    properties: { accessRecordsDays: { type: 'integer', nullable: true }, deactivatedMembersDays: { type: 'integer', nullable: true }, learningRecordsDays: { type: 'integer', nullable: true } },
  })
  retention?: { accessRecordsDays?: number | null; deactivatedMembersDays?: number | null; learningRecordsDays?: number | null };
  @ApiPropertyOptional({ type: 'object', properties: { membersSeeOtherMembers: { type: 'boolean' } } })
  privacy?: { membersSeeOtherMembers?: boolean };
}

/**
 * A merge patch of the settings: absent fields stay, groups are patched field by field.
 * Here only the top level's shape is checked; every value is the domain's to check
 * (`libs/domain/src/organizations/changing-settings.ts`), each error named by its path.
 */
export class SettingsPatchDto {
  @ApiPropertyOptional({ enum: VISIBILITIES, description: 'public: listed in the directory; hidden: reachable by its slug only; private: neither' })
  @IsOptional()
  @IsIn(VISIBILITIES as unknown as string[], { message: `visibility must be one of ${VISIBILITIES.join(', ')}` })
  visibility?: string;

  @ApiPropertyOptional({ enum: MEMBERSHIP_POLICIES })
  @IsOptional()
  @IsIn(MEMBERSHIP_POLICIES as unknown as string[], { message: `membershipPolicy must be one of ${MEMBERSHIP_POLICIES.join(', ')}` })
  membershipPolicy?: string;

  @ApiPropertyOptional({ enum: SELF_REGISTRATION })
  @IsOptional()
  @IsIn(SELF_REGISTRATION as unknown as string[], { message: `selfRegistration must be one of ${SELF_REGISTRATION.join(', ')}` })
  selfRegistration?: string;

  @ApiPropertyOptional({ type: BrandingPatch })
  @IsOptional()
  @IsObject({ message: 'branding must be an object' })
  branding?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', properties: featureFlags(), description: 'Within what a super admin allows (allowances)' })
  @IsOptional()
  @IsObject({ message: 'features must be an object' })
  features?: Record<string, unknown>;

  @ApiPropertyOptional({ type: PoliciesPatch })
  @IsOptional()
  @IsObject({ message: 'policies must be an object' })
  policies?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', properties: { features: { type: 'object', properties: featureFlags() }, customCss: { type: 'boolean' } }, description: 'Super admins only' })
  @IsOptional()
  @IsObject({ message: 'allowances must be an object' })
  allowances?: Record<string, unknown>;
}

export class TemplatePreviewDto {
  @ApiPropertyOptional({ maxLength: SETTINGS_RULES.templateSubjectMax, description: 'Without subject and body, the saved template (or the service’s own words) is previewed' })
  @IsOptional()
  @IsString({ message: 'subject must be text' })
  @MaxLength(10_000)
  subject?: string;

  @ApiPropertyOptional({ maxLength: SETTINGS_RULES.templateBodyMax })
  @IsOptional()
  @IsString({ message: 'body must be text' })
  @MaxLength(100_000)
  body?: string;
}

class SettingsWriteResponse extends WriteResponse {
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } })
  warnings!: { field: string; message: string }[];
}

class TemplatePreview {
  @ApiProperty() subject!: string;
  @ApiProperty() text!: string;
  @ApiProperty() html!: string;
}

/** A sample person and link for previews: nothing real is sent or sealed. */
const SAMPLE = { firstName: 'Alex', token: 'preview-token' };

@ApiTags('organizations')
@ApiBearerAuth()
@ReadsFrom()
@Controller('organizations/:orgId/settings')
export class SettingsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Visibility, membership policy, self-registration, branding, features (on, allowed,
   * effective), policies and the session policy; warnings about brand colours. The ETag
   * is the settings' own version.
   */
  @Get()
  @RequirePermission('organization:view')
  async view(@Param('orgId') orgId: string, @Query() _query: ConsistentQueryDto): Promise<OrganizationSettingsView> {
    const settings = await getOrganizationSettings(this.readStore, orgId);
    if (!settings) throw organizationNotFound();
    return settings;
  }

  /**
   * Changes settings as a merge patch (admins; `allowances` super admins only). Custom
   * CSS is parsed and stored as the parser writes it back. Send the ETag you read as
   * If-Match to refuse a stale change (412).
   */
  @Patch()
  @RequirePermission('organization:edit')
  @ApiOkResponse({ type: SettingsWriteResponse })
  async change(@Param('orgId') orgId: string, @Body() body: SettingsPatchDto, @Meta() metadata: CommandMetadata, @Headers('if-match') ifMatch?: string): Promise<SettingsWriteResponse> {
    const patch = withSanitizedCss(body);
    const command = { type: 'ChangeOrganizationSettings' as const, data: { actorId: metadata.actor.id, patch } };
    const result = await this.commands.execute(toOrganization(orgId, command, metadata, { expectedRevision: parseIfMatch(ifMatch) }));
    const state = result.state;
    const settings = state.status === 'existing' ? state.settings : null;
    return { id: orgId, revision: result.version, position: result.position, warnings: settings ? settingsWarnings(settings) : [] };
  }

  /**
   * Renders the invitation email for a sample person: the template sent here, else the
   * saved one, else the service's own words. Nothing is sent.
   */
  @Post('invitation-template/preview')
  @RequirePermission('organization:edit')
  @HttpCode(200)
  @ApiOkResponse({ type: TemplatePreview })
  async preview(@Param('orgId') orgId: string, @Body() body: TemplatePreviewDto): Promise<TemplatePreview> {
    const [settings, organization] = await Promise.all([getOrganizationSettings(this.readStore, orgId), getOrganization(this.readStore, orgId)]);
    if (!settings || !organization) throw organizationNotFound();
    let template: InvitationTemplate | null = settings.branding.invitationTemplate;
    if (body.subject !== undefined || body.body !== undefined) template = checkedTemplate(body);
    const message = setupMessage({
      eventId: 'preview',
      to: 'preview@example.invalid',
      firstName: SAMPLE.firstName,
      organizationName: organization.name,
      link: setupLink(this.config, SAMPLE.token),
      expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      passwordMinLength: settings.policies.passwordMinLength,
      template,
    });
    return { subject: message.subject, text: message.text, html: message.html };
  }
}

/** A template sent for a preview, checked as a saved one would be. */
function checkedTemplate(body: TemplatePreviewDto): InvitationTemplate {
  const errors = new FieldErrors();
  const template = checkTemplate({ subject: body.subject, body: body.body }, errors);
  if (!template) throw new ValidationFailed('invalid-settings', errors.errors);
  return template;
}

/** The patch with its custom CSS as the parser wrote it back; a CSS the parser refuses is a 400 naming each problem's line. */
function withSanitizedCss(body: SettingsPatchDto): Record<string, unknown> {
  const patch: Record<string, unknown> = sentFields(body);
  const branding = patch.branding as Record<string, unknown> | undefined;
  if (!branding || typeof branding.customCss !== 'string' || branding.customCss.trim() === '') return patch;
  const checked = sanitizeCustomCss(branding.customCss);
  if ('problems' in checked)
    throw new ValidationFailed('invalid-settings', checked.problems.map((p) => ({ field: 'branding.customCss', message: `line ${p.line}: ${p.message}` })));
  return { ...patch, branding: { ...branding, customCss: checked.css } };
}
