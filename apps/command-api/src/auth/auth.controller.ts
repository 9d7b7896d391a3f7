import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DomainError, normalizeEmail } from '#domain';
import { getMember, settingsView } from '#read-models';
import { ORGANIZATIONS, type OrganizationDocument } from '#read-models';
import type { AppConfig } from '#runtime';
import { beingDeleted, deactivated, suspended } from './auth.guard.js';
import type { LoginThrottle } from '#side-stores';
import { findAccountByEmail } from '#read-models';
import type { ReadStore } from '#read-models';
import { ProblemException } from '../shared/problem.js';
import { commandMetadataFrom, type AuthenticatedRequest } from '../shared/request-context.js';
import { APP_CONFIG, LOGIN_THROTTLE, READ_STORE } from '../shared/tokens.js';
import { LoginDto, LoginResponse, SetupDto } from './auth.dto.js';
import { tooManyAttempts, verifyPassword } from './passwords.js';
import { renderLinkProblem, renderSetupDone, renderSetupForm, SETUP_PAGE_HEADERS } from './setup-page.js';
import { SetupService } from './setup.service.js';
import { Public, RequirePermission } from './permissions.decorator.js';
import { SessionsService } from './sessions.service.js';
import { IpRanges } from './ip-ranges.js';
import { SsoProviders } from '../sso/sso-providers.js';
import { ReadsFrom } from '../shared/read-your-writes.js';
import { membersProjection } from '#read-models';

const invalidCredentials = () => new ProblemException('invalid-credentials', 'Email or password is incorrect');

