import { TransferOwnershipController } from './transferring-ownership/transfer-ownership.js';
import { Module } from '@nestjs/common';
import { IpRestrictionsController } from './ip-restrictions/ip-restrictions.js';
import { ChangingSlug, SlugController } from './changing-slug/slug.js';
import { DeletionController } from './deleting-organization/deletion.js';
import { DirectoryController } from './directory/directory.js';
import { EmailDomainsController } from './email-domains/email-domains.js';
import { TxtRecords } from './email-domains/txt-records.js';
import { OrganizationLanguagesController } from './organization-languages/organization-languages.js';
import { SettingsController } from './settings/settings.js';
import { PurgeOrganizationsJob } from './deleting-organization/purge-organizations.job.js';
import { ArrearsController } from './arrears/arrears.js';
import { CreateOrganizationController, CreatingOrganization } from './creating-organization/create-organization.js';
import { EditOrganizationController } from './editing-organization/edit-organization.js';
import { TimeZoneChanges } from './editing-organization/time-zone-change.js';
import { ListOrganizationsController } from './listing-organizations/list-organizations.js';
import { OrganizationLogoController, PublicLogoController } from './organization-logo/organization-logo.js';
import { ViewOrganizationController } from './viewing-organization/view-organization.js';

@Module({
  controllers: [
    ListOrganizationsController,
    CreateOrganizationController,
    ViewOrganizationController,
    EditOrganizationController,
    IpRestrictionsController,
    OrganizationLogoController,
    PublicLogoController,
    ArrearsController,
    TransferOwnershipController,
    SlugController,
    DeletionController,
    SettingsController,
    DirectoryController,
    EmailDomainsController,
    OrganizationLanguagesController,
  ],
  providers: [CreatingOrganization, ChangingSlug, PurgeOrganizationsJob, TxtRecords, TimeZoneChanges],
})
export class OrganizationsModule {}
