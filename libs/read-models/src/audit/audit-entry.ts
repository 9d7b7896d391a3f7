import { RETENTION_EVENT_TYPES, LEARNING_DAY_EVENT_TYPES, DICTIONARY_EVENT_TYPES, LIBRARY_EVENT_TYPES, XAPI_CREDENTIAL_EVENT_TYPES, LANGUAGE_EVENT_TYPES, JOINING_EVENT_TYPES, IMPORT_EVENT_TYPES, MEMBERSHIP_EVENT_TYPES, ORGANIZATION_EVENT_TYPES, PLATFORM_EVENT_TYPES, SSO_EVENT_TYPES, STRUCTURE_EVENT_TYPES } from '#domain';
import type { RecordedEvent } from '#event-store';

/**
 * The audit log's view of one event (multi-tenant guide, Audit Logging: who did what,
 * when, to what, and what changed). It is a pure function of the event: the events
 * already carry their actor in the metadata and, for edits, each changed field before
 * and after, so an entry needs no state and a rebuild gives the same entries.
 */
export interface AuditEntry {
  /** The event's id. */
  id: string;
  position: number;
  organizationId: string | null;
  type: string;
  occurredAt: string;
  actor: { id: string; kind: string; email: string | null; roles: string[] };
  target: { kind: AuditTargetKind; id: string };
  /** For edits: each changed field with its value before and after. */
  changes: { field: string; before: unknown; after: unknown }[];
  /** The event's data with secrets and their hashes removed: what the summary is written from. */
  details: Record<string, unknown>;
  correlationId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export type AuditTargetKind =
  | 'organization'
  | 'user'
  | 'class'
  | 'department'
  | 'team'
  | 'platform'
  | 'super-admin'
  | 'platform-auditor'
  | 'sso-provider'
  | 'data'
  | 'import'
  | 'language'
  | 'dictionary'
  | 'dictionary-entry'
  | 'activity'
  | 'assignment'
  | 'library'
  | 'xapi-credential';

/**
 * Fields that never leave the log in an entry or an export: password hashes, setup
 * token hashes and sealed tokens. They are not secrets in the clear, but nobody
 * reading an audit trail needs them, and a password hash invites offline guessing.
 */
export const REDACTED_FIELDS: ReadonlySet<string> = new Set(['passwordHash', 'setupTokenHash', 'setupTokenCiphertext', 'tokenHash', 'clientSecret', 'clientSecretCiphertext', 'secretHash']);
export const REDACTED = '[redacted]';

export function redact(data: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(data)) {
    if (!REDACTED_FIELDS.has(key)) continue;
    copy ??= { ...data };
    copy[key] = REDACTED;
  }
  return copy ?? data;
}

/** Every event type the audit log shows (a filter naming any other is refused). */
export const AUDITED_EVENT_TYPES: readonly string[] = [
  ...[...LANGUAGE_EVENT_TYPES].filter((t) => !t.startsWith('LanguageUse')),
  ...[...DICTIONARY_EVENT_TYPES].filter((t) => !t.startsWith('LanguageHold')),
  ...[...LIBRARY_EVENT_TYPES].filter((t) => !t.startsWith('LanguageHold')),
  ...JOINING_EVENT_TYPES,
  ...IMPORT_EVENT_TYPES,
  ...ORGANIZATION_EVENT_TYPES,
  ...MEMBERSHIP_EVENT_TYPES,
  ...SSO_EVENT_TYPES,
  ...STRUCTURE_EVENT_TYPES,
  ...PLATFORM_EVENT_TYPES,
  ...XAPI_CREDENTIAL_EVENT_TYPES,
  ...LEARNING_DAY_EVENT_TYPES,
  ...RETENTION_EVENT_TYPES,
  'DataAccessed',
];

/**
 * Events that are bookkeeping of other events (a reserved email goes with its invitation):
 * not shown. Nor are learning records (xAPI statements): they are what learners did, not
 * a change anyone made to the organization, and they have their own read model and
 * reports; the log keeps them, hash-chained like every event.
 */