@ApiTags('auth')
@ReadsFrom(membersProjection)
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGIN_THROTTLE) private readonly throttle: LoginThrottle,
    private readonly sessions: SessionsService,
    private readonly setupService: SetupService,
    private readonly ssoProviders: SsoProviders,
    private readonly ipRanges: IpRanges,
  ) {}

  /**
   * Signs in with email and password. An unknown email and a wrong password answer
   * alike (401 invalid-credentials, in about the same time); past the limit of attempts
   * for an account or from an IP the answer is 429 with Retry-After, before any password
   * is checked. After a correct password, a deactivated user is told so (401
   * account-deactivated) and a member of an organization in arrears that it is suspended.
   */
  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponse })
  async login(@Body() body: LoginDto, @Req() request: AuthenticatedRequest): Promise<LoginResponse> {
    const accountKey = `account:${normalizeEmail(body.email)}`;
    const ipKey = `ip:${request.ip ?? 'unknown'}`;
    // The attempt is counted before the password is checked (see LoginThrottle).
    const reservation = await this.throttle.reserve(
      [
        { key: accountKey, limit: this.config.loginMaxFailuresPerAccount },
        { key: ipKey, limit: this.config.loginMaxFailuresPerIp },
      ],
      Date.now(),
    );
    if (!reservation.granted) throw tooManyAttempts('Too many failed sign-in attempts; try again later', reservation.retryAfterSeconds);

    const account = await findAccountByEmail(this.readStore, body.email);
    const ok = await verifyPassword(account?.passwordHash ?? null, body.password);
    // A wrong password, an unknown email and a pending account keep the attempt counted.
    if (!account || !ok || account.status === 'setupPending') throw invalidCredentials();
    // From here the password was right: the attempt is not a failure, whatever follows.
    await this.throttle.release(reservation.keys);
    // Only the account's owner gets past a correct password, so they may learn the truth.
    if (account.status !== 'active') throw deactivated();
    let policy = this.sessions.superAdminPolicy;
    if (account.kind === 'member') {
      const organization = await this.readStore.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: account.organizationId! });
      if (!organization) throw invalidCredentials();
      if (organization.inArrearsAt) throw suspended();
      if (organization.deletionRequestedAt) throw beingDeleted();
      // The organization's IP restrictions (issue 20): the person is who they said, so they may learn why.
      if (organization.ipRanges?.length && !this.ipRanges.allows(organization.ipRanges, request.ip)) {
        const metadata = commandMetadataFrom(request);
        await this.ipRanges.refuse(organization._id, { ...metadata, actor: { id: account._id, kind: 'member', email: account.email, roles: [...account.roles] } }, request);
      }
      // Require SSO applies to the organization's members only; super admins always keep their password.
      const required = await this.ssoProviders.requiredFor(organization._id);
      if (required)
        throw new ProblemException('sso-required', `This organization signs in through ${required.displayName}`, {
          providerId: required._id,
          loginPath: `/auth/sso/${required._id}/login`,
        });
      policy = organization.sessionPolicy;
    }
    await this.throttle.reset(accountKey);
    return this.sessions.start({ principalId: account._id, principalKind: account.kind, organizationId: account.organizationId }, policy);
  }

  @Post('logout')
  @RequirePermission('account:self')
  @ApiBearerAuth()
  @HttpCode(204)
  async logout(@Req() request: AuthenticatedRequest): Promise<void> {
    await this.sessions.end(request.sessionTokenHash!);
  }

  @Get('me')
  @RequirePermission('account:self')
  @ApiBearerAuth()
  async me(@Req() request: AuthenticatedRequest) {
    const principal = request.principal!;
    if (principal.kind !== 'member')
      return {
        user: { id: principal.id, email: principal.email },
        id: principal.id,
        email: principal.email,
        isSuperAdmin: principal.kind === 'superAdmin',
        isPlatformAuditor: principal.kind === 'platformAuditor',
        isPlatformAnalyst: principal.kind === 'platformAnalyst',
        organizationId: null,
        organization: null,
        roles: [],
      };
    const member = await getMember(this.readStore, principal.organizationId, principal.id);
    const organization = await this.readStore.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: principal.organizationId });
    return {
      user: member ? { id: member.id, email: member.email, firstName: member.firstName, lastName: member.lastName, status: member.status } : { id: principal.id, email: principal.email },
      id: principal.id,
      email: principal.email,
      isSuperAdmin: false,
      organizationId: principal.organizationId,
      // The organization's effective features (on and allowed), so an admin UI can hide what is off (issue 17).
      organization: organization ? { id: organization._id, name: organization.name, timeZone: organization.timeZone, features: settingsView(organization).effectiveFeatures } : null,
      roles: principal.roles,
    };
  }

  /**
   * Completes a setup link: an invited member's, or the first super admin's bootstrap
   * link (which also needs `email`). Used, expired and replaced links get one answer,
   * 409 setup-link-invalid. The setup page posts here as a plain HTML form; such a post
   * is answered with a page rather than JSON.
   */
  @Post('setup')
  @Public()
  @HttpCode(201)
  async setup(@Body() body: SetupDto, @Req() request: AuthenticatedRequest, @Res({ passthrough: true }) response: FastifyReply) {
    const fromForm = /^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '');
    try {
      if (body.passwordConfirmation !== undefined && body.passwordConfirmation !== body.password)
        throw new ProblemException('password-mismatch', 'The two passwords are not the same', { errors: [{ field: 'passwordConfirmation', message: 'must equal password' }] });
      const result = await this.setupService.complete(body, commandMetadataFrom(request));
      if (!fromForm) return { id: result.id, revision: result.revision, position: result.position };
      void response.code(200).headers(SETUP_PAGE_HEADERS).type('text/html; charset=utf-8');
      return renderSetupDone(result.kind);
    } catch (error) {
      if (!fromForm) throw error;
      const info = await this.setupService.describe(body.token);
      void response.headers(SETUP_PAGE_HEADERS).type('text/html; charset=utf-8');
      if (info.kind === 'expired' || info.kind === 'invalid') {
        void response.code(409);
        return renderLinkProblem(info.kind);
      }
      const status = error instanceof ProblemException ? error.getStatus() : error instanceof DomainError ? error.status : 500;
      if (status >= 500) throw error;
      void response.code(status);
      return renderSetupForm(info, body.token, (error as Error).message, body.email);
    }
  }
}
