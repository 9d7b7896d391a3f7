import { assertNever, type Decider } from '../shared/decider.js';
import { PersistentMap } from '../shared/persistent-map.js';
import { addClassStudents, archiveClass, createClass, editClass, removeClassStudent, visibleClass } from '../classes/managing-classes.js';
import { completeUserSetup } from '../members/completing-setup.js';
import { changePassword } from '../members/changing-password.js';
import { deactivateUser, reactivateUser } from '../members/deactivating-user.js';
import { deleteUser } from '../members/deleting-user.js';
import { erasedJoinRequest, eraseUser } from '../members/erasing-user.js';
import { removeUser } from '../members/removing-user.js';
import { emailKey } from '../shared/email.js';
import { editUser } from '../members/editing-user.js';
import { endUserSessions } from '../members/ending-sessions.js';
import { inviteUser } from '../members/inviting-user.js';
import { evolveMembership, type MembershipDraft, type MembershipEvent } from '../members/membership.js';
import { resendInvitation } from '../members/resending-invitation.js';
import { linkSsoIdentity } from '../sso/linking-identity.js';
import { addSsoProvider, removeSsoProvider, updateSsoProvider } from '../sso/managing-providers.js';
import { recordIdpInitiatedSignIn } from '../sso/signing-in.js';
import { evolveSso, SSO_EVENT_TYPES, type SsoDraft, type SsoEvent } from '../sso/sso.js';
import { transferOwnership } from '../members/owners.js';
import { createDepartment, deleteDepartment, editDepartment } from '../structure/departments.js';
import { evolveStructure, leaveStructure, STRUCTURE_EVENT_TYPES, type StructureDraft, type StructureEvent } from '../structure/structure.js';
import { addTeamMembers, createTeam, deleteTeam, editTeam, removeTeamMember } from '../structure/teams.js';
import { clearArrears, markInArrears } from './arrears.js';
import { changeSlug } from './changing-slug.js';
import { setOrganizationLanguages } from './organization-languages.js';
import { legacyOrganizationHolder } from '../languages/languages.js';
import { evolveXapiCredentials, issueXapiCredential, revokeXapiCredential } from '../xapi/credentials.js';
import { addEmailDomain, removeEmailDomain, verifyEmailDomain } from '../domains/managing-domains.js';
import { approveJoinRequest, registerBySelf, rejectJoinRequest } from '../members/joining.js';
import { evolveJoinRequests, JOINING_EVENT_TYPES, type JoiningEvent } from '../members/join-requests.js';
import { applySettingsChanges, changeSettings } from './changing-settings.js';
import { DEFAULT_ALLOWANCES, DEFAULT_SETTINGS } from './settings.js';
import { purgeOrganization, requestDeletion, restoreOrganization } from './deleting-organization.js';
import { createOrganization } from './creating-organization.js';
import { editOrganization } from './editing-organization.js';
import { changeLogo, removeLogo } from './organization-logo.js';
import {
  DEFAULT_SESSION_POLICY,
  requireExisting,
  requireNotBeingDeleted,
  type ExistingOrganization,
  type OrganizationCommand,
  type OrganizationEvent,
  type OrganizationState,
} from './organization.js';
import { setSessionPolicy } from './session-policy.js';
import { setIpRestrictions } from './ip-restrictions.js';

/**
 * The organization's stream as one decider: each command goes to its use case, each
 * event is applied to a draft of the state (evolve returns new state).
 */
// ---- Decide ----------------------------------------------------------------------------
/**
 * Routes a command to its use case (one file each, beside its spec); the rules are there.
 * Every command but creation needs the organization to exist.
 */
