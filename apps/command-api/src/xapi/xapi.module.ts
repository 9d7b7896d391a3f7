import { Module } from '@nestjs/common';
import { XapiAboutController } from './about/about.js';
import { XapiCredentialsController } from './managing-credentials/credentials.js';
import { ReadStatementsController } from './reading-statements/read-statements.js';
import { StatementWriter } from './statement-writer.js';
import { StoreStatementsController } from './storing-statements/store-statements.js';
import { UnmatchedAgentsController } from './unmatched-agents/unmatched-agents.js';

/** Learning records over xAPI (issue 19): the credentials, the learning record store's statements, the actors no member matched. */
@Module({ controllers: [XapiCredentialsController, XapiAboutController, StoreStatementsController, ReadStatementsController, UnmatchedAgentsController], providers: [StatementWriter] })
export class XapiModule {}
