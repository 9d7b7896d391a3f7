import type { OpenAPIObject } from '@nestjs/swagger';
import { errorEntry, type ErrorCode } from '#domain';

/**
 * What the generated OpenAPI document cannot know from the DTOs alone: each operation's
 * name, summary and description, the shape of what it answers, the problem responses
 * it can give, and the headers it reads and writes. Kept as one table beside the
 * routes' permissions, so a client generator gets a document it can trust; a test
 * validates the result and fails on an operation missing here.
 */
type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const int = (extra: Schema = {}): Schema => ({ type: 'integer', ...extra });
const nullableStr = (extra: Schema = {}): Schema => ({ type: 'string', nullable: true, ...extra });
const obj = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const page = (item: string): Schema =>
  obj({ items: { type: 'array', items: ref(item) }, total: int(), page: int({ minimum: 1 }), pageSize: int({ enum: [10, 25, 50, 100] }) });

/** Response shapes, written once and referred to by the table below. */
const SCHEMAS: Record<string, Schema> = {
  FieldError: obj({ field: str(), message: str() }),
  ProblemDetails: {
    ...obj({ type: str(), title: str(), status: int(), detail: str(), code: str({ description: 'Stable, kebab-case: what clients branch on' }) }),
    properties: {
      type: str({ example: 'urn:problem:organization-service:validation-failed' }),
      title: str(),
      status: int(),
      detail: str(),
      code: str({ description: 'Stable, kebab-case: what clients branch on' }),
      instance: str(),
      errors: { type: 'array', items: ref('FieldError'), description: 'With validation-failed: every field that was refused' },
    },
  },
  PendingDeletion: {
    ...obj({ requestedAt: str({ format: 'date-time' }), purgeAt: str({ format: 'date-time', description: 'The purge: the first midnight in the organization time zone 30 days on; restorable until then' }) }),
    nullable: true,
    description: 'Set while a deletion waits (the organization is suspended); null otherwise',
  },
  Organization: obj({
    id: str({ format: 'uuid' }),
    name: str(),
    slug: nullableStr({ description: 'Unique platform-wide; null for organizations from before slugs until an admin chooses one' }),
    languageIds: { type: 'array', items: str(), description: 'The languages it teaches, its default first' },
    description: nullableStr(),
    deletion: ref('PendingDeletion'),
    timeZone: str({ example: 'America/Chicago' }),
    logoUrl: nullableStr({ description: 'Public, content-addressed: /logos/<sha256>.<ext>' }),
    inArrearsAt: nullableStr({ format: 'date-time' }),
    userCount: int(),
    classCount: int(),
    departmentCount: int(),
    teamCount: int(),
    sessionPolicy: obj({ idleTimeoutMinutes: int(), absoluteTimeoutHours: int() }),
    revision: int({ description: "The profile's version: also the ETag, for If-Match" }),
    createdAt: str({ format: 'date-time' }),
    updatedAt: str({ format: 'date-time' }),
  }),
  OrganizationListItem: obj({
    id: str({ format: 'uuid' }),
    name: str(),
    slug: nullableStr(),
    description: nullableStr(),
    inArrearsAt: nullableStr({ format: 'date-time' }),
    deletion: ref('PendingDeletion'),
  }),
  OrganizationPage: page('OrganizationListItem'),
  LanguagePage: page('LanguageView'),
  DictionaryPage: page('DictionaryEntryView'),
  DictionaryImportTotals: obj({ rows: int(), add: int(), update: int(), unchanged: int(), error: int({ description: 'Rows with at least one error' }) }),
  DictionaryImportError: obj({ line: int(), field: str(), message: str() }),
  DictionaryImportAnswer: {
    type: 'object',
    properties: {
      dryRun: { type: 'boolean' },
      totals: ref('DictionaryImportTotals'),
      unknownColumns: { type: 'array', items: str() },
      errors: { type: 'array', items: ref('DictionaryImportError'), description: 'Dry run: every error of every row, by line' },
      rows: { type: 'array', items: { type: 'object' }, description: 'Dry run: the first 100 rows, each add, update, unchanged or error' },
      revision: int({ description: "After an import: the dictionary stream's revision" }),
      position: int({ description: 'After an import: the log position to read your writes with (minPosition)' }),
    },
    required: ['dryRun', 'totals', 'unknownColumns'],
  },
  JoinRequestList: obj({ items: { type: 'array', items: ref('JoinRequestView') } }),
  EmailDomainList: obj({ items: { type: 'array', items: ref('EmailDomainView') } }),
  ImportTotals: obj({ rows: int(), create: int(), update: int(), unchanged: int(), error: int() }),
  ImportRow: {
    type: 'object',
    properties: {
      line: int(),
      email: str(),
      action: str({ enum: ['create', 'update', 'unchanged', 'error'] }),
      userId: str({ format: 'uuid' }),
      target: { type: 'object', description: 'create and update: the member as the row wants them (teams to join)' },
      changes: { type: 'object', description: 'update: each field that changes, before and after' },
      errors: { type: 'array', items: ref('FieldError') },
    },
    required: ['line', 'email', 'action'],
  },
  ImportRowPage: page('ImportRow'),
  ImportDryRun: obj({
    id: str({ format: 'uuid' }),
    status: str({ enum: ['planned'] }),
    totals: ref('ImportTotals'),
    unknownColumns: { type: 'array', items: str() },
    errors: { type: 'array', items: ref('ImportRow'), description: 'Every row in error (the first 1,000)' },
    rows: { type: 'array', items: ref('ImportRow'), description: 'The first 100 rows; all of them at /rows' },
  }),
  Import: obj({
    id: str({ format: 'uuid' }),
    status: str({ enum: ['planned', 'applying', 'applied'] }),
    totals: ref('ImportTotals'),
    processed: int(),
    total: int(),
    running: { type: 'boolean' },
    failures: { type: 'array', items: obj({ line: int(), code: str(), message: str() }) },
    created: int(),
    updated: int(),
  }),
  DirectoryEntry: obj({ slug: str(), name: str(), type: str({ enum: ['company', 'educational', 'professional-services', 'community'] }), logoUrl: nullableStr() }),
  DirectoryPage: page('DirectoryEntry'),
  OrganizationSettings: {
    type: 'object',
    description: 'See PATCH for each field; effectiveFeatures are those turned on and allowed',
    properties: {
      id: str({ format: 'uuid' }),
      visibility: str({ enum: ['public', 'private', 'hidden'] }),
      membershipPolicy: str({ enum: ['open', 'approval', 'invite-only'] }),
      selfRegistration: str({ enum: ['domain', 'approval', 'disabled'] }),
      branding: { type: 'object' },
      features: { type: 'object', additionalProperties: { type: 'boolean' } },
      allowances: { type: 'object' },
      effectiveFeatures: { type: 'object', additionalProperties: { type: 'boolean' } },
      effectiveCustomCss: nullableStr(),
      policies: { type: 'object' },
      sessionPolicy: obj({ idleTimeoutMinutes: int(), absoluteTimeoutHours: int() }),
      warnings: { type: 'array', items: ref('FieldError') },
      revision: int({ description: "The settings' version: also the ETag, for If-Match" }),
    },
    required: ['id', 'visibility', 'membershipPolicy', 'selfRegistration', 'branding', 'features', 'allowances', 'effectiveFeatures', 'policies', 'sessionPolicy', 'warnings', 'revision'],
  },
  UserListItem: obj({
    id: str({ format: 'uuid' }),
    email: str(),
    firstName: str(),
    lastName: str(),
    roles: { type: 'array', items: str({ enum: ['owner', 'admin', 'instructor', 'auditor', 'analyst', 'member'] }) },
    status: str({ enum: ['setupPending', 'active', 'deactivated'] }),
    teamIds: { type: 'array', items: str({ format: 'uuid' }), description: 'The teams they are in' },
  }),
  User: { allOf: [ref('UserListItem'), obj({ revision: int({ description: "The user's version: also the ETag, for If-Match" }) })] },
  UserPage: { allOf: [page('UserListItem'), { type: 'object', properties: { asOf: str({ format: 'date-time' }) } }] },
  UserList: obj({ items: { type: 'array', items: ref('UserListItem') } }),
  ClassListItem: obj({ id: str({ format: 'uuid' }), name: str(), instructorId: str({ format: 'uuid' }), status: str({ enum: ['active', 'archived'] }), languageId: nullableStr({ description: 'The language it is taught in, one the organization teaches' }) }),
  Class: { allOf: [ref('ClassListItem'), obj({ studentIds: { type: 'array', items: str({ format: 'uuid' }) }, revision: int({ description: "The class's version: also the ETag, for If-Match" }) })] },
  ActivityPage: page('ActivityView'),
  ActivityCategories: obj({ items: { type: 'array', items: obj({ category: nullableStr(), activities: int() }) } }),
  AssignmentView: obj({
    id: str({ format: 'uuid' }),
    activityId: str({ format: 'uuid' }),
    target: { type: 'object', description: '{ kind: members, userIds } | { kind: team, teamId } | { kind: class, classId } | { kind: everyone }' },
    learnerCount: int(),
    waitingForSeat: { type: 'array', items: str(), description: 'Joiners a licensed activity had no seat for' },
    due: { type: 'object', nullable: true, description: "{ date, time, timeZone, at }: the day and time in the organization's time zone, and the instant" },
    assignedAt: str({ format: 'date-time' }),
    status: str({ enum: ['open', 'cancelled'] }),
    revision: int(),
  }),
  AssignmentDetail: { allOf: [ref('AssignmentView'), obj({ learnerIds: { type: 'array', items: str() } })] },
  AssignmentPage: page('AssignmentView'),
  ClassPage: page('ClassListItem'),
  Department: obj({
    id: str({ format: 'uuid' }),
    name: str(),
    description: nullableStr(),
    parentId: nullableStr({ format: 'uuid' }),
    leaderIds: { type: 'array', items: str({ format: 'uuid' }), description: 'Its department admins' },
    revision: int({ description: "The department's version: also the ETag, for If-Match" }),
  }),
  Team: obj({
    id: str({ format: 'uuid' }),
    name: str(),
    description: nullableStr(),
    departmentId: nullableStr({ format: 'uuid' }),
    leaderIds: { type: 'array', items: str({ format: 'uuid' }), description: 'Its team leaders' },
    memberCount: int(),
    revision: int({ description: "The team's version: also the ETag, for If-Match" }),
  }),
  DepartmentNode: {
    allOf: [
      ref('Department'),
      obj({
        teamCount: int({ description: 'Teams anywhere under it' }),
        memberCount: int({ description: 'People in those teams, each once' }),
        departments: { type: 'array', items: ref('DepartmentNode') },
        teams: { type: 'array', items: ref('Team') },
      }),
    ],
  },
  Structure: obj({
    departments: { type: 'array', items: ref('DepartmentNode'), description: 'The top departments, each with its subtree' },
    teams: { type: 'array', items: ref('Team'), description: 'Teams in no department' },
    totals: obj({ departments: int(), teams: int(), membersInTeams: int() }),
  }),
  SsoProvider: {
    type: 'object',
    required: ['id', 'organizationId', 'displayName', 'protocol', 'issuer', 'allowedDomains', 'enabled', 'requireSso', 'autoLinkVerifiedEmail', 'revision'],
    properties: {
      id: str({ format: 'uuid' }),
      organizationId: str({ format: 'uuid' }),
      displayName: str(),
      protocol: str({ enum: ['oidc', 'saml'] }),
      issuer: str(),
      allowedDomains: { type: 'array', items: str() },
      domains: str({ description: 'The guide\'s column: the domains, or "Any verified email"' }),
      anyVerifiedEmail: { type: 'boolean' },
      enabled: { type: 'boolean' },
      status: str({ enum: ['Active', 'Disabled'] }),
      requireSso: { type: 'boolean' },
      autoLinkVerifiedEmail: { type: 'boolean' },
      allowIdpInitiated: { type: 'boolean', description: 'SAML: unsolicited responses accepted (and recorded) for the allowed domains' },
      createdAt: str({ format: 'date-time' }),
      updatedAt: str({ format: 'date-time' }),
      revision: int({ description: "The provider's version: also the ETag, for If-Match" }),
      clientId: nullableStr({ description: 'OIDC' }),
      scopes: { type: 'array', items: str(), description: 'OIDC' },
      clientSecretSet: { type: 'boolean', description: 'OIDC: the secret itself is never returned' },
      redirectUri: str({ description: 'OIDC: give this to the identity provider' }),
      ssoUrl: nullableStr({ description: 'SAML' }),
      idpCertificate: nullableStr({ description: 'SAML' }),
      spEntityId: str({ description: 'SAML' }),
      acsUrl: str({ description: 'SAML' }),
      metadataUrl: str({ description: 'SAML' }),
    },
  },
  SsoProviderPage: page('SsoProvider'),
  SsoDiscovery: {
    type: 'object',
    required: ['ssoRequired'],
    properties: { ssoRequired: { type: 'boolean' }, providerId: str({ format: 'uuid' }), displayName: str(), protocol: str({ enum: ['oidc', 'saml'] }), loginPath: str() },
  },
  Me: obj({
    id: str(),
    email: str(),
    user: { type: 'object', additionalProperties: true },
    isSuperAdmin: { type: 'boolean' },
    organizationId: nullableStr({ format: 'uuid' }),
    organization: { type: 'object', nullable: true, properties: { id: str(), name: str(), timeZone: str() } },
    roles: { type: 'array', items: str() },
  }),
  SetupResult: obj({ id: str({ format: 'uuid' }), revision: int(), position: int() }),
  AuditEntry: obj({
    id: str({ format: 'uuid' }),
    position: int(),
    occurredAt: str({ format: 'date-time' }),
    actor: obj({ id: str(), kind: str(), email: nullableStr(), roles: { type: 'array', items: str() } }),
    type: str({ example: 'UserDeactivated' }),
    summary: str(),
    target: obj({ kind: str(), id: str(), label: nullableStr() }),
    changes: { type: 'array', items: obj({ field: str(), before: {}, after: {} }) },
    details: { type: 'object', additionalProperties: true },
    ip: nullableStr(),
    userAgent: nullableStr(),
    correlationId: nullableStr(),
  }),
  AuditPage: page('AuditEntry'),
  AuditVerification: obj({
    organizationId: str({ format: 'uuid' }),
    intact: { type: 'boolean' },
    checkedEvents: int(),
    streams: int(),
    firstBreak: {
      type: 'object',
      nullable: true,
      properties: {
        position: int(),
        streamName: str(),
        revision: int(),
        reason: str({ enum: ['missing-hash', 'previous-hash-mismatch', 'content-hash-mismatch', 'revision-gap', 'log-position-gap'] }),
      },
    },
  }),
  PlatformAuditor: obj({ id: str({ format: 'uuid' }), email: str(), firstName: str(), lastName: str(), status: str() }),
  PlatformAuditorList: obj({ items: { type: 'array', items: ref('PlatformAuditor') }, total: int() }),
  Health: { type: 'object', properties: { status: str({ enum: ['ok', 'error'] }), info: { type: 'object', additionalProperties: true }, error: { type: 'object', additionalProperties: true }, details: { type: 'object', additionalProperties: true } } },
};