export function decideOrganization(command: OrganizationCommand, state: OrganizationState): OrganizationEvent[] {
  if (command.type === 'CreateOrganization') {
    const created = createOrganization(command, state);
    const owner = command.data.owner;
    if (!owner) return created;
    // The named owner is invited in the same append, by the rules of any invitation.
    const invite = { type: 'InviteUser' as const, data: { userId: owner.userId, email: owner.email, firstName: owner.firstName, lastName: owner.lastName, roles: ['owner'], setupToken: owner.setupToken } };
    return [...created, ...inviteUser(invite, requireExisting(evolveOrganizationAll(state, created)))];
  }
  const org = requireExisting(state);
  switch (command.type) {
    case 'RestoreOrganization':
      return restoreOrganization(command, org);
    case 'PurgeOrganization':
      return purgeOrganization(command, org);
    case 'RequestOrganizationDeletion':
      return requestDeletion(command, org);
    default:
      requireNotBeingDeleted(org);
  }
  switch (command.type) {
    case 'ChangeOrganizationSlug':
      return changeSlug(command, org);
    case 'ChangeOrganizationSettings':
      return changeSettings(command, org);
    case 'RegisterBySelf':
      return registerBySelf(command, org);
    case 'ApproveJoinRequest':
      return approveJoinRequest(command, org);
    case 'RejectJoinRequest':
      return rejectJoinRequest(command, org);
    case 'SetOrganizationLanguages':
      return setOrganizationLanguages(command, org);
    case 'IssueXapiCredential':
      return issueXapiCredential(command, org);
    case 'RevokeXapiCredential':
      return revokeXapiCredential(command, org);
    case 'AddEmailDomain':
      return addEmailDomain(command, org);
    case 'VerifyEmailDomain':
      return verifyEmailDomain(command, org);
    case 'RemoveEmailDomain':
      return removeEmailDomain(command, org);
    case 'UpdateOrganizationSettings':
      return editOrganization(command, org);
    case 'ChangeOrganizationLogo':
      return changeLogo(command, org);
    case 'RemoveOrganizationLogo':
      return removeLogo(command, org);
    case 'MarkOrganizationInArrears':
      return markInArrears(command, org);
    case 'ClearOrganizationArrears':
      return clearArrears(command, org);
    case 'SetSessionPolicy':
      return setSessionPolicy(command, org);
    case 'SetIpRestrictions':
      return setIpRestrictions(command, org);
    case 'InviteUser':
      return inviteUser(command, org);
    case 'ResendInvitation':
      return resendInvitation(command, org);
    case 'CompleteUserSetup':
      return completeUserSetup(command, org);
    case 'ChangePassword':
      return changePassword(command, org);
    case 'EditUser':
      return editUser(command, org);
    case 'DeactivateUser':
      return deactivateUser(command, org);
    case 'ReactivateUser':
      return reactivateUser(command, org);
    case 'EndUserSessions':
      return endUserSessions(command, org);
    case 'DeleteUser': {
      const deleted = deleteUser(command, org);
      return [...leaveStructure(org, command.data.userId), ...deleted];
    }
    case 'EraseUser':
      return eraseUser(command, org);
    case 'RemoveUser':
      return removeUser(command, org);
    case 'CreateClass':
      return createClass(command, org);
    case 'EditClass':
      return editClass(command, org);
    case 'ArchiveClass':
      return archiveClass(command, org);
    case 'AddClassStudents':
      return addClassStudents(command, org);
    case 'RemoveClassStudent':
      return removeClassStudent(command, org);
    case 'AddSsoProvider':
      return addSsoProvider(command, org);
    case 'UpdateSsoProvider':
      return updateSsoProvider(command, org);
    case 'RemoveSsoProvider':
      return removeSsoProvider(command, org);
    case 'LinkSsoIdentity':
      return linkSsoIdentity(command, org);
    case 'RecordIdpInitiatedSignIn':
      return recordIdpInitiatedSignIn(command, org);
    case 'TransferOwnership':
      return transferOwnership(command, org);
    case 'CreateDepartment':
      return createDepartment(command, org);
    case 'EditDepartment':
      return editDepartment(command, org);
    case 'DeleteDepartment':
      return deleteDepartment(command, org);
    case 'CreateTeam':
      return createTeam(command, org);
    case 'EditTeam':
      return editTeam(command, org);
    case 'DeleteTeam':
      return deleteTeam(command, org);
    case 'AddTeamMembers':
      return addTeamMembers(command, org);
    case 'RemoveTeamMember':
      return removeTeamMember(command, org);
    default:
      return assertNever(command);
  }
}

