import { describe, expect, test } from '@jest/globals';
import { company, org, spec, superAdmin } from '../testing/company.js';
import { organizationDecider } from './organization.decider.js';
import type { OrganizationEvent } from './organization.js';
import { contrastWithWhite, DEFAULT_SETTINGS, effectiveFeatures, normalizeColor, renderTemplate, settingsWarnings } from './settings.js';

/**
 * Organization settings (issue 17; multi-tenant guide, Organization Settings), each rule
 * as given/when/then. Ann is an admin of the company, Olga its owner.
 */
const change = (patch: unknown, actorId = 'ann') => ({ type: 'ChangeOrganizationSettings' as const, data: { actorId, patch } });
const changed = (changes: Record<string, { before: unknown; after: unknown }>): OrganizationEvent => ({ type: 'OrganizationSettingsChanged', data: { organizationId: org, changes } });
const fold = (events: OrganizationEvent[]) => {
  const state = organizationDecider.evolveAll!(organizationDecider.initialState(), events);
  if (state.status !== 'existing') throw new Error('no organization');
  return state;
};
const allowAi = changed({ 'allowances.features.aiFeatures': { before: false, after: true } });

describe('Organization settings', () => {
  test('organizations start private, invite-only, without self-registration, every feature off', () => {
    expect(DEFAULT_SETTINGS).toMatchObject({ visibility: 'private', membershipPolicy: 'invite-only', selfRegistration: 'disabled' });
    expect(Object.values(DEFAULT_SETTINGS.features)).toEqual([false, false, false, false, false]);
    expect(DEFAULT_SETTINGS.policies.passwordMinLength).toBe(12);
  });

  test('an admin changes visibility, membership policy and self-registration; each change is recorded by its path with before and after', () => {
    spec(company).when(change({ visibility: 'public', membershipPolicy: 'approval', selfRegistration: 'domain' })).then([
      changed({ visibility: { before: 'private', after: 'public' }, membershipPolicy: { before: 'invite-only', after: 'approval' }, selfRegistration: { before: 'disabled', after: 'domain' } }),
    ]);
  });

  test('a value that is already set changes nothing', () => {
    spec(company).when(change({ visibility: 'private', branding: { primaryColor: null } })).thenNothingHappens();
  });

  test('every wrong value is refused at once, each named by its path', () => {
    spec(company)
      .when(change({ visibility: 'secret', branding: { primaryColor: 'blue', accentColor: '#12345' }, policies: { passwordMinLength: 8, retention: { accessRecordsDays: 0 } }, colour: 'x' }))
      .thenFails('invalid-settings', { kind: 'invalid', fields: ['visibility', 'branding.primaryColor', 'branding.accentColor', 'policies.passwordMinLength', 'policies.retention.accessRecordsDays', 'colour'] });
  });

  test('colours are kept as #rrggbb, lower case', () => {
    expect(normalizeColor('#1A73E8')).toBe('#1a73e8');
    expect(normalizeColor('#fA0')).toBe('#ffaa00');
    spec(company).when(change({ branding: { primaryColor: '#1A73E8' } })).then([changed({ 'branding.primaryColor': { before: null, after: '#1a73e8' } })]);
  });

  test('a colour white text is hard to read on is kept, with a warning (WCAG AA: 4.5:1)', () => {
    expect(contrastWithWhite('#000000')).toBeCloseTo(21, 5);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1, 5);
    // #767676 is the lightest grey that passes AA on white (4.54:1).
    expect(contrastWithWhite('#767676')).toBeCloseTo(4.54, 2);
    const settings = { ...DEFAULT_SETTINGS, branding: { ...DEFAULT_SETTINGS.branding, primaryColor: '#767676', accentColor: '#ffd700' } };
    expect(settingsWarnings(settings)).toEqual([{ field: 'branding.accentColor', message: 'white text on #ffd700 has a contrast of 1.40:1, below the 4.5:1 WCAG AA asks for' }]);
  });

  test('a feature can be turned on only when a super admin allowed it: 409 setting-not-allowed', () => {
    spec(company).when(change({ features: { aiFeatures: true } })).thenFails('setting-not-allowed', { kind: 'rule', fields: ['features.aiFeatures'] });
    spec([...company, allowAi]).when(change({ features: { aiFeatures: true } })).then([changed({ 'features.aiFeatures': { before: false, after: true } })]);
  });

  test('a super admin may allow a feature and turn it on in one change; an admin may not allow anything (403)', () => {
    spec(company).when(change({ allowances: { features: { aiFeatures: true } }, features: { aiFeatures: true } }, superAdmin.id)).then([
      changed({ 'allowances.features.aiFeatures': { before: false, after: true }, 'features.aiFeatures': { before: false, after: true } }),
    ]);
    spec(company).when(change({ allowances: { customCss: true } }, 'ann')).thenFails('forbidden');
    spec(company).when(change({ allowances: { customCss: true } }, 'olga')).thenFails('forbidden');
  });

  test('what works is what is on and allowed: withdrawing an allowance turns the feature off without touching the admin’s choice', () => {
    const on = [...company, allowAi, changed({ 'features.aiFeatures': { before: false, after: true } })];
    const withdrawn = [...on, changed({ 'allowances.features.aiFeatures': { before: true, after: false } })];
    expect(effectiveFeatures(fold(on).settings, fold(on).allowances).aiFeatures).toBe(true);
    expect(fold(withdrawn).settings.features.aiFeatures).toBe(true);
    expect(effectiveFeatures(fold(withdrawn).settings, fold(withdrawn).allowances).aiFeatures).toBe(false);
    // The admin may still turn it off; turning it on again is refused.
    spec(withdrawn).when(change({ features: { aiFeatures: false } })).then([changed({ 'features.aiFeatures': { before: true, after: false } })]);
    spec([...withdrawn, changed({ 'features.aiFeatures': { before: true, after: false } })]).when(change({ features: { aiFeatures: true } })).thenFails('setting-not-allowed');
  });

  test('custom CSS only when a super admin enabled it for the organization', () => {
    spec(company).when(change({ branding: { customCss: '.header { color: #333 }' } })).thenFails('setting-not-allowed', { fields: ['branding.customCss'] });
    const enabled = [...company, changed({ 'allowances.customCss': { before: false, after: true } })];
    spec(enabled).when(change({ branding: { customCss: '.header { color: #333 }' } })).then([changed({ 'branding.customCss': { before: null, after: '.header { color: #333 }' } })]);
  });

  test('the invitation template needs {{setupLink}} in its body and knows three placeholders', () => {
    spec(company).when(change({ branding: { invitationTemplate: { subject: 'Welcome to {{organizationName}}', body: 'Hello {{firstName}}' } } })).thenFails('invalid-settings', { fields: ['branding.invitationTemplate.body'] });
    spec(company).when(change({ branding: { invitationTemplate: { subject: 'Hi {{lastName}}', body: '{{setupLink}}' } } })).thenFails('invalid-settings', { fields: ['branding.invitationTemplate.subject'] });
    spec(company)
      .when(change({ branding: { invitationTemplate: { subject: ' Welcome to {{organizationName}} ', body: 'Hello {{ firstName }}, start here: {{setupLink}}' } } }))
      .then([changed({ 'branding.invitationTemplate': { before: null, after: { subject: 'Welcome to {{organizationName}}', body: 'Hello {{ firstName }}, start here: {{setupLink}}' } } })]);
  });

  test('rendering escapes the values, never the template, and keeps the subject on one line', () => {
    const html = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const rendered = renderTemplate({ subject: 'Welcome to {{organizationName}}', body: '<p>Hello {{firstName}}</p> <a href="{{setupLink}}">Start</a>' }, { firstName: '<script>x</script>', organizationName: 'A\r\nBcc: evil@x', setupLink: 'https://s/setup?token=t' }, html);
    expect(rendered).toEqual({ subject: 'Welcome to A Bcc: evil@x', body: '<p>Hello &lt;script&gt;x&lt;/script&gt;</p> <a href="https://s/setup?token=t">Start</a>' });
  });

  test('the password minimum is at or above the platform’s 12 and at most 128; retention is 1 to 3650 days or none', () => {
    spec(company).when(change({ policies: { passwordMinLength: 11 } })).thenFails('invalid-settings', { fields: ['policies.passwordMinLength'] });
    spec(company).when(change({ policies: { passwordMinLength: 129 } })).thenFails('invalid-settings', { fields: ['policies.passwordMinLength'] });
    spec(company).when(change({ policies: { passwordMinLength: 16, retention: { deactivatedMembersDays: 3650 }, privacy: { membersSeeOtherMembers: false } } })).then([
      changed({
        'policies.passwordMinLength': { before: 12, after: 16 },
        'policies.retention.deactivatedMembersDays': { before: null, after: 3650 },
        'policies.privacy.membersSeeOtherMembers': { before: true, after: false },
      }),
    ]);
  });

  test('settings have their own version: a change moves it and not the profile’s, a profile edit moves neither of the settings', () => {
    const base = fold(company);
    const afterChange = fold([...company, changed({ visibility: { before: 'private', after: 'public' } })]);
    expect([afterChange.settingsVersion, afterChange.version]).toEqual([base.settingsVersion + 1, base.version]);
    const afterEdit = fold([...company, { type: 'OrganizationSettingsUpdated', data: { organizationId: org, changes: { name: { before: 'School', after: 'Academy' } } } }]);
    expect([afterEdit.settingsVersion, afterEdit.version]).toEqual([base.settingsVersion, base.version + 1]);
  });
});
