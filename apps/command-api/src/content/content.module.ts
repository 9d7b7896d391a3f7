import { MemberContentController } from './member-content/member-content.js';
import { Module } from '@nestjs/common';
import { AssignmentsController } from './assigning/assignments.js';
import { AccessController } from './checking-access/access.js';
import { LibraryFollowsOrganization } from './following-organization/library-follows-organization.js';
import { LibraryWrites } from './library-writes.js';
import { ActivitiesController } from './managing-activities/activities.js';

/** The content library, assignments and the access check (issue 19). */
@Module({ controllers: [ActivitiesController, AssignmentsController, AccessController, MemberContentController], providers: [LibraryWrites, LibraryFollowsOrganization] })
export class ContentModule {}