// ---- Evolve ----------------------------------------------------------------------------
/** An organization being evolved: its own fields, and drafts of its maps (which change in place until done). */
type OrganizationDraft = Omit<ExistingOrganization, 'members' | 'classes' | 'emails' | 'ssoProviders' | 'ssoIdentities' | 'departments' | 'teams'> &
  MembershipDraft &
  SsoDraft &
  StructureDraft;

function draftOf(state: ExistingOrganization): OrganizationDraft {
  return {
    ...state,
    members: state.members.draft(),
    classes: state.classes.draft(),
    emails: state.emails.draft(),
    ssoProviders: state.ssoProviders.draft(),
    ssoIdentities: state.ssoIdentities.draft(),
    departments: state.departments.draft(),
    teams: state.teams.draft(),
  };
}

function done(draft: OrganizationDraft): ExistingOrganization {
  return {
    ...draft,
    members: draft.members.done(),
    classes: draft.classes.done(),
    emails: draft.emails.done(),
    ssoProviders: draft.ssoProviders.done(),
    ssoIdentities: draft.ssoIdentities.done(),
    departments: draft.departments.done(),
    teams: draft.teams.done(),
  };
}

function created(event: Extract<OrganizationEvent, { type: 'OrganizationCreated' }>): ExistingOrganization {
  return {
    status: 'existing',
    id: event.data.organizationId,
    name: event.data.name,
    description: event.data.description,
    timeZone: event.data.timeZone,
    profile: event.data.profile,
    slug: event.data.slug,
    previousSlugs: [],
    deletion: null,
    settings: DEFAULT_SETTINGS,
    allowances: DEFAULT_ALLOWANCES,
    settingsVersion: 0,
    emailDomains: {},
    xapiCredentials: {},
    joinRequests: {},
    languageIds: [],
    languageHolders: {},
    logo: null,
    inArrearsAt: null,
    sessionPolicy: DEFAULT_SESSION_POLICY,
    ipRanges: [],
    version: 0,
    members: PersistentMap.empty(),
    classes: PersistentMap.empty(),
    emails: PersistentMap.empty(),
    ssoProviders: PersistentMap.empty(),
    ssoIdentities: PersistentMap.empty(),
    departments: PersistentMap.empty(),
    teams: PersistentMap.empty(),
  };
}

