import { describe, expect, test } from '@jest/globals';
import { organizationDecider } from '../organizations/organization.decider.js';
import type { OrganizationState } from '../organizations/organization.js';
import type { OrganizationEvent } from '../organizations/organization.js';
import { DomainError } from '../shared/domain-error.js';
import { as, company, superAdmin } from '../testing/company.js';
import { deactivated } from '../testing/school.js';
import { requireSeesTeamMembers } from './team-roster.js';

/** Who may read who is in a team (issue 17's privacy policy). The company: testing/company.ts. */
const stateOf = (events: OrganizationEvent[]) => events.reduce(organizationDecider.evolve, organizationDecider.initialState()) as Extract<OrganizationState, { status: 'existing' }>;
const outcome = (events: OrganizationEvent[], membersSeeOtherMembers: boolean, actor: { id: string; kind: string }, teamId: string): string => {
  const state = stateOf(events);
  try {
    requireSeesTeamMembers(state, membersSeeOtherMembers, actor, state.teams.get(teamId)!);
    return 'sees';
  } catch (error) {
    return (error as DomainError).code;
  }
};

describe("Reading a team's members", () => {
  test('admins, owners, super admins, the department admin above the team and its leader see it, whatever the privacy policy', () => {
    for (const privacy of [true, false])
      for (const actor of [as('ann'), as('olga'), superAdmin, as('dora'), as('lee')]) expect([actor.id, privacy, outcome(company, privacy, actor, 'platform')]).toEqual([actor.id, privacy, 'sees']);
  });

  test("a member of the team sees it when members may see one another, and gets 403 members-private when they may not", () => {
    expect(outcome(company, true, as('max'), 'platform')).toBe('sees');
    expect(outcome(company, false, as('max'), 'platform')).toBe('members-private');
  });

  test('a member of another team, and a deactivated member of this one, get 403 forbidden', () => {
    expect(outcome(company, true, as('mia'), 'platform')).toBe('forbidden');
    expect(outcome([...company, deactivated('max')], true, as('max'), 'platform')).toBe('forbidden');
  });
});
