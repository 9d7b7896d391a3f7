import { eventTypes, type DomainEvent } from '../shared/decider.js';
import type { SetupTokenRecord } from './membership.js';

/** Join requests' shapes (issue 17): the commands and events of self-registration, and how the requests evolve. The rules are in joining.ts. */
export const JOIN_RETRY_DAYS = 7;
/** What a person who joins by themselves is: a learner or employee. */
export const SELF_REGISTERED_ROLES = ['member'] as const;

export interface JoinRequest {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  status: 'pending' | 'approved' | 'rejected';
  requestedAt: string;
  decidedAt: string | null;
  reason: string | null;
}

export type JoiningCommand =
  | { type: 'RegisterBySelf'; data: { requestId: string; userId: string; email: string; firstName: string; lastName: string; setupToken: SetupTokenRecord; now: string } }
  | { type: 'ApproveJoinRequest'; data: { requestId: string; userId: string; roles: string[]; setupToken: SetupTokenRecord; actorId: string; now: string } }
  | { type: 'RejectJoinRequest'; data: { requestId: string; reason: string; now: string } };

export type JoiningEvent =
  | DomainEvent<'JoinRequested', { organizationId: string; requestId: string; email: string; firstName: string; lastName: string; requestedAt: string }>
  | DomainEvent<'JoinRequestApproved', { organizationId: string; requestId: string; userId: string; approvedAt: string }>
  | DomainEvent<'JoinRequestRejected', { organizationId: string; requestId: string; email: string; firstName: string; reason: string; rejectedAt: string }>;

export const JOINING_EVENT_TYPES = eventTypes<JoiningEvent>({ JoinRequested: true, JoinRequestApproved: true, JoinRequestRejected: true });

export const JOIN_REASON_MAX = 1_000;

/** Applies a joining event to the organization's requests. */
export function evolveJoinRequests(requests: Readonly<Record<string, JoinRequest>>, event: JoiningEvent): Readonly<Record<string, JoinRequest>> {
  switch (event.type) {
    case 'JoinRequested': {
      const { requestId, email, firstName, lastName, requestedAt } = event.data;
      return { ...requests, [requestId]: { id: requestId, email, firstName, lastName, status: 'pending', requestedAt, decidedAt: null, reason: null } };
    }
    case 'JoinRequestApproved':
      return { ...requests, [event.data.requestId]: { ...requests[event.data.requestId], status: 'approved', decidedAt: event.data.approvedAt } };
    case 'JoinRequestRejected':
      return { ...requests, [event.data.requestId]: { ...requests[event.data.requestId], status: 'rejected', decidedAt: event.data.rejectedAt, reason: event.data.reason } };
  }
}
