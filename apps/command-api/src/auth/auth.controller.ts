import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PLATFORM_STREAM, platformDecider, type PlatformCommand } from '../../../../libs/domain/src/index.js';
import { findAccountByEmail } from '../../../../libs/read-models/src/queries/accounts.queries.js';
import type { ReadStore } from '../../../../libs/read-models/src/read-store.port.js';
import { AggregateRepository } from '../shared/aggregate-repository.js';
import { newId, sha256Hex } from '../shared/ids.js';
import { ProblemException } from '../shared/problem.js';
import { commandMetadataFrom, type AuthenticatedRequest } from '../shared/request-context.js';
import { READ_STORE } from '../shared/tokens.js';
import { LoginDto, LoginResponse, SetupDto } from './auth.dto.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import { Public, RequirePermission } from './permissions.decorator.js';
import { SessionsService } from './sessions.service.js';

const invalidCredentials = () => new ProblemException(401, 'invalid-credentials', 'Email or password is incorrect');

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly sessions: SessionsService,
    private readonly repository: AggregateRepository,
  ) {}

  /** Signs in with email and password. Unknown email and wrong password answer alike. */
  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponse })
  async login(@Body() body: LoginDto): Promise<LoginResponse> {
    const account = await findAccountByEmail(this.readStore, body.email);
    const ok = await verifyPassword(account?.passwordHash ?? null, body.password);
    if (!account || !ok) throw invalidCredentials();
    return this.sessions.start({ principalId: account._id, principalKind: account.kind, organizationId: account.organizationId });
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
  me(@Req() request: AuthenticatedRequest) {
    const principal = request.principal!;
    return principal.kind === 'superAdmin'
      ? { id: principal.id, email: principal.email, isSuperAdmin: true, organizationId: null, roles: [] }
      : { id: principal.id, email: principal.email, isSuperAdmin: false, organizationId: principal.organizationId, roles: principal.roles };
  }

  /**
   * Completes a setup link. For now the only links are the first super admin's
   * bootstrap link; member invitations arrive with the membership issue.
   */
  @Post('setup')
  @Public()
  @HttpCode(201)
  async setup(@Body() body: SetupDto, @Req() request: AuthenticatedRequest) {
    if (!body.email) throw new ProblemException(400, 'validation-failed', 'email is required for this setup link', { errors: [{ field: 'email', message: 'email is required' }] });
    checkPasswordPolicy(body.password, { email: body.email });
    const metadata = commandMetadataFrom(request);
    const superAdminId = newId();
    const command: PlatformCommand = {
      type: 'CompleteBootstrap',
      data: { tokenHash: sha256Hex(body.token), superAdminId, email: body.email, passwordHash: await hashPassword(body.password), now: metadata.now },
    };
    const result = await this.repository.handle({
      streamName: PLATFORM_STREAM,
      decider: platformDecider,
      command,
      metadata: { ...metadata, actor: { id: 'system', kind: 'system', roles: ['system'] } },
      organizationId: null,
      requestBody: { token: sha256Hex(body.token), email: body.email },
    });
    return { id: superAdminId, revision: result.revision, position: result.position };
  }
}
