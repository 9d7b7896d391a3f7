// `npm run test:mutation`: one-line mutations of the guide's rules and the access layer,
// applied one at a time; each must make the named specs fail ("killed"). A mutation
// that leaves them green ("survived") means no test holds that rule, and the run fails.
// Plain Node: it edits the source, runs Jest as `npm test` does, and always restores.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const M = (rule, file, find, replace, specs) => ({ rule, file, find, replace, specs });
const members = (file) => `libs/domain/src/members/${file}`;
const membership = members('membership.ts');
// Every use case's given/when/then spec of the members folder.
const domainSpecs = ['libs/domain/src/members/'];

export const MUTATIONS = [
  M('nobody removes their own admin role', members('editing-user.ts'), "if (losing.includes('admin') && command.data.actorId === user.id)", "if (losing.includes('admin') && false)", domainSpecs),
  M('an instructor with active classes keeps the role', members('editing-user.ts'), "    if (classes.length)\n      throw new DomainError('instructor-has-active-classes'", "    if (false)\n      throw new DomainError('instructor-has-active-classes'", [...domainSpecs, 'test/e2e/membership-races.e2e.spec.ts']),
  M('deactivating an instructor with active classes needs a reassignment target', members('deactivating-user.ts'), 'if (classes.length && !reassignTo)', 'if (false)', domainSpecs),
  M('classes do not move to the user being deactivated', members('deactivating-user.ts'), 'if (!target || target.id === user.id || !isActiveInstructor(target)', 'if (!target || !isActiveInstructor(target)', domainSpecs),
  M('only setup-pending users can be deleted', members('deleting-user.ts'), "  if (user.status !== 'setupPending')\n    throw new DomainError('only-setup-pending-users-can-be-deleted'", "  if (false)\n    throw new DomainError('only-setup-pending-users-can-be-deleted'", domainSpecs),
  M('an organization keeps an active admin', membership, "  if (leaving.status !== 'active' || !leaving.roles.includes('admin')) return;", '  return;', domainSpecs),
  M('nobody deactivates themselves', members('deactivating-user.ts'), 'if (command.data.actorId === user.id) throw new DomainError(\'cannot-deactivate-yourself\'', 'if (false) throw new DomainError(\'cannot-deactivate-yourself\'', domainSpecs),
  M('an email is used once in an organization', membership, '  return holder !== undefined && holder !== exceptUserId;', '  return false;', domainSpecs),
  M('email twins share a key (width mapping)', 'libs/domain/src/shared/email.ts', 'widthMapped(email.trim()).toLowerCase()', 'email.trim().toLowerCase()', ['libs/domain/src/shared/email.spec.ts']),
  M('SSO links an email only when it is exactly the member\'s (no Unicode case mapping)', 'libs/domain/src/shared/email.ts', "return asciiLower(asserted.trim()) === asciiLower(stored.normalize('NFC'));", "return asserted.trim().toLowerCase() === stored.toLowerCase();", ['libs/domain/src/shared/email.spec.ts', 'libs/domain/src/sso/linking-identity.spec.ts']),
  M("another tenant's organization is not found", 'libs/domain/src/access/permissions.ts', "  if (granted.orgScoped && targetOrganizationId !== undefined && targetOrganizationId !== principal.organizationId) return 'not-found';\n", '', ['test/e2e/permission-matrix.e2e.spec.ts']),
  M('instructors do not read the audit log', 'libs/domain/src/access/permissions.ts', "'audit:read': rule(true, true, ['admin', 'auditor'], true)", "'audit:read': rule(true, true, ['admin', 'auditor', 'instructor'], true)", ['test/e2e/permission-matrix.e2e.spec.ts']),
  M('members of an organization in arrears are suspended', 'libs/domain/src/access/sessions.ts', "    if (organization.inArrearsAt) return { valid: false, reason: 'suspended', revoke: true };\n", '', ['libs/domain/src/access/sessions.spec.ts', 'test/e2e/access.e2e.spec.ts']),
  M('a deactivated user is told so', 'libs/domain/src/access/sessions.ts', "  if (account.status === 'deactivated') return { valid: false, reason: 'deactivated', revoke: false };\n", '', ['libs/domain/src/access/sessions.spec.ts', 'test/e2e/access.e2e.spec.ts']),
  M('sign-in attempts are limited', 'libs/side-stores/src/login-throttle.ts', '      if (window && window.count >= limit) wait = Math.max(', '      if (false) wait = Math.max(', ['libs/side-stores/src/side-stores.spec.ts']),
  M('an Idempotency-Key replays the first answer', 'apps/command-api/src/shared/write/stream-writer.ts', '          if (seen) {', '          if (false) {', ['test/e2e/organizations.e2e.spec.ts']),
  M('a stale If-Match is refused', 'apps/command-api/src/shared/write/stream-writer.ts', 'if (current !== undefined && current !== options.expectedRevision) throw staleRevision(options.expectedRevision, current);', '', ['test/e2e/patch-and-etags.e2e.spec.ts']),
  M('an edited event breaks its hash chain', 'libs/event-store/src/hash-chain.ts', "    else if (eventHash(event, head.hash) !== hash) reason = 'content-hash-mismatch';\n", '', ['libs/event-store/src/hash-chain.spec.ts']),
];

function run(specs) {
  const result = spawnSync('npx', ['jest', '--selectProjects', 'unit', '--silent', ...specs], {
    env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules' },
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  return result.status;
}

const started = Date.now();
let current = null;
const restore = () => current && writeFileSync(current.file, current.original);
process.on('SIGINT', () => (restore(), process.exit(130)));

// A spec that does not exist, or fails before any mutation, would count every mutant as
// killed: each spec set must exist and pass as the code stands.
for (const specs of new Set(MUTATIONS.map((m) => JSON.stringify(m.specs)))) {
  const list = JSON.parse(specs);
  const missing = list.filter((spec) => !existsSync(spec));
  if (missing.length || run(list) !== 0) {
    process.stdout.write(`the specs ${list.join(', ')} ${missing.length ? `do not exist (${missing.join(', ')})` : 'fail before any mutation'}; fix the list\n`);
    process.exit(2);
  }
}

const survived = [];
for (const [i, mutation] of MUTATIONS.entries()) {
  const original = readFileSync(mutation.file, 'utf8');
  const at = original.split(mutation.find).length - 1;
  if (at !== 1) {
    process.stdout.write(`mutation ${i + 1} (${mutation.rule}): the text to mutate is found ${at} times in ${mutation.file}; fix the list\n`);
    process.exit(2);
  }
  current = { file: mutation.file, original };
  writeFileSync(mutation.file, original.replace(mutation.find, mutation.replace));
  try {
    const status = run(mutation.specs);
    const killed = status !== 0;
    if (!killed) survived.push(mutation.rule);
    process.stdout.write(`${killed ? 'killed  ' : 'SURVIVED'}  ${mutation.rule}\n`);
  } finally {
    restore();
    current = null;
  }
}
const killed = MUTATIONS.length - survived.length;
process.stdout.write(`\nmutation score: ${killed} of ${MUTATIONS.length} killed (${Math.round((100 * killed) / MUTATIONS.length)}%) in ${Math.round((Date.now() - started) / 1000)} s\n`);
if (survived.length) {
  process.stdout.write(`survived: ${survived.join('; ')}\n`);
  process.exit(1);
}