interface OperationDoc {
  operationId: string;
  summary: string;
  description: string;
  /** The success status and what it carries (a schema name, or a media type map). */
  success?: { status: number; schema?: string; content?: Record<string, Schema>; description?: string; headers?: string[] };
  /** Codes beyond the ones every route of its kind can give; each is listed under its status from the error catalogue. */
  errors?: ErrorCode[];
  /** Takes If-Match (the resource's ETag) and can answer 412. */
  ifMatch?: boolean;
  /** Answers with the resource's ETag. */
  etag?: boolean;
  requestBody?: Record<string, Schema>;
}

const binary = { schema: { type: 'string', format: 'binary' } };
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff', 'application/octet-stream'];

export const OPERATIONS: Record<string, OperationDoc> = {
  'POST /auth/login': {
    operationId: 'signIn',
    summary: 'Sign in with email and password',
    description: 'Starts a session. An unknown email and a wrong password answer alike. Attempts are counted before the password is checked: past 5 per account or 30 per IP in 15 minutes the answer is 429 with Retry-After.',
    success: { status: 200, schema: 'LoginResponse' },
    errors: ['invalid-credentials', 'account-deactivated', 'organization-suspended', 'sso-required', 'too-many-attempts', 'ip-not-allowed'],
  },
  'POST /auth/password': {
    operationId: 'changePassword',
    summary: 'Change one\'s own password',
    description:
      'Checks the current password (attempts counted with sign-in\'s, per account: past 5 in 15 minutes the answer is 429 with Retry-After) and the new one against the password policy, with the organization\'s minimum length for its members. Every session of the account ends, this one too; the answer is a new session. An Idempotency-Key is not replayed.',
    success: { status: 200, schema: 'LoginResponse' },
    errors: ['current-password-incorrect', 'password-policy', 'too-many-attempts'],
  },
  'POST /auth/logout': { operationId: 'signOut', summary: 'Sign out', description: 'Ends this session only.', success: { status: 204, description: 'Signed out' } },
  'GET /auth/me': { operationId: 'getMe', summary: 'Who is signed in', description: 'The signed-in person, their organization and roles, and whether they are a super admin.', success: { status: 200, schema: 'Me' } },
  'GET /time-zones': {
    operationId: 'searchTimeZones',
    summary: 'Time zones for a picker: search by city, region or name',
    description:
      "IANA zones (canonical ids, as organizations store them) with their main cities (largest first), country, generic name (\"Central Time\"), and their offset and abbreviation now. `search` matches a city, the generic name, the country, the zone's ids and aliases or the continent, without regard to case or accents; an exact city comes first, then larger cities. Anyone signed in. The answer carries an ETag; If-None-Match answers 304.",
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
    errors: [],
  },
  'POST /auth/setup': {
    operationId: 'completeSetup',
    summary: 'Set a password through a setup link',
    description: 'Completes an invitation (or the first super admin\'s bootstrap link, which also needs `email`). A form post from the setup page is answered with a page instead of JSON.',
    success: { status: 201, schema: 'SetupResult' },
    errors: ['setup-link-invalid'],
  },
  'GET /setup': {
    operationId: 'showSetupPage',
    summary: 'The setup page a mailed link opens',
    description: 'A small HTML page, branded with the organization\'s name and logo, where the invitee chooses a password. 404 for an unknown link and 410 for an expired one, as pages.',
    success: { status: 200, content: { 'text/html': { schema: str() } } },
  },
  'GET /audit/verify': {
    operationId: 'verifyAuditTrail',
    summary: "Verify an organization's hash chains",
    description: 'Recomputes the hash chain of every stream the organization wrote to, from the event log itself, and reports the first position where it breaks.',
    success: { status: 200, schema: 'AuditVerification' },
  },
  'GET /organizations/{orgId}/audit': {
    operationId: 'listAuditEntries',
    summary: "An organization's audit log",
    description: 'Who did what, when, from where, with each changed field before and after. Filters by actor, target, type and time; viewing it is itself recorded.',
    success: { status: 200, schema: 'AuditPage' },
  },
  'GET /platform/audit': {
    operationId: 'listPlatformAuditEntries',
    summary: "The platform's own audit log",
    description: 'Super admins, platform auditors and platform-wide exports; the same filters as an organization\'s.',
    success: { status: 200, schema: 'AuditPage' },
  },
  'GET /audit/export': {
    operationId: 'exportAuditTrail',
    summary: 'Export the audit trail',
    description: 'Streams every event of an organization (or, without organizationId, of the platform) from the log, in log order, as NDJSON or CSV. Hashes are redacted; the export is recorded.',
    success: { status: 200, content: { 'application/x-ndjson': { schema: str() }, 'text/csv': { schema: str() } } },
  },
  'GET /platform/auditors': { operationId: 'listPlatformAuditors', summary: 'List platform auditors', description: 'Everyone who may read every organization\'s audit trail.', success: { status: 200, schema: 'PlatformAuditorList' } },
  'POST /platform/auditors': {
    operationId: 'invitePlatformAuditor',
    summary: 'Invite a platform auditor',
    description: 'Mails a setup link. The email is unique across the platform.',
    success: { status: 201, schema: 'WriteResponse' },
    errors: ['email-already-in-use'],
  },
  'DELETE /platform/auditors/{auditorId}': { operationId: 'removePlatformAuditor', summary: 'Remove a platform auditor', description: 'Ends their sessions and frees the email.', success: { status: 200, schema: 'WriteResponse' } },
  'GET /platform/analysts': { operationId: 'listPlatformAnalysts', summary: 'List platform analysts', description: 'Everyone who may read every organization\'s reports and exports (members under pseudonyms).', success: { status: 200, schema: 'PlatformAuditorList' } },
  'POST /platform/analysts': {
    operationId: 'invitePlatformAnalyst',
    summary: 'Invite a platform analyst',
    description: 'Mails a setup link. A platform analyst reads every organization\'s reports, exports and fact feed, and its chart, with members under stable pseudonyms; nothing else. The email is unique across the platform.',
    success: { status: 201, schema: 'WriteResponse' },
    errors: ['email-already-in-use'],
  },
  'DELETE /platform/analysts/{analystId}': { operationId: 'removePlatformAnalyst', summary: 'Remove a platform analyst', description: 'Ends their sessions and frees the email.', success: { status: 200, schema: 'WriteResponse' } },
  'GET /organizations': { operationId: 'listOrganizations', summary: 'List organizations', description: 'Every organization, sorted by name, searched by name (super admins; platform analysts, to choose whose reports to read).', success: { status: 200, schema: 'OrganizationPage' } },
  'POST /organizations': {
    operationId: 'createOrganization',
    summary: 'Create an organization',
    description:
      'Name (3 to 50 characters), optional description (at most 500), an IANA time zone, the profile, and a slug unique platform-wide (derived from the name when none is given). It has no classes yet, and no member unless `owner` names its first owner, who is invited as owner and admin with a setup email; the super admin who creates it does not become a member.',
    success: { status: 201, schema: 'CreateOrganizationResponse' },
    errors: ['organization-already-exists', 'slug-taken', 'email-already-in-use', 'idempotency-key-reused'],
  },
  'GET /organizations/by-slug/{slug}': {
    operationId: 'getOrganizationBySlug',
    summary: 'Find an organization by its slug',
    description:
      'The organization as GET /organizations/{orgId} answers it. A slug the organization changed less than 90 days ago answers 308 with the current slug in Location. Members find their own organization only; super admins any.',
    success: { status: 200, schema: 'Organization' },
  },
  'PUT /organizations/{orgId}/slug': {
    operationId: 'changeSlug',
    summary: "Change the organization's slug",
    description: 'Unique platform-wide. The old slug keeps leading here for 90 days; only then can another organization take it.',
    success: { status: 200, schema: 'SlugResponse' },
    errors: ['slug-taken', 'organization-deletion-pending'],
    ifMatch: true,
  },
  'POST /organizations/{orgId}/invitations:bulk': {
    operationId: 'inviteMany',
    summary: 'Invite up to 1,000 people at once',
    description:
      'Each person by the rules of a single invitation, with one set of roles and optional teams. Answers each person’s outcome in the order sent: invited (with the user id), already-member, reserved-elsewhere (the address belongs to another organization or the platform), invalid (with field errors) or duplicate (named twice here). Valid people are invited whatever happens to the others.',
    success: { status: 200, schema: 'BulkInvitationsResponse' },
    errors: ['team-not-found'],
  },
  'POST /organizations/{orgId}/users:bulk': {
    operationId: 'changeManyUsers',
    summary: 'Change roles, add to teams or deactivate many users at once',
    description:
      'Up to 1,000 user ids and one action: set-roles (roles), add-to-teams (teamIds) or deactivate (reassignTo, the instructor who takes over the active classes of those who teach). Each user is checked by the rules of a single request; the answer gives each user’s outcome in order: changed, unchanged, or refused with the code a single request would answer.',
    success: { status: 200, schema: 'BulkUsersResponse' },
  },
  'POST /organizations/{orgId}/imports': {
    operationId: 'uploadMemberImport',
    summary: 'Upload a member file: the dry run',
    description:
      'A CSV file (text/csv; columns email, first name, last name, roles, teams, department, header names matched however spelled; comma or semicolon; UTF-8 with or without BOM; at most 32 MiB and 100,000 rows). Nothing changes: the answer is the plan, each row create, update (with each field before and after), unchanged or error (line, field, message), with totals. New members get the role member when the file names none; an import adds people to teams and never removes them.',
    success: { status: 201, schema: 'ImportDryRun' },
    errors: ['invalid-import', 'payload-too-large', 'unsupported-media-type'],
  },
  'GET /organizations/{orgId}/imports/{importId}': {
    operationId: 'getMemberImport',
    summary: 'An import and its progress',
    description: 'planned, applying (processed of total) or applied, with the rows that failed at apply time.',
    success: { status: 200, schema: 'Import' },
    errors: ['import-not-found'],
  },
  'GET /organizations/{orgId}/imports/{importId}/rows': {
    operationId: 'listMemberImportRows',
    summary: "The dry run's rows, in pages",
    description: 'In file order, optionally only one action (create, update, unchanged, error).',
    success: { status: 200, schema: 'ImportRowPage' },
    errors: ['import-not-found', 'import-files-erased'],
  },
  'POST /organizations/{orgId}/imports/{importId}/apply': {
    operationId: 'applyMemberImport',
    summary: 'Apply what the dry run showed',
    description:
      'Exactly the plan, in batches of 500 rows, each row by the rules of a single invitation or edit; answers at once (202) with the progress. Refused with 409 import-plan-changed (naming the lines) when the organization changed since the dry run in a way that alters the plan. Applying again resumes an apply that stopped (a crash, a restart) and changes nothing once it is done.',
    success: { status: 202, schema: 'Import' },
    errors: ['import-not-found', 'import-plan-changed', 'import-files-erased'],
  },
  'POST /auth/register': {
    operationId: 'register',
    summary: 'Register with an address at a verified domain',
    description:
      'Email and names. When the address’s domain is verified by an organization that takes registrations, a link to confirm the address is mailed (24 hours, once). The answer is the same for every address; an organization that requires single sign-on answers 403 sso-required.',
    success: { status: 202, schema: 'RegistrationStarted' },
    errors: ['sso-required'],
  },
  'POST /auth/register/confirm': {
    operationId: 'confirmRegistration',
    summary: 'Confirm the address: join, or ask to',
    description: 'With the mailed token: joins at once (self-registration domain, membership open) and answers the setup link, or files a join request an admin decides.',
    success: { status: 200, schema: 'RegistrationConfirmed' },
    errors: ['setup-link-invalid', 'self-registration-closed', 'join-request-rejected-recently', 'email-already-in-use'],
  },
  'GET /organizations/{orgId}/join-requests': {
    operationId: 'listJoinRequests',
    summary: 'The approval queue',
    description: 'Pending requests by default (status=approved, rejected or all for the others), oldest first.',
    success: { status: 200, schema: 'JoinRequestList' },
  },
  'POST /organizations/{orgId}/join-requests/{requestId}/approve': {
    operationId: 'approveJoinRequest',
    summary: 'Approve a join request',
    description: 'With roles and optional teams: the person is invited by the rules of any invitation and mailed a setup link.',
    success: { status: 200, schema: 'JoinDecision' },
    errors: ['join-request-not-found', 'join-request-decided', 'email-already-in-use'],
  },
  'POST /organizations/{orgId}/join-requests/{requestId}/reject': {
    operationId: 'rejectJoinRequest',
    summary: 'Decline a join request',
    description: 'With a reason, mailed to the person; they may ask again after 7 days.',
    success: { status: 200, schema: 'JoinDecision' },
    errors: ['join-request-not-found', 'join-request-decided'],
  },
  'GET /languages': {
    operationId: 'listLanguages',
    summary: "The platform's languages",
    description: 'Name, code, representation label, usage (the records using it now) and status (unused or in use); search by name or code, sort by name or usage, in pages. Everyone signed in.',
    success: { status: 200, schema: 'LanguagePage' },
  },
  'GET /languages/{languageId}': {
    operationId: 'getLanguage',
    summary: 'A language',
    description: 'As the list shows it; the ETag is its version.',
    success: { status: 200, schema: 'LanguageView' },
    etag: true,
    errors: ['language-not-found'],
  },
  'POST /languages': {
    operationId: 'addLanguage',
    summary: 'Add a language',
    description: 'Super admins. A BCP 47 code with an ISO 639 language, unique case-insensitively; a representation label (Pronunciation, Romaji) when it supports pronunciation or romanization text.',
    success: { status: 201, schema: 'WriteResponse' },
    errors: ['invalid-language', 'language-code-taken', 'idempotency-key-reused'],
  },
  'PATCH /languages/{languageId}': {
    operationId: 'editLanguage',
    summary: 'Edit a language',
    description: 'Super admins; in use or not. Turning pronunciation off is refused while dictionary entries carry the text.',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['language-not-found', 'invalid-language', 'language-code-taken', 'language-pronunciation-in-use', 'stale-revision'],
    ifMatch: true,
  },
  'DELETE /languages/{languageId}': {
    operationId: 'removeLanguage',
    summary: 'Remove an unused language',
    description: 'Super admins. A language in use cannot be removed (409 language-in-use); a removal and a first use are decided on one state.',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['language-not-found', 'language-in-use'],
  },
  'PUT /organizations/{orgId}/languages': {
    operationId: 'setOrganizationLanguages',
    summary: 'The languages the organization teaches',
    description:
      'Language ids, the default first (at most 20). Each new one is held in the catalogue first, so a language being removed is either refused here (404) or kept from removal. A language an active class is taught in cannot be dropped (409 with the classes); archived classes lose it.',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['language-not-found', 'language-taught-in-classes'],
    ifMatch: true,
  },
  'GET /organizations/{orgId}/activities': {
    operationId: 'listActivities',
    summary: 'The content library',
    description: 'Activities by title with their usage (learners assigned; learners who started and who completed it, from learning records) and license seats used; search by title, filter by category, status (active by default) and kind; in pages. Admins and instructors.',
    success: { status: 200, schema: 'ActivityPage' },
  },
  'GET /organizations/{orgId}/activities/categories': {
    operationId: 'listActivityCategories',
    summary: "The library's categories",
    description: 'Each category in use with how many active activities it has.',
    success: { status: 200, schema: 'ActivityCategories' },
  },
  'GET /organizations/{orgId}/activities/{activityId}': {
    operationId: 'getActivity',
    summary: 'An activity',
    description: "The ETag is the activity's version.",
    success: { status: 200, schema: 'ActivityView' },
    etag: true,
    errors: ['activity-not-found'],
  },
  'POST /organizations/{orgId}/activities': {
    operationId: 'addActivity',
    summary: 'Add an activity to the library',
    description:
      'A title, a category, a language the organization teaches, the xAPI activity id (an absolute IRI, unique in the library) and its kind: private (made in the organization; needs the activity authoring feature) or licensed (from the marketplace; needs its feature and a license of seats and an optional expiry). Admins.',
    success: { status: 201, schema: 'WriteResponse' },
    errors: ['invalid-activity', 'activity-iri-taken', 'feature-off', 'language-not-found', 'organization-deletion-pending', 'idempotency-key-reused'],
  },
  'PATCH /organizations/{orgId}/activities/{activityId}': {
    operationId: 'editActivity',
    summary: 'Edit an activity',
    description: "A JSON Merge Patch; a license's seats cannot drop below the seats taken (409 with the numbers). Retired activities cannot be edited.",
    success: { status: 200, schema: 'WriteResponse' },
    ifMatch: true,
    errors: ['activity-not-found', 'invalid-activity', 'activity-iri-taken', 'activity-retired', 'license-seats-exceeded'],
    requestBody: { 'application/merge-patch+json': { schema: ref('EditActivityDto') }, 'application/json': { schema: ref('EditActivityDto') } },
  },
  'POST /organizations/{orgId}/activities/{activityId}/retire': {
    operationId: 'retireActivity',
    summary: 'Retire an activity',
    description: 'It is no longer assigned; its assignments and records stay.',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['activity-not-found'],
  },
  'DELETE /organizations/{orgId}/activities/{activityId}': {
    operationId: 'removeActivity',
    summary: 'Remove an activity never assigned',
    description: 'An activity that was assigned is retired instead (409 activity-in-use).',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['activity-not-found', 'activity-in-use'],
  },
  'GET /organizations/{orgId}/assignments': {
    operationId: 'listAssignments',
    summary: 'Assignments',
    description: "Newest first; filter by activity, by learner (`userId`: a member's assignments) and status (open by default); in pages.",
    success: { status: 200, schema: 'AssignmentPage' },
  },
  'GET /organizations/{orgId}/assignments/{assignmentId}': {
    operationId: 'getAssignment',
    summary: 'An assignment, with its learners',
    description: "Learners are those of the target when it was made and those who joined the team, the class or the organization since, until it was due.",
    success: { status: 200, schema: 'AssignmentDetail' },
    errors: ['assignment-not-found'],
  },
  'POST /organizations/{orgId}/assignments': {
    operationId: 'assignActivity',
    summary: 'Assign an activity',
    description:
      "To individual members, a team, a class's students or everyone who learns, with an optional due date (a day, and a time, 23:59 by default, in the organization's time zone). A licensed activity is assigned only within its seats (409 license-seats-exceeded with seats, used and requested) and before its license ends. People who join the team, the class or the organization later receive it until it is due.",
    success: { status: 201, schema: 'WriteResponse' },
    errors: ['invalid-assignment', 'activity-not-found', 'activity-retired', 'license-expired', 'license-seats-exceeded', 'organization-deletion-pending', 'idempotency-key-reused'],
  },
  'POST /organizations/{orgId}/assignments/{assignmentId}/cancel': {
    operationId: 'cancelAssignment',
    summary: 'Cancel an assignment',
    description: 'Its learners who have the activity through no other open assignment free their seats.',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['assignment-not-found'],
  },
  'GET /organizations/{orgId}/members/{userId}/access/{activityId}': {
    operationId: 'checkContentAccess',
    summary: "Can a member reach an activity, and if not why",
    description:
      "The guide's troubleshooting, \"Members can't access content\": every reason that stands in the way (organization suspended, membership not active, role, activity not in the library, not assigned, license ended, no seat), read on the organization and the library as they are now. Admins.",
    success: { status: 200, schema: 'AccessView' },
    errors: ['user-not-found'],
  },
  'POST /organizations/{orgId}/classes/{classId}/students': {
    operationId: 'addClassStudents',
    summary: 'Add students to a class',
    description: 'Members who learn (not deactivated, not only auditors); they receive the open assignments made to the class. An instructor manages the students of their own classes.',
    success: { status: 200, schema: 'UserWriteResponse' },
    errors: ['class-not-found', 'class-archived', 'invalid-class'],
  },
  'DELETE /organizations/{orgId}/classes/{classId}/students/{userId}': {
    operationId: 'removeClassStudent',
    summary: 'Remove a student from a class',
    description: 'Assignments already received stay.',
    success: { status: 200, schema: 'UserWriteResponse' },
    errors: ['class-not-found'],
  },
  'GET /organizations/{orgId}/xapi/credentials': {
    operationId: 'listXapiCredentials',
    summary: "The organization's xAPI credentials",
    description: 'Name, key (the HTTP Basic username for /xapi), when issued and when revoked; never a secret. Admins.',
    success: { status: 200, content: { 'application/json': { schema: obj({ items: { type: 'array', items: ref('CredentialView') } }) } } },
  },
  'POST /organizations/{orgId}/xapi/credentials': {
    operationId: 'issueXapiCredential',
    summary: 'Issue an xAPI credential',
    description: 'The answer carries the secret (the HTTP Basic password), shown this once and kept only as a SHA-256. At most 20 active credentials; names unique among them.',
    success: { status: 201, schema: 'IssuedCredential' },
    errors: ['invalid-xapi-credential', 'xapi-credential-exists', 'xapi-credentials-limit'],
  },
  'DELETE /organizations/{orgId}/xapi/credentials/{credentialId}': {
    operationId: 'revokeXapiCredential',
    summary: 'Revoke an xAPI credential',
    description: 'Statements sent with it are refused from now on; those it sent stay.',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['xapi-credential-not-found'],
  },
  'GET /organizations/{orgId}/xapi/unmatched-agents': {
    operationId: 'listUnmatchedXapiAgents',
    summary: 'Actors of statements no member was matched to',
    description: 'Statements whose actor is no member of the organization (by mailbox, its SHA-1, or an account named by the member id) are stored and counted here, by actor, most recent first. Admins.',
    success: { status: 200, content: { 'application/json': { schema: obj({ items: { type: 'array', items: obj({ agent: str(), name: nullableStr(), statements: int(), firstStored: str(), lastStored: str() }) }, total: int(), page: int(), pageSize: int() }) } } },
  },
  'GET /organizations/{orgId}/analytics/dashboard': {
    operationId: 'getDashboard',
    summary: 'The organization dashboard',
    description:
      "For a day, ISO week or month of the organization's time zone (`period`, and `date` in it; by default the period of yesterday, the last closed day): active learners, the average completion rate of the assignments due, statements, completions and time spent, each with its change against the period before (up, down, unchanged, percent); the assignments due in the next 7 days; daily active learners over 30 and 90 days; the five activities completed most. Closed days count with the figures they were closed with. Admins.",
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
  },
  'GET /organizations/{orgId}/analytics/teams': {
    operationId: 'getTeamReport',
    summary: 'Team report with benchmarks',
    description:
      "Each team's members, active learners, statements, completions, time spent and completions per member in a period (`period`, `date`), with the organization's quartiles of completions per member across its teams (linear interpolation, as R and Excel's QUARTILE.INC) and where each team stands. Admins.",
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
  },
  'GET /organizations/{orgId}/analytics/departments': {
    operationId: 'getDepartmentReport',
    summary: 'Department report',
    description: "Each department's figures in a period, over the members of its teams and of every team below it, each member counted once. Admins.",
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
  },
  'GET /organizations/{orgId}/analytics/teams/{teamId}/weekly': {
    operationId: 'getTeamWeekly',
    summary: "A team's weekly series",
    description: "The team's figures for each of `weeks` ISO weeks (default 12) up to the week of `date`, oldest first. Admins.",
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
    errors: ['team-not-found'],
  },
  'GET /organizations/{orgId}/analytics/progress': {
    operationId: 'getProgressReport',
    summary: "Every learner's progress",
    description:
      'A page of learners (members who learn: not only auditors or analysts) with their progress; with `format=csv` or `ndjson`, every learner as an export. Whoever may list members sees ids, names and emails; an analyst who may not sees a stable pseudonym (`learnerKey`) instead. Admins and analysts.',
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } }, 'text/csv': { schema: str() }, 'application/x-ndjson': { schema: str() } } },
  },
  'GET /organizations/{orgId}/analytics/facts': {
    operationId: 'getFactFeed',
    summary: 'The incremental fact feed',
    description:
      'Completions, scores and assignments (given, extended to joiners, cancelled, moved to a new time zone: `assignment-rescheduled` with the new `dueAt`) in log order after the cursor `after`, at most `limit`; the answer names `next` (also in X-Next-Cursor) and whether `more` follow. Asking after the same cursor answers the same facts, so a load resumes where it stopped. Members are pseudonymous for analysts who may not list them. Admins and analysts.',
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } }, 'text/csv': { schema: str() }, 'application/x-ndjson': { schema: str() } } },
  },
  'GET /organizations/{orgId}/analytics/members/{userId}/progress': {
    operationId: 'getMemberProgress',
    summary: "A member's progress",
    description:
      "Completion rate of the activities assigned to them, activities completed, time spent (from result.duration), mean scaled score, last activity. Members read their own, team leaders their teams' members', department admins their departments', instructors their classes' students', admins everyone's.",
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
    errors: ['user-not-found'],
  },
  'GET /organizations/{orgId}/users/{userId}/personal-data': {
    operationId: 'exportPersonalData',
    summary: "A person's personal data (GDPR articles 15 and 20)",
    description:
      'Everything held about a member: profile and membership, roles over time, sessions (each a sign-in, kept until it ends), learning records (voided ones marked), and the audit entries about them and by them. A ZIP with personal-data.json and a CSV per record type, or the JSON alone with format=json. Admins export anyone\'s, everyone their own; each export is recorded as data accessed.',
    success: { status: 200, content: { 'application/zip': { schema: { type: 'string', format: 'binary' } }, 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
    errors: ['user-not-found'],
  },
  'GET /organizations/{orgId}/members/{userId}/content': {
    operationId: 'listMemberContent',
    summary: 'The content a member has',
    description:
      "Each activity of an open assignment the member is among (once, however many give it), the soonest due first: the activity, the assignments (how each reached them, due date), whether they can reach it now with every reason if not, and when they started and first completed it. Paged; `search` matches title and category. Members read their own; whoever may read a member's progress reads theirs.",
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
    errors: ['user-not-found'],
  },
  'GET /xapi/about': {
    operationId: 'xapiAbout',
    summary: 'xAPI About resource',
    description: 'The xAPI versions this learning record store speaks. No credential needed.',
    success: { status: 200, content: { 'application/json': { schema: obj({ version: { type: 'array', items: str() } }) } } },
  },
  'POST /xapi/statements': {
    operationId: 'storeXapiStatements',
    summary: 'Store xAPI statements',
    description:
      'xAPI 1.0.3 Statement Resource, with an xAPI credential over HTTP Basic and the X-Experience-API-Version header. One statement or a list (at most 500), validated whole: one invalid statement refuses the batch. Answers the ids in the order sent. A statement the LRS already has with the same id and content is not stored again; the same id with other content is 409.',
    success: { status: 200, content: { 'application/json': { schema: { type: 'array', items: str({ format: 'uuid' }) } } } },
    errors: ['invalid-xapi-statement', 'xapi-version-required', 'xapi-unauthenticated', 'organization-suspended', 'organization-being-deleted', 'xapi-statement-conflict', 'unsupported-media-type'],
  },
  'PUT /xapi/statements': {
    operationId: 'putXapiStatement',
    summary: 'Store one xAPI statement under its id',
    description: 'xAPI 1.0.3: the statement is stored under `statementId` (its own id, if any, must be the same). 204 when stored or already stored the same; 409 when the id holds another statement.',
    success: { status: 204, description: 'Stored' },
    errors: ['invalid-xapi-statement', 'invalid-xapi-query', 'xapi-version-required', 'xapi-unauthenticated', 'organization-suspended', 'organization-being-deleted', 'xapi-statement-conflict', 'unsupported-media-type'],
  },
  'GET /xapi/statements': {
    operationId: 'getXapiStatements',
    summary: 'Read xAPI statements',
    description:
      'xAPI 1.0.3: one statement by `statementId` (a voided one only by `voidedStatementId`), or a page (at most 100, newest first unless `ascending`) by `agent`, `verb`, `activity`, `registration`, `since`, `until`, `limit`, with `more`, the path of the next page. Voided statements are left out of pages. `format=ids` reduces agents and activities to their identifiers. X-Experience-API-Consistent-Through says up to when every stored statement is included.',
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
    errors: ['invalid-xapi-query', 'xapi-version-required', 'xapi-unauthenticated', 'organization-suspended', 'organization-being-deleted', 'xapi-statement-not-found'],
  },
  'GET /organizations/{orgId}/dictionary': {
    operationId: 'listDictionary',
    summary: 'The translation dictionary',
    description: 'Entries by term; `search` matches the term or the translation (any case), `languageId` keeps one language; in pages. Admins and instructors.',
    success: { status: 200, schema: 'DictionaryPage' },
  },
  'GET /organizations/{orgId}/dictionary/{entryId}': {
    operationId: 'getDictionaryEntry',
    summary: 'A dictionary entry',
    description: "The ETag is the entry's version.",
    success: { status: 200, schema: 'DictionaryEntryView' },
    etag: true,
    errors: ['dictionary-entry-not-found'],
  },
  'POST /organizations/{orgId}/dictionary': {
    operationId: 'addDictionaryEntry',
    summary: 'Add a dictionary entry',
    description:
      "A term in the organization's default language, its translation in another language the organization teaches, and pronunciation text only in a language that has it. One translation of a term per language. Admins.",
    success: { status: 201, schema: 'WriteResponse' },
    errors: ['invalid-dictionary-entry', 'dictionary-entry-exists', 'language-not-found', 'language-pronunciation-unsupported', 'organization-deletion-pending', 'idempotency-key-reused'],
  },
  'PATCH /organizations/{orgId}/dictionary/{entryId}': {
    operationId: 'editDictionaryEntry',
    summary: 'Edit a dictionary entry',
    description: 'A JSON Merge Patch; `pronunciation: null` clears the text. The audit log records each field before and after.',
    success: { status: 200, schema: 'WriteResponse' },
    ifMatch: true,
    errors: ['dictionary-entry-not-found', 'invalid-dictionary-entry', 'dictionary-entry-exists', 'language-not-found', 'language-pronunciation-unsupported'],
    requestBody: { 'application/merge-patch+json': { schema: ref('EditDictionaryEntryDto') }, 'application/json': { schema: ref('EditDictionaryEntryDto') } },
  },
  'DELETE /organizations/{orgId}/dictionary/{entryId}': {
    operationId: 'removeDictionaryEntry',
    summary: 'Remove a dictionary entry',
    description: 'The last entry in a language lets go of the language (it may then be removed from the platform).',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['dictionary-entry-not-found'],
  },
  'POST /organizations/{orgId}/dictionary/import': {
    operationId: 'importDictionary',
    summary: 'Import a dictionary file (with a dry run)',
    description:
      'A CSV file (text/csv; columns term, translation, language (a code or a name), pronunciation (optional); comma or semicolon; UTF-8 with or without BOM; at most 4 MiB and 5,000 rows). New terms are added, a term the dictionary has in that language is updated. With `dryRun=true` the answer is the plan: every error with its line and field, totals, the first rows. Without it, a file with any error is refused whole (400 with every error and its line) and a good one is written in one append: nothing is ever half-imported.',
    success: { status: 200, schema: 'DictionaryImportAnswer' },
    errors: ['invalid-dictionary-import', 'payload-too-large', 'unsupported-media-type', 'language-not-found', 'language-pronunciation-unsupported'],
  },
  'GET /organizations/{orgId}/dictionary/export': {
    operationId: 'exportDictionary',
    summary: 'Export the dictionary as CSV',
    description: 'The import\'s columns (term, translation, language code, pronunciation), by term; `languageId` keeps one language. A file the import reads back unchanged.',
    success: { status: 200, content: { 'text/csv': { schema: str() } } },
  },
  'GET /organizations/{orgId}/domains': {
    operationId: 'listEmailDomains',
    summary: "The organization's email domains",
    description: 'Each pending or verified, with the TXT record to publish.',
    success: { status: 200, schema: 'EmailDomainList' },
  },
  'POST /organizations/{orgId}/domains': {
    operationId: 'addEmailDomain',
    summary: 'Add an email domain',
    description: 'Pending until verified; answers the TXT record to publish. Public email providers (gmail.com and the like) are refused.',
    success: { status: 201, schema: 'EmailDomainView' },
    errors: ['invalid-domain', 'domain-already-added'],
  },
  'POST /organizations/{orgId}/domains/{domain}/verify': {
    operationId: 'verifyEmailDomain',
    summary: 'Verify an email domain by its TXT record',
    description: 'Looks the record up in DNS (DNS_SERVERS). A domain is verified by one organization at a time.',
    success: { status: 200, schema: 'EmailDomainView' },
    errors: ['domain-not-found', 'domain-verification-failed', 'domain-taken', 'dns-unavailable'],
  },
  'DELETE /organizations/{orgId}/domains/{domain}': {
    operationId: 'removeEmailDomain',
    summary: 'Remove an email domain',
    description: 'A verified domain is free for another organization at once.',
    success: { status: 204 },
    errors: ['domain-not-found'],
  },
  'GET /organizations/{orgId}/settings': {
    operationId: 'getSettings',
    summary: "The organization's settings",
    description:
      'Visibility, membership policy, self-registration, branding (colours, custom CSS, the invitation template), features (turned on, allowed by a super admin, effective), policies (password minimum, retention, privacy) and the session policy, with warnings about brand colours. The ETag is the settings\' own version.',
    success: { status: 200, schema: 'OrganizationSettings' },
    etag: true,
  },
  'PATCH /organizations/{orgId}/settings': {
    operationId: 'changeSettings',
    summary: 'Change settings (a merge patch)',
    description:
      'Absent fields stay as they are; groups are patched field by field; every refused value is named by its path. Features turn on only within the allowances a super admin sets (`allowances`, super admins only); custom CSS only when allowed, parsed (no @import, no url() to another origin, no expression()). The audit log records each path before and after.',
    success: { status: 200, schema: 'SettingsWriteResponse' },
    errors: ['setting-not-allowed'],
    ifMatch: true,
  },
  'POST /organizations/{orgId}/settings/invitation-template/preview': {
    operationId: 'previewInvitationTemplate',
    summary: 'Preview the invitation email',
    description: 'Renders the template sent (or the saved one, or the service’s own words) for a sample person, as subject, text and HTML. Nothing is sent.',
    success: { status: 200, schema: 'TemplatePreview' },
  },
  'GET /directory/organizations': {
    operationId: 'listDirectory',
    summary: 'The public organization directory',
    description: 'Organizations whose visibility is public, by name, searched by name: name, slug, type and logo. No sign-in needed.',
    success: { status: 200, schema: 'DirectoryPage' },
  },
  'GET /directory/organizations/{slug}': {
    operationId: 'getDirectoryEntry',
    summary: "An organization's public card by its slug",
    description: 'Public and hidden organizations (a hidden one is found only this way); a private one is 404. No sign-in needed.',
    success: { status: 200, schema: 'DirectoryEntry' },
  },
  'POST /organizations/{orgId}/deletion': {
    operationId: 'requestOrganizationDeletion',
    summary: 'Delete the organization (restorable for 30 days)',
    description:
      "By an owner or a super admin, naming the organization exactly in `confirmName`. It is suspended at once: every member's session ends and sign-in answers organization-being-deleted. A super admin can restore it until `purgeAt`, the first midnight in its time zone 30 days on; then it is removed from every read model and its members' emails and its slugs are freed. The events remain.",
    success: { status: 200, schema: 'DeletionResponse' },
    errors: ['invalid-deletion-request'],
  },
  'DELETE /organizations/{orgId}/deletion': {
    operationId: 'restoreOrganization',
    summary: 'Restore an organization being deleted',
    description: 'Super admins, before the purge is due. Members can sign in again; the sessions that ended stay ended.',
    success: { status: 200, schema: 'DeletionResponse' },
    errors: ['organization-not-being-deleted', 'restore-window-closed'],
  },
  'GET /organizations/{orgId}': {
    operationId: 'getOrganization',
    summary: 'Get an organization',
    description: "Its settings, logo URL, payment status and counts. The ETag is the profile's own version: member, class and SSO changes leave it alone.",
    success: { status: 200, schema: 'Organization' },
    etag: true,
  },
  'PATCH /organizations/{orgId}': {
    operationId: 'editOrganization',
    summary: "Edit an organization's settings",
    description:
      'A JSON Merge Patch (RFC 7396) of name, description, time zone and the profile (type, industry, website, contacts): absent fields stay, `null` clears one. The billing contact is an owner\'s (or a super admin\'s): an admin who is not an owner gets 403 (in an organization that has an owner). The time zone is stored as its canonical IANA id (`US/Central` is `America/Chicago`). A change of it moves the due dates still ahead to the same local date and time in the new zone (due dates already passed stay), and the answer\'s `timeZoneChange` says what moved: the classes, assignments and learners\' due dates, the moved assignments before and after, and the next closing of the day before and after. With `dryRun=true` the edit is checked (the same problems, If-Match included) and answered with what it would move, and nothing changes: an admin UI shows the guide\'s warning ("Existing lesson dates may be affected") before saving.',
    success: { status: 200, schema: 'EditOrganizationResponse' },
    ifMatch: true,
    requestBody: { 'application/merge-patch+json': { schema: ref('EditOrganizationDto') }, 'application/json': { schema: ref('EditOrganizationDto') } },
  },
  'PUT /organizations/{orgId}/logo': {
    operationId: 'uploadLogo',
    summary: "Upload the organization's logo",
    description: 'The image is the body: JPEG, PNG, WebP, BMP or TIFF, recognised by its bytes, at most 2 MiB and 4,096 px on a side. It is re-encoded at most 512 px without metadata.',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['logo-missing', 'logo-unreadable', 'logo-dimensions-too-large', 'logo-too-large', 'unsupported-logo-format'],
    ifMatch: true,
    requestBody: Object.fromEntries(IMAGE_TYPES.map((type) => [type, binary])),
  },
  'GET /organizations/{orgId}/logo': {
    operationId: 'getLogo',
    summary: "Get the organization's logo",
    description: 'The stored image, for members of the organization. The public copy is at the organization\'s `logoUrl`.',
    success: { status: 200, content: { 'image/png': binary, 'image/jpeg': binary, 'image/webp': binary } },
    errors: ['logo-not-found'],
  },
  'DELETE /organizations/{orgId}/logo': { operationId: 'removeLogo', summary: "Remove the organization's logo", description: 'The organization shows no logo afterwards.', success: { status: 200, schema: 'WriteResponse' }, ifMatch: true },
  'GET /logos/{file}': {
    operationId: 'getPublicLogo',
    summary: 'A logo by its content address',
    description: 'Public and cacheable for good (the address changes when the image does), so an <img> tag can load it.',
    success: { status: 200, content: { 'image/png': binary, 'image/jpeg': binary, 'image/webp': binary } },
    errors: ['logo-not-found'],
  },
  'POST /organizations/{orgId}/arrears': {
    operationId: 'markInArrears',
    summary: 'Mark an organization in arrears',
    description: "Its members can no longer sign in and their sessions end; they are told that the organization's account is suspended. Marking again keeps the first date.",
    success: { status: 200, schema: 'ArrearsResponse' },
  },
  'DELETE /organizations/{orgId}/arrears': { operationId: 'clearArrears', summary: 'Clear arrears', description: 'Members can sign in again; sessions ended by the arrears stay ended.', success: { status: 200, schema: 'ArrearsResponse' } },
  'GET /organizations/{orgId}/users/export.csv': {
    operationId: 'exportUsers',
    summary: 'Export the member list as CSV',
    description: 'Every member with names, email, roles and status. The export is recorded in the audit trail.',
    success: { status: 200, content: { 'text/csv': { schema: str() } } },
  },
  'GET /organizations/{orgId}/users': {
    operationId: 'listUsers',
    summary: 'List users',
    description: 'Search on name or email; filter by `status`, `role`, `teamId` or `departmentId` (its teams and those of its sub-departments); deactivated users only when asked; sorted by last then first name. With `asOf`, the list (teams and roles included) as it was then, folded from the log.',
    success: { status: 200, schema: 'UserPage' },
  },
  'POST /organizations/{orgId}/users': {
    operationId: 'inviteUser',
    summary: 'Invite a user',
    description: 'Mails a setup link valid for 7 days. The email is unique across the platform.',
    success: { status: 201, schema: 'UserWriteResponse' },
    errors: ['email-already-in-use', 'idempotency-key-reused'],
  },
  'GET /organizations/{orgId}/users/{userId}': { operationId: 'getUser', summary: 'Get a user', description: "Names, email, roles and status; the ETag is the user's own version.", success: { status: 200, schema: 'User' }, etag: true, errors: ['user-not-found'] },
  'PATCH /organizations/{orgId}/users/{userId}': {
    operationId: 'editUser',
    summary: 'Edit a user',
    description: 'A JSON Merge Patch of names and roles. The instructor role stays while classes are active; nobody removes their own admin role; an organization keeps an active admin.',
    success: { status: 200, schema: 'UserWriteResponse' },
    ifMatch: true,
    errors: ['user-not-found', 'cannot-remove-own-admin-role', 'instructor-has-active-classes', 'organization-needs-an-active-admin', 'last-owner'],
    requestBody: { 'application/merge-patch+json': { schema: ref('EditUserDto') }, 'application/json': { schema: ref('EditUserDto') } },
  },
  'DELETE /organizations/{orgId}/users/{userId}': {
    operationId: 'deleteUser',
    summary: 'Delete a user whose setup is pending',
    description: 'Only users who never set a password can be deleted; deactivate the others. Frees the email.',
    success: { status: 200, schema: 'UserWriteResponse' },
    ifMatch: true,
    errors: ['user-not-found', 'only-setup-pending-users-can-be-deleted'],
  },
  'POST /organizations/{orgId}/users/{userId}/erase': {
    operationId: 'eraseUser',
    summary: "Erase a deactivated member's personal data (GDPR article 17)",
    description:
      "Destroys the keys their personal values are sealed with in the event log (crypto-shredding): their name, email, addresses, identity-provider accounts and what their learning records say about them read as erased, with their id, in every read model, export, audit entry and as-of view, and in the log and its backups. Their membership, roles and records stay, attributed to the id, and the log's hash chains still verify. The member must be deactivated first; erasing again changes nothing. Recorded in the audit log by ids alone.",
    success: { status: 200, schema: 'ErasureResponse' },
    errors: ['user-not-found', 'user-not-deactivated'],
  },
  'POST /organizations/{orgId}/users/{userId}/remove': {
    operationId: 'removeUser',
    summary: 'Remove a member, choosing what happens to their data',
    description:
      "Ends the membership: they lose access at once, leave their teams, and their address is free. dataHandling keep: their records stay, attributed to a former member; transfer: their active classes and the departments and teams they lead move to transferTo, in the same step; erase: as keep, then their personal data is erased. A member who teaches active classes is removed with transfer only; one whose setup is pending is deleted instead (DELETE).",
    success: { status: 200, schema: 'RemovalResponse' },
    errors: ['user-not-found', 'cannot-remove-yourself', 'user-setup-pending', 'reassignment-required', 'invalid-transfer-target', 'organization-needs-an-active-admin', 'last-owner', 'user-erased'],
  },
  'POST /platform/accounts/{accountId}/erase': {
    operationId: 'erasePlatformAccount',
    summary: "Erase a removed platform account's personal data",
    description: 'Super admins. For a platform auditor or analyst removed before: destroys its key, so its name, email and what it did from where read as erased, and removes the outbox copies of its setup mail. Erasing again changes nothing.',
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
    errors: ['platform-account-not-found', 'platform-account-not-removed'],
  },
  'POST /organizations/{orgId}/retention/run': {
    operationId: 'applyRetention',
    summary: "Apply the organization's retention policy now, or see what it would erase",
    description:
      "What the daily retention job does: erases the members deactivated longer ago than policies.retention.deactivatedMembersDays, and the months of access records and learning records that ended longer ago than their days (their month's key is destroyed, so what they say about anyone reads as erased). With dryRun=true, reports the same and erases nothing. Recorded in the audit log.",
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
    errors: [],
  },
  'GET /organizations/{orgId}/users/{userId}/reassignment-candidates': {
    operationId: 'listReassignmentCandidates',
    summary: "Who can take over a user's classes",
    description: 'Active instructors who have set a password, other than this user: the deactivate dialog\'s choices.',
    success: { status: 200, schema: 'UserList' },
    errors: ['user-not-found'],
  },
  'POST /organizations/{orgId}/users/{userId}/invitation': {
    operationId: 'resendInvitation',
    summary: 'Resend an invitation',
    description: 'A new setup link replaces the old one, optionally to a corrected email.',
    success: { status: 200, schema: 'UserWriteResponse' },
    ifMatch: true,
    errors: ['user-not-found', 'only-setup-pending-users-can-be-reinvited', 'email-already-in-use'],
  },
  'POST /organizations/{orgId}/users/{userId}/deactivate': {
    operationId: 'deactivateUser',
    summary: 'Deactivate a user',
    description: "Ends every session at once. An instructor's active classes move to `reassignTo` (list them with GET .../classes?instructorId=&status=active).",
    success: { status: 200, schema: 'UserWriteResponse' },
    ifMatch: true,
    errors: ['user-not-found', 'cannot-deactivate-yourself', 'only-active-users-can-be-deactivated', 'organization-needs-an-active-admin', 'last-owner', 'reassignment-required', 'invalid-reassignment-target'],
  },
  'POST /organizations/{orgId}/users/{userId}/reactivate': {
    operationId: 'reactivateUser',
    summary: 'Reactivate a user',
    description: 'The user signs in again with their password; sessions from before the deactivation stay ended.',
    success: { status: 200, schema: 'UserWriteResponse' },
    ifMatch: true,
    errors: ['user-not-found', 'only-deactivated-users-can-be-reactivated'],
  },
  'POST /organizations/{orgId}/users/{userId}/sessions/end': {
    operationId: 'endUserSessions',
    summary: "End all of a user's sessions",
    description: 'Every device is signed out on its next request. Recorded in the audit trail.',
    success: { status: 200, schema: 'UserWriteResponse' },
    errors: ['user-not-found'],
  },
  'PUT /organizations/{orgId}/session-policy': {
    operationId: 'setSessionPolicy',
    summary: "Set the organization's session timeouts",
    description: 'Idle and absolute timeouts for its members, applied to sessions already open.',
    success: { status: 200, schema: 'WriteResponse' },
    ifMatch: true,
  },
  'GET /organizations/{orgId}/ip-restrictions': {
    operationId: 'getIpRestrictions',
    summary: 'The IP ranges members may come from',
    description: "The organization's CIDR ranges (empty: anywhere), the caller's address as the service sees it (the connection's, or X-Forwarded-For's only with TRUST_PROXY=true) and whether it is inside them.",
    success: { status: 200, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } },
  },
  'PUT /organizations/{orgId}/ip-restrictions': {
    operationId: 'setIpRestrictions',
    summary: 'Restrict members to IP ranges',
    description:
      "At most 100 IPv4 or IPv6 CIDR ranges, each normalized to its network address; an empty list lifts the restriction. Members (not super admins or platform accounts) from outside them are refused at sign-in and on every request with 403 ip-not-allowed, recorded in the audit log at most once per person and address every ten minutes. A list that shuts out the caller's own address answers 409 ip-restriction-excludes-you unless `confirmExcludingMyAddress` is true.",
    success: { status: 200, schema: 'WriteResponse' },
    ifMatch: true,
    errors: ['ip-restriction-excludes-you'],
  },
  'POST /organizations/{orgId}/ownership-transfer': {
    operationId: 'transferOwnership',
    summary: 'Transfer ownership of the organization',
    description: 'By an owner, to another active member: they become owner (and admin), the caller stays an admin. One step, two edits in the audit trail.',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['user-not-found', 'new-owner-not-eligible'],
  },
  'GET /organizations/{orgId}/structure': {
    operationId: 'getStructure',
    summary: "The organization's departments and teams as a tree",
    description: 'Each department with its sub-departments, its teams and the number of teams and people under it (a person in two of its teams counts once); teams in no department beside. For everyone in the organization.',
    success: { status: 200, schema: 'Structure' },
  },
  'POST /organizations/{orgId}/departments': {
    operationId: 'createDepartment',
    summary: 'Create a department',
    description: 'At the top or under `parentId`, with its department admins (`leaderIds`). Names are unique among siblings; departments nest at most 8 deep. Admins anywhere; a department admin under their departments.',
    success: { status: 201, schema: 'WriteResponse' },
    errors: ['department-name-taken', 'department-too-deep', 'idempotency-key-reused'],
  },
  'GET /organizations/{orgId}/departments/{departmentId}': { operationId: 'getDepartment', summary: 'Get a department', description: "Its name, parent and department admins; the ETag is the department's own version.", success: { status: 200, schema: 'Department' }, etag: true, errors: ['department-not-found'] },
  'PATCH /organizations/{orgId}/departments/{departmentId}': {
    operationId: 'editDepartment',
    summary: 'Edit or move a department',
    description: 'A JSON Merge Patch of name, description, `parentId` (a move; null: to the top) and `leaderIds`. A move under itself or its own sub-departments is refused. Moving it or naming its leaders is for whoever manages its parent.',
    success: { status: 200, schema: 'WriteResponse' },
    ifMatch: true,
    errors: ['department-not-found', 'department-name-taken', 'department-too-deep', 'department-cycle'],
  },
  'DELETE /organizations/{orgId}/departments/{departmentId}': {
    operationId: 'deleteDepartment',
    summary: 'Delete an empty department',
    description: 'A department with sub-departments or teams answers 409 with their lists (`departments`, `teams`); move or delete them first.',
    success: { status: 200, schema: 'WriteResponse' },
    ifMatch: true,
    errors: ['department-not-found', 'department-not-empty'],
  },
  'POST /organizations/{orgId}/teams': {
    operationId: 'createTeam',
    summary: 'Create a team',
    description: 'A name unique in the organization, an optional department, its team leaders. Admins anywhere; a department admin in their departments.',
    success: { status: 201, schema: 'WriteResponse' },
    errors: ['team-name-taken', 'idempotency-key-reused'],
  },
  'GET /organizations/{orgId}/teams/{teamId}': { operationId: 'getTeam', summary: 'Get a team', description: "Its name, department, leaders and member count; the ETag is the team's own version.", success: { status: 200, schema: 'Team' }, etag: true, errors: ['team-not-found'] },
  'PATCH /organizations/{orgId}/teams/{teamId}': {
    operationId: 'editTeam',
    summary: 'Edit or move a team',
    description: 'A JSON Merge Patch of name, description, `departmentId` (a move; null: no department) and `leaderIds`.',
    success: { status: 200, schema: 'WriteResponse' },
    ifMatch: true,
    errors: ['team-not-found', 'team-name-taken'],
  },
  'DELETE /organizations/{orgId}/teams/{teamId}': {
    operationId: 'deleteTeam',
    summary: 'Delete a team',
    description: 'Its members stay in the organization and in their other teams.',
    success: { status: 200, schema: 'WriteResponse' },
    ifMatch: true,
    errors: ['team-not-found'],
  },
  'GET /organizations/{orgId}/teams/{teamId}/members': {
    operationId: 'listTeamMembers',
    summary: "List a team's members",
    description:
      "For admins, the department admins of its department and its team leaders; deactivated members included. The team's own members see it too while the organization's privacy policy lets members see one another (`policies.privacy.membersSeeOtherMembers`); otherwise 403 members-private.",
    success: { status: 200, schema: 'UserPage' },
    errors: ['team-not-found', 'members-private'],
  },
  'POST /organizations/{orgId}/teams/{teamId}/members': {
    operationId: 'addTeamMembers',
    summary: 'Add members to a team',
    description: 'At most 1,000 per request; members who are not deactivated. Those already in it are left as they are. Team leaders for their own team.',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['team-not-found'],
  },
  'DELETE /organizations/{orgId}/teams/{teamId}/members/{userId}': {
    operationId: 'removeTeamMember',
    summary: 'Remove a member from a team',
    description: 'They stay in the organization and in their other teams.',
    success: { status: 200, schema: 'WriteResponse' },
    errors: ['team-not-found', 'user-not-found'],
  },
  'GET /organizations/{orgId}/classes': {
    operationId: 'listClasses',
    summary: 'List classes',
    description: 'Admins see every class, instructors their own. Filter by instructor and status: the deactivate dialog lists an instructor\'s active classes this way.',
    success: { status: 200, schema: 'ClassPage' },
  },
  'POST /organizations/{orgId}/classes': {
    operationId: 'createClass',
    summary: 'Create a class',
    description: 'Taught by an active instructor of the organization, optionally in one of the languages the organization teaches (`languageId`).',
    success: { status: 201, schema: 'UserWriteResponse' },
    errors: ['invalid-instructor', 'language-not-taught', 'idempotency-key-reused'],
  },
  'GET /organizations/{orgId}/classes/{classId}': { operationId: 'getClass', summary: 'Get a class', description: "Its name, instructor and status; the ETag is the class's own version.", success: { status: 200, schema: 'Class' }, etag: true, errors: ['class-not-found'] },
  'PATCH /organizations/{orgId}/classes/{classId}': {
    operationId: 'editClass',
    summary: 'Edit a class',
    description: 'A JSON Merge Patch of its name, instructor and language (`languageId: null` for none). Archived classes cannot be edited.',
    success: { status: 200, schema: 'UserWriteResponse' },
    ifMatch: true,
    errors: ['class-not-found', 'class-archived', 'invalid-instructor', 'language-not-taught'],
    requestBody: { 'application/merge-patch+json': { schema: ref('EditClassDto') }, 'application/json': { schema: ref('EditClassDto') } },
  },
  'POST /organizations/{orgId}/classes/{classId}/archive': {
    operationId: 'archiveClass',
    summary: 'Archive a class',
    description: 'An archived class no longer holds its instructor\'s role.',
    success: { status: 200, schema: 'UserWriteResponse' },
    ifMatch: true,
    errors: ['class-not-found'],
  },
  'GET /sso/providers': { operationId: 'listSsoProviders', summary: 'List SSO providers', description: 'OpenID Connect and SAML providers, optionally of one organization. Secrets are never shown.', success: { status: 200, schema: 'SsoProviderPage' } },
  'POST /sso/providers': {
    operationId: 'createSsoProvider',
    summary: 'Add an SSO provider',
    description: 'OIDC needs an https issuer, client id, client secret and scopes with openid; SAML an entity id, an https SSO URL and a PEM certificate.',
    success: { status: 201, schema: 'WriteResponse' },
  },
  'GET /sso/providers/{id}': { operationId: 'getSsoProvider', summary: 'Get an SSO provider', description: 'Never the secret, only whether one is set; the ETag is the provider\'s own version.', success: { status: 200, schema: 'SsoProvider' }, etag: true },
  'POST /sso/providers/{id}': {
    operationId: 'createSsoProviderWithId',
    summary: 'Add an SSO provider under a chosen id',
    description: 'As POST /sso/providers, with the id in the path; 409 when it is taken.',
    success: { status: 201, schema: 'WriteResponse' },
    errors: ['sso-provider-already-exists'],
  },
  'PATCH /sso/providers/{id}': {
    operationId: 'editSsoProvider',
    summary: 'Edit an SSO provider',
    description: 'A JSON Merge Patch; a blank client secret keeps the current one.',
    success: { status: 200, schema: 'WriteResponse' },
    ifMatch: true,
    requestBody: { 'application/merge-patch+json': { schema: ref('UpdateSsoProviderDto') }, 'application/json': { schema: ref('UpdateSsoProviderDto') } },
  },
  'DELETE /sso/providers/{id}': { operationId: 'removeSsoProvider', summary: 'Remove an SSO provider', description: 'Unlinks every identity it linked.', success: { status: 200, schema: 'WriteResponse' }, ifMatch: true },
  'POST /organizations/{orgId}/users/{userId}/sso-identities': {
    operationId: 'linkSsoIdentity',
    summary: 'Link an SSO identity to a user by hand',
    description: "For an identity whose asserted email is not exactly the user's address: an admin who checked who it is links the provider's subject to the user. The event names the admin.",
    success: { status: 200, schema: 'UserWriteResponse' },
    errors: ['user-not-found', 'sso-provider-not-found', 'sso-identity-already-linked', 'sso-provider-disabled'],
  },
  'GET /auth/sso/discover': {
    operationId: 'discoverSso',
    summary: "Does this address's organization require SSO?",
    description: 'Unknown addresses get the same answer as addresses whose organization has no such provider.',
    success: { status: 200, schema: 'SsoDiscovery' },
  },
  'POST /auth/sso/exchange': {
    operationId: 'exchangeSsoCode',
    summary: 'Swap a one-time SSO code for a session',
    description: 'The code is valid for 60 s and works once, and only with `codeVerifier`, the PKCE verifier whose S256 challenge the UI sent to login; the session is the one a password sign-in gives.',
    success: { status: 200, schema: 'LoginResponse' },
    errors: ['sso-code-invalid', 'account-deactivated', 'organization-suspended', 'invalid-credentials'],
  },
  'GET /auth/sso/{providerId}/login': {
    operationId: 'startSsoSignIn',
    summary: 'Start an SSO sign-in',
    description:
      'Redirects the browser to the identity provider; it comes back to `returnTo?code=` or `returnTo?error=<code>`. Takes `returnTo` (an allowed UI URL) and `codeChallenge` (S256 PKCE challenge), and sets the HttpOnly `__Host-sso-binding` cookie the callback or ACS requires.',
    success: { status: 302, description: 'To the identity provider', headers: ['Location', 'Set-Cookie'] },
  },
  'GET /auth/sso/{providerId}/callback': {
    operationId: 'finishOidcSignIn',
    summary: 'OpenID Connect redirect URI',
    description: 'Where the provider sends the browser back; answers with a redirect to the admin UI carrying a one-time code or an error code.',
    success: { status: 302, description: 'To returnTo with ?code= or ?error=', headers: ['Location'] },
  },
  'POST /auth/sso/{providerId}/acs': {
    operationId: 'finishSamlSignIn',
    summary: 'SAML assertion consumer service',
    description: 'Receives the signed SAML response (HTTP-POST binding); answers with a redirect to the admin UI carrying a one-time code or an error code.',
    success: { status: 302, description: 'To returnTo with ?code= or ?error=', headers: ['Location'] },
    requestBody: { 'application/x-www-form-urlencoded': { schema: obj({ SAMLResponse: str(), RelayState: str() }) } },
  },
  'GET /auth/sso/{providerId}/metadata': {
    operationId: 'getSamlMetadata',
    summary: 'SAML service provider metadata',
    description: 'The entity id and ACS URL to give the identity provider, as XML.',
    success: { status: 200, content: { 'application/samlmetadata+xml': { schema: str() } } },
  },
  'GET /health': {
    operationId: 'getHealth',
    summary: 'Health',
    description: "The event store (reads and writes), the read store, the projector's checkpoint and lag, the audit log's lag. 503 when one of them fails.",
    success: { status: 200, schema: 'Health' },
  },
};

