import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { AuthController } from './auth/auth.controller.js';
// Beside the audit reader it reads the person's audit entries with.
import { PersonalDataController } from './members/personal-data/personal-data.js';
import { ChangingPasswordController } from './auth/changing-password.js';
import { AuthGuard } from './auth/auth.guard.js';
import { BootstrapService } from './auth/bootstrap.service.js';
import { SessionsService } from './auth/sessions.service.js';
import type { Infrastructure } from '#runtime';
import { HealthModule } from './health/health.module.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { CaughtUpGuard, ReadYourWritesInterceptor } from './shared/read-your-writes.js';
import {
  APP_CONFIG,
  APP_LOGGER,
  BLOB_STORE,
  EVENT_STORE,
  INFRASTRUCTURE,
  PROJECTION_PROGRESS,
  READ_STORE,
  LOGIN_THROTTLE,
  SECRET_BOX,
  SESSION_STORE,
  ONE_TIME_STORE,
  AUDIT_LOG,
} from './shared/tokens.js';
import { ScheduleModule } from '@nestjs/schedule';
import { EmailReservations } from './shared/email-reservations.js';
import { RegistrationController } from './auth/registration.js';
import { LanguagesModule } from './languages/languages.module.js';
import { DictionaryModule } from './dictionary/dictionary.module.js';
import { ContentModule } from './content/content.module.js';
import { XapiClients } from './auth/xapi-clients.js';
import { IpRanges } from './auth/ip-ranges.js';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { XapiModule } from './xapi/xapi.module.js';
import { SlugReservations } from './shared/slug-reservations.js';
import { StreamCache } from './shared/write/stream-cache.js';
import { StreamCommandHandler, StreamWriter } from './shared/write/stream-writer.js';
import { SetupTokens } from './members/setup-tokens.js';
import { MembersModule } from './members/members.module.js';
import { SetupService } from './auth/setup.service.js';
import { SetupPageController } from './auth/setup-page.controller.js';
import { VerifyAuditController } from './audit/verifying-audit/verify-audit.js';
import { AuditLogReader } from './audit/audit-log-reader.js';
import { ViewAuditLogController, ViewPlatformAuditLogController } from './audit/viewing-audit-log/view-audit-log.js';
import { ExportAuditController } from './audit/exporting-audit/export-audit.js';
import { DataAccessLog } from './audit/data-access.js';
import { ErasePlatformAccountController } from './platform/erasing-account/erase-account.js';
import { SearchTimeZonesController } from './time-zones/searching-time-zones/search-time-zones.js';
import { InvitingPlatformAuditor, PlatformAccounts, PlatformAnalystsController, PlatformAuditorsController, RemovingPlatformAuditor } from './platform/managing-auditors/platform-auditors.js';
import { SsoProviders } from './sso/sso-providers.js';
import { SsoModule } from './sso/sso.module.js';
import { StructureModule } from './structure/structure.module.js';

/** Makes the adapters chosen at boot available to every module. */
@Global()
@Module({})
class InfrastructureModule {
  static forRoot(infra: Infrastructure): DynamicModule {
    const providers = [
      { provide: INFRASTRUCTURE, useValue: infra },
      { provide: APP_CONFIG, useValue: infra.config },
      { provide: APP_LOGGER, useValue: infra.logger },
      { provide: EVENT_STORE, useValue: infra.eventStore },
      { provide: READ_STORE, useValue: infra.readStore },
      { provide: SESSION_STORE, useValue: infra.sessionStore },
      { provide: ONE_TIME_STORE, useValue: infra.oneTimeStore },
      { provide: BLOB_STORE, useValue: infra.blobStore },
      { provide: PROJECTION_PROGRESS, useValue: infra.progress },
      { provide: SECRET_BOX, useValue: infra.secretBox },
      { provide: LOGIN_THROTTLE, useValue: infra.loginThrottle },
      { provide: AUDIT_LOG, useValue: infra.auditLog },
      // The write side: every StreamCommand on the bus goes through these.
      StreamCache,
      StreamWriter,
      StreamCommandHandler,
      DataAccessLog,
      SessionsService,
      EmailReservations,
      SlugReservations,
      SetupTokens,
      SsoProviders,
      XapiClients,
      IpRanges,
    ];
    return { module: InfrastructureModule, providers, exports: providers };
  }
}

@Module({})
export class AppModule {
  static forRoot(infra: Infrastructure): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(infra), DiscoveryModule, CqrsModule.forRoot(), ScheduleModule.forRoot(), TerminusModule, OrganizationsModule, LanguagesModule, DictionaryModule, ContentModule, XapiModule, AnalyticsModule, MembersModule, StructureModule, SsoModule, HealthModule],
      controllers: [AuthController, ChangingPasswordController, RegistrationController, SetupPageController, VerifyAuditController, ViewAuditLogController, ViewPlatformAuditLogController, ExportAuditController, PlatformAuditorsController, PlatformAnalystsController, ErasePlatformAccountController, PersonalDataController, SearchTimeZonesController],
      providers: [
        BootstrapService,
        InvitingPlatformAuditor,
        PlatformAccounts,
        RemovingPlatformAuditor,
        AuditLogReader,
        SetupService,
        // In this order: a request waits for the read models before sign-in reads them.
        { provide: APP_GUARD, useClass: CaughtUpGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: ReadYourWritesInterceptor },
      ],
    };
  }
}
