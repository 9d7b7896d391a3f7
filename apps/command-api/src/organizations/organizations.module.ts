import { Module } from '@nestjs/common';
import { ArrearsController, ClearOrganizationArrearsHandler, MarkOrganizationInArrearsHandler } from './arrears/arrears.js';
import { CreateOrganizationController, CreateOrganizationHandler } from './creating-organization/create-organization.js';
import { EditOrganizationController, EditOrganizationHandler } from './editing-organization/edit-organization.js';
import { ListOrganizationsController } from './listing-organizations/list-organizations.js';
import { ChangeOrganizationLogoHandler, OrganizationLogoController, PublicLogoController, RemoveOrganizationLogoHandler } from './organization-logo/organization-logo.js';
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
  ],
  providers: [
    CreateOrganizationHandler,
    EditOrganizationHandler,
    ChangeOrganizationLogoHandler,
    RemoveOrganizationLogoHandler,
    MarkOrganizationInArrearsHandler,
    ClearOrganizationArrearsHandler,
  ],
})
export class OrganizationsModule {}