/** Applies one event (not OrganizationCreated) to the draft. */
function apply(draft: OrganizationDraft, event: Exclude<OrganizationEvent, { type: 'OrganizationCreated' | 'OrganizationPurged' }>): void {
  switch (event.type) {
    case 'OrganizationSlugChanged': {
      const { before, after, redirectUntil } = event.data;
      // A slug taken back stops being a previous one; the one left starts redirecting.
      draft.previousSlugs = draft.previousSlugs.filter((p) => p.slug !== after);
      if (before && redirectUntil) draft.previousSlugs = [...draft.previousSlugs, { slug: before, until: redirectUntil }];
      draft.slug = after;
      draft.version++;
      return;
    }
    case 'OrganizationSettingsChanged': {
      const next = applySettingsChanges(draft.settings, draft.allowances, event.data.changes);
      draft.settings = next.settings;
      draft.allowances = next.allowances;
      draft.settingsVersion++;
      return;
    }
    case 'OrganizationLanguagesChanged': {
      const { after, holders, archivedClassesCleared } = event.data;
      draft.languageIds = after;
      draft.languageHolders = holders ?? Object.fromEntries(after.map((id) => [id, legacyOrganizationHolder(draft.id)]));
      for (const { classId } of archivedClassesCleared ?? []) {
        const found = draft.classes.get(classId);
        if (found) draft.classes.set(classId, { ...found, languageId: null, version: found.version + 1 });
      }
      draft.version++;
      return;
    }
    case 'EmailDomainAdded': {
      const { domain, token, addedAt } = event.data;
      draft.emailDomains = { ...draft.emailDomains, [domain]: { domain, token, status: 'pending', addedAt, verifiedAt: null } };
      return;
    }
    case 'EmailDomainVerified': {
      const { domain, verifiedAt } = event.data;
      draft.emailDomains = { ...draft.emailDomains, [domain]: { ...draft.emailDomains[domain], status: 'verified', verifiedAt } };
      return;
    }
    case 'EmailDomainRemoved': {
      const { [event.data.domain]: _removed, ...rest } = draft.emailDomains;
      draft.emailDomains = rest;
      return;
    }
    case 'XapiCredentialIssued':
    case 'XapiCredentialRevoked':
      draft.xapiCredentials = evolveXapiCredentials(draft.xapiCredentials, event);
      return;
    case 'OrganizationDeletionRequested':
      draft.deletion = { requestedAt: event.data.requestedAt, purgeAt: event.data.purgeAt };
      draft.version++;
      return;
    case 'OrganizationRestored':
      draft.deletion = null;
      draft.version++;
      return;
    case 'OrganizationSettingsUpdated': {
      const { name, description, timeZone, type, industry, website, primaryContact, billingContact } = event.data.changes;
      if (name) draft.name = name.after;
      if (description) draft.description = description.after;
      if (timeZone) draft.timeZone = timeZone.after;
      if (type || industry || website || primaryContact || billingContact)
        draft.profile = {
          type: type ? type.after : draft.profile.type,
          industry: industry ? industry.after : draft.profile.industry,
          website: website ? website.after : draft.profile.website,
          primaryContact: primaryContact ? primaryContact.after : draft.profile.primaryContact,
          billingContact: billingContact ? billingContact.after : draft.profile.billingContact,
        };
      draft.version++;
      return;
    }
    case 'OrganizationLogoChanged':
      draft.logo = event.data.logo;
      draft.version++;
      return;
    case 'OrganizationLogoRemoved':
      draft.logo = null;
      draft.version++;
      return;
    case 'OrganizationMarkedInArrears':
      draft.inArrearsAt = event.data.inArrearsAt;
      draft.version++;
      return;
    case 'OrganizationArrearsCleared':
      draft.inArrearsAt = null;
      draft.version++;
      return;
    case 'OrganizationIpRestrictionsChanged':
      draft.ipRanges = event.data.after;
      draft.version++;
      return;
    case 'OrganizationSessionPolicyChanged':
      draft.sessionPolicy = event.data.after;
      draft.version++;
      return;
    case 'UserErased': {
      // What the organization held about the person beside their membership: the join
      // requests they made (by address) and the identity-provider accounts linked to them.
      const m = draft.members.get(event.data.userId);
      if (m) {
        const key = emailKey(m.email);
        draft.joinRequests = Object.fromEntries(Object.entries(draft.joinRequests).map(([id, r]) => [id, emailKey(r.email) === key ? erasedJoinRequest(r) : r]));
      }
      for (const identity of [...draft.ssoIdentities.keys()]) if (draft.ssoIdentities.get(identity) === event.data.userId) draft.ssoIdentities.delete(identity);
      evolveMembership(draft, event);
      return;
    }
    default:
      if (JOINING_EVENT_TYPES.has(event.type as JoiningEvent['type'])) {
        draft.joinRequests = evolveJoinRequests(draft.joinRequests, event as JoiningEvent);
        // An approval's invitation follows in the same append and is applied as any invitation.
      } else if (SSO_EVENT_TYPES.has(event.type as SsoEvent['type'])) evolveSso(draft, event as SsoEvent);
      else if (STRUCTURE_EVENT_TYPES.has(event.type as StructureEvent['type'])) evolveStructure(draft, event as StructureEvent);
      else evolveMembership(draft, event as MembershipEvent);
  }
}

/**
 * Applies events in order and returns the new state; the state given stays as it was.
 * Many events share one draft, so rebuilding a 100,000-member organization does not copy
 * a path of each map per event (bench/fold.ts).
 */
export function evolveOrganizationAll(state: OrganizationState, events: Iterable<OrganizationEvent>): OrganizationState {
  let current = state;
  let draft: OrganizationDraft | null = null;
  for (const event of events) {
    if (event.type === 'OrganizationCreated') {
      draft = null;
      current = created(event);
    } else if (event.type === 'OrganizationPurged') {
      draft = null;
      current = { status: 'purged', id: event.data.organizationId, purgedAt: event.data.purgedAt };
    } else if (current.status === 'existing') {
      draft ??= draftOf(current);
      apply(draft, event);
    }
  }
  return draft ? done(draft) : current;
}

