import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { XAPI_VERSION } from '#domain';
import { Public } from '../../auth/permissions.decorator.js';
import { AnswersWhileCatchingUp } from '../../shared/read-your-writes.js';

/** xAPI's About resource: the versions this LRS speaks. Public, as the specification has it. */
@ApiTags('xapi')
@Controller('xapi/about')
export class XapiAboutController {
  @Get()
  @Public()
  @AnswersWhileCatchingUp()
  @ApiOkResponse({ schema: { type: 'object', properties: { version: { type: 'array', items: { type: 'string' } } } } })
  about(): { version: string[] } {
    return { version: [XAPI_VERSION] };
  }
}
