/**
 * Every error code the service answers with, declared once: the HTTP status it is
 * answered with and a human title. Code is written against these names (the
 * `ErrorCode` type), so a code that is not declared here does not compile, and a test
 * (test/architecture/error-catalogue.spec.ts) scans the sources for any that slipped
 * past the type. OpenAPI lists each route's codes from here, under their status.
 *
 * Codes are stable: clients branch on them. Rename one only with a deprecation.
 *
 * `signInStatus`: a few rules refuse both an HTTP command (409, on the organization's
 * current state) and a single sign-on sign-in; a refused sign-in is a 403 (and reaches
 * the UI as `?error=<code>` once the browser is on its way back).
 */
export interface ErrorEntry {
  status: number;
  title: string;
  signInStatus?: number;
}

export const ERROR_CATALOGUE = {
  // ---- The request itself (400, 413, 415) -------------------------------------------
  'validation-failed': { status: 400, title: 'One or more fields were refused; errors[] lists each' },
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  'json-too-deep': { status: 400, title: 'The request body is nested too deeply' },
  'bad-request': { status: 400, title: 'The request could not be read' },
  'invalid-if-match': { status: 400, title: 'If-Match is not an entity tag' },
  'invalid-return-to': { status: 400, title: 'returnTo is not an allowed sign-in page' },
  'password-mismatch': { status: 400, title: 'The two passwords differ' },
  'logo-missing': { status: 400, title: 'No image was sent' },
  'logo-unreadable': { status: 400, title: 'The image does not decode' },
  'logo-dimensions-too-large': { status: 400, title: 'The image is too large in pixels' },
  'sso-state-invalid': { status: 400, title: 'This sign-in was not started here, has expired or was already finished' },
  'sso-code-invalid': { status: 400, title: 'The sign-in code is invalid, expired or already used' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'logo-too-large': { status: 413, title: 'The logo file is too large' },
  'unsupported-media-type': { status: 415, title: 'The body is of a type this route does not take' },
  'unsupported-logo-format': { status: 415, title: 'The logo is not an image format the service takes' },

  // ---- Field errors found by a decider (answered as validation-failed, with errors[]) ---
  'invalid-organization-settings': { status: 400, title: 'The organization settings were refused' },
  'invalid-session-policy': { status: 400, title: 'The session policy was refused' },
  'invalid-user': { status: 400, title: 'The user was refused' },
  'invalid-class': { status: 400, title: 'The class was refused' },
  'language-not-taught': { status: 400, title: 'The organization does not teach this language' },
  'invalid-dictionary-entry': { status: 400, title: 'The dictionary entry was refused' },
  'invalid-dictionary-import': { status: 400, title: 'The dictionary file was refused' },
  'invalid-activity': { status: 400, title: 'The activity was refused' },
  'invalid-xapi-credential': { status: 400, title: 'The xAPI credential was refused' },
  'invalid-xapi-statement': { status: 400, title: 'The statement is not valid xAPI 1.0.3' },
  'invalid-xapi-query': { status: 400, title: 'The statement query is not valid' },
  'xapi-version-required': { status: 400, title: 'The X-Experience-API-Version header is missing or names a version this LRS does not speak' },
  'invalid-assignment': { status: 400, title: 'The assignment was refused' },
  'invalid-sso-provider': { status: 400, title: 'The SSO provider was refused' },
  'invalid-platform-auditor': { status: 400, title: 'The platform auditor was refused' },
  'invalid-email': { status: 400, title: 'The email address was refused' },
  'invalid-department': { status: 400, title: 'The department was refused' },
  'invalid-team': { status: 400, title: 'The team was refused' },
  'invalid-deletion-request': { status: 400, title: 'The deletion request was refused' },
  'invalid-settings': { status: 400, title: 'The settings were refused' },
  'invalid-import': { status: 400, title: 'The file cannot be imported' },
  'invalid-domain': { status: 400, title: 'The domain was refused' },
  'invalid-language': { status: 400, title: 'The language was refused' },
  'invalid-join-decision': { status: 400, title: 'The decision on the join request was refused' },
  'password-policy': { status: 400, title: 'The password does not meet the password policy' },
  'current-password-incorrect': { status: 400, title: 'The current password is not right' },

  // ---- Who is asking (401, 403) ------------------------------------------------------
  unauthenticated: { status: 401, title: 'Sign in to continue' },
  'session-expired': { status: 401, title: 'The session has ended' },
  'invalid-credentials': { status: 401, title: 'Email or password is incorrect' },
  'xapi-unauthenticated': { status: 401, title: 'Send an xAPI key and secret over HTTP Basic' },
  'account-deactivated': { status: 401, title: 'The account is deactivated' },
  'organization-suspended': { status: 401, title: 'The organization is suspended' },
  'organization-being-deleted': { status: 401, title: 'The organization is being deleted' },
  forbidden: { status: 403, title: 'Signed in, but not allowed to do this' },
  'ip-not-allowed': { status: 403, title: "The request comes from outside the organization's allowed IP ranges" },
  'members-private': { status: 403, title: "The organization's privacy policy keeps members from seeing one another" },
  'route-without-permission': { status: 403, title: 'The route declares no permission and is closed' },
  'sso-required': { status: 403, title: 'The organization signs in through single sign-on' },
  'sso-email-not-verified': { status: 403, title: 'The identity provider did not assert a verified email' },
  'sso-token-rejected': { status: 403, title: "The identity provider's answer was refused" },
  'sso-assertion-rejected': { status: 403, title: 'The SAML response was refused' },
  'sso-assertion-replayed': { status: 403, title: 'The SAML assertion was already used' },
  'sso-provider-error': { status: 403, title: 'The identity provider refused the sign-in' },
  'sso-failed': { status: 403, title: 'The sign-in failed for an unexpected reason' },

  // ---- What is asked for (404, 405) --------------------------------------------------
  'not-found': { status: 404, title: 'No such route or resource' },
  'organization-not-found': { status: 404, title: 'No such organization' },
  'user-not-found': { status: 404, title: 'No such user in this organization' },
  'class-not-found': { status: 404, title: 'No such class in this organization' },
  'dictionary-entry-not-found': { status: 404, title: 'No such entry in the dictionary' },
  'activity-not-found': { status: 404, title: 'No such activity in the library' },
  'xapi-credential-not-found': { status: 404, title: 'No such xAPI credential in this organization' },
  'xapi-statement-not-found': { status: 404, title: 'No such statement' },
  'assignment-not-found': { status: 404, title: 'No such assignment' },
  'sso-provider-not-found': { status: 404, title: 'No such SSO provider' },
  'platform-auditor-not-found': { status: 404, title: 'No such platform auditor' },
  'logo-not-found': { status: 404, title: 'No such logo' },
  'department-not-found': { status: 404, title: 'No such department in this organization' },
  'team-not-found': { status: 404, title: 'No such team in this organization' },
  'language-not-found': { status: 404, title: 'No such language' },
  'join-request-not-found': { status: 404, title: 'No such join request in this organization' },
  'domain-not-found': { status: 404, title: 'No such domain in this organization' },
  'import-not-found': { status: 404, title: 'No such import in this organization' },
  'method-not-allowed': { status: 405, title: 'The route does not take this method' },

  // ---- Rules refused on the current state (409) --------------------------------------
  'organization-already-exists': { status: 409, title: 'An organization with this id already exists' },
  'ip-restriction-excludes-you': { status: 409, title: 'The IP ranges would shut out your own address; confirm to save them' },
  'user-already-exists': { status: 409, title: 'A user with this id already exists' },
  'class-already-exists': { status: 409, title: 'A class with this id already exists' },
  'sso-provider-already-exists': { status: 409, title: 'An SSO provider with this id already exists' },
  'platform-auditor-already-exists': { status: 409, title: 'A platform auditor with this id already exists' },
  'super-admin-already-exists': { status: 409, title: 'The platform already has its first super admin' },
  'bootstrap-link-issued-elsewhere': { status: 409, title: 'Another process issued the setup link a moment ago' },
  'email-already-in-use': { status: 409, title: 'The email address is already in use' },
  'setup-link-invalid': { status: 409, title: 'The setup link is invalid, has expired or was already used' },
  'only-setup-pending-users-can-be-reinvited': { status: 409, title: 'Only setup-pending users can be sent a new invitation' },
  'only-setup-pending-users-can-be-deleted': { status: 409, title: 'Only setup-pending users can be deleted' },
  'only-active-users-can-be-deactivated': { status: 409, title: 'Only active users can be deactivated' },
  'only-deactivated-users-can-be-reactivated': { status: 409, title: 'Only deactivated users can be reactivated' },
  'cannot-deactivate-yourself': { status: 409, title: 'You cannot deactivate your own account' },
  'user-not-deactivated': { status: 409, title: 'Deactivate the user before erasing them' },
  'user-erased': { status: 409, title: 'This user was erased; nothing about them can be changed' },
  'cannot-remove-own-admin-role': { status: 409, title: 'You cannot remove your own admin role' },
  'organization-needs-an-active-admin': { status: 409, title: 'An organization keeps at least one active admin' },
  'instructor-has-active-classes': { status: 409, title: 'The user teaches active classes' },
  'reassignment-required': { status: 409, title: 'Choose an instructor to take over the active classes' },
  'invalid-reassignment-target': { status: 409, title: 'Classes can only move to another active instructor' },
  'invalid-instructor': { status: 409, title: 'The instructor must be an active instructor of this organization' },
  'class-archived': { status: 409, title: 'Archived classes cannot be edited' },
  'sso-provider-disabled': { status: 409, title: 'The SSO provider is disabled', signInStatus: 403 },
  'sso-account-not-linked': { status: 409, title: 'No account of this organization is linked to this identity', signInStatus: 403 },
  'sso-email-domain-not-allowed': { status: 409, title: "The email's domain is not allowed for this provider", signInStatus: 403 },
  'sso-identity-already-linked': { status: 409, title: 'The identity is already linked to another user' },
  'sso-idp-initiated-not-allowed': { status: 409, title: 'The provider does not accept IdP-initiated sign-in', signInStatus: 403 },
  'last-owner': { status: 409, title: 'An organization keeps at least one active owner' },
  'new-owner-not-eligible': { status: 409, title: 'Ownership passes to another active member only' },
  'department-already-exists': { status: 409, title: 'A department with this id already exists' },
  'department-name-taken': { status: 409, title: 'Another department under the same parent has this name' },
  'department-cycle': { status: 409, title: 'A department cannot move under itself or its own sub-departments' },
  'department-too-deep': { status: 409, title: 'Departments nest at most 8 levels deep' },
  'department-not-empty': { status: 409, title: 'The department still has sub-departments or teams' },
  'team-already-exists': { status: 409, title: 'A team with this id already exists' },
  'team-name-taken': { status: 409, title: 'Another team of the organization has this name' },
  'import-already-exists': { status: 409, title: 'An import with this id already exists' },
  'import-not-applying': { status: 409, title: 'The import is not being applied' },
  'import-plan-changed': { status: 409, title: 'The organization changed since the dry run, so the plan no longer holds; upload the file again' },
  'language-already-exists': { status: 409, title: 'A language with this id already exists' },
  'language-code-taken': { status: 409, title: 'Another language has this code' },
  'language-in-use': { status: 409, title: 'The language is in use and cannot be removed' },
  'language-pronunciation-in-use': { status: 409, title: 'Dictionary entries carry pronunciation text in this language' },
  'language-pronunciation-unsupported': { status: 409, title: 'The language has no pronunciation or romanization text' },
  'language-taught-in-classes': { status: 409, title: 'Active classes are taught in this language' },
  'dictionary-entry-exists': { status: 409, title: 'The dictionary has this term in this language already' },
  'activity-already-exists': { status: 409, title: 'An activity with this id already exists' },
  'xapi-credential-exists': { status: 409, title: 'An active xAPI credential has this name' },
  'xapi-statement-conflict': { status: 409, title: 'The LRS has another statement with this id' },
  'xapi-credentials-limit': { status: 409, title: 'The organization has as many active xAPI credentials as it may' },
  'activity-iri-taken': { status: 409, title: 'Another activity of the library has this activity IRI' },
  'activity-retired': { status: 409, title: 'The activity is retired' },
  'activity-in-use': { status: 409, title: 'The activity has been assigned: retire it instead' },
  'assignment-already-exists': { status: 409, title: 'An assignment with this id already exists' },
  'feature-off': { status: 409, title: 'A feature this needs is off for the organization' },
  'license-expired': { status: 409, title: 'The license has ended' },
  'license-seats-exceeded': { status: 409, title: 'The license has not enough seats' },
  'self-registration-closed': { status: 409, title: 'The organization does not take registrations from this address' },
  'join-request-rejected-recently': { status: 409, title: 'The last request was declined less than 7 days ago' },
  'join-request-decided': { status: 409, title: 'The join request was decided already' },
  'domain-already-added': { status: 409, title: 'The organization has this domain already' },
  'domain-taken': { status: 409, title: 'Another organization has verified this domain' },
  'domain-verification-failed': { status: 409, title: 'The TXT record was not found in DNS' },
  'setting-not-allowed': { status: 409, title: 'A super admin has not allowed this setting for the organization' },
  'slug-taken': { status: 409, title: 'Another organization has this slug' },
  'organization-deletion-pending': { status: 409, title: 'The organization is being deleted; only a restore is possible' },
  'organization-not-being-deleted': { status: 409, title: 'The organization is not being deleted' },
  'restore-window-closed': { status: 409, title: 'The 30 days to restore the organization have ended' },
  'purge-not-due': { status: 409, title: 'The organization can still be restored; it is not purged yet' },
  'concurrency-conflict': { status: 409, title: 'Too many concurrent changes to this resource; try again' },

  // ---- Preconditions, repetition and rate (412, 422, 429) ----------------------------
  'stale-revision': { status: 412, title: 'If-Match is stale: reload the resource and try again' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was already used with a different request' },
  'too-many-attempts': { status: 429, title: 'Too many failed sign-in attempts' },

  // ---- The service (500, 502, 503) ---------------------------------------------------
  'internal-error': { status: 500, title: 'An unexpected error occurred' },
  'sso-provider-unreachable': { status: 502, title: 'The identity provider could not be reached' },
  'storage-unavailable': { status: 503, title: 'Storage is unavailable for now' },
  'dns-unavailable': { status: 503, title: 'DNS could not be asked; try again shortly' },
  'event-store-unavailable': { status: 503, title: 'The event store is out of reach for now' },
  'read-model-behind': { status: 503, title: 'The read models have not caught up yet' },
  unhealthy: { status: 503, title: 'A dependency of the service is failing' },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const errorEntry = (code: ErrorCode): ErrorEntry => ERROR_CATALOGUE[code];

export const isErrorCode = (value: unknown): value is ErrorCode => typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
