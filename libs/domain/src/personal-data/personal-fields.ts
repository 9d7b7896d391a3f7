/**
 * Which values of an event are personal data, and whose (issue 20: erasure by
 * crypto-shredding). The write side seals each of these values with a key of its own
 * for the person it is about (the "subject") before the event enters the log; erasing the
 * person destroys that key, and from then on the value reads as its erased form.
 *
 * Everything else stays in clear on purpose: ids, roles, statuses, timestamps and counts
 * are what projections and the audit trail work from, and they identify no one without
 * the personal values beside them.
 *
 * A subject is a string a key is kept under: a user's id for what is about a member or a
 * platform account, `join-request:<id>` for a request made before the person was a
 * member, `sso:<provider> <subject>` for an identity-provider account, and
 * `organization-contacts:<id>` for the organization's contact people. Subjects that are
 * not ids of this service are hashed by the key store before they are stored.
 */

/**
 * How a value reads once its key is destroyed:
 * - `email`: `erased-<subject id>@erased.invalid`, so it stays a unique, valid address;
 * - `name`, `text`: "erased";
 * - `ip`, `identifier`: null;
 * - `agent`: an xAPI agent naming no one;
 * - `contact`: the contact with every field null.
 */
export type PersonalKind = 'email' | 'name' | 'text' | 'ip' | 'identifier' | 'agent' | 'contact';

type Data = Record<string, unknown>;

export interface PersonalField {
  /** Where the value is: in the event's data or its metadata, and the path inside. */
  in: 'data' | 'metadata';
  path: readonly string[];
  kind: PersonalKind;
  /** Whose it is; null when the event names no one to key it to (the value is then left in clear). */
  subject: string | null;
  /**
   * A second key the value is sealed under, around the first: the month's records of a
   * kind the organization keeps for a time (retention). Destroying either key erases it:
   * the person's at their erasure, the month's when retention ends it.
   */
  bucket?: string;
}

export const ERASED = 'erased';
export const ERASED_DOMAIN = 'erased.invalid';

export const joinRequestSubject = (requestId: string): string => `join-request:${requestId}`;
export const ssoSubject = (providerId: string, subject: string): string => `sso:${providerId} ${subject}`;
export const organizationContactsSubject = (organizationId: string): string => `organization-contacts:${organizationId}`;
/** One month (`2026-11`) of an organization's access records, or of its learning records (retention, issue 20). */
export const accessRecordsSubject = (organizationId: string, month: string): string => `access-records:${organizationId}:${month}`;
export const learningRecordsSubject = (organizationId: string, month: string): string => `learning-records:${organizationId}:${month}`;

/** The retention bucket of an event's personal values: the month it happened in, for records kept for a time. */
function bucketOf(event: { type: string; data: Data; metadata: Data }): string | undefined {
  const organizationId = str(event.data.organizationId) ?? str(event.metadata.organizationId);
  const month = typeof event.metadata.occurredAt === 'string' && /^\d{4}-\d{2}/.test(event.metadata.occurredAt) ? event.metadata.occurredAt.slice(0, 7) : null;
  if (!organizationId || !month) return undefined;
  if (event.type === 'DataAccessed') return accessRecordsSubject(organizationId, month);
  if (event.type === 'XapiStatementStored') return learningRecordsSubject(organizationId, month);
  return undefined;
}

/** The id a subject names, for the erased form of an email: the part after its prefix. */
const shortIdOf = (subject: string): string => (subject.includes(':') ? subject.slice(subject.indexOf(':') + 1) : subject).replace(/[^A-Za-z0-9-]/g, '').slice(0, 64) || 'someone';

/** What a personal value of this kind reads as once its subject is erased. */
export function erasedValue(kind: PersonalKind, subject: string): unknown {
  switch (kind) {
    case 'email':
      return `${ERASED}-${shortIdOf(subject)}@${ERASED_DOMAIN}`;
    case 'name':
    case 'text':
      return ERASED;
    case 'ip':
    case 'identifier':
      return null;
    case 'agent':
      // An xAPI agent must have one identifier: an account on a home page that says so.
      return { objectType: 'Agent', account: { homePage: `https://${ERASED_DOMAIN}`, name: shortIdOf(subject) } };
    case 'contact':
      return null;
  }
}

/** Whether an email is the erased form of one (an erased person cannot sign in or be written to). */
export const isErasedEmail = (email: string): boolean => email.endsWith(`@${ERASED_DOMAIN}`);

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

type FieldSpec = readonly [path: string, kind: PersonalKind];
interface TypeSpec {
  subject: (data: Data, metadata: Data) => string | null;
  fields: readonly FieldSpec[];
}

const byUser: TypeSpec['subject'] = (d) => str(d.userId);
const NAME_CHANGES: FieldSpec[] = [
  ['changes.firstName.before', 'name'],
  ['changes.firstName.after', 'name'],
  ['changes.lastName.before', 'name'],
  ['changes.lastName.after', 'name'],
];
const CONTACT_CHANGES: FieldSpec[] = [
  ['changes.primaryContact.before', 'contact'],
  ['changes.primaryContact.after', 'contact'],
  ['changes.billingContact.before', 'contact'],
  ['changes.billingContact.after', 'contact'],
];

