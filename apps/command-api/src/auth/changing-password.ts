import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { DomainError, normalizeEmail } from '#domain';
import type { ProjectionProgress } from '#event-store';
import { accountsProjection, findAccountById, ORGANIZATIONS, type OrganizationDocument, type ReadStore } from '#read-models';
import type { AppConfig } from '#runtime';
import type { LoginThrottle } from '#side-stores';
import { ReadsFrom } from '../shared/read-your-writes.js';
import { commandMetadataFrom, type AuthenticatedRequest } from '../shared/request-context.js';
import { APP_CONFIG, LOGIN_THROTTLE, PROJECTION_PROGRESS, READ_STORE } from '../shared/tokens.js';
import { CommandBus } from '@nestjs/cqrs';
import { toOrganization, toPlatform } from '../shared/write/stream-command.js';
import { LoginResponse } from './auth.dto.js';
import { checkPasswordPolicy, hashPassword, tooManyAttempts, verifyPassword } from './passwords.js';
import { RequirePermission } from './permissions.decorator.js';
import { SessionsService } from './sessions.service.js';

export class ChangePasswordDto {
  @ApiProperty({ description: 'The password the account signs in with now' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({ description: "The new password: the password policy, with the organization's minimum length (see the README)" })
  @IsString()
  @MaxLength(1024)
  newPassword!: string;
}

/**
 * Changing one's own password (issue 17: the organization's minimum length holds here as
 * at setup). The current password is checked under the sign-in throttle, counted
 * against the account before it is checked, so this route cannot be used to guess it.
 * On success every session of the account ends, this one included, and the answer is a
 * new session: whoever held a session on a device the person has lost holds nothing.
 */
@ApiTags('auth')
@ReadsFrom(accountsProjection)
@Controller('auth')
export class ChangingPasswordController {
  constructor(
    private readonly commands: CommandBus,
    private readonly sessions: SessionsService,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(LOGIN_THROTTLE) private readonly throttle: LoginThrottle,
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('password')
  @RequirePermission('account:self')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponse, description: 'A new session; every earlier session of the account has ended' })
  async change(@Body() body: ChangePasswordDto, @Req() request: AuthenticatedRequest): Promise<LoginResponse> {
    const principal = request.principal!;
    const accountKey = `account:${normalizeEmail(principal.email)}`;
    const reservation = await this.throttle.reserve([{ key: accountKey, limit: this.config.loginMaxFailuresPerAccount }], Date.now());
    if (!reservation.granted) throw tooManyAttempts('Too many failed attempts at the current password; try again later', reservation.retryAfterSeconds);
    const account = await findAccountById(this.readStore, principal.id);
    if (!(await verifyPassword(account?.passwordHash ?? null, body.currentPassword)))
      throw new DomainError('current-password-incorrect', 'The current password is not right');
    await this.throttle.release(reservation.keys);

    // The answer is not replayed for an Idempotency-Key: it is a new session each time.
    const metadata = { ...commandMetadataFrom(request), idempotencyKey: undefined };
    let policy = this.sessions.superAdminPolicy;
    let position: number;
    if (principal.kind === 'member') {
      const organization = await this.readStore.collection<OrganizationDocument>(ORGANIZATIONS).findOne({ _id: principal.organizationId });
      checkPasswordPolicy(body.newPassword, { field: 'newPassword', email: principal.email, minLength: organization?.settings?.policies.passwordMinLength });
      if (organization) policy = organization.sessionPolicy;
      const command = { type: 'ChangePassword' as const, data: { userId: principal.id, actorId: principal.id, passwordHash: await hashPassword(body.newPassword) } };
      position = (await this.commands.execute(toOrganization(principal.organizationId, command, metadata, { requestBody: { userId: principal.id } }))).position;
    } else {
      checkPasswordPolicy(body.newPassword, { field: 'newPassword', email: principal.email });
      const command = { type: 'ChangePlatformPassword' as const, data: { accountId: principal.id, actorId: principal.id, passwordHash: await hashPassword(body.newPassword) } };
      position = (await this.commands.execute(toPlatform(command, metadata, { requestBody: { accountId: principal.id } }))).position;
    }
    // The next sign-in reads the account from the read model: it must have the new hash.
    await this.progress.waitFor(position, this.config.readYourWritesTimeoutMs);
    await this.sessions.endAllFor(principal.id);
    return this.sessions.start({ principalId: principal.id, principalKind: principal.kind, organizationId: principal.kind === 'member' ? principal.organizationId : null }, policy);
  }
}