const NOT_AUDITED = new Set(['EmailReserved', 'EmailReleased', 'SlugReserved', 'SlugRedirected', 'SlugReleased', 'DomainClaimed', 'DomainReleased', 'LanguageUseStarted', 'LanguageUseEnded', 'LanguageHoldAdopted', 'LanguageHoldLetGo', 'XapiStatementStored']);

type Data = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));

function targetOf(event: RecordedEvent): AuditEntry['target'] {
  const d = event.data as Data;
  if (event.type.startsWith('Class')) return { kind: 'class', id: str(d.classId) };
  if (event.type.startsWith('Activity') && event.type !== 'ActivityAssigned') return { kind: 'activity', id: str(d.activityId) };
  if (event.type === 'ActivityAssigned' || event.type.startsWith('Assignment')) return { kind: 'assignment', id: str(d.assignmentId) };
  if (event.type === 'LibraryPurged' || event.type === 'DueDatesRescheduled') return { kind: 'library', id: str(d.organizationId) };
  if (event.type.startsWith('XapiCredential')) return { kind: 'xapi-credential', id: str(d.credentialId) };
  if (event.type.startsWith('Department')) return { kind: 'department', id: str(d.departmentId) };
  if (event.type.startsWith('Team')) return { kind: 'team', id: str(d.teamId) };
  if (event.type.startsWith('User')) return { kind: 'user', id: str(d.userId) };
  if (event.type === 'SsoIdentityLinked') return { kind: 'user', id: str(d.userId) };
  if (event.type.startsWith('SsoProvider') || event.type === 'SsoIdpInitiatedSignInReceived') return { kind: 'sso-provider', id: str(d.providerId) };
  if (event.type.startsWith('Organization')) return { kind: 'organization', id: str(d.organizationId) };
  if (event.type.startsWith('Import')) return { kind: 'import', id: str(d.importId) };
  if (event.type === 'JoinRequestApproved') return { kind: 'user', id: str(d.userId) };
  if (event.type.startsWith('Language')) return { kind: 'language', id: str(d.languageId) };
  if (event.type.startsWith('DictionaryEntry')) return { kind: 'dictionary-entry', id: str(d.entryId) };
  if (event.type.startsWith('Dictionary')) return { kind: 'dictionary', id: str(d.organizationId) };
  if (event.type === 'SuperAdminRegistered') return { kind: 'super-admin', id: str(d.superAdminId) };
  if (event.type.startsWith('PlatformAuditor')) return { kind: 'platform-auditor', id: str(d.auditorId) };
  if (event.type === 'DataAccessed') return { kind: 'data', id: str(d.organizationId) };
  return { kind: 'platform', id: str(d.organizationId ?? 'platform') };
}

/** Before/after pairs: `changes: { field: { before, after } }` as edits record them, or a top-level pair. */
function changesOf(event: RecordedEvent): AuditEntry['changes'] {
  const d = event.data as Data;
  const out: AuditEntry['changes'] = [];
  const changes = d.changes as Record<string, { before: unknown; after: unknown }> | undefined;
  if (changes && typeof changes === 'object') for (const [field, c] of Object.entries(changes)) out.push({ field, before: c.before, after: c.after });
  if (event.type === 'OrganizationSessionPolicyChanged') {
    const before = d.before as Data;
    const after = d.after as Data;
    for (const field of Object.keys(after)) if (before[field] !== after[field]) out.push({ field, before: before[field], after: after[field] });
  }
  if (event.type === 'UserInvitationResent' && d.previousEmail) out.push({ field: 'email', before: d.previousEmail, after: d.email });
  if (event.type === 'OrganizationSlugChanged') out.push({ field: 'slug', before: d.before, after: d.after });
  if (event.type === 'OrganizationLanguagesChanged') out.push({ field: 'languageIds', before: d.before, after: d.after });
  if (event.type === 'ClassReassigned') out.push({ field: 'instructorId', before: d.fromInstructorId, after: d.toInstructorId });
  return out;
}