/** Routes anyone may call (the routes test holds the same list against the guard's metadata). */
const PUBLIC_OPERATIONS = new Set([
  'POST /auth/login',
  'POST /auth/setup',
  'GET /setup',
  'GET /auth/sso/discover',
  'POST /auth/sso/exchange',
  'GET /auth/sso/{providerId}/login',
  'GET /auth/sso/{providerId}/callback',
  'POST /auth/sso/{providerId}/acs',
  'GET /auth/sso/{providerId}/metadata',
  'GET /logos/{file}',
  'GET /health',
  'GET /xapi/about',
]);

/** The learning record store's routes: an xAPI credential over HTTP Basic, never a session. */
const XAPI_CLIENT_OPERATIONS = new Set(['POST /xapi/statements', 'PUT /xapi/statements', 'GET /xapi/statements']);

const TITLES: Record<number, string> = {
  400: 'The request is malformed or a field was refused (validation-failed lists them)',
  401: 'Not signed in, or the session no longer works',
  403: 'Signed in, but not allowed',
  404: 'Not found, or not visible to the caller',
  409: 'Refused by a rule on the current state, or a concurrent change',
  412: 'If-Match is stale: reload (the current ETag is in the answer) and try again',
  413: 'The body is too large',
  415: 'The body is of a type this route does not take',
  422: 'The Idempotency-Key was used with another request',
  429: 'Too many attempts: wait Retry-After seconds',
  503: 'Storage or a read model is unavailable for now: retry after Retry-After seconds',
};

