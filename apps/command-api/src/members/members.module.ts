import { Module } from '@nestjs/common';
import { ClassesController } from '../classes/classes.js';
import { DeactivateUserController } from './deactivating-user/deactivate-user.js';
import { DeleteUserController, DeletingUser } from './deleting-user/delete-user.js';
import { EditUserController } from './editing-user/edit-user.js';
import { EraseUserController } from './erasing-user/erase-user.js';
import { ErasingUser } from './erasing.js';
import { RetentionController, RetentionJob } from './retention/retention.js';
import { RemoveUserController, RemovingUser } from './removing-user/remove-user.js';
import { EndSessionsController } from './ending-sessions/end-sessions.js';
import { SessionPolicyController } from '../organizations/session-policy/session-policy.js';
import { InviteUserController } from './inviting-user/invite-user.js';
import { InvitingUser } from './inviting.js';
import { BulkInvitationsController } from './inviting-many/invite-many.js';
import { BulkUsersController } from './bulk-actions/bulk-actions.js';
import { ImportsController } from './importing/imports.js';
import { JoinRequestsController } from './join-requests/join-requests.js';
import { ImportsService } from './importing/imports.service.js';
import { ExportUsersController } from './listing-users/export-users.js';
import { ListUsersController } from './listing-users/list-users.js';
import { ResendInvitationController, ResendingInvitation } from './resending-invitation/resend-invitation.js';

@Module({
  controllers: [
    // Before ListUsersController: /users/export.csv must not be read as /users/:userId.
    ExportUsersController,
    ListUsersController,
    InviteUserController,
    BulkInvitationsController,
    BulkUsersController,
    ImportsController,
    JoinRequestsController,
    ResendInvitationController,
    EditUserController,
    DeactivateUserController,
    DeleteUserController,
    EraseUserController,
    RemoveUserController,
    RetentionController,
    EndSessionsController,
    SessionPolicyController,
    ClassesController,
  ],
  // The processes that span streams; single-stream writes go to StreamCommandHandler.
  providers: [InvitingUser, ResendingInvitation, DeletingUser, ErasingUser, RemovingUser, RetentionJob, ImportsService],
})
export class MembersModule {}
