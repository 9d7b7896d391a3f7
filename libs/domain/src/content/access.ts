import { isLearner } from '../classes/managing-classes.js';
import { ValidationFailed } from '../shared/domain-error.js';
import type { ExistingOrganization } from '../organizations/organization.js';
import { licenseExpired, seatHolders, type AssignmentTarget, type LibraryState } from './library.js';

/**
 * Who a target is, on the organization's state now: the members named, a team's members,
 * a class's students, or everyone who learns. Only learners are assigned content: members
 * not deactivated, with a role other than auditor (classes/managing-classes.ts).
 */
export function learnersOf(org: ExistingOrganization, target: AssignmentTarget): string[] {
  switch (target.kind) {
    case 'members': {
      const ids = [...new Set(target.userIds)];
      const strangers = ids.filter((id) => !isLearner(org.members.get(id)));
      if (ids.length === 0 || ids.length > 10_000) throw new ValidationFailed('invalid-assignment', [{ field: 'target.userIds', message: 'target.userIds must name 1 to 10,000 members' }]);
      if (strangers.length > 0)
        throw new ValidationFailed('invalid-assignment', [{ field: 'target.userIds', message: `these are not members who can be assigned content (unknown, deactivated, or auditors only): ${strangers.join(', ')}` }]);
      return ids;
    }
    case 'team': {
      const team = org.teams.get(target.teamId);
      if (!team) throw new ValidationFailed('invalid-assignment', [{ field: 'target.teamId', message: 'target.teamId must name a team of the organization' }]);
      return team.memberIds.filter((id) => isLearner(org.members.get(id)));
    }
    case 'class': {
      const found = org.classes.get(target.classId);
      if (!found || found.status !== 'active') throw new ValidationFailed('invalid-assignment', [{ field: 'target.classId', message: 'target.classId must name an active class of the organization' }]);
      return found.studentIds.filter((id) => isLearner(org.members.get(id)));
    }
    case 'everyone':
      return [...org.members.values()].filter(isLearner).map((m) => m.id);
  }
}

/** Why someone cannot reach an activity, in the words of the guide's troubleshooting ("Members Can't Access Content"). */
export type AccessReason =
  | 'organization-suspended'
  | 'membership-not-active'
  | 'role'
  | 'activity-not-in-library'
  | 'not-assigned'
  | 'license-expired'
  | 'no-seat';

export interface AccessAnswer {
  canAccess: boolean;
  /** Every reason that stands in the way, in the order an admin would check them. */
  reasons: { reason: AccessReason; message: string }[];
  /** The open assignments that give the person the activity. */
  assignmentIds: string[];
}

/**
 * Whether a member can reach an activity now, and if not every reason why: the
 * organization suspended (in arrears, or being deleted), the membership not active, a
 * role that takes no content, the activity not assigned to them, the license ended, or
 * no seat left for them. Read on the organization's and the library's streams, so the
 * answer is as of now, not of a projection.
 */
export function accessTo(org: ExistingOrganization, library: LibraryState, userId: string, activityId: string, now: string): AccessAnswer {
  const reasons: AccessAnswer['reasons'] = [];
  if (org.inArrearsAt) reasons.push({ reason: 'organization-suspended', message: 'The organization is in arrears: its members cannot sign in until a super admin clears it' });
  else if (org.deletion) reasons.push({ reason: 'organization-suspended', message: `The organization is being deleted (restorable until ${org.deletion.purgeAt})` });
  const member = org.members.get(userId);
  if (member && member.status !== 'active')
    reasons.push({ reason: 'membership-not-active', message: member.status === 'deactivated' ? 'The membership is deactivated: reactivate the user' : 'The user has not completed account setup yet' });
  if (member && !member.roles.some((r) => r !== 'auditor' && r !== 'analyst'))
    reasons.push({ reason: 'role', message: 'Auditors and analysts only read (the audit trail, the reports); give the user a learning role (member, instructor or admin)' });
  const act = library.activities.get(activityId);
  if (!act) {
    reasons.push({ reason: 'activity-not-in-library', message: 'The activity is not in the organization’s library' });
    return { canAccess: false, reasons, assignmentIds: [] };
  }
  const assignmentIds = [...library.assignments.values()].filter((a) => a.activityId === activityId && a.status === 'open' && a.learners.includes(userId)).map((a) => a.id);
  if (assignmentIds.length === 0) reasons.push({ reason: 'not-assigned', message: 'The activity is not assigned to the user (directly, or through a team, a class or everyone)' });
  if (act.kind === 'licensed') {
    if (licenseExpired(act.license, now)) reasons.push({ reason: 'license-expired', message: `The license ended on ${act.license!.expiresAt}` });
    else if (assignmentIds.length === 0 && seatHolders(library, activityId).size >= act.license!.seats) reasons.push({ reason: 'no-seat', message: `All ${act.license!.seats} seats of the license are taken` });
  }
  return { canAccess: reasons.length === 0, reasons, assignmentIds };
}