/** The codes when a condition holds (typed, so each must be in the catalogue). */
const only = (condition: unknown, ...codes: ErrorCode[]): ErrorCode[] => (condition ? codes : []);

const problem = (status: number, codes: ErrorCode[]) => ({
  description: TITLES[status],
  content: { 'application/problem+json': { schema: { allOf: [ref('ProblemDetails'), { type: 'object', properties: { code: str({ enum: [...new Set(codes)] }) } }] } } },
});

const header = (name: string, description: string, required = false) => ({ name, in: 'header', required, description, schema: str() });

/** Fills the generated document in from OPERATIONS; throws on an operation the table does not describe. */
export function completeOpenApi(document: OpenAPIObject): OpenAPIObject {
  document.openapi = '3.0.3';
  document.components ??= {};
  document.components.schemas = { ...(document.components.schemas ?? {}), ...SCHEMAS } as never;
  document.components.headers = {
    ETag: { description: "The resource's version, for If-Match", schema: { type: 'string' } },
    Location: { description: 'Where the browser goes next', schema: { type: 'string' } },
    'Set-Cookie': { description: '__Host-sso-binding: ties the sign-in to this browser (HttpOnly, Secure, SameSite=None, 10 minutes)', schema: { type: 'string' } },
    'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } },
  } as never;
  const missing: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = (item as Record<string, Record<string, unknown> | undefined>)[method];
      if (!operation) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const doc = OPERATIONS[key];
      if (!doc) {
        missing.push(key);
        continue;
      }
      operation.operationId = doc.operationId;
      operation.summary = doc.summary;
      operation.description = doc.description;
      const xapiClient = XAPI_CLIENT_OPERATIONS.has(key);
      const secured = !PUBLIC_OPERATIONS.has(key) && !xapiClient;
      if (secured) operation.security = [{ bearer: [] }];
      else if (xapiClient) operation.security = [{ basic: [] }];
      else delete operation.security;
      const write = method !== 'get';

      // Parameters: each once, and the headers each route reads.
      const seen = new Set<string>();
      const parameters = ((operation.parameters as { in: string; name: string }[] | undefined) ?? []).filter((p) => {
        const id = `${p.in}:${p.name.toLowerCase()}`;
        if (seen.has(id) || (p.in === 'header' && ['if-match', 'idempotency-key', 'x-min-position'].includes(p.name.toLowerCase()))) return false;
        seen.add(id);
        return true;
      });
      if (doc.ifMatch) parameters.push(header('If-Match', 'The ETag of the resource as you read it: a stale one is 412 stale-revision'));
      if (write && secured) parameters.push(header('Idempotency-Key', 'The same key and body give the same answer and write nothing twice'));
      // Every GET waits for the position this header names (ReadYourWritesInterceptor).
      if (method === 'get' && secured) parameters.push(header('X-Min-Position', 'Wait (at most 5 s) until the read models include this log position, as a write answered it'));
      operation.parameters = parameters;
      if (doc.requestBody) operation.requestBody = { required: true, content: doc.requestBody };

      // Responses: the success with its schema and headers, then every problem it can give.
      const responses: Record<string, unknown> = {};
      const success = doc.success ?? { status: 200 };
      const headers: Record<string, unknown> = {};
      if (doc.etag || (write && success.schema && /WriteResponse|ArrearsResponse|SlugResponse|DeletionResponse|CreateOrganizationResponse|EditOrganizationResponse/.test(success.schema))) headers.ETag = { $ref: '#/components/headers/ETag' };
      for (const name of success.headers ?? []) headers[name] = { $ref: `#/components/headers/${name}` };
      responses[String(success.status)] = {
        description: success.description ?? 'Success',
        ...(Object.keys(headers).length ? { headers } : {}),
        ...(success.schema ? { content: { 'application/json': { schema: ref(success.schema) } } } : success.content ? { content: success.content } : {}),
      };
      // The table's codes, by the status the catalogue gives each.
      const errors: Partial<Record<number, ErrorCode[]>> = {};
      for (const code of doc.errors ?? []) (errors[errorEntry(code).status] ??= []).push(code);
      const hasInput = parameters.length > 0 || !!operation.requestBody;
      if (hasInput || errors[400]) responses['400'] = problem(400, ['validation-failed', 'malformed-json', 'json-too-deep', ...only(doc.ifMatch, 'invalid-if-match'), ...(errors[400] ?? [])]);
      if (secured || errors[401]) responses['401'] = problem(401, [...only(secured, 'unauthenticated', 'session-expired', 'account-deactivated', 'organization-suspended'), ...(errors[401] ?? [])]);
      if (secured || errors[403]) responses['403'] = problem(403, [...only(secured, 'forbidden'), ...(errors[403] ?? [])]);
      if (path.includes('{') || errors[404]) responses['404'] = problem(404, [...only(path.includes('{orgId}'), 'organization-not-found'), ...(errors[404] ?? []), 'not-found']);
      if (write && secured) responses['409'] = problem(409, ['concurrency-conflict', ...(errors[409] ?? [])]);
      else if (errors[409]) responses['409'] = problem(409, errors[409]);
      if (doc.ifMatch) responses['412'] = { ...problem(412, ['stale-revision']), headers: { ETag: { $ref: '#/components/headers/ETag' } } };
      if (operation.requestBody) responses['413'] = problem(413, ['payload-too-large', ...(errors[413] ?? [])]);
      if (errors[415] || operation.requestBody) responses['415'] = problem(415, ['unsupported-media-type', ...(errors[415] ?? [])]);
      if (errors[422] || (write && secured)) responses['422'] = problem(422, ['idempotency-key-reused', ...(errors[422] ?? [])]);
      if (errors[429]) responses['429'] = { ...problem(429, errors[429]), headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } };
      responses['503'] = { ...problem(503, ['storage-unavailable', 'event-store-unavailable', 'read-model-behind', 'unhealthy']), headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } };
      operation.responses = responses;
    }
  }
  if (missing.length) throw new Error(`OpenAPI: no description for ${missing.join(', ')} (apps/command-api/src/shared/openapi.ts)`);
  return document;
}