/** The entry for an event, or null for events the audit log does not show. */
export function auditEntryOf(event: RecordedEvent): AuditEntry | null {
  if (NOT_AUDITED.has(event.type)) return null;
  const m = event.metadata as Data;
  return {
    id: event.id,
    position: event.position,
    organizationId: (m.organizationId as string | null | undefined) ?? null,
    type: event.type,
    occurredAt: str(m.occurredAt ?? event.recordedAt),
    actor: { id: str(m.actorId ?? 'unknown'), kind: str(m.actorKind ?? 'unknown'), email: (m.actorEmail as string | undefined) ?? null, roles: (m.actorRoles as string[] | undefined) ?? [] },
    target: targetOf(event),
    changes: changesOf(event),
    details: redact(event.data),
    correlationId: (m.correlationId as string | undefined) ?? null,
    ip: (m.ip as string | undefined) ?? null,
    userAgent: (m.userAgent as string | undefined) ?? null,
  };
}

/** How the summary names people and classes: a label from the read models when known. */
export type LabelOf = (kind: AuditTargetKind, id: string) => string | undefined;

const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : str(v));
const shown = (v: unknown) => (v === null || v === undefined || v === '' ? '(none)' : Array.isArray(v) ? list(v) || '(none)' : typeof v === 'object' ? JSON.stringify(v) : str(v));

