import { TransferOwnershipController } from './transferring-ownership/transfer-ownership.js';
import { Module } from '@nestjs/common';
import { ArrearsController } from './arrears/arrears.js';
import { CreateOrganizationController } from './creating-organization/create-organization.js';
import { EditOrganizationController } from './editing-organization/edit-organization.js';
import { ListOrganizationsController } from './listing-organizations/list-organizations.js';
import { OrganizationLogoController, PublicLogoController } from './organization-logo/organization-logo.js';
import { ViewOrganizationController } from './viewing-organization/view-organization.js';

@Module({
  controllers: [
    ListOrganizationsController,
    CreateOrganizationController,
    ViewOrganizationController,
    EditOrganizationController,
    OrganizationLogoController,
    PublicLogoController,
    ArrearsController,
    TransferOwnershipController,
  ],
})
export class OrganizationsModule {}
