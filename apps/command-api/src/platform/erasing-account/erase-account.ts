import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PLATFORM_STREAM, type CommandMetadata } from '#domain';
import { setupMailsOf, type Infrastructure } from '#runtime';
import { RequirePermission } from '../../auth/permissions.decorator.js';
import { ProblemException } from '../../shared/problem.js';
import { Meta } from '../../shared/request-context.js';
import { INFRASTRUCTURE } from '../../shared/tokens.js';
import { NoBody } from '../../shared/validation.js';
import { toPlatform } from '../../shared/write/stream-command.js';

/**
 * Erasing a removed platform account's personal data (issue 20), by a super admin:
 * `PlatformAccountErased` (ids only), then the account's key destroyed and the outbox's
 * copies of its setup mail deleted. A request that fails part-way is repeated as it is.
 */
@ApiTags('platform')
@ApiBearerAuth()
@Controller('platform/accounts/:accountId')
export class ErasePlatformAccountController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(INFRASTRUCTURE) private readonly infra: Pick<Infrastructure, 'vault' | 'mailer' | 'eventStore'>,
  ) {}

  @Post('erase')
  @RequirePermission('platform:auditors')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The account id, and erased: true' })
  async erase(
    @Param('accountId', new ParseUUIDPipe({ exceptionFactory: () => new ProblemException('platform-account-not-found', 'No such removed platform account') })) accountId: string,
    @Body(NoBody) _body: undefined,
    @Meta() metadata: CommandMetadata,
  ) {
    const result = await this.commands.execute(toPlatform({ type: 'ErasePlatformAccount', data: { accountId, now: metadata.now } }, metadata));
    await this.infra.vault.erase([accountId], metadata.now);
    await this.infra.mailer.forget?.(await setupMailsOf(this.infra.eventStore, PLATFORM_STREAM, (data) => data.auditorId === accountId));
    return { id: accountId, position: result.position, erased: true };
  }
}