/** A one-line, human summary of an entry, in the words of the guide. */
export function summarize(entry: AuditEntry, labelOf: LabelOf = () => undefined): string {
  const d = entry.details;
  const user = (id: unknown) => labelOf('user', str(id)) ?? `user ${str(id).slice(0, 8)}`;
  const klass = (id: unknown) => labelOf('class', str(id)) ?? `class ${str(id).slice(0, 8)}`;
  const unit = (kind: 'department' | 'team', id: unknown) => labelOf(kind, str(id)) ?? `${kind} ${str(id).slice(0, 8)}`;
  const language = (id: unknown) => labelOf('language', str(id)) ?? `language ${str(id).slice(0, 8)}`;
  const activity = (id: unknown) => labelOf('activity', str(id)) ?? `activity ${str(id).slice(0, 8)}`;
  const users = (ids: unknown) => (Array.isArray(ids) ? ids.map(user).join(', ') : '');
  const changed = entry.changes.map((c) => `${c.field} ${shown(c.before)} → ${shown(c.after)}`).join('; ');
  switch (entry.type) {
    case 'OrganizationCreated':
      return `Created the organization "${str(d.name)}" (time zone ${str(d.timeZone)})`;
    case 'OrganizationSettingsUpdated':
      return `Changed the organization's settings: ${changed}`;
    case 'OrganizationLogoChanged':
      return 'Uploaded a new organization logo';
    case 'OrganizationLogoRemoved':
      return 'Removed the organization logo';
    case 'ImportPlanned': {
      const t = (d.totals ?? {}) as Data;
      return `Uploaded a member file${d.fileName ? ` "${str(d.fileName)}"` : ''} (dry run): ${str(t.rows)} rows, ${str(t.create)} to create, ${str(t.update)} to update, ${str(t.unchanged)} unchanged, ${str(t.error)} in error`;
    }
    case 'ImportStarted':
      return 'Started applying a member import';
    case 'ImportProgressed':
      return `Applied a member import up to row ${str(d.processed)}`;
    case 'ImportCompleted':
      return `Finished a member import: ${str(d.created)} created, ${str(d.updated)} updated`;
    case 'LanguageAdded':
      return `Added the language ${str(d.name)} (${str(d.code)})${d.supportsPronunciation ? `, with ${str(d.representationLabel)} text` : ''}`;
    case 'LanguageEdited':
      return `Edited the language ${str(((d.language ?? {}) as Data).name)}: ${changed}`;
    case 'LanguageRemoved':
      return `Removed the language ${str(d.name)} (${str(d.code)})`;
    case 'OrganizationLanguagesChanged': {
      const cleared = Array.isArray(d.archivedClassesCleared) ? d.archivedClassesCleared.length : 0;
      const names = (v: unknown) => (Array.isArray(v) && v.length ? v.map((id) => language(id)).join(', ') : '(none)');
      return `Changed the languages taught: ${names(d.before)} → ${names(d.after)}${cleared ? `; ${cleared} archived class${cleared === 1 ? '' : 'es'} no longer name a language` : ''}`;
    }
    case 'DictionaryEntryAdded':
      return `Added "${str(d.term)}" → "${str(d.translation)}" to the dictionary${d.pronunciation ? ` (${str(d.pronunciation)})` : ''}`;
    case 'DictionaryEntryEdited':
      return `Edited the dictionary entry "${str(((d.entry ?? {}) as Data).term)}": ${changed}`;
    case 'DictionaryEntryRemoved':
      return `Removed "${str(d.term)}" from the dictionary`;
    case 'DictionaryImported':
      return `Imported a dictionary file${d.fileName ? ` "${str(d.fileName)}"` : ''}: ${str(d.added)} added, ${str(d.updated)} updated, ${str(d.unchanged)} unchanged`;
    case 'DictionaryPurged':
      return 'Removed the dictionary with its organization';
    case 'ActivityAdded': {
      const license = d.license as { seats?: number; expiresAt?: string | null } | null;
      return `Added the ${str(d.kind)} activity "${str(d.title)}" to the library${license ? ` (license: ${str(license.seats)} seats${license.expiresAt ? ` until ${str(license.expiresAt)}` : ''})` : ''}`;
    }
    case 'ActivityEdited':
      return `Edited the activity "${str(((d.activity ?? {}) as Data).title)}": ${changed}`;
    case 'ActivityRetired':
      return `Retired the activity "${str(d.title)}": it is no longer assigned`;
    case 'ActivityRemoved':
      return `Removed the activity "${str(d.title)}" from the library`;
    case 'ActivityAssigned': {
      const target = (d.target ?? {}) as Data;
      const to = target.kind === 'team' ? unit('team', target.teamId) : target.kind === 'class' ? klass(target.classId) : target.kind === 'everyone' ? 'everyone' : users(target.userIds);
      const learners = Array.isArray(d.learners) ? d.learners.length : 0;
      const due = d.due as { date?: string; time?: string; timeZone?: string } | null;
      return `Assigned ${activity(d.activityId)} to ${to} (${learners} learner${learners === 1 ? '' : 's'})${due ? `, due ${str(due.date)} ${str(due.time)} ${str(due.timeZone)}` : ''}`;
    }
    case 'AssignmentExtended':
      return `${users(d.userIds)} joined and received the assignment of ${activity(d.activityId)}`;
    case 'AssignmentSeatsShort':
      return `No seat left for ${users(d.userIds)} in the assignment of ${activity(d.activityId)} (${str(d.used)} of ${str(d.seats)} seats used)`;
    case 'AssignmentCancelled':
      return `Cancelled an assignment of ${activity(d.activityId)}`;
    case 'DueDatesRescheduled': {
      const moved = Array.isArray(d.assignments) ? d.assignments.length : 0;
      return `Moved the due dates of ${moved} assignment${moved === 1 ? '' : 's'} to ${str(d.timeZone)}, each at the same local date and time`;
    }
    case 'LibraryPurged':
      return 'Removed the content library with its organization';
    case 'XapiCredentialIssued':
      return `Issued the xAPI credential "${str(d.name)}"`;
    case 'LearningDayClosed':
      return `Closed the learning day ${str(d.date)} (${str(d.timeZone)}): ${str(d.activeLearners)} active learners, ${str(d.statements)} statements, ${str(d.completions)} completions`;
    case 'XapiCredentialRevoked':
      return `Revoked the xAPI credential "${str(d.name)}": statements sent with it are refused from now on`;
    case 'ClassStudentsAdded':
      return `Added ${users(d.userIds)} to ${klass(d.classId)} as students`;
    case 'ClassStudentRemoved':
      return `Removed ${user(d.userId)} from ${klass(d.classId)}`;
    case 'JoinRequested':
      return `${str(d.firstName)} ${str(d.lastName)} <${str(d.email)}> asked to join (self-registration)`;
    case 'JoinRequestApproved':
      return `Approved the join request of ${user(d.userId)}`;
    case 'JoinRequestRejected':
      return `Declined the join request of ${str(d.email)}: ${str(d.reason)}`;
    case 'EmailDomainAdded':
      return `Added the email domain ${str(d.domain)} (pending verification)`;
    case 'EmailDomainVerified':
      return `Verified the email domain ${str(d.domain)} by its DNS TXT record`;
    case 'EmailDomainRemoved':
      return `Removed the email domain ${str(d.domain)}${d.wasVerified ? ' (it was verified)' : ''}`;
    case 'OrganizationSettingsChanged':
      return `Changed settings: ${changed}`;
    case 'OrganizationSlugChanged':
      return d.redirectUntil
        ? `Changed the slug from "${str(d.before)}" to "${str(d.after)}" (the old one leads here until ${str(d.redirectUntil)})`
        : `Set the slug "${str(d.after)}"`;
    case 'OrganizationDeletionRequested':
      return `Asked for the deletion of the organization "${str(d.name)}": suspended now, restorable until ${str(d.purgeAt)}`;
    case 'OrganizationRestored':
      return 'Restored the organization: its deletion is cancelled';
    case 'OrganizationPurged':
      return 'Purged the organization: removed from every read model, its members\' emails and its slugs freed';
    case 'OrganizationMarkedInArrears':
      return 'Marked the organization in arrears: its members can no longer sign in';
    case 'OrganizationArrearsCleared':
      return 'Cleared the organization\'s arrears: its members can sign in again';
    case 'OrganizationSessionPolicyChanged':
      return `Changed the session policy: ${changed}`;
    case 'OrganizationIpRestrictionsChanged': {
      const after = (d.after ?? []) as string[];
      return after.length === 0 ? 'Lifted the IP restrictions: members may come from anywhere' : `Restricted members to ${after.length} IP range${after.length === 1 ? '' : 's'}: ${after.join(', ')}`;
    }
    case 'UserInvited':
      return `Invited ${str(d.firstName)} ${str(d.lastName)} <${str(d.email)}> as ${list(d.roles)}`;
    case 'UserInvitationResent':
      return `Sent a new setup link to ${str(d.email)}${d.previousEmail ? ` (email corrected from ${str(d.previousEmail)})` : ''}`;
    case 'UserSetupCompleted':
      return `${user(d.userId)} completed account setup`;
    case 'PasswordChanged':
      return `${user(d.userId)} changed their password`;
    case 'UserEdited':
      return `${d.via === 'ownership-transfer' ? 'Ownership transfer: edited' : 'Edited'} ${user(d.userId)}: ${changed}`;
    case 'ClassReassigned':
      return `Moved ${klass(d.classId)} from ${user(d.fromInstructorId)} to ${user(d.toInstructorId)}`;
    case 'UserDeactivated':
      return `Deactivated ${user(d.userId)}${d.classesReassignedTo ? `; classes moved to ${user(d.classesReassignedTo)}` : ''}`;
    case 'UserReactivated':
      return `Reactivated ${user(d.userId)}`;
    case 'UserSessionsEnded':
      return `Signed ${user(d.userId)} out of every session`;
    case 'UserDeleted':
      return `Deleted the pending user ${str(d.email)}`;
    case 'RetentionApplied': {
      const members = Array.isArray(d.erasedMembers) ? d.erasedMembers.length : 0;
      const months = (v: unknown) => (Array.isArray(v) && v.length ? v.join(', ') : '(none)');
      return `Applied the retention policy: ${members} deactivated member${members === 1 ? '' : 's'} erased; access records of ${months(d.accessRecordMonths)} and learning records of ${months(Object.keys((d.learningRecordKeys ?? {}) as object))} erased`;
    }
    case 'PlatformAccountErased':
      return `Erased the personal data of the removed platform account ${str(d.accountId)}`;
    case 'UserRemoved': {
      const handling = { keep: 'their records kept', transfer: `what they held moved to ${user(d.transferredTo)}`, erase: 'their personal data to be erased' }[str(d.dataHandling)] ?? str(d.dataHandling);
      return `Removed ${user(d.userId)} from the organization: ${handling}`;
    }
    case 'UserErased':
      // By id alone: the person's name and address are what was erased.
      return `Erased the personal data of user ${str(d.userId)}`;
    case 'ClassCreated':
      return `Created the class "${str(d.name)}" taught by ${user(d.instructorId)}${d.languageId ? ` in ${language(d.languageId)}` : ''}`;
    case 'ClassEdited':
      return `Edited ${klass(d.classId)}: ${changed}`;
    case 'ClassArchived':
      return `Archived ${klass(d.classId)}`;
    case 'DepartmentCreated':
      return `Created the department "${str(d.name)}"${d.parentId ? ` under ${unit('department', d.parentId)}` : ''}`;
    case 'DepartmentEdited':
      return `Edited ${unit('department', d.departmentId)}: ${changed}`;
    case 'DepartmentDeleted':
      return `Deleted the department "${str(d.name)}"`;
    case 'TeamCreated':
      return `Created the team "${str(d.name)}"${d.departmentId ? ` in ${unit('department', d.departmentId)}` : ''}`;
    case 'TeamEdited':
      return `Edited ${unit('team', d.teamId)}: ${changed}`;
    case 'TeamDeleted':
      return `Deleted the team "${str(d.name)}" (its members stay in the organization)`;
    case 'TeamMembersAdded':
      return `Added ${users(d.userIds)} to ${unit('team', d.teamId)}`;
    case 'TeamMemberRemoved':
      return `Removed ${user(d.userId)} from ${unit('team', d.teamId)}`;
    case 'SsoProviderAdded': {
      const settings = (d.settings ?? {}) as Data;
      return `Added the ${str(settings.protocol).toUpperCase()} SSO provider "${str(settings.displayName)}" (${settings.enabled ? 'active' : 'disabled'})`;
    }
    case 'SsoProviderUpdated':
      return `Edited the SSO provider "${str(((d.settings ?? {}) as Data).displayName)}": ${[changed, d.secretReplaced ? 'client secret replaced' : ''].filter(Boolean).join('; ')}`;
    case 'SsoProviderRemoved': {
      const unlinked = Array.isArray(d.unlinkedUserIds) ? d.unlinkedUserIds.length : 0;
      return `Deleted the SSO provider "${str(d.displayName)}" and its ${unlinked} identity link${unlinked === 1 ? '' : 's'}`;
    }
    case 'SsoIdentityLinked':
      return d.method === 'admin'
        ? `Linked ${user(d.userId)} to an SSO identity by hand (${str(d.email)})`
        : `Linked ${user(d.userId)} to an SSO identity by verified email ${str(d.email)}`;
    case 'SsoIdpInitiatedSignInReceived':
      return `Received an IdP-initiated SSO sign-in for ${str(d.email)}, sent on to sign in through the service`;
    case 'SuperAdminRegistered':
      return `Registered the super admin ${str(d.email)} (${d.method === 'environment' ? 'from the environment' : 'through the setup link'})`;
    case 'BootstrapLinkIssued':
      return 'Issued the one-time setup link for the first super admin';
    case 'PlatformAuditorInvited':
      return `Invited ${str(d.firstName)} ${str(d.lastName)} <${str(d.email)}> as platform ${d.role === 'analyst' ? 'analyst' : 'auditor'}`;
    case 'PlatformAuditorSetupCompleted':
      return `Platform auditor ${str(d.email)} completed account setup`;
    case 'PlatformAuditorRemoved':
      return `Removed the platform auditor ${str(d.email)}`;
    case 'PlatformPasswordChanged':
      return 'Changed their own password';
    case 'DataAccessed': {
      const detail = (d.detail ?? {}) as Data;
      switch (d.what) {
        case 'member-list-export':
          return `Exported the member list (${str(detail.rows)} rows)`;
        case 'audit-export':
          return `Exported the audit trail${detail.format ? ` as ${str(detail.format)}` : ''}${detail.from || detail.to ? ` from ${str(detail.from ?? 'the start')} to ${str(detail.to ?? 'now')}` : ''}`;
        case 'audit-log-view':
          return 'Viewed the audit log';
        case 'personal-data-export':
          return `Exported the personal data of ${str(detail.label ?? detail.userId)} (${str(detail.format)})`;
        case 'ip-refused':
          return `Refused ${str(detail.method)} ${str(detail.path)} from ${str(detail.ip)}: outside the organization's IP ranges`;
        default:
          return `Accessed ${str(d.what)}`;
      }
    }
    default:
      return entry.type.replace(/([a-z])([A-Z])/g, '$1 $2');
  }
}
