import { describe, expect, test } from '@jest/globals';
import { DomainError } from '../shared/domain-error.js';
import { agentKeyOf, decideStatements, retryIdentity, type Deciding } from './statements.js';

const ID = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const statement = (extra: Record<string, unknown> = {}) => ({ actor: { mbox: 'mailto:Ana@School.test' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://school.test/a' }, ...extra });
const context = (known: Record<string, string> = {}): Deciding => ({
  organizationId: 'org',
  timeZone: 'Europe/Lisbon',
  credentialId: 'cred',
  authority: { objectType: 'Agent', account: { homePage: 'https://lrs.test/xapi', name: 'org.cred' } },
  now: '2026-12-01T10:00:00.000Z',
  newId: () => 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
  hash: (identity) => `h(${identity})`,
  known: (id) => known[id],
  memberOf: (key) => (key === 'mbox:mailto:ana@school.test' ? 'user-ana' : null),
});

describe('deciding which statements to store', () => {
  test('stored with what the LRS adds; the mailbox matched case-insensitively; an id made for one sent without', () => {
    const { ids, events } = decideStatements({ statements: [statement()] }, context());
    expect(ids).toEqual(['aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee']);
    expect(events[0].data).toMatchObject({
      statementId: ids[0],
      userId: 'user-ana',
      agentKey: 'mbox:mailto:ana@school.test',
      voids: null,
      timeZone: 'Europe/Lisbon',
      statement: { id: ids[0], stored: '2026-12-01T10:00:00.000Z', timestamp: '2026-12-01T10:00:00.000Z', version: '1.0.0', authority: { account: { name: 'org.cred' } } },
    });
  });

  test('the same id: skipped when it is the same statement (key order aside), refused when another', () => {
    const identity = retryIdentity({ ...statement(), id: ID });
    expect(retryIdentity({ id: ID, object: { id: 'https://school.test/a' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, actor: { mbox: 'mailto:Ana@School.test' } })).toBe(identity);
    expect(decideStatements({ statements: [statement({ id: ID })] }, context({ [ID]: `h(${identity})` }))).toEqual({ ids: [ID], events: [] });
    expect(() => decideStatements({ statements: [statement({ id: ID, object: { id: 'https://school.test/b' } })] }, context({ [ID]: `h(${identity})` }))).toThrow(DomainError);
  });

  test('a batch naming one id twice, and a PUT whose statement names another id, are refused whole', () => {
    expect(() => decideStatements({ statements: [statement({ id: ID }), statement({ id: ID })] }, context())).toThrow(/appears twice/);
    expect(() => decideStatements({ statements: [statement({ id: ID })], statementIdParameter: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee' }, context())).toThrow(/differs/);
  });

  test('a voiding statement names what it voids', () => {
    const voiding = statement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: ID.toUpperCase() } });
    expect(decideStatements({ statements: [voiding] }, context()).events[0].data.voids).toBe(ID);
  });

  test("an agent's key: mailbox, SHA-1, OpenID or account; none for an anonymous group", () => {
    expect(agentKeyOf({ mbox_sha1sum: 'ABC' })).toBe('mbox_sha1sum:abc');
    expect(agentKeyOf({ openid: 'https://id.test/ana' })).toBe('openid:https://id.test/ana');
    expect(agentKeyOf({ account: { homePage: 'https://lms.test', name: 'ana' } })).toBe('account:https://lms.test|ana');
    expect(agentKeyOf({ objectType: 'Group', member: [] })).toBeNull();
  });
});