/**
 * The personal values of each event type that has any. A new event type that carries a
 * name, an email, an address or an identifier must be listed here (the erasure e2e test
 * searches the data directory for what it missed).
 */
const TYPES: Readonly<Record<string, TypeSpec>> = {
  UserInvited: { subject: byUser, fields: [['email', 'email'], ['firstName', 'name'], ['lastName', 'name']] },
  UserInvitationResent: { subject: byUser, fields: [['email', 'email'], ['previousEmail', 'email']] },
  UserEdited: { subject: byUser, fields: [...NAME_CHANGES, ['profile.firstName', 'name'], ['profile.lastName', 'name']] },
  UserDeleted: { subject: byUser, fields: [['email', 'email']] },
  JoinRequested: { subject: (d) => (str(d.requestId) ? joinRequestSubject(d.requestId as string) : null), fields: [['email', 'email'], ['firstName', 'name'], ['lastName', 'name']] },
  JoinRequestRejected: { subject: (d) => (str(d.requestId) ? joinRequestSubject(d.requestId as string) : null), fields: [['email', 'email'], ['firstName', 'name'], ['reason', 'text']] },
  SsoIdentityLinked: { subject: byUser, fields: [['email', 'email'], ['subject', 'identifier']] },
  SsoIdpInitiatedSignInReceived: {
    subject: (d) => (str(d.providerId) && str(d.subject) ? ssoSubject(d.providerId as string, d.subject as string) : null),
    fields: [['email', 'email'], ['subject', 'identifier']],
  },
  SuperAdminRegistered: { subject: (d) => str(d.superAdminId), fields: [['email', 'email']] },
  PlatformAuditorInvited: { subject: (d) => str(d.auditorId), fields: [['email', 'email'], ['firstName', 'name'], ['lastName', 'name']] },
  PlatformAuditorSetupCompleted: { subject: (d) => str(d.auditorId), fields: [['email', 'email']] },
  PlatformAuditorRemoved: { subject: (d) => str(d.auditorId), fields: [['email', 'email']] },
  EmailReserved: { subject: (d) => str(d.ownerId), fields: [['email', 'email']] },
  EmailReleased: { subject: (d) => str(d.ownerId), fields: [['email', 'email']] },
  OrganizationCreated: {
    subject: (d) => (str(d.organizationId) ? organizationContactsSubject(d.organizationId as string) : null),
    fields: [['profile.primaryContact', 'contact'], ['profile.billingContact', 'contact']],
  },
  OrganizationSettingsUpdated: { subject: (d) => (str(d.organizationId) ? organizationContactsSubject(d.organizationId as string) : null), fields: CONTACT_CHANGES },
  // A statement is the learner's record: what it says about anyone is keyed to them.
  XapiStatementStored: {
    subject: (d) => str(d.userId) ?? (str(d.agentKey) && str(d.organizationId) ? `xapi-agent:${d.organizationId as string} ${d.agentKey as string}` : null),
    fields: [
      ['agentKey', 'text'],
      ['statement.actor', 'agent'],
      ['statement.context.instructor', 'agent'],
      ['statement.result.response', 'text'],
    ],
  },
  // The person whose data was read (a name and address label); a refused request's address is its sender's.
  DataAccessed: { subject: (d) => str((d.detail as Data | undefined)?.userId), fields: [['detail.label', 'text']] },
};

/** Who did it, from where: personal data of the actor in every event's metadata. */
const METADATA_FIELDS: readonly FieldSpec[] = [
  ['actorEmail', 'email'],
  ['ip', 'ip'],
  ['userAgent', 'text'],
];

const split = (path: string): readonly string[] => path.split('.');
const SPLIT_TYPES = new Map(Object.entries(TYPES).map(([type, spec]) => [type, spec.fields.map(([path, kind]) => ({ path: split(path), kind }))]));
const SPLIT_METADATA = METADATA_FIELDS.map(([path, kind]) => ({ path: split(path), kind }));
const DETAIL_IP = split('detail.ip');

/** The value at a path, or undefined when any step is missing. */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Data)[step];
  }
  return value;
}

/**
 * The personal values an event holds (only those present and not null), each with its
 * subject. The object given is only read.
 */
export function personalFieldsOf(event: { type: string; data: Data; metadata: Data }): PersonalField[] {
  const out: PersonalField[] = [];
  const actor = str(event.metadata.actorId);
  for (const field of SPLIT_METADATA) if (present(valueAt(event.metadata, field.path))) out.push({ in: 'metadata', path: field.path, kind: field.kind, subject: actor });
  const spec = TYPES[event.type];
  if (spec) {
    const subject = spec.subject(event.data, event.metadata);
    for (const field of SPLIT_TYPES.get(event.type)!) if (present(valueAt(event.data, field.path))) out.push({ in: 'data', path: field.path, kind: field.kind, subject });
  }
  // A refused request's address belongs to whoever sent it (the actor).
  if (event.type === 'DataAccessed' && present(valueAt(event.data, DETAIL_IP))) out.push({ in: 'data', path: DETAIL_IP, kind: 'ip', subject: actor });
  const bucket = bucketOf(event);
  if (bucket) for (const field of out) field.bucket = bucket;
  return out;
}

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/** Whether events of this type can carry personal values in their data (every type can in its metadata). */
export const hasPersonalData = (type: string): boolean => type in TYPES;
