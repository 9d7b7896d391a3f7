import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from './permissions.decorator.js';
import { renderLinkProblem, renderSetupForm, SETUP_PAGE_HEADERS } from './setup-page.js';
import { SetupService } from './setup.service.js';
import { ReadsFrom } from '../shared/read-your-writes.js';
import { membersProjection } from '#read-models';

/**
 * Where the setup mail's link lands: a small page, branded with the organization's
 * name and logo, where the invitee chooses a password. Plain HTML, no script.
 */
@ApiTags('auth')
@ReadsFrom(membersProjection)
@Controller('setup')
export class SetupPageController {
  constructor(private readonly setup: SetupService) {}

  @Get()
  @Public()
  @ApiQuery({ name: 'token', required: true, description: 'The token from the setup link', schema: { type: 'string' } })
  async show(@Query('token') token: string | undefined, @Res({ passthrough: true }) response: FastifyReply): Promise<string> {
    void response.headers(SETUP_PAGE_HEADERS).type('text/html; charset=utf-8');
    const info = typeof token === 'string' && /^[A-Za-z0-9_-]{20,200}$/.test(token) ? await this.setup.describe(token) : ({ kind: 'invalid' } as const);
    if (info.kind === 'expired' || info.kind === 'invalid') {
      void response.code(info.kind === 'expired' ? 410 : 404);
      return renderLinkProblem(info.kind);
    }
    return renderSetupForm(info, token!);
  }
}
