import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined, IsString, Matches, MaxLength } from 'class-validator';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { DomainError, domainOfEmail, type CommandMetadata, type ExistingOrganization } from '#domain';
import { escapeHtml, setupLink, type AppConfig, type Infrastructure } from '#runtime';
import type { OneTimeStore } from '#side-stores';
import { EmailReservations } from '../shared/email-reservations.js';
import { newId, sha256Hex } from '../shared/ids.js';
import { ProblemException } from '../shared/problem.js';
import { Meta } from '../shared/request-context.js';
import { APP_CONFIG, APP_LOGGER, INFRASTRUCTURE, ONE_TIME_STORE } from '../shared/tokens.js';
import { StreamCache } from '../shared/write/stream-cache.js';
import { domainClaimStream, organizationStream, toOrganization } from '../shared/write/stream-command.js';
import { InvitationEmail, PersonNamesDto } from '../members/member.dto.js';
import { SetupTokens } from '../members/setup-tokens.js';
import { SsoProviders } from '../sso/sso-providers.js';
import { Public } from './permissions.decorator.js';

/** How long the mailed link that proves an address works. */
const REGISTRATION_TTL_MS = 24 * 3_600_000;

export class RegisterDto extends PersonNamesDto {
  @InvitationEmail('ana@lakeshore.example')
  email!: string;
}

export class ConfirmRegistrationDto {
  @ApiProperty({ description: 'The token of the mailed link' })
  @IsDefined({ message: 'token is required' })
  @IsString({ message: 'token must be text' })
  @MaxLength(200)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'token is not a registration token' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  token!: string;
}

class RegistrationStarted {
  @ApiProperty() message!: string;
}

class RegistrationConfirmed {
  @ApiProperty({ enum: ['joined', 'requested'] }) status!: 'joined' | 'requested';
  @ApiProperty({ required: false, description: 'joined: the setup page, to choose a password' }) setupLink?: string;
  @ApiProperty({ required: false, description: 'requested: the request an admin decides' }) requestId?: string;
}

const ANSWER = 'If this address can join an organization here, a link to confirm it is on its way.';

interface Pending {
  organizationId: string;
  email: string;
  firstName: string;
  lastName: string;
}

/**
 * Self-registration (multi-tenant guide, Domain Auto-Join; issue 17): a person gives
 * their address at a verified domain and their names; a mailed link proves the address;
 * then they join at once (self-registration `domain`, membership `open`) and go to the
 * setup page, or their request waits for an admin. An address not yet proven never
 * enters the log (it is immutable): the pending registration lives in the one-time store
 * for a day and its mail is sent from here, not by the log's mail reactor. Every
 * address gets the same answer, so nobody learns who is registered where.
 */
@ApiTags('auth')
@Controller('auth/register')
export class RegistrationController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCache,
    private readonly emails: EmailReservations,
    private readonly tokens: SetupTokens,
    private readonly sso: SsoProviders,
    @Inject(ONE_TIME_STORE) private readonly oneTime: OneTimeStore,
    @Inject(INFRASTRUCTURE) private readonly infra: Infrastructure,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Starts a registration: when the address's domain is verified by an organization that
   * takes registrations, a link to confirm the address is mailed. The answer is the same
   * for every address; an organization that signs in through single sign-on answers 403
   * sso-required instead (as sign-in does), since its members register through it.
   */
  @Post()
  @Public()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: RegistrationStarted })
  async start(@Body() body: RegisterDto): Promise<RegistrationStarted> {
    const organization = await this.organizationFor(body.email);
    if (organization) {
      const required = await this.sso.requiredFor(organization.id);
      if (required)
        throw new ProblemException('sso-required', `This organization signs in through ${required.displayName}`, { providerId: required._id, loginPath: `/auth/sso/${required._id}/login` });
      const token = randomBytes(32).toString('base64url');
      const pending: Pending = { organizationId: organization.id, email: body.email, firstName: body.firstName, lastName: body.lastName };
      await this.oneTime.put('registration', sha256Hex(token), JSON.stringify(pending), REGISTRATION_TTL_MS);
      const link = `${this.config.publicUrl}/auth/register/confirm?token=${token}`;
      await this.infra.mailer
        .send({
          messageId: `<registration-${newId()}@organization-service>`,
          to: body.email,
          subject: `Confirm your address to join ${organization.name}`,
          text: [`Hello ${body.firstName},`, '', `To join ${organization.name}, confirm this is your address (the link works for 24 hours, once):`, link, '', 'If you did not ask for this, ignore this message.'].join('\n'),
          html: `<!doctype html><html><body style="font-family: sans-serif"><p>Hello ${escapeHtml(body.firstName)},</p><p>To join <strong>${escapeHtml(organization.name)}</strong>, confirm this is your address (the link works for 24 hours, once):</p><p><a href="${escapeHtml(link)}">Confirm my address</a></p></body></html>`,
          link,
        })
        .catch((error: unknown) => this.logger.error({ err: error }, 'the registration mail could not be sent; the person can ask again'));
    }
    return { message: ANSWER };
  }

  /**
   * Confirms the address with the mailed token (once): joins at once and answers the
   * setup link, or files a join request for an admin. The organization's rules are
   * decided now, on its current state.
   */
  @Post('confirm')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: RegistrationConfirmed })
  async confirm(@Body() body: ConfirmRegistrationDto, @Meta() metadata: CommandMetadata): Promise<RegistrationConfirmed> {
    const raw = await this.oneTime.take('registration', sha256Hex(body.token));
    if (!raw) throw new DomainError('setup-link-invalid', 'This link is invalid, has expired or was already used; register again');
    const pending = JSON.parse(raw) as Pending;
    const userId = newId();
    const requestId = newId();
    const setupToken = this.tokens.issue(metadata.now);
    // The person acts for themselves; they are not a member yet.
    const asPerson = { ...metadata, actor: { id: userId, kind: 'anonymous' as const, email: pending.email, roles: [] } };
    const command = { type: 'RegisterBySelf' as const, data: { requestId, userId, email: pending.email, firstName: pending.firstName, lastName: pending.lastName, setupToken, now: metadata.now } };
    const { state } = await this.streams.current(organizationStream(pending.organizationId));
    if (state.status !== 'existing') throw new DomainError('self-registration-closed', 'This organization does not take registrations any more');
    const joinsAtOnce = state.settings.selfRegistration === 'domain' && state.settings.membershipPolicy === 'open';
    const append = () => this.commands.execute(toOrganization(pending.organizationId, command, asPerson));
    const result = joinsAtOnce ? await this.emails.holding(pending.email, userId, pending.organizationId, metadata, append) : await append();
    if (result.appended.some((e) => e.type === 'UserInvited'))
      return { status: 'joined', setupLink: setupLink({ publicUrl: this.config.publicUrl, setupUrl: this.config.setupUrl }, this.infra.secretBox.open(setupToken.ciphertext)) };
    const organization = result.state as ExistingOrganization;
    const request = Object.values(organization.joinRequests).find((r) => r.status === 'pending' && r.email.toLowerCase() === pending.email.toLowerCase());
    return { status: 'requested', requestId: request?.id ?? requestId };
  }

  /** The organization whose verified domain the address is at, if any. */
  private async organizationFor(email: string): Promise<ExistingOrganization | null> {
    const domain = domainOfEmail(email);
    const claim = (await this.streams.current(domainClaimStream(domain))).state;
    if (claim.status !== 'claimed') return null;
    const { state } = await this.streams.current(organizationStream(claim.organizationId));
    if (state.status !== 'existing' || state.deletion || state.settings.selfRegistration === 'disabled') return null;
    return state;
  }
}
