import { Module } from '@nestjs/common';
import { XapiCredentialsController } from './managing-credentials/credentials.js';

/** Learning records over xAPI (issue 19): the credentials so far. */
@Module({ controllers: [XapiCredentialsController] })
export class XapiModule {}
