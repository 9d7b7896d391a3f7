import type { ExistingOrganization, OrganizationCommand, OrganizationEvent } from './organization.js';

/** Payment status (guide: Payment Management): marking an organization in arrears, and clearing it. */
export function markInArrears(command: Extract<OrganizationCommand, { type: 'MarkOrganizationInArrears' }>, state: ExistingOrganization): OrganizationEvent[] {
  const org = state;
  // Marking twice keeps the first date: it is when the payment problem began.
  if (org.inArrearsAt) return [];
  return [{ type: 'OrganizationMarkedInArrears', data: { organizationId: org.id, inArrearsAt: command.data.now } }];
}

export function clearArrears(command: Extract<OrganizationCommand, { type: 'ClearOrganizationArrears' }>, state: ExistingOrganization): OrganizationEvent[] {
  const org = state;
  if (!org.inArrearsAt) return [];
  return [{ type: 'OrganizationArrearsCleared', data: { organizationId: org.id, wasInArrearsSince: org.inArrearsAt } }];
}