export function evolveOrganization(state: OrganizationState, event: OrganizationEvent): OrganizationState {
  return evolveOrganizationAll(state, [event]);
}

/**
 * Which resource a command is about, as a reader of its version (its ETag) in a state:
 * the organization profile, one user, one class or one SSO provider. An If-Match is
 * checked against it, and a write answers with it, so an invitation never makes the
 * profile's ETag stale. Undefined where the resource does not exist (yet, or any more).
 */
export function resourceVersionOf(command: OrganizationCommand): (state: OrganizationState) => number | undefined {
  const existing = (read: (org: Extract<OrganizationState, { status: 'existing' }>) => number | undefined) => (state: OrganizationState) =>
    state.status === 'existing' ? read(state) : undefined;
  switch (command.type) {
    case 'ChangeOrganizationSettings':
      return existing((org) => org.settingsVersion);
    case 'AddEmailDomain':
    case 'VerifyEmailDomain':
    case 'RemoveEmailDomain':
      return existing((org) => org.settingsVersion);
    case 'IssueXapiCredential':
    case 'RevokeXapiCredential':
      return existing(() => undefined);
    case 'SetOrganizationLanguages':
      return existing((org) => org.version);
    case 'RegisterBySelf':
      return existing((org) => org.members.get(command.data.userId)?.version);
    case 'ApproveJoinRequest':
      return existing((org) => org.members.get(command.data.userId)?.version);
    case 'RejectJoinRequest':
      return existing(() => undefined);
    case 'CreateOrganization':
    case 'ChangeOrganizationSlug':
    case 'RequestOrganizationDeletion':
    case 'RestoreOrganization':
    case 'PurgeOrganization':
    case 'UpdateOrganizationSettings':
    case 'ChangeOrganizationLogo':
    case 'RemoveOrganizationLogo':
    case 'MarkOrganizationInArrears':
    case 'ClearOrganizationArrears':
    case 'SetSessionPolicy':
    case 'SetIpRestrictions':
      return existing((org) => org.version);
    case 'InviteUser':
    case 'ResendInvitation':
    case 'CompleteUserSetup':
    case 'ChangePassword':
    case 'EditUser':
    case 'DeactivateUser':
    case 'ReactivateUser':
    case 'EndUserSessions':
    case 'DeleteUser':
    case 'EraseUser':
    case 'RemoveUser':
      return existing((org) => org.members.get(command.data.userId)?.version);
    case 'CreateClass':
    case 'EditClass':
    case 'ArchiveClass':
    case 'AddClassStudents':
    case 'RemoveClassStudent':
      // Another instructor's class has no version for them: the decider's 404 answers, not a 412.
      return existing((org) => visibleClass(org, command.data.classId, command.data.actor)?.version);
    case 'AddSsoProvider':
    case 'UpdateSsoProvider':
    case 'RemoveSsoProvider':
    case 'LinkSsoIdentity':
    case 'RecordIdpInitiatedSignIn':
      return existing((org) => org.ssoProviders.get(command.data.providerId)?.version);
    case 'TransferOwnership':
      return existing((org) => org.members.get(command.data.toUserId)?.version);
    case 'CreateDepartment':
    case 'EditDepartment':
    case 'DeleteDepartment':
      return existing((org) => org.departments.get(command.data.departmentId)?.version);
    case 'CreateTeam':
    case 'EditTeam':
    case 'DeleteTeam':
    case 'AddTeamMembers':
    case 'RemoveTeamMember':
      return existing((org) => org.teams.get(command.data.teamId)?.version);
    default:
      return assertNever(command);
  }
}

export const organizationDecider: Decider<OrganizationCommand, OrganizationEvent, OrganizationState> = {
  initialState: () => ({ status: 'absent' }),
  evolve: evolveOrganization,
  evolveAll: evolveOrganizationAll,
  decide: decideOrganization,
};
